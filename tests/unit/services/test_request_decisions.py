"""Deciding a debtor's request at least once (review debtor6 #6): a decision that fails after
its effects (an outage when the item is resolved) is done again by the retry without pausing
twice or telling the debtor twice; a request of another kind, or of another client, is not
decided; the message goes only about the debtor's own invoices."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from shared.domain.messaging import Channel
from shared.domain.records import ActionItem, ActionStatus, ContactKind
from shared.services.conversations.by_hand import HandMessage
from shared.services.errors import Invalid, NotFound
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.people.conftest import tenants as tenants

NOW = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def seed(world, tenants) -> ActionItem:  # type: ignore[no-untyped-def]
    world.clock.at = NOW
    api = world.agency_a
    assert api.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]}).status == 200  # fmt: skip
    rows = [invoice_row("F1", "D1"), invoice_row("G1", "D2")]
    assert api.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status == 200
    item = ActionItem(tenants.c1, "req-1", "postponement_request", "Debtor D1 asks to postpone F1",
                      NOW, debtor_number="D1", invoice_numbers=("F1",),
                      detail={"until": "2025-03-25", "reason": "later"})  # fmt: skip
    world.services.repos.actions.add(item)
    return item


def test_a_grant_that_failed_halfway_is_finished_once_by_the_retry(world, tenants, monkeypatch):
    item = seed(world, tenants)
    services = world.services
    client = services.repos.clients.get(tenants.c1)[0]
    tell = HandMessage(Channel.EMAIL, subject="Uitstel", body="Toegekend tot 25-03-2025.")
    resolve = services.actions.resolve
    calls = {"n": 0}

    def outage_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("storage unreachable")
        return resolve(*args, **kwargs)

    monkeypatch.setattr(services.actions, "resolve", outage_once)
    decisions = services.request_decisions
    with pytest.raises(ConnectionError):
        decisions.grant_postponement(client, item.action_id, "user:u1", tell)
    assert services.repos.actions.get(tenants.c1, item.action_id)[0].status is ActionStatus.OPEN
    done = decisions.grant_postponement(client, item.action_id, "user:u1", tell)
    assert done.item.status is ActionStatus.RESOLVED
    assert services.repos.invoices.get(tenants.c1, "F1").invoice.paused_until == date(2025, 3, 25)
    log = list(services.dossier.timeline(client, "D1", include_system=True))
    assert len([e for e in log if e.kind is ContactKind.PAUSE]) == 1  # paused once
    sent = list(services.messaging.outbox.with_prefix(tenants.c1, "hand|D1|"))
    assert len(sent) == 1 and sent[0][0].invoice_numbers == ("F1",)
    assert (
        services.messaging.content(tenants.c1, done.message_key).text == "Toegekend tot 25-03-2025."
    )


def test_only_the_right_kind_of_the_clients_own_item_is_decided(world, tenants):
    item = seed(world, tenants)
    services = world.services
    client = services.repos.clients.get(tenants.c1)[0]
    other = services.repos.clients.get(tenants.c2)[0]
    decisions = services.request_decisions
    with pytest.raises(NotFound):  # another client's id
        decisions.grant_postponement(other, item.action_id, "user:u1", None)
    with pytest.raises(Invalid):  # a postponement is not a dispute
        decisions.end_dispute(client, item.action_id, "", "user:u1", None)
    # an item naming another debtor's invoice pauses nothing of that debtor
    services.repos.actions.add(ActionItem(tenants.c1, "req-2", "postponement_request", "x", NOW,
                                          debtor_number="D1", invoice_numbers=("G1",),
                                          detail={"until": "2025-03-25"}))  # fmt: skip
    with pytest.raises(Invalid):
        decisions.grant_postponement(client, "req-2", "user:u1", None)
    assert services.repos.invoices.get(tenants.c1, "G1").invoice.paused_until is None


def test_a_grant_whose_message_never_reached_the_queue_is_queued_by_the_retry(
    world, tenants, monkeypatch
):
    """failure18 F6's shape in a decision: the message's record was written, its job's queue
    send met a 503; the person's retry found the message 'sent under' the decision's key and
    queued nothing: the debtor was never told his postponement."""
    item = seed(world, tenants)
    services = world.services
    client = services.repos.clients.get(tenants.c1)[0]
    tell = HandMessage(Channel.EMAIL, subject="Uitstel", body="Toegekend tot 25-03-2025.")
    queues = services.messaging.queues
    real = queues.send
    left = {"n": 1}

    def busy_once(queue, body, *args, **kwargs):  # type: ignore[no-untyped-def]
        if queue == "send-email" and left["n"]:
            left["n"] -= 1
            raise ConnectionError("injected: 503 ServerBusy on the queue")
        return real(queue, body, *args, **kwargs)

    monkeypatch.setattr(queues, "send", busy_once)
    decisions = services.request_decisions
    with pytest.raises(ConnectionError):
        decisions.grant_postponement(client, item.action_id, "user:u1", tell)
    done = decisions.grant_postponement(client, item.action_id, "user:u1", tell)
    assert done.item.status is ActionStatus.RESOLVED
    keys = [json.loads(j.body)["key"] for j in queues.take("send-email")]
    assert done.message_key in keys
    assert services.messaging.deliver(tenants.c1, done.message_key) == "sent"
