"""letters8, the domain rule: after a 14-day letter the hand-over and any step the workflow
puts 15 days or more after the letter wait for the costs day of the letter as sent; a step
meant for inside the term does not; without a letter (or a term) nothing waits."""

from __future__ import annotations

from datetime import date

from shared.domain.dunning.workflow import (
    DunningState,
    OffsetFrom,
    Step,
    StepChannel,
    Workflow,
    next_due_step,
    term_hold,
)
from shared.domain.invoices import Invoice
from shared.domain.parties import Debtor, DebtorKind

LETTER = Step("Veertiendagenbrief", StepChannel.FOURTEEN_DAY_LETTER, 3, templates={"nl": "t"})
INSIDE = Step("Herinnering", StepChannel.SMS, 10, OffsetFrom.PREVIOUS_STEP, {"nl": "s"})
AFTER = Step("Aanmaning", StepChannel.EMAIL, 15, OffsetFrom.PREVIOUS_STEP, {"nl": "e"})
HANDOVER = Step("Overdracht", StepChannel.HANDOVER, 12)  # from the due date: 9 after the letter
# posted Thu 4-12-2025 (its step day), received Sat 6-12, term to Mon 22-12: costs from 23-12
TAKEN = DunningState(last_step=0, last_step_on=date(2025, 12, 4),
                     costs_owed_from=date(2025, 12, 23))  # fmt: skip
INVOICE = Invoice("c", "F1", "D1", date(2025, 11, 1), date(2025, 12, 1), 100_000)
DEBTOR = Debtor("c", "D1", DebtorKind.B2C, "Jan")


def _flow(*after: Step) -> Workflow:
    return Workflow("w", "W", (LETTER, *after), active=True)


def test_a_step_meant_for_after_the_term_waits_for_its_costs_day() -> None:
    flow = _flow(AFTER)
    assert term_hold(flow, 1, TAKEN) == date(2025, 12, 23)
    # due 19-12 by the workflow (15 days after 4-12), inside the posted letter's term
    assert next_due_step(flow, INVOICE, TAKEN, DEBTOR, 100_000, date(2025, 12, 22)) is None
    due = next_due_step(flow, INVOICE, TAKEN, DEBTOR, 100_000, date(2025, 12, 23))
    assert due is not None and due.due_on == date(2025, 12, 23)


def test_a_reminder_inside_the_term_goes_on_its_day() -> None:
    flow = _flow(INSIDE)
    assert term_hold(flow, 1, TAKEN) is None
    due = next_due_step(flow, INVOICE, TAKEN, DEBTOR, 100_000, date(2025, 12, 14))
    assert due is not None and due.due_on == date(2025, 12, 14)


def test_the_hand_over_always_waits_for_the_term() -> None:
    assert term_hold(_flow(HANDOVER), 1, TAKEN) == date(2025, 12, 23)


def test_without_a_letter_or_a_term_nothing_waits() -> None:
    assert (
        term_hold(_flow(AFTER), 1, DunningState(last_step=0, last_step_on=date(2025, 12, 4)))
        is None
    )
    plain = Workflow("w", "W", (INSIDE, AFTER))
    assert term_hold(plain, 1, TAKEN) is None
