"""A provider's report on a message whose send answer was lost (failure7 #3): the record is
UNCERTAIN and remembered under our reference only, the report names the provider's own id.
WhatsApp returns our reference (``biz_opaque_callback_data``) and Twilio calls the callback
URL that carries it: the report reaches the record, which remembers the provider's id."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import replace

import pytest

from shared.domain.messaging import Channel, OutboundMessage, OutboxStatus
from shared.services.callbacks import CallbackService
from tests.unit.api.conftest import client_row, debtor_row
from tests.unit.messaging.test_delivery import TUESDAY_10


@pytest.fixture
def uncertain(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    messaging = world.services.messaging
    for provider, channel in (("whatsapp", Channel.WHATSAPP), ("twilio", Channel.ROBOCALL)):
        message = OutboundMessage(client.client_id, f"m-{provider}", channel, "D1",
                                  "+31612345678", TUESDAY_10)  # fmt: skip
        messaging.outbox.add(message)
        stored, etag = messaging.outbox.get(client.client_id, message.key)
        messaging.outbox.save(replace(stored, status=OutboxStatus.UNCERTAIN), etag)
        # as ``_uncertain`` does: known by our reference only
        messaging.outbox.remember_provider_id(
            provider, message.reference, client.client_id, message.key
        )
    service = CallbackService(messaging, token="t", whatsapp_secret="wa", twilio_token="tw")
    return world, client, service


def _whatsapp(wamid: str, reference: str) -> tuple[bytes, str]:
    status = {"id": wamid, "status": "delivered", "biz_opaque_callback_data": reference}
    body = json.dumps({"entry": [{"changes": [{"value": {"statuses": [status]}}]}]}).encode()
    return body, "sha256=" + hmac.new(b"wa", body, hashlib.sha256).hexdigest()


def test_a_whatsapp_status_finds_the_message_by_our_reference(uncertain):
    world, client, service = uncertain
    outbox = world.services.messaging.outbox
    assert service.whatsapp(*_whatsapp("wamid.LOST", "inn-m-nobody")) == 0  # not ours
    assert service.whatsapp(*_whatsapp("wamid.LOST", "inn-m-whatsapp")) == 1
    message = outbox.get(client.client_id, "m-whatsapp")[0]
    assert message.status is OutboxStatus.DELIVERED and message.provider_id == "wamid.LOST"
    assert outbox.by_provider_id("whatsapp", "wamid.LOST") == (client.client_id, "m-whatsapp")
    # another id naming the same reference is not this message's (it has its id now)
    assert service.whatsapp(*_whatsapp("wamid.OTHER", "inn-m-whatsapp")) == 0


def test_a_twilio_result_finds_the_call_by_the_reference_on_its_url(uncertain):
    world, client, service = uncertain
    url = "https://inning.example/api/callbacks/twilio/x?ref=inn-m-twilio"
    form = {"CallSid": "CA-LOST", "CallStatus": "completed"}
    data = url + "".join(f"{k}{form[k]}" for k in sorted(form))
    good = base64.b64encode(hmac.new(b"tw", data.encode(), hashlib.sha1).digest()).decode()
    assert service.twilio(url, form, good) == 1
    message = world.services.messaging.outbox.get(client.client_id, "m-twilio")[0]
    assert message.status is not OutboxStatus.UNCERTAIN and message.provider_id == "CA-LOST"


def test_the_http_function_checks_twilios_signature_over_the_url_with_its_reference(
    uncertain, monkeypatch
):
    import azure.functions as func

    from functions.callbacks import provider_callback
    from shared import bootstrap

    world, client, service = uncertain
    object.__setattr__(world.services, "callbacks", service)
    monkeypatch.setattr(bootstrap, "_services", world.services)
    public = f"{world.services.settings.public_base_url}/api/callbacks/twilio/x?ref=inn-m-twilio"
    form = {"CallSid": "CA-LOST", "CallStatus": "completed"}
    data = public + "".join(f"{k}{form[k]}" for k in sorted(form))
    signed = base64.b64encode(hmac.new(b"tw", data.encode(), hashlib.sha1).digest()).decode()
    request = func.HttpRequest(
        "POST", "http://10.0.0.4/api/callbacks/twilio/x?ref=inn-m-twilio",
        headers={"X-Twilio-Signature": signed,
                 "Content-Type": "application/x-www-form-urlencoded"},
        params={"ref": "inn-m-twilio"}, route_params={"provider": "twilio", "token": "x"},
        body=b"CallSid=CA-LOST&CallStatus=completed",
    )  # fmt: skip
    from tools.devhost.invoke import LocalContext

    call = provider_callback.build().get_user_function()
    assert call(request, context=LocalContext("provider_callback")).status_code == 200
    message = world.services.messaging.outbox.get(client.client_id, "m-twilio")[0]
    assert message.provider_id == "CA-LOST"
