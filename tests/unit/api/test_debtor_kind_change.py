"""attack6 finding 3: the client's plain API key turned a consumer into a business by pushing
the debtor again with ``"kind": "b2b"``; his open claims were re-priced at once (costs of the
staffel to the agreed B2B costs, 6:119 to 6:119a interest) and nothing was logged. Now a
change of kind on a debtor with open claims is an admin's act, consumer to business is
refused while a claim's costs were announced to the consumer, and a change leaves a
contact-log line and an audit entry."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.people.audit import Event
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row


def _world(world: World):
    world.clock.at = datetime(2025, 4, 10, 9, 0, tzinfo=UTC)
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        # D1's 14-day letter went out: its costs (the staffel) were announced to a consumer
        invoice_row("F1", "D1", amount="500.00", invoice_date="2025-01-01",
                    due_date="2025-01-10", fourteen_day_letter_on="2025-03-01"),
        invoice_row("F2", "D2", amount="500.00", invoice_date="2025-01-01", due_date="2025-01-10"),
    ]})  # fmt: skip
    return a


def _claim(a, number):
    body = a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on="2025-04-10").body
    return body["open"]["costs"], body["interest_rule"]


def _kind(world: World, a, number):
    return a.call("GET", f"/v1/clients/C1/debtors/{number}").body["kind"]


def test_a_plain_client_key_cannot_turn_a_consumer_into_a_business(world: World) -> None:
    a = _world(world)
    before = _claim(a, "F1")
    plain = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"])
    reply = plain.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b")]})
    assert reply.status == 200 and reply.body["updated"] == 0, reply.body
    [error] = reply.body["errors"]
    assert error["field"] == "kind" and "administrator" in error["message"]
    assert _kind(world, a, "D1") == "b2c" and _claim(a, "F1") == before
    # a debtor without open claims, or a push that keeps the kind, goes through as before
    assert plain.call("POST", "/v1/clients/C1/debtors", {"items": [
        debtor_row("D1", name="Jan Jansen"), debtor_row("D3", kind="b2b")]}).body["rejected"] == 0  # fmt: skip


def test_an_admin_cannot_re_price_a_claim_announced_to_a_consumer(world: World) -> None:
    a = _world(world)
    before = _claim(a, "F1")
    reply = a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b")]})
    [error] = reply.body["errors"]
    assert error["field"] == "kind" and "F1" in error["message"]
    assert _kind(world, a, "D1") == "b2c" and _claim(a, "F1") == before


def test_an_admins_change_before_any_letter_is_logged_and_audited(world: World) -> None:
    a = _world(world)
    reply = a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D2", kind="b2b")]})
    assert reply.body["updated"] == 1 and reply.body["rejected"] == 0, reply.body
    assert _kind(world, a, "D2") == "b2b"
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert client_id
    entries, _ = world.services.repos.contacts.for_debtor(client_id, "D2")
    assert any("from consumer to business" in e.summary for e in entries)
    kit = world.services.people.kit
    events = [e for e in kit.people.audit.between(f"client:{client_id}", "0", "z")
              if e.event is Event.DEBTOR_KIND_CHANGED]  # fmt: skip
    assert [(e.subject, e.detail["before"], e.detail["after"]) for e in events] == [
        ("D2", "b2c", "b2b")
    ]
