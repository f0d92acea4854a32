"""Booking money received: over the whole claim by law (costs, VAT on costs, interest,
principal; designated or oldest claims first), exactly once, and undoing exactly that when the
money comes back. The claim ledger (:mod:`shared.services.ledger.service`) holds the truth; the
payment row and the invoice's principal are what other code reads.

A payment id is derived from where the money came from (a statement line, a Mollie payment),
so a redelivered message finds the payment already there. The payment row is written first
(``applying``), then each invoice takes its share, idempotently (an invoice remembers the
payments it took), then the row says ``applied``: a crash at any point is finished by the
next delivery, never doubled.

A booking an invoice refuses (it was credited, withdrawn or paid otherwise after the ledger
took the payment and before the invoice's write) is undone: reversed on the ledger and the
invoices that took their share, on the action list for a person, as if the credit had come
first; the statement window does the same (:mod:`shared.services.statements_redo`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from shared.adapters.tables.banking_repo import PaymentRef
from shared.clock import Clock, amsterdam_date
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import Invoice, InvoiceRuleError
from shared.domain.law.interest_rates import RateTable
from shared.domain.ledger.booking import restated_moves
from shared.domain.money import Cents, format_eur_nl
from shared.domain.parties import Client
from shared.domain.records import (
    ActionItem,
    AllocatedAmount,
    ContactEntry,
    ContactKind,
    Payment,
    PaymentSource,
    Receiver,
    payment_received,
)
from shared.ports.tables import Conflict, PreconditionFailed, TransactionFailed
from shared.services.errors import ConflictingUpdate
from shared.services.ledger.plan_parts import PlansById
from shared.services.ledger.service import LedgerService
from shared.services.repositories import Repositories
from shared.services.statements_redo import UNDONE

RETRIES = 5


@dataclass(frozen=True)
class Replacement:
    """The booking that takes a reversed payment's place with the same money: the bank's line
    that proves a receipt of the client's sync (``by_bank``), or the receipt booked again on
    the day the client's books give. Nothing came back: the payment is corrected."""

    payment_id: str
    received_on: date
    by_bank: bool
    # less than the payment: only this much of it is booked in its place, the rest came back
    # (the client's books took a part of a receipt back): told as that part taken back, once
    # (money26 left it told as the whole taken back and the rest received, two items)
    amount: Cents | None = None


class PrincipalFirst(Protocol):
    def __call__(
        self, client: Client, invoice_numbers: list[str], plans: PlansById | None = None
    ) -> frozenset[str]:
        """The invoices among these a running plan over the principal only holds;
        ``plans``: the client's plans by id the caller read (filled with those read)."""
        ...


