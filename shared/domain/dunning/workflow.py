"""Workflows: the ordered steps a client takes with a debtor segment, and which step is due.

Each morning every open invoice gets exactly the next step its workflow prescribes: at most
one step per invoice per day (after a pause the steps follow each other, none is skipped),
none twice (the invoice remembers the last step it got), none to an invoice that is paid,
credited, withdrawn, disputed, paused, or promised to be paid (until the promised date plus a
grace period). One debtor gets one message per step, covering all invoices at that step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from shared.domain.dunning import template_reasons
from shared.domain.dunning.templates import MessageTemplate, TemplateError, validate
from shared.domain.invoices import Invoice
from shared.domain.law.fourteen_day_letter import LetterChannel, fourteen_day_term
from shared.domain.money import Cents
from shared.domain.parties import Debtor, DebtorKind
from shared.domain.reasons import Reason
from shared.domain.standing import arose_on, held_after_ruling, holds


class StepChannel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    LETTER = "letter"
    ROBOCALL = "robocall"
    STAFF_TASK = "staff_task"
    FOURTEEN_DAY_LETTER = "fourteen_day_letter"
    HANDOVER = "handover"


class OffsetFrom(StrEnum):
    DUE_DATE = "due_date"
    PREVIOUS_STEP = "previous_step"


@dataclass(frozen=True)
class Step:
    name: str
    channel: StepChannel
    offset_days: int
    offset_from: OffsetFrom = OffsetFrom.DUE_DATE
    templates: Mapping[str, str] = field(default_factory=dict)  # language -> template id
    min_open_amount: Cents = 0
    debtor_kinds: frozenset[DebtorKind] = frozenset({DebtorKind.B2B, DebtorKind.B2C})
    fallback: StepChannel | None = None  # when the debtor lacks the contact data
    letter_by: StepChannel = StepChannel.LETTER  # how a 14-day letter travels
    # what the step is, whatever its place: an edit that inserts, removes or moves steps keeps
    # it, so an invoice in flight stays at the step it took (``placed``) and each message's
    # outbox key names the step, not its number. A workflow stored before steps had one gets
    # its steps' places at that time ("0", "1", ...): the numbers its invoices and keys used
    step_id: str = ""


@dataclass(frozen=True)
class Workflow:
    workflow_id: str
    name: str
    steps: tuple[Step, ...]
    active: bool = False
    # bundling (0: off): an invoice of the debtor whose next step is the one another of his
    # invoices takes today, due for it within this many days, rides along in that message
    # (``plan_debtor``), so invoices a few days apart are not dunned one by one
    bundle_days: int = 0


@dataclass(frozen=True)
class SegmentRule:
    """Assigns debtors to a workflow; the first rule that matches wins."""

    workflow_id: str
    kind: DebtorKind | None = None
    segment: str | None = None
    min_open: Cents | None = None
    max_open: Cents | None = None

    def matches(self, debtor: Debtor, open_total: Cents) -> bool:
        return (
            (self.kind is None or debtor.kind is self.kind)
            and (self.segment is None or debtor.segment == self.segment)
            and (self.min_open is None or open_total >= self.min_open)
            and (self.max_open is None or open_total <= self.max_open)
        )


def assign_workflow(
    rules: Sequence[SegmentRule], debtor: Debtor, open_total: Cents, override: str | None = None
) -> str | None:
    if override:
        return override
    return next((r.workflow_id for r in rules if r.matches(debtor, open_total)), None)


@dataclass(frozen=True)
class DunningState:
    """Where an invoice is in its workflow."""

    last_step: int = -1
    last_step_on: date | None = None
    paused_until: date | None = None  # inclusive; date.max for "until resumed"
    promise_until: date | None = None
    # the claim's costs are owed, or will be once a 14-day term already running ends (the
    # claim ledger's terms): no 14-day letter may threaten them again
    costs_owed_from: date | None = None
    # the client sent the 14-day letter itself (the claim ledger's header, from the import)
    letter_sent_on: date | None = None
    # the ids of the steps the invoice took (``Invoice.dunning_trail``): none is taken again,
    # wherever an edit moved it
    taken: frozenset[str] = frozenset()
    # the 14-day letter it got no longer counts (a moved due date overtook it, a letter to a
    # consumer sent while he counted as a business): its 14-day step is due again
    letter_void: bool = False
    # the day a payment plan that held the invoice ended (cancelled by staff, or lapsed): a
    # hold like a pause until that day (``held_until``)
    plan_ended_on: date | None = None
    # the day staff resumed the invoice before its pause (or promise) ran out (misc17b)
    pause_ended_on: date | None = None
    # Inning sent this invoice a 14-day letter once (``Invoice.own_letter``), even one that
    # did not reach the debtor since: that one is sent again by a person (letters8), never
    # again by the run (``letter_owed``)
    letter_went_out: bool = False


def trail_mark(workflow_id: str, step_id: str) -> str:
    """How an invoice's trail records a step it took: the step's id within its workflow.
    Step ids are only unique within one workflow (a workflow saved fresh numbers its steps
    "0", "1", ...): a bare id would count as taken in every workflow the debtor is moved to
    (dunning16 F1: a consumer moved by a partial payment from one workflow to another was
    handed over without the new workflow's 14-day letter, its id taken in the old one)."""
    return f"{workflow_id}|{step_id}"


def taken_in(workflow: Workflow, trail: Sequence[str], has_letter: bool = True) -> tuple[str, ...]:
    """The ids of the steps of ``workflow`` the trail says the invoice took, oldest first: a
    step recorded with another workflow's id was not taken in this one (an e-mail another
    workflow sent is not this workflow's). A bare id, recorded before steps named their
    workflow, is read as this workflow's, as it was then; except a 14-day letter step when
    the invoice has no letter (``has_letter``: no costs term, no letter of the client's own):
    that id may be another workflow's step, and what decides a 14-day letter is the invoice's
    own record of one, never the number of a step (art. 6:96 lid 6 BW)."""
    letters = {s.step_id for s in workflow.steps if s.channel is StepChannel.FOURTEEN_DAY_LETTER}
    ours: list[str] = []
    head = f"{workflow.workflow_id}|"
    for entry in trail:
        if "|" in entry:
            if entry.startswith(head) and "|" not in entry[len(head) :]:
                ours.append(entry[len(head) :])
        elif has_letter or entry not in letters:
            ours.append(entry)
    return tuple(ours)


def in_trail(trail: Sequence[str], workflow_id: str, step_id: str) -> bool:
    """The step is recorded in the trail (with its workflow, or bare as before)."""
    return trail_mark(workflow_id, step_id) in trail or step_id in trail


def last_in_trail(trail: Sequence[str], step_id: str, workflow_id: str | None = None) -> bool:
    """The trail's last entry is this step (of ``workflow_id``, when given; a bare entry,
    recorded before steps named their workflow, is any workflow's)."""
    if not trail:
        return False
    workflow, sep, last = trail[-1].rpartition("|")
    if not sep:
        return last == step_id
    return last == step_id and (workflow_id is None or workflow == workflow_id)


def trail_of(invoice: Invoice) -> tuple[str, ...]:
    """The ids of the steps the invoice took, oldest first. One that took steps before they
    had ids names its last step by its number then, the id that step was given."""
    if invoice.dunning_trail:
        return invoice.dunning_trail
    return (str(invoice.dunning_step),) if invoice.dunning_step >= 0 else ()


def placed(workflow: Workflow, trail: Sequence[str]) -> int:
    """Where an invoice that took the steps ``trail`` stands in the workflow as it is now: at
    the place of the last of them the workflow still has (-1: none, it starts at the top).
    A step put in front of it is not for this invoice (it is past it); a step it took that
    was removed leaves it after the one it took before."""
    where = {s.step_id: n for n, s in enumerate(workflow.steps)}
    return next((where[s] for s in reversed(trail) if s in where), -1)


def step_of_key(debtor_number: str, key: str) -> tuple[str, str] | None:
    """The workflow and step id a dunning message's outbox key names
    (``dun|<debtor>|<workflow>|<step id>|<digest>``, written by
    ``shared.services.dunning.step_key_prefix``); None for any other key."""
    head = f"dun|{debtor_number}|"
    parts = key[len(head) :].rsplit("|", 2) if key.startswith(head) else []
    return (parts[0], parts[1]) if len(parts) == 3 and parts[1] else None


def step_by_id(workflow: Workflow, step_id: str) -> tuple[int, Step] | None:
    return next(((n, s) for n, s in enumerate(workflow.steps) if s.step_id == step_id), None)


def fresh_step_id(taken: set[str]) -> str:
    """An id for a step new to a workflow: a number never used in it before would do only if
    removed steps were remembered, so a random one (no invoice's trail can name it)."""
    import secrets

    while True:
        candidate = "s" + secrets.token_hex(4)
        if candidate not in taken:
            return candidate


def with_step_ids(
    steps: Sequence[Step], old: Sequence[Step] = (), taken: set[str] | None = None
) -> tuple[Step, ...]:
    """The steps with an id each: one given is kept; one without is the old step it is the
    same as (all its settings equal, else the same name and channel, each old step matched
    once), else a new one. A workflow with no old steps numbers its steps from 0, as the
    steps of a workflow stored before ids were."""
    given = {s.step_id for s in steps if s.step_id}
    unmatched = [o for o in old if o.step_id and o.step_id not in given]
    used = set(given) | {o.step_id for o in old} | set(taken or ())
    result: list[Step] = []
    for n, step in enumerate(steps):
        if step.step_id:
            result.append(step)
            continue
        match = next((o for o in unmatched if replace(o, step_id="") == step), None) or next(
            (o for o in unmatched if (o.name, o.channel) == (step.name, step.channel)), None
        )
        if match is not None:
            unmatched.remove(match)
            result.append(replace(step, step_id=match.step_id))
        elif not old and str(n) not in used:
            used.add(str(n))
            result.append(replace(step, step_id=str(n)))
        else:
            new_id = fresh_step_id(used)
            used.add(new_id)
            result.append(replace(step, step_id=new_id))
    return tuple(result)


def entered(workflow: Workflow, state: DunningState) -> DunningState:
    """Where the invoice stands in this workflow. A 14-day letter the client sent itself
    counts as the workflow's (first) 14-day step, taken on the last day of the letter's term:
    the reminders before it are not sent (they would ask for the principal only while the
    costs are owed already), and the steps after it count from the end of that term. A
    letter of its own that no longer counts (``letter_void``) puts it back before the
    workflow's 14-day step, to be sent again (the steps it took between stay taken)."""
    state = back_to_letter(workflow, state)
    if state.letter_sent_on is None:
        return state
    index = next(
        (n for n, s in enumerate(workflow.steps) if s.channel is StepChannel.FOURTEEN_DAY_LETTER),
        None,
    )
    if index is None or state.last_step >= index:
        return state  # no such step, or the invoice is past it already
    try:
        term_end = fourteen_day_term(state.letter_sent_on, LetterChannel.LETTER).last_day
    except OverflowError:
        term_end = state.letter_sent_on  # a term past the calendar's end: its steps overflow
    return replace(state, last_step=index, last_step_on=term_end)


def back_to_letter(workflow: Workflow, state: DunningState) -> DunningState:
    """The invoice placed just before the workflow's (first) 14-day step again, that step no
    longer taken, when the letter it got there no longer counts (kindletter12 #2: a due date
    moved past Inning's letter dropped its costs, and no letter that counts ever went out)."""
    if not state.letter_void:
        return state
    index = next(
        (n for n, s in enumerate(workflow.steps) if s.channel is StepChannel.FOURTEEN_DAY_LETTER),
        None,
    )
    if index is None:
        return replace(state, costs_owed_from=None, letter_void=False)
    step_id = workflow.steps[index].step_id
    return replace(
        state,
        last_step=min(state.last_step, index - 1),
        taken=state.taken - {step_id},
        costs_owed_from=None,
        letter_void=False,
    )


def passed_over(step: Step, state: DunningState, debtor: Debtor, debtor_open: Cents) -> bool:
    """A step that is not for this invoice: not for this kind of debtor, too little open, or
    a 14-day letter while the claim's costs are owed already (a second letter would threaten
    as a consequence what the ledger charges, and muddy which letter the costs rest on)."""
    if debtor.kind not in step.debtor_kinds or debtor_open < step.min_open_amount:
        return True
    return step.channel is StepChannel.FOURTEEN_DAY_LETTER and (
        state.costs_owed_from is not None or state.letter_sent_on is not None
    )


@dataclass(frozen=True)
class DueStep:
    index: int
    step: Step
    due_on: date
    # the first day the step may go at all, whatever the workflow's spacing: a 14-day letter
    # once the debtor is in default, a step after a letter's term, the pace after a standing
    # or a pause (bundling never brings a step before it)
    not_before: date = date.min


PROMISE_GRACE = timedelta(days=3)
HANDED_OVER = "handed over to the agency"


def blocked(invoice: Invoice, state: DunningState, debtor: Debtor, today: date) -> str | None:
    """Why nothing may happen to this invoice today, or ``None``."""
    if not invoice.is_collectable:
        return f"invoice is {invoice.status.value}"
    if invoice.handed_over_to is not None:
        # the claim is the agency's to collect until the case is withdrawn (its invoices then
        # return to the client's dunning): no reminder of the client's beside it (dunning16 F2)
        return HANDED_OVER
    if holds(debtor.standing):
        assert debtor.standing is not None
        return f"debtor {debtor.standing.standing.value}"
    settled = held_after_ruling(
        debtor.standing, arose_on(invoice.contract_date, invoice.invoice_date)
    )
    if settled is not None:
        return settled
    if debtor.pause is not None and debtor.pause.active_on(today):
        return f"debtor paused: {debtor.pause.reason}"
    if state.paused_until is not None and today <= state.paused_until:
        return "invoice paused"
    if state.promise_until is not None and today <= state.promise_until + PROMISE_GRACE:
        return "promise to pay"
    return None


def next_due_step(
    workflow: Workflow,
    invoice: Invoice,
    state: DunningState,
    debtor: Debtor,
    debtor_open: Cents,
    today: date,
    off: frozenset[str] = frozenset(),
) -> DueStep | None:
    """The one step this invoice should get today, if any. Steps whose conditions do not
    hold for this debtor are passed over; a step is never taken twice, except a consumer's
    14-day letter that never went out (``letter_owed``), once a channel can carry it
    (``off``: the channels the client switched off)."""
    state = entered(workflow, state)
    if blocked(invoice, state, debtor, today) or state.last_step_on == today:
        return None  # at most one step per invoice per day
    owed = letter_owed(workflow, state, debtor, debtor_open)
    if owed is not None and can_carry_letter(workflow.steps[owed], debtor, off, state):
        # the consumer's letter can go now (an address added, an e-mail fallback given): it
        # goes first, and the steps after it count from its day
        floor = _owed_letter_floor(workflow, owed, invoice, state, debtor)
        return DueStep(owed, workflow.steps[owed], floor, floor) if floor <= today else None
    previous_on = state.last_step_on
    for index in range(_start(workflow, state, debtor, debtor_open), len(workflow.steps)):
        step = workflow.steps[index]
        if step.step_id and step.step_id in state.taken:
            continue  # taken before an edit moved it after the invoice's place: never twice
        if owed is not None and presumes_term(workflow, owed, index):
            return None  # no letter went out, so no term ran: it waits (newcomer18 F3)
        if step.offset_from is OffsetFrom.DUE_DATE:
            due_on = invoice.due_date + timedelta(days=step.offset_days)
        else:
            if previous_on is None and index > 0:
                return None  # the previous step has not happened yet
            due_on = (previous_on or invoice.due_date) + timedelta(days=step.offset_days)
        if passed_over(step, state, debtor, debtor_open):
            continue  # not for this invoice: on to the next step
        floor = date.min
        if step.channel is StepChannel.FOURTEEN_DAY_LETTER:
            # art. 6:96 lid 6 BW: only a reminder sent once the debtor is in default counts;
            # a workflow activated before activation_errors refused this waits till then
            floor = in_default_from(invoice.due_date)
        floor = max(floor, term_hold(workflow, index, state) or floor)
        floor = max(floor, after_standing(workflow, index, state, debtor) or floor)
        due_on = max(due_on, floor)
        return DueStep(index, step, due_on, floor) if due_on <= today else None
    return None


def letter_first(
    workflow: Workflow, state: DunningState, debtor: Debtor, debtor_open: Cents
) -> int | None:
    """The place of the workflow's 14-day letter step the invoice must take before any step
    after it (the hand-over above all), or None. While the invoice has no letter (no costs
    term, no letter of the client's own) and the workflow's first 14-day step that is for
    this debtor was not taken in this workflow, that step comes first, wherever the trail
    places the invoice: a trail written before steps named their workflow (bare ids) is read
    as the workflow's the invoice is in now, and can place a debtor moved since past a letter
    it never got (codereview16b F1: a consumer handed over with costs 0.00, no 14-day letter,
    art. 6:96 lid 6 BW). A letter step taken here that sent no letter (a staff task: no
    address) is not asked again."""
    found = _letter_step(workflow, state, debtor, debtor_open)
    return found[0] if found is not None and not found[1] else None


def letter_owed(
    workflow: Workflow, state: DunningState, debtor: Debtor, debtor_open: Cents
) -> int | None:
    """The place of the 14-day step a consumer's invoice took without a letter going out
    (a staff task stood in: no postal address, no fallback), or None. While it is owed no
    term runs, so no costs are owed, and the steps that presume the term ended
    (``presumes_term``: the hand-over above all) wait: an agency collecting from a consumer
    who never got the letter (newcomer18 F3: "Bellen" and the hand-over 30 days later, costs
    0.00 on 1,501.22). A letter that went out and did not arrive waits for a person to send
    it again (letters8); the steps after it wait as well. Not for a business: it owes the
    costs without a 14-day letter (art. 6:96 lid 4 BW)."""
    if debtor.kind is not DebtorKind.B2C:
        return None
    found = _letter_step(workflow, state, debtor, debtor_open)
    return found[0] if found is not None and found[1] else None


def _letter_step(
    workflow: Workflow, state: DunningState, debtor: Debtor, debtor_open: Cents
) -> tuple[int, bool] | None:
    """While no letter term runs (none sent, no letter of the client's own): the place of the
    workflow's first 14-day step for this debtor and whether the invoice took it here."""
    if state.costs_owed_from is not None or state.letter_sent_on is not None:
        return None
    for index, step in enumerate(workflow.steps):
        if step.channel is StepChannel.FOURTEEN_DAY_LETTER and not passed_over(
            step, state, debtor, debtor_open
        ):
            return index, bool(step.step_id and step.step_id in state.taken)
    return None


def can_carry_letter(step: Step, debtor: Debtor, off: frozenset[str], state: DunningState) -> bool:
    """A 14-day letter owed (``letter_owed``) may go now: none went out before (one that did
    and never arrived is a person's to send again) and the step's carrier or its fallback
    reaches the debtor as a written demand (a letter or an e-mail)."""
    if state.letter_went_out:
        return False
    return resolve_channel(step, debtor, off) in LETTER_CARRIERS


def _owed_letter_floor(
    workflow: Workflow, letter: int, invoice: Invoice, state: DunningState, debtor: Debtor
) -> date:
    """The first day an owed letter (``letter_owed``) may go: once the debtor is in default
    (art. 6:96 lid 6 BW) and at the pace after a hold that ended, as any 14-day step."""
    return max(
        in_default_from(invoice.due_date),
        after_standing(workflow, letter, state, debtor) or date.min,
    )


def presumes_term(workflow: Workflow, letter: int, index: int) -> bool:
    """Step ``index`` is meant for after the term of the 14-day letter at ``letter``: the
    hand-over, or a step the workflow puts ``TERM_DAYS`` or more after the letter (as
    ``term_hold`` holds it once a letter went out)."""
    if index <= letter:
        return False
    return (
        workflow.steps[index].channel is StepChannel.HANDOVER
        or days_after_letter(workflow, letter, index) >= TERM_DAYS
    )


def _start(workflow: Workflow, state: DunningState, debtor: Debtor, debtor_open: Cents) -> int:
    """The first step the invoice may take next: the one after its place, or the 14-day
    letter it must have first (``letter_first``)."""
    first = letter_first(workflow, state, debtor, debtor_open)
    return state.last_step + 1 if first is None else min(state.last_step + 1, first)


def after_standing(
    workflow: Workflow, index: int, state: DunningState, debtor: Debtor
) -> date | None:
    """The day before which step ``index`` may not go out because the debtor's standing
    (deceased, bankrupt, WSNP) was lifted on a day after the invoice's last step: the steps
    whose day fell while it held go out at the workflow's own pace counted from that day
    (the first on it, each next one its designed gap after the one before), not all at once
    on the days after. None: no standing was lifted. A pause of the debtor or the invoice
    until a day, and a promise to pay (with its grace), are kept alike once they ended
    (``held_until``): the steps whose day fell in them keep their spacing too (dunning16 F5:
    an SMS and the 14-day letter designed a week apart went out on consecutive days)."""
    lifted = held_until(state, debtor)
    if lifted is None:
        return None
    previous = state.last_step_on
    if previous is None or previous < lifted:
        return lifted
    offsets = earliest_offsets(workflow)
    gap = offsets[index] - offsets[state.last_step] if state.last_step >= 0 else 0
    return previous + timedelta(days=max(1, gap))


def held_until(state: DunningState, debtor: Debtor) -> date | None:
    """The day the last hold on the invoice that ended was lifted: a standing lifted, a
    debtor's or the invoice's pause until a day (the day after it), a payment plan that
    ended (the day after it was cancelled or lapsed: codereview16b F2, an SMS and the 14-day
    letter a day apart after a cancelled plan), a promise to pay (the day after its grace),
    a pause or promise staff ended by hand (the day it ended). None: none did. A hold still running blocks the step anyway."""
    days: list[date] = []
    if debtor.standing is not None and debtor.standing.lifted_on is not None:
        days.append(debtor.standing.lifted_on)
    # a pause (or promise) staff ended by hand: lifted the day it ended (misc17b)
    days.extend(d for d in (debtor.pause_ended_on, state.pause_ended_on) if d is not None)
    ends = [
        debtor.pause.until if debtor.pause is not None else None,
        state.paused_until,
        state.plan_ended_on,
        state.promise_until + PROMISE_GRACE
        if state.promise_until is not None and state.promise_until < date.max - PROMISE_GRACE
        else None,
    ]
    days.extend(end + timedelta(days=1) for end in ends if end is not None and end < date.max)
    return max(days, default=None)


# the shortest 14-day term in days from the letter to the day costs are owed (an e-mail,
# received the day it is sent: fourteen days from the day after, art. 6:96 lid 6 BW); a step
# the workflow puts this far after the letter or later is meant for after the term
TERM_DAYS = 15


def days_after_letter(workflow: Workflow, letter: int, index: int) -> int:
    """How many days after the 14-day letter at step ``letter`` the workflow puts step
    ``index`` (as designed: each step on its own day)."""
    base = earliest_offsets(workflow)[letter]
    days = 0
    for step in workflow.steps[letter + 1 : index + 1]:
        days = (
            step.offset_days - base
            if step.offset_from is OffsetFrom.DUE_DATE
            else days + step.offset_days
        )
    return days


def term_hold(workflow: Workflow, index: int, state: DunningState) -> date | None:
    """The day before which step ``index`` may not run because it presumes the 14-day term
    of a letter the invoice got has ended (the hand-over, or a step the workflow puts at
    least ``TERM_DAYS`` after the letter: it announces costs or hands the claim over), or
    None. The term is the one the claim has (``costs_owed_from``: of the letter as sent; a
    letter held over Christmas ends later than planned), so a step counted from a planned
    day never comes inside it. A reminder meant for inside the term is not held."""
    if state.costs_owed_from is None:
        return None
    if workflow.steps[index].channel is StepChannel.HANDOVER:
        # the hand-over presumes the term ended, whichever workflow's letter started it (a
        # debtor moved to another workflow after its letter: dunning16 F1)
        return state.costs_owed_from
    letters = [n for n, s in enumerate(workflow.steps[:index])
               if s.channel is StepChannel.FOURTEEN_DAY_LETTER and n <= state.last_step]  # fmt: skip
    if not letters:
        return None
    step = workflow.steps[index]
    if (
        step.channel is StepChannel.HANDOVER
        or days_after_letter(workflow, letters[-1], index) >= TERM_DAYS
    ):
        return state.costs_owed_from
    return None


@dataclass(frozen=True)
class PlannedMessage:
    """One message for one debtor at one step, covering all invoices at that step."""

    debtor_number: str
    step_index: int
    step: Step
    channel: StepChannel
    invoice_numbers: tuple[str, ...]


# what can carry a 14-day letter (art. 6:96 lid 6 BW: a written demand): a letter, or an
# e-mail; a staff task may stand in as a fallback, but sends nothing and starts no costs term
LETTER_CARRIERS = frozenset(
    {StepChannel.FOURTEEN_DAY_LETTER, StepChannel.LETTER, StepChannel.EMAIL}
)
FOURTEEN_DAY_FALLBACKS = (StepChannel.LETTER, StepChannel.EMAIL, StepChannel.STAFF_TASK)

# the channels a client may switch off (the rest are a person's work or the legal letter itself)
SWITCHABLE = (StepChannel.EMAIL, StepChannel.SMS, StepChannel.WHATSAPP, StepChannel.LETTER,
              StepChannel.ROBOCALL)  # fmt: skip


def resolve_channel(
    step: Step, debtor: Debtor, off: frozenset[str] = frozenset()
) -> StepChannel | None:
    """The channel the debtor can be reached on: the step's, or its fallback; never one the
    client switched ``off`` (a 14-day letter travels as ``letter_by``, which must be on)."""
    channel = step.letter_by if step.channel is StepChannel.FOURTEEN_DAY_LETTER else step.channel

    def reachable(c: StepChannel) -> bool:
        if c.value in off:
            return False
        return {
            StepChannel.EMAIL: bool(debtor.emails),
            StepChannel.SMS: bool(debtor.mobile),
            StepChannel.ROBOCALL: bool(debtor.mobile),
            StepChannel.WHATSAPP: bool(debtor.mobile) and debtor.whatsapp_consent,
            StepChannel.LETTER: debtor.address is not None,
        }.get(c, True)

    if reachable(channel):
        return step.channel if step.channel is StepChannel.FOURTEEN_DAY_LETTER else channel
    if step.fallback is not None and reachable(step.fallback):
        return step.fallback
    return None


def plan_debtor(
    workflow: Workflow,
    debtor: Debtor,
    invoices: Sequence[tuple[Invoice, DunningState]],
    today: date,
    off: frozenset[str] = frozenset(),
) -> list[PlannedMessage]:
    open_total = sum(inv.open_amount for inv, _ in invoices if inv.is_collectable)
    by_step: dict[int, list[str]] = defaultdict(list)
    steps: dict[int, Step] = {}
    later: list[tuple[Invoice, DunningState]] = []
    for invoice, state in invoices:
        due = next_due_step(workflow, invoice, state, debtor, open_total, today, off)
        if due is not None:
            by_step[due.index].append(invoice.number)
            steps[due.index] = due.step
        else:
            later.append((invoice, state))
    if workflow.bundle_days > 0 and by_step:
        for invoice, state in later:
            index = rides_along(workflow, invoice, state, debtor, open_total, today, off)
            if index is not None and index in by_step:
                by_step[index].append(invoice.number)
    planned = []
    for index in sorted(by_step):
        step = steps[index]
        channel = (
            resolve_channel(step, debtor, off) or StepChannel.STAFF_TASK
        )  # unreachable: a person decides
        planned.append(
            PlannedMessage(debtor.number, index, step, channel, tuple(sorted(by_step[index])))
        )
    return planned


def rides_along(
    workflow: Workflow,
    invoice: Invoice,
    state: DunningState,
    debtor: Debtor,
    debtor_open: Cents,
    today: date,
    off: frozenset[str] = frozenset(),
) -> int | None:
    """The step (its place) an invoice with no step today would take within the workflow's
    ``bundle_days``, when it may go today with another invoice's message of that step: the
    invoice not held today (paused, promised, disputed: ``blocked``), no step of its own
    today, and the step past every floor (``DueStep.not_before``: a 14-day letter only once
    the debtor is in default, art. 6:96 lid 6 BW; a step after a letter's term; the pace
    after a standing or a pause). Only the spacing gives way: never the law or a hold. A step
    meant for after the invoice's due date (a reminder, an SMS, a call) rides along only once
    the debtor is in default for it (art. 6:83 sub a BW): before, the time to pay is still
    his (6:39 lid 1 BW) and a reminder would tell him he is late with an invoice not yet due
    (codereview17 F1, law17b F4: F4 due 24-03 reminded by e-mail on 17-03). A step meant for
    on or before the due date (a notice that it falls due) may ride along earlier."""
    now = entered(workflow, state)
    if blocked(invoice, now, debtor, today) or now.last_step_on == today:
        return None
    ahead = next_due_step(
        workflow, invoice, state, debtor, debtor_open,
        today + timedelta(days=workflow.bundle_days), off,
    )  # fmt: skip
    if ahead is None:
        return None
    floor = ahead.not_before
    if ahead.due_on > invoice.due_date:
        floor = max(floor, in_default_from(invoice.due_date))
    return None if floor > today else ahead.index


def in_default_from(due_date: date) -> date:
    """The first day of verzuim: the day after the last day to pay (art. 6:83 sub a BW)."""
    return due_date + timedelta(days=1)


def _always_taken(step: Step) -> bool:
    """A step no invoice passes over (see ``passed_over``)."""
    return (
        step.channel is not StepChannel.FOURTEEN_DAY_LETTER
        and step.min_open_amount <= 0
        and step.debtor_kinds >= {DebtorKind.B2B, DebtorKind.B2C}
    )


def earliest_offsets(workflow: Workflow) -> list[int]:
    """For each step, the earliest day it can be due, in days from the invoice's due date.

    A step counted from the previous step counts from the last step *taken*, which may be any
    earlier step back to the nearest one no invoice passes over; a step is taken on its day
    or later, never earlier, so the minimum over those is a safe lower bound."""
    earliest: list[int] = []
    for index, step in enumerate(workflow.steps):
        if step.offset_from is OffsetFrom.DUE_DATE or index == 0:
            earliest.append(step.offset_days)
            continue
        candidates = []
        for before in range(index - 1, -1, -1):
            candidates.append(earliest[before])
            if _always_taken(workflow.steps[before]):
                break
        earliest.append(min(candidates) + step.offset_days)
    return earliest


def activation_errors(
    workflow: Workflow, templates: Mapping[str, MessageTemplate], *, vat_deductible: bool = True
) -> list[str]:
    """Why this workflow may not be activated (empty: it may). ``vat_deductible``: the
    client's; one that cannot deduct VAT needs its 14-day letters to say so."""
    errors: list[str] = []
    if not workflow.steps:
        errors.append(Reason("a workflow needs at least one step", code="workflow_no_steps"))
    earliest_days = earliest_offsets(workflow)
    for n, (step, earliest) in enumerate(zip(workflow.steps, earliest_days, strict=True), 1):
        if step.channel is StepChannel.FOURTEEN_DAY_LETTER and earliest <= 0:
            # art. 6:96 lid 6 BW: a letter before verzuim is no 14-day letter, and the ledger
            # would charge costs on it
            errors.append(_letter_too_early(n, step, earliest))
    handover = next(
        (n for n, s in enumerate(workflow.steps, 1) if s.channel is StepChannel.HANDOVER), None
    )
    if handover is not None and handover < len(workflow.steps):
        # after the hand-over the claim is the agency's: nothing more of the client's goes to
        # the debtor (the run holds a handed-over invoice; dunning16 F2)
        step = workflow.steps[handover - 1]
        errors.append(Reason(
            f"step {handover} ({step.name}) hands the claim over to the agency: no step may come "
            f"after it ({len(workflow.steps) - handover} do)", code="step_after_handover",
            params={"n": handover, "step": step.name, "count": len(workflow.steps) - handover},
        ))  # fmt: skip
    for n, step in enumerate(workflow.steps, start=1):
        said = {"n": n, "step": step.name}
        if (
            step.channel is StepChannel.FOURTEEN_DAY_LETTER
            and step.fallback is not None
            and step.fallback not in FOURTEEN_DAY_FALLBACKS
        ):
            errors.append(Reason(
                f"step {n} ({step.name}): a 14-day letter cannot fall back to "
                f"{step.fallback.value}: only a letter or an e-mail is a written demand (a staff "
                "task may stand in, without starting the costs term)",
                code="step_letter_fallback", params={**said, "channel": step.fallback.value},
            ))  # fmt: skip
        needs_template = step.channel not in (StepChannel.STAFF_TASK, StepChannel.HANDOVER)
        ours = {k: v for k, v in step.templates.items() if k != "whatsapp"}
        if needs_template and not ours:
            # a WhatsApp step names Meta's approved template and ours for its free-text form
            errors.append(Reason(f"step {n} ({step.name}) has no template",
                                 code="step_no_template", params=said))  # fmt: skip
        for language, template_id in step.templates.items():
            if language == "whatsapp":
                continue  # names a template approved by Meta (whatsapp-templates), not one of ours
            template = templates.get(template_id)
            if template is None:
                errors.append(Reason(
                    f"step {n} ({step.name}): template {template_id} does not exist",
                    code="step_template_missing", params={**said, "template": template_id},
                ))  # fmt: skip
                continue
            if step.channel is StepChannel.FOURTEEN_DAY_LETTER and not template.fourteen_day_letter:
                errors.append(Reason(
                    f"step {n} ({step.name}): the {language} template is not marked as a 14-day letter",
                    code="step_template_not_letter", params={**said, "language": language},
                ))  # fmt: skip
                continue
            try:
                vat_letter = step.channel is StepChannel.FOURTEEN_DAY_LETTER and not vat_deductible
                validate(template, vat_not_deductible=vat_letter)
            except TemplateError as exc:
                errors.append(Reason(
                    f"step {n} ({step.name}), {language}: {exc}", code="step_template_invalid",
                    params={**said, "language": language,
                            "problem": template_reasons.problem(exc.part, exc.line, exc.reason, str(exc))},
                ))  # fmt: skip
    return errors


def _letter_too_early(n: int, step: Step, earliest: int) -> Reason:
    said = {"n": n, "step": step.name}
    tail = (
        "before the debtor is in default; it may go out from the day after the due date "
        "(de veertiendagenbrief ligt op of vóór de vervaldatum)"
    )
    if earliest == 0:
        return Reason(f"step {n} ({step.name}): the 14-day letter can go out on the due date, "
                      f"{tail}", code="step_letter_on_due_date", params=said)  # fmt: skip
    return Reason(
        f"step {n} ({step.name}): the 14-day letter can go out {-earliest} day(s) before the "
        f"due date, {tail}", code="step_letter_before_due_date", params={**said, "days": -earliest},
    )  # fmt: skip


def next_check(
    workflow: Workflow,
    invoice: Invoice,
    state: DunningState,
    debtor: Debtor,
    debtor_open: Cents,
    today: date,
    off: frozenset[str] = frozenset(),
) -> date | None:
    """When the daily run should look at this invoice again (``None``: never, it is closed or
    its workflow is done). Used to keep the schedule index small: a run reads only what is due."""
    if not invoice.is_collectable:
        return None
    tomorrow = today + timedelta(days=1)
    if invoice.handed_over_to is not None:
        return today + timedelta(days=7)  # looked at weekly: a withdrawn case's invoices go on
    if holds(debtor.standing):
        return today + timedelta(days=7)  # looked at weekly: lifted, it runs on
    if held_after_ruling(debtor.standing, arose_on(invoice.contract_date, invoice.invoice_date)):
        return None  # settled by the ruling: never again (a new standing reschedules it)
    if debtor.pause is not None and debtor.pause.active_on(today):
        return (
            debtor.pause.until + timedelta(days=1)
            if debtor.pause.until
            else today + timedelta(days=7)
        )
    if state.paused_until is not None and today <= state.paused_until:
        return (
            state.paused_until + timedelta(days=1)
            if state.paused_until != date.max
            else today + timedelta(days=7)
        )
    if state.promise_until is not None and today <= state.promise_until + PROMISE_GRACE:
        return state.promise_until + PROMISE_GRACE + timedelta(days=1)
    state = entered(workflow, state)
    owed = letter_owed(workflow, state, debtor, debtor_open)
    if owed is not None and can_carry_letter(workflow.steps[owed], debtor, off, state):
        return max(_owed_letter_floor(workflow, owed, invoice, state, debtor), tomorrow)
    previous_on = state.last_step_on
    for index in range(_start(workflow, state, debtor, debtor_open), len(workflow.steps)):
        step = workflow.steps[index]
        if passed_over(step, state, debtor, debtor_open) or (
            step.step_id and step.step_id in state.taken
        ):
            continue
        if owed is not None and presumes_term(workflow, owed, index):
            # looked at daily: an address added in the console, the e-mail fallback given or
            # the letter's date imported lets the letter go the next morning (no such change
            # reschedules the invoice); few invoices wait so
            return tomorrow
        if step.offset_from is OffsetFrom.DUE_DATE:
            due_on = invoice.due_date + timedelta(days=step.offset_days)
        else:
            due_on = (previous_on or invoice.due_date) + timedelta(days=step.offset_days)
        due_on = max(due_on, after_standing(workflow, index, state, debtor) or due_on)
        return max(due_on, term_hold(workflow, index, state) or due_on, tomorrow)
    return None
