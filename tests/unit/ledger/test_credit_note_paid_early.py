"""A partial credit note above the open principal of an invoice paid before its due date
moves the money paid beyond the lower claim (found with ledger-rest6 item 1: the note was
put on the due date, after the payment, and the replay refused an overpaid principal).

F1 and F2 100.00 each, due 2025-03-31; p 80.00 on F1 on 2025-01-10; note CN of 50.00 on
2025-01-12: F1 becomes a 50.00 claim, paid; 30.00 of p is released. F2 was not due on
2025-01-10 (nor on the note's day): the debtor named F1, and what F1 never owed is his to have
back (6:203 BW) unless set off against a claim the creditor may enforce (6:127 lid 2 BW), so it
is an overpayment (law15c F4: before, it paid F2 months before its due date). F2 due on
2025-01-10: it takes the 30.00 (6:43 lid 2, the due claims).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, Component, LedgerEvent
from shared.domain.ledger.replay import open_claims

DUE = date(2025, 3, 31)


def _records(f2_due: date = DUE) -> list[ClaimRecord]:
    records = [
        ClaimRecord(ClaimTerms(n, "D1", due, 10_000, interest_from=None))
        for n, due in (("F1", DUE), ("F2", f2_due))
    ]
    paid = booking.allocate(records, "p", 8_000, date(2025, 1, 10), ["F1"])
    return [ClaimRecord(r.terms, r.events + paid.events.get(r.number, ())) for r in records]


def test_a_note_on_an_invoice_paid_before_its_due_date_releases_the_money_paid_beyond():
    records = _records()
    done = booking.credit_part(records, "F1", 5_000, date(2025, 1, 12), "CN", "price")
    assert done.moved == {"p": ()}
    assert done.left == {"p": 3_000}  # an overpayment: F2 is not due
    after = [ClaimRecord(r.terms, r.events + done.events.get(r.number, ())) for r in records]
    figures = open_claims(after, date(2025, 1, 12))
    assert (figures["F1"].paid.principal, figures["F1"].open.total) == (5_000, 0)
    assert (figures["F2"].paid.principal, figures["F2"].open.total) == (0, 10_000)
    again = booking.credit_part(after, "F1", 5_000, date(2025, 1, 12), "CN", "price")
    assert again.events == {}


def test_the_money_a_note_frees_pays_a_claim_due_on_the_day_it_was_received():
    records = _records(f2_due=date(2025, 1, 10))
    done = booking.credit_part(records, "F1", 5_000, date(2025, 1, 12), "CN", "price")
    assert done.moved == {"p": (booking.AllocationLine("F2", Component.PRINCIPAL, 3_000),)}
    assert done.left == {"p": 0}


def test_a_replay_after_the_note_keeps_the_freed_money_off_the_claim_not_due():
    """q 10.00 on F1 on 2025-01-11 too: the note frees 30.00 of p and all of q, both
    overpayments. q comes back on 2025-01-15: the debtor's claims are replayed from the final
    facts (replayed.py), p's 80.00 among them, and its 30.00 stays off F2 (not due), as the
    note left it; by 6:43 lid 2 alone the replay would put it on F2."""
    records = _records()
    more = booking.allocate(records, "q", 1_000, date(2025, 1, 11), ["F1"])
    records = [ClaimRecord(r.terms, r.events + more.events.get(r.number, ())) for r in records]
    done = booking.credit_part(records, "F1", 5_000, date(2025, 1, 12), "CN", "price",
                               named=lambda _: ["F1"])  # fmt: skip
    assert done.left == {"p": 3_000, "q": 1_000}
    after = [ClaimRecord(r.terms, r.events + done.events.get(r.number, ())) for r in records]
    spare = {"p": (3_000, date(2025, 1, 10), "D1"), "q": (1_000, date(2025, 1, 11), "D1")}
    back = booking.return_payment(after, "q", date(2025, 1, 15), "storno", spare=spare,
                                  named=lambda _: ["F1"])  # fmt: skip
    final = [ClaimRecord(r.terms, r.events + back.events.get(r.number, ())) for r in after]
    figures = open_claims(final, date(2025, 1, 15))
    assert (figures["F1"].paid.principal, figures["F1"].open.total) == (5_000, 0)
    assert (figures["F2"].paid.principal, figures["F2"].open.total) == (0, 10_000)


def _apply(
    records: list[ClaimRecord], events: Mapping[str, tuple[LedgerEvent, ...]]
) -> list[ClaimRecord]:
    return [ClaimRecord(r.terms, r.events + events.get(r.number, ())) for r in records]


def test_the_money_a_note_frees_pays_a_claim_due_on_the_notes_day():
    """law16b F2: F2 due 2025-01-11, after p was received (10-1) but by the note's day (12-1):
    the debtor's claim to have the 30.00 back and the client's due F2 face each other on the
    note's day, so set-off is open (6:127 lid 2 BW) and works back (6:129 lid 1): F2 takes
    the 30.00 (before: an overpayment while F2 was due and dunned in full). A replay of the
    debtor's claims after it (q, 10.00 on F1 on 11-1, freed too and then returned) keeps it
    there; a full credit of F1 frees p's 80.00 onto F2 alike."""
    records = _records(f2_due=date(2025, 1, 11))
    more = booking.allocate(records, "q", 1_000, date(2025, 1, 11), ["F1"])
    records = _apply(records, more.events)
    done = booking.credit_part(records, "F1", 5_000, date(2025, 1, 12), "CN", "price",
                               named=lambda _: ["F1"])  # fmt: skip
    assert done.left == {"p": 0, "q": 0}
    after = _apply(records, done.events)
    assert open_claims(after, date(2025, 1, 12))["F2"].paid.principal == 4_000
    spare = {"p": (0, date(2025, 1, 10), "D1"), "q": (0, date(2025, 1, 11), "D1")}
    back = booking.return_payment(after, "q", date(2025, 1, 15), "storno", spare=spare,
                                  named=lambda _: ["F1"])  # fmt: skip
    assert any(e.reason and "replayed from" in e.reason
               for new in back.events.values() for e in new)  # fmt: skip
    final = _apply(after, back.events)
    figures = open_claims(final, date(2025, 1, 15))
    assert (figures["F1"].paid.principal, figures["F1"].open.total) == (5_000, 0)
    assert (figures["F2"].paid.principal, figures["F2"].open.total) == (3_000, 7_000)
    whole = booking.release_credited(_records(f2_due=date(2025, 1, 11)), "F1", date(2025, 1, 12))
    assert whole.moved == {"p": (booking.AllocationLine("F2", Component.PRINCIPAL, 8_000),)}
