"""Crediting a (partly) paid invoice: the money on it goes to the debtor's other claims.

A credit note says the invoice was not owed, and with it the costs and interest charged for
not paying it (law3 finding 4). The ledger reverses the payments' allocations on the credited
claim and allocates the freed money by art. 6:43 over the debtor's other claims
(:meth:`LedgerService.release_credited`, one etag-guarded write). Then the rest follows the
ledger, each step idempotent so a credit handled twice (or retried after a crash) ends the
same: each invoice holds the principal the ledger gives it from each moved payment, each
payment row lists the allocations the ledger holds, and money no claim took is on the
payment's one ``overpayment`` item for staff (refund it or re-book it;
:mod:`shared.services.ledger.overpayment`).
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.domain.invoices import CLOSED, Invoice, InvoiceRuleError
from shared.domain.ledger.booking import CREDITED
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import EventKind
from shared.domain.money import Cents
from shared.domain.parties import Client
from shared.domain.records import AllocatedAmount, Payment
from shared.ports.tables import PreconditionFailed, TransactionFailed
from shared.services.errors import ConflictingUpdate
from shared.services.ledger.overpayment import keep_overpayment
from shared.services.ledger.service import DebtorClaims, LedgerService

RETRIES = 3


def settle_credited(ledger: LedgerService, client: Client, number: str) -> None:
    """Move the money on credited invoice ``number`` (see the module's text)."""
    ledger.release_credited(client, number)
    stored = ledger.repos.invoices.get(client.client_id, number)
    if stored is None:
        return
    claims = ledger.debtor_claims(client, stored.invoice.debtor_number)
    credited = next((r for r in claims.records if r.number == number), None)
    if credited is None:
        return
    moved = {
        e.payment_id
        for e in credited.events
        if e.kind is EventKind.REVERSAL and e.reason == CREDITED and e.payment_id
    }
    follow_ledger(ledger, client, claims, moved, number, f"invoice {number} credited", "credit")


def settle_restated(
    ledger: LedgerService, client: Client, debtor_number: str, payment_id: str,
    moved: Iterable[str],
) -> None:  # fmt: skip
    """Back-dated payment ``payment_id`` restated the debtor's claims and moved the money of
    the later payments ``moved`` to other claims or out of them:
    invoices, payment rows and overpayment items follow the ledger (:func:`follow_ledger`)."""
    claims = ledger.debtor_claims(client, debtor_number)
    because = f"restated by the earlier payment {payment_id}"
    follow_ledger(ledger, client, claims, moved, payment_id, because, "restated")


def follow_ledger(
    ledger: LedgerService,
    client: Client,
    claims: DebtorClaims,
    moved: Iterable[str],
    number: str,
    because: str,
    tag: str,
) -> None:
    """Payments whose money the ledger moved between claims (a credit, a back-dated payment
    restating a claim): each invoice holds the principal the ledger gives it from them, each
    payment row lists the allocations the ledger holds, and what no claim took is on the
    payment's ``overpayment`` item (one per payment, stating its row's figure)."""
    debtor = next(iter(claims.invoices.values())).debtor_number if claims.invoices else None
    mine = {r.number for r in claims.records}
    followed: dict[str, Invoice] = {}  # the invoices as this left them, by number
    # the invoices open before this moved money onto them (the usage meter's question)
    opened = {n for n, i in claims.invoices.items() if i.status not in CLOSED}
    for payment_id in sorted(set(moved)):
        applied = _applied_on(claims, payment_id)
        for _ in range(RETRIES):
            held = _held(claims.records, payment_id)
            payment = _follow(ledger, client, payment_id, held, applied, mine, followed)
            if debtor is None:
                break
            # another credit or restatement of the debtor may have moved this payment's money
            # after ``claims`` was read, and its own follow-up may have written before ours:
            # ours is right only if the ledger still says what we wrote, else again from it
            claims = ledger.debtor_claims(client, debtor)
            if _held(claims.records, payment_id) == held:
                break
        if payment is not None and payment.unallocated > 0:
            _overpayment(ledger, client, payment, number, because, tag)
    # money moved onto a case's last open invoice (a credit note, a designation corrected, a
    # restatement) pays the case in full as a booking does: its new_case item is closed now,
    # not at the next daily run, and so is the dispute item of an invoice it paid (money26).
    # Told the invoices as read or written here, also when a retry found them followed
    # already (a follow-up cut off before this is finished by its retry); storage failing
    # leaves it to the daily run, as at a booking
    from shared.services.paid_items import close_paid_items_told

    close_paid_items_told(ledger.repos, client, list(followed.values()), ledger.clock.now(), ledger)
    closed = [n for n, invoice in followed.items() if n in opened and invoice.status in CLOSED]
    if closed and ledger.closed_listener is not None:
        # open a moment ago, paid now: under management this month (the usage meter)
        ledger.closed_listener(client, closed)


def _follow(
    ledger: LedgerService, client: Client, payment_id: str,
    held: dict[tuple[str, str], Cents], applied: set[str], mine: set[str],
    followed: dict[str, Invoice],
) -> Payment | None:  # fmt: skip
    """Invoices and the payment row as ``held`` says (None: the payment is gone or reversed).
    ``mine``: the invoices of the claims read; what the payment holds on another debtor's
    invoices (one transfer for two debtors) is not this change's and stays on the row. The
    row is saved under the ETag of the read it changes: a return or a designation corrected
    since is read again and kept (failure14 F4: saved back ``reversed=False``)."""
    for invoice_number in sorted({n for n, _ in held} | applied):
        principal = held.get((invoice_number, "principal"), 0)
        left = _set_principal(ledger, client, invoice_number, payment_id, principal)
        if left is not None:
            followed[invoice_number] = left
    ours = [AllocatedAmount(n, c, cents) for (n, c), cents in held.items() if cents > 0]
    for _ in range(RETRIES):
        read = ledger.repos.payments.get_versioned(client.client_id, payment_id)
        if read is None or read[0].reversed:
            return None
        payment, etag = read
        theirs = [a for a in payment.allocations if a.invoice_number not in mine]
        allocations = tuple(sorted([*ours, *theirs],
                                   key=lambda a: (a.invoice_number, a.component)))  # fmt: skip
        unallocated = payment.amount - sum(a.amount for a in allocations)
        if (allocations, unallocated) == (payment.allocations, payment.unallocated):
            return payment
        payment = Payment(
            **{**vars(payment), "allocations": allocations, "unallocated": unallocated}
        )
        try:
            ledger.repos.payments.save_if(payment, etag)
        except PreconditionFailed:
            continue  # saved by another since the read: read again
        return payment
    raise ConflictingUpdate(f"payment {payment_id} keeps changing")


def _held(records: list[ClaimRecord], payment_id: str) -> dict[tuple[str, str], Cents]:
    """What ``payment_id`` is allocated to in the ledger, per (invoice, component)."""
    out: dict[tuple[str, str], Cents] = {}
    for r in records:
        for e in r.events:
            if e.payment_id != payment_id:
                continue
            key = (r.number, e.component.value)
            if e.kind is EventKind.ALLOCATED:
                out[key] = out.get(key, 0) + e.amount
            elif e.kind is EventKind.REVERSAL:
                out[key] = out.get(key, 0) - e.amount
    return out


def _applied_on(claims: DebtorClaims, payment_id: str) -> set[str]:
    """The invoices that hold principal from ``payment_id`` (as read before the moves)."""
    return {n for n, i in claims.invoices.items() if any(p == payment_id for p, _ in i.payments)}


def _set_principal(
    ledger: LedgerService, client: Client, number: str, payment_id: str, principal: Cents
) -> Invoice | None:
    """The invoice holds ``principal`` from ``payment_id``, as the ledger does; the invoice
    as it stands then (None: gone, closed meanwhile, or kept changing)."""
    for _ in range(RETRIES):
        stored = ledger.repos.invoices.get(client.client_id, number)
        if stored is None:
            return None
        invoice = stored.invoice
        if dict(invoice.payments).get(payment_id, 0) == principal:
            return invoice
        try:
            updated = invoice.reverse_payment(payment_id)
            if principal > 0:
                updated = updated.apply_payment(payment_id, principal)
        except InvoiceRuleError:
            return None  # credited or withdrawn meanwhile: the ledger's claim is closed too
        try:
            ledger.repos.invoices.save(updated, stored)
            return updated
        except TransactionFailed:
            continue
    return None


def _overpayment(
    ledger: LedgerService, client: Client, payment: Payment, number: str, because: str,
    tag: str,
) -> None:  # fmt: skip
    keep_overpayment(
        ledger.repos, ledger.clock, client, payment, because=because, invoice_numbers=(number,),
        detail={("credited_invoice" if tag in ("credit", "creditnote") else "restated_by"): number},
    )  # fmt: skip
