"""Messages by hand through the local host: a WhatsApp quick text whose approved template
carries the payment link as its button parameter reaches the WhatsApp stand-in (enforcing the
Cloud API's rules) and the link opens the debtor's portal; an SMS outside the contact hours is
accepted (202), waits with its not-before, and is not sent."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import datetime

import httpx

from shared import bootstrap
from shared.clock import AMSTERDAM
from tests.e2e.conftest import serving
from tests.support.stand_in import serve
from tests.support.whatsapp_stand_in import ApprovedTemplate, WhatsappCloud


def _client_id(key: str) -> str:
    services = bootstrap.services()
    principal = services.access.authenticate(key)
    assert principal is not None
    return services.access.client_for(principal, "BAKKERIJ").client_id


def _wait_for(check, seconds: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    return check()


def test_whatsapp_quick_text_arrives_with_the_payment_link(storage_connection, tmp_path):
    cloud = WhatsappCloud(token="e2e-wa-token")
    with (
        serve(cloud) as stand_in,
        serving(
            storage_connection, tmp_path, INNING_CONTACT_HOURS="00:00-23:59",
            WHATSAPP_TOKEN="e2e-wa-token", WHATSAPP_PHONE_NUMBER_ID="10987",
            WHATSAPP_BASE_URL=f"{stand_in.url}/v21.0", WHATSAPP_APP_SECRET="e2e-app-secret",
            WHATSAPP_VERIFY_TOKEN="e2e-verify",
        ) as (url, keys),
    ):  # fmt: skip
        services = bootstrap.services()
        base = services.settings.public_base_url
        cloud.templates.append(ApprovedTemplate("betaalherinnering", "nl", "Beste {{1}}, open: {{2}}.",
                                                url_button=f"{base}/api/p/{{{{1}}}}"))  # fmt: skip
        api = f"{url}/api/v1/clients/BAKKERIJ"
        headers = {"X-Api-Key": keys["BAKKERIJ"]}
        described = httpx.put(f"{api}/whatsapp-templates/betaalherinnering", headers=headers,
                              json={"languages": ["nl"], "body_params": ["debtor.name", "total|money"], "url_button_base": f"{base}/api/p/"})  # fmt: skip
        assert described.status_code == 200, described.text
        quick_id = f"betaal{time.time_ns() % 10**9}"
        created = httpx.post(f"{api}/quick-texts", headers=headers, json={
            "quick_text_id": quick_id, "channel": "whatsapp", "name": "Betaallink",
            "text": "Beste {{ debtor.name }}, betaal via {{ payment_link }}", "whatsapp_template": "betaalherinnering"})  # fmt: skip
        assert created.status_code == 201, created.text
        channels = httpx.get(f"{api}/debtors/D-1001/channels", headers=headers).json()["items"]
        whatsapp = next(c for c in channels if c["channel"] == "whatsapp")
        assert whatsapp["available"] and whatsapp["free_text"] is False
        sent = httpx.post(f"{api}/debtors/D-1001/messages", json={"channel": "whatsapp", "quick_text": quick_id},
                          headers={**headers, "Idempotency-Key": quick_id})  # fmt: skip
        assert sent.status_code == 202, sent.text
        assert (
            sent.json()["deferred"] is False
            and sent.json()["whatsapp_template"] == "betaalherinnering"
        )
        assert _wait_for(lambda: cloud.delivered), "nothing reached the WhatsApp stand-in"
        delivered = cloud.delivered[0]
        assert delivered["type"] == "template" and delivered["to"] == "31612345678"
        params = delivered["template"]["components"][0]["parameters"]
        assert params[0]["text"] == "J. de Vries" and params[1]["text"].startswith("€ ")
        link = cloud.link_of(delivered)
        assert link is not None and link.startswith(f"{base}/api/p/") and link.endswith("/pay")
        # the button's link is the debtor's own: its token opens the portal on this host
        token = link.removeprefix(f"{base}/api/p/").removesuffix("/pay")
        portal = httpx.get(f"{url}/api/p/{token}", follow_redirects=False)
        assert portal.status_code == 303 and portal.headers["location"] == "/api/portal"
        key = sent.json()["key"]
        client_id = _client_id(keys["BAKKERIJ"])
        record = _wait_for(
            lambda: (
                (r := services.messaging.outbox.get(client_id, key))
                and r[0].status.value == "sent"
                and r
            )
        )
        assert record and record[0].provider_id == delivered["id"]
        log = httpx.get(f"{api}/debtors/D-1001/contacts", headers=headers).json()["items"]
        assert any("whatsapp by hand queued" in e["summary"] for e in log)

        # Meta's subscription handshake, then the debtor answers: the signed webhook files the
        # reply and opens the 24-hour window, so staff may now answer in their own words
        hook = f"{url}/api/callbacks/whatsapp"
        shake = {
            "hub.mode": "subscribe",
            "hub.verify_token": "e2e-verify",
            "hub.challenge": "1158201444",
        }
        assert httpx.get(hook, params=shake).text == "1158201444"
        assert httpx.get(hook, params={**shake, "hub.verify_token": "wrong"}).status_code == 403
        now = datetime.now(AMSTERDAM)
        inbound = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp", "metadata": {"display_phone_number": "31201234567", "phone_number_id": "10987"},
            "contacts": [{"profile": {"name": "Jan"}, "wa_id": "31612345678"}],
            "messages": [{"from": "31612345678", "id": f"wamid.in{time.time_ns()}", "timestamp": str(int(now.timestamp())),
                          "type": "text", "text": {"body": "Kan ik in delen betalen?"}}]}}]}]}).encode()  # fmt: skip
        signature = "sha256=" + hmac.new(b"e2e-app-secret", inbound, hashlib.sha256).hexdigest()
        assert (
            httpx.post(
                hook, content=inbound, headers={"X-Hub-Signature-256": "sha256=forged"}
            ).status_code
            == 401
        )
        assert (
            httpx.post(
                hook, content=inbound, headers={"X-Hub-Signature-256": signature}
            ).status_code
            == 200
        )
        cloud.last_inbound["31612345678"] = now
        log = httpx.get(f"{api}/debtors/D-1001/contacts", headers=headers).json()["items"]
        assert any(e["summary"] == "WhatsApp received: Kan ik in delen betalen?" for e in log)
        channels = httpx.get(f"{api}/debtors/D-1001/channels", headers=headers).json()["items"]
        assert next(c for c in channels if c["channel"] == "whatsapp")["free_text"] is True
        answer = httpx.post(f"{api}/debtors/D-1001/messages", headers={**headers, "Idempotency-Key": quick_id + "-2"},
                            json={"channel": "whatsapp", "body": "Ja, {{ debtor.name }}: kies een regeling in {{ portal_link }}"})  # fmt: skip
        assert answer.status_code == 202 and answer.json()["free_text"] is True
        text = _wait_for(lambda: [d for d in cloud.delivered if d["type"] == "text"])
        assert text and text[0]["text"]["body"].startswith("Ja, J. de Vries: kies een regeling in ")


def test_sms_outside_contact_hours_is_deferred_not_sent(storage_connection, tmp_path):
    hour = (datetime.now(AMSTERDAM).hour + 2) % 23
    with serving(
        storage_connection, tmp_path, INNING_CONTACT_HOURS=f"{hour:02d}:00-{hour + 1:02d}:00"
    ) as (url, keys):
        services = bootstrap.services()
        api = f"{url}/api/v1/clients/BAKKERIJ"
        headers = {"X-Api-Key": keys["BAKKERIJ"], "Idempotency-Key": f"sms-{time.time_ns()}"}
        sent = httpx.post(f"{api}/debtors/D-1001/messages", headers=headers,
                          json={"channel": "sms", "body": "Beste {{ debtor.name }}, graag {{ principal|money }} voldoen."})  # fmt: skip
        assert sent.status_code == 202, sent.text
        body = sent.json()
        assert body["deferred"] is True and body["created"] is True
        not_before = datetime.fromisoformat(body["not_before"]).astimezone(AMSTERDAM)
        assert not_before.hour == hour and not_before > datetime.now(AMSTERDAM)
        again = httpx.post(f"{api}/debtors/D-1001/messages", headers=headers,
                           json={"channel": "sms", "body": "Beste {{ debtor.name }}, graag {{ principal|money }} voldoen."})  # fmt: skip
        assert again.status_code == 202 and again.json()["created"] is False
        client_id = _client_id(keys["BAKKERIJ"])
        time.sleep(3)  # the queue function has had the job: it must defer, not send or drop
        record = services.messaging.outbox.get(client_id, body["key"])
        assert (
            record is not None and record[0].status.value == "pending" and record[0].attempts == 0
        )
        log = httpx.get(
            f"{api}/debtors/D-1001/contacts", headers={"X-Api-Key": keys["BAKKERIJ"]}
        ).json()["items"]
        assert any(
            "sms by hand queued" in e["summary"] and "contact hours" in e["summary"] for e in log
        )
