"""attack31 refuses an invoice's or a debtor's number that names an account or a link, as
debtors read it in every letter, e-mail and on the portal. The check reads the number in its
stored order; a right-to-left override shows it the other way round: "\u202e0034617140ANBA19LN"
is stored without any account and is read by the debtor as NL91ABNA0417164300 ("betaal op"
written before it by the client's words), "\u202eyap/em.eikkit" as tikkie.me/pay. Names and
address lines refuse such characters by their pattern; numbers did not (attack33). A number
holding a character that turns or isolates the reading direction is refused now, and the
stored-texts check lists one stored before."""

from __future__ import annotations

import pytest

from shared.domain.references import iban
from shared.domain.shown_text import number_fault
from shared.services.operations.stored_texts_check import check_client
from tests.unit.api.conftest import ApiClient, World, client_row, debtor_row, invoice_row

THIEF = iban.build("NL", "INGB0001234567")
TURNED = [
    "\u202e" + THIEF[::-1],  # RIGHT-TO-LEFT OVERRIDE
    "F-1 \u202e" + "tikkie.me/pay"[::-1] + "\u202c",  # ... POP DIRECTIONAL FORMATTING
    "\u2067" + THIEF[::-1] + "\u2069",  # RIGHT-TO-LEFT ISOLATE
    "F-1\u200f2",  # RIGHT-TO-LEFT MARK
    "F-1\u202b2",  # RIGHT-TO-LEFT EMBEDDING
    "F-1\u061c2",  # ARABIC LETTER MARK
]


@pytest.fixture
def c1(world: World) -> ApiClient:
    assert world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    key = world.agency_a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"]
    return world.agency_a.as_key(key)  # a staff key: it sends invoices and debtors


@pytest.mark.parametrize("number", TURNED)
def test_a_number_that_turns_the_reading_direction_is_refused(number: str) -> None:
    assert number_fault(number) is not None, number


def test_invoice_and_debtor_numbers_turned_around_are_refused(world: World, c1: ApiClient) -> None:
    assert c1.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]}).status == 200
    invoices = c1.call("POST", "/v1/clients/C1/invoices",
                       {"items": [invoice_row(n, "D1") for n in TURNED]})  # fmt: skip
    assert invoices.status == 200 and invoices.body["rejected"] == len(TURNED), invoices.body
    assert {e["field"] for e in invoices.body["errors"]} == {"number"}
    debtors = c1.call("POST", "/v1/clients/C1/debtors",
                      {"items": [debtor_row(n) for n in TURNED[:3]]})  # fmt: skip
    assert debtors.body["rejected"] == 3, debtors.body
    plain = c1.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F-2025/001", "D1")]})
    assert plain.body["rejected"] == 0, plain.body


def test_the_stored_texts_check_lists_a_number_turned_around(world: World, c1: ApiClient) -> None:
    from dataclasses import replace

    assert c1.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]}).status == 200
    repos = world.services.repos
    client_id = repos.clients.id_for_number("agency-a", "C1")
    assert client_id is not None
    debtor, _ = repos.debtors.get(client_id, "D1")  # type: ignore[misc]
    repos.debtors.save(replace(debtor, number=TURNED[0]), None)  # stored before the rule
    client = repos.clients.get(client_id)
    assert client is not None
    found = check_client(repos, client[0])
    assert any(f.kind == "debtor" and f.id == TURNED[0] for f in found.found), found
