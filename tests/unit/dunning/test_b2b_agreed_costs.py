"""A business client's agreed collection costs reach the claim, the announced costs of its
letters and the ledger (law4 finding 10; art. 6:96 lid 5 BW: the staffel binds only for
consumers, who always get it). Hand: the staffel on 5,000.00 is 15 % x 2,500 + 10 % x 2,500 =
375.00 + 250.00 = 625.00; agreed 15 % of 5,000.00 = 750.00."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def _setup(world, **client):
    world.clock.at = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1", **client)]}).status == 200
    a.call("POST", "/v1/clients/C1/debtors", {"items": [
        debtor_row("B1", name="Bouw BV", kind="b2b"), debtor_row("D1")]})  # fmt: skip
    # the client's own sommatie / 14-day letter of Mon 2025-02-10 (business: costs from that
    # day; consumer: received Wed 02-12, term to 02-26, costs from 02-27)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("B-1", "B1", amount="5000.00", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F-1", "D1", amount="5000.00", fourteen_day_letter_on="2025-02-10"),
    ]})  # fmt: skip
    return a


def _update(a, **fields):
    """An update of the client that sends only these settings (the others stay)."""
    row = {"number": "C1", "name": "Client C1", **fields}
    reply = a.call("POST", "/v1/clients", {"items": [row]})
    return reply.status == 200 and reply.body["updated"] == 1


def _costs(a, number):
    return a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on="2025-03-10").body["open"][
        "costs"
    ]


def test_an_agreed_percentage_is_charged_to_businesses_and_never_to_consumers(world):
    a = _setup(world, b2b_collection_costs_rate="15")
    assert _costs(a, "B-1") == "750.00"  # main: 625.00, the staffel
    assert _costs(a, "F-1") == "625.00"  # a consumer: the staffel, whatever was agreed
    # the letters state what the ledger will charge: the same agreed amount
    services = world.services
    client = services.access.client_for(services.access.authenticate(a.key), "C1")
    debtor = services.repos.debtors.get(client.client_id, "B1")[0]
    announced = services.dunning.ledger.announced_costs(client, debtor, ["B-1"], date(2025, 3, 10))
    assert announced == 75_000


def test_an_agreed_fixed_amount_and_its_minimum(world):
    a = _setup(world, b2b_collection_costs_amount="250.00")
    assert _costs(a, "B-1") == "250.00"
    assert _costs(a, "F-1") == "625.00"
    # B-1's sommatie announced 250.00: a change of the terms would re-price it (attack6 #1)
    assert not _update(a, b2b_collection_costs_amount="30.00")
    assert _costs(a, "B-1") == "250.00"
    assert a.call("POST", "/v1/clients/C1/invoices/B-1/withdraw").status == 200
    # the client's terms change to 30.00: never below EUR 40 (6:96; Besluit art. 2 lid 2)
    assert _update(a, b2b_collection_costs_amount="30.00")
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("B-2", "B1", amount="5000.00", fourteen_day_letter_on="2025-02-10")]})  # fmt: skip
    assert _costs(a, "B-2") == "40.00"
    shown = a.call("GET", "/v1/clients").body["items"][0]
    assert (shown["b2b_collection_costs_rate"], shown["b2b_collection_costs_amount"]) == (
        None,
        "30.00",
    )
    # one basis replaces the other; sending a rate clears the amount
    assert a.call("POST", "/v1/clients/C1/invoices/B-2/withdraw").status == 200
    assert _update(a, b2b_collection_costs_rate="10")
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("B-3", "B1", amount="5000.00", fourteen_day_letter_on="2025-02-10")]})  # fmt: skip
    assert _costs(a, "B-3") == "500.00"  # 10 % of 5,000.00
    [stored] = world.services.repos.clients.all()
    assert (stored.b2b_costs_percent, stored.b2b_costs_fixed) == ("10.00", 0)
    assert _update(a, charge_interest=True)  # a change of something else keeps the basis
    [stored] = world.services.repos.clients.all()
    assert (stored.b2b_costs_percent, stored.b2b_costs_fixed) == ("10.00", 0)


def test_the_api_refuses_what_cannot_be_agreed(world):
    a = world.agency_a
    for extra in ({"b2b_collection_costs_rate": "100.5"}, {"b2b_collection_costs_rate": "12.345"},
                  {"b2b_collection_costs_rate": "0"}, {"b2b_collection_costs_amount": "0"},
                  {"b2b_collection_costs_amount": "1.005"},
                  {"b2b_collection_costs_rate": "15", "b2b_collection_costs_amount": "250.00"}):  # fmt: skip
        reply = a.call("POST", "/v1/clients", {"items": [client_row("C1", **extra)]})
        assert reply.status == 422 or reply.body.get("errors"), (extra, reply.status, reply.body)
