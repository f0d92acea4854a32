"""A debtor a segment rule moves to another workflow takes that workflow's steps by what it
really received (dunning16 F1): step ids are numbered "0", "1", ... in every workflow saved
fresh, so a trail of bare ids counted the new workflow's 14-day letter as taken; a consumer
moved by a partial payment was handed over with costs 0.00 and no 14-day letter ever sent."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.dunning.workflow import (
    DunningState,
    Step,
    StepChannel,
    Workflow,
    next_due_step,
    placed,
    taken_in,
    trail_mark,
)
from shared.domain.invoices import Invoice
from shared.domain.parties import Debtor, DebtorKind
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, world  # noqa: F401
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, simulate

GROOT = {"name": "Groot", "steps": [
    {"name": "Herinnering", "channel": "email", "offset_days": 7, "templates": {"nl": "t-reminder"}},
    {"name": "Tweede herinnering", "channel": "email", "offset_days": 5, "offset_from": "previous_step", "templates": {"nl": "t-reminder"}},
    {"name": "Laatste herinnering", "channel": "email", "offset_days": 5, "offset_from": "previous_step", "templates": {"nl": "t-reminder"}},
    {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 7, "offset_from": "previous_step", "templates": {"nl": "t-14"}},
    {"name": "Overdracht", "channel": "handover", "offset_days": 20, "offset_from": "previous_step"},
]}  # fmt: skip
KLEIN = {"name": "Klein", "steps": [
    {"name": "Herinnering", "channel": "email", "offset_days": 7, "templates": {"nl": "t-reminder"}},
    {"name": "SMS", "channel": "sms", "offset_days": 5, "offset_from": "previous_step", "templates": {"nl": "t-sms"}},
    {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 7, "offset_from": "previous_step", "templates": {"nl": "t-14"}},
    {"name": "Overdracht", "channel": "handover", "offset_days": 20, "offset_from": "previous_step"},
]}  # fmt: skip


def test_a_consumer_moved_to_another_workflow_gets_its_fourteen_day_letter_before_the_case(
    world,  # noqa: F811
):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", contact_email="facturen@c1.example")]}
    )
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan de Vries")]})
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    for wid, wf in (("groot", GROOT), ("klein", KLEIN)):
        assert a.call("PUT", f"/v1/clients/C1/workflows/{wid}", wf).status == 200
        assert a.call("POST", f"/v1/clients/C1/workflows/{wid}/activate").status == 200
    rules = {"rules": [{"workflow": "groot", "min_open": "1000.00"}, {"workflow": "klein"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    a.call("POST", "/v1/clients/C1/invoices",
           {"items": [invoice_row("F1", "D1", due_date="2025-03-10", amount="1200.00")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")

    def pay(today):
        if today == date(2025, 3, 28):  # after groot's three e-mails: 300.00 paid, 900.00 open
            a.call("POST", "/v1/clients/C1/invoices", {"items": [
                invoice_row("F1", "D1", due_date="2025-03-10", amount="1200.00", open_amount="900.00")]})  # fmt: skip

    log = simulate(world, client, 80, pay)
    d1 = [(d.isoformat(), ch) for d, ch, debtor, _ in log if debtor == "D1"]
    # groot's three e-mails, then klein from its top (groot's e-mails are not klein's steps),
    # its 14-day letter included (before: none, klein's step "2" counted as taken)
    assert d1 == [("2025-03-17", "email"), ("2025-03-22", "email"), ("2025-03-27", "email"),
                  ("2025-04-03", "email"), ("2025-04-08", "sms"), ("2025-04-15", "letter")]  # fmt: skip
    [case] = [c for c in a.call("GET", "/v1/cases").body["items"] if c["debtor_number"] == "D1"]
    inv = world.services.repos.invoices.get(client.client_id, "F1").invoice
    assert (
        inv.costs_owed_from is not None
        and case["created_at"][:10] >= inv.costs_owed_from.isoformat()
    )
    amounts = a.call("GET", f"/v1/cases/{case['case_id']}").body["dossier"]["amounts"]
    assert amounts["costs"] == "135.00"  # the costs the letter announced (was 0.00)
    assert inv.dunning_trail[:3] == ("groot|0", "groot|1", "groot|2")
    assert inv.dunning_trail[3:] == ("klein|0", "klein|1", "klein|2", "klein|3")


def _workflow(workflow_id: str, *channels: StepChannel) -> Workflow:
    steps = tuple(
        Step(f"s{n}", c, 7 * (n + 1), templates={"nl": "t"}, step_id=str(n))
        for n, c in enumerate(channels)
    )
    return Workflow(workflow_id, workflow_id, steps, active=True)


KLEIN_STEPS = (StepChannel.EMAIL, StepChannel.SMS, StepChannel.FOURTEEN_DAY_LETTER)


def test_a_step_of_another_workflow_is_not_taken_and_bare_ids_of_before_are_read():
    klein = _workflow("klein", *KLEIN_STEPS)
    # recorded with its workflow: groot's steps are not klein's
    assert taken_in(klein, (trail_mark("groot", "0"), trail_mark("groot", "2"))) == ()
    assert taken_in(klein, (trail_mark("groot", "2"), trail_mark("klein", "0"))) == ("0",)
    # a trail written before steps named their workflow: read as this workflow's, as then;
    # its 14-day letter only when the invoice has a record of a letter (a costs term)
    assert taken_in(klein, ("0", "1", "2"), has_letter=True) == ("0", "1", "2")
    assert taken_in(klein, ("0", "1", "2"), has_letter=False) == ("0", "1")
    assert placed(klein, taken_in(klein, ("0", "1", "2"), has_letter=False)) == 1


def test_an_old_trail_without_a_letter_gets_the_fourteen_day_letter():
    klein = _workflow("klein", *KLEIN_STEPS)
    invoice = Invoice("C1", "F1", "D1", date(2025, 1, 1), date(2025, 3, 10), 90000)
    debtor = Debtor("C1", "D1", DebtorKind.B2C, "Jan")
    trail = taken_in(klein, ("0", "1", "2"), has_letter=False)
    state = DunningState(placed(klein, trail), date(2025, 3, 27), taken=frozenset(trail))
    due = next_due_step(klein, invoice, state, debtor, 90000, date(2025, 4, 10))
    assert due is not None and due.step.channel is StepChannel.FOURTEEN_DAY_LETTER
