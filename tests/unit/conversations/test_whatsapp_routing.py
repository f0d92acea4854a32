"""A debtor's WhatsApp words reach one client only. The number may have been messaged by two
clients (one person, debtor of both): the reply goes to the client whose message it answers
(Meta's ``context.id``), and without that to nobody but the operator's unassigned list. The
24-hour window opens for every debtor on the number (it is the business number's)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

from shared.domain.messaging import Channel, OutboundMessage
from shared.domain.records import ContactKind
from shared.services.poison import PLATFORM_SCOPE
from tests.unit.api.conftest import client_row, debtor_row

AT = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
NUMBER = "31612345678"


def _client(world, number: str) -> str:  # type: ignore[no-untyped-def]
    api = world.agency_a
    assert api.call("POST", "/v1/clients", {"items": [client_row(number)]}).status == 200
    debtors = {"items": [debtor_row("D1", whatsapp_consent=True)]}
    assert api.call("POST", f"/v1/clients/{number}/debtors", debtors).status == 200
    found = world.services.repos.clients.id_for_number("agency-a", number)
    assert found
    return str(found)


def _deliver(world, message: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    callbacks = world.services.callbacks
    callbacks.whatsapp_secret = "s"
    body = json.dumps({"entry": [{"changes": [{"value": {"messages": [message]}}]}]}).encode()
    callbacks.whatsapp(body, "sha256=" + hmac.new(b"s", body, hashlib.sha256).hexdigest())
    callbacks.whatsapp(body, "sha256=" + hmac.new(b"s", body, hashlib.sha256).hexdigest())


def _said(world, client_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    entries, _ = world.services.repos.contacts.for_debtor(client_id, "D1")
    return [e.summary for e in entries if e.kind is ContactKind.MESSAGE]


def _actions(world, scope: str, kind: str) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    items, _ = world.services.repos.actions.list(scope)
    return [a.detail for a in items if a.kind == kind]


def test_a_reply_goes_to_the_client_whose_message_it_answers(world):
    world.clock.at = AT
    a, b = _client(world, "CA"), _client(world, "CB")
    services = world.services
    for client_id in (a, b):
        services.messaging.whatsapp_contacts.remember(NUMBER, client_id, "D1")
    key = "hand|probe"  # client B's WhatsApp to the debtor, as the sender recorded it
    services.messaging.outbox.add(
        OutboundMessage(client_id=b, key=key, channel=Channel.WHATSAPP, debtor_number="D1",
                        to="+" + NUMBER, created_at=AT)
    )  # fmt: skip
    services.messaging.outbox.remember_provider_id("whatsapp", "wamid.OUT-B", b, key)
    _deliver(world, {"from": NUMBER, "id": "wamid.IN1", "timestamp": str(int(AT.timestamp())),
                     "type": "text", "text": {"body": "Ik betaal morgen"},
                     "context": {"from": "3197000000000", "id": "wamid.OUT-B"}})  # fmt: skip
    assert _said(world, b) == ["WhatsApp received: Ik betaal morgen"]
    assert _said(world, a) == []
    assert [d["text"] for d in _actions(world, b, "debtor_reply")] == ["Ik betaal morgen"]
    assert _actions(world, a, "debtor_reply") == []
    for client_id in (a, b):  # the window is the number's: open for both
        assert services.by_hand.conversations.last_inbound(client_id, "D1") == AT


def test_a_number_two_clients_messaged_without_context_is_assigned_to_nobody(world):
    world.clock.at = AT
    a, b = _client(world, "CA"), _client(world, "CB")
    for client_id in (a, b):
        world.services.messaging.whatsapp_contacts.remember(NUMBER, client_id, "D1")
    _deliver(world, {"from": NUMBER, "id": "wamid.IN2", "timestamp": str(int(AT.timestamp())),
                     "type": "text", "text": {"body": "Factuur CA-F1 betwist ik"}})  # fmt: skip
    assert _said(world, a) == [] and _said(world, b) == []
    unassigned = _actions(world, PLATFORM_SCOPE, "unassigned_whatsapp")
    assert len(unassigned) == 1  # delivered twice, one item
    assert unassigned[0]["clients"] == sorted([a, b])
    assert NUMBER not in json.dumps(unassigned[0]) and unassigned[0]["from"].endswith("5678")  # type: ignore[attr-defined]


def test_a_number_nobody_messaged_is_kept_for_the_operator(world):
    world.clock.at = AT
    _deliver(world, {"from": "31699999999", "id": "wamid.IN3", "timestamp": str(int(AT.timestamp())),
                     "type": "text", "text": {"body": "Wie bent u?"}})  # fmt: skip
    unassigned = _actions(world, PLATFORM_SCOPE, "unassigned_whatsapp")
    assert [d["text"] for d in unassigned] == ["Wie bent u?"]
    assert unassigned[0]["clients"] == []
