"""A debtor walks through a workflow over simulated weeks."""

from dataclasses import replace
from datetime import date, timedelta

from shared.domain.dunning.templates import MessageTemplate
from shared.domain.dunning.workflow import (
    DunningState,
    OffsetFrom,
    SegmentRule,
    Step,
    StepChannel,
    Workflow,
    activation_errors,
    assign_workflow,
    plan_debtor,
)
from shared.domain.invoices import Invoice
from shared.domain.parties import Address, Debtor, DebtorKind, Pause

WORKFLOW = Workflow(
    "wf1",
    "Particulier",
    (
        Step("Vriendelijke herinnering", StepChannel.EMAIL, -3, templates={"nl": "t-before"}),
        Step(
            "Herinnering", StepChannel.EMAIL, 7, templates={"nl": "t1"}, fallback=StepChannel.LETTER
        ),
        Step(
            "SMS",
            StepChannel.SMS,
            5,
            OffsetFrom.PREVIOUS_STEP,
            templates={"nl": "t2"},
            min_open_amount=10_000,
        ),
        Step(
            "Veertiendagenbrief",
            StepChannel.FOURTEEN_DAY_LETTER,
            7,
            OffsetFrom.PREVIOUS_STEP,
            templates={"nl": "t14"},
        ),
        Step("Overdracht", StepChannel.HANDOVER, 21, OffsetFrom.PREVIOUS_STEP),
    ),
)
DEBTOR = Debtor(
    "c",
    "D1",
    DebtorKind.B2C,
    "Jan",
    ("jan@example.nl",),
    "+31612345678",
    address=Address("Kerkstraat 1", "1234 AB", "Utrecht"),
)


def invoice(number="F1", amount=12_100, due=date(2025, 3, 1)):
    return Invoice("c", number, "D1", due - timedelta(days=30), due, amount)


def walk(invoices, days, debtor=DEBTOR, start=date(2025, 2, 20), change=None):
    """Run the daily planner for ``days`` days; record what was sent when."""
    states = {inv.number: DunningState() for inv in invoices}
    sent = []
    for offset in range(days):
        today = start + timedelta(days=offset)
        if change:
            invoices, debtor, states = change(today, invoices, debtor, states)
        for message in plan_debtor(
            WORKFLOW, debtor, [(i, states[i.number]) for i in invoices], today
        ):
            sent.append((today, message.step.name, message.channel.value, message.invoice_numbers))
            # a 14-day letter starts its costs term, as the run records it: without one no
            # step after the letter is taken (``letter_first``)
            letter = message.step.channel is StepChannel.FOURTEEN_DAY_LETTER
            for number in message.invoice_numbers:
                states[number] = replace(
                    states[number],
                    last_step=message.step_index,
                    last_step_on=today,
                    costs_owed_from=today + timedelta(days=15)
                    if letter
                    else states[number].costs_owed_from,
                )
    return sent


def test_a_debtor_walks_through_the_workflow():
    sent = walk([invoice()], 60)
    assert sent == [
        (date(2025, 2, 26), "Vriendelijke herinnering", "email", ("F1",)),
        (date(2025, 3, 8), "Herinnering", "email", ("F1",)),
        (date(2025, 3, 13), "SMS", "sms", ("F1",)),
        (date(2025, 3, 20), "Veertiendagenbrief", "fourteen_day_letter", ("F1",)),
        (date(2025, 4, 10), "Overdracht", "handover", ("F1",)),
    ]


def test_running_the_same_day_twice_sends_nothing_twice():
    inv = invoice()
    state = DunningState()
    first = plan_debtor(WORKFLOW, DEBTOR, [(inv, state)], date(2025, 3, 8))
    after = replace(state, last_step=first[0].step_index, last_step_on=date(2025, 3, 8))
    assert plan_debtor(WORKFLOW, DEBTOR, [(inv, after)], date(2025, 3, 8)) == []


def test_one_message_per_debtor_per_step():
    sent = walk([invoice("F1"), invoice("F2", 5_000)], 17)
    assert sent[-1] == (date(2025, 3, 8), "Herinnering", "email", ("F1", "F2"))


def test_small_amounts_pass_over_the_sms_step():
    sent = walk([invoice(amount=5_000)], 40)
    assert [s[1] for s in sent] == ["Vriendelijke herinnering", "Herinnering", "Veertiendagenbrief"]


def test_payment_midway_stops_the_workflow():
    def pay(today, invoices, debtor, states):
        if today == date(2025, 3, 10):
            invoices = [
                replace(
                    invoices[0],
                    paid=invoices[0].amount,
                    status=invoices[0].status.__class__("paid"),
                )
            ]
        return invoices, debtor, states

    sent = walk([invoice()], 60, change=pay)
    assert [s[1] for s in sent] == ["Vriendelijke herinnering", "Herinnering"]


def test_pause_holds_and_resume_continues_where_it_was():
    def pause(today, invoices, debtor, states):
        if today == date(2025, 3, 10):
            debtor = replace(debtor, pause=Pause("regeling besproken", today, date(2025, 3, 31)))
        return invoices, debtor, states

    sent = walk([invoice()], 60, change=pause)
    assert [(d, n) for d, n, *_ in sent][:3] == [
        (date(2025, 2, 26), "Vriendelijke herinnering"),
        (date(2025, 3, 8), "Herinnering"),
        (date(2025, 4, 1), "SMS"),  # held by the pause, then the next step, none skipped
    ]


def test_fallback_to_a_letter_without_email():
    no_email = replace(DEBTOR, emails=())
    sent = walk([invoice()], 17, debtor=no_email)
    assert sent[-1][2] == "letter"
    unreachable = replace(DEBTOR, emails=(), mobile=None, address=None)
    assert walk([invoice()], 8, debtor=unreachable)[0][2] == "staff_task"


def test_segment_rules_and_override():
    rules = [
        SegmentRule("zakelijk", kind=DebtorKind.B2B),
        SegmentRule("groot", min_open=100_000),
        SegmentRule("standaard"),
    ]
    assert assign_workflow(rules, DEBTOR, 5_000) == "standaard"
    assert assign_workflow(rules, DEBTOR, 200_000) == "groot"
    assert assign_workflow(rules, replace(DEBTOR, kind=DebtorKind.B2B), 5_000) == "zakelijk"
    assert assign_workflow(rules, DEBTOR, 5_000, override="handmatig") == "handmatig"


def test_activation_refuses_a_fourteen_day_letter_without_its_parts():
    ok_text = (
        "Betaal binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd. "
        "Indien u niet betaalt, bent u {{ costs|money }} incassokosten verschuldigd."
    )
    templates = {
        "t-before": MessageTemplate("nl", "Herinnering", "Beste {{ debtor.name }}"),
        "t1": MessageTemplate("nl", "Herinnering", "Beste {{ debtor.name }}"),
        "t2": MessageTemplate("nl", "", "Betaal via {{ payment_link }}"),
        "t14": MessageTemplate(
            "nl",
            "Veertiendagenbrief",
            "Betaal binnen 14 dagen na dagtekening.",
            fourteen_day_letter=True,
        ),
    }
    errors = activation_errors(WORKFLOW, templates)
    assert len(errors) == 1 and "14-day letter must state" in errors[0]
    templates["t14"] = MessageTemplate(
        "nl", "Veertiendagenbrief", ok_text, fourteen_day_letter=True
    )
    assert activation_errors(WORKFLOW, templates) == []
