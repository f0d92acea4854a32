# ruff: noqa: F811
"""failure9 #5: the booking that revives a lapsed plan (money received within its grace,
booked after the lapse) stopped right after the plan was saved running: nobody was ever told
it runs on, not by the redelivered booking (which now finds the plan running) nor by the daily
run. The plan is saved with the news it owes, and whoever looks at it next tells it, once."""

from __future__ import annotations

from datetime import date

from tests.unit.plans.test_plan_kept_after_all import _lapsed, _statement, _told
from tests.unit.plans.test_plan_service import BASE, make, plans, run_day, status  # noqa: F401


def _revived_then_stopped(world, client):  # type: ignore[no-untyped-def]
    plan_id = make(world.agency_a).body["plan_id"]
    assert world.agency_a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    _lapsed(world, plan_id)
    timeline = world.services.plans.plans
    real = timeline.log
    crashed: list[object] = []

    def log(client_id, plan_id, entry_id, at, kind, text, detail=None):  # type: ignore[no-untyped-def]
        if kind == "kept" and not crashed:  # the first write after the plan's save
            crashed.append(entry_id)
            raise TimeoutError("host died after the plan was saved running")
        return real(client_id, plan_id, entry_id, at, kind, text, detail)

    timeline.log = log
    try:
        _statement(world, client, "late-statement", 10_000, date(2026, 2, 6))
    except TimeoutError:
        pass
    assert crashed and status(world, plan_id)[0] == "active"
    assert _told(world, client, plan_id) == ([], [], [])
    return plan_id


def test_the_redelivered_booking_tells_a_revival_the_stop_left_untold(plans):
    world, client = plans
    plan_id = _revived_then_stopped(world, client)
    _statement(world, client, "late-statement", 10_000, date(2026, 2, 6))  # redelivered
    run_day(world, date(2026, 2, 13))
    keys, kinds, lines = _told(world, client, plan_id)
    assert len(keys) == 2 and kinds == ["kept"] and len(lines) == 1  # debtor and client, once
    assert status(world, plan_id)[0] == "active"


def test_the_daily_run_tells_a_revival_nobody_retried(plans):
    world, client = plans
    plan_id = _revived_then_stopped(world, client)
    run_day(world, date(2026, 2, 13))
    run_day(world, date(2026, 2, 14))
    keys, kinds, lines = _told(world, client, plan_id)
    assert len(keys) == 2 and kinds == ["kept"] and len(lines) == 1
    assert world.services.plans.plans.get(client.client_id, plan_id)[0].notice_to_tell == ""
