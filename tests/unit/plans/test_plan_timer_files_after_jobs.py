# ruff: noqa: F811  (the fixtures are imported from the plans' own tests)
"""failure24 F5: the installment timer built the direct-debit files first and queued the plans'
jobs after. A storage 503 on the files (throttling beyond the retries) failed the timer, which
the host does not retry: no plan was looked at that day. Transfer plan 3 x 100.00 from
31-1-2026, reminders 3 days before: installment 1's reminder went on 29-1, not 28-1. The jobs
are queued first now; the files' failure still fails the timer (it is logged and alerted)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from azure.core.exceptions import HttpResponseError

from tests.unit.plans.test_plan_service import BASE, make, plans, run_day  # noqa: F401


def active_plan(world) -> str:
    """C1's transfer plan 3 x 100.00 from 31-1-2026 (reminders 3 days before), activated."""
    a = world.agency_a
    a.call("PUT", "/v1/clients/C1/plan-rules", {"tolerance_days": 5, "reminder_offset_days": -3})
    plan_id = str(make(a).body["plan_id"])
    a.call("POST", f"{BASE}/{plan_id}/activate")
    return plan_id


def test_a_503_on_the_direct_debit_files_costs_no_plan_its_day(plans):
    world, _ = plans
    plan_id = active_plan(world)
    services = world.services
    services.messaging.queues.take("send-email")
    run_day(world, date(2026, 1, 27))
    desk = services.plans.desk
    assert desk is not None

    def busy(today: date) -> list[str]:
        error = HttpResponseError("503 ServerBusy (injected)")
        error.status_code = 503
        raise error

    desk.build_files = busy  # type: ignore[method-assign]
    world.clock.at = datetime(2026, 1, 28, 6, 30, tzinfo=UTC)
    with pytest.raises(HttpResponseError):  # the timer fails, as the host should see
        services.plans.fan_out()
    for job in services.messaging.queues.take("installments"):
        body = json.loads(job.body)
        services.plans.process(body["client_id"], body["plan_id"],
                               date.fromisoformat(body["on"]), date.fromisoformat(body["row_on"]))  # fmt: skip
    keys = [json.loads(m.body)["key"] for m in services.messaging.queues.take("send-email")]
    assert keys == [f"plan|{plan_id}|remind|1@2026-01-31"]
