"""standing15 #5: a plan's open ``plan_debit_failed`` item stayed open when the plan lapsed.

The item asks staff to retry the installment that came back; once the plan lapsed a retry is
refused (409 ``plan_cannot_retry``) and the lapse has its own item (``plan_breached``): staff
saw two, one of them stale. The lapse now resolves the plan's open debit items, saying why.

The plans fixture (test_plan_debit_returned_late): a direct-debit plan 3 x 100.00 on 26-1,
26-2 and 26-3-2026, grace 7 days. Collection 1 comes back MD06 on 18-3, nothing is retried
or paid: the plan lapses on 3-4 (due past the grace 300.00, paid 200.00)."""

from __future__ import annotations

from datetime import date

from tests.unit.plans.test_plan_debit_returned_late import _days, _lapsed_on, _return
from tests.unit.plans.test_plan_service import plans as plans
from tests.unit.plans.test_sepa_returns import _actions, _running_direct_debit


def test_the_lapse_resolves_the_plans_open_debit_failed_item(plans):
    world, _ = plans
    plan_id = _running_direct_debit(world)
    _days(world, date(2026, 1, 21), date(2026, 3, 1))
    _return(world, plan_id, 0, "MD06", date(2026, 3, 18))
    (failed,) = _actions(world, "plan_debit_failed")
    assert failed["status"] == "open"
    days = _days(world, date(2026, 3, 19), date(2026, 4, 10))
    assert _lapsed_on(days, plan_id) == [date(2026, 4, 3)]
    (breached,) = _actions(world, "plan_breached")
    assert breached["status"] == "open"
    (failed,) = _actions(world, "plan_debit_failed")
    assert failed["status"] == "resolved", failed
    assert plan_id in failed["resolution"] and "lapsed" in failed["resolution"], failed
