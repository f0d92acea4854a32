"""failure33: Queue Storage refuses the message jobs the daily run puts on ``send-*`` (a 500
after the SDK's retries, a timeout, a reset) for a whole morning, while Table Storage works.
Each reminder's outbox record is written (PENDING) before its job, so the work is not lost:
the run fails for those debtors and goes back, then to poison (its item names the queue's
error); the timer ``sweep_outbox`` queues the records' jobs again once the queue answers; the
operator replays the poison item. Every reminder of the day goes once, none twice, none is
given up on (``message_not_sent``), nothing is left on the queues."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.faults.checks import all_actions, reminders_sent
from tests.faults.harness import SEND_QUEUES
from tests.faults.outages import FIRST_SENDS, SAID, morning, open_poison, reference, sharded_world


@pytest.mark.parametrize("kind", sorted(SAID))
def test_a_morning_without_the_send_queues_sends_each_reminder_once_after(kind):
    sent = reference()
    world = sharded_world()
    for n in range(FIRST_SENDS):
        morning(world, n)
    refuse = world.plan.rule(lambda op, queue: op == "send" and queue in SEND_QUEUES, kind,
                             times=10**6)  # fmt: skip
    world.plan.enabled = True
    morning(world, FIRST_SENDS, until=5)  # the fan-out; the run starts
    sweep = world.services.outbox_sweep
    end = world.clock.now().replace(hour=10)
    while world.clock.now() < end:  # the sweep every 10 minutes, refused as well
        world.host.timer(sweep.run)
        world.host.run_until(world.clock.now() + timedelta(minutes=10))
    assert world.plan.injected[kind] > 0
    assert reminders_sent(world) == reference(days=FIRST_SENDS)  # nothing of the day went
    world.plan.enabled = False
    refuse.times = 0
    items = open_poison(world)
    assert dict(world.host.poisoned) == {"dunning-run": 1}  # the run, not a message job
    assert [x.detail.get("queue") for x in items] == ["dunning-run"], items
    assert all(SAID[kind] in str(x.detail.get("cause")) for x in items), items
    for item in items:
        world.services.poison.replay(item.client_id, item.action_id, "operator")
    for _ in range(12):
        world.host.timer(sweep.run)
        world.host.run_until(world.clock.now() + timedelta(minutes=10))
    assert reminders_sent(world) == sent
    assert [x for x in all_actions(world) if x.kind == "message_not_sent"] == []
    assert world.host.pending == []
