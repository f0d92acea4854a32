"""plans27: the agency moves an installment of its plan on the case page (it could only through
``POST /v1/cases/{case}/plans/{plan}/postpone``). The form carries the console's CSRF token,
offers the installments still to pay, moves the later ones with it when asked, and the debtor
gets the new schedule; a client's person is offered no form, and one posted anyway is refused,
the schedule as it was."""

from __future__ import annotations

from datetime import timedelta

from shared.domain.people.authorisation import Role
from shared.domain.plans.plan import PlanStatus
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_console_case_plans import _case_with_f1_at_the_agency, _plans
from tests.unit.console.test_console_claim_work import offers


def _running(world, tenants):  # type: ignore[no-untyped-def]
    case = _case_with_f1_at_the_agency(world, tenants)
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    path = f"/cases/{case.case_id}?client={tenants.c1}"
    start = (world.clock.at + timedelta(days=14)).date()
    page = agency.get(path)
    agency.post(path, {"csrf": csrf_of(page), "do": "plan_create", "start": start.isoformat(),
                       "installments": "3", "period": "month"})  # fmt: skip
    [plan] = _plans(world, tenants)
    shown = agency.get(path)
    agency.post(path, {"csrf": csrf_of(shown), "do": "plan_activate", "plan": plan.plan_id})
    assert _plans(world, tenants)[0].status is PlanStatus.ACTIVE
    return case, agency, path, plan


def test_the_agency_moves_an_installment_on_the_case_page(world, tenants):  # type: ignore[no-untyped-def]
    _, agency, path, plan = _running(world, tenants)
    page = agency.get(path)
    assert offers(page, "plan_postpone")
    first = plan.schedule[0]
    to = first.due_date + timedelta(days=10)
    # without the token: nothing moves
    tried = agency.post(path, {"do": "plan_postpone", "plan": plan.plan_id, "number": "1",
                               "to": to.isoformat(), "shift_later": "yes"})  # fmt: skip
    assert tried.status in (400, 403)
    assert _plans(world, tenants)[0].schedule == plan.schedule
    # a day that is no date: said, nothing moves
    bad = agency.post(path, {"csrf": csrf_of(page), "do": "plan_postpone", "plan": plan.plan_id,
                             "number": "1", "to": "morgen"})  # fmt: skip
    assert bad.status == 422 and "geef de nieuwe datum" in bad.encoded().decode()
    moved = agency.post(path, {"csrf": csrf_of(page), "do": "plan_postpone", "plan": plan.plan_id,
                               "number": "1", "to": to.isoformat(), "shift_later": "yes"})  # fmt: skip
    assert moved.status == 303, moved.encoded().decode()[:2000]
    after = _plans(world, tenants)[0]
    assert after.schedule[0].due_date == to
    assert after.schedule[1].due_date > plan.schedule[1].due_date  # the later ones moved too
    # the debtor gets the new schedule
    keys = [m.key for m, _ in world.services.messaging.outbox.with_prefix(
        tenants.c1, f"plan|{plan.plan_id}|schedule|")]  # fmt: skip
    assert len(keys) == 1, keys


def test_the_client_is_offered_no_postpone_and_one_posted_is_refused(world, tenants):  # type: ignore[no-untyped-def]
    case, _, _, plan = _running(world, tenants)
    staff = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "admin@c1.example")
    seen = staff.get(f"/cases/{case.case_id}")
    assert seen.status == 200 and not offers(seen, "plan_postpone")
    to = plan.schedule[0].due_date + timedelta(days=10)
    tried = staff.post(f"/cases/{case.case_id}", {"csrf": csrf_of(seen), "do": "plan_postpone",
                       "plan": plan.plan_id, "number": "1", "to": to.isoformat()})  # fmt: skip
    assert tried.status == 422
    assert _plans(world, tenants)[0].schedule == plan.schedule
