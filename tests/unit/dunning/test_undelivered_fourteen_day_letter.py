"""A 14-day letter reported undeliverable starts no costs term (law4 finding 6, art. 6:96 lid 6
BW: the costs are owed only after a 14-day letter that reached the debtor)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.domain.messaging import OutboxStatus
from shared.services.letter_undelivered import confirm_receipt
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day

WORKFLOW = {"name": "W", "steps": [
    {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 3,
     "templates": {"nl": "t-14"}},
    {"name": "Bellen", "channel": "staff_task", "offset_days": 40, "offset_from": "previous_step"},
]}  # fmt: skip


def _letter_posted(world):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)  # Monday
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    for tid, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-02-01", due_date="2025-02-28")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    day(world, client)
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    return a, client, message


def test_an_undeliverable_fourteen_day_letter_makes_no_costs_owed(world):
    # posted Mon 2025-03-03, received Wed 03-05, term 03-06 .. 03-19: costs owed from 03-20
    a, client, message = _letter_posted(world)
    assert a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-01").body[
        "costs_owed_from"] == "2025-03-20"  # fmt: skip
    world.clock.at = datetime(2025, 3, 7, 9, 0, tzinfo=UTC)
    messaging = world.services.messaging
    for _ in range(2):  # the provider reports it twice: one item, one change
        assert messaging.record_status(
            message.provider, message.provider_id, OutboxStatus.UNDELIVERABLE, "adres onbekend"
        )
    for n in range(1, 30):
        world.clock.at = datetime(2025, 3, 7, 6, 0, tzinfo=UTC) + timedelta(days=n)
        day(world, client)
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-01").body
    # on main: costs 150.00 (15 % of 1,000), owed from 2025-03-20. Now no costs; interest
    # 03-01 .. 04-01: 1,000 x 6 % x 31/365 = 5.096 -> 5.10
    assert claim.get("costs_owed_from") is None
    assert claim["open"]["costs"] == "0.00"
    assert claim["open"]["interest"] == "5.10"
    failures = [i for i in a.call("GET", "/v1/clients/C1/actions").body["items"]
                if i["kind"] == "delivery_failure"]  # fmt: skip
    assert len(failures) == 1
    assert "no collection costs for F1" in failures[0]["title"]
    assert "unless staff confirm" in failures[0]["title"]

    # staff learn the debtor did get it: the term is back, as the letter made it. The daily
    # work's write right is not enough (it makes EUR 150 owed again): an admin's decision
    url = "/v1/clients/C1/invoices/F1/fourteen-day-letter-received"
    staff = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"]
    assert a.as_key(staff).call("POST", url).status == 403
    assert a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-01").body[
        "open"]["costs"] == "0.00"  # fmt: skip
    reply = a.call("POST", url)
    assert reply.status == 200 and reply.body["costs_term_restored"] == ["F1"]
    assert a.call("POST", url).body["costs_term_restored"] == []  # twice: no change
    stored = messaging.outbox.get(client.client_id, message.key)[0]
    assert confirm_receipt(world.services.repos, stored) == []
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-01").body
    assert claim["costs_owed_from"] == "2025-03-20"
    assert claim["open"]["costs"] == "150.00"
