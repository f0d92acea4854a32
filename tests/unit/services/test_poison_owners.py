"""Poison items keep their cause and land on their owner's list, through the app's own queue
functions; a message job that died mid-send is never marked failed-and-replayable
(failure2 F2, F7)."""

from __future__ import annotations

import json
from datetime import timedelta

import azure.functions as func
import pytest

from shared.domain.messaging import OutboxStatus
from shared.services.errors import Invalid
from tests.faults.checks import all_actions
from tests.faults.world import build, portfolio
from tests.unit.api.conftest import client_row
from tools.devhost.invoke import LocalContext

CAUSE = "ValueError: installment 3 of plan P1 has no due date"


def _five_times(function, body: bytes) -> int:
    failures = 0
    for _ in range(5):  # host.json maxDequeueCount
        try:
            function(func.QueueMessage(id="m1", body=body), context=LocalContext("job"))
        except ValueError:
            failures += 1
    return failures


def test_every_job_records_its_cause_and_poisons_onto_its_owners_list(world, monkeypatch):
    from shared import bootstrap

    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    services = world.services
    monkeypatch.setattr(bootstrap, "services", lambda *a, **k: services)

    def broken(*a, **k):
        raise ValueError("installment 3 of plan P1 has no due date")

    for service, name in ((services.plans, "process"), (services.dunning, "run_client"),
                          (services.settlement_runs, "run_agency"),
                          (services.managed_invoices, "open_month"),
                          (services.rate_restatement, "run"),
                          (services.repos.invoices.match_index, "ensure_built")):  # fmt: skip
        monkeypatch.setattr(service, name, broken)

    from functions.dunning import run_dunning_client
    from functions.installments import process_installments
    from functions.match_index import build_match_index
    from functions.metering import open_usage_month
    from functions.rates import restate_client_rates
    from functions.settlements import run_settlement_agency

    on = {"client_id": client_id, "plan_id": "P1", "on": "2025-03-03", "row_on": "2025-03-03"}
    cases = {
        "dunning-run": (run_dunning_client, {"client_id": client_id, "date": "2025-03-03"}),
        "installments": (process_installments, on),
        "usage-month": (open_usage_month, {"client_id": client_id, "month": "2025-03"}),
        "settlement-run": (run_settlement_agency, {"agency_id": "agency-a", "date": "2025-03-03"}),
        "rate-restatement": (
            restate_client_rates,
            {
                "client_id": client_id,
                "version": "v20250303T090000000000Z.csv",
                "since": "2025-01-01",
                "before": "2024-07-01",
                "after": "2025-01-01",
                "author": "test",
                "at": "2025-03-03T09:00:00+00:00",
                "second": False,
            },
        ),
    }
    cases["match-index-build"] = (build_match_index, {"client_id": client_id})
    for queue, (function, job) in cases.items():
        body = json.dumps(job).encode()
        assert _five_times(function, body) == 5
        item = services.poison.drain(f"{queue}-poison", body, message_id=f"p-{queue}")
        owner = "@agency-a" if queue == "settlement-run" else client_id
        assert (item.client_id, item.detail["cause"]) == (owner, CAUSE), queue
        assert CAUSE in item.title
    assert services.repos.actions.list("@_platform")[0] == []


def test_a_job_for_an_unknown_client_still_goes_to_the_platform_list(world):
    body = json.dumps({"client_id": "nobody", "plan_id": "P1", "on": "2025-03-03"}).encode()
    item = world.services.poison.drain("installments-poison", body, message_id="x")
    assert item.client_id == "@_platform"


@pytest.fixture
def outage_after_send():
    """The provider accepts the first reminder; right after, storage goes away for the job's
    five deliveries (the SENT save and every later read fail), and is back for the drain."""
    world = build(0, 0.0)
    portfolio(world, debtors=1)
    state = {"down": False}
    real_send = world.channel.send

    def send(message, content):
        result = real_send(message, content)  # the provider has it
        state["down"] = True
        return result

    world.channel.send = send  # type: ignore[method-assign]
    world.plan.enabled = True
    world.plan.rule(lambda op, target: state["down"], "reset", times=10**9)

    def before(job):
        if job.queue.endswith("-poison"):
            state["down"] = False

    world.host.before_invoke = before
    start = world.clock.now()
    for n in range(30):  # daily runs until the first reminder goes out
        world.clock.at = start.replace(hour=5) + timedelta(days=n)
        world.host.timer(world.services.dunning.fan_out)
        world.host.run_until(world.clock.now().replace(hour=22))
        if world.channel.sends:
            break
    world.host.run_until(world.clock.now() + timedelta(hours=2))
    return world


def test_a_message_that_died_mid_send_is_uncertain_and_not_replayed(outage_after_send):
    world = outage_after_send
    assert len(world.channel.sends) == 1
    (item,) = [a for a in all_actions(world) if a.kind == "poison"]
    key = item.detail["key"]
    record = world.services.messaging.outbox.get(item.client_id, key)[0]
    assert record.status is OutboxStatus.UNCERTAIN and "may have gone out" in (record.error or "")
    assert item.title.startswith("Check whether it went out")
    # the cause survives the outage that kept it from being written
    cause = str(item.detail["cause"])
    assert "no cause was recorded" not in cause and cause.startswith("ServiceRequestError")
    with pytest.raises(Invalid, match="may have gone out"):
        world.services.poison.replay(item.client_id, item.action_id, "ops@agency")
    world.host.run_until(world.clock.now() + timedelta(days=1))
    assert len(world.channel.sends) == 1


def test_a_person_who_checked_resends_a_message_that_died_mid_send_once(outage_after_send):
    """final4 finding 3: the poison item of a message whose job died mid-send (uncertain, as a
    lost answer) is the way to send it again after checking with the provider: once, and the
    item resolved; a second call sends nothing."""
    world = outage_after_send
    world.plan.enabled = False
    (item,) = [a for a in all_actions(world) if a.kind == "poison"]
    path = f"/v1/clients/C1/actions/{item.action_id}/resend"
    done = world.api.call("POST", path)
    assert done.status == 200 and done.body["status"] == "resolved"
    assert world.api.call("POST", path).status == 422
    world.host.run_until(world.clock.now() + timedelta(days=1))  # contact hours included
    assert len(world.channel.sends) == 2  # the one that may have gone, and the resend asked for
    record = world.services.messaging.outbox.get(item.client_id, item.detail["key"])[0]
    assert record.status is OutboxStatus.SENT
