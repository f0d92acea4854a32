"""attack31 F3 (and F1's postal address): words debtors read that carried "pay to NL.. instead".

An invoice's number, a debtor's number and name are printed in every letter, e-mail and on
the portal; a client's postal address in the letterhead, a debtor's in the envelope window.
A client's key put another account or a payment link there, past the dunning texts' checks.
Each is now refused, naming the field; a business named after its domain ("Bol.com B.V.") and
an address such as "Burg.de Withstraat" are kept, and what was stored before is not checked
again when it is sent back unchanged."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared.api.postal_address import postal_address
from shared.domain.references import iban
from shared.services.errors import Invalid
from tests.unit.api.conftest import ApiClient, World, client_row, debtor_row, invoice_row

THIEF = iban.build("NL", "INGB0001234567")
SPACED = " ".join(THIEF[i : i + 4] for i in range(0, len(THIEF), 4))


@pytest.fixture
def c1(world: World) -> ApiClient:
    assert world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    key = world.agency_a.call("POST", "/v1/keys", {"scope": "client", "client": "C1",
                                                   "admin": True}).body["key"]  # fmt: skip
    return world.agency_a.as_key(key)


def _errors(reply: object) -> dict[int, dict[str, str]]:
    body = reply.body  # type: ignore[attr-defined]
    return {e["index"]: e for e in body["errors"]}


def test_debtor_numbers_and_names_with_an_account_or_link(world: World, c1: ApiClient) -> None:
    rows = [
        debtor_row(THIEF),
        debtor_row("tikkie.me"),
        debtor_row("D3", name=f"J. Jansen, betaal op {SPACED}"),
        debtor_row("D4", name="Jansen (betaal via https://bunq.me/incasso)"),
        debtor_row("D5", name="Jansen bunq.me/incasso"),
        debtor_row("D6", name="Bol.com B.V."),
        debtor_row(
            "D7",
            address={
                "street": f"Dorpsstraat 1 {THIEF}",
                "postal_code": "1234 AB",
                "city": "Utrecht",
            },
        ),
        debtor_row(
            "D8",
            address={"street": "Burg.de Withstraat 3", "postal_code": "1234 AB", "city": "Utrecht"},
        ),
        debtor_row("jan@bakkerij.nl", emails=["jan@bakkerij.nl"]),
    ]
    reply = c1.call("POST", "/v1/clients/C1/debtors", {"items": rows})
    assert reply.status == 200, reply.body
    errors = _errors(reply)
    assert set(errors) == {0, 1, 2, 3, 4, 6}, errors
    assert errors[0]["field"] == "number" and "NL" in errors[0]["message"]
    assert THIEF not in errors[0]["message"]  # masked
    assert errors[1]["field"] == "number" and "tikkie.me" in errors[1]["message"]
    assert {errors[i]["field"] for i in (2, 3, 4)} == {"name"}
    assert "street" in str(errors[6])
    assert reply.body["created"] == 3


def test_invoice_numbers_with_an_account_or_link(world: World, c1: ApiClient) -> None:
    assert c1.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row()]}).status == 200
    rows = [invoice_row(THIEF), invoice_row("https://tikkie.me/x"), invoice_row("F-2025.001")]
    reply = c1.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    assert reply.status == 200, reply.body
    errors = _errors(reply)
    assert set(errors) == {0, 1}, errors
    assert all(e["field"] == "number" for e in errors.values())
    assert "invoice number" in errors[1]["message"]


def test_what_was_stored_before_is_not_checked_again(world: World, c1: ApiClient) -> None:
    assert c1.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row()]}).status == 200
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1") or ""
    found = world.services.repos.debtors.get(client_id, "D1")
    assert found is not None
    old = f"Oud {THIEF}"
    world.services.repos.debtors.save(replace(found[0], name=old), found[1])
    again = c1.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row(name=old)]})
    assert again.body["errors"] == [], again.body
    renamed = c1.call("POST", "/v1/clients/C1/debtors",
                      {"items": [debtor_row(name=f"Nieuw {THIEF}")]})  # fmt: skip
    assert _errors(renamed)[0]["field"] == "name"


def test_the_clients_postal_address(world: World, c1: ApiClient) -> None:
    body = {"postal_address": {"street": "Postbus 1, betaal via tikkie.me/abc",
                               "postal_code": "1234 AB", "city": "Utrecht"}}  # fmt: skip
    reply = c1.call("PUT", "/v1/clients/C1/contact", body)
    assert reply.status == 422, reply.body
    assert "street" in str(reply.body)
    row = client_row("C1", postal_address={"street": "Kerkstraat 1", "postal_code": "1234 AB",
                                           "city": f"Utrecht {THIEF}"})  # fmt: skip
    assert _errors(world.agency_a.call("POST", "/v1/clients", {"items": [row]}))[0]
    # the console's form: the same rule, its own code
    with pytest.raises(Invalid) as caught:
        postal_address(f"Kerkstraat 1 {SPACED}", "1234 AB", "Utrecht", "NL")
    assert caught.value.code == "postal_address_account_or_link"
    assert caught.value.field == "street"
    assert postal_address("Burg.de Withstraat 3", "1234 AB", "Utrecht", "NL") is not None
