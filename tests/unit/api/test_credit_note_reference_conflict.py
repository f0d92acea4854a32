"""codereview14 F3: a credit note's reference booked already with another amount is a rule,
not a race: retrying never helps, so the 409 carries its code (and English money in the
English message), and the console says it in the page's language. Was a bare ``conflict``
"credit note CN-1 was € 20,00", which reads as "changed meanwhile: retry"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.api.console.refusal_text import refusal
from shared.services.errors import ConflictingUpdate
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices/F-1/credit"


@pytest.mark.parametrize("first", ["20.00", "100.00"])  # a partial note, the full credit
def test_a_credit_note_reference_with_another_amount_says_its_rule(world, first):
    a = world.agency_a
    world.clock.at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [invoice_row("F-1", "D1", amount="100.00", invoice_date="2026-02-01",
                        due_date="2026-02-20")]  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body.get("errors")
    booked = a.call("POST", BASE, {"amount": first, "reference": "CN-1"})
    assert booked.status == 200, booked.body
    again = a.call("POST", BASE, {"amount": "30.00", "reference": "CN-1"})
    assert again.status == 409, again.body
    (detail,) = again.body["error"]["details"]
    assert detail["code"] == "credit_note_other_amount"
    assert f"EUR {first}" in detail["message"]


def test_the_console_says_it_in_dutch_and_english():
    exc = ConflictingUpdate("x", code="credit_note_other_amount",
                            params={"reference": "CN-1", "amount": 2000})  # fmt: skip
    assert refusal(exc, "nl").startswith("Creditnota CN-1 is al geboekt voor € 20,00")
    assert refusal(exc, "en").startswith("Credit note CN-1 was booked for EUR 20.00")
    exc = ConflictingUpdate("x", code="repayment_reference_other_amount",
                            params={"reference": "TB-1", "amount": 8790})  # fmt: skip
    assert refusal(exc, "nl").startswith("Kenmerk TB-1 is al vastgelegd voor € 87,90")
    assert refusal(exc, "en").startswith("Reference TB-1 is recorded already for EUR 87.90")
