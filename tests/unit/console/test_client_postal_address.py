"""A client's postal address (ncfix17a, newcomer17 F4): optional in the API (``postal_address``,
stored, shown, kept by a request that does not send it), edited on the console's settings
page, and printed in its letters' letterhead and return line. Before, clients had no address
and every letter's return line read "Client C1, " with nothing to return the letter to."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pypdf
import pytest

import shared.services.dunning as dunning_module
from shared.domain.parties import Address
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.dunning.test_daily_run import SEEN, day
from tests.unit.dunning.test_fourteen_day_letter_amounts import LETTER, WORKFLOW
from tests.unit.people.conftest import Tenants

BELGIAN = {"street": "Rue Haute 5", "postal_code": "1000", "city": "Bruxelles", "country": "BE"}


def _listed(world: World) -> dict[str, Any]:
    answer = world.agency_a.call("GET", "/v1/clients")
    rows: list[dict[str, Any]] = [c for c in answer.body["items"] if c["number"] == "C1"]
    return rows[0]


def test_the_api_stores_shows_and_keeps_the_postal_address(world: World) -> None:
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    assert _listed(world)["postal_address"] is None
    sent = client_row("C1", postal_address=BELGIAN)
    assert a.call("POST", "/v1/clients", {"items": [sent]}).status == 200
    assert _listed(world)["postal_address"] == BELGIAN
    stored = world.services.repos.clients.get(
        world.services.repos.clients.id_for_number("agency-a", "C1") or ""
    )
    assert stored and stored[0].postal_address == Address("Rue Haute 5", "1000", "Bruxelles", "BE")
    # a change of another setting keeps it
    assert (
        a.call("POST", "/v1/clients", {"items": [{"number": "C1", "name": "Client C1 BV"}]}).status
        == 200
    )
    assert _listed(world)["postal_address"] == BELGIAN
    bad = a.call(
        "POST",
        "/v1/clients",
        {"items": [client_row("C1", postal_address={**BELGIAN, "country": "XX"})]},
    )
    assert bad.status in (400, 422) or bad.body.get("rejected"), bad.body


def test_the_letter_prints_it_as_letterhead_and_return_line(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    SEEN.clear()
    pdfs: list[bytes] = []
    real_letter = dunning_module.render_letter  # type: ignore[attr-defined]

    def letter(spec: Any) -> bytes:  # a spy around the real renderer: what the printer gets
        pdfs.append(real_letter(spec))
        return pdfs[-1]

    monkeypatch.setattr(dunning_module, "render_letter", letter)
    a = world.agency_a
    world.clock.at = datetime(2025, 2, 3, 8, 0, tzinfo=UTC)
    address = {"street": "Dorpsstraat 1", "postal_code": "1234 AB", "city": "Utrecht"}
    a.call(
        "POST",
        "/v1/clients",
        {"items": [client_row("C1", contact_email="f@c1.example", postal_address=address)]},
    )
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    template = {
        "language": "nl",
        "subject": "Veertiendagenbrief",
        "text": LETTER,
        "fourteen_day_letter": True,
    }
    assert a.call("PUT", "/v1/clients/C1/templates/t-14", template).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    assert (
        a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]}).status == 200
    )
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="121.00", invoice_date="2025-01-01", due_date="2025-01-31")]})  # fmt: skip
    assert a.key is not None
    principal = world.services.access.authenticate(a.key)
    assert principal is not None
    client = world.services.access.client_for(principal, "C1")
    for n in range(3):
        world.clock.at = datetime(2025, 2, 3, 8, 0, tzinfo=UTC) + timedelta(days=n)
        day(world, client)
    [pdf] = pdfs
    import io

    lines = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    assert "Client C1, Dorpsstraat 1, 1234 AB  UTRECHT" in lines  # the window's return line
    assert lines[:3] == ["Client C1", "Dorpsstraat 1", "1234 AB  UTRECHT"]  # the letterhead


def test_the_settings_page_edits_it(world: World, tenants: Tenants) -> None:
    browser = desk_for(world, Role.AGENCY_ADMIN, None, "admin@x.example")
    path = f"/settings?client={tenants.c1}"
    page = browser.get(path)
    assert 'name="street"' in page.encoded().decode()
    details = {"csrf": csrf_of(page), "client": tenants.c1, "do": "details", "name": "Client C1",
               "contact_email": "", "contact_phone": "", "kvk_number": "", "language": "nl"}  # fmt: skip

    def saved(**address: str) -> Any:
        return browser.post(path, {**details, **address})

    assert saved(**BELGIAN).status == 303
    stored = world.services.repos.clients.get(tenants.c1)
    assert stored and stored[0].postal_address == Address("Rue Haute 5", "1000", "Bruxelles", "BE")
    assert 'value="Rue Haute 5"' in browser.get(path).encoded().decode()
    refused = saved(street="Rue Haute 5", postal_code="", city="Bruxelles", country="BE")
    assert refused.status == 422 and "postadres" in refused.encoded().decode()
    assert (
        saved(street="Rue Haute 5", postal_code="1000", city="Bruxelles", country="XX").status
        == 422
    )
    assert saved(street="", postal_code="", city="", country="NL").status == 303
    cleared = world.services.repos.clients.get(tenants.c1)
    assert cleared and cleared[0].postal_address is None


@pytest.mark.parametrize(
    ("street", "postal_code", "code"),
    [
        ("Dorpsstraat 1", "12345", "1234 AB"),  # the API's Dutch postcode rule
        ("Dorpsstraat \u202e1", "1234 AB", "schrijfrichting"),  # a right-to-left override
    ],
)
def test_the_settings_page_refuses_what_the_api_refuses(
    world: World, tenants: Tenants, street: str, postal_code: str, code: str
) -> None:
    """attack17b F1: the console stored "12345" as a Dutch postcode and a U+202E in the
    street, which the API refuses; it now checks with the API's AddressIn (one rule)."""
    browser = desk_for(world, Role.AGENCY_ADMIN, None, "admin@x.example")
    path = f"/settings?client={tenants.c1}"
    details = {"csrf": csrf_of(browser.get(path)), "client": tenants.c1, "do": "details",
               "name": "Client C1", "contact_email": "", "contact_phone": "", "kvk_number": "",
               "language": "nl", "city": "Utrecht", "country": "NL"}  # fmt: skip
    refused = browser.post(path, {**details, "street": street, "postal_code": postal_code})
    assert refused.status == 422 and code in refused.encoded().decode()
    stored = world.services.repos.clients.get(tenants.c1)
    assert stored and stored[0].postal_address is None
    # written as the API writes it: the postcode stored as 1234 AB
    assert (
        browser.post(path, {**details, "street": "Dorpsstraat 1", "postal_code": "1234ab"}).status
        == 303
    )
    stored = world.services.repos.clients.get(tenants.c1)
    assert stored and stored[0].postal_address == Address("Dorpsstraat 1", "1234 AB", "Utrecht")


def test_a_stored_address_the_rules_refuse_is_read_not_a_500(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """An address stored under other rules (before this check, or by hand) is shown as
    stored with a log line: a read never answers 500 for the agency's whole list."""
    a = world.agency_a
    assert (
        a.call("POST", "/v1/clients", {"items": [client_row("C1"), client_row("C2")]}).status == 200
    )
    repos = world.services.repos
    client_id = repos.clients.id_for_number("agency-a", "C1") or ""
    found = repos.clients.get(client_id)
    assert found is not None
    odd = Address("Dorpsstraat \u202e1", "12345", "Utrecht", "NL")
    repos.clients.save(replace(found[0], postal_address=odd), found[1])
    listed = a.call("GET", "/v1/clients")
    one = a.call("GET", "/v1/clients/C1")
    assert (listed.status, one.status) == (200, 200)
    assert {c["number"] for c in listed.body["items"]} >= {"C1", "C2"}
    assert one.body["postal_address"] == asdict(odd)
    assert "stored postal address breaks the address rules" in caplog.text
