"""A 14-day letter posted to a debtor abroad is assumed received by the cross-border target,
not on the second Dutch delivery day (law13b F2; art. 6:96 lid 6 BW and HR 25-11-2016: the
fourteen days run from the day after receipt; Postal Services Directive 97/67/EC Annex II:
D+5 working days inside the EU).

Consumer D1 in Brussels, F1 1,000.00 due 1-12-2025; the letter is posted Thu 4-12-2025. By
hand: working days Fri 5, Mon 8, Tue 9, Wed 10, Thu 11 -> received 11-12; the term runs
12-12..25-12, Christmas (Thu 25-12), Boxing Day, the weekend -> last day Mon 29-12, costs from
Tue 30-12. In Utrecht the same letter is received Sat 6-12 and costs are owed from 23-12."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from shared.domain.messaging import OutboxStatus
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import FOURTEEN, SEEN, TEMPLATES, day

BASE = "/v1/clients/C1/invoices"
DATED = FOURTEEN + " Datum: {{ letter_date|date }}. Kosten vanaf {{ costs_owed_from|date }}."
BRUSSELS = {"street": "Grote Markt 1", "postal_code": "1000", "city": "Brussel", "country": "BE"}


def _world(world: Any, letter_on: str | None = None) -> tuple[Any, Any]:
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 12, 1, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    reply = a.call("POST", "/v1/clients/C1/debtors",
                   {"items": [debtor_row("D1", name="Jan", address=BRUSSELS)]})  # fmt: skip
    assert reply.status == 200 and not reply.body.get("errors"), reply.body
    dated = {"language": "nl", "subject": "Veertiendagenbrief", "text": DATED,
             "fourteen_day_letter": True}  # fmt: skip
    for tid, body in {**TEMPLATES, "t-14": dated}.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    workflow = {"name": "W", "steps": [
        {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 3,
         "letter_by": "letter", "templates": {"nl": "t-14"}},
        {"name": "Bellen", "channel": "staff_task", "offset_days": 40,
         "offset_from": "previous_step"}]}  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/workflows/w", workflow).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    extra = {"fourteen_day_letter_on": letter_on} if letter_on else {}
    reply = a.call("POST", BASE, {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-11-01", due_date="2025-12-01", **extra)]})  # fmt: skip
    assert reply.status == 200 and not reply.body.get("errors"), reply.body
    return a, world.services.access.client_for(world.services.access.authenticate(a.key), "C1")


def _posted(world: Any) -> tuple[Any, Any, Any]:
    a, client = _world(world)
    world.clock.at = datetime(2025, 12, 4, 6, 0, tzinfo=UTC)
    day(world, client)
    for job in world.services.messaging.queues.take("send-letter"):
        body = json.loads(job.body)
        world.services.messaging.deliver(body["client_id"], body["key"])
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    assert message.status is OutboxStatus.SENT and message.address.country == "BE"
    return a, client, message


def test_a_letter_posted_to_brussels_counts_the_cross_border_days(world):
    a, client, message = _posted(world)
    text = world.services.messaging.content(client.client_id, message.key).text
    assert "Datum: 04-12-2025. Kosten vanaf 30-12-2025." in text
    claim = a.call("GET", f"{BASE}/F1/claim", on="2025-12-29").body
    assert claim["costs_owed_from"] == "2025-12-30" and claim["open"]["costs"] == "0.00"
    assert a.call("GET", f"{BASE}/F1/claim", on="2025-12-30").body["open"]["costs"] == "150.00"


def test_the_letter_abroad_reported_undeliverable_takes_its_own_term_off(world):
    a, client, message = _posted(world)
    world.clock.at = datetime(2025, 12, 8, 9, 0, tzinfo=UTC)
    assert world.services.messaging.record_status(
        message.provider, message.provider_id, OutboxStatus.UNDELIVERABLE, "adres onbekend"
    )
    world.clock.at = datetime(2025, 12, 9, 6, 0, tzinfo=UTC)
    day(world, client)
    claim = a.call("GET", f"{BASE}/F1/claim", on="2026-01-15").body
    assert claim.get("costs_owed_from") is None and claim["open"]["costs"] == "0.00"


def test_the_clients_own_letter_to_brussels_counts_the_cross_border_days(world):
    a, _ = _world(world, letter_on="2025-12-04")
    claim = a.call("GET", f"{BASE}/F1/claim", on="2025-12-29").body
    assert claim["costs_owed_from"] == "2025-12-30" and claim["open"]["costs"] == "0.00"
    assert a.call("GET", f"{BASE}/F1/claim", on="2025-12-30").body["open"]["costs"] == "150.00"
