"""Back-dated payments restated (docs/law.md, back-dated payments): a payment received on day
D that reaches a claim with events of its own after D is booked on the claim's latest day
with correcting events, so the claim's figures are exactly those it would have had had the
payment been booked on D before the later events."""

from __future__ import annotations

from datetime import date, timedelta

from shared.domain.law.fourteen_day_letter import LetterChannel, fourteen_day_term
from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import (
    RESTATED,
    Amounts,
    ClaimTerms,
    Component,
    EventKind,
    StandIn,
)
from shared.domain.ledger.replay import open_claims
from shared.domain.ledger.restate import RECEIVED

DUE = date(2025, 1, 31)
LETTER = date(2025, 2, 10)  # a Monday: received 12-2, term 13-2 to 26-2
OWED = fourteen_day_term(LETTER, LetterChannel.LETTER).costs_owed_from  # 27-2-2025
D = date(2025, 2, 24)  # the bank transfer, within the term
LATER = date(2025, 3, 3)  # the online payment, after the term: it fixed the costs


def terms(number: str = "F1", principal: int = 100_000, due: date = DUE) -> ClaimTerms:
    return ClaimTerms(
        invoice_number=number, debtor_number="D1", due_date=due, principal=principal,
        consumer=True, costs_owed_from=OWED, interest_from=due + timedelta(days=1),
    )  # fmt: skip


def apply(records: list[ClaimRecord], b: booking.Booking) -> list[ClaimRecord]:
    return [ClaimRecord(r.terms, r.events + b.events.get(r.number, ())) for r in records]


def test_a_payment_within_the_term_booked_after_the_costs_were_fixed_owes_no_costs():
    assert date(2025, 2, 27) == OWED
    records = [ClaimRecord(terms())]
    # 3-3: EUR 100 online, after the term: costs fixed at 15% of EUR 1,000 = EUR 150.00,
    # interest 1-2 to 3-3 (30 days) 100000 x 6% x 30/365 = 493.15 -> 4.93; it pays costs
    online = booking.allocate(records, "tr_late", 10_000, LATER)
    records = apply(records, online)
    before = open_claims(records, LATER)["F1"]
    assert before.charged.costs == 15_000 and before.charged.interest == 493
    # the statement comes in: EUR 1,003.78 received on 24-2, within the term = the principal
    # plus interest 1-2 to 24-2 (23 days): 100000 x 6% x 23/365 = 378.08 -> 3.78
    bank = booking.allocate(records, "st_early", 100_378, D)
    assert bank.on == LATER  # appended on the claim's latest day (the stream is append-only)
    after = apply(records, bank)
    fig = open_claims(after, LATER)["F1"]
    # as if booked on 24-2: paid within the term, so no costs (6:96 lid 6); interest to 24-2
    assert fig.open.total == 0
    assert fig.credited.costs == 15_000  # the costs fixed on 3-3 taken back
    assert fig.credited.interest == 493 - 378  # 25-2 .. 2-3 were never owed
    assert fig.paid.interest == 378 and fig.paid.principal == 100_000 and fig.paid.costs == 0
    # the money is the same: the online EUR 100 keeps its amount on F1, now on what was owed
    # (interest 3.78, principal 96.22) and the bank payment takes EUR 100 less (its rest is
    # an overpayment: there is no other claim)
    assert {(x.component, x.amount) for x in bank.lines} == {(Component.PRINCIPAL, 90_378)}
    assert bank.unallocated == 10_000 and bank.left == {"tr_late": 0}
    online_now = {
        (e.kind, e.component, e.amount) for e in bank.events["F1"] if e.payment_id == "tr_late"
    }
    assert online_now == {
        (EventKind.REVERSAL, Component.COSTS, 10_000),
        (EventKind.ALLOCATED, Component.INTEREST, 378),
        (EventKind.ALLOCATED, Component.PRINCIPAL, 9_622),
    }
    kinds = [(e.kind, e.component, e.amount, e.reason) for e in bank.events["F1"]]
    assert (EventKind.CORRECTION, Component.COSTS, 15_000,
            f"{RESTATED}payment st_early received 2025-02-24") in kinds  # fmt: skip
    assert (EventKind.ALLOCATED, Component.PRINCIPAL, 90_378, f"{RECEIVED}2025-02-24") in kinds
    assert all(e.on == LATER for e in bank.events["F1"])  # letters sent keep their figures
    assert (
        open_claims(after, LATER - timedelta(days=1))["F1"]
        == open_claims(records, LATER - timedelta(days=1))["F1"]
    )
    # nothing accrues afterwards: the principal is paid
    assert open_claims(after, date(2025, 6, 1))["F1"].open.total == 0


