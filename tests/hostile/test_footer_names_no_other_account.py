"""attack31 F1: a client's footer text carried "pay to NL.. instead" to every debtor.

The footer is printed under every letter, e-mail and portal page of the client; whoever held
a client admin's account (the console's settings page) or the agency's key (POST /v1/clients)
set it to another account or a payment link, past every check the dunning texts have. It may
now name only the client's proven accounts and the agency's third-party account, and link
only to Inning's own pages and the domains the agency registered for the client."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared.domain.parties import Client, HouseStyle
from shared.domain.references import iban
from shared.services.errors import Invalid
from tests.unit.api.conftest import World, client_iban, client_row, verify_ibans

THIEF = iban.build("NL", "INGB0001234567")


def _display(account: str) -> str:
    return " ".join(account[i : i + 4] for i in range(0, len(account), 4))


def _c1(world: World) -> Client:
    found = world.services.repos.clients.get(
        world.services.repos.clients.id_for_number("agency-a", "C1") or ""
    )
    assert found is not None
    return found[0]


def _footer(world: World, text: str) -> Client:
    return world.services.client_settings.house_style(
        _c1(world), primary_color="#1f4e79", accent_color="#f2a900", footer_text=text
    )


def _refused(world: World, text: str) -> Invalid:
    with pytest.raises(Invalid) as caught:
        _footer(world, text)
    return caught.value


@pytest.fixture
def c1(world: World) -> None:
    assert world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200


@pytest.mark.parametrize(
    "text",
    [
        f"Betaal voortaan op {_display(THIEF)} t.n.v. Incasso",
        f"Nieuw rekeningnummer:{THIEF}",
        "Bakkerij B.V. - " + _display(THIEF).replace(" ", "-"),
    ],
)
def test_a_foreign_account_in_the_footer_is_refused(world: World, c1: None, text: str) -> None:
    refused = _refused(world, text)
    assert refused.code == "footer_foreign_iban" and refused.field == "footer_text"
    assert THIEF not in str(refused)  # masked
    assert _c1(world).house_style.footer_text is None


@pytest.mark.parametrize(
    "text",
    [
        "Betaal via https://tikkie.me/pay/abc",
        "Snel betalen: bunq.me/incasso/12,50",
        "Zie www.bakkerij-betalen.nl",
    ],
)
def test_a_payment_link_in_the_footer_is_refused(world: World, c1: None, text: str) -> None:
    refused = _refused(world, text)
    assert refused.code == "footer_foreign_link", refused


def test_the_clients_own_proven_account_and_domain_are_kept(world: World, c1: None) -> None:
    own = client_iban("C1")
    # registered, not yet proven: debtors are not pointed to it
    assert _refused(world, f"IBAN {_display(own)}").code == "footer_foreign_iban"
    verify_ibans(world.agency_a, "C1")
    assert _footer(world, f"IBAN {_display(own)}").house_style.footer_text
    assert _refused(world, "www.bakkerij.nl").code == "footer_foreign_link"
    put = world.agency_a.call("PUT", "/v1/clients/C1/link-domains", {"domains": ["bakkerij.nl"]})
    assert put.status == 200, put.body
    text = "Bakkerij B.V. · www.bakkerij.nl · KvK 12345678 · http://localhost:7071/portal"
    assert _footer(world, text).house_style.footer_text == text


def test_a_footer_stored_before_is_kept_when_sent_back(world: World, c1: None) -> None:
    client = _c1(world)
    old = f"Oude tekst {THIEF}"
    found = world.services.repos.clients.get(client.client_id)
    assert found is not None
    world.services.repos.clients.save(
        replace(client, house_style=HouseStyle(footer_text=old)), found[1]
    )
    # the settings form sends the footer back with a new colour: not checked again
    assert _footer(world, old).house_style.footer_text == old
    row = client_row("C1", house_style={"footer_text": old, "primary_color": "#000000"})
    assert world.agency_a.call("POST", "/v1/clients", {"items": [row]}).body["errors"] == []


def test_the_agencys_import_refuses_it_per_row(world: World, c1: None) -> None:
    rows = [
        client_row("C1", house_style={"footer_text": f"Betaal op {THIEF}"}),
        client_row("C2", house_style={"footer_text": "https://paypal.me/incasso"}),
        client_row("C3", house_style={"footer_text": "Met vriendelijke groet"}),
    ]
    reply = world.agency_a.call("POST", "/v1/clients", {"items": rows})
    assert reply.status == 200, reply.body
    errors = {e["index"]: e for e in reply.body["errors"]}
    assert set(errors) == {0, 1}
    assert errors[0]["field"] == "house_style.footer_text" and "NL" in errors[0]["message"]
    assert "paypal.me" in errors[1]["message"]
    assert _c1(world).house_style.footer_text is None
    assert world.services.repos.clients.id_for_number("agency-a", "C2") is None
    assert world.services.repos.clients.id_for_number("agency-a", "C3") is not None
