"""A 14-day letter counts only once the debtor is in default (art. 6:96 lid 6 BW, verzuim from
the day after the due date): a workflow that can send it earlier is not activated, and the
daily run never takes it before then (review law3 finding 8)."""

from datetime import date, timedelta

import pytest

from shared.domain.dunning.templates import MessageTemplate
from shared.domain.dunning.workflow import (
    DunningState,
    OffsetFrom,
    Step,
    StepChannel,
    Workflow,
    activation_errors,
    earliest_offsets,
    next_due_step,
)
from shared.domain.invoices import Invoice
from shared.domain.parties import Debtor, DebtorKind

LETTER = MessageTemplate(
    "nl",
    "Veertiendagenbrief",
    "Betaal {{ principal }} binnen veertien dagen vanaf de dag nadat deze brief bij u is "
    "bezorgd. Indien u niet betaalt, bent u {{ costs|money }} incassokosten verschuldigd.",
    fourteen_day_letter=True,
)
TEMPLATES = {"t14": LETTER, "t1": MessageTemplate("nl", "Herinnering", "Beste {{ debtor.name }}")}
DUE = date(2025, 3, 3)
INVOICE = Invoice("C1", "F1", "D1", date(2025, 2, 1), DUE, 12_100)
DEBTOR = Debtor("C1", "D1", DebtorKind.B2C, "A. Jansen")


def letter(offset: int, offset_from: OffsetFrom = OffsetFrom.DUE_DATE) -> Step:
    return Step("Veertiendagenbrief", StepChannel.FOURTEEN_DAY_LETTER, offset, offset_from,
                {"nl": "t14"})  # fmt: skip


def reminder(offset: int, **kw: object) -> Step:
    return Step("Herinnering", StepChannel.EMAIL, offset, templates={"nl": "t1"}, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("offset", [-3, 0])
def test_a_letter_on_or_before_the_due_date_is_refused(offset: int) -> None:
    errors = activation_errors(Workflow("w", "w", (letter(offset),)), TEMPLATES)
    assert len(errors) == 1
    assert "before the debtor is in default" in errors[0]
    assert "vóór de vervaldatum" in errors[0]


def test_a_letter_the_day_after_the_due_date_is_fine() -> None:
    assert activation_errors(Workflow("w", "w", (letter(1),)), TEMPLATES) == []


def test_offsets_from_previous_steps_add_up() -> None:
    # reminder 5 days before the due date, letter 5 days after it: on the due date itself
    early = Workflow("w", "w", (reminder(-5), letter(5, OffsetFrom.PREVIOUS_STEP)))
    assert earliest_offsets(early) == [-5, 0]
    assert len(activation_errors(early, TEMPLATES)) == 1
    late = Workflow("w", "w", (reminder(-5), letter(6, OffsetFrom.PREVIOUS_STEP)))
    assert activation_errors(late, TEMPLATES) == []


def test_a_step_that_can_be_passed_over_does_not_count_as_the_previous_one() -> None:
    # the +10 reminder is for large claims only: for the rest the letter counts from the -5
    steps = (
        reminder(-5),
        reminder(10, min_open_amount=50_000),
        letter(3, OffsetFrom.PREVIOUS_STEP),
    )
    assert earliest_offsets(Workflow("w", "w", steps)) == [-5, 10, -2]
    assert len(activation_errors(Workflow("w", "w", steps), TEMPLATES)) == 1
    always = (reminder(-5), reminder(10), letter(3, OffsetFrom.PREVIOUS_STEP))
    assert activation_errors(Workflow("w", "w", always), TEMPLATES) == []


def test_the_daily_run_waits_for_default() -> None:
    # a workflow activated before the check: the letter is not taken before due date + 1
    workflow = Workflow("w", "w", (letter(-3),), active=True)
    for day in (DUE - timedelta(days=3), DUE):
        assert next_due_step(workflow, INVOICE, DunningState(), DEBTOR, 12_100, day) is None
    due = next_due_step(workflow, INVOICE, DunningState(), DEBTOR, 12_100, DUE + timedelta(days=1))
    assert due is not None and due.due_on == date(2025, 3, 4)


def test_other_steps_may_still_go_before_the_due_date() -> None:
    workflow = Workflow("w", "w", (reminder(-3),), active=True)
    due = next_due_step(workflow, INVOICE, DunningState(), DEBTOR, 12_100, DUE - timedelta(days=3))
    assert due is not None and due.due_on == date(2025, 2, 28)
