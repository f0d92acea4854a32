"""attack28 F2 left, the console's postpone form: an agency's installment moved past the plan's
term (to 20-11-9999, the later ones staying) was accepted; now refused in the page's words,
the schedule as it was (the rule: tests/unit/plans/test_plan_postpone_bounds.py)."""

from __future__ import annotations

from tests.unit.console.conftest import csrf_of
from tests.unit.console.test_console_case_plan_postpone import _running
from tests.unit.console.test_console_case_plans import _plans


def test_the_case_page_refuses_a_move_past_the_plans_term(world, tenants):  # type: ignore[no-untyped-def]
    _, agency, path, plan = _running(world, tenants)
    page = agency.get(path)
    last = plan.schedule[-1]
    tried = agency.post(path, {"csrf": csrf_of(page), "do": "plan_postpone", "plan": plan.plan_id,
                               "number": str(last.number), "to": "9999-11-20"})  # fmt: skip
    text = tried.encoded().decode()
    assert tried.status == 422, text[:2000]
    assert "Een regeling loopt niet langer dan 12 maanden" in text, text[:3000]
    assert _plans(world, tenants)[0].schedule == plan.schedule
