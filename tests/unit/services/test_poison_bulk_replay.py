"""ops6 #6: after an outage the operator replays every poison item of a queue, on every list
(clients', agencies', the platform's, Mollie webhooks included), in one command; replaying
again does nothing twice, and an item that may have gone out is left open with the reason."""

from __future__ import annotations

import json

from shared.domain.messaging import Channel, MessageContent, OutboundMessage
from shared.domain.parties import Agency
from shared.services.poison import PLATFORM_SCOPE
from tests.unit.api.conftest import client_row


def _setup(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    principal = world.services.access.authenticate(a.key)
    client_id = world.services.access.client_for(principal, "C1").client_id
    object.__setattr__(world.services.settings, "operator_agency", "ops")
    world.services.repos.agencies.save(Agency("ops", "Operator"))
    return client_id


def test_bulk_replay_puts_every_item_of_the_queues_back_on_every_list(world) -> None:
    client_id = _setup(world)
    poison = world.services.poison
    queues = world.services.queues
    for n in range(3):  # the dunning fan-out of one morning, poisoned by an outage
        job = json.dumps({"client_id": client_id, "date": f"2025-03-0{n + 1}"}).encode()
        poison.drain("dunning-run-poison", job, message_id=f"d{n}")
    poison.drain("mollie-webhook-poison", b'{"id": "tr_unknown"}', message_id="w1")  # platform
    poison.drain(
        "usage-month-poison", json.dumps({"client_id": client_id}).encode(), message_id="u1"
    )

    planned = poison.replay_all(frozenset({"dunning-run", "mollie-webhook"}), "ops", dry_run=True)
    assert sorted(p.outcome for p in planned) == ["would replay"] * 4
    assert queues.take("dunning-run") == []  # a dry run sends nothing

    done = poison.replay_all(frozenset({"dunning-run", "mollie-webhook"}), "ops")
    assert sorted((d.queue, d.outcome) for d in done) == [
        ("dunning-run", "replayed"), ("dunning-run", "replayed"), ("dunning-run", "replayed"),
        ("mollie-webhook", "replayed"),
    ]  # fmt: skip
    assert {d.scope for d in done} == {client_id, PLATFORM_SCOPE}
    assert sorted(json.loads(m.body)["date"] for m in queues.take("dunning-run")) == [
        "2025-03-01", "2025-03-02", "2025-03-03",
    ]  # fmt: skip
    assert [json.loads(m.body) for m in queues.take("mollie-webhook")] == [{"id": "tr_unknown"}]
    # the usage month was not asked for: still open
    items, _ = world.services.repos.actions.list(client_id, kind="poison")
    assert {i.detail["queue"]: i.status.value for i in items}["usage-month"] == "open"
    # again: nothing left of those queues
    assert poison.replay_all(frozenset({"dunning-run", "mollie-webhook"}), "ops") == []
    assert [d.queue for d in poison.replay_all(None, "ops")] == ["usage-month"]


def test_a_message_that_may_have_gone_out_is_left_open(world) -> None:
    client_id = _setup(world)
    services = world.services
    services.messaging.enqueue(
        OutboundMessage(client_id, "k1", Channel.EMAIL, "D1", "d1@example.nl", world.clock.now()),
        MessageContent(subject="Herinnering", text="Betaal"),
    )
    job = services.queues.take("send-email")[0].body
    record, etag = services.messaging.outbox.get(client_id, "k1")
    from dataclasses import replace

    from shared.domain.messaging import OutboxStatus

    services.messaging.outbox.save(replace(record, status=OutboxStatus.INPROGRESS), etag)
    services.poison.drain("send-email-poison", job.encode(), message_id="m1")
    [left] = services.poison.replay_all(frozenset({"send-email"}), "ops")
    assert left.outcome.startswith("left open: ") and "may have gone out" in left.outcome
    assert services.queues.take("send-email") == []
