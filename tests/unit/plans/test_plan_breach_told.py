"""A breach is told once, whatever step of telling it the first delivery of the job died in.

The installment job of a breached plan saves the plan cancelled (with the mark of a lapse to
tell), releases its invoices, then tells: the plan's timeline, the debtor's notice, the
client's action item and mail, the contact log. The host delivers a job again when it fails;
the redelivery must tell what was not told, and nothing twice."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from azure.core.exceptions import ServiceRequestError

from tests.unit.plans.lapse_keys import the_lapse
from tests.unit.plans.test_plan_service import BASE, make, plans  # noqa: F401

BREACH_DAY = date(2026, 2, 15)  # 100.00 behind past the 7 grace days


def _fail_once(obj: Any, name: str, *, after: bool, nth: int) -> dict[str, int]:
    """The ``nth`` call of ``obj.name`` raises a storage error: before doing its work, or
    after it (the work done, the answer lost)."""
    real = getattr(obj, name)
    calls = {"n": 0}

    def flaky(*args: Any, **kw: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == nth and not after:
            raise ServiceRequestError(f"connection reset by peer ({name})")
        result = real(*args, **kw)
        if calls["n"] == nth:
            raise ServiceRequestError(f"answer lost ({name})")
        return result

    setattr(obj, name, flaky)
    return calls


def _deliver_until_done(world, on: date) -> tuple[list[str], list[str]]:
    """The timer, then each job delivered until it succeeds (as the host retries)."""
    services = world.services
    world.clock.at = datetime(on.year, on.month, on.day, 6, 30, tzinfo=UTC)
    services.plans.fan_out()
    outcomes: list[str] = []
    for job in services.messaging.queues.take("installments"):
        body = json.loads(job.body)
        for _ in range(5):
            try:
                services.plans.process(
                    body["client_id"], body["plan_id"], date.fromisoformat(body["on"]),
                    date.fromisoformat(body["row_on"]),
                )  # fmt: skip
                outcomes.append("ok")
                break
            except ServiceRequestError:
                outcomes.append("failed")
    keys = [json.loads(m.body)["key"] for m in services.messaging.queues.take("send-email")]
    return outcomes, keys


@pytest.mark.parametrize(
    ("where", "name", "after", "nth"),
    [
        ("plans", "release_invoices", False, 1),  # before anything was told
        ("plans", "log", True, 1),  # the timeline entry written, its answer lost
        ("actions", "add", True, 1),  # the action item added, its answer lost
        ("contacts", "add_once", False, 1),  # everything told but the contact log
        ("plans", "save", False, 2),  # told, the mark not yet cleared
    ],
)
def test_a_breach_is_told_once_when_its_job_fails_half_way(plans, where, name, after, nth):  # noqa: F811
    world, client = plans
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    services = world.services
    services.messaging.queues.take("send-email")
    target = services.plans.plans if where == "plans" else getattr(services.repos, where)
    armed = {"on": False}
    real = getattr(target, name)

    def only_on_breach_day(*args: Any, **kw: Any) -> Any:
        return (flaky if armed["on"] else real)(*args, **kw)

    calls = _fail_once(target, name, after=after, nth=nth)
    flaky = getattr(target, name)
    setattr(target, name, only_on_breach_day)
    armed["on"] = True
    outcomes, keys = _deliver_until_done(world, BREACH_DAY)
    armed["on"] = False

    assert calls["n"] >= nth and outcomes[0] == "failed" and outcomes[-1] == "ok"
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["status"] == "cancelled" and "breach" in got["reason"]
    told = the_lapse(world, client.client_id, plan_id)
    assert set(keys) >= set(told)
    for key in told:
        assert services.messaging.outbox.get(client.client_id, key) is not None
    kinds = [x["kind"] for x in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert kinds.count("plan_breached") == 1
    timeline = services.plans.plans.timeline(client.client_id, plan_id)
    assert [e["kind"] for e in timeline].count("cancelled") == 1
    lapsed = [c for c in services.repos.contacts.between(client.client_id) if "lapsed" in c.summary]
    assert len(lapsed) == 1
    assert services.plans.holding(client, "F2") is None

    # the next day's visit (the plan is still looked at to release its holds) tells nothing
    _, next_keys = _deliver_until_done(world, date(2026, 2, 16))
    assert next_keys == []
    kinds = [x["kind"] for x in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert kinds.count("plan_breached") == 1
    assert not services.plans.plans.get(client.client_id, plan_id)[0].lapse_to_tell
