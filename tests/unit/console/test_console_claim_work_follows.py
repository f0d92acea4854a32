"""Review console8 #2, #3, #6, #8: work on a claim keeps plans, cases and disputes right.

A credit or withdrawal from the dossier lowers (or ends) the running plan that holds the
invoice at once, the debtor told of the new schedule, and its confirm page says so (#2); a
dispute decision states the claim's open figures from the ledger (#3); a stale dossier form
cannot decide a dispute past its action item, nor withdraw a credited invoice (#6); a new
plan is not offered over invoices a paused plan holds, and is refused in the page's language
(#8)."""

from __future__ import annotations

from shared.domain.invoices import InvoiceStatus
from shared.domain.money import format_eur_nl
from shared.domain.people.authorisation import Role
from shared.domain.plans.plan import PlanStatus
from shared.domain.records import ActionStatus
from shared.domain.scopes import agency_scope
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.console.test_console_claim_work import claim, disputed, seed, status_of


def _plan(world, tenants, staff, *numbers: str) -> str:  # type: ignore[no-untyped-def]
    page = staff.get("/dossier/D1")
    fields = [("csrf", csrf_of(page)), ("do", "create"), ("debtor", "D1"),
              *[("invoices", n) for n in numbers], ("include_costs", "yes"),
              ("start", "2025-03-10"), ("installments", "3"), ("period", "month")]  # fmt: skip
    made = staff.post("/plans", fields)
    assert made.status == 303, made.encoded()[:600]
    plan_id: str = made.headers["Location"].split("/plans/")[1].split("?")[0]
    started = staff.post(
        f"/plans/{plan_id}", {"csrf": csrf_of(page), "do": "activate", "confirm": "yes"}
    )
    assert started.status == 303
    return plan_id


def _plan_of(world, tenants, plan_id):  # type: ignore[no-untyped-def]
    return world.services.plans.plans.get(tenants.c1, plan_id)[0]


