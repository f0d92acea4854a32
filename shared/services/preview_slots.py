"""Who gets a first step on a day, over the run's whole job, for one part of the preview
(walk33).

The preview reads a part of at most ``PREVIEW_ROWS`` due rows; the run gives the day's first
steps over its whole job (``DUE_PER_JOB`` rows), oldest due first (``dunning_spread``). The
day after a go-live day the waiting debtors' rows are one per invoice, so 300 debtors with two
invoices each were three parts: each part gave its own debtors the day's 100 slots, and the
preview named 200 starters (part 1: D0001..D0100, the newest due) where the run started 100
(D0101..D0200, the oldest due). Here the slots are given as the run gives them: the job's
debtors ordered by their oldest open invoice (one invoice read each, as the run's own
``DaySlots.order``), then decided in that order, ``readers`` at a time, until the shard's slots
are given; a part's starter goes that day only when it is one of them.

Cost, only when the run's job holds debtors beyond the part: the job's due rows (key reads,
1,000 a page), one invoice read per debtor of the job, and the decision of the debtors in
order until the slots are given (about the limit, five reads each).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import TYPE_CHECKING

from shared.adapters.tables.keys import encode
from shared.domain.invoices import Invoice
from shared.domain.parties import Client
from shared.services.dunning import PLANNED, DebtorDecision, DunningService, _shard_of
from shared.services.dunning_spread import DaySlots, starts

if TYPE_CHECKING:
    # a debtor decided as the preview does: its decision and its invoices (None: no debtor)
    Decide = Callable[[str], tuple[DebtorDecision, list[Invoice]] | None]


def given_in_job(
    dunning: DunningService, client: Client, on: date, part: Collection[str],
    decide: Decide, readers: int,
) -> set[str] | None:  # fmt: skip
    """The debtors the run of ``on`` gives a first step under the client's limit, over its
    first job's due rows; None when that job holds no debtor beyond ``part`` (the part's own
    order is the run's then). Debtors given one today already are the slots' ``taken``."""
    limit = client.first_steps_per_day
    if limit is None:
        return None
    job, _ = dunning.repos.dunning.due_part(client.client_id, on, None, dunning.due_per_job)
    debtors = list(dict.fromkeys(e.debtor_number for e in job))
    if set(debtors) <= set(part):
        return None
    shards = max(1, client.dunning_shards)
    by_shard: dict[int, list[str]] = defaultdict(list)
    for number in debtors:
        by_shard[_shard_of(number, shards) if shards > 1 else 0].append(number)
    given: set[str] = set()
    for shard, numbers in sorted(by_shard.items()):
        slots = DaySlots(dunning.repos, client.client_id, on, shard, shards, limit)
        left = slots.left()
        ordered = [n for n in slots.order(numbers) if encode(n) not in slots.taken] if left else []
        with ThreadPoolExecutor(max(1, readers)) as pool:
            for start in range(0, len(ordered), readers):
                batch = ordered[start : start + readers]
                for number, looked in zip(batch, pool.map(decide, batch), strict=True):
                    if left and looked is not None and _starts(*looked):
                        given.add(number)
                        left -= 1
                if not left:
                    break
    return given


def _starts(decided: DebtorDecision, invoices: list[Invoice]) -> bool:
    return decided.outcome == PLANNED and starts([m.step_index for m in decided.planned], invoices)
