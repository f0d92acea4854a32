"""A plan date typed in the year 9999 (attack28 F2): moving an installment there with the later
ones along, or a plan starting there in monthly installments, ran their dates past 31-12-9999:
a ValueError out of the case page (500). Now refused on the form (422), the plan as it was."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_console_case_plan_postpone import _running
from tests.unit.console.test_console_case_plans import _case_with_f1_at_the_agency, _plans


def test_moving_an_installment_past_the_calendar_is_refused(world, tenants):  # type: ignore[no-untyped-def]
    _, agency, path, plan = _running(world, tenants)
    page = agency.get(path)
    moved = agency.post(path, {"csrf": csrf_of(page), "do": "plan_postpone", "plan": plan.plan_id,
                               "number": "1", "to": "9999-11-20", "shift_later": "yes"})  # fmt: skip
    assert moved.status == 422, moved.status
    assert _plans(world, tenants)[0].schedule == plan.schedule


def test_a_plan_starting_past_the_calendar_is_refused(world, tenants):  # type: ignore[no-untyped-def]
    case = _case_with_f1_at_the_agency(world, tenants)
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    path = f"/cases/{case.case_id}?client={tenants.c1}"
    page = agency.get(path)
    made = agency.post(path, {"csrf": csrf_of(page), "do": "plan_create", "start": "9999-11-20",
                              "installments": "3", "period": "month"})  # fmt: skip
    assert made.status == 422, made.status
    assert _plans(world, tenants) == []
