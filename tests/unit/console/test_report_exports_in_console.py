"""cm18 F5: the month's export for the client's books (the MT940 of what the agency received
for the client on its third-party account, and the "Ontvangen betalingen" PDF) was API only:
Sanne, working in the console, had no way to it. The Reports page downloads both, the same
files the API answers, to whom the API's routes allow them, with the API's refusal in words."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World, client_row
from tests.unit.console.conftest import Browser, csrf_of, desk_for
from tests.unit.services.test_exports import (
    OWN,
    POOLED,
    _get,
    _ingest,
    pdf_text,
    world_of_two_accounts,  # noqa: F401 - the fixture
)

MARCH = {"start": "2025-03-01", "end": "2025-03-31"}


def _client_id(world: World) -> str:
    found = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert found
    return found


def _export(browser: Browser, what: str, **period: str):  # type: ignore[no-untyped-def]
    token = csrf_of(browser.get("/reports"))
    return browser.post("/reports", {"csrf": token, "do": "export", "what": what,
                                     **(period or MARCH)})  # fmt: skip


def test_the_reports_page_downloads_the_apis_mt940_and_pdf(world_of_two_accounts) -> None:  # noqa: F811
    w = world_of_two_accounts
    _ingest(w, "own.sta", OWN, 10_000, "F-1")
    _ingest(w, "pool.sta", POOLED, 25_085, "F-2", sid="S2")
    sanne = desk_for(w, Role.CLIENT_ADMIN, _client_id(w), "sanne@c1.example")
    page = sanne.get("/reports").encoded().decode()
    assert "Export voor uw boekhouding" in page and 'value="mt940"' in page

    mt940 = _export(sanne, "mt940")
    assert mt940.status == 200, mt940.encoded()[:300]
    assert 'filename="inning-C1-2025-03-01-2025-03-31.sta"' in mt940.headers["Content-Disposition"]
    api = _get(w, "mt940", "2025-03-01", "2025-03-31")
    assert mt940.encoded() == api.encoded()  # the API's file, byte for byte
    assert f":25:{POOLED}EUR" in mt940.encoded().decode()

    pdf = _export(sanne, "pdf")
    assert pdf.status == 200 and pdf.content_type == "application/pdf"
    assert "Ontvangen betalingen" in pdf_text(pdf.encoded())

    backwards = _export(sanne, "pdf", start="2025-03-31", end="2025-03-01")
    assert backwards.status == 400
    assert "de einddatum ligt vóór de begindatum" in backwards.encoded().decode()


def test_without_a_third_party_account_the_page_says_why(world: World) -> None:
    assert world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    sanne = desk_for(world, Role.CLIENT_ADMIN, _client_id(world), "sanne@c1.example")
    refused = _export(sanne, "mt940")
    assert refused.status == 422
    body = refused.encoded().decode()
    assert "Niet gelukt: Het incassobureau heeft geen derdengeldenrekening vastgelegd" in body
