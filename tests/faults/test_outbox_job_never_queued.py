"""A producer called once whose job never reached the queue (sweep19; failure18 F5, F7): the
record is written PENDING, then the queue's send meets a fault (a 503, a reset, a timeout
whose send landed after all) or the worker dies between the two, and nobody retries the
producer. Before the sweep the record waited for ever (0 sends); the timer ``sweep_outbox``
queues its job again after the grace period and the message goes once, however many jobs
the faults and the sweep leave on the queue."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.adapters.tables.messaging_repo import OUTBOX
from shared.domain.messaging import Channel, MessageContent, OutboundMessage, OutboxStatus
from shared.domain.parties import Client
from tests.faults.world import FaultWorld, build
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import client_row, debtor_row

KEY = "hand|D1|notice"


def _world() -> tuple[FaultWorld, Client]:
    world = build(0, 0.0)
    world.clock.at = world.clock.now().replace(hour=9)  # 10:00 in Amsterdam, a Monday
    world.api.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    world.api.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    access = world.services.access
    principal = access.authenticate(world.api.key or "")
    assert principal is not None
    return world, access.client_for(principal, "C1")


def _produce_once(world: FaultWorld, client: Client) -> None:
    """The producer, called once: what it raises, its caller gives up on."""
    message = OutboundMessage(client.client_id, KEY, Channel.EMAIL, "D1", "d1@example.nl",
                              world.clock.now(), sender="facturen@c1.example")  # fmt: skip
    world.plan.enabled = True
    try:
        world.services.messaging.enqueue(message, MessageContent(subject="Betaalherinnering"))
    except (Exception, SimulatedCrash):
        pass  # a status callback nobody posts again, a request nobody repeats
    world.plan.enabled = False


def _record(world: FaultWorld, client: Client) -> OutboundMessage:
    found = world.services.messaging.outbox.get(client.client_id, KEY)
    assert found is not None
    return found[0]


def _sends(world: FaultWorld) -> int:
    return sum(1 for _, key, _ in world.channel.sends if key == KEY)


@pytest.mark.parametrize(
    "fault",
    [("send", "send-email", "http500"), ("send", "send-email", "reset"),
     ("send", "send-email", "timeout_after"), ("transact", OUTBOX, "crash_after")],
)  # fmt: skip
def test_a_message_whose_job_was_lost_goes_once_after_the_sweep(
    fault: tuple[str, str, str],
) -> None:
    world, client = _world()
    op, target, kind = fault
    world.plan.rule(lambda o, t: (o, t) == (op, target), kind)
    _produce_once(world, client)
    record = _record(world, client)
    assert record.status is OutboxStatus.PENDING
    world.host.run_until(world.clock.now() + timedelta(minutes=5))
    landed = kind == "timeout_after"  # the send landed, its answer did not
    assert _sends(world) == (1 if landed else 0)
    sweep = world.services.outbox_sweep
    for _ in range(4):  # a run every 10 minutes for 40 minutes, the queue's work between
        world.host.timer(sweep.run)
        world.host.run_until(world.clock.now() + timedelta(minutes=10))
    assert _sends(world) == 1
    record = _record(world, client)
    assert record.status is OutboxStatus.SENT
    items = world.api.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [i["kind"] for i in items if i["kind"] == "message_not_sent"] == []


def test_a_sweep_cut_off_after_its_queue_send_sends_once() -> None:
    """The sweep's own write after the job (the row's count) meets an outage: the job it
    queued goes, the next run finds the record final."""
    world, client = _world()
    world.plan.rule(lambda o, t: (o, t) == ("send", "send-email"), "http500")
    _produce_once(world, client)
    world.clock.advance(minutes=31)
    world.plan.rule(lambda o, t: (o, t) == ("replace", OUTBOX), "crash_after")
    world.plan.enabled = True
    world.host.timer(world.services.outbox_sweep.run)
    world.plan.enabled = False
    assert sum(world.plan.injected.values()) == 2  # the producer's send, the sweep's count
    world.host.run_until(world.clock.now() + timedelta(minutes=40))
    world.host.timer(world.services.outbox_sweep.run)
    world.host.run_until(world.clock.now() + timedelta(minutes=10))
    assert _sends(world) == 1
