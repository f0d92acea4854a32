"""Crediting a paid claim: the money goes to the debtor's other claims (law3 finding 4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, EventKind, LedgerEvent
from shared.domain.ledger.replay import open_claims

DUE = date(2025, 1, 31)


def terms(number: str, principal: int, due: date = DUE) -> ClaimTerms:
    return ClaimTerms(number, "D1", due, principal, consumer=True, interest_from=None)


def _with(
    records: list[ClaimRecord], events: dict[str, tuple[LedgerEvent, ...]]
) -> list[ClaimRecord]:
    return [ClaimRecord(r.terms, r.events + events.get(r.number, ())) for r in records]


def test_two_payments_move_oldest_first_and_a_second_release_moves_nothing():
    # F1 100.00 paid by p1 30.00 (03-01) and p2 50.00 (03-05); F2 60.00 due later, F3 40.00.
    # F1 credited on 03-10: p1's 30.00 (received 03-01) goes first to the oldest other claim
    # F3 (due 01-31): 30.00; then p2's 50.00: F3 10.00, F2 40.00. No interest, no costs.
    f1, f2 = terms("F1", 10_000), terms("F2", 6_000, DUE + timedelta(days=10))
    f3 = terms("F3", 4_000)
    records = [ClaimRecord(f1), ClaimRecord(f2), ClaimRecord(f3)]
    for pid, amount, day in (("p1", 3_000, date(2025, 3, 1)), ("p2", 5_000, date(2025, 3, 5))):
        paid = booking.allocate(records, pid, amount, day, ["F1"])
        assert [(x.invoice_number, x.amount) for x in paid.lines] == [("F1", amount)]
        records = _with(records, paid.events)
    records = [ClaimRecord(replace(r.terms, closed=True), r.events) if r.number == "F1" else r
               for r in records]  # fmt: skip
    release = booking.release_credited(records, "F1", date(2025, 3, 10))
    assert {
        p: [(x.invoice_number, x.amount) for x in lines] for p, lines in release.moved.items()
    } == {
        "p1": [("F3", 3_000)],
        "p2": [("F3", 1_000), ("F2", 4_000)],
    }
    assert release.left == {"p1": 0, "p2": 0}
    # the money keeps its received day on the claims it goes to
    assert {e.on for e in release.events["F3"] if e.payment_id == "p1"} == {date(2025, 3, 1)}
    assert all(e.kind is EventKind.REVERSAL for e in release.events["F1"])
    after = _with(records, release.events)
    figures = open_claims(after, date(2025, 3, 10))
    assert figures["F1"].paid.total == 0 and figures["F1"].open.total == 0
    assert figures["F3"].open.total == 0 and figures["F2"].open.total == 2_000
    again = booking.release_credited(after, "F1", date(2025, 3, 11))
    assert again.events == {} and again.moved == {}
