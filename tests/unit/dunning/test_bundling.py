"""misc17a 4 (dunning16 F6): invoices of one debtor a few days apart were dunned one by one:
consumer D1 with F1, F2, F3 due 10-3, 12-3 and 15-3-2025 got 9 messages in 18 days (two on
22-3) and three 14-day letters by post in 6 days, each announcing other costs. A workflow's
``bundle_days`` (default 0: off, as before) lets an invoice whose next step is the one another
of the debtor's invoices takes today, due for it within that many days, ride along in that
message. Only the spacing gives way: a 14-day letter never rides along before the debtor is
in default (art. 6:96 lid 6 BW), nor a held (paused) invoice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.dunning.workflow import (
    DunningState,
    OffsetFrom,
    Step,
    StepChannel,
    Workflow,
    plan_debtor,
)
from shared.domain.invoices import Invoice
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, WORKFLOW, simulate
from tests.unit.test_workflow import DEBTOR


def _invoice(number: str, due: date) -> Invoice:
    return Invoice("c", number, "D1", due - timedelta(days=30), due, 12_100)


def _numbers(
    workflow: Workflow, invoices: list[Invoice], today: date
) -> list[tuple[str, tuple[str, ...]]]:
    planned = plan_debtor(workflow, DEBTOR, [(i, DunningState()) for i in invoices], today)
    return [(p.step.name, p.invoice_numbers) for p in planned]


REMINDER = Step("Herinnering", StepChannel.EMAIL, 7, templates={"nl": "t1"})
LETTER = Step("Veertiendagenbrief", StepChannel.FOURTEEN_DAY_LETTER, 1, templates={"nl": "t14"})


def test_off_by_default_each_invoice_on_its_own_day():
    flow = Workflow("w", "W", (REMINDER,))
    invoices = [_invoice("F1", date(2025, 3, 10)), _invoice("F2", date(2025, 3, 12))]
    assert _numbers(flow, invoices, date(2025, 3, 17)) == [("Herinnering", ("F1",))]


def test_an_invoice_due_for_the_same_step_within_the_window_rides_along():
    flow = Workflow("w", "W", (REMINDER,), bundle_days=5)
    invoices = [_invoice("F1", date(2025, 3, 10)), _invoice("F2", date(2025, 3, 12)),
                _invoice("F3", date(2025, 3, 15)), _invoice("F4", date(2025, 3, 16))]  # fmt: skip
    # F2 (its day 19-3) and F3 (22-3) ride along; F4 (23-3) is six days out
    assert _numbers(flow, invoices, date(2025, 3, 17)) == [("Herinnering", ("F1", "F2", "F3"))]


def test_no_invoice_rides_along_when_nothing_is_due_today():
    flow = Workflow("w", "W", (REMINDER,), bundle_days=5)
    assert _numbers(flow, [_invoice("F2", date(2025, 3, 12))], date(2025, 3, 17)) == []


def test_a_14_day_letter_never_rides_along_before_the_debtor_is_in_default():
    flow = Workflow("w", "W", (replace(LETTER, offset_days=3),), bundle_days=5)
    # the letter of F1 (due 10-3) is due 13-3; F2 (due 12-3) is in default from 13-3, its
    # letter due 15-3: it rides along; F3 (due 13-3) is in default only from 14-3: it waits
    invoices = [_invoice(n, date(2025, 3, d)) for n, d in (("F1", 10), ("F2", 12), ("F3", 13))]
    assert _numbers(flow, invoices, date(2025, 3, 13)) == [("Veertiendagenbrief", ("F1", "F2"))]


def test_an_invoice_not_yet_due_never_rides_along_in_a_reminder():
    """codereview17 F1 / law17b F4: with 14 days F2 (due 20-3) rode along in F1's reminder of
    17-3, three days before the debtor could be late with it (art. 6:83 sub a, 6:39 BW)."""
    flow = Workflow("w", "W", (REMINDER,), bundle_days=14)
    invoices = [_invoice("F1", date(2025, 3, 10)), _invoice("F2", date(2025, 3, 20))]
    assert _numbers(flow, invoices, date(2025, 3, 17)) == [("Herinnering", ("F1",))]
    # on its due date the debtor is not late yet either; the day after he is
    on_its_day = [invoices[0], _invoice("F2", date(2025, 3, 17))]
    assert _numbers(flow, on_its_day, date(2025, 3, 17)) == [("Herinnering", ("F1",))]
    late = [invoices[0], _invoice("F2", date(2025, 3, 16))]
    assert _numbers(flow, late, date(2025, 3, 17)) == [("Herinnering", ("F1", "F2"))]
    # law17b F4's figures: the reminder the day after the due date, a week's bundle
    flow = Workflow("w", "W", (replace(REMINDER, offset_days=1),), bundle_days=7)
    invoices = [_invoice("F1", date(2025, 3, 10)), _invoice("F2", date(2025, 3, 15))]
    assert _numbers(flow, invoices, date(2025, 3, 11)) == [("Herinnering", ("F1",))]


def test_a_notice_before_the_due_date_may_still_ride_along():
    """A step meant for before the due date tells no one he is late: only its spacing gives way."""
    notice = Step("Vervaldag nadert", StepChannel.EMAIL, -3, templates={"nl": "t0"})
    flow = Workflow("w", "W", (notice,), bundle_days=5)
    invoices = [_invoice("F1", date(2025, 3, 10)), _invoice("F2", date(2025, 3, 13))]
    assert _numbers(flow, invoices, date(2025, 3, 7)) == [("Vervaldag nadert", ("F1", "F2"))]


def test_a_paused_invoice_does_not_ride_along():
    flow = Workflow("w", "W", (REMINDER,), bundle_days=5)
    f1, f2 = _invoice("F1", date(2025, 3, 10)), _invoice("F2", date(2025, 3, 12))
    paused = DunningState(paused_until=date(2025, 3, 18))
    planned = plan_debtor(flow, DEBTOR, [(f1, DunningState()), (f2, paused)], date(2025, 3, 17))
    assert [(p.step.name, p.invoice_numbers) for p in planned] == [("Herinnering", ("F1",))]


def test_a_step_after_the_previous_step_keeps_its_floor():
    """A step counted from the previous one rides along only once that one was taken."""
    sms = Step("SMS", StepChannel.SMS, 5, OffsetFrom.PREVIOUS_STEP, templates={"nl": "t2"})
    flow = Workflow("w", "W", (REMINDER, sms), bundle_days=5)
    f1, f2 = _invoice("F1", date(2025, 3, 10)), _invoice("F2", date(2025, 3, 12))
    took = DunningState(last_step=0, last_step_on=date(2025, 3, 17))
    planned = plan_debtor(flow, DEBTOR, [(f1, took), (f2, DunningState())], date(2025, 3, 22))
    # F2 never had the reminder: it takes that (due 19-3) today, not the SMS with F1
    assert [(p.step.name, p.invoice_numbers) for p in planned] == [
        ("Herinnering", ("F2",)), ("SMS", ("F1",)),
    ]  # fmt: skip


# -- the run, as dunning16 F6 saw it ---------------------------------------------------------
DUE = (("F1", "2025-03-10"), ("F2", "2025-03-12"), ("F3", "2025-03-15"))


def _story(world, bundle_days: int | None, due=DUE):  # type: ignore[no-untyped-def]
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", contact_email="facturen@c1.example")]}
    )
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan de Vries")]})
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    flow = dict(WORKFLOW) if bundle_days is None else {**WORKFLOW, "bundle_days": bundle_days}
    saved = a.call("PUT", "/v1/clients/C1/workflows/particulier", flow)
    assert saved.status == 200, saved.body
    assert saved.body["bundle_days"] == (bundle_days or 0)
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "particulier"}]})
    rows = [invoice_row(number, "D1", due_date=day) for number, day in due]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status in (200, 201, 207)
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    return [(d, ch, numbers) for d, ch, _, numbers in simulate(world, client, 45)]


def test_without_bundling_the_run_duns_invoice_by_invoice(world):
    sent = _story(world, None)
    assert len(sent) == 9 and sum(ch == "letter" for _, ch, _ in sent) == 3


def test_with_bundling_the_debtor_gets_one_message_per_step(world):
    sent = _story(world, 5)
    assert sent == [
        (date(2025, 3, 17), "email", ("F1", "F2", "F3")),
        (date(2025, 3, 22), "sms", ("F1", "F2", "F3")),
        (date(2025, 3, 29), "letter", ("F1", "F2", "F3")),  # one 14-day letter, one notice
    ]


def test_the_run_reminds_no_invoice_before_it_is_due(world):
    """codereview17 F1: with 14 days F4 (due 24-3) had F1's e-mail on 17-3 and SMS on 22-3,
    7 and 2 days before its own due date. It now waits till the debtor is late with it."""
    sent = _story(world, 14, due=(("F1", "2025-03-10"), ("F4", "2025-03-24")))
    early = [(d, ch) for d, ch, numbers in sent if "F4" in numbers and d <= date(2025, 3, 24)]
    assert early == [], sent
    assert sent[0] == (date(2025, 3, 17), "email", ("F1",))
    assert any("F4" in numbers for _, _, numbers in sent)  # dunned once it is late


def test_an_edit_without_the_field_keeps_the_setting_and_the_range_is_checked(world):
    _story(world, 5)
    a = world.agency_a
    kept = a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW)
    assert kept.status == 200 and kept.body["bundle_days"] == 5
    assert a.call("GET", "/v1/clients/C1/workflows/particulier").body["bundle_days"] == 5
    wrong = a.call("PUT", "/v1/clients/C1/workflows/particulier", {**WORKFLOW, "bundle_days": 15})
    assert wrong.status in (400, 422)


@pytest.fixture(autouse=True)
def _clean():  # type: ignore[no-untyped-def]
    yield
    SEEN.clear()
