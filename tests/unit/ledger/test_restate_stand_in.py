"""A later payment keeps its money on a claim in the place of a back-dated one (restate.py):
that money counts from the back-dated payment's received day in every later restatement
(restate10). Before, a further restatement put it on its own later day again: a claim paid in
full within the term was asked the EUR 40.00 costs again and its principal reopened.

The claim: a business invoice of EUR 200.00 due 31-1-2025, interest 6:119a from 1-2 at
ECB 3.15% + 8 = 11.15% (the payment day included), a 14-day letter of 10-2-2025: costs owed
from 27-2, the EUR 40.00 minimum (15% of 200.00 is 30.00).

1. B, EUR 300.00 received 3-3 (after the term): costs 40.00, interest 1-2..3-3 (31 days:
   20000 x 11.15% x 31/365 = 189.38 -> 1.89), principal 200.00; 58.11 left over.
2. A, EUR 201.47 received 24-2 (within the term), booked on 3-3 after B: in received order
   A pays interest 1-2..24-2 (24 days: 146.63 -> 1.47) and the principal, so no costs are
   owed (6:96 lid 6) and B finds nothing open. B keeps 201.47 on the claim in A's place
   (interest 1.47, principal 200.00), A takes nothing here.
3. C, EUR 10.00 received 20-2, booked after both: in received order C pays interest
   1-2..20-2 (20 days: 122.19 -> 1.22) and principal 8.78; A then pays interest on 191.22
   for 21-2..24-2 (4 days: 23.37; 145.56 in all -> 1.46, so 0.24 more) and principal 191.22:
   191.46; B again finds nothing. Paid: principal 200.00, interest 1.46, no costs.
   Before the fix the replay of step 3 put B's 201.47 on 3-3: costs 40.00 charged again and
   paid from it, principal 30.39 open again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

import pytest

from shared.domain.law.fourteen_day_letter import LetterChannel, fourteen_day_term
from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import (
    COMPONENTS,
    RATES_RESTATED,
    ClaimFigures,
    ClaimTerms,
    Component,
    EventKind,
    InterestRule,
    StandIn,
)
from shared.domain.ledger.replay import open_claims

DUE = date(2025, 1, 31)
LETTER = date(2025, 2, 10)
OWED = fourteen_day_term(LETTER, LetterChannel.LETTER).costs_owed_from
A = ("A", 20_147, date(2025, 2, 24))
B = ("B", 30_000, date(2025, 3, 3))
C = ("C", 1_000, date(2025, 2, 20))
TERMS = ClaimTerms(
    invoice_number="F1", debtor_number="D1", due_date=DUE, principal=20_000, consumer=False,
    interest_rule=InterestRule.COMMERCIAL, costs_owed_from=OWED,
    interest_from=DUE + timedelta(days=1),
)  # fmt: skip

Payment = tuple[str, int, date]


def book(records: list[ClaimRecord], payment: Payment) -> list[ClaimRecord]:
    pid, amount, received = payment
    done = booking.allocate(records, pid, amount, received)
    return [ClaimRecord(r.terms, r.events + done.events.get(r.number, ())) for r in records]


def in_received_order(payments: Sequence[Payment]) -> list[ClaimRecord]:
    records = [ClaimRecord(TERMS)]
    for payment in sorted(payments, key=lambda p: p[2]):
        records = book(records, payment)
    return records


def owed(fig: ClaimFigures) -> dict[str, tuple[int, int, int]]:
    """Per component what the debtor owes (charged less credited: a restatement takes back
    by a correction what booking in order never charged), paid and open."""
    return {
        c.value: (
            fig.charged.of(c) - fig.credited.of(c),
            fig.paid.of(c),
            fig.open.of(c),
        )
        for c in COMPONENTS
    }


def same_as_in_order(records: list[ClaimRecord], payments: Sequence[Payment]) -> None:
    expected = in_received_order(payments)
    for day in (date(2025, 3, 3), date(2025, 9, 1)):
        assert owed(open_claims(records, day)["F1"]) == owed(open_claims(expected, day)["F1"])


def test_the_money_kept_in_a_back_dated_payments_place_counts_from_its_day() -> None:
    assert date(2025, 2, 27) == OWED
    records = book([ClaimRecord(TERMS)], B)
    fig = open_claims(records, B[2])["F1"]
    assert (fig.paid.costs, fig.paid.interest, fig.paid.principal) == (4_000, 189, 20_000)

    records = book(records, A)
    same_as_in_order(records, [A, B])
    fig = open_claims(records, B[2])["F1"]
    assert (fig.paid.costs, fig.paid.interest, fig.paid.principal) == (0, 147, 20_000)
    assert fig.charged.costs - fig.credited.costs == 0
    # B's 201.47 stands in for A's, from A's day, and says so in the stream
    kept = [
        (e.component, e.amount, e.stands_in)
        for e in records[0].events
        if e.payment_id == "B" and e.kind is EventKind.ALLOCATED and e.stands_in
    ]
    assert kept == [
        (Component.INTEREST, 147, StandIn("A", A[2])),
        (Component.PRINCIPAL, 20_000, StandIn("A", A[2])),
    ]

    records = book(records, C)
    same_as_in_order(records, [A, B, C])
    fig = open_claims(records, B[2])["F1"]
    # paid in full within the term: no costs, interest to 24-2 with C's part from 20-2
    assert (fig.paid.costs, fig.paid.interest, fig.paid.principal) == (0, 146, 20_000)
    assert fig.charged.costs - fig.credited.costs == 0 and fig.open.total == 0


def _rates_restated(records: list[ClaimRecord]) -> list[ClaimRecord]:
    done = booking.restate_claims(records, ["F1"], None, reason=f"{RATES_RESTATED}v2")
    return [ClaimRecord(r.terms, r.events + done.events.get(r.number, ())) for r in records]


def _c_back_dated(records: list[ClaimRecord]) -> list[ClaimRecord]:
    return book(records, C)


@pytest.mark.parametrize(
    ("third", "paid"),
    [(_rates_restated, [A, B]), (_c_back_dated, [A, B, C])],
    ids=["rate-table restatement", "another back-dated payment"],
)
def test_a_further_restatement_keeps_the_claim_as_booked_in_received_order(
    third: Callable[[list[ClaimRecord]], list[ClaimRecord]], paid: list[Payment]
) -> None:
    records = book(book([ClaimRecord(TERMS)], B), A)
    records = third(records)
    same_as_in_order(records, paid)
    # a fourth one changes nothing either
    records = _rates_restated(records)
    same_as_in_order(records, paid)


def test_the_mark_is_stored_with_the_event_and_old_events_read_without_it() -> None:
    from shared.adapters.tables.ledger_repo import _event_in, _event_out

    records = book(book([ClaimRecord(TERMS)], B), A)
    marked = [e for e in records[0].events if e.stands_in]
    assert marked and all(_event_in(_event_out(e)) == e for e in records[0].events)
    assert _event_out(marked[0])["stands_in"] == ["A", "2025-02-24"]
    stored_before = {k: v for k, v in _event_out(marked[0]).items() if k != "stands_in"}
    assert _event_in(stored_before).stands_in is None  # read as before restate10
