"""golive33: the run holds a client before its go-live day, but a reminder it wrote before the
day was set (or moved later) waited in the outbox and went out before the day. It is closed
unsent when it is handled, the reason on the record and the debtor's contact log, its
invoices back where they stood; the run of the go-live day sends the step once, under a new
key, and a redelivered job of the closed one sends nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta

import azure.functions as func

from shared.domain.messaging import OutboxStatus
from shared.services.go_live_hold import BEFORE_GO_LIVE, TRUSTED_FOR, GoLiveDays
from shared.services.messaging import CANCELLED, FOLLOWUPS, NOT_SENT
from tests.unit.dunning.test_reminder_recheck import (  # noqa: F401
    SEND_AT,
    NothingArrived,
    planned,
    stale_claim,
)

GO_LIVE = date(2025, 3, 20)
HELD = "niet verstuurd: de incasso van de opdrachtgever begint op 20-03-2025"


def _go_live_on(world, client, day: date | None) -> None:
    clients = world.services.repos.clients
    stored, etag = clients.get(client.client_id)
    clients.save(replace(stored, dunning_starts_on=day), etag)


def _invoice(world, client, number):
    return world.services.repos.invoices.get(client.client_id, number).invoice


def _held_lines(world, client) -> list[str]:
    entries = world.services.repos.contacts.between(client.client_id)
    return [c.summary for c in entries if HELD in c.summary]


def _sent(world, client) -> list[str]:
    outbox = world.services.messaging.outbox.with_prefix(client.client_id, "dun|")
    return [m.key for m, _ in outbox if m.status is OutboxStatus.SENT]


def _run(world, client, at: datetime) -> list[str]:
    """The run of ``at``'s day, and the keys of the reminders it queued."""
    world.clock.at = at
    world.services.dunning.run_client(client.client_id, at.date())
    return [json.loads(j.body)["key"] for j in world.services.messaging.queues.take("send-email")]


def test_a_queued_reminder_waits_for_the_go_live_day_and_goes_once_on_it(planned):  # noqa: F811
    world, client, key = planned
    messaging = world.services.messaging
    assert [_invoice(world, client, n).dunning_step for n in ("F1", "F2")] == [0, 0]
    _go_live_on(world, client, GO_LIVE)  # set after the run of 17-3 queued the reminder
    world.clock.at = SEND_AT
    assert messaging.deliver(client.client_id, key) == "held"
    record = messaging.outbox.get(client.client_id, key)[0]
    assert record.status is OutboxStatus.FAILED and record.extra[NOT_SENT] == BEFORE_GO_LIVE
    assert record.error.startswith(HELD) and FOLLOWUPS not in record.extra
    assert json.loads(record.extra[CANCELLED]) == []  # none re-planned: the run waits
    assert messaging.queues.take("send-email") == []
    assert _sent(world, client) == []
    # its invoices back where they stood: the step was never taken
    assert [_invoice(world, client, n).dunning_step for n in ("F1", "F2")] == [-1, -1]
    assert len(_held_lines(world, client)) == 1
    # redelivered: nothing sent, logged or moved again
    assert messaging.deliver(client.client_id, key) == "done"
    assert len(_held_lines(world, client)) == 1
    # the runs before the day hold; the run of the day sends the step once, a new key
    assert _run(world, client, SEND_AT + timedelta(days=1)) == []
    assert _run(world, client, SEND_AT + timedelta(days=2)) == []
    [again] = _run(world, client, SEND_AT + timedelta(days=3))
    assert again != key
    assert messaging.outbox.get(client.client_id, again)[0].invoice_numbers == ("F1", "F2")
    assert messaging.deliver(client.client_id, again) == "sent"
    assert _run(world, client, SEND_AT + timedelta(days=4)) == []
    assert messaging.deliver(client.client_id, key) == "done"  # the old job, once more
    assert _sent(world, client) == [again]
    assert _invoice(world, client, "F1").dunning_step_on == GO_LIVE


def test_a_reminder_handled_on_the_go_live_day_goes(planned):  # noqa: F811
    world, client, key = planned
    _go_live_on(world, client, SEND_AT.date())  # the day it is handled: live
    world.clock.at = SEND_AT
    assert world.services.messaging.deliver(client.client_id, key) == "sent"


def test_the_queue_handler_holds_it_and_a_second_delivery_sends_nothing(planned, monkeypatch):  # noqa: F811
    from functions.messaging import send_email
    from shared import bootstrap
    from tools.devhost.invoke import LocalContext

    world, client, key = planned
    _go_live_on(world, client, GO_LIVE)
    world.clock.at = SEND_AT
    monkeypatch.setattr(bootstrap, "_services", world.services)
    body = json.dumps({"client_id": client.client_id, "key": key}).encode()
    handler = send_email.build().get_user_function()
    for attempt in ("m-1", "m-1", "m-2"):  # the job redelivered, and a copy of it
        handler(func.QueueMessage(id=attempt, body=body), context=LocalContext("send_email"))
    record = world.services.messaging.outbox.get(client.client_id, key)[0]
    assert record.status is OutboxStatus.FAILED and record.extra[NOT_SENT] == BEFORE_GO_LIVE
    assert _sent(world, client) == [] and len(_held_lines(world, client)) == 1


def test_the_go_live_day_is_read_once_a_half_minute(planned):  # noqa: F811
    world, client, _ = planned
    days, repos, store = GoLiveDays(), world.services.repos, world.store
    _go_live_on(world, client, GO_LIVE)
    before = store.requests
    assert days.waits_until(repos, client.client_id, SEND_AT) == GO_LIVE
    assert days.waits_until(repos, client.client_id, SEND_AT + timedelta(seconds=10)) == GO_LIVE
    assert store.requests - before == 1
    _go_live_on(world, client, None)  # live now: seen once the half minute is over
    later = SEND_AT + TRUSTED_FOR
    assert days.waits_until(repos, client.client_id, later) is None


def test_a_stale_claim_that_never_went_out_waits_for_the_go_live_day_too(planned):  # noqa: F811
    """review33: a worker claimed the reminder and stopped before sending; the go-live day
    was set meanwhile. The recovery after the lease (the provider never saw it) sent it: the
    hold was asked on the first handling only."""
    world, client, key = planned
    messaging = world.services.messaging
    channel = stale_claim(world, client, key)
    _go_live_on(world, client, GO_LIVE)
    world.clock.at = SEND_AT + timedelta(minutes=20)
    assert messaging.deliver(client.client_id, key) == "held"
    record = messaging.outbox.get(client.client_id, key)[0]
    assert record.status is OutboxStatus.FAILED and record.extra[NOT_SENT] == BEFORE_GO_LIVE
    assert channel.sent == []
    assert [_invoice(world, client, n).dunning_step for n in ("F1", "F2")] == [-1, -1]
