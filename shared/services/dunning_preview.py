"""What a client's daily run would do on a day, without doing it (golive32): before the
go-live day the agency and the client see, per workflow step, how many debtors and invoices
the first live run takes, by which channel, for what principal, and the costs each step would
claim. Nothing is sent, no message or action item is written, no schedule row moves.

The decision is the run's own (``DunningService.decide``): the same workflow assignment,
plan holds, prescription hold (its read-only look), dunning minimum and plan of the steps.
What the preview leaves out is what only a write settles: an arrangement's costs hold that a
fault left unwritten (the run writes it first), a business debtor's hand-over costs (the case
decides them), and a template or letter refused at rendering (the run puts it on the action
list). Costs are the claim ledger's, as the message would state them: costs owed now, and for
a 14-day letter the costs it announces for after its term (none for a consumer's reminder
before it: art. 6:96 lid 6 BW).

Cost: one part of at most ``PREVIEW_ROWS`` due schedule rows (and whole rows of at most
``PREVIEW_ENTRIES`` due invoices) per request, the rows after
``after`` (the previous answer's ``continuation``); an import's row names all its invoices, so
one part may hold a whole backlog. Per debtor in it, the reads of the run (debtor, invoices,
plan holds, the claims' range read, the ledger's figures) and none of its writes; the ended
plans' holds once for the part, as the run reads them. The debtors are independent, so their
reads go ``PREVIEW_READERS`` at a time (walk32: an import of 502 debtors, one part, was 4,018
requests one by one, 11 s on Azurite). A debtor whose invoices are due on days that fall on two parts is counted on
both."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

from shared.adapters.tables.dunning_repo import ScheduleEntry
from shared.adapters.tables.keys import encode
from shared.adapters.tables.plans_repo import held_after_end
from shared.domain.dunning.workflow import PlannedMessage, SegmentRule, StepChannel, Workflow
from shared.domain.invoices import Invoice
from shared.domain.ledger.model import ClaimFigures
from shared.domain.parties import Client, Debtor
from shared.services.account_ownership import debtor_account
from shared.services.dunning import (
    BELOW_MINIMUM,
    PLANNED,
    WITHOUT_WORKFLOW,
    DebtorDecision,
    DunningService,
    _shard_of,
    costs_term,
)
from shared.services.dunning_spread import DaySlots, oldest_due, spread_order, starts
from shared.services.preview_slots import given_in_job

PREVIEW_ROWS = 200  # due schedule rows one preview request reads (about 1,000 store reads)
# due invoices one part looks at: an import's row names up to 30,000 characters of invoices
# (some 3,000 short ones), so 200 rows could be 600,000 debtors' reads for one GET
# (attack32b); a part ends before the row that would pass it (one row is never split)
PREVIEW_ENTRIES = 1_000
# debtors read at once: each look is a handful of small sequential reads (latency, not CPU),
# and 16 is what the store's own parallel point reads and the portal's reads use
PREVIEW_READERS = 16


@dataclass
class StepPreview:
    workflow: str
    index: int  # the step's place in its workflow
    step_id: str
    step: str
    channel: str
    debtors: set[str] = field(default_factory=set)
    invoices: int = 0
    principal: int = 0  # cents: the open principal of the step's invoices
    costs: int = 0  # cents, VAT included: costs owed now that its messages state
    costs_announced: int = 0  # cents: a 14-day letter's costs owed if unpaid after its term

    def as_dict(self) -> dict[str, object]:
        return {
            "workflow": self.workflow,
            "step_id": self.step_id,
            "step": self.step,
            "channel": self.channel,
            "debtors": len(self.debtors),
            "invoices": self.invoices,
            "principal": self.principal,
            "costs": self.costs,
            "costs_announced": self.costs_announced,
        }


@dataclass
class RunPreview:
    on: date
    steps: dict[tuple[str, str, str], StepPreview] = field(default_factory=dict)
    # debtor number -> the step id and invoices of each step planned: what a test compares
    # with a real run
    planned: dict[str, list[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    debtors: int = 0  # looked at
    without_workflow: int = 0
    below_minimum: int = 0
    held_without_account: bool = False
    continuation: str | None = None
    # a backlog spread over days (golive33): the debtors that start a workflow that day, in
    # the order the run gives them their first step, and how many wait for a later run
    starting: list[str] = field(default_factory=list)
    spread_waiting: int = 0


def preview_run(
    dunning: DunningService, client: Client, on: date, after: str | None = None,
    rows: int = PREVIEW_ROWS,
) -> RunPreview:  # fmt: skip
    """The run of ``on`` for the due rows after ``after`` (at most ``rows``), decided as the
    run decides and counted per step; nothing written."""
    repos = dunning.repos
    account = debtor_account(repos, client)
    dunning._account_of = (client, account)  # the run's memo: one account read per preview
    out = RunPreview(on, held_without_account=not account)
    workflows = {k: w for k, w in repos.dunning.workflows(client.client_id).items() if w.active}
    rules = repos.dunning.rules(client.client_id)
    due, out.continuation = repos.dunning.due_part(client.client_id, on, after, rows)
    due, cut = _within(due, PREVIEW_ENTRIES)
    if cut is not None:
        out.continuation = cut
    numbers = list(dict.fromkeys(e.debtor_number for e in due))
    # the ended plans' dunning holds, read once for every debtor of the part (as the run does)
    ended_holds = held_after_end(repos.store, client.client_id) if numbers else frozenset()

    def look(number: str) -> _Look | None:
        return _look(dunning, client, number, on, workflows, rules, ended_holds)

    # counted in the part's order, whatever order the reads finish in
    with ThreadPoolExecutor(max(1, min(PREVIEW_READERS, len(numbers)))) as pool:
        looks = list(pool.map(look, numbers))
    waiting = _spread(dunning, client, on, [lk for lk in looks if lk is not None], out, look)
    for looked in looks:
        if looked is None:
            continue
        debtor, decided, costs, _ = looked
        debtor_number = debtor.number
        out.debtors += 1
        if debtor_number in waiting:
            out.spread_waiting += 1  # its first step waits for a later run
            continue
        if decided.outcome == WITHOUT_WORKFLOW:
            out.without_workflow += 1
        elif decided.outcome == BELOW_MINIMUM:
            out.below_minimum += 1
        if decided.outcome != PLANNED or decided.workflow is None:
            continue
        workflow_id = decided.workflow.workflow_id
        for planned, (shown, owed, announced) in zip(decided.planned, costs, strict=True):
            step = planned.step
            key = (workflow_id, step.step_id, planned.channel.value)
            row = out.steps.setdefault(
                key,
                StepPreview(
                    workflow_id, planned.step_index, step.step_id, step.name, planned.channel.value
                ),
            )
            row.debtors.add(debtor_number)
            row.invoices += len(shown)
            row.principal += sum(i.open_amount for i in shown if i.is_collectable)
            out.planned.setdefault(debtor_number, []).append(
                (step.step_id, tuple(sorted(planned.invoice_numbers)))
            )
            row.costs += owed
            row.costs_announced += announced
    return out


def _within(due: list[ScheduleEntry], limit: int) -> tuple[list[ScheduleEntry], str | None]:
    """The due entries of the whole rows that hold at most ``limit`` of them (at least the
    first row), and the key of the last row kept when some were left (None: none left)."""
    rows: list[list[ScheduleEntry]] = []
    for entry in due:  # an import's entries share their row's key, side by side
        if rows and rows[-1][0].row_key == entry.row_key:
            rows[-1].append(entry)
        else:
            rows.append([entry])
    kept: list[ScheduleEntry] = []
    for row in rows:
        if kept and len(kept) + len(row) > limit:
            return kept, kept[-1].row_key
        kept += row
    return kept, None


# a debtor looked at: the run's decision, per planned message its invoices and costs, and
# its invoices
_Look = tuple[Debtor, DebtorDecision, list[tuple[list[Invoice], int, int]], list[Invoice]]


def _spread(
    dunning: DunningService, client: Client, on: date, looks: list[_Look], out: RunPreview,
    look: Callable[[str], _Look | None],
) -> set[str]:  # fmt: skip
    """The debtors whose first step waits for a later run under the client's
    ``first_steps_per_day``, as the run gives them (``dunning_spread``): oldest due first, a
    shard's part of the limit less the day's marks, over the run's whole job when it holds
    more than the part (``preview_slots``). ``out.starting``: the ones that go. A day before
    the go-live day nobody starts: its run holds every step (walk33)."""
    if client.dunning_waits(on):
        return set()
    limit = client.first_steps_per_day
    starters = [
        (debtor.number, oldest_due(invoices))
        for debtor, decided, _, invoices in looks
        if decided.outcome == PLANNED and starts([m.step_index for m in decided.planned], invoices)
    ]
    out.starting = spread_order(starters)
    if limit is None or not starters:
        return set()
    mine = {lk[0].number: lk for lk in looks}

    def decide(number: str) -> tuple[DebtorDecision, list[Invoice]] | None:
        looked = mine[number] if number in mine else look(number)
        return None if looked is None else (looked[1], looked[3])

    given = given_in_job(dunning, client, on, list(mine), decide, PREVIEW_READERS)
    shards = max(1, client.dunning_shards)
    slots: dict[int, DaySlots] = {}
    waiting: set[str] = set()
    for number in out.starting:
        shard = _shard_of(number, shards) if shards > 1 else 0
        if shard not in slots:
            slots[shard] = DaySlots(dunning.repos, client.client_id, on, shard, shards, limit)
        day = slots[shard]
        if encode(number) in day.taken:
            continue  # given its first step today already (a run cut off after the mark)
        if given is not None:
            if number not in given:
                waiting.add(number)  # the job's older due debtors take the slots
            continue
        if day.left():
            day.taken.add(encode(number))  # counted here, nothing written
        else:
            waiting.add(number)
    out.starting = [n for n in out.starting if n not in waiting]
    return waiting


def _look(
    dunning: DunningService, client: Client, debtor_number: str, on: date,
    workflows: dict[str, Workflow], rules: list[SegmentRule], ended_holds: AbstractSet[str],
) -> _Look | None:  # fmt: skip
    """One debtor's reads and the run's decision on them (only reads: safe side by side, as
    the run's own jobs of several clients are)."""
    repos = dunning.repos
    found = repos.debtors.get(client.client_id, debtor_number)
    if found is None:
        return None
    debtor = found[0]
    invoices = repos.invoices.for_debtor(client.client_id, debtor_number)
    # the prescription hold as the run would keep it, without its warnings
    prescribed = dunning.prescriptions.held(client.client_id, debtor, invoices, on)
    decided = dunning.decide(
        client, debtor, invoices, on, workflows, rules, prescribed, ended_holds
    )
    costs = []
    if decided.outcome == PLANNED:
        for planned in decided.planned:
            shown = [i for i in invoices if i.number in planned.invoice_numbers]
            owed, announced = _costs(dunning, client, decided.figures, planned, debtor, shown, on)
            costs.append((shown, owed, announced))
    return debtor, decided, costs, invoices


def _costs(
    dunning: DunningService, client: Client, figures: dict[str, ClaimFigures] | None,
    planned: PlannedMessage, debtor: Debtor, shown: list[Invoice], on: date,
) -> tuple[int, int]:  # fmt: skip
    """The costs the step's message would state, from the claim ledger as the run reads it:
    (owed now, announced by a 14-day letter for after its term)."""
    if client.client_bears_costs or figures is None or planned.channel is StepChannel.STAFF_TASK:
        return 0, 0  # reminders show the principal only; a staff task states nothing
    numbers = [i.number for i in shown if i.is_collectable]
    owed = sum(figures[n].open.costs + figures[n].open.costs_vat for n in numbers if n in figures)
    term = costs_term(planned, debtor, on)
    if term is None or owed:
        return owed, 0
    announced = dunning.ledger.announced_costs(client, debtor, numbers, term)
    return 0, announced  # with its VAT, as the letter states it


def steps_in_order(preview: RunPreview) -> list[dict[str, object]]:
    """The steps by workflow and place in it."""
    grouped: dict[str, list[StepPreview]] = defaultdict(list)
    for step in preview.steps.values():
        grouped[step.workflow].append(step)
    return [s.as_dict() for w in sorted(grouped) for s in sorted(grouped[w], key=lambda s: s.index)]
