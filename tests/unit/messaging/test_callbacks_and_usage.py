from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import replace

import pytest

from shared.api.http import ApiRequest
from shared.domain.messaging import Channel, MessageContent, OutboundMessage, OutboxStatus
from shared.services.callbacks import CallbackRejected, CallbackService
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.messaging.test_delivery import TUESDAY_10


@pytest.fixture
def sent(world):
    """One message of each provider, recorded as sent with the provider's id."""
    world.clock.at = TUESDAY_10
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1"), invoice_row("F2")]})
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    messaging = world.services.messaging
    for provider, pid in (
        ("cm", "inn-cm1"),
        ("whatsapp", "wamid.X"),
        ("twilio", "CA1"),
        ("pingen", "letter-1"),
    ):
        message = OutboundMessage(
            client.client_id, provider, Channel.SMS, "D1", "+31612345678", TUESDAY_10
        )
        messaging.outbox.add(message)
        stored, etag = messaging.outbox.get(client.client_id, provider)
        messaging.outbox.save(
            replace(stored, status=OutboxStatus.SENT, provider=provider, provider_id=pid), etag
        )
        messaging.outbox.remember_provider_id(provider, pid, client.client_id, provider)
    service = CallbackService(
        messaging,
        token="cb-token",
        whatsapp_secret="wa-secret",
        twilio_token="tw-token",
        pingen_secret="pg-secret",
    )
    return world, client, service


def status(world, client, key):
    return world.services.messaging.outbox.get(client.client_id, key)[0].status


def test_cm_needs_the_token(sent):
    world, client, service = sent
    with pytest.raises(CallbackRejected):
        service.cm("wrong", {"STATUS": "2", "REFERENCE": "inn-cm1"})
    assert service.cm("cb-token", {"STATUS": "2", "REFERENCE": "inn-cm1"}) == 1
    assert status(world, client, "cm") is OutboxStatus.DELIVERED


def test_whatsapp_signature_and_statuses(sent):
    world, client, service = sent
    body = json.dumps(
        {"entry": [{"changes": [{"value": {"statuses": [{"id": "wamid.X", "status": "read"}]}}]}]}
    ).encode()
    good = "sha256=" + hmac.new(b"wa-secret", body, hashlib.sha256).hexdigest()
    with pytest.raises(CallbackRejected):
        service.whatsapp(body, "sha256=" + "0" * 64)
    assert service.whatsapp(body, good) == 1
    assert status(world, client, "whatsapp") is OutboxStatus.READ


def test_twilio_signature(sent):
    world, client, service = sent
    url = "https://inning.example/api/callbacks/twilio/x"
    form = {"CallSid": "CA1", "CallStatus": "no-answer"}
    data = url + "".join(f"{k}{form[k]}" for k in sorted(form))
    good = base64.b64encode(hmac.new(b"tw-token", data.encode(), hashlib.sha1).digest()).decode()
    with pytest.raises(CallbackRejected):
        service.twilio(url, form, "forged")
    assert service.twilio(url, form, good) == 1
    assert status(world, client, "twilio") is OutboxStatus.FAILED
    kinds = [a["kind"] for a in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert kinds == ["delivery_failure"]


def test_pingen_undeliverable_letter_becomes_an_action_item(sent):
    world, client, service = sent
    body = json.dumps({"data": {"type": "webhook_undeliverable", "attributes": {"reason": "Adressat unbekannt"},
                                "relationships": {"letter": {"data": {"id": "letter-1", "type": "letters"}}}}}).encode()  # fmt: skip
    signature = hmac.new(b"pg-secret", body, hashlib.sha256).hexdigest()
    assert service.pingen(body, signature) == 1
    assert service.pingen(body, signature) == 1  # idempotent
    assert status(world, client, "pingen") is OutboxStatus.UNDELIVERABLE
    actions = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert len(actions) == 1 and "Adressat unbekannt" in actions[0]["title"]


def test_usage_endpoint_prices_what_was_sent(sent):
    world, client, _ = sent
    messaging = world.services.messaging
    messaging.enqueue(
        OutboundMessage(client.client_id, "m1", Channel.SMS, "D1", "+31612345678", TUESDAY_10),
        MessageContent(text="x"),
    )
    messaging.deliver(client.client_id, "m1")
    r = world.agency_a.call("GET", "/v1/clients/C1/usage", month="2025-03")
    items = {x["item"]: x for x in r.body["items"]}
    assert items["sms"]["count"] == 1 and items["sms"]["amount"] == "0.20"
    assert items["invoice"]["count"] == 2 and items["invoice"]["amount"] == "1.00"
    assert r.body["total"] == "1.20"
    request = ApiRequest(
        "GET", "/v1/clients/C1/usage.csv", {"x-api-key": world.agency_a.key}, {"month": "2025-03"}
    )
    csv = world.api.handle(request).encoded().decode()
    assert csv.splitlines()[0] == "client,month,item,count,unit_price,amount" and csv.splitlines()[
        -1
    ].endswith("total,,,1.20")
    assert world.agency_a.call("GET", "/v1/clients/C1/usage", month="2025-13").status == 400


def test_whatsapp_webhook_stop_reaches_the_debtor(sent):
    world, client, service = sent
    world.agency_a.call(
        "POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", whatsapp_consent=True)]}
    )
    world.services.messaging.whatsapp_contacts.remember("31612345678", client.client_id, "D1")
    body = json.dumps(
        {
            "entry": [
                {
                    "changes": [
                        {
                            "value": {
                                "messages": [
                                    {
                                        "from": "31612345678",
                                        "type": "text",
                                        "text": {"body": "Stop"},
                                    }
                                ]
                            }
                        }
                    ]
                }
            ]
        }
    ).encode()
    signature = "sha256=" + hmac.new(b"wa-secret", body, hashlib.sha256).hexdigest()
    assert service.whatsapp(body, signature) == 1
    assert world.agency_a.call("GET", "/v1/clients/C1/debtors/D1").body["whatsapp_consent"] is False
