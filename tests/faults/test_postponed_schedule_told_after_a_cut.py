"""failure28 F1: a postponement (plans28's bounded one) saved the moved schedule and only then
queued the debtor's new schedule: a worker that stopped between the two (a crash, the host
recycled) left the plan moved and the debtor told nothing, for good: the request failed (500),
its retry is refused (422: the installment is on that day already) and the daily run never
looked at it.
For a direct debit that notice is the pre-notification of the moved collection.

D1's plan of 300.00 in three (31-1, 28-2, 31-3-2026), installment 2 moved on 20-1 to 14-3.
The save is cut off after it was written: the next daily run sends the new schedule, once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.adapters.tables.plans_repo import PLANS
from tests.support.faults import FaultPlan, SimulatedCrash
from tests.unit.api.conftest import make_world
from tests.unit.plans.test_plan_service import BASE, make, run_day, seeded


def _schedule_keys(world: Any, client_id: str, plan_id: str) -> list[str]:
    return [m.key for m, _ in world.services.messaging.outbox.with_prefix(
        client_id, f"plan|{plan_id}|schedule|")]  # fmt: skip


def test_a_postponement_cut_off_after_its_save_is_told_by_the_next_run() -> None:
    faults = FaultPlan(enabled=True)
    world, client = seeded(make_world(faults=faults))
    a = world.agency_a
    plan_id: str = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    faults.rule(lambda op, table: op == "replace" and table == PLANS, "crash_after")
    with pytest.raises(SimulatedCrash):
        a.call("POST", f"{BASE}/{plan_id}/installments/2/postpone", {"to": "2026-03-14"})
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["installments"][1]["due_date"] == "2026-03-14"  # saved: the page shows it
    assert _schedule_keys(world, client.client_id, plan_id) == []  # the debtor not told yet
    # the same request again is refused (the installment is there already): no way to resend
    again = a.call("POST", f"{BASE}/{plan_id}/installments/2/postpone", {"to": "2026-03-14"})
    assert again.status == 422, again.body

    run_day(world, date(2026, 1, 21))
    told = [f"plan|{plan_id}|schedule|20260131-20260314-20260331"]
    assert _schedule_keys(world, client.client_id, plan_id) == told  # was: [] for good
    run_day(world, date(2026, 1, 22))  # told once
    assert _schedule_keys(world, client.client_id, plan_id) == told


def test_an_uncut_postponement_is_told_at_once_and_once() -> None:
    world, client = seeded(make_world())
    a = world.agency_a
    plan_id: str = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    body = {"to": "2026-03-14"}
    assert a.call("POST", f"{BASE}/{plan_id}/installments/2/postpone", body).status == 200
    told = [f"plan|{plan_id}|schedule|20260131-20260314-20260331"]
    assert _schedule_keys(world, client.client_id, plan_id) == told
    run_day(world, date(2026, 1, 21))
    assert _schedule_keys(world, client.client_id, plan_id) == told
    assert a.call("GET", f"{BASE}/{plan_id}").body.get("notice_to_tell") in (None, "")
