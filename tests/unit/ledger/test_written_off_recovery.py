"""Money on a written-off claim (ledger31): a write-off is the creditor's own booking, the
debt stands, so money paid for the claim pays it (costs, interest, principal: 6:44 BW), money
the debtor did not designate reaches it after every claim still in collection (6:43 lid 2:
it bears no interest any more), and what it pays is a recovery: paid, no longer written off.
Before, a written-off (withdrawn) claim took nothing: the money was left unallocated."""

from __future__ import annotations

from datetime import date, timedelta

from shared.domain.law.fourteen_day_letter import LetterChannel, fourteen_day_term
from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import RECOVERY, ClaimTerms, Component, EventKind
from shared.domain.ledger.replay import open_claims

DUE = date(2025, 1, 31)
OWED = fourteen_day_term(date(2025, 2, 10), LetterChannel.LETTER).costs_owed_from
OFF = date(2025, 3, 20)  # the write-off
PAID = date(2025, 5, 1)  # money after it


def terms(number: str, principal: int, due: date = DUE) -> ClaimTerms:
    return ClaimTerms(number, "D1", due, principal, costs_owed_from=OWED,
                      interest_from=due + timedelta(days=1))  # fmt: skip


def written_off(record: ClaimRecord, others: tuple[ClaimRecord, ...] = ()) -> ClaimRecord:
    """``record`` written off on OFF, its terms marked as the service marks them (the invoice
    withdrawn from collection, ``written_off``)."""
    events = booking.write_off([record, *others], record.number, OFF, "debtor vanished")
    marked = ClaimTerms(**{**vars(record.terms), "closed": True, "written_off": True})
    return ClaimRecord(marked, record.events + events)


def booked(records: list[ClaimRecord], result: booking.Booking) -> list[ClaimRecord]:
    return [ClaimRecord(r.terms, r.events + result.events.get(r.number, ())) for r in records]


def test_a_designated_payment_recovers_costs_then_interest_then_principal() -> None:
    f1 = written_off(ClaimRecord(terms("F1", 12_100)))
    gone = open_claims([f1], PAID)["F1"]
    assert gone.open.total == 0 and gone.is_written_off
    interest = gone.written_off.interest
    assert gone.written_off.costs == 4_000 and interest > 0
    result = booking.allocate([f1], "p1", 5_000, PAID, designated=["F1"])
    assert result.unallocated == 0
    assert {(x.component, x.amount) for x in result.lines} == {
        (Component.COSTS, 4_000), (Component.INTEREST, interest),
        (Component.PRINCIPAL, 1_000 - interest),
    }  # fmt: skip
    new = result.events["F1"]
    assert all(e.reason == RECOVERY for e in new if e.kind is EventKind.ALLOCATED)
    fig = open_claims(booked([f1], result), PAID + timedelta(days=400))["F1"]
    # a partial recovery: the rest stays written off, nothing opens again, no interest runs
    assert fig.open.total == 0 and fig.paid.total == 5_000
    assert fig.recovered.total == 5_000 and fig.recovered.costs == 4_000
    assert fig.written_off.principal == 12_100 - (1_000 - interest)
    assert fig.written_off.costs == 0 and fig.written_off.interest == 0
    assert fig.is_written_off


def test_undesignated_money_reaches_the_written_off_claim_after_the_open_ones() -> None:
    # F1 is the older claim (6:43 lid 2 would take it first), but it was written off
    f1 = ClaimRecord(terms("F1", 12_100))
    f2 = ClaimRecord(terms("F2", 20_000, DUE + timedelta(days=10)))
    f1 = written_off(f1, (f2,))
    open_f2 = open_claims([f1, f2], PAID)["F2"].open.total
    result = booking.allocate([f1, f2], "p1", open_f2 + 3_000, PAID)
    by_claim: dict[str, int] = {}
    for x in result.lines:
        by_claim[x.invoice_number] = by_claim.get(x.invoice_number, 0) + x.amount
    assert by_claim == {"F2": open_f2, "F1": 3_000} and result.unallocated == 0
    after = open_claims(booked([f1, f2], result), PAID)
    assert after["F2"].open.total == 0 and after["F1"].recovered.total == 3_000


def test_less_than_the_open_claims_ask_leaves_the_written_off_claim_alone() -> None:
    f2 = ClaimRecord(terms("F2", 20_000, DUE + timedelta(days=10)))
    f1 = written_off(ClaimRecord(terms("F1", 12_100)), (f2,))
    result = booking.allocate([f1, f2], "p1", 5_000, PAID)
    assert {x.invoice_number for x in result.lines} == {"F2"}


def test_more_than_was_written_off_is_an_overpayment() -> None:
    f1 = written_off(ClaimRecord(terms("F1", 12_100)))
    gone = open_claims([f1], PAID)["F1"].written_off.total
    result = booking.allocate([f1], "p1", gone + 1_234, PAID, designated=["F1"])
    assert result.unallocated == 1_234
    fig = open_claims(booked([f1], result), PAID)["F1"]
    assert fig.written_off.total == 0 and fig.recovered.total == gone and fig.open.total == 0


def test_money_that_comes_back_is_written_off_again() -> None:
    f1 = written_off(ClaimRecord(terms("F1", 12_100)))
    before = open_claims([f1], PAID)["F1"]
    paid = booked([f1], booking.allocate([f1], "p1", 5_000, PAID, designated=["F1"]))
    back = booking.reverse(paid, "p1", PAID + timedelta(days=5), "storno")
    fig = open_claims(booked(paid, booking.Booking("x", 0, PAID, (), 0, back)),
                      PAID + timedelta(days=30))["F1"]  # fmt: skip
    assert fig.paid.total == 0 and fig.recovered.total == 0 and fig.open.total == 0
    assert fig.written_off == before.written_off


def test_a_claim_closed_otherwise_still_takes_nothing() -> None:
    # a credited or withdrawn claim that was never written off: nothing is owed on it
    f1 = ClaimRecord(ClaimTerms(**{**vars(terms("F1", 12_100)), "closed": True}))
    result = booking.allocate([f1], "p1", 5_000, PAID, designated=["F1"])
    assert result.lines == () and result.unallocated == 5_000


def test_a_written_off_invoice_takes_payments_a_withdrawn_or_credited_one_does_not() -> None:
    from shared.domain.invoices import Invoice, InvoiceStatus

    invoice = Invoice("c", "F1", "D1", date(2025, 1, 1), DUE, 12_100)
    off = invoice.write_off(OFF)
    assert off.status is InvoiceStatus.WITHDRAWN and off.written_off_on == OFF
    assert off.takes_payments and not invoice.withdraw().takes_payments
    assert not invoice.credit().takes_payments
    paid = off.apply_payment("p1", 5_000)  # a recovery: paid, still out of collection
    assert paid.paid == 5_000 and paid.status is InvoiceStatus.WITHDRAWN
