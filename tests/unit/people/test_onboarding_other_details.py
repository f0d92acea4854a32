"""newcomer15c #1: an onboarding sent again with a corrected IBAN (language, VAT, first
mobile) answered 201 with the same client and kept the first request's values silently: the
client's letters and direct debits went on naming the first IBAN. A repeat must carry the
details the first attempt stored; another one is refused (422
``client_onboarded_other_details``) naming the fields that differ, and nothing is written."""

from __future__ import annotations

import pytest

from shared.domain.references.iban import iban_error
from tests.unit.people.test_onboarding_cut_off import BODY, _onboarded, _world

OTHER_IBAN = "NL20INGB0001234567"


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"iban": OTHER_IBAN}, ["iban"]),
        ({"language": "en"}, ["language"]),
        ({"vat_deductible": False}, ["vat_deductible"]),
        ({"first_mobile": "06 87654321"}, ["first_mobile"]),
        (
            {"iban": OTHER_IBAN, "language": "en", "vat_deductible": False,
             "first_mobile": "06 87654321"},
            ["iban", "language", "vat_deductible", "first_mobile"],
        ),
    ],
)  # fmt: skip
def test_a_repeat_with_other_details_is_refused_naming_them(change, fields):  # type: ignore[no-untyped-def]
    assert iban_error(OTHER_IBAN) is None  # a valid account: refused as other, not as bad
    world = _world()
    made = world.agency_a.call("POST", "/v1/onboarding/clients", BODY)
    assert made.status == 201, made.body
    sent = list(world.services.people.kit.sent)
    world.clock.advance(minutes=1)
    again = world.agency_a.call("POST", "/v1/onboarding/clients", {**BODY, **change})
    assert again.status == 422, again.body
    assert "client_onboarded_other_details" in str(again.body), again.body
    for name in fields:
        assert name in str(again.body), (name, again.body)
    client = world.services.repos.clients.get(made.body["client_id"])
    assert client is not None
    stored = client[0]
    assert (stored.ibans, stored.language.value, stored.vat_deductible) == (
        ("NL91ABNA0417164300",), "nl", True)  # fmt: skip
    assert world.services.people.kit.sent == sent  # nothing mailed
    assert _onboarded(world) == [made.body["client_id"]]


def test_the_same_details_written_otherwise_are_the_same_request():  # type: ignore[no-untyped-def]
    world = _world()
    made = world.agency_a.call("POST", "/v1/onboarding/clients", BODY)
    assert made.status == 201, made.body
    same = {**BODY, "iban": "nl91 abna 0417 1643 00", "first_mobile": "0612345678",
            "first_email": " Eerste@Nieuw.example "}  # fmt: skip
    again = world.agency_a.call("POST", "/v1/onboarding/clients", same)
    assert again.status == 201 and again.body["client_id"] == made.body["client_id"], again.body
