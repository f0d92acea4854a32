"""attack25 F2: a client's contact phone took a premium-rate number (0900, 0906, 0909), which
the portal shows every debtor as "Bel …" and a tel: link: a consumer asked to call about his
invoice pays up to a euro a minute, where he may be asked no more than a basic-rate call
(Directive 2011/83/EU art. 21, CJEU C-568/15 ComAir). Refused now, with its own code."""

from __future__ import annotations

import pytest

from shared.api.console.refusal_text import refusal
from shared.domain.phone import PremiumRate, normalise_phone
from shared.services.errors import Invalid
from tests.unit.api.conftest import World, client_row
from tests.unit.people.conftest import Tenants
from tests.unit.people.conftest import tenants as tenants

CONTACT = "/v1/clients/C1/contact"


@pytest.mark.parametrize("number", ["0900 1234567", "0906 1234567", "0909 1234567",
                                    "+31 900 1234567", "+44 909 8790000", "+881 6 3123 4567",
                                    "+870 7 7312 3456", "+808 1234 5678"])  # fmt: skip
def test_a_premium_rate_number_is_refused(number: str) -> None:
    with pytest.raises(PremiumRate):
        normalise_phone(number)


@pytest.mark.parametrize("number", ["030 123 45 67", "0800 0123", "06 12345678", "085 1234567",
                                    "+32 470 12 34 56", "+800 1234 5678"])  # fmt: skip
def test_an_ordinary_number_is_taken(number: str) -> None:
    assert normalise_phone(number).startswith("+")


def test_the_api_and_a_client_row_refuse_it(world: World, tenants: Tenants) -> None:
    a = world.agency_a
    reply = a.call("PUT", CONTACT, {"contact_phone": "0909 1234567"})
    assert reply.status == 422, reply.body  # was 200, stored +319091234567
    (detail,) = reply.body["error"]["details"]
    assert (detail["field"], detail["code"]) == ("contact_phone", "phone_premium_rate")
    reply = a.call(
        "POST", "/v1/clients", {"items": [client_row("C2", contact_phone="0900 1234567")]}
    )
    assert reply.status == 200, reply.body
    (error,) = reply.body["errors"]
    assert error["field"] == "contact_phone"
    found = world.services.repos.clients.get(tenants.c2)
    assert found is not None and found[0].contact_phone != "+319001234567"
    words = refusal(Invalid("x", "contact_phone", code="phone_premium_rate"), "nl")
    assert words.startswith("Een betaald informatienummer")
