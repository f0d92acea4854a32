"""Whether a booking may have money to tell an agency of (told24): a module of its own, with
no service behind it, so a statement booking asks it without loading the case service and
the messaging it tells through (about 37 ms of a worker's first file, stmt31)."""

from __future__ import annotations

from collections.abc import Sequence

from shared.domain.invoices import Invoice
from shared.domain.records import Payment, Receiver


def may_tell(written: Sequence[Invoice], payments: Sequence[Payment]) -> bool:
    """Whether :meth:`CaseService.money_told` may have something to tell of this booking,
    decided without a read: a payment the client received itself on an invoice written handed
    over, or on one the booking did not write (read there to know). False for nearly every
    statement line, so a booking builds no case service (nor, before stmt31, the dunning
    service with its letters and fpdf) only to learn there was nothing to tell."""
    own = own_receipts(payments)
    if not own:
        return False
    booked = {a.invoice_number for p in own for a in p.allocations}
    return bool(not_written(written, own)) or any(
        i.handed_over_to is not None and i.number in booked for i in written
    )


def own_receipts(payments: Sequence[Payment]) -> list[Payment]:
    """The payments the client received itself (the agency books its own account's money)."""
    return [p for p in payments if p.received_by is Receiver.CLIENT and not p.reversed]


def not_written(written: Sequence[Invoice], own: Sequence[Payment]) -> list[str]:
    """The invoices ``own`` took money on that the booking did not write: the 6:44 order
    gave it to costs and interest alone (only principal changes an invoice), yet the agency
    must not ask that money again, so they are read."""
    return sorted({a.invoice_number for p in own for a in p.allocations}
                  - {i.number for i in written})  # fmt: skip