class PaymentService:
    def __init__(
        self,
        repos: Repositories,
        clock: Clock,
        rates: Callable[[], RateTable] | None = None,
    ) -> None:
        self.repos = repos
        self.clock = clock
        self.ledger = LedgerService(repos, clock, rates)
        # told after money was booked on or taken back from invoices (e.g. payment plans);
        # a listener that fails makes the delivery fail, and the retry books nothing twice
        self.listeners: list[Callable[[Client, list[str]], None]] = []
        # payment plans, told like the listeners; apart, because a caller that knows which
        # invoices the client's plans hold (the statement window) tells it only those
        self.plan_listener: Callable[[Client, list[str]], None] | None = None
        # the invoices among these whose principal is paid first by agreement (a running
        # payment plan over the principal only); None: the order of art. 6:44 for all
        self.principal_first: PrincipalFirst | None = None
        # a bank return whose reason says the debtor died (MD07): his standing is proposed
        # before the plans hear of the return (a plan must not lapse and mail a dead man)
        self.deceased_return: Callable[[Client, str, str, str], object] | None = None
        # told after a payment came back, besides the listeners: a return is rare, so what it
        # must not miss may be read whatever the client read before says (a storno of money
        # received under a ruling that ended since: law15b #5)
        # with the day the money came back (the day stored on the payment, the same on a
        # redelivery): a consumer's dispute costs hold resumes from it (review26 F6)
        self.reversed_listener: Callable[[Client, list[str], date], None] | None = None
        # told the invoices a booking wrote, as it wrote them (no read for it): a case whose
        # last invoice this paid closes its item at once (case_items, booked24). A statement
        # window tells it the invoices it wrote, as it tells the listeners. With them the
        # payments that wrote them: the agency of a case is told of the client's own money on
        # its invoices (cases.money_told, told24)
        self.written_listener: Callable[[Client, list[Invoice], list[Payment]], None] | None = None
        # told a payment that came back (not a booking undone before anyone heard of it): the
        # agency of a case told of it must collect it again (cases.receipt_taken_back_told)
        self.taken_back_listener: Callable[[Client, Payment], None] | None = None
        # told instead a payment reversed only to be booked again as the same money (a
        # re-dating, the bank's line in a receipt's place): the agency hears one correction,
        # not "taken back" and "received" (case_corrections, money26)
        self.corrected_listener: Callable[[Client, Payment, Replacement], None] | None = None

    def _tell(self, client: Client, invoice_numbers: list[str]) -> None:
        numbers = sorted(set(invoice_numbers))
        for listener in self.listeners:
            listener(client, numbers)
        if self.plan_listener is not None:
            self.plan_listener(client, numbers)

    def book(
        self,
        client: Client,
        *,
        payment_id: str,
        amount: Cents,
        received_on: date,
        source: PaymentSource,
        invoice_numbers: list[str],
        external_id: str | None = None,
        payer_iban: str | None = None,
        return_reference: str | None = None,
        received_by: Receiver = Receiver.THIRD_PARTY,
        client_written: bool = False,
        received: Cents | None = None,
        bank_charges: Cents = 0,
        finish: bool = True,
        designated: list[str] | None = None,
        act_of: Payment | None = None,
        reference: str | None = None,
    ) -> Payment:
        """Book ``amount`` on these invoices (the debtor's designation) over their whole claim
        (costs, VAT on costs, interest, principal; art. 6:43/6:44 BW), exactly once.

        ``designated``: the invoices among them the debtor named himself, when the caller
        found ``invoice_numbers`` by other means (a bank line attributed by its payer's
        account or amount, :func:`~shared.domain.statements.designation.line_designation`):
        they say whose money it is, and what he did not designate goes over all his claims
        by 6:43 lid 2. None: ``invoice_numbers`` are his designation (Mollie, the portal).
        ``reference``: what a person finds a bank credit by (kept for the settlement
        statement; :func:`~shared.domain.statements.model.findable_reference`).
        ``act_of``: the payment this one books again (a bank's reversal of its return): the
        debtor's act (``debtor_paid``) and whose designation it is are that payment's, not
        this booking's, so a designation a person corrected stays staff's and acknowledges
        nothing the debtor did not name (codereview14 F2; attack14 A3).

        ``received_by``: where the money arrived (the agency's third-party account or the
        client's own); every caller in ``shared`` names it (settlement pays out only the
        first; tests/unit/settlement/test_received_by.py checks each booking path).
        ``client_written``: booked from a statement the client uploaded (statement_sources):
        its payer's account is learned as the client's word (``said``), and only a return the
        client uploads may undo it. ``bank_charges``: what the account's bank kept of a
        statement credit booked less its charges (``amount`` is what the debtor sent).
        ``finish``: False when the caller writes itself what follows a payment row it finds
        (a statement window's booking: ``redo_window_booking``).

        The one booking path of every source (bank statements, Mollie, the portal, staff). A
        payment already booked is returned as it is: a redelivered message finishes what a
        crash left undone and logs nothing again; a payment that was reversed is never booked
        again. Concurrent deliveries of one payment log "payment received" once: only the
        delivery whose payment row was written says so.
        """
        existing = self._get(client.client_id, payment_id)
        written: list[Invoice] = []  # the invoices as this delivery found or wrote them
        if existing is not None:
            # a crash after the payment row may have left its row in the console's day list out
            self.repos.payments.days.repair(existing)
            if not existing.reversed and self._apply(client, existing, written):
                # refused by an invoice (a credit between the ledger and the invoice write;
                # the first delivery may have died before undoing it): undone now
                return self._undo(client, existing)
            moved = () if existing.reversed else self._moved_by(client, existing)
            if moved:
                # a back-dated payment that restated claims (always booked here, never in a
                # statement window's bulk writes): the first delivery may have died before
                # its follow-ups, the later payments it moved and its overpayment item
                # (failure5 finding 1). Other payments' items are the window's (its own ids)
                self._follow_up(client, existing, moved)
            if finish and not existing.reversed:
                self._finish(client, existing, return_reference, payer_iban, client_written,
                             received)  # fmt: skip
            # a redelivery tells the listeners again: the first delivery may have failed
            # after booking and before they heard of it (they recompute, so twice is harmless)
            self._tell(client, [a.invoice_number for a in existing.allocations])
            self._tell_written(client, written, existing)
            return existing
        named = invoice_numbers if designated is None else designated
        # his designation may name invoices the booking does not use (a plan's reference names
        # all the plan's: codereview14 F6), of the same debtor
        stored = self.repos.invoices.get_many(
            client.client_id, list(dict.fromkeys([*invoice_numbers, *named]))
        )
        agreed = (
            self.principal_first(client, invoice_numbers) if self.principal_first else frozenset()
        )
        result = self.ledger.book(
            client, payment_id, amount, received_on, invoice_numbers, agreed, designated=named
        )
        debtors = {stored[n].invoice.debtor_number for n in invoice_numbers if n in stored}
        as_named = tuple(n for n in dict.fromkeys(named)
                         if n in stored and stored[n].invoice.debtor_number in debtors)  # fmt: skip
        first_booked = tuple(dict.fromkeys(x.invoice_number for x in result.lines))
        payment = Payment(
            client_id=client.client_id,
            payment_id=payment_id,
            debtor_number=sorted(debtors)[0] if debtors else None,
            amount=amount,
            received_on=received_on,
            source=source,
            external_id=external_id,
            allocations=tuple(
                AllocatedAmount(x.invoice_number, x.component.value, x.amount) for x in result.lines
            ),
            unallocated=result.unallocated,
            # the debtor's designation as he gave it (only invoices that exist): what the
            # ledger's later re-allocations of this money read (law5 finding 4)
            designated=as_named,
            designated_by_staff=act_of is not None and act_of.designated_by_staff,
            booked_to=first_booked,
            # his act as it came (attack14 A3); the original's when this books it again
            debtor_paid=act_of.debtor_paid if act_of is not None else as_named or first_booked,
            received_by=received_by,
            bank_charges=bank_charges,
            booked_on=amsterdam_date(self.clock.now()),
            reference=reference,
            told_as=time_ordered_id(self.clock.now()),
        )
        try:
            self.repos.payments.add(payment)
        except Conflict:
            # another delivery of this payment got here first: it logs and reports
            won = self._get(client.client_id, payment_id) or payment
            if not won.reversed and self._apply(client, won):
                return self._undo(client, won)
            return won
        if self._apply(client, payment, written):
            # the ledger and the payment row hold a booking an invoice no longer takes: the
            # ledger and the invoice would disagree; undone, and a person decides (the payer's
            # account is not learned, nor is the payment logged as received)
            return self._undo(client, payment)
        if payer_iban and payment.debtor_number:
            self.repos.banking.learn_ibans(
                client.client_id, {payer_iban: {payment.debtor_number}}, said=client_written
            )
        self._log(client, payment, first=True)
        # the return reference last: its row tells a redelivery that this delivery finished
        # (see ``_finish``)
        if return_reference:
            self._remember(client, payment, return_reference, payer_iban, client_written, received)
        # ``result`` may be the ledger's booking of a first delivery that died before the
        # payment row: then its ``moved`` is rebuilt from the claims, and the follow-ups run
        self._follow_up(client, payment, tuple(result.moved))
        self._tell(client, [a.invoice_number for a in payment.allocations])
        self._tell_written(client, written, payment)
        return payment

    def reverse(
        self,
        client: Client,
        payment_id: str,
        reason: str,
        on: date | None = None,
        *,
        tell: bool = True,
        replaced_by: Replacement | None = None,
    ) -> Payment | None:
        """The money came back (refund, chargeback, bank return): undo exactly what it was
        allocated to, reopen the invoices, log it, tell staff. Idempotent. ``on``: the day the
        money came back when the source says (a bank return's booking date), else today; the
        client's export shows the reversal in that day's period. ``tell``: False when staff
        reverse it themselves (to book it again on another day): no item tells them of it.
        ``replaced_by``: the booking of the same money that takes its place (nothing came
        back: the agency of a case is told a correction, not money taken back)."""
        for _ in range(RETRIES):
            read = self.repos.payments.get_versioned(client.client_id, payment_id)
            if read is None:
                return None
            payment, etag = read
            numbers = sorted({a.invoice_number for a in payment.allocations})
            self._take_back(client, payment, numbers, reason, on)
            if payment.reversed:
                break
            # told before the row says reversed, each keyed by the payment (written once): a
            # return cut off after the row's save is redelivered to a row that reads as done,
            # and staff would never hear of it (failure14b Q5)
            self._tell_reversed(client, payment, numbers, reason, tell)
            reversed_ = replace(
                payment, reversed=True, reversed_on=on or amsterdam_date(self.clock.now())
            )
            try:
                # under the row read: a designation corrected meanwhile (Redesignation) is
                # not written back over, and what it moved is taken back on the next read
                self.repos.payments.save_if(reversed_, etag)
            except PreconditionFailed:
                continue
            break
        else:
            raise ConflictingUpdate(f"payment {payment_id} keeps changing; the return is retried")
        if self.deceased_return is not None and payment.debtor_number:
            from shared.domain.standing import says_deceased

            if says_deceased(reason):
                self.deceased_return(client, payment.debtor_number, reason, payment_id)
        if payment.reversed:
            self.repos.payments.days.repair(payment)  # as in book: a crash may have left it out
            self._tell(client, numbers)  # as in book: a redelivery tells the listeners again
            back_on = payment.reversed_on or on or amsterdam_date(self.clock.now())
            # a crash may have cut it off; the receipt's take-back before what it revives:
            # a disputed invoice's agency hears both in one item (law28, cases.py)
            self._tell_returned(client, payment, reason, replaced_by, back_on)
            self._tell_taken_back(client, numbers, back_on)
            return payment
        self._tell(client, [a.invoice_number for a in payment.allocations])
        assert reversed_.reversed_on is not None  # set just above
        self._tell_returned(client, payment, reason, replaced_by, reversed_.reversed_on)
        self._tell_taken_back(
            client, [a.invoice_number for a in payment.allocations], reversed_.reversed_on
        )
        return reversed_

    def _tell_returned(
        self,
        client: Client,
        payment: Payment,
        reason: str,
        replaced_by: Replacement | None,
        back_on: date,
    ) -> None:
        # a booking undone (UNDONE) was never told as received: nothing to take back
        if reason == UNDONE:
            return
        if replaced_by is not None:
            if self.corrected_listener is not None:
                self.corrected_listener(client, payment, replaced_by)
        elif self.taken_back_listener is not None:
            # as stored: the day it came back keys what a revived dispute is told under
            self.taken_back_listener(client, replace(payment, reversed=True, reversed_on=back_on))

    def _tell_taken_back(self, client: Client, invoice_numbers: list[str], on: date) -> None:
        if self.reversed_listener is not None:
            self.reversed_listener(client, sorted(set(invoice_numbers)), on)

    def _tell_reversed(
        self, client: Client, payment: Payment, numbers: list[str], reason: str, tell: bool
    ) -> None:
        """The return on the debtor's contact log and, ``tell``, staff's item, each once per
        payment (a payment that came back is never booked again): keyed by it, so the
        redelivery of a return cut off after either writes only what is missing."""
        payment_id = payment.payment_id
        key = f"reversed-{payment_id}"
        now = self.clock.now()
        if payment.debtor_number:
            self.repos.contacts.add_once(  # two deliveries of one return at once: one line
                ContactEntry(
                    client.client_id,
                    payment.debtor_number,
                    key,
                    now,
                    ContactKind.PAYMENT,
                    f"Payment of {format_eur_nl(payment.amount)} reversed: {reason}",
                    invoice_numbers=tuple(numbers),
                    system=True,
                )
            )
        if tell:
            try:
                self._action(
                    client,
                    "payment_reversed",
                    f"Payment of {format_eur_nl(payment.amount)} came back ({reason})",
                    payment.debtor_number,
                    numbers,
                    {"payment_id": payment_id, "reason": reason},
                    action_id=f"payment-{key}",
                )
            except Conflict:
                pass  # told by the delivery cut off after it

    # -- internals ---------------------------------------------------------------------------
    def _take_back(
        self, client: Client, payment: Payment, numbers: list[str], reason: str, on: date | None
    ) -> None:
        """The ledger and the invoices without ``payment`` as its row was read (idempotent:
        a redelivery, or a second read after the row changed, takes back only what is left)."""
        payment_id = payment.payment_id
        undone = self.ledger.reverse(client, payment_id, numbers, reason, on=on,
                                     debtor=payment.debtor_number)  # fmt: skip
        for number in numbers:
            self._update_invoice(
                client.client_id, number, lambda inv: inv.take_back_payment(payment_id)
            )
        # the claims it opened again take back the payments the debtor designated to them
        # (6:43 lid 1; law5 finding 4), once the invoices no longer hold this one's principal;
        # a redelivery finishes a re-booking a crash left undone (it moves nothing twice)
        from shared.services.ledger.designation import rebook_after_return

        debtors = {s.invoice.debtor_number for s in
                   self.repos.invoices.get_many(client.client_id, numbers).values()}  # fmt: skip
        debtors |= {payment.debtor_number} if payment.debtor_number else set()
        if not undone:
            # the ledger had the return already (a redelivery): a crash or timeout after its
            # write, or after a re-booking's, may have kept the payments it moved from
            # following, and the ledger step alone no longer knows them (failure6 #4, #7);
            # before the re-booking, whose overpayment item is settled from the rows
            from shared.services.ledger.follow import follow_debtors

            follow_debtors(self.ledger, client, sorted(debtors), payment_id,
                           f"restated when payment {payment_id} came back", "returned",
                           besides=(payment_id,))  # fmt: skip
        rebook_after_return(self.ledger, client, sorted(debtors), payment_id,
                            on or amsterdam_date(self.clock.now()))  # fmt: skip

    def _follow_up(self, client: Client, payment: Payment, moved: tuple[str, ...]) -> None:
        """What follows a booking, idempotent so a redelivery finishes it: a back-dated payment
        that restated claims lets the later payments it moved follow the ledger (their rows,
        the invoices' principal: :func:`~shared.services.ledger.credit.settle_restated`); money
        no claim took is on the payment's overpayment item."""
        if moved and payment.debtor_number:
            from shared.services.ledger.credit import settle_restated

            settle_restated(self.ledger, client, payment.debtor_number, payment.payment_id, moved)
        if payment.unallocated > 0:
            from shared.services.ledger.overpayment import keep_overpayment

            keep_overpayment(
                self.repos, self.clock, client, payment,
                invoice_numbers=[a.invoice_number for a in payment.allocations],
            )  # fmt: skip

    def _moved_by(self, client: Client, payment: Payment) -> tuple[str, ...]:
        """The later payments this one moved when it restated claims, as the ledger holds it
        (none without a debtor or a restatement)."""
        if not payment.debtor_number:
            return ()
        # the ledger's rows alone (one range read): the events say it, no terms are needed
        stored = self.ledger.ledger.for_debtor(client.client_id, payment.debtor_number)
        events = (e for claim in stored.values() for e in claim.events)
        return restated_moves(events, payment.payment_id)

    def _get(self, client_id: str, payment_id: str) -> Payment | None:
        return self.repos.payments.get(client_id, payment_id)

    def _tell_written(self, client: Client, written: list[Invoice], payment: Payment) -> None:
        # told though nothing was written: money on costs or interest alone is news to a case
        if (written or payment.allocations) and self.written_listener is not None:
            self.written_listener(client, written, [payment])

    def _apply(
        self, client: Client, payment: Payment, written: list[Invoice] | None = None
    ) -> list[str]:
        """Each invoice takes the principal the ledger gave it; returns the invoices that
        refuse it (credited, withdrawn or paid otherwise since the ledger booked it).
        ``written``: where the invoices taking it go, as they stand after it."""
        per_invoice: dict[str, Cents] = {}
        for a in payment.allocations:
            if a.component == "principal":
                per_invoice[a.invoice_number] = per_invoice.get(a.invoice_number, 0) + a.amount
        refused: list[str] = []
        for number, cents in per_invoice.items():
            took = self._update_invoice(
                client.client_id,
                number,
                lambda inv, c=cents: inv.apply_payment(payment.payment_id, c),
                refused,
            )
            if took is not None and written is not None:
                written.append(took)
        return refused

    def _undo(self, client: Client, payment: Payment) -> Payment:
        """Undo a booking an invoice refused: the ledger and every invoice that took a share
        reversed, logged, and on the action list (``payment_reversed``, the reason says why).
        The payment row stays, reversed: a redelivery finds it and books nothing again."""
        return self.reverse(client, payment.payment_id, UNDONE) or payment

    def _update_invoice(
        self, client_id: str, number: str, change: object, refused: list[str] | None = None
    ) -> Invoice | None:
        """``refused``: where to note the invoice when the change breaks its rules."""
        for _ in range(RETRIES):
            stored = self.repos.invoices.get(client_id, number)
            if stored is None:
                return None
            try:
                updated: Invoice = change(stored.invoice)  # type: ignore[operator]
            except InvoiceRuleError:
                if refused is not None:
                    refused.append(number)
                return stored.invoice  # e.g. a reversal on a credited invoice: nothing to undo
            if updated == stored.invoice:
                return updated
            try:
                self.repos.invoices.save(updated, stored)
                return updated
            except TransactionFailed:
                continue
        raise ConflictingUpdate(f"invoice {number} keeps changing; the message will be retried")

    def _remember(
        self,
        client: Client,
        payment: Payment,
        reference: str,
        payer_iban: str | None,
        client_written: bool,
        received: Cents | None,
    ) -> None:
        """The end-to-end id a bank return will quote, with the payment it undoes."""
        ref = PaymentRef(
            reference, payment.payment_id, payment.amount, payer_iban, client_written, received
        )
        self.repos.banking.remember_payment(client.client_id, ref)

    def _finish(
        self,
        client: Client,
        payment: Payment,
        reference: str | None,
        payer_iban: str | None,
        client_written: bool,
        received: Cents | None,
    ) -> None:
        """A redelivery of a booked payment writes what a crash after its payment row left
        out (failure11b B4): without the return reference the bank's later return of the
        money was an unmatched item and the invoice stayed paid. The reference's row is the
        first delivery's last write, so its absence says the payer's account and the log
        line may be missing too. The log line goes under the id the row keeps
        (``told_as``): written once, whether the cut came before it or after (failure31 F2).
        A row stored before that id was kept: with a reference its line is written again (a
        duplicate line is better than a payment never logged), without one it cannot be
        told and is not."""
        if reference is not None and any(
            ref.payment_id == payment.payment_id
            for ref in self.repos.banking.payments_for(client.client_id, reference)
        ):
            return
        if payer_iban and payment.debtor_number:
            self.repos.banking.learn_ibans(
                client.client_id, {payer_iban: {payment.debtor_number}}, said=client_written
            )
        if reference is None and payment.told_as is None:
            return
        self._log(client, payment)
        if reference is not None:
            self._remember(client, payment, reference, payer_iban, client_written, received)

    def _log(self, client: Client, payment: Payment, *, first: bool = False) -> None:
        """The "Payment of … received" line, under ``told_as`` once; ``first``: by the
        delivery whose insert of the payment row won (no line can be there yet: no reads)."""
        now = self.clock.now()
        entry = payment_received(payment, payment.told_as or time_ordered_id(now), now)
        if entry is None:
            return
        if payment.told_as is None:  # a row stored before ``told_as`` was kept
            self.repos.contacts.add(entry)
        elif first:
            self.repos.contacts.add_claimed(entry)
        else:
            self.repos.contacts.add_once(entry)

    def _action(
        self,
        client: Client,
        kind: str,
        title: str,
        debtor: str | None,
        invoices: list[str],
        detail: dict[str, object],
        action_id: str | None = None,
    ) -> None:
        now = self.clock.now()
        self.repos.actions.add(
            ActionItem(
                client_id=client.client_id,
                action_id=action_id or time_ordered_id(now),
                kind=kind,
                title=title,
                created_at=now,
                debtor_number=debtor,
                invoice_numbers=tuple(sorted(set(invoices))),
                detail=detail,
            )
        )
