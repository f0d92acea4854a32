"""A paused plan's lowering is saved with its notice owed (codereview9 F3), as a running
plan's is (failure9 #4): a host that stops after the save, before the debtor's lower schedule
was queued, leaves the mark, and the retry or the daily run tells it, once, with the word that
nothing is asked while the plan is paused."""

from __future__ import annotations

from datetime import date

from tests.unit.plans.test_paused_plan_follows_credit import _lowered, _paused
from tests.unit.plans.test_plan_service import BASE, run_day
from tests.unit.plans.test_plan_service import plans as plans


def _crash_once(svc) -> list[str]:  # type: ignore[no-untyped-def]
    real = svc._send_notice
    crashed: list[str] = []

    def send_notice(client_, plan, key, *args, **kw):  # type: ignore[no-untyped-def]
        if key.startswith("lowered") and not crashed:
            crashed.append(key)
            raise TimeoutError("host stopped before the new schedule was queued")
        return real(client_, plan, key, *args, **kw)

    svc._send_notice = send_notice
    return crashed


def _mark(world, client, plan_id: str) -> str:  # type: ignore[no-untyped-def]
    found = world.services.plans.plans.get(client.client_id, plan_id)
    assert found is not None
    return str(found[0].notice_to_tell)


def test_the_retry_tells_a_paused_plan_lowered_before_a_crash(plans):
    world, client = plans
    a = world.agency_a
    plan_id = _paused(world)
    crashed = _crash_once(world.services.plans)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 503
    assert crashed
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert (got["status"], got["total"]) == ("paused", "100.00")  # saved lower, not told
    assert _lowered(world, client, plan_id) == []
    assert _mark(world, client, plan_id).endswith(" lowered|10000")
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 200  # the retry
    assert _lowered(world, client, plan_id) == [f"plan|{plan_id}|lowered|10000"]
    content = world.services.messaging.content(client.client_id, f"plan|{plan_id}|lowered|10000")
    assert content.subject in ("Uw betalingsregeling is verlaagd", "Your payment plan is lowered")
    assert _mark(world, client, plan_id) == ""
    run_day(world, date(2026, 1, 21))
    run_day(world, date(2026, 1, 22))
    assert _lowered(world, client, plan_id) == [f"plan|{plan_id}|lowered|10000"]  # once


def test_the_daily_run_tells_it_when_nobody_retries(plans):
    world, client = plans
    a = world.agency_a
    plan_id = _paused(world)
    _crash_once(world.services.plans)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 503
    assert _lowered(world, client, plan_id) == []
    run_day(world, date(2026, 1, 21))  # the paused plan is filed for the day after the save
    assert _lowered(world, client, plan_id) == [f"plan|{plan_id}|lowered|10000"]
    assert _mark(world, client, plan_id) == ""
    run_day(world, date(2026, 1, 22))
    assert _lowered(world, client, plan_id) == [f"plan|{plan_id}|lowered|10000"]
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert (got["status"], got["total"]) == ("paused", "100.00")
