"""SMS (CM.com), WhatsApp (Cloud API) and robocalls (Twilio) against local stand-ins that
answer as the providers document: success bodies, 401, 429 with Retry-After, 500, invalid
numbers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from shared.adapters.channels.cm_sms import CmSmsChannel
from shared.adapters.channels.twilio_voice import TwilioVoiceChannel
from shared.adapters.channels.whatsapp_cloud import WhatsAppCloudChannel
from shared.domain.messaging import (
    Channel,
    MessageContent,
    OutboundMessage,
    PermanentSendError,
    TransientSendError,
)
from tests.support.stand_in import Received, Reply, serve
from tests.support.twilio_stand_in import ACCOUNT, TOKEN, TwilioStandIn

NOW = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def msg(channel, to="+31612345678", **kw):
    return OutboundMessage("c", "k1", channel, "D1", to, NOW, **kw)


# -- CM.com -------------------------------------------------------------------------------
def cm(script):
    def handler(r: Received) -> Reply:
        body = r.json()
        if body["messages"]["authentication"]["producttoken"] != "token-ok":
            return Reply(
                401,
                {
                    "details": "No account found for the given authentication",
                    "errorCode": 101,
                    "messages": [],
                },
            )
        if script:
            reply: Reply = script.pop(0)
            return reply
        m = body["messages"]["msg"][0]
        # CM's "from": a name of at most 11 characters or a number of at most 16 digits
        if not re.fullmatch(r"[0-9]{1,16}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}", m["from"]):
            return Reply(400, {"details": "One or more messages failed", "errorCode": 201, "messages": [
                {"to": m["to"][0]["number"], "status": "Rejected", "reference": m["reference"], "parts": 0,
                 "messageDetails": "Invalid sender", "messageErrorCode": 301}]})  # fmt: skip
        if m["to"][0]["number"] == "0031600000000":
            return Reply(400, {"details": "One or more messages failed", "errorCode": 201, "messages": [
                {"to": "0031600000000", "status": "Rejected", "reference": m["reference"], "parts": 0,
                 "messageDetails": "Gsm '0031600000000' is not a number.", "messageErrorCode": 303}]})  # fmt: skip
        return Reply(200, {"details": "Created 1 message(s)", "errorCode": 0, "messages": [
            {"to": m["to"][0]["number"], "status": "Accepted", "reference": m["reference"], "parts": 1,
             "messageDetails": None, "messageErrorCode": 0}]})  # fmt: skip

    return handler


def test_cm_sms_success_and_request_shape():
    with serve(cm([])) as server:
        channel = CmSmsChannel(
            product_token="token-ok", sender="Inning", base_url=server.url, http=httpx.Client()
        )
        result = channel.send(
            msg(Channel.SMS), MessageContent(text="Uw factuur staat open: https://pay.example/x")
        )
    sent = server.received[0].json()["messages"]["msg"][0]
    assert server.received[0].path == "/v1.0/message"
    assert sent["to"] == [{"number": "0031612345678"}] and sent["from"] == "Inning"
    assert sent["reference"] == "inn-k1" and result.provider_id == "inn-k1"


@pytest.mark.parametrize(
    ("token", "script", "to", "error", "retry"),
    [
        ("wrong", [], "+31612345678", PermanentSendError, None),
        ("token-ok", [], "+31600000000", PermanentSendError, None),
        (
            "token-ok",
            [Reply(429, {"details": "Too many requests", "errorCode": 999}, {"Retry-After": "30"})],
            "+31612345678",
            TransientSendError,
            30,
        ),
        (
            "token-ok",
            [Reply(500, {"details": "internal", "errorCode": 500})],
            "+31612345678",
            TransientSendError,
            None,
        ),
    ],
)
def test_cm_sms_errors(token, script, to, error, retry):
    with serve(cm(script)) as server:
        channel = CmSmsChannel(
            product_token=token, sender="Inning", base_url=server.url, http=httpx.Client()
        )
        with pytest.raises(error) as info:
            channel.send(msg(Channel.SMS, to=to), MessageContent(text="x"))
    if retry is not None:
        assert info.value.retry_after == retry


def test_cm_sender_is_checked_never_cut():
    """CM takes a name of at most 11 characters or a number of at most 16 digits; a sender
    was cut to 11 (a 14-digit number lost 3 digits) and the mailbox every dunning message
    names went out as the SMS's sender ("ar@c1.examp")."""
    number = "31612345678901"  # 14 digits
    with serve(cm([])) as server:
        channel = CmSmsChannel(
            product_token="token-ok", sender=number, base_url=server.url, http=httpx.Client()
        )
        channel.send(msg(Channel.SMS), MessageContent(text="x"))
        channel.send(msg(Channel.SMS, sender="ar@c1.example"), MessageContent(text="x"))
        named = CmSmsChannel(
            product_token="token-ok", sender="Inning", base_url=server.url, http=httpx.Client()
        )
        named.send(msg(Channel.SMS, sender="ar@c1.example"), MessageContent(text="x"))
        named.send(msg(Channel.SMS, sender="0031201234567"), MessageContent(text="x"))
        with pytest.raises(PermanentSendError, match="at most 11"):
            named.send(msg(Channel.SMS, sender="Incasso Bureau"), MessageContent(text="x"))
        with pytest.raises(PermanentSendError, match="at most 16"):
            named.send(msg(Channel.SMS, sender="00316123456789012"), MessageContent(text="x"))
    sent = [r.json()["messages"]["msg"][0]["from"] for r in server.received]
    assert sent == [number, number, "Inning", "0031201234567"]  # the two refused never sent
    for wrong in ("Incasso Bureau", "12345678901234567", "Inning!", ""):
        with pytest.raises(ValueError, match="CM_SENDER"):
            CmSmsChannel(product_token="t", sender=wrong, http=httpx.Client())


