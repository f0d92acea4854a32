"""A consumer's dispute costs hold (:mod:`shared.domain.law.dispute_costs`) when the disputed
invoice is paid in full, and when that money comes back (review26 F6).

Paid in full while disputed, the dispute is over without a decision (money26 closes its item
at the booking): its hold ends as a dispute ended that day would. Nothing is owed then, but a
hold left open without an end would keep the costs off for good once the money is taken back.

The money taken back (a bank's return, a chargeback; the invoice open again and still carrying
the reason of a dispute nobody rejected): a payment that came back is no payment, and the
claim is collected again from that day. The consumer was told no payment was asked while his
dispute was looked into and was never told it ended: as for an untold dispute's end (lawyer26
F6's remainder), the costs the 14-day letter announced are owed only when he has not paid
:data:`RESUMES_AFTER` days after collection resumed, the take-back's day; not from 14 days
after the payment (owed at once by a take-back a month later, for a term he never had), and
not never (the hold open, or ended a fortnight after the payment and then forgotten).

Both idempotent: a hold ends at the payment only while it has no end, and the take-back's day
is the day stored on the returned payment, the same on every delivery."""

from __future__ import annotations

from datetime import date

from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.law.dispute_costs import after_dispute, is_dispute_hold, while_disputed
from shared.services.ledger.service import LedgerService


def end_at_payment(ledger: LedgerService, client_id: str, invoice: Invoice, paid_on: date) -> int:
    """``invoice`` written paid in full while disputed on ``paid_on``: each dispute hold still
    running ends as its dispute ended that day; how many."""
    if invoice.status is not InvoiceStatus.PAID or not invoice.dispute_reason:
        return 0
    header = ledger.ledger.header(client_id, invoice.debtor_number, invoice.number)
    ended = 0
    for ref, raised_on, end in header.costs_held if header is not None else ():
        if is_dispute_hold(ref) and end is None:
            ledger.set_costs_hold(client_id, invoice.debtor_number, invoice.number, ref,
                                  after_dispute(raised_on, paid_on))  # fmt: skip
            ended += 1
    return ended


def resume_after_take_back(
    ledger: LedgerService, client_id: str, invoice: Invoice, back_on: date
) -> bool:
    """``invoice`` as the take-back on ``back_on`` left it: open again with the reason of a
    dispute that ended only by the money now taken back, its latest dispute hold (that
    dispute's) ends :data:`RESUMES_AFTER` days after ``back_on`` unless it ends later
    already; whether it moved. A hold found without an end (paid before its end was kept at
    the payment) ends so too."""
    if invoice.status is InvoiceStatus.DISPUTED:
        return reopen_hold(ledger, client_id, invoice)
    if invoice.status not in (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID):
        return False
    if not invoice.dispute_reason:  # rejected (the reason cleared): its notice named the day
        return False
    latest = _latest_hold(ledger, client_id, invoice)
    if latest is None:
        return False  # a business, or disputed before holds were kept
    ref, raised_on, end = latest
    wanted = after_dispute(raised_on, back_on)
    if end is not None and wanted[1] is not None and end >= wanted[1]:
        return False
    ledger.set_costs_hold(client_id, invoice.debtor_number, invoice.number, ref, wanted)
    return True


def reopen_hold(ledger: LedgerService, client_id: str, invoice: Invoice) -> bool:
    """``invoice`` disputed again by the take-back of the payment that ended its dispute
    (takeback27): that dispute's hold (the latest) runs again without an end, as while it was
    first looked into; its end comes when the dispute ends (:data:`RESUMES_AFTER` days after
    that day, never before the take-back's fortnight). Whether it moved (a redelivery: no)."""
    latest = _latest_hold(ledger, client_id, invoice)
    if latest is None or latest[2] is None:
        return False
    ref, raised_on, _ = latest
    ledger.set_costs_hold(client_id, invoice.debtor_number, invoice.number, ref,
                          while_disputed(raised_on))  # fmt: skip
    return True


def _latest_hold(
    ledger: LedgerService, client_id: str, invoice: Invoice
) -> tuple[str, date, date | None] | None:
    """The invoice's latest dispute hold (its last dispute's): ref, day raised, end."""
    header = ledger.ledger.header(client_id, invoice.debtor_number, invoice.number)
    holds = [h for h in (header.costs_held if header is not None else ()) if is_dispute_hold(h[0])]
    return max(holds, key=lambda h: h[1]) if holds else None
