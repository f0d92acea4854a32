"""Invoices (claims) and the status rules that every entry point must respect."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from shared.domain.law.prescription import ClaimKind
from shared.domain.ledger.client_sync import BooksFigure, PendingReceipt, books_after, reported_paid
from shared.domain.money import Cents
from shared.domain.reasons import CodedError

if TYPE_CHECKING:
    from shared.domain.ledger.booking import NoteKind


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    CREDITED = "credited"
    DISPUTED = "disputed"
    WITHDRAWN = "withdrawn"


CLOSED = frozenset({InvoiceStatus.PAID, InvoiceStatus.CREDITED, InvoiceStatus.WITHDRAWN})


class InvoiceRuleError(CodedError):
    """A change the invoice's state does not allow. ``code`` and ``params`` let a page say
    it in its reader's language (shared/api/console/refusal_words_claims.py)."""


@dataclass(frozen=True)
class Invoice:
    client_id: str
    number: str
    debtor_number: str
    invoice_date: date
    due_date: date
    amount: Cents  # principal, incl. VAT as invoiced
    paid: Cents = 0  # principal paid (booked by Inning, or to the client before the hand-over)
    status: InvoiceStatus = InvoiceStatus.OPEN
    payment_reference: str | None = None
    description: str | None = None
    dispute_reason: str | None = None
    currency: str = "EUR"
    payments: tuple[tuple[str, Cents], ...] = ()  # (payment id, principal) booked by Inning
    # where dunning stands (see shared.domain.dunning.workflow.DunningState)
    dunning_step: int = -1
    dunning_step_on: date | None = None
    paused_until: date | None = None
    promise_until: date | None = None
    costs_owed_from: date | None = None  # set by the 14-day letter (B2C)
    # Inning's own 14-day letter: (the day it went out, the costs term it set). The term
    # counts only when the letter went out in default (6:96 lid 6 BW), judged by this day as
    # the client's letters are (law12c #3); trusted only while ``costs_owed_from`` is its term
    own_letter: tuple[date, date] | None = None
    # the day the costs of the notice of an earlier 14-day letter of Inning's for this invoice
    # became owed, when a moved due date overtook that letter and a new one went out: the
    # invoice stays a member of that notice, one WIK amount with its other invoices (law12c #4)
    overtaken_notice: date | None = None
    handed_over_to: str | None = None  # agency id, once the case went to collection
    # the client sent the invoice's PDF (the portal offers it without asking the blob store);
    # None: written before this was noted, so whoever needs to know looks for the blob
    pdf: bool | None = None
    # the day the agreement was concluded: decides the 6:119a margin (ECB + 7 before
    # 16-3-2013, + 8 from then); None: the invoice date (docs/law.md)
    contract_date: date | None = None
    # what the claim is for (prescription: 2 years for a consumer sale, 7:28 BW, else 5);
    # None: not told, a consumer's claim is then taken as a sale (the earlier warning)
    claim_kind: ClaimKind | None = None
    # partial credit notes (reference, principal credited): ``amount`` is what is left of the
    # principal; the invoiced amount is ``amount`` plus these
    credit_notes: tuple[tuple[str, Cents], ...] = ()
    # each partial note's kind (reference, correction/discount) as the claim ledger booked it,
    # kept here so a list of invoices says it without reading a ledger per debtor (attack17
    # F3: 60 whole-ledger reads for one page); a note booked before this was kept has none
    note_kinds: tuple[tuple[str, NoteKind], ...] = ()
    # the credit note (reference, principal) that credited the whole rest of the invoice (a
    # partial credit for all of what was open): its retry is answered, not refused (attack5)
    credited_by: tuple[str, Cents] | None = None
    # the Amsterdam day the current promise to pay / pause until a day was agreed: the day
    # of its costs hold in the ledger (written after the invoice), so a retry or the dunning
    # run writes a hold that is missing with that day, not its own (failure6 #5)
    promised_on: date | None = None
    paused_on: date | None = None
    # the day staff resumed the invoice, ending its pause (or promise to pay) before its day:
    # the steps whose day fell in it keep the workflow's spacing from then (``held_until``)
    pause_ended_on: date | None = None
    # the ids of the workflow steps the invoice took, oldest first (``dunning_step`` is the
    # last one's place when it was taken): an edit of the workflow moves places, not ids
    dunning_trail: tuple[str, ...] = ()
    # the client's receipt a sync decided and has not booked whole yet (payment, this row's
    # share, the action item): two syncs racing decide one; a retry finishes it (failure10)
    receipt_pending: PendingReceipt | None = None
    # what the client's books last reported paid on it (a receipt is a rise of theirs, never
    # the same figure read again: law11b F2); None: no sync with an open amount since
    books: BooksFigure | None = None
    # the day staff wrote the claim off as uncollectable (withdrawn from collection, the debt
    # standing: money paid for it still pays it, ledger31); None: never, or written off
    # before this was kept (a withdrawn invoice whose ledger holds a write-off)
    written_off_on: date | None = None

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise InvoiceRuleError("amount must be positive")
        if not 0 <= self.paid <= self.amount:
            raise InvoiceRuleError("paid must be between 0 and the amount")
        if self.due_date < self.invoice_date:
            raise InvoiceRuleError("due date is before the invoice date")

    @property
    def open_amount(self) -> Cents:
        if self.status in CLOSED:
            return 0
        return self.amount - self.paid

    @property
    def is_collectable(self) -> bool:
        """Dunning may act on it: money is open and nothing stops collection."""
        return self.status in (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID)

    def with_ledger(
        self,
        *,
        amount: Cents,
        open_amount: Cents | None,
        settled: Cents | None = None,
        on: date | None = None,
    ) -> Invoice:
        """The client's accounting pushed this invoice again.

        ``amount`` is the invoice's amount as invoiced: the partial credit notes booked through
        Inning stay off it (an accounting package keeps a credit note as a document of its own
        and pushes the invoice with its original amount; taking that as the new principal
        charged the credited part again, attack5). A pushed amount the credit notes take all
        of is refused. ``open_amount`` is what the client's books say is still open: more than
        the amount less the credit notes (a credit note not matched to the invoice there)
        counts as nothing paid, never as a payment of the credited part.

        ``settled``: the principal the client's books report paid before the hand-over that
        Inning did not know yet (:func:`shared.domain.ledger.client_sync.reconcile`, which
        weighs what the books report against all the money Inning holds on the claim); None:
        all that ``open_amount`` reports beyond what is paid here (the invoice's first import,
        which is the hand-over). Money the debtor paid the client after the hand-over is no
        principal that was never owed: it is booked as a payment (law9 F1, F2), not here.
        Nothing is reopened: the books' lag never takes back a payment either side knows of.
        ``on``: the sync's day: the books' figure is kept (:attr:`books`) for the next sync.
        """
        if self.status in (InvoiceStatus.CREDITED, InvoiceStatus.WITHDRAWN):
            raise InvoiceRuleError(
                f"invoice {self.number} is {self.status.value}",
                code="invoice_in_status",
                params={"invoice": self.number, "invoice_status": self.status},
            )
        if open_amount is not None and open_amount > amount:
            raise InvoiceRuleError("open amount exceeds the invoice amount")
        credited = sum(c for _, c in self.credit_notes)
        if amount <= credited:
            raise InvoiceRuleError(
                f"amount is not above the {credited} cents of credit notes booked on invoice "
                f"{self.number}; credit the whole invoice instead"
            )
        amount -= credited
        books = self.books
        if open_amount is not None and on is not None:
            books = books_after(books, reported_paid(amount, open_amount), on)
        if settled is None:
            settled = max(0, reported_paid(amount, open_amount) - self.paid)
        paid = self.paid + settled
        if paid > amount:
            raise InvoiceRuleError("amount is below what has already been paid")
        status: InvoiceStatus = self.status
        if status is not InvoiceStatus.DISPUTED:
            status = _status_for(amount, paid)
        return replace(self, amount=amount, paid=paid, status=status, books=books)

    def credit(self, note: tuple[str, Cents] | None = None) -> Invoice:
        """``note``: the credit note (reference, principal) that credits the rest, if any.

        A paid invoice may be credited too (goods returned after paying): it was not owed,
        and the money paid on it goes by 6:43 to the debtor's other claims or is an
        overpayment to refund (services/ledger/credit.py; law6 finding 4)."""
        return replace(self, status=InvoiceStatus.CREDITED, credited_by=note or self.credited_by)

    @property
    def invoiced(self) -> Cents:
        """The principal as invoiced, before partial credit notes."""
        return self.amount + sum(c for _, c in self.credit_notes)

    def credit_part(self, reference: str, cents: Cents) -> Invoice:
        """A credit note for part of the principal: the invoice stays in collection for the
        rest. The same reference twice changes nothing; with another amount it is refused."""
        booked = dict(self.credit_notes).get(reference)
        if booked is not None:
            if booked != cents:
                raise InvoiceRuleError(
                    f"credit note {reference} was {booked} cents",
                    code="credit_note_other_amount",
                    params={"reference": reference, "amount": booked},
                )
            return self
        # a paid invoice too (law6 finding 4): the ledger restates it and moves what the
        # debtor paid beyond the lower claim by 6:43, or keeps it as an overpayment
        if self.status in (InvoiceStatus.CREDITED, InvoiceStatus.WITHDRAWN):
            raise InvoiceRuleError(
                f"invoice {self.number} is {self.status.value}",
                code="invoice_in_status",
                params={"invoice": self.number, "invoice_status": self.status},
            )
        if not 0 < cents < self.amount:
            raise InvoiceRuleError(
                "a partial credit must be below the invoice's principal",
                code="partial_credit_below_principal",
            )
        amount = self.amount - cents
        # a note above the open principal (law5 #6): the debtor paid more than the lower
        # amount; the invoice counts it paid in full here, and the ledger's follow-up sets
        # each payment's share and moves the rest by 6:43 (services/ledger/credit.py)
        paid = min(self.paid, amount)
        status: InvoiceStatus = self.status
        if status is not InvoiceStatus.DISPUTED:
            status = _status_for(amount, paid)
        notes = (*self.credit_notes, (reference, cents))
        return replace(self, amount=amount, paid=paid, status=status, credit_notes=notes)

    def bring_credit_note_to(self, reference: str, cents: Cents) -> Invoice:
        """Booked note ``reference`` brought to ``cents``: what the claim ledger lets it go of
        the principal. A discount lets go only of what was still owed on its day; where a
        payment received before it is booked after it, the ledger takes the rest of it back
        (law16b F3) and the invoice asks that part again, paid by that payment. The invoiced
        amount stays; nothing for a note not booked or already at ``cents``."""
        booked = dict(self.credit_notes).get(reference)
        if booked is None or booked == cents or cents < 0:
            return self
        amount = self.amount + booked - cents
        paid = min(self.paid, amount)
        status: InvoiceStatus = self.status
        if status in (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.PAID):
            status = _status_for(amount, paid)
        notes = tuple((r, cents if r == reference else c) for r, c in self.credit_notes)
        return replace(self, amount=amount, paid=paid, status=status, credit_notes=notes)

    def take_back_credit_note(self, reference: str) -> Invoice:
        """A partial credit note the claim ledger refused comes off again: the amount as it was
        before the note; the status follows it (a dispute or a closed invoice stays as it is)."""
        cents = dict(self.credit_notes).get(reference)
        if cents is None:
            return self
        amount = self.amount + cents
        # a note above the open principal capped ``paid`` at the lower amount: the payments
        # booked on the invoice say what it was
        paid = max(self.paid, min(amount, sum(c for _, c in self.payments)))
        status: InvoiceStatus = self.status
        if status in (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.PAID):
            status = _status_for(amount, paid)
        notes = tuple(n for n in self.credit_notes if n[0] != reference)
        kinds = tuple(k for k in self.note_kinds if k[0] != reference)
        return replace(self, amount=amount, paid=paid, status=status, credit_notes=notes,
                       note_kinds=kinds)  # fmt: skip

    def with_note_kinds(self, kinds: Mapping[str, NoteKind]) -> Invoice:
        """The kinds of its booked partial notes as the claim ledger booked them (``kinds``:
        per reference; a reference the invoice does not hold is left out)."""
        known = dict(self.note_kinds)
        known.update({r: kinds[r] for r, _ in self.credit_notes if r in kinds})
        noted = tuple((r, known[r]) for r, _ in self.credit_notes if r in known)
        return self if noted == self.note_kinds else replace(self, note_kinds=noted)

    def dispute(self, reason: str) -> Invoice:
        if self.status in CLOSED:
            raise InvoiceRuleError(
                f"invoice {self.number} is {self.status.value}",
                code="invoice_in_status",
                params={"invoice": self.number, "invoice_status": self.status},
            )
        if not reason.strip():
            raise InvoiceRuleError("a dispute needs a reason", code="dispute_needs_reason")
        return replace(self, status=InvoiceStatus.DISPUTED, dispute_reason=reason.strip())

    def resolve_dispute(self) -> Invoice:
        if self.status is not InvoiceStatus.DISPUTED:
            raise InvoiceRuleError(
                f"invoice {self.number} is not disputed",
                code="invoice_not_disputed",
                params={"invoice": self.number},
            )
        return replace(self, status=_status_for(self.amount, self.paid), dispute_reason=None)

    def withdraw(self) -> Invoice:
        if self.status is InvoiceStatus.PAID:
            raise InvoiceRuleError(
                f"invoice {self.number} is paid",
                code="invoice_paid",
                params={"invoice": self.number},
            )
        return replace(self, status=InvoiceStatus.WITHDRAWN)

    @property
    def takes_payments(self) -> bool:
        """Money may be booked on it: not credited, nor withdrawn, unless it was written off
        (the debt stands; a payment for it recovers what was written off, ledger31)."""
        if self.status is InvoiceStatus.WITHDRAWN:
            return self.written_off_on is not None
        return self.status is not InvoiceStatus.CREDITED

    def write_off(self, on: date) -> Invoice:
        """Written off as uncollectable on ``on``: withdrawn from collection and marked, so
        money the debtor pays for it later is taken (:meth:`apply_payment`)."""
        return replace(self.withdraw(), written_off_on=self.written_off_on or on)

    def apply_payment(self, payment_id: str, cents: Cents) -> Invoice:
        """Book principal from a payment (the law module decided the allocation). Applying
        the same payment twice changes nothing: redelivered messages must not double-book."""
        if any(pid == payment_id for pid, _ in self.payments):
            return self
        if cents <= 0 or cents > self.amount - self.paid:
            raise InvoiceRuleError(
                "payment exceeds the open principal", code="payment_exceeds_open"
            )
        paid = self.paid + cents
        status: InvoiceStatus = self.status
        if status is not InvoiceStatus.DISPUTED or paid == self.amount:
            status = _status_for(self.amount, paid)
        if self.status is InvoiceStatus.WITHDRAWN and self.written_off_on is not None:
            # a recovery on a written-off claim: paid, still out of collection (ledger31)
            status = InvoiceStatus.WITHDRAWN
        elif self.status in (InvoiceStatus.CREDITED, InvoiceStatus.WITHDRAWN):
            raise InvoiceRuleError(
                f"invoice {self.number} is {self.status.value}",
                code="invoice_in_status",
                params={"invoice": self.number, "invoice_status": self.status},
            )
        return replace(
            self, paid=paid, status=status, payments=(*self.payments, (payment_id, cents))
        )

    def reverse_payment(self, payment_id: str) -> Invoice:
        """Undo a payment that came back (returned, refunded, charged back): the invoice is
        open again for what it paid. Reversing twice changes nothing."""
        booked = [c for pid, c in self.payments if pid == payment_id]
        if not booked:
            return self
        paid = max(0, self.paid - booked[0])
        status: InvoiceStatus = self.status
        if status not in (InvoiceStatus.DISPUTED, InvoiceStatus.CREDITED, InvoiceStatus.WITHDRAWN):
            status = _status_for(self.amount, paid)
        remaining = tuple(p for p in self.payments if p[0] != payment_id)
        return replace(self, paid=paid, status=status, payments=remaining)

    def take_back_payment(self, payment_id: str) -> Invoice:
        """:meth:`reverse_payment` for money that came back from the debtor's side (a bank's
        return, a chargeback, a refund). Paid in full while disputed (the reason kept: nobody
        ended the dispute), the invoice is disputed again: a payment that came back is no
        payment, so what it ended, the dispute, runs again, not collection of a dispute nobody
        answered (takeback27). A credit moving money between invoices is not this."""
        reversed_ = self.reverse_payment(payment_id)
        if (
            self.status is InvoiceStatus.PAID
            and reversed_.status is not InvoiceStatus.PAID
            and self.dispute_reason
        ):
            return replace(reversed_, status=InvoiceStatus.DISPUTED)
        return reversed_


def _status_for(amount: Cents, paid: Cents) -> InvoiceStatus:
    if paid == 0:
        return InvoiceStatus.OPEN
    if paid >= amount:
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTIALLY_PAID