def _in_order(amount_early: int, amount_late: int) -> list[ClaimRecord]:
    records = [ClaimRecord(terms())]
    records = apply(records, booking.allocate(records, "st_early", amount_early, D))
    return apply(records, booking.allocate(records, "tr_late", amount_late, LATER))


def test_a_part_payment_restated_equals_booking_it_on_its_day():
    # in order: EUR 500 on 24-2 pays interest 3.78 and principal 496.22 -> base of the costs
    # 1,000 - 496.22 - 3.78 (interest paid within the term counts, law3 finding 3) = 500.00,
    # costs 15% = 75.00; 3-3: EUR 100 pays costs 75.00, interest 24-2..2-3 on 503.78
    # (7 days: 503.78 x 6% x 7/365 = 0.58), the rest principal
    expected = open_claims(_in_order(50_000, 10_000), LATER)["F1"]
    assert expected.charged.costs == 7_500 and expected.paid.costs == 7_500
    records = [ClaimRecord(terms())]
    records = apply(records, booking.allocate(records, "tr_late", 10_000, LATER))
    bank = booking.allocate(records, "st_early", 50_000, D)
    after = apply(records, bank)
    fig = open_claims(after, LATER)["F1"]
    assert fig.open == expected.open and fig.paid == expected.paid
    # the online payment's EUR 100 went on costs (all of it, 150 were fixed); now 75 of it
    # go to interest and principal (6:44 over what was then owed): moved, not returned
    moved = {
        (e.kind, e.component, e.amount) for e in bank.events["F1"] if e.payment_id == "tr_late"
    }
    assert (EventKind.REVERSAL, Component.COSTS, 2_500) in moved
    assert bank.left == {"tr_late": 0} and bank.unallocated == 0
    for later in (date(2025, 4, 1), date(2026, 3, 1)):  # the next figures stay right
        assert (
            open_claims(after, later)["F1"].open
            == open_claims(_in_order(50_000, 10_000), later)["F1"].open
        )


def test_what_the_back_dated_payment_no_longer_takes_goes_on_as_the_later_ones_excess():
    f2 = ClaimRecord(terms("F2", 20_000, due=date(2025, 2, 15)))
    records = [ClaimRecord(terms()), f2]
    online = booking.allocate(records, "tr_late", 10_000, LATER, designated=["F1"])
    records = apply(records, online)
    bank = booking.allocate(records, "st_early", 100_378, D, designated=["F1"])
    # F1 owed EUR 1,003.78 on 24-2 and took the online EUR 100 later: booked in the order
    # received, the bank payment pays F1 whole on 24-2 and the online EUR 100 of 3-3 is the
    # excess, a payment without a (valid) designation: F2 on 3-3, after its term (costs
    # owed from 27-2): costs 15% of 200.00 = 30.00, the minimum 40.00; interest 16-2..2-3
    # (20000 x 6% x 15/365 = 49.3 cents -> 0.49), principal 100 - 40 - 0.49 = 59.51. The
    # online payment keeps its EUR 100 on F1 in the bank payment's place, so the bank
    # payment's last EUR 100 goes to F2 in the online payment's place, from 3-3 (restate10:
    # from 24-2, F2 was spared its costs because the statement came in late)
    assert bank.unallocated == 0
    assert {(x.invoice_number, x.component, x.amount) for x in bank.lines} == {
        ("F1", Component.PRINCIPAL, 90_378),
        ("F2", Component.COSTS, 4_000), ("F2", Component.INTEREST, 49),
        ("F2", Component.PRINCIPAL, 5_951),
    }  # fmt: skip
    assert {e.stands_in for e in bank.events["F2"] if e.payment_id} == {StandIn("tr_late", LATER)}
    figs = open_claims(apply(records, bank), LATER)
    assert figs["F1"].open.total == 0 and figs["F1"].credited.costs == 15_000
    assert figs["F2"].paid == Amounts(principal=5_951, costs=4_000, interest=49)


def test_the_same_back_dated_payment_twice_is_refused_by_its_id():
    records = [ClaimRecord(terms())]
    records = apply(records, booking.allocate(records, "tr_late", 10_000, LATER))
    records = apply(records, booking.allocate(records, "st_early", 100_378, D))
    try:
        booking.allocate(records, "st_early", 100_378, D)
    except booking.LedgerRuleError as exc:
        assert "booked already" in str(exc)
    else:
        raise AssertionError("a payment booked twice must be refused")


def test_a_payment_moved_by_a_restatement_still_counts_as_paid_for_a_plan():
    from shared.services.plans.money import _paid

    records = [ClaimRecord(terms())]
    records = apply(records, booking.allocate(records, "tr_late", 10_000, LATER))
    after = apply(records, booking.allocate(records, "st_early", 50_000, D))
    # both payments stand: the online one's move from costs to interest and principal is
    # not money that came back
    assert _paid(after, {"F1"}, DUE, principal_only=False) == 60_000
