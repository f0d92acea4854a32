"""words9b: the claim work's refusals read Dutch on a Dutch page (the cases page, the plan
page, the dossier, an item's decision, the reports page) and on the debtor's portal."""

from __future__ import annotations

import re

from shared.api.portal_text import refused
from shared.domain.people.authorisation import Role
from shared.services.errors import Invalid
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_console_claim_work import disputed, seed
from tests.unit.console.test_console_plans_cases import hand_over


def _notice(page) -> str:  # type: ignore[no-untyped-def]
    html = page.encoded().decode()
    found = re.search(r'<p class="notice error"[^>]*>(.*?)</p>', html, flags=re.S)
    assert found is not None, html[:600]
    return found.group(1)


def test_a_case_withdrawn_already_is_refused_in_dutch(world, tenants):
    seed(world)
    case = hand_over(world, tenants)
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    path = f"/cases/{case.case_id}?client={tenants.c1}"
    page = agency.get(path)
    fields = {"csrf": csrf_of(page), "do": "withdraw", "reason": "paid us", "confirm": "yes"}
    assert agency.post(path, fields).status == 303
    again = agency.post(path, fields)  # a second tab, or the back button
    assert again.status == 422
    assert _notice(again).endswith("Deze zaak is al ingetrokken.")
    assert "withdrawn already" not in again.encoded().decode()


def test_an_item_decision_on_invoices_no_longer_disputed_is_refused_in_dutch(world, tenants):
    seed(world)
    item = disputed(world, tenants)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    # meanwhile the client credited the invoice through the API: nothing left to withdraw
    credited = world.agency_a.call(
        "POST", "/v1/clients/C1/invoices/F2/credit", {"amount": "121.00", "reference": "CN-1"}
    )
    assert credited.status == 200, credited.body
    refused_page = staff.post(f"/actions/{item.action_id}", {
        "csrf": csrf_of(page), "do": "withdraw-invoice", "confirm": "yes", "reason": "goods back",
        "channel": "email", "subject": "Uw bezwaar", "body": "De factuur is gecrediteerd."})  # fmt: skip
    assert refused_page.status in (409, 422)
    said = _notice(refused_page)
    # the credit closed the dispute's item (tasks20, newcomer19 F6): the decision is refused
    # as taken already, saying how, in Dutch
    assert "Er is al beslist: betwisting voorbij buiten dit item om: F2 gecrediteerd" in said
    assert "disputed any more" not in said and "without this item" not in said


def test_a_decision_on_a_dispute_paid_in_full_is_refused_in_dutch(world, tenants):
    """Paid in full by a booking path that knows nothing of disputes: the item waits for the
    daily run to close it; a decision before that is refused and closes it."""
    seed(world)
    item = disputed(world, tenants)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    repos = world.services.repos
    stored = repos.invoices.get(tenants.c1, "F2")
    repos.invoices.save(stored.invoice.apply_payment("p1", stored.invoice.amount), stored)
    refused_page = staff.post(f"/actions/{item.action_id}", {
        "csrf": csrf_of(page), "do": "end-dispute", "note": "",
        "channel": "email", "subject": "Uw bezwaar", "body": "We innen weer."})  # fmt: skip
    assert refused_page.status in (409, 422)
    said = _notice(refused_page)
    assert "Geen van de facturen van deze actie is nog betwist." in said
    assert "disputed any more" not in said
    closed = repos.actions.get(tenants.c1, item.action_id)[0]
    assert closed.resolution == "dispute over without this item: F2 paid"
    assert list(world.services.messaging.outbox.with_prefix(tenants.c1, "hand|")) == []


def test_a_promise_to_pay_too_far_ahead_is_refused_in_dutch_in_the_dossier(world, tenants):
    seed(world)  # Tuesday 04-03-2025
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1")
    far = staff.post("/dossier/D1", {"csrf": csrf_of(page), "do": "promise", "invoice": "F1",
                                     "until": "2026-03-05"})  # fmt: skip
    assert far.status == 422
    said = _notice(far)
    assert said.startswith("Niet gelukt: Een betaalbelofte geldt voor een dag van vandaag tot en")
    assert "tot en met 04-03-2026; spreek voor langer een betalingsregeling af." in said
    other = staff.post("/dossier/D1", {"csrf": csrf_of(page), "do": "promise", "invoice": "X9",
                                       "until": "2025-03-10"})  # fmt: skip
    assert _notice(other) == "Niet gelukt: Factuur X9 is niet van deze debiteur."


def test_a_step_on_a_plan_ended_meanwhile_is_refused_in_dutch(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    dossier = staff.get("/dossier/D1")
    made = staff.post("/plans", {"csrf": csrf_of(dossier), "do": "create", "debtor": "D1",
                                 "invoices": "F1", "include_costs": "yes", "start": "2025-03-10",
                                 "installments": "2", "period": "month"})  # fmt: skip
    plan_id = made.headers["Location"].split("/plans/")[1].split("?")[0]
    page = staff.get(f"/plans/{plan_id}")
    step = {"csrf": csrf_of(page), "confirm": "yes", "reason": "stopped paying"}
    assert staff.post(f"/plans/{plan_id}", {**step, "do": "activate"}).status == 303
    assert staff.post(f"/plans/{plan_id}", {**step, "do": "cancel"}).status == 303
    # a colleague still has the running plan open and pauses it
    paused = staff.post(f"/plans/{plan_id}", {**step, "do": "pause"})
    assert paused.status == 409
    said = _notice(paused)
    assert said.endswith(f"Regeling {plan_id} is geannuleerd en kan niet worden gepauzeerd."), said
    assert "cannot pause" not in paused.encoded().decode()


def test_a_report_for_a_wrong_span_is_refused_in_dutch(world, tenants):
    seed(world)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get("/reports")
    got = reader.post("/reports", {"csrf": csrf_of(page), "do": "report", "kind": "open_collected",
                                   "format": "csv", "start": "2025-03-01", "end": "2025-02-01"})  # fmt: skip
    assert got.status == 400
    assert "De einddatum ligt vóór de begindatum." in got.encoded().decode()
    assert "end date lies before" not in got.encoded().decode()


def test_the_portal_says_a_coded_refusal_as_its_clause():
    coded = Invalid("installment 2 is not open", code="installment_not_open", params={"number": 2})
    assert refused("nl", coded) == "termijn 2 staat niet open"
    assert refused("en", coded) == "installment 2 is not open"
    assert refused("nl", Invalid("no such invoices")) == "deze facturen zijn niet gevonden"
