"""A plan over the principal, kept to the end, leaves the interest its agreement said stays
due (law10 F6): the invoice is paid (its principal is), so no run asks for the rest; staff get
one item to ask for it, waive or write it off. By hand (tests/unit/plans/
test_principal_plan_costs.py's claim): consumer 1,000.00 due 1-12-2025, plan over the
principal agreed 8-1-2026, 500.00 paid 31-1 and 28-2: 30 d x 6 % + 30 d x 4 % on 1,000.00 +
28 d x 4 % on 500.00 = 4.93 + 3.29 + 1.53 = 9.75 interest left."""

from __future__ import annotations

from datetime import date

from tests.unit.plans.test_plan_service import run_day
from tests.unit.plans.test_principal_plan_costs import _pay, _plan_on


def test_the_rest_a_principal_plan_leaves_is_put_before_staff_once(world):  # type: ignore[no-untyped-def]
    a, client, plan_id = _plan_on(world, date(2026, 1, 8))
    for n, on in enumerate((date(2026, 1, 31), date(2026, 2, 28))):
        _pay(world, client, f"p{n}", 50_000, on)
        run_day(world, on)
    run_day(world, date(2026, 3, 1))
    assert a.call("GET", f"/v1/clients/C1/plans/{plan_id}").body["status"] == "completed"
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "paid"
    items = [i for i in a.call("GET", "/v1/clients/C1/actions").body["items"]
             if i["kind"] == "plan_rest"]  # fmt: skip
    assert len(items) == 1, items
    assert items[0]["detail"] == {"plan_id": plan_id, "amount": "9.75"}
    assert items[0]["invoice_numbers"] == ["F1"]
