"""A partial credit note above the open principal of an invoice paid before its due date
moves the money paid beyond the lower claim (found with ledger-rest6 item 1: the note was
put on the due date, after the payment, and the replay refused an overpaid principal).

F1 and F2 100.00 each, due 2025-03-31; p 80.00 on F1 on 2025-01-10; note CN of 50.00 on
2025-01-12: F1 becomes a 50.00 claim, paid; 30.00 of p goes to F2.
"""

from __future__ import annotations

from datetime import date

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, Component
from shared.domain.ledger.replay import open_claims

DUE = date(2025, 3, 31)


def _records() -> list[ClaimRecord]:
    records = [
        ClaimRecord(ClaimTerms(n, "D1", DUE, 10_000, interest_from=None)) for n in ("F1", "F2")
    ]
    paid = booking.allocate(records, "p", 8_000, date(2025, 1, 10), ["F1"])
    return [ClaimRecord(r.terms, r.events + paid.events.get(r.number, ())) for r in records]


def test_a_note_on_an_invoice_paid_before_its_due_date_releases_the_money_paid_beyond():
    records = _records()
    done = booking.credit_part(records, "F1", 5_000, date(2025, 1, 12), "CN", "price")
    assert done.moved == {"p": (booking.AllocationLine("F2", Component.PRINCIPAL, 3_000),)}
    assert done.left == {"p": 0}
    after = [ClaimRecord(r.terms, r.events + done.events.get(r.number, ())) for r in records]
    figures = open_claims(after, date(2025, 1, 12))
    assert (figures["F1"].paid.principal, figures["F1"].open.total) == (5_000, 0)
    assert (figures["F2"].paid.principal, figures["F2"].open.total) == (3_000, 7_000)
    again = booking.credit_part(after, "F1", 5_000, date(2025, 1, 12), "CN", "price")
    assert again.events == {}
