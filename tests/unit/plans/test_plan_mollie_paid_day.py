# ruff: noqa: F811
"""A plan installment paid through Mollie is dated by the Europe/Amsterdam day of Mollie's
``paidAt`` (law7 F5), not its UTC day: an iDEAL payment at 00:30 in Amsterdam (23:30 UTC the
evening before) is paid on the Amsterdam day. One paid just after its due day's midnight is a
day late by the calendar, and the plan's tolerance (``tolerance_days``, 7 by default) decides
that this is not arrears: the plan stays active (docs/law.md, "Payment plans")."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.unit.plans.test_plan_mollie import booked, mollie, plan_of, webhook, world  # noqa: F401
from tests.unit.plans.test_plan_service import BASE, make, run_day


def test_paid_at_half_past_midnight_in_amsterdam_is_that_day(world, mollie):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    (first,) = mollie.posted("first")
    # 00:30 on 6 January in Amsterdam (CET, UTC+1) is 23:30 UTC on the 5th
    mollie.settle(first["id"], "paid", paid_at="2026-01-05T23:30:00+00:00")
    world.clock.at = datetime(2026, 1, 6, 10, 0, tzinfo=UTC)
    assert webhook(world, first["id"]) == ["paid"]
    assert booked(world, first["id"]).received_on == date(2026, 1, 6)


def test_an_installment_paid_just_after_its_due_days_midnight_is_within_the_tolerance(
    world, mollie
):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    (first,) = mollie.posted("first")
    # installment 1 is due 31 January; the debtor pays at 00:30 on 1 February in Amsterdam
    mollie.settle(first["id"], "paid", paid_at="2026-01-31T23:30:00+00:00")
    world.clock.at = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    assert webhook(world, first["id"]) == ["paid"]
    assert booked(world, first["id"]).received_on == date(2026, 2, 1)  # a day after it was due
    run_day(world, date(2026, 2, 1))
    got = plan_of(world, plan_id)
    assert got["installments"][0]["status"] == "paid"
    assert got["status"] == "active", got["status"]  # not overdue: within the 7 days' tolerance
