"""The same credit note reference posted again as the other kind is refused, and the invoice's
``credit_notes`` say each note's kind (codereview16 F6).

Before, a note's repeat was "the same reference with the same amount": KORTING-1 booked as a
correction (the default, ``kind`` left out) and posted again as the discount the client meant
answered 200 while the ledger kept the correction: F1 (consumer 1,000.00 due 31-1-2025,
14-day letter 10-2, 125.00 off on 1-6-2025) read 875.00 + 131.25 + 17.26 = 1,023.51 where the
discount leaves 875.00 + 150.00 + 19.73 = 1,044.73, and nothing said which kind was booked."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.api.console.refusal_text import refusal
from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms
from shared.services.errors import Invalid
from tests.unit.api.conftest import invoice_row
from tests.unit.ledger.test_discount_api import BASE, _client

NOTE = {"amount": "125.00", "reference": "KORTING-1", "date": "2025-06-01", "reason": "coulance"}
OPEN = {"correction": "1023.51", "discount": "1044.73"}


@pytest.mark.parametrize(("first", "then"), [("correction", "discount"),
                                             ("discount", "correction")])  # fmt: skip
def test_the_same_reference_as_the_other_kind_is_refused_naming_the_kind_booked(
    world, first: str, then: str
) -> None:  # type: ignore[no-untyped-def]
    a = _client(world, datetime(2025, 6, 1, 10, 0, tzinfo=UTC),
                [invoice_row("F1", "D1", amount="1000.00", fourteen_day_letter_on="2025-02-10")])  # fmt: skip
    # a correction with `kind` left out, as the client's integration sent it
    sent = {**NOTE, "kind": first} if first == "discount" else NOTE
    booked = a.call("POST", f"{BASE}/F1/credit", sent)
    assert booked.status == 200, booked.body
    assert booked.body["credit_notes"] == [
        {"reference": "KORTING-1", "amount": "125.00", "kind": first}
    ]
    again = a.call("POST", f"{BASE}/F1/credit", {**NOTE, "kind": then})
    assert again.status == 422, again.body
    [detail] = again.body["error"]["details"]
    assert detail["code"] == "credit_note_other_kind", again.body
    assert f"booked as a {first}" in detail["message"]
    # nothing changed, and the invoice says which kind stands
    assert a.call("GET", f"{BASE}/F1/claim").body["open"]["total"] == OPEN[first]
    shown = a.call("GET", f"{BASE}/F1").body["credit_notes"]
    assert shown == [{"reference": "KORTING-1", "amount": "125.00", "kind": first}]
    listed = a.call("GET", BASE).body["items"]
    assert [i["credit_notes"] for i in listed] == [shown]
    # the same note as the same kind is still the same note: booked once
    same = a.call("POST", f"{BASE}/F1/credit", sent)
    assert same.status == 200, same.body
    assert a.call("GET", f"{BASE}/F1/claim").body["open"]["total"] == OPEN[first]


def test_the_ledger_refuses_the_other_kind_too() -> None:
    """booking.credit_part, whoever calls it: the same reference and amount as a discount
    after a correction is refused with its code (was: nothing booked, answered as done)."""
    records = [ClaimRecord(ClaimTerms("F1", "D1", date(2025, 1, 31), 100_000))]
    done = booking.credit_part(records, "F1", 12_500, date(2025, 6, 1), "K-1", "price")
    records = [ClaimRecord(records[0].terms, done.events["F1"])]
    assert booking.credit_note_kinds(records[0].events) == {"K-1": "correction"}
    assert not booking.credit_part(records, "F1", 12_500, date(2025, 6, 1), "K-1", "price").events
    with pytest.raises(booking.LedgerRuleError) as refused:
        booking.credit_part(records, "F1", 12_500, date(2025, 6, 1), "K-1", "price",
                            discount=True)  # fmt: skip
    assert refused.value.code == "credit_note_other_kind"
    assert refused.value.params == {"reference": "K-1", "note_kind": "correction"}


def test_the_console_says_it_in_dutch_and_english() -> None:
    exc = Invalid("x", code="credit_note_other_kind",
                  params={"reference": "K-1", "note_kind": "discount"})  # fmt: skip
    assert refusal(exc, "nl").startswith("Creditnota K-1 is al geboekt als korting:")
    assert refusal(exc, "en").startswith("Credit note K-1 was booked as a discount:")
    exc = Invalid("x", code="credit_note_other_kind",
                  params={"reference": "K-1", "note_kind": "correction"})  # fmt: skip
    assert refusal(exc, "nl").startswith("Creditnota K-1 is al geboekt als correctie")
