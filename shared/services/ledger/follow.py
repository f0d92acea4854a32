"""A debtor's payment rows, invoices and overpayment items brought in line with the ledger,
whatever wrote the ledger's last change (failure6 findings 4, 7 and 8).

Every change that restates claims (a returned payment, a designated payment re-booked after a
return, a 14-day letter reported undeliverable) writes the ledger first and then lets the
payments it moved follow (:func:`~shared.services.ledger.credit.follow_ledger`). The ledger
step is idempotent: delivered again after a crash or a storage timeout between its write and
the follow-ups, it finds the change made and moves nothing, and what it moved is known only
to the call that wrote it. So the repeat, finding nothing to write, calls
:func:`follow_debtors`: it compares each payment on the debtor's claims with what the ledger
holds of it (its row's allocations and unallocated part, the principal each invoice holds
from it) and lets the payments that differ follow the ledger; ``follow_ledger`` writes only
differences, so a repeat after a complete first delivery writes nothing. A payment with money
no claim took has its overpayment item at its row's figure (an item the crash kept from being
written is written now).

Left alone: a payment the ledger took back (a return, an undone booking: the reversal's own
path finishes its row and invoices). A payment booked on another debtor's claims as well is
compared on this debtor's part of its row only; ``follow_ledger`` keeps the other part.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from shared.domain.invoices import InvoiceStatus
from shared.domain.money import Cents
from shared.domain.parties import Client
from shared.domain.records import Payment
from shared.services.ledger.credit import _held, follow_ledger
from shared.services.ledger.discounts import follow_discounts
from shared.services.ledger.overpayment import keep_overpayment
from shared.services.ledger.service import DebtorClaims, LedgerService

# an invoice that takes no payment any more: the ledger's principal on it cannot be applied
# (``Invoice.apply_payment`` refuses), only taken off
_NO_PAYMENTS = (InvoiceStatus.CREDITED, InvoiceStatus.WITHDRAWN)


def follow_debtors(
    ledger: LedgerService,
    client: Client,
    debtors: Sequence[str],
    number: str,
    because: str,
    tag: str,
    *,
    besides: Collection[str] = (),
) -> list[str]:
    """The payments on ``debtors``' claims (but ``besides``) whose rows or invoices differ
    from the ledger follow it (``number``, ``because`` and ``tag`` as for ``follow_ledger``:
    what restated them, for their overpayment items); the payments that followed."""
    followed: list[str] = []
    for debtor in debtors:
        claims = ledger.debtor_claims(client, debtor)
        # a discount the change capped or gave back: its invoice's note as the ledger says
        # (the first delivery may have stopped between the ledger's write and the invoice's)
        follow_discounts(ledger.repos, ledger.clock, client, claims.records, {})
        behind, over = _out_of_line(ledger, client, claims, besides)
        if behind:
            follow_ledger(ledger, client, claims, behind, number, because, tag)
            followed.extend(behind)
        for payment in over:
            keep_overpayment(
                ledger.repos, ledger.clock, client, payment,
                invoice_numbers=[a.invoice_number for a in payment.allocations],
            )  # fmt: skip
    return followed


def _out_of_line(
    ledger: LedgerService, client: Client, claims: DebtorClaims, besides: Collection[str]
) -> tuple[list[str], list[Payment]]:
    """The payments whose row or invoices differ from the ledger, and those in line that
    keep money unallocated (their overpayment item is checked)."""
    returned = {p for stored in claims.stored.values() for p in stored.header.reversed}
    ids = {e.payment_id for r in claims.records for e in r.events if e.payment_id}
    behind: list[str] = []
    over: list[Payment] = []
    for payment_id in sorted(ids - returned - set(besides)):
        row = ledger.repos.payments.get(client.client_id, payment_id)
        if row is None or row.reversed:
            continue  # not written yet (its booking finishes it) or taken back
        held = {k: v for k, v in _held(claims.records, payment_id).items() if v > 0}
        if _differs(claims, row, held):
            behind.append(payment_id)
        elif row.unallocated > 0:
            over.append(row)
    return behind, over


def _differs(claims: DebtorClaims, row: Payment, held: dict[tuple[str, str], Cents]) -> bool:
    """Does the row or an invoice say otherwise than the ledger's ``held`` of this payment?"""
    mine = {r.number for r in claims.records}
    # one transfer for two debtors: what it holds on the other's invoices is not compared here
    theirs = sum(a.amount for a in row.allocations if a.invoice_number not in mine)
    on_row: dict[tuple[str, str], Cents] = {}
    for a in (a for a in row.allocations if a.invoice_number in mine):
        on_row[(a.invoice_number, a.component)] = on_row.get((a.invoice_number, a.component), 0)
        on_row[(a.invoice_number, a.component)] += a.amount
    if on_row != held or row.unallocated != row.amount - theirs - sum(held.values()):
        return True
    for number, invoice in claims.invoices.items():
        principal = held.get((number, "principal"), 0)
        holds = dict(invoice.payments).get(row.payment_id, 0)
        if holds == principal or (invoice.status in _NO_PAYMENTS and principal > 0):
            continue
        return True
    return False
