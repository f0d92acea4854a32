"""failure9 #4: a credit note through the API lowered a running plan, and the host stopped
before the debtor's new schedule was queued. The retry found the plan already lower and sent
nothing (the notice went only when the total dropped in that call): the debtor kept paying
the old installments. The lowering is saved with the notice it owes; the retry or the daily
run sends it, once."""

from __future__ import annotations

from datetime import timedelta

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_console_claim_work import claim, seed
from tests.unit.console.test_console_claim_work_follows import _plan, _plan_of
from tests.unit.plans.test_plan_service import run_day

NOTE = {"amount": "21.00", "reference": "CN-1"}


def _lowered_then_stopped(world, tenants):  # type: ignore[no-untyped-def]
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    plan_id = _plan(world, tenants, staff, "F1", "F2")
    plans = world.services.plans
    real = plans._send_notice
    crashed: list[object] = []

    def send_notice(client, plan, key, *a, **k):  # type: ignore[no-untyped-def]
        if key.startswith("lowered") and not crashed:
            crashed.append(key)
            raise TimeoutError("host stopped before the new schedule was queued")
        return real(client, plan, key, *a, **k)

    plans._send_notice = send_notice
    first = world.agency_a.call("POST", "/v1/clients/C1/invoices/F2/credit", NOTE)
    assert first.status == 503 and crashed
    owed = claim(world, tenants, "F1").open.total + claim(world, tenants, "F2").open.total
    assert _plan_of(world, tenants, plan_id).total == owed  # saved lower, nobody told
    return plan_id, owed


def _notices(world, tenants, plan_id):  # type: ignore[no-untyped-def]
    outbox = world.services.messaging.outbox
    return [m.key for m, _ in outbox.with_prefix(tenants.c1, f"plan|{plan_id}|lowered")]


def test_the_retried_credit_note_sends_the_new_schedule(world, tenants):
    plan_id, owed = _lowered_then_stopped(world, tenants)
    again = world.agency_a.call("POST", "/v1/clients/C1/invoices/F2/credit", NOTE)
    assert again.status == 200
    assert _notices(world, tenants, plan_id) == [f"plan|{plan_id}|lowered|{owed}"]
    assert _plan_of(world, tenants, plan_id).notice_to_tell == ""


def test_the_daily_run_sends_the_new_schedule_nobody_retried(world, tenants):
    plan_id, owed = _lowered_then_stopped(world, tenants)
    day = world.clock.at.date()
    for n in (1, 2):
        run_day(world, day + timedelta(days=n))
    assert _notices(world, tenants, plan_id) == [f"plan|{plan_id}|lowered|{owed}"]
