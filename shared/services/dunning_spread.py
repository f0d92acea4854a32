"""A client's backlog spread over days (golive33).

A client going live with thousands of overdue debtors got every first step on the morning
of its go-live day: a mailbox's day limit, a call centre flooded by the answers. A client's
``first_steps_per_day`` (None: no limit) lets a daily run give a workflow's first step to at
most that many debtors; the others wait for the next runs, their schedule rows moved to the
next day, and the run record counts them (``spread_waiting``). A debtor already in a workflow
(an open invoice that took a step) goes on as normal, whatever the limit.

Which debtors go: those whose oldest open invoice fell due first (then by debtor number), as
the run (:meth:`DaySlots.order`) and the preview (``dunning_preview``) both order them, so
the preview of a day names the debtors that day's run takes. The order holds within what one
job of the run reads (``DUE_PER_JOB`` due rows, an import's row whole) and one part of the
preview (``PREVIEW_ROWS``): a backlog over more than one job is taken job by job.

Once a day: each debtor given a first step is marked for the day (``~spread|<shard>|<day>|
<debtor>``, beside the schedule) before its step is taken, and a run counts the day's marks
at its start: a job delivered again the same day (a retry, a redelivery, the action list's
replay) gives no new slots for the debtors it gave before, and takes a debtor it marked but
did not finish without another slot. A client run in shards gives each shard its part of the
limit (the shards run side by side; no shared counter to race on; the remainder goes round
the shards day by day). The marks of earlier days go with the shard's first job of the next
day. Within a shard the jobs follow one another (a job queues its follow-up when it is
done); only a job retried while its follow-up runs counts the marks both read at their
start, and may give a first step to the debtors it failed before marking beyond the limit
(one job's failures, never a second N).

Cost: with a limit, one range read of the day's marks per job; when more debtors are due
than slots are left, their invoices read once more for the order (side by side, as the
preview's reads), and one insert per debtor given a first step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from shared.adapters.tables.keys import encode
from shared.domain.invoices import Invoice
from shared.services.repositories import Repositories

SPREAD = "spread|"  # the marks' prefix: ``spread|<shard>|<YYYYMMDD>|<encoded debtor>``
MAX_FIRST_STEPS_PER_DAY = 1_000_000
READERS = 16  # debtors whose invoices are read at once for the order (as the preview's)


def share(limit: int, shard: int, shards: int, day: date) -> int:
    """A shard's part of the client's daily limit on ``day``. The remainder goes round the
    shards day by day: given always to the first ones, a limit below the shard count left
    the last shards none, and their debtors never started a workflow (review33)."""
    shards = max(1, shards)
    return limit // shards + (1 if (shard - day.toordinal()) % shards < limit % shards else 0)


def oldest_due(invoices: Iterable[Invoice]) -> date:
    """The day the debtor's oldest open invoice fell due (``date.max``: none open)."""
    return min((i.due_date for i in invoices if i.is_collectable), default=date.max)


def in_workflow(invoices: Iterable[Invoice]) -> bool:
    """Whether an open invoice of the debtor took a step already: it goes on as normal."""
    return any(i.dunning_step >= 0 for i in invoices if i.is_collectable)


def starts(step_indexes: Sequence[int], invoices: Iterable[Invoice]) -> bool:
    """Whether a debtor whose plan today takes steps ``step_indexes`` starts a workflow: one of
    them is its first step, and none of its open invoices took a step before."""
    return 0 in step_indexes and not in_workflow(invoices)


class DaySlots:
    """The first steps a shard of a client's run may still give on ``day``."""

    def __init__(
        self, repos: Repositories, client_id: str, day: date, shard: int, shards: int, limit: int
    ) -> None:
        self.repos, self.client_id, self.day = repos, client_id, day
        self.limit = share(limit, shard, shards, day)
        self._shard = f"{SPREAD}{shard}|"
        self._prefix = f"{self._shard}{day:%Y%m%d}|"
        marks = repos.dunning.marks(client_id, self._shard)
        today = f"{day:%Y%m%d}|"
        self.taken = {m[len(today) :] for m in marks if m.startswith(today)}
        self._earlier = sorted({m.split("|", 1)[0] for m in marks if not m.startswith(today)})

    def left(self) -> int:
        return max(0, self.limit - len(self.taken))

    def forget_earlier(self) -> None:
        """The marks of earlier days taken away (the shard's first job of the day)."""
        for day in self._earlier:
            if day < f"{self.day:%Y%m%d}":
                self.repos.dunning.unmark_all(self.client_id, f"{self._shard}{day}|")

    def take(self, debtor_number: str) -> bool:
        """A first step for the debtor today: True when it was given one today already or a
        slot is left (marked before the step is taken); False: it waits."""
        key = encode(debtor_number)
        if key in self.taken:
            return True
        if len(self.taken) >= self.limit:
            return False
        self.repos.dunning.mark_once(self.client_id, self._prefix + key)
        self.taken.add(key)
        return True

    def order(self, debtors: Sequence[str]) -> list[str]:
        """``debtors`` oldest due first (then by number), their invoices read side by side."""
        repos, client_id = self.repos, self.client_id

        def due(number: str) -> date:
            return oldest_due(repos.invoices.for_debtor(client_id, number))

        with ThreadPoolExecutor(max(1, min(READERS, len(debtors)))) as pool:
            days = list(pool.map(due, debtors))
        return [n for _, n in sorted(zip(days, debtors, strict=True))]


def spread_order(looked: Iterable[tuple[str, date]]) -> list[str]:
    """Debtor numbers by (oldest due, number): the order the run gives first steps in."""
    return [n for _, n in sorted((day, n) for n, day in looked)]