def test_cm_refuses_a_number_that_is_not_e164():
    channel = CmSmsChannel(
        product_token="t", sender="Inning", base_url="http://127.0.0.1:9", http=httpx.Client()
    )
    with pytest.raises(PermanentSendError):
        channel.send(msg(Channel.SMS, to="0612345678"), MessageContent(text="x"))


# -- WhatsApp Cloud API --------------------------------------------------------------------
def whatsapp(r: Received) -> Reply:
    if r.headers.get("authorization") != "Bearer wa-token":
        return Reply(
            401,
            {
                "error": {
                    "message": "Invalid OAuth access token.",
                    "type": "OAuthException",
                    "code": 190,
                    "fbtrace_id": "A1",
                }
            },
        )
    body = r.json()
    if body["to"] == "31699999999":
        return Reply(
            400,
            {
                "error": {
                    "message": "(#131026) Message undeliverable",
                    "type": "OAuthException",
                    "code": 131026,
                    "fbtrace_id": "A2",
                }
            },
        )
    if body["to"] == "31688888888":
        return Reply(
            429,
            {
                "error": {
                    "message": "(#130429) Rate limit hit",
                    "type": "OAuthException",
                    "code": 130429,
                    "fbtrace_id": "A3",
                }
            },
        )
    return Reply(
        200,
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": "wamid.HBgLMzE2MTIzNDU2NzgVAgARGBI"}],
        },
    )


def wa_msg(to="+31612345678", **extra):
    return msg(Channel.WHATSAPP, to=to, extra={"whatsapp_consent": "yes", **extra})


def test_whatsapp_template_outside_the_window():
    with serve(whatsapp) as server:
        channel = WhatsAppCloudChannel(
            token="wa-token",
            phone_number_id="1234567890",
            base_url=f"{server.url}/v21.0",
            http=httpx.Client(),
        )
        result = channel.send(
            wa_msg(),
            MessageContent(
                template="betalingsherinnering",
                template_params=("€ 121,00", "https://pay.example/x"),
            ),
        )
    body = server.received[0].json()
    assert server.received[0].path == "/v21.0/1234567890/messages"
    assert body["type"] == "template" and body["to"] == "31612345678"
    # our reference, which Meta returns in every status webhook (failure7 #3)
    assert body["biz_opaque_callback_data"] == "inn-k1"
    assert [p["text"] for p in body["template"]["components"][0]["parameters"]] == [
        "€ 121,00",
        "https://pay.example/x",
    ]
    assert (result.provider_id or "").startswith("wamid.")


def test_whatsapp_free_text_inside_the_window_only():
    recent = (NOW - timedelta(hours=2)).isoformat()
    with serve(whatsapp) as server:
        channel = WhatsAppCloudChannel(
            token="wa-token", phone_number_id="1", base_url=server.url, http=httpx.Client()
        )
        channel.send(wa_msg(last_inbound_at=recent), MessageContent(text="Dank voor uw bericht"))
        assert server.received[0].json()["type"] == "text"
        with pytest.raises(PermanentSendError, match="template"):
            channel.send(wa_msg(), MessageContent(text="no template outside the window"))


def test_whatsapp_needs_consent_and_maps_errors():
    with serve(whatsapp) as server:
        channel = WhatsAppCloudChannel(
            token="wa-token", phone_number_id="1", base_url=server.url, http=httpx.Client()
        )
        content = MessageContent(template="t")
        with pytest.raises(PermanentSendError, match="consent"):
            channel.send(msg(Channel.WHATSAPP), content)
        with pytest.raises(PermanentSendError, match="131026"):
            channel.send(wa_msg("+31699999999"), content)
        with pytest.raises(TransientSendError):
            channel.send(wa_msg("+31688888888"), content)
        bad = WhatsAppCloudChannel(
            token="expired", phone_number_id="1", base_url=server.url, http=httpx.Client()
        )
        with pytest.raises(PermanentSendError, match="190"):
            bad.send(wa_msg(), content)


