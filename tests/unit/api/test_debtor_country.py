"""A debtor's address names an assigned ISO 3166-1 alpha-2 country (newcomer14b #3): the
country decides the 14-day letter's receipt term (anything but NL is abroad), so "XX" (no
country) and "UK" (the United Kingdom is GB) are refused with the row's error, as
`inning term --country` refuses them; BE and GB are taken."""

from __future__ import annotations

from tests.unit.api.conftest import client_row, debtor_row


def _abroad(number: str, country: str) -> dict[str, object]:
    address = {"street": "Rue Haute 1", "postal_code": "1000", "city": "Elsewhere",
               "country": country}  # fmt: skip
    return debtor_row(number, address=address)


def test_a_country_code_that_names_no_country_is_refused(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    rows = [_abroad("D7", "UK"), _abroad("D8", "XX"), _abroad("D9", "BE"), _abroad("D10", "GB")]
    body = a.call("POST", "/v1/clients/C1/debtors", {"items": rows}).body
    assert body["created"] == 2
    refused = {(e["index"], e["field"]) for e in body["errors"]}
    assert refused == {(0, "address.country"), (1, "address.country")}
    assert all("not a country" in e["message"] for e in body["errors"])
    listed = a.call("GET", "/v1/clients/C1/debtors").body["items"]
    assert sorted(d["number"] for d in listed) == ["D10", "D9"]
