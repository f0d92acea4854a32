"""A discount from its day (law15c F1): a remission agreed after the claim was owed (a
goodwill discount, kwijtschelding art. 6:160 BW) lowers the principal from the day agreed; the
interest owed on the full principal up to then (6:119) and the collection costs fixed on the
principal as it stood when they became owed (6:96 lid 6, Besluit BIK art. 2) stay. A partial
credit note that corrects the invoice (the part never owed) still takes both back.

Consumer F1 EUR 1,000.00 due 31-1-2025, the 14-day letter's term over 26-2 (costs owed from
27-2: 15 % = 150.00), statutory interest 6 % (6:119) from 1-2, the payment day not counted."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import DISCOUNT, EventKind, LedgerEvent
from shared.domain.ledger.replay import open_claims
from tests.unit.ledger.test_restate import terms

JUNE = date(2025, 6, 1)  # the discount's day: 120 days of interest after 1-2


def _apply(
    records: list[ClaimRecord], events: Mapping[str, tuple[LedgerEvent, ...]]
) -> list[ClaimRecord]:
    return [ClaimRecord(r.terms, r.events + events.get(r.number, ())) for r in records]


def _discount(records: list[ClaimRecord], cents: int, on: date) -> list[ClaimRecord]:
    done = booking.credit_part(records, "F1", cents, on, "KORTING-1", "korting", discount=True)
    return _apply(records, done.events)


def test_a_discount_keeps_the_interest_and_costs_owed_before_its_day() -> None:
    """125.00 off on 1-6: open 875.00 principal, 150.00 costs and 1,000 x 6 % x 120/365 =
    19.7260, 19.73 interest (before: 17.26 and 131.25, as a correction of the invoice: 21.22
    lost); on 1-9 the interest is 19.7260 + 875 x 6 % x 92/365 = 13.2329: 32.9589, 32.96."""
    records = [ClaimRecord(terms())]
    assert open_claims(records, JUNE)["F1"].open.total == 100_000 + 15_000 + 1_973
    after = _discount(records, 12_500, JUNE)
    fig = open_claims(after, JUNE)["F1"]
    assert (fig.open.principal, fig.open.costs, fig.open.interest) == (87_500, 15_000, 1_973)
    assert (fig.credited.principal, fig.credited.costs, fig.credited.interest) == (12_500, 0, 0)
    assert open_claims(after, date(2025, 9, 1))["F1"].open.interest == 3_296
    credit = next(e for e in after[0].events if e.kind is EventKind.CREDIT)
    assert credit.reason == f"{DISCOUNT}2025-06-01: KORTING-1: korting"
    assert credit.note == "KORTING-1"


def test_a_correction_of_the_invoice_still_takes_its_part_back_from_the_first_day() -> None:
    """The same 125.00 as a credit note correcting the invoice: 875 x 6 % x 120/365 = 17.26
    interest and 15 % of 875.00 = 131.25 costs (docs/law.md, a partial credit note)."""
    records = [ClaimRecord(terms())]
    done = booking.credit_part(records, "F1", 12_500, JUNE, "CN-1", "wrong price")
    fig = open_claims(_apply(records, done.events), JUNE)["F1"]
    assert (fig.open.principal, fig.open.costs, fig.open.interest) == (87_500, 13_125, 1_726)


def test_a_discount_in_the_letters_term_lowers_the_costs_base() -> None:
    """A discount agreed on 20-2, inside the term: the principal left unpaid when the costs
    became owed (27-2) is 875.00, so the costs are 15 % of it, 131.25; the interest runs on
    1,000 for 1-2..19-2 (19 days, 3.1233) and on 875 from 20-2: to 1-6 (101 days) 14.5274,
    17.6507, 17.65."""
    records = _discount([ClaimRecord(terms())], 12_500, date(2025, 2, 20))
    fig = open_claims(records, JUNE)["F1"]
    assert (fig.open.principal, fig.open.costs, fig.open.interest) == (87_500, 13_125, 1_765)


def test_a_discount_dated_before_a_payment_booked_already_is_restated_on_its_day() -> None:
    """200.00 received and booked 1-7 (costs 150.00, interest 1,000 x 6 % x 150/365 = 24.66,
    principal 25.34); the discount of 1-6 booked after it: from 1-6 the principal is 875, so
    on 1-7 the interest was 19.7260 + 875 x 6 % x 30/365 = 4.3151: 24.0411, 24.04; the 200.00
    pays 150.00 + 24.04 + 25.96 and 849.04 is open (0.62 interest credited)."""
    records = [ClaimRecord(terms())]
    records = _apply(records, booking.allocate(records, "p1", 20_000, date(2025, 7, 1)).events)
    assert open_claims(records, date(2025, 7, 1))["F1"].paid.interest == 2_466
    after = _discount(records, 12_500, JUNE)
    fig = open_claims(after, date(2025, 7, 1))["F1"]
    assert (fig.paid.costs, fig.paid.interest, fig.paid.principal) == (15_000, 2_404, 2_596)
    assert (fig.open.total, fig.open.principal, fig.credited.interest) == (84_904, 84_904, 62)


def test_a_return_after_a_discount_replays_it_on_its_day() -> None:
    """Then p1 comes back (storno, 1-7): the claim's replay carries the discount on 1-6 and
    nothing paid: on 1-8 principal 875.00, costs 150.00 and interest 19.7260 + 875 x 6 % x
    61/365 = 8.7740: 28.5000, 28.50."""
    records = [ClaimRecord(terms())]
    records = _apply(records, booking.allocate(records, "p1", 20_000, date(2025, 7, 1)).events)
    records = _discount(records, 12_500, JUNE)
    back = booking.return_payment(records, "p1", date(2025, 7, 1), "storno", spare={})
    fig = open_claims(_apply(records, back.events), date(2025, 8, 1))["F1"]
    assert (fig.open.principal, fig.open.costs, fig.open.interest) == (87_500, 15_000, 2_850)
    assert fig.paid.total == 0


def test_a_discount_above_the_principal_open_that_day_is_refused() -> None:
    """950.00 received 1-5 pays costs 150.00, interest 1,000 x 6 % x 89/365 = 14.63 and
    785.37 of the principal: 214.63 is open on 1-6, so 250.00 off is refused (what the debtor
    paid is refunded, not discounted); 214.63 is taken, and the interest of 1-5..31-5 on it
    stays owed: 214.63 x 6 % x 31/365 = 1.0937, 1.09."""
    records = [ClaimRecord(terms())]
    records = _apply(records, booking.allocate(records, "p1", 95_000, date(2025, 5, 1)).events)
    with pytest.raises(booking.LedgerRuleError) as refused:
        booking.credit_part(records, "F1", 25_000, JUNE, "K", "korting", discount=True)
    assert (refused.value.code, refused.value.params["amount"]) == ("discount_above_open", 21_463)
    fig = open_claims(_discount(records, 21_463, JUNE), JUNE)["F1"]
    assert (fig.open.principal, fig.open.costs, fig.open.interest) == (0, 0, 109)
