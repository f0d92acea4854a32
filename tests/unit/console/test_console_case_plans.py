"""cases26: the agency's payment plan on a case in the console (agencyplan26 left it API-only).
The agency's person sees the case's plans on the case page and makes, starts, pauses, resumes
and ends one there, each form with the console's CSRF token, through the service of
``/v1/cases/{case}/plans``; the client's person reads the plan and is offered no step, and a
step it posts anyway is refused, the plan as it was."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from shared.domain.people.authorisation import Role
from shared.domain.plans.plan import PlanStatus
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_console_claim_work import offers, seed
from tests.unit.console.test_console_plans_cases import hand_over
from tests.unit.plans.test_agency_plan import POOLED


def _case_with_f1_at_the_agency(world, tenants):  # type: ignore[no-untyped-def]
    seed(world)
    case = hand_over(world, tenants)
    invoices = world.services.repos.invoices
    stored = invoices.get(tenants.c1, "F1")
    invoices.save(replace(stored.invoice, handed_over_to="agency-a"), stored)
    # its plan is paid to the agency's third-party account, which it needs (attack27 F3)
    agencies = world.services.repos.agencies
    agencies.save(replace(agencies.get("agency-a"), third_party_iban=POOLED))
    return case


def _plans(world, tenants):  # type: ignore[no-untyped-def]
    return [p for p in world.services.plans.plans.of_debtor(tenants.c1, "D1")]


def test_the_agency_makes_and_steers_its_plan_on_the_case_page(world, tenants):  # type: ignore[no-untyped-def]
    case = _case_with_f1_at_the_agency(world, tenants)
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    path = f"/cases/{case.case_id}?client={tenants.c1}"
    page = agency.get(path)
    assert page.status == 200 and "Geen betalingsregeling op deze zaak." in page.encoded().decode()
    assert offers(page, "plan_create")

    start = (world.clock.at + timedelta(days=14)).date().isoformat()
    made = agency.post(path, {"csrf": csrf_of(page), "do": "plan_create", "start": start,
                              "installments": "3", "period": "month"})  # fmt: skip
    assert made.status == 303, made.encoded().decode()[:2000]
    [plan] = _plans(world, tenants)
    assert plan.agency_id == "agency-a" and plan.status is PlanStatus.DRAFT
    assert plan.invoice_numbers == ("F1",) and len(plan.schedule) == 3

    def step(do, **more):  # type: ignore[no-untyped-def]
        shown = agency.get(path)
        assert offers(shown, do), do
        return agency.post(path, {"csrf": csrf_of(shown), "do": do, "plan": plan.plan_id, **more})

    assert step("plan_activate").status == 303
    assert _plans(world, tenants)[0].status is PlanStatus.ACTIVE
    assert step("plan_pause").status == 422  # a reason is asked
    assert step("plan_pause", reason="debiteur belt terug").status == 303
    assert _plans(world, tenants)[0].status is PlanStatus.PAUSED
    assert step("plan_resume").status == 303
    assert _plans(world, tenants)[0].status is PlanStatus.ACTIVE
    assert step("plan_cancel", reason="afspraak vervalt").status == 422  # not confirmed
    assert step("plan_cancel", reason="afspraak vervalt", confirm="yes").status == 303
    assert _plans(world, tenants)[0].status is PlanStatus.CANCELLED
    text = agency.get(path).encoded().decode()
    assert "afspraak vervalt" in text and plan.payment_reference in text


def test_a_post_without_the_csrf_token_changes_nothing(world, tenants):  # type: ignore[no-untyped-def]
    case = _case_with_f1_at_the_agency(world, tenants)
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    start = (world.clock.at + timedelta(days=14)).date().isoformat()
    tried = agency.post(f"/cases/{case.case_id}?client={tenants.c1}",
                        {"do": "plan_create", "start": start, "installments": "3"})  # fmt: skip
    assert tried.status in (400, 403)
    assert _plans(world, tenants) == []


def test_the_client_reads_the_agencys_plan_and_is_offered_no_step(world, tenants):  # type: ignore[no-untyped-def]
    case = _case_with_f1_at_the_agency(world, tenants)
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    path = f"/cases/{case.case_id}?client={tenants.c1}"
    page = agency.get(path)
    start = (world.clock.at + timedelta(days=14)).date().isoformat()
    agency.post(path, {"csrf": csrf_of(page), "do": "plan_create", "start": start,
                       "installments": "2"})  # fmt: skip
    [plan] = _plans(world, tenants)

    staff = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "admin@c1.example")
    seen = staff.get(f"/cases/{case.case_id}")
    assert seen.status == 200 and plan.payment_reference in seen.encoded().decode()
    assert not any(offers(seen, f"plan_{s}") for s in ("create", "activate", "delete"))
    tried = staff.post(f"/cases/{case.case_id}",
                       {"csrf": csrf_of(seen), "do": "plan_activate", "plan": plan.plan_id})  # fmt: skip
    assert tried.status == 422  # the refusal in Dutch, as every console refusal
    assert "Deze betalingsregeling is van het incassobureau" in tried.encoded().decode()
    assert _plans(world, tenants)[0].status is PlanStatus.DRAFT
