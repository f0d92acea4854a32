"""dunning16 F4: a robocall a voicemail box took counted as delivered (``completed``), the debt
spoken into the box, no item for staff. Now the call asks Twilio for answering-machine
detection; a machine's verdict ends the call before the message and the message is not
delivered (a delivery_failure item); a person's call still counts as delivered. The calls
go to the Twilio stand-in, whose reports the app's callback service receives."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from shared.adapters.channels.twilio_voice import TwilioVoiceChannel
from shared.domain.messaging import Channel, MessageContent, OutboundMessage, OutboxStatus
from shared.services.callbacks import CallbackService
from tests.support.stand_in import serve
from tests.support.twilio_stand_in import ACCOUNT, TOKEN, TwilioStandIn
from tests.unit.api.conftest import client_row, debtor_row
from tests.unit.messaging.test_delivery import TUESDAY_10

CALLBACK = "https://inning.example/api/callbacks/twilio/x"


@pytest.fixture
def calling(world: Any) -> Iterator[tuple[Any, TwilioStandIn, CallbackService, str]]:
    """A robocall placed through the stand-in and recorded as sent, as delivery leaves it."""
    world.clock.at = TUESDAY_10
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    messaging = world.services.messaging
    stand_in = TwilioStandIn()
    with serve(stand_in) as server:
        channel = TwilioVoiceChannel(
            account_sid=ACCOUNT, auth_token=TOKEN, caller_id="+3185000000",
            status_callback=CALLBACK, base_url=server.url, http=httpx.Client(),
        )  # fmt: skip
        messaging.senders = {**messaging.senders, Channel.ROBOCALL: channel}
        message = OutboundMessage(
            client.client_id, "call1", Channel.ROBOCALL, "D1", "+31612345678", TUESDAY_10
        )
        sid = str(channel.send(message, MessageContent(text="Openstaand: 1.200 euro")).provider_id)
        messaging.outbox.add(message)
        stored, etag = messaging.outbox.get(client.client_id, "call1")
        messaging.outbox.save(
            replace(stored, status=OutboxStatus.SENT, provider="twilio", provider_id=sid), etag
        )
        messaging.outbox.remember_provider_id("twilio", sid, client.client_id, "call1")
        service = CallbackService(messaging, token="t", twilio_token=TOKEN)
        world.client_id = client.client_id
        yield world, stand_in, service, sid


def _hand_over(service: CallbackService, reports: list[tuple[str, dict[str, str], str]]) -> None:
    for url, form, signature in reports:
        service.twilio(url, form, signature)


def _record(world: Any) -> OutboundMessage:
    return world.services.messaging.outbox.get(world.client_id, "call1")[0]  # type: ignore[no-any-return]


def _items(world: Any) -> list[dict[str, Any]]:
    return world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("verdict", ["machine_start", "machine_end_beep", "fax", "unknown"])
def test_a_call_a_machine_took_is_ended_and_not_delivered(calling, verdict):
    world, stand_in, service, sid = calling
    _hand_over(service, stand_in.answer(sid, verdict))
    assert stand_in.calls[sid].ended_by_client  # hung up in the neutral opening
    _hand_over(service, stand_in.hang_up(sid))  # "completed", AnsweredBy with it
    record = _record(world)
    assert record.status is OutboxStatus.FAILED and verdict in (record.error or "")
    items = _items(world)
    assert [i["kind"] for i in items] == ["delivery_failure"]
    assert verdict in items[0]["title"]


def test_a_machine_named_only_in_the_final_report_is_not_delivered(calling):
    """The verdict's own report may be lost or come late: the final one names it too."""
    world, stand_in, service, sid = calling
    stand_in.answer(sid, "machine_end_silence")  # its report never reaches us
    _hand_over(service, stand_in.hang_up(sid))
    assert _record(world).status is OutboxStatus.FAILED
    assert [i["kind"] for i in _items(world)] == ["delivery_failure"]


def test_a_call_a_person_took_is_delivered(calling):
    world, stand_in, service, sid = calling
    _hand_over(service, stand_in.answer(sid, "human"))
    assert not stand_in.calls[sid].ended_by_client
    assert _record(world).status is OutboxStatus.SENT  # the verdict alone says nothing yet
    _hand_over(service, stand_in.hang_up(sid))
    assert _record(world).status is OutboxStatus.DELIVERED and _items(world) == []
