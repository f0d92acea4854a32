"""failure33: a client's daily run split over shards (``dunning_shards``), under what the
queue and the workers do to it: a shard's worker dying between two of its writes (seeded
faults, a crash among them), a shard's message delivered twice, and the same debtors worked by
two shards at once (the client re-sharded between two fan-outs of one day, so a debtor's old
and new shard both run). Every due step goes once: the outbox key (client, debtor, workflow,
step, invoices; no date, no shard) decides, and the run takes no step twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.faults.checks import all_actions, reminders_sent
from tests.faults.harness import Job
from tests.faults.outages import FIRST_SENDS, morning, reference, reshard, sharded_world, simulate

SHARDS = 3


def after_the_first_sends():
    """The sharded client after its first sends, at 05:00 of the next day, that day's
    fan-out done (its jobs still queued)."""
    world = sharded_world(SHARDS)
    for n in range(FIRST_SENDS):
        morning(world, n)
    world.clock.at = world.clock.now().replace(hour=5) + timedelta(days=1)
    world.host.timer(world.services.dunning.fan_out)
    return world


@pytest.fixture(scope="module")
def everything() -> set[tuple[str, str]]:
    sent = reminders_sent(simulate(0, 0.0, SHARDS))
    assert sent and max(sent.values()) == 1
    return set(sent)


@pytest.mark.parametrize("seed", [5, 6])
def test_a_sharded_run_under_faults_sends_each_step_once(everything, seed):
    world = simulate(seed, 0.03, SHARDS)
    assert world.plan.injected["crash_after"] > 0, world.plan.injected
    sent = reminders_sent(world)
    assert {k: v for k, v in sent.items() if v > 1} == {}
    listed = {a.debtor_number for a in all_actions(world)} | {
        n for a in all_actions(world) for n in a.invoice_numbers
    }
    lost = [
        k for k in everything - set(sent) if k[0] not in listed and f"D{k[0][1:-1]}" not in listed
    ]
    assert lost == []
    assert world.host.pending == []


def test_each_shards_message_delivered_twice_sends_once():
    sent = reference(SHARDS)
    world = after_the_first_sends()
    world.host.pull()
    jobs = [j for j in world.host.pending if j.queue == "dunning-run"]
    assert len(jobs) == SHARDS
    for job in jobs:  # the queue delivers each again (a lost delete, a visibility lapse)
        world.host.pending.append(Job(job.queue, job.body, job.message_id, job.visible_at))
    world.host.run_until(world.clock.now().replace(hour=22))
    assert reminders_sent(world) == sent


def test_two_shards_working_one_debtor_send_once():
    """The client is re-sharded (3 -> 2) after the day's fan-out and the fan-out runs again
    (a replayed timer, an operator's replay of a kept job): a debtor's shard of three and its
    shard of two work it in the same hour."""
    sent = reference(SHARDS)
    world = after_the_first_sends()
    reshard(world, 2)
    world.host.timer(world.services.dunning.fan_out)
    world.host.pull()
    assert len([j for j in world.host.pending if j.queue == "dunning-run"]) == SHARDS + 2
    world.host.run_until(world.clock.now().replace(hour=22))
    assert reminders_sent(world) == sent
