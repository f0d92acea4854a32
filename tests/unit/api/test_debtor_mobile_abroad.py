"""A debtor's mobile written nationally is read in his address's country (newcomer15 #3): a
Belgian's 0470 12 34 56 (or 0470/12.34.56) is +32 470 12 34 56; it was refused "not a valid
phone number" (read as Dutch whatever the country) and the whole debtor with it. A Dutch 06
number kept abroad is still read as Dutch; E.164 always as written. A lower-case country code
is that country, not a regular expression's refusal."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.api.conftest import client_row, debtor_row

ANTWERPEN = {"street": "Meir 1", "postal_code": "2000", "city": "Antwerpen", "country": "BE"}


def _stored(world, mobile: str, **address: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    row = debtor_row("D-BE2", name="Jan Peeters", mobile=mobile,
                     address=ANTWERPEN | address, ibans=["be68 5390 0754 7034"])  # fmt: skip
    body = a.call("POST", "/v1/clients/C1/debtors", {"items": [row]}).body
    found = a.call("GET", "/v1/clients/C1/debtors/D-BE2")
    return body, found.body if found.status == 200 else None


@pytest.mark.parametrize(
    ("mobile", "e164"),
    [
        ("0470 12 34 56", "+32470123456"),
        ("0470/12.34.56", "+32470123456"),
        ("+32 470 12 34 56", "+32470123456"),
        ("0032 470 12 34 56", "+32470123456"),
        ("06 12345678", "+31612345678"),  # his Dutch mobile, kept when he moved
        ("+31 6 12345678", "+31612345678"),
    ],
)
def test_a_belgian_debtors_mobile_is_read_in_belgium(world, mobile, e164):
    body, debtor = _stored(world, mobile)
    assert body.get("errors", []) == [] and debtor is not None, body
    assert debtor["mobile"] == e164


@pytest.mark.parametrize(
    ("country", "e164"),
    [("DE", "+31612345678"), ("FR", "+33612345678")],  # a landline in DE; a mobile in FR
)
def test_a_national_number_is_read_abroad_only_as_a_mobile_there(world, country, e164):
    body, debtor = _stored(world, "06 12345678", country=country, postal_code="10115")
    assert debtor is not None, body
    assert debtor["mobile"] == e164


def test_no_number_in_either_plan_says_to_write_the_country_code(world):
    body, debtor = _stored(world, "0470 12")
    assert debtor is None
    ((error,),) = [body["errors"]]
    assert error["field"] == "mobile" and "with its country code" in error["message"]


def test_a_lower_case_country_is_that_country(world):
    body, debtor = _stored(world, "0470 12 34 56", country="be")
    assert debtor is not None, body
    assert debtor["mobile"] == "+32470123456"
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    stored = world.services.repos.debtors.get(client_id, "D-BE2")
    assert stored is not None and stored[0].address is not None
    assert stored[0].address.country == "BE"  # abroad: the letter's receipt term counts it


def test_a_lower_case_code_of_no_country_gets_the_validators_words(world):
    body, debtor = _stored(world, "+32 470 12 34 56", country="xx")
    assert debtor is None
    ((error,),) = [body["errors"]]
    assert error["field"] == "address.country"
    assert "expected an ISO 3166-1 alpha-2 code such as NL" in error["message"]
    assert "pattern" not in error["message"]