def test_crediting_an_invoice_of_a_running_plan_lowers_the_plan_at_once(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    plan_id = _plan(world, tenants, staff, "F1", "F2")
    before = _plan_of(world, tenants, plan_id)
    page = staff.get("/dossier/D1")
    shown = staff.post(
        "/dossier/D1?lang=nl", {"csrf": csrf_of(page), "do": "credit", "invoice": "F1"}
    )
    text = shown.encoded().decode()
    assert shown.status == 200 and "zit in een lopende betalingsregeling" in text
    assert f"/plans/{plan_id}" in text and "De regeling volgt meteen" in text

    done = staff.post(
        "/dossier/D1", {"csrf": csrf_of(page), "do": "credit", "invoice": "F1", "confirm": "yes"}
    )
    assert done.status == 303
    plan = _plan_of(world, tenants, plan_id)
    owed = claim(world, tenants, "F2").open.total  # F1 credited: only F2's claim is owed
    assert plan.status is PlanStatus.ACTIVE and plan.total == owed < before.total
    assert sum(i.amount for i in plan.schedule) == owed and len(plan.schedule) == 3
    told = world.services.messaging.outbox.get(tenants.c1, f"plan|{plan_id}|lowered|{owed}")
    assert told is not None  # the debtor gets the new schedule

    done = staff.post(
        "/dossier/D1", {"csrf": csrf_of(page), "do": "withdraw", "invoice": "F2", "confirm": "yes"}
    )
    assert done.status == 303
    plan = _plan_of(world, tenants, plan_id)
    assert plan.status is PlanStatus.COMPLETED and plan.open == 0  # nothing is owed any more


def test_the_api_credit_route_lowers_the_plan_the_same_way(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    plan_id = _plan(world, tenants, staff, "F1", "F2")
    reply = world.agency_a.call(
        "POST", "/v1/clients/C1/invoices/F2/credit", {"amount": "21.00", "reference": "CN-1"}
    )
    assert reply.status == 200, reply.body
    owed = claim(world, tenants, "F1").open.total + claim(world, tenants, "F2").open.total
    assert _plan_of(world, tenants, plan_id).total == owed


def test_a_dispute_decision_states_the_claim_with_interest(world, tenants):
    seed(world)
    item = disputed(world, tenants)
    figures = claim(world, tenants, "F2").open
    assert figures.interest > 0 and figures.total > figures.principal
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    text = staff.get(f"/actions/{item.action_id}?lang=nl").encoded().decode()
    assert (
        f"F2: {format_eur_nl(figures.total)} open (hoofdsom {format_eur_nl(figures.principal)}"
        in text
    )
    assert f"rente {format_eur_nl(figures.interest)}" in text


def test_a_stale_dossier_form_cannot_decide_a_dispute_past_its_item(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1")  # opened before the debtor disputed
    item = disputed(world, tenants)
    for do in ("withdraw", "credit", "keep-chasing"):
        refused = staff.post(
            "/dossier/D1?lang=nl",
            {"csrf": csrf_of(page), "do": do, "invoice": "F2", "confirm": "yes"},
        )
        text = refused.encoded().decode()
        assert refused.status == 422 and "wacht op een besluit op de actielijst" in text
        assert f"/actions/{item.action_id}" in text
    assert status_of(world, tenants, "F2") is InvoiceStatus.DISPUTED
    assert (
        world.services.repos.actions.get(tenants.c1, item.action_id)[0].status is ActionStatus.OPEN
    )


def test_a_stale_form_cannot_withdraw_a_credited_invoice(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1")
    fields = {"csrf": csrf_of(page), "invoice": "F1", "confirm": "yes"}
    assert staff.post("/dossier/D1", {**fields, "do": "credit"}).status == 303
    refused = staff.post("/dossier/D1?lang=nl", {**fields, "do": "withdraw"})
    assert refused.status == 422 and "is intussen gecrediteerd" in refused.encoded().decode()
    again = staff.post("/dossier/D1?lang=en", {**fields, "do": "credit"})
    assert again.status == 422 and "is credited meanwhile" in again.encoded().decode()
    assert status_of(world, tenants, "F1") is InvoiceStatus.CREDITED


def test_no_new_plan_over_invoices_a_paused_plan_holds(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    plan_id = _plan(world, tenants, staff, "F1")
    page = staff.get("/dossier/D1")
    paused = staff.post(
        f"/plans/{plan_id}", {"csrf": csrf_of(page), "do": "pause", "reason": "ziek thuis"}
    )
    assert paused.status == 303
    page = staff.get("/dossier/D1")
    [form] = [f for f in forms_of(page) if 'value="create"' in f]
    assert 'name="invoices" value="F2"' in form and 'name="invoices" value="F1"' not in form
    refused = staff.post("/plans?lang=nl", {"csrf": csrf_of(page), "do": "create", "debtor": "D1",
                                            "invoices": "F1", "include_costs": "yes", "start": "2025-03-10",
                                            "installments": "2", "period": "month"})  # fmt: skip
    text = refused.encoded().decode()
    assert refused.status == 422 and "zit al in betalingsregeling" in text and plan_id in text
    assert len(world.services.plans.of_client(world.services.repos.clients.get(tenants.c1)[0])) == 1


def test_the_confirm_page_says_the_case_at_the_agency_follows(world, tenants):
    from dataclasses import replace

    from tests.unit.console.test_console_plans_cases import hand_over

    seed(world)
    case = hand_over(world, tenants)
    repos = world.services.repos
    stored = repos.invoices.get(tenants.c1, "F1")
    repos.invoices.save(replace(stored.invoice, handed_over_to="agency-a"), stored)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1")
    shown = staff.post(
        "/dossier/D1?lang=nl", {"csrf": csrf_of(page), "do": "withdraw", "invoice": "F1"}
    )
    assert (
        "is overgedragen aan het incassobureau. De factuur gaat uit de zaak"
        in shown.encoded().decode()
    )
    done = staff.post(
        "/dossier/D1", {"csrf": csrf_of(page), "do": "withdraw", "invoice": "F1", "confirm": "yes"}
    )
    assert done.status == 303
    # its only invoice withdrawn: the case is withdrawn and the agency told on its list
    assert repos.cases.get("agency-a", case.case_id)[0].status == "withdrawn"
    told = world.services.action_desk.listed(agency_scope("agency-a"), kind="case_withdrawn")
    assert any(case.case_id in a.title for a in told)
