"""failure33: Queue Storage refuses the daily dunning fan-out's sends (a 500 after the SDK's
retries, a timeout, a reset). The timer is not retried and fires once a day: a send that
failed stopped the fan-out there, and every client (or shard) after it had no run that day,
unseen (the next day's run caught up, a day late). Now each job the queue refuses is kept as a
``poison`` item on its client's list (naming the error; the operator replays it once the
queue answers), the fan-out queues every other job, and the timer fails at the end so the
failure is seen. The replay on the same day sends what a morning without the outage sends,
each reminder once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.settlement.records import RunStatus
from tests.faults.checks import reminders_sent
from tests.faults.outages import (
    FIRST_SENDS,
    SAID,
    client_id,
    morning,
    open_poison,
    reference,
    replay_all,
    sharded_world,
)
from tests.faults.test_plans_and_settlement_under_faults import _settlement_world
from tests.faults.test_settlement_outage_poison import DAY, _transfers
from tests.unit.settlement.conftest import payment

SHARDS = 3


@pytest.mark.parametrize("kind", sorted(SAID))
def test_a_fan_out_send_refused_once_keeps_that_job_and_queues_the_others(kind):
    sent = reference(SHARDS)
    world = sharded_world(SHARDS)
    for n in range(FIRST_SENDS):
        morning(world, n)
    world.plan.rule(lambda op, queue: op == "send" and queue == "dunning-run", kind)
    world.plan.enabled = True
    failures = world.host.figures.failures
    morning(world, FIRST_SENDS, until=10)
    world.plan.enabled = False
    assert world.host.figures.failures == failures + 1  # the timer says it failed
    items = open_poison(world)
    assert [(x.client_id, x.detail.get("shard"), x.detail.get("queue")) for x in items] == [
        (client_id(world), "0", "dunning-run")
    ], items
    assert SAID[kind] in str(items[0].detail["cause"]), items[0].detail
    assert replay_all(world) == 1
    assert reminders_sent(world) == sent


def test_a_fan_out_while_the_queue_is_down_keeps_every_job_for_the_replay():
    sent = reference(SHARDS)
    world = sharded_world(SHARDS)
    for n in range(FIRST_SENDS):
        morning(world, n)
    refuse = world.plan.rule(lambda op, queue: op == "send", "http500", times=10**6)
    world.plan.enabled = True
    morning(world, FIRST_SENDS, until=10)
    world.plan.enabled = False
    refuse.times = 0
    assert reminders_sent(world) == reference(SHARDS, FIRST_SENDS)  # nothing of the day yet
    items = open_poison(world)
    assert sorted(str(x.detail.get("shard")) for x in items) == ["0", "1", "2"], items
    assert replay_all(world) == SHARDS
    assert reminders_sent(world) == sent
    assert world.host.pending == []
    # replayed twice (a second operator, a bulk replay): nothing goes twice
    world.clock.at += timedelta(hours=1)
    assert replay_all(world) == 0
    assert reminders_sent(world) == sent


def test_a_settlement_fan_out_refused_keeps_the_agencys_run_for_the_replay():
    world = _settlement_world(0, 0.0)
    services = world.services
    for c in services.repos.clients.all():
        services.repos.payments.add(payment(c.client_id, f"p-{c.number}", DAY))
    world.plan.rule(lambda op, queue: op == "send" and queue == "settlement-run", "timeout")
    world.plan.enabled = True
    day = DAY + timedelta(days=1)
    world.clock.at = datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)
    failures = world.host.figures.failures
    world.host.timer(services.settlement_runs.fan_out)
    world.plan.enabled = False
    assert world.host.figures.failures == failures + 1
    world.host.run_until(world.clock.now() + timedelta(hours=1))
    assert services.settlements.store.runs("agency-a") == []  # no run without its job
    items = open_poison(world)
    assert [(x.client_id, x.detail.get("queue")) for x in items] == [
        ("@agency-a", "settlement-run")
    ], items
    assert SAID["timeout"] in str(items[0].detail["cause"])
    assert replay_all(world) == 1
    runs = services.settlements.store.runs("agency-a")
    assert [r.status for r in runs] == [RunStatus.AWAITING_APPROVAL], runs
    assert sum(_transfers(world).values()) == 2


def test_a_kept_job_replayed_after_the_next_days_run_sends_nothing_twice():
    """Nobody replayed the kept job that day: the next morning's run catches the client up
    (its rows are still due) and the late replay of yesterday's job finds the steps taken."""
    sent = reference(SHARDS, FIRST_SENDS + 3)  # mornings 0 .. FIRST_SENDS + 2
    world = sharded_world(SHARDS)
    for n in range(FIRST_SENDS):
        morning(world, n)
    world.plan.rule(lambda op, queue: op == "send" and queue == "dunning-run", "http500", times=3)
    world.plan.enabled = True
    morning(world, FIRST_SENDS)
    world.plan.enabled = False
    assert len(open_poison(world)) == SHARDS
    morning(world, FIRST_SENDS + 1, until=12)
    assert replay_all(world) == SHARDS
    morning(world, FIRST_SENDS + 2)
    assert reminders_sent(world) == sent
    assert world.host.pending == []
