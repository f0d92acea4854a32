"""Partial credit notes (docs/law.md, a partial credit note): the principal goes down on the
note's day, the credited part was never owed (its interest taken back from the first day),
the costs follow the lower principal, money paid beyond the new total goes by 6:43."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import Amounts, Component, EventKind
from shared.domain.ledger.replay import open_claims
from tests.unit.ledger.test_restate import OWED, terms

NOTE = date(2025, 3, 10)


def apply(records: list[ClaimRecord], events: dict) -> list[ClaimRecord]:  # type: ignore[type-arg]
    return [ClaimRecord(r.terms, r.events + events.get(r.number, ())) for r in records]


def test_a_part_credited_after_the_term_takes_back_its_interest_and_lowers_the_costs():
    assert date(2025, 2, 27) == OWED
    records = [ClaimRecord(terms())]  # EUR 1,000, consumer, 14-day term to 26-2
    done = booking.credit_part(records, "F1", 12_500, NOTE, "CN-2026-0042", "one item returned")
    after = apply(records, done.events)
    fig = open_claims(after, NOTE)["F1"]
    # as if the invoice had been EUR 875 all along: interest 1-2..9-3 (37 days)
    # 87500 x 6% x 37/365 = 532.19 -> 5.32 (not 100000 x ... = 6.08); costs 15% of 875 =
    # 131.25 (not 150.00)
    assert fig.open == Amounts(principal=87_500, costs=13_125, interest=532)
    assert fig.credited == Amounts(principal=12_500, costs=1_875, interest=608 - 532)
    # the day before the note the claim was what the letters said
    assert open_claims(after, NOTE.replace(day=9))["F1"].open.principal == 100_000
    # and from now on it runs as a EUR 875 claim
    lower = [ClaimRecord(terms(principal=87_500))]
    for day in (date(2025, 6, 1), date(2026, 3, 1)):
        assert open_claims(after, day)["F1"].open == open_claims(lower, day)["F1"].open
    # the same note twice books once; the same reference with another amount is refused
    assert booking.credit_part(after, "F1", 12_500, NOTE, "CN-2026-0042", "again").events == {}
    with pytest.raises(booking.CreditNoteConflict):
        booking.credit_part(after, "F1", 10_000, NOTE, "CN-2026-0042", "other")


def test_a_part_credit_of_the_whole_principal_or_more_is_refused():
    records = [ClaimRecord(terms())]
    with pytest.raises(booking.LedgerRuleError, match="below the claim's principal"):
        booking.credit_part(records, "F1", 100_000, NOTE, "CN-1", "all")


def test_money_paid_beyond_the_lower_claim_goes_to_the_next_claim():
    f2 = ClaimRecord(terms("F2", 5_000, due=date(2025, 2, 15)))
    records = [ClaimRecord(terms()), f2]
    # 3-3, after the term: EUR 200 on F1 pays costs 150.00, interest 4.93 (30 days on 1000),
    # principal 45.07
    paid = booking.allocate(records, "p1", 20_000, date(2025, 3, 3), ["F1"])
    records = apply(records, paid.events)
    done = booking.credit_part(records, "F1", 90_000, NOTE, "CN-9", "mostly not delivered")
    after = apply(records, done.events)
    figs = open_claims(after, NOTE)
    # F1 as a EUR 100 claim: one notice with F2 (EUR 50): costs 15% of 150 = 22.50 -> the
    # EUR 40 minimum, F1's two thirds 26.67; interest 1-2..2-3 on 100 (30 days: 0.49);
    # p1 paid 26.67 + 0.49 + 100.00 = 127.16 of it
    assert figs["F1"].open.total == 0
    assert figs["F1"].paid == Amounts(principal=10_000, costs=2_667, interest=49)
    # the other EUR 72.84 of p1 goes to F2 on 3-3 (6:43): F2 is still in F1's notice, whose
    # one WIK amount is the EUR 40 minimum over 150.00 (6:96 lid 7; law5 finding 1), so F2's
    # costs are what F1's fixed 26.67 leaves: 13.33; interest 16-2..2-3 (15 days on 50: 0.12),
    # principal 50.00; 72.84 - 13.33 - 0.12 - 50.00 = 9.39 left over
    moved = {(x.invoice_number, x.component, x.amount) for x in done.moved["p1"]}
    assert sum(x[2] for x in moved) == 20_000 - 12_716 - done.left["p1"]
    assert moved == {
        ("F2", Component.COSTS, 1_333), ("F2", Component.INTEREST, 12),
        ("F2", Component.PRINCIPAL, 5_000),
    }  # fmt: skip
    assert done.left["p1"] == 939 and figs["F2"].open.total == 0
    kinds = {e.kind for e in done.events["F1"]}
    assert EventKind.CORRECTION in kinds and EventKind.CREDIT in kinds