# -- Twilio voice --------------------------------------------------------------------------
def voice(server, **kw):
    options = dict(account_sid=ACCOUNT, auth_token=TOKEN, caller_id="+3185000000", base_url=server.url,
                   status_callback="https://inning.example/api/callbacks/twilio/x", http=httpx.Client())  # fmt: skip
    return TwilioVoiceChannel(**{**options, **kw})


def test_twilio_call_with_spoken_text():
    with serve(TwilioStandIn()) as server:
        channel = voice(server)
        result = channel.send(
            msg(Channel.ROBOCALL),
            MessageContent(text="U heeft een openstaande factuur & meer", language="nl"),
        )
        form = server.received[0].form()
        assert server.received[0].path == "/2010-04-01/Accounts/AC123/Calls.json"
        assert (
            '<Say language="nl-NL">U heeft een openstaande factuur &amp; meer</Say>'
            in form["Twiml"]
        )
        # our reference on the callback URL, for a call whose answer was lost (failure7 #3)
        assert form["StatusCallback"] == "https://inning.example/api/callbacks/twilio/x?ref=inn-k1"
        assert (result.provider_id or "").startswith("CA")
        with pytest.raises(PermanentSendError, match="21211"):
            channel.send(msg(Channel.ROBOCALL, to="+31600000000"), MessageContent(text="x"))


def test_the_call_asks_for_answering_machine_detection_before_the_debt_is_spoken():
    """dunning16 F4: a voicemail box took the call and recorded the debt; now Twilio detects
    the machine, its verdict comes to our callback, and the call opens with a neutral
    sentence and a pause longer than the detection may take before the message."""
    stand_in = TwilioStandIn()
    with serve(stand_in) as server:
        sid = (
            voice(server)
            .send(
                msg(Channel.ROBOCALL), MessageContent(text="Openstaand: 1.200 euro", language="nl")
            )
            .provider_id
        )
    form = stand_in.calls[sid].form
    assert form["MachineDetection"] == "Enable" and form["AsyncAmd"] == "true"
    assert form["AsyncAmdStatusCallback"] == form["StatusCallback"]
    opening, _, rest = form["Twiml"].partition("<Pause")
    assert "1.200" not in opening and "automatisch bericht" in opening
    pause = int(rest.split('length="')[1].split('"')[0])
    assert pause >= int(form["MachineDetectionTimeout"]) and "1.200" in rest
    ((url, verdict, _),) = stand_in.answer(sid, "machine_start")
    assert url == form["StatusCallback"] and verdict["AnsweredBy"] == "machine_start"


def test_a_robocall_without_a_status_callback_is_refused():
    """No callback, no verdict: the debt would be spoken into any voicemail box."""
    with serve(TwilioStandIn()) as server:
        with pytest.raises(PermanentSendError, match="answering-machine"):
            voice(server, status_callback=None).send(
                msg(Channel.ROBOCALL), MessageContent(text="x")
            )
        assert server.received == []


def test_end_call_hangs_up_a_call_in_progress_only():
    stand_in = TwilioStandIn()
    with serve(stand_in) as server:
        channel = voice(server)
        sid = channel.send(msg(Channel.ROBOCALL), MessageContent(text="x")).provider_id
        assert channel.end_call(sid) is False  # still ringing: Twilio answers 21220
        stand_in.answer(sid, "machine_end_beep")
        assert channel.end_call(sid) is True
        assert stand_in.calls[sid].ended_by_client and stand_in.calls[sid].status == "completed"
        assert channel.end_call(sid) is False  # over: 21220 again
        wrong = voice(server, auth_token="wrong")
        with pytest.raises(PermanentSendError, match="20003"):
            wrong.send(msg(Channel.ROBOCALL), MessageContent(text="x"))


def test_a_long_robocall_text_is_said_once_and_one_too_long_is_refused_before_dialling():
    """providers32: Twilio takes at most 4000 characters of Twiml (32018); the text said twice
    passed it for a long reminder and the call was refused. Said once where twice does not
    fit; a text that does not fit once fails for a person, with no request to Twilio."""
    stand_in = TwilioStandIn()
    with serve(stand_in) as server:
        channel = voice(server)
        text = "Openstaand bedrag voor factuur F1. " * 60  # 2100 characters
        sid = channel.send(msg(Channel.ROBOCALL), MessageContent(text=text)).provider_id
        twiml = stand_in.calls[sid].form["Twiml"]
        assert len(twiml) <= 4000 and twiml.count("factuur F1.") == 60
        short = channel.send(msg(Channel.ROBOCALL), MessageContent(text="x"))
        assert stand_in.calls[short.provider_id].form["Twiml"].count(">x</Say>") == 2
        with pytest.raises(PermanentSendError, match="too long"):
            channel.send(msg(Channel.ROBOCALL), MessageContent(text=text * 3))
        assert len(server.received) == 2
