"""Messages by hand and quick texts through the integration API, with the in-memory world:
rendered like workflow messages, deferred outside the contact hours, idempotent, metered, on
the contact log; WhatsApp by Meta's window and approved templates."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.messaging import Channel
from shared.domain.records import ContactKind
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

TUESDAY_10 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam
SUNDAY_10 = datetime(2025, 3, 9, 9, 0, tzinfo=UTC)
BASE = "/v1/clients/C1"


@pytest.fixture
def env(world):
    world.clock.at = TUESDAY_10
    api = world.agency_a
    assert (
        api.call(
            "POST", "/v1/clients", {"items": [client_row("C1", contact_email="info@c1.example")]}
        ).status
        == 200
    )
    assert (
        api.call(
            "POST", f"{BASE}/debtors", {"items": [debtor_row("D1", whatsapp_consent=True)]}
        ).status
        == 200
    )
    assert api.call("POST", f"{BASE}/invoices", {"items": [invoice_row("F1", "D1")]}).status == 200
    client = world.services.access.client_for(world.services.access.authenticate(api.key), "C1")
    return world, api, client.client_id


def wa_template(api, base_url: str) -> None:
    reply = api.call("PUT", f"{BASE}/whatsapp-templates/betaalherinnering", {
        "languages": ["nl"], "body_params": ["debtor.name", "total|money"],
        "url_button_base": f"{base_url}/api/p/",
    })  # fmt: skip
    assert reply.status == 200, reply.body
    assert reply.body["sample_params"][0] == "J. de Vries"
    assert reply.body["sample_params"][2] == "TOKEN/pay"


def test_quick_text_crud_with_checks_at_save_time(env):
    world, api, _ = env
    sms = {"quick_text_id": "herinnering", "channel": "sms", "name": "Herinnering",
           "text": "Beste {{ debtor.name }}, open: {{ total|money }}. {{ portal_link }}"}  # fmt: skip
    created = api.call("POST", f"{BASE}/quick-texts", sms)
    assert created.status == 201, created.body
    assert created.body["sms_parts"] == 1 and "J. de Vries" in created.body["sample"]
    assert api.call("POST", f"{BASE}/quick-texts", sms).status == 422  # the id is taken
    bad = api.call(
        "POST", f"{BASE}/quick-texts", {**sms, "quick_text_id": "x", "text": "{{ debtor.nam }}"}
    )
    assert bad.status == 422 and "nam" in bad.body["error"]["message"]
    no_subject = api.call(
        "POST", f"{BASE}/quick-texts", {**sms, "quick_text_id": "m", "channel": "email"}
    )
    assert no_subject.status == 422 and no_subject.body["error"]["field"] == "subject"
    with_subject = api.call(
        "POST",
        f"{BASE}/quick-texts",
        {**sms, "quick_text_id": "w", "channel": "whatsapp", "subject": "Nee"},
    )
    assert with_subject.status == 422 and with_subject.body["error"]["field"] == "subject"
    email = {**sms, "quick_text_id": "mail", "channel": "email", "subject": "Uw factuur"}
    assert api.call("POST", f"{BASE}/quick-texts", email).status == 201
    listed = api.call("GET", f"{BASE}/quick-texts", channel="sms").body["items"]
    assert [q["quick_text_id"] for q in listed] == ["herinnering"]
    assert len(api.call("GET", f"{BASE}/quick-texts").body["items"]) == 2
    assert api.call("GET", f"{BASE}/quick-texts", channel="fax").status == 400
    long = {k: v for k, v in sms.items() if k != "quick_text_id"} | {"text": "a" * 700}
    changed = api.call("PUT", f"{BASE}/quick-texts/herinnering", long)
    assert changed.status == 200 and changed.body["sms_parts"] == 5 and changed.body["warnings"]
    assert api.call("GET", f"{BASE}/quick-texts/herinnering").body["text"] == "a" * 700
    assert api.call("PUT", f"{BASE}/quick-texts/nope", long).status == 404
    assert api.call("DELETE", f"{BASE}/quick-texts/herinnering").status == 204
    assert api.call("GET", f"{BASE}/quick-texts/herinnering").status == 404
    # another agency's key cannot see or change them
    assert world.agency_b.call("GET", f"{BASE}/quick-texts").status == 404


def test_sms_by_hand_outside_contact_hours_is_deferred_not_dropped_and_idempotent(env):
    world, api, client_id = env
    world.clock.at = SUNDAY_10
    body = {
        "channel": "sms",
        "body": "Beste {{ debtor.name }}, graag {{ principal|money }} voldoen.",
    }
    reply = api.call("POST", f"{BASE}/debtors/D1/messages", body)
    assert reply.status == 202, reply.body
    assert reply.body["deferred"] is True and reply.body["created"] is True
    assert reply.body["not_before"].startswith("2025-03-10T06:00:00")  # Monday 07:00 Amsterdam
    again = api.call("POST", f"{BASE}/debtors/D1/messages", body)
    assert (
        again.status == 202
        and again.body["created"] is False
        and again.body["key"] == reply.body["key"]
    )
    messaging = world.services.messaging
    assert messaging.deliver(client_id, reply.body["key"]) == "deferred"
    world.clock.at = datetime(2025, 3, 10, 6, 0, 1, tzinfo=UTC)
    assert messaging.deliver(client_id, reply.body["key"]) == "sent"
    content = messaging.content(client_id, reply.body["key"])
    assert content.text.startswith("Beste Debtor D1, graag € 121,00")
    assert messaging.usage(client_id, "2025-03") == {"sms": 1}
    log = [e.summary for e in world.services.repos.contacts.for_debtor(client_id, "D1")[0]]
    assert any("sms by hand queued" in s and "contact hours" in s for s in log)
    assert any(s.startswith("sms sent via") for s in log)
    # the caller's own Idempotency-Key makes a different message of the same words
    keyed = world.api.handle(_request(api.key, body, {"idempotency-key": "abc-1"}))
    assert keyed.status == 202 and json.loads(keyed.encoded())["key"] != reply.body["key"]


def test_whatsapp_outside_the_window_needs_the_approved_template_with_its_parameters(env):
    world, api, client_id = env
    channels = {
        c["channel"]: c for c in api.call("GET", f"{BASE}/debtors/D1/channels").body["items"]
    }
    assert channels["email"]["available"] and channels["letter"]["available"]
    assert (
        channels["whatsapp"]["available"] is False and "template" in channels["whatsapp"]["reason"]
    )
    refused = api.call(
        "POST", f"{BASE}/debtors/D1/messages", {"channel": "whatsapp", "body": "Hoi"}
    )
    assert refused.status == 422
    base = world.services.settings.public_base_url
    wa_template(api, base)
    quick = {"quick_text_id": "betaal", "channel": "whatsapp", "name": "Betaallink",
             "text": "Beste {{ debtor.name }}, betaal via {{ payment_link }}", "whatsapp_template": "betaalherinnering"}  # fmt: skip
    assert api.call("POST", f"{BASE}/quick-texts", quick).status == 201
    channels = {
        c["channel"]: c for c in api.call("GET", f"{BASE}/debtors/D1/channels").body["items"]
    }
    assert channels["whatsapp"]["available"] and channels["whatsapp"]["free_text"] is False
    free = api.call("POST", f"{BASE}/debtors/D1/messages", {"channel": "whatsapp", "body": "Hoi"})
    assert free.status == 422 and free.body["error"]["field"] == "whatsapp_template"
    sent = api.call(
        "POST", f"{BASE}/debtors/D1/messages", {"channel": "whatsapp", "quick_text": "betaal"}
    )
    assert sent.status == 202 and sent.body["free_text"] is False
    assert sent.body["whatsapp_template"] == "betaalherinnering"
    content = world.services.messaging.content(client_id, sent.body["key"])
    assert content.text == "" and content.language == "nl"
    assert content.template_params[0] == "Debtor D1" and content.template_params[1].startswith(
        "€ 12"
    )
    assert content.template_button and content.template_button.endswith("/pay")
    token = content.template_button.removesuffix("/pay")
    assert world.services.portal_links.check(token).debtor_number == "D1"


def test_a_debtors_whatsapp_opens_the_window_and_is_filed(env):
    world, api, client_id = env
    services = world.services
    services.messaging.whatsapp_contacts.remember("31612345678", client_id, "D1")
    payload = {"entry": [{"changes": [{"value": {"messages": [
        {"from": "31612345678", "id": "wamid.IN1", "timestamp": str(int(TUESDAY_10.timestamp()) - 60),
         "type": "text", "text": {"body": "Ik betaal vrijdag"}}]}}]}]}  # fmt: skip
    body = json.dumps(payload).encode()
    secret = "wa-secret"
    callbacks = services.callbacks
    callbacks.whatsapp_secret = secret
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    callbacks.whatsapp(body, signature)
    callbacks.whatsapp(body, signature)  # Meta delivers again: filed once
    entries = [
        e
        for e in services.repos.contacts.for_debtor(client_id, "D1")[0]
        if e.kind is ContactKind.MESSAGE
    ]
    assert [e.summary for e in entries] == ["WhatsApp received: Ik betaal vrijdag"]
    assert services.by_hand.conversations.last_inbound(client_id, "D1") == TUESDAY_10 - timedelta(
        seconds=60
    )
    channels = {
        c["channel"]: c for c in api.call("GET", f"{BASE}/debtors/D1/channels").body["items"]
    }
    assert channels["whatsapp"]["available"] and channels["whatsapp"]["free_text"] is True
    sent = api.call(
        "POST",
        f"{BASE}/debtors/D1/messages",
        {"channel": "whatsapp", "body": "Dank u, {{ debtor.name }}"},
    )
    assert sent.status == 202 and sent.body["free_text"] is True
    assert services.messaging.deliver(client_id, sent.body["key"]) == "sent"
    # STOP is honoured as before: consent withdrawn, WhatsApp closed
    stop = json.dumps({"entry": [{"changes": [{"value": {"messages": [
        {"from": "31612345678", "id": "wamid.IN2", "timestamp": str(int(TUESDAY_10.timestamp())),
         "type": "text", "text": {"body": "STOP"}}]}}]}]}).encode()  # fmt: skip
    callbacks.whatsapp(
        stop, "sha256=" + hmac.new(secret.encode(), stop, hashlib.sha256).hexdigest()
    )
    channels = {
        c["channel"]: c for c in api.call("GET", f"{BASE}/debtors/D1/channels").body["items"]
    }
    assert (
        channels["whatsapp"]["available"] is False and "consent" in channels["whatsapp"]["reason"]
    )


def test_sms_links_to_the_reminder_sent_by_email(env):
    world, api, client_id = env
    services = world.services
    no_reminder = api.call(
        "POST", f"{BASE}/debtors/D1/messages", {"channel": "sms", "body": "Zie {{ reminder_link }}"}
    )
    assert no_reminder.status == 422 and no_reminder.body["error"]["field"] == "reminder"
    mail = api.call("POST", f"{BASE}/debtors/D1/messages",
                    {"channel": "email", "subject": "Herinnering", "body": "Beste {{ debtor.name }}, open {{ total|money }}"})  # fmt: skip
    assert mail.status == 202
    assert services.messaging.deliver(client_id, mail.body["key"]) == "sent"
    reminders = api.call("GET", f"{BASE}/debtors/D1/reminders").body["items"]
    assert [r["key"] for r in reminders] == [mail.body["key"]]
    sms = api.call(
        "POST", f"{BASE}/debtors/D1/messages", {"channel": "sms", "body": "Zie {{ reminder_link }}"}
    )
    assert sms.status == 202, sms.body
    text = services.messaging.content(client_id, sms.body["key"]).text
    assert text.endswith(f"/reminder/{reminders[0]['link_id']}") and "/api/p/" in text
    wrong = api.call(
        "POST",
        f"{BASE}/debtors/D1/messages",
        {"channel": "sms", "body": "{{ reminder_link }}", "reminder": "nope"},
    )
    assert wrong.status == 422


def test_a_letter_by_hand_is_rendered_as_pdf_and_kept(env):
    world, api, client_id = env
    reply = api.call("POST", f"{BASE}/debtors/D1/messages",
                     {"channel": "letter", "subject": "Uw factuur", "body": "Beste {{ debtor.name }},\n\nGraag {{ total|money }}."})  # fmt: skip
    assert reply.status == 202 and reply.body["deferred"] is False
    content = world.services.messaging.content(client_id, reply.body["key"])
    assert content.attachments[0].data.startswith(b"%PDF")
    assert (
        world.services.messaging.outbox.get(client_id, reply.body["key"])[0].channel
        is Channel.LETTER
    )


def _request(key: str, body: object, headers: dict[str, str]):
    from shared.api.http import ApiRequest

    return ApiRequest(
        "POST",
        f"{BASE}/debtors/D1/messages",
        {"x-api-key": key, **headers},
        {},
        json.dumps(body).encode(),
    )


def test_buttons_and_media_open_the_window_too(env):
    world, _, client_id = env
    services = world.services
    services.messaging.whatsapp_contacts.remember("31612345678", client_id, "D1")
    secret = "wa-secret"
    services.callbacks.whatsapp_secret = secret
    at = int(TUESDAY_10.timestamp())
    messages = [
        {"from": "31612345678", "id": "wamid.B", "timestamp": str(at - 30), "type": "button",
         "button": {"text": "Ik wil een regeling", "payload": "plan"}},
        {"from": "31612345678", "id": "wamid.I", "timestamp": str(at - 20), "type": "image",
         "image": {"caption": "betaalbewijs", "id": "media-1"}},
        {"from": "31612345678", "id": "wamid.L", "timestamp": "not-a-time", "type": "interactive",
         "interactive": {"type": "list_reply", "list_reply": {"id": "1", "title": "Vrijdag"}}},
    ]  # fmt: skip
    body = json.dumps({"entry": [{"changes": [{"value": {"messages": messages}}]}]}).encode()
    services.callbacks.whatsapp(
        body, "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    )
    summaries = {e.summary for e in services.repos.contacts.for_debtor(client_id, "D1")[0]}
    assert {"WhatsApp received: [button] Ik wil een regeling", "WhatsApp received: [image] betaalbewijs",
            "WhatsApp received: [interactive] Vrijdag"} <= summaries  # fmt: skip
    # a message without a usable timestamp counts as received now
    assert services.by_hand.conversations.last_inbound(client_id, "D1") == TUESDAY_10


def test_a_failure_reported_later_by_webhook_says_why(env):
    world, api, client_id = env
    services = world.services
    wa_template(api, services.settings.public_base_url)
    sent = api.call(
        "POST",
        f"{BASE}/debtors/D1/messages",
        {"channel": "whatsapp", "whatsapp_template": "betaalherinnering"},
    )
    assert services.messaging.deliver(client_id, sent.body["key"]) == "sent"
    # as the Cloud API's id would be remembered (the unit world delivers to the outbox)
    services.messaging.outbox.remember_provider_id(
        "whatsapp", "wamid.T1", client_id, sent.body["key"]
    )
    status = {"id": "wamid.T1", "status": "failed", "timestamp": "1741078800", "recipient_id": "31612345678",
              "errors": [{"code": 131047, "title": "Re-engagement message"}]}  # fmt: skip
    body = json.dumps({"entry": [{"changes": [{"value": {"statuses": [status]}}]}]}).encode()
    services.callbacks.whatsapp_secret = "s"
    services.callbacks.whatsapp(body, "sha256=" + hmac.new(b"s", body, hashlib.sha256).hexdigest())
    failed = services.messaging.outbox.get(client_id, sent.body["key"])[0]
    assert failed.status.value == "failed" and "code 131047" in (failed.error or "")
    assert "more than 24 hours" in (failed.error or "")
    actions, _ = services.repos.actions.list(client_id)
    assert any("131047" in a.title for a in actions)


def test_a_retry_of_a_message_whose_job_never_reached_the_queue_queues_it(env, monkeypatch):
    """failure18 F6: the SMS's record was written, its job's queue send met a 503 (the API
    answered 500); the caller's retry of the same request found the record and answered 202
    'pending', created False, and queued nothing: the SMS never went."""
    world, api, client_id = env
    queues = world.services.messaging.queues
    real = queues.send
    left = {"n": 1}

    def busy_once(queue, body, *args, **kw):
        if queue == "send-sms" and left["n"]:
            left["n"] -= 1
            raise RuntimeError("injected: 503 ServerBusy on the queue")
        return real(queue, body, *args, **kw)

    monkeypatch.setattr(queues, "send", busy_once)
    body = {
        "channel": "sms",
        "body": "Beste {{ debtor.name }}, graag {{ principal|money }} voldoen.",
    }
    assert api.call("POST", f"{BASE}/debtors/D1/messages", body).status == 500
    again = api.call("POST", f"{BASE}/debtors/D1/messages", body)
    assert again.status == 202 and again.body["created"] is False, again.body
    (job,) = queues.take("send-sms")
    assert json.loads(job.body)["key"] == again.body["key"]
    assert world.services.messaging.deliver(client_id, again.body["key"]) == "sent"
