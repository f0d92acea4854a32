"""Review console7 F4 and F9: payment plans are made from the dossier and managed on their
page (start, pause, resume, cancel, the installments), and the agency's cases are listed and
withdrawn, through the API's services and with its authorisation; a reader sees none of the
steps, another client reaches nothing."""

from __future__ import annotations

from shared.adapters.tables.cases_repo import Case
from shared.domain.invoices import InvoiceStatus
from shared.domain.people.authorisation import Role
from shared.domain.plans.plan import PlanStatus
from shared.domain.statements.client_code import client_code
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.console.test_console_claim_work import TUESDAY_10, offers, seed


def test_a_plan_is_made_from_the_dossier_started_and_cancelled(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    dossier = staff.get("/dossier/D1")
    assert offers(dossier, "create")
    made = staff.post("/plans", {"csrf": csrf_of(dossier), "do": "create", "debtor": "D1",
                                 "invoices": "F1", "include_costs": "yes", "start": "2025-03-10",
                                 "installments": "2", "period": "month"})  # fmt: skip
    assert made.status == 303, made.encoded()[:800]
    plan_id = made.headers["Location"].split("/plans/")[1].split("?")[0]
    page = staff.get(f"/plans/{plan_id}?lang=en")
    text = page.encoded().decode()
    assert "2025-03-10" in text and "2025-04-10" in text  # the installments, before it starts
    start = next(f for f in forms_of(page) if 'value="activate"' in f)
    assert 'name="confirm"' in start
    unconfirmed = staff.post(f"/plans/{plan_id}", {"csrf": csrf_of(page), "do": "activate"})
    assert unconfirmed.status == 422
    plans = world.services.plans.plans
    assert plans.get(tenants.c1, plan_id)[0].status is PlanStatus.DRAFT
    done = staff.post(f"/plans/{plan_id}", {"csrf": csrf_of(page), "do": "activate",
                                            "confirm": "yes"})  # fmt: skip
    assert done.status == 303, done.encoded()[:800]
    assert plans.get(tenants.c1, plan_id)[0].status is PlanStatus.ACTIVE
    page = staff.get(f"/plans/{plan_id}")
    assert offers(page, "cancel") and offers(page, "pause") and not offers(page, "activate")
    no_reason = staff.post(f"/plans/{plan_id}", {"csrf": csrf_of(page), "do": "cancel",
                                                 "confirm": "yes"})  # fmt: skip
    assert no_reason.status == 422
    done = staff.post(f"/plans/{plan_id}", {"csrf": csrf_of(page), "do": "cancel",
                                            "confirm": "yes", "reason": "stopped paying"})  # fmt: skip
    assert done.status == 303
    assert plans.get(tenants.c1, plan_id)[0].status is PlanStatus.CANCELLED
    listed = staff.get("/plans").encoded().decode()
    assert f"/plans/{plan_id}" in listed


def test_a_reader_sees_plans_without_steps_and_another_client_reaches_none(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    dossier = staff.get("/dossier/D1")
    made = staff.post("/plans", {"csrf": csrf_of(dossier), "do": "create", "debtor": "D1",
                                 "invoices": "F1", "start": "2025-03-10", "installments": "3",
                                 "period": "week"})  # fmt: skip
    plan_id = made.headers["Location"].split("/plans/")[1].split("?")[0]
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    assert not offers(reader.get("/dossier/D1"), "create")
    page = reader.get(f"/plans/{plan_id}")
    assert page.status == 200
    assert [f for f in forms_of(page) if "/logout" not in f] == []
    refused = reader.post(f"/plans/{plan_id}", {"csrf": csrf_of(page), "do": "activate",
                                                "confirm": "yes"})  # fmt: skip
    assert refused.status == 403
    other = desk_for(world, Role.CLIENT_STAFF, tenants.c2, "s@c2.example")
    assert other.get(f"/plans/{plan_id}").status == 404
    home = other.get("/plans")
    taken = other.post(f"/plans/{plan_id}", {"csrf": csrf_of(home), "do": "activate",
                                             "confirm": "yes"})  # fmt: skip
    assert taken.status == 404
    stolen = other.post("/plans", {"csrf": csrf_of(home), "do": "create", "debtor": "D1",
                                   "invoices": "F1", "start": "2025-03-10", "installments": "3",
                                   "period": "week"})  # fmt: skip
    assert stolen.status == 404
    assert world.services.plans.plans.get(tenants.c1, plan_id)[0].status is PlanStatus.DRAFT


def hand_over(world, tenants) -> Case:  # type: ignore[no-untyped-def]
    case = Case("agency-a", f"{tenants.c1}-D1-abc", tenants.c1, "D1", ("F1",), TUESDAY_10,
                {"debtor": {"number": "D1", "name": "Debtor D1"},
                 "invoices": [{"number": "F1", "due_date": "2025-01-31", "open": "121.00"}],
                 "amounts": {"principal": "121.00", "costs": "0.00", "interest": "0.00"}})  # fmt: skip
    assert world.services.repos.cases.add(case)
    return case


def test_the_agency_lists_and_withdraws_a_case_once_confirmed(world, tenants):
    seed(world)
    case = hand_over(world, tenants)
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    listed = agency.get("/cases?lang=en")
    assert listed.status == 200 and "/cases/" + case.case_id in listed.encoded().decode()
    page = agency.get(f"/cases/{case.case_id}?client={tenants.c1}&lang=en")
    text = page.encoded().decode()
    assert "Debtor D1 (D1)" in text and "EUR 121.00" in text
    # what the debtor quotes paying the agency: the client's code first (newcomer17b F5)
    quote = f"{client_code(tenants.c1)} D1 {' '.join(case.invoice_numbers)}"
    assert f"<dt>To quote when paying the agency</dt><dd>{quote}</dd>" in text
    form = next(f for f in forms_of(page) if 'value="withdraw"' in f)
    assert 'name="confirm"' in form
    path = f"/cases/{case.case_id}?client={tenants.c1}"
    unconfirmed = agency.post(path, {"csrf": csrf_of(page), "do": "withdraw", "reason": "paid us"})
    assert unconfirmed.status == 422
    assert world.services.repos.cases.get("agency-a", case.case_id)[0].status == "open"
    done = agency.post(path, {"csrf": csrf_of(page), "do": "withdraw", "reason": "paid us",
                              "confirm": "yes"})  # fmt: skip
    assert done.status == 303, done.encoded()[:800]
    stored = world.services.repos.cases.get("agency-a", case.case_id)[0]
    assert stored.status == "withdrawn" and stored.withdrawn_reason == "paid us"


def test_cases_by_role_a_reader_withdraws_nothing_another_client_sees_nothing(world, tenants):
    seed(world)
    case = hand_over(world, tenants)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get(f"/cases/{case.case_id}")
    assert page.status == 200 and not offers(page, "withdraw")
    refused = reader.post(f"/cases/{case.case_id}", {"csrf": csrf_of(page), "do": "withdraw",
                                                     "reason": "paid us", "confirm": "yes"})  # fmt: skip
    assert refused.status == 403
    other = desk_for(world, Role.CLIENT_STAFF, tenants.c2, "s@c2.example")
    assert case.case_id not in other.get("/cases").encoded().decode()
    assert other.get(f"/cases/{case.case_id}").status == 404
    own = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert offers(own.get(f"/cases/{case.case_id}"), "withdraw")  # the client may withdraw it
    assert world.services.repos.cases.get("agency-a", case.case_id)[0].status == "open"
    assert world.services.repos.invoices.get(tenants.c1, "F1").invoice.status is InvoiceStatus.OPEN


def test_a_plans_refusal_reads_dutch_on_a_dutch_page(world, tenants):
    """review console8 #5: "a plan cannot start in the past" stood English on the Dutch page."""
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    dossier = staff.get("/dossier/D1")
    made = staff.post("/plans", {"csrf": csrf_of(dossier), "do": "create", "debtor": "D1",
                                 "invoices": "F1", "include_costs": "yes", "start": "2020-01-01",
                                 "installments": "2", "period": "month"})  # fmt: skip
    text = made.encoded().decode()
    assert made.status == 422
    assert "een regeling kan niet in het verleden beginnen" in text
    assert "cannot start in the past" not in text
