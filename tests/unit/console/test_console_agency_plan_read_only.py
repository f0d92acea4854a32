"""agencyplan26: the agency's plan on its case shows in the client's console with no step to
take (start, pause, resume, cancel, delete): they are the agency's, and a posted step is
refused (``plan_of_agency``), the plan as it was."""

from __future__ import annotations

from dataclasses import replace

from shared.domain.people.authorisation import Role
from shared.domain.plans.plan import PlanStatus
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_console_claim_work import offers, seed


def test_the_agencys_plan_offers_the_client_no_step_and_refuses_one(world, tenants):  # type: ignore[no-untyped-def]
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    dossier = staff.get("/dossier/D1")
    made = staff.post("/plans", {"csrf": csrf_of(dossier), "do": "create", "debtor": "D1",
                                 "invoices": "F1", "start": "2025-03-10", "installments": "2",
                                 "period": "month"})  # fmt: skip
    plan_id = made.headers["Location"].split("/plans/")[1].split("?")[0]
    plans = world.services.plans.plans
    plan, etag = plans.get(tenants.c1, plan_id)
    plans.save(replace(plan, agency_id="agency-a"), etag)  # as the agency's case route makes it
    page = staff.get(f"/plans/{plan_id}")
    assert page.status == 200
    assert not any(offers(page, do) for do in ("activate", "delete", "pause", "resume", "cancel"))
    tried = staff.post(f"/plans/{plan_id}", {"csrf": csrf_of(page), "do": "activate",
                                             "confirm": "yes"})  # fmt: skip
    assert tried.status == 422
    assert plans.get(tenants.c1, plan_id)[0].status is PlanStatus.DRAFT
