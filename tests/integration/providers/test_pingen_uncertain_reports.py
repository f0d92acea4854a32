"""A 14-day letter Pingen made while the answer to our create call was lost (failure7 #3):
the record is UNCERTAIN and known by our reference only; Pingen's later webhook names only
its own letter id. The webhook asks Pingen whose letter it is (the file name it keeps), so
the report reaches the record: a returned letter takes its costs term off (art. 6:96 lid 6
BW) and the question "did it go out?" is answered."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

import httpx

from shared.adapters.channels.pingen_letters import PingenLetterChannel
from shared.domain.messaging import Channel, OutboxStatus
from shared.services.callbacks import CallbackService
from tests.integration.providers.test_pingen_letters import FakePingen
from tests.support.stand_in import serve
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, world  # noqa: F401
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day

WORKFLOW = {"name": "W", "steps": [
    {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 3,
     "templates": {"nl": "t-14"}},
    {"name": "Bellen", "channel": "staff_task", "offset_days": 40, "offset_from": "previous_step"}]}  # fmt: skip


def _webhook(kind: str, letter_id: str) -> tuple[bytes, str]:
    body = json.dumps({"data": {"type": kind, "attributes": {"reason": "Adressat unbekannt"},
                                "relationships": {"letter": {"data": {"id": letter_id,
                                                                      "type": "letters"}}}}})  # fmt: skip
    return body.encode(), hmac.new(b"pg-secret", body.encode(), hashlib.sha256).hexdigest()


def test_a_report_on_a_letter_whose_answer_was_lost_reaches_it(world):  # noqa: F811
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 12, 1, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    for tid, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-11-01", due_date="2025-12-01")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    messaging = world.services.messaging
    fake = FakePingen()
    fake.lose_answers = 1
    with serve(fake) as server:
        fake.base = server.url
        messaging.senders = {**messaging.senders, Channel.LETTER: PingenLetterChannel(
            client_id="pg-id", client_secret="pg-secret", organisation_id="org-1",
            api_url=server.url, identity_url=server.url, http=httpx.Client(timeout=5))}  # fmt: skip
        world.clock.at = datetime(2025, 12, 4, 6, 0, tzinfo=UTC)
        day(world, client)
        [(letter, _)] = messaging.outbox.with_prefix(client.client_id, "dun|D1|")
        assert letter.status is OutboxStatus.UNCERTAIN and list(fake.letters) == ["letter-uuid-1"]
        assert a.call("GET", "/v1/clients/C1/invoices/F1/claim").body["costs_owed_from"]
        callbacks = CallbackService(messaging, token="t", pingen_secret="pg-secret")
        world.clock.at = datetime(2025, 12, 14, 9, 0, tzinfo=UTC)  # the letter came back
        assert callbacks.pingen(*_webhook("webhook_undeliverable", "letter-uuid-1")) == 1
        assert callbacks.pingen(*_webhook("webhook_undeliverable", "letter-uuid-9")) == 0
    returned, _ = messaging.outbox.get(client.client_id, letter.key)
    assert returned.status is OutboxStatus.UNDELIVERABLE
    assert returned.provider_id == "letter-uuid-1"
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-02-01").body
    assert claim.get("costs_owed_from") is None and claim["open"]["costs"] == "0.00"
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    checks = [i for i in items if i["kind"] == "verify_delivery"]
    assert len(checks) == 1 and checks[0]["status"] == "resolved"
