"""The client's accounting sync reports more paid on an invoice than Inning knew: what that
money is, and its booking (:mod:`shared.domain.ledger.client_sync` decides; law9 F1, F2).

What the books report is weighed against all the money Inning holds on the claim (its own
payments in whole, the client's receipts synced before, principal paid before the hand-over):
a payment Inning booked and told the client of is never counted again, nor one that came back
since the client's last sync (the books may not have booked its storno yet). New money paid to the
client after the hand-over is booked as a payment received by the client, by 6:44 like any
other, on the day the books last showed less paid (the client's sync on an earlier day; the
books give no day: law10 F5), and put on the action list: a person checks the day and the
amount with the client, and books it again on the day the client's books give
(:meth:`ClientReceipts.book_on_its_day`). The payment's id is made from the invoice and the
figure the books report, so a retried sync finds it booked and books nothing twice; the
receipt is decided on the invoice row under its ETag and kept there until it is booked whole,
so syncs racing book it once and a retry finishes it (failure10 F1, F2), or the daily run when
the client never pushes that invoice again (:meth:`ClientReceipts.finish_left`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from shared.clock import Clock, amsterdam_date
from shared.domain.invoices import Invoice
from shared.domain.ledger.client_sync import (
    PendingReceipt,
    SyncedReceipt,
    before_handover,
    books_after,
    books_move,
    left_over,
    receipt_day,
    reconcile,
    reported_paid,
    same_money,
    taken_back,
    unseen_returns,
)
from shared.domain.ledger.model import EventKind
from shared.domain.money import Cents, format_eur_nl
from shared.domain.parties import Client
from shared.domain.people.audit import Event
from shared.domain.records import ActionItem, Payment, PaymentSource, Receiver
from shared.ports.tables import Conflict, StorageError, TransactionFailed
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.ledger.service import LedgerService
from shared.services.payments import PaymentService, Replacement
from shared.services.repositories import Repositories
from shared.services.statements_redo import day_keyed_id
from shared.telemetry.context import log_extra

log = logging.getLogger(__name__)

KIND = "client_receipt"
RETRIES = 5
AGAIN_ON = "booked again as received by the client on"  # the reversal's reason
NO_LONGER = "the client's books no longer count it: they report"  # a take-back's reason
BY_HAND = "the client's receipt reversed by hand"  # a person's reversal (and its items')


SYNC_PREFIX = "sync-"  # the id of every payment a client's sync reported


def part_id(payment_id: str, cents: Cents) -> str:
    """The id of what is left of the client's receipt ``payment_id`` once ``cents`` of it were
    taken back (a sync's id still: its day can be corrected and a bank line can take its
    place, as the receipt's)."""
    key = f"{payment_id}|less|{cents}"
    return SYNC_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:24]


def receipt_id(client: Client, number: str, reported: Cents, after: date | None = None) -> str:
    """The payment's id: the invoice and the figure the books report paid; ``after``: the day
    the books' figure before it was first reported (None: no figure kept), so the books
    reporting a figure again after a receipt of it was taken back is a receipt of its own, not
    the one reversed (a retried sync still finds the one it decided: the figure moves with
    it)."""
    key = f"{client.client_id}|{number}|{reported}"
    if after is not None:
        key += f"|{after.isoformat()}"
    return SYNC_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:24]


class ClientReceipts:
    def __init__(
        self,
        repos: Repositories,
        clock: Clock,
        payments: Callable[[], PaymentService],
        audit: Callable[..., None] | None = None,
    ) -> None:
        self.repos = repos
        self.clock = clock
        self.payments = payments  # late: the container's, with its listeners
        self.audit = audit  # the people's audit log (a receipt booked again on its day)

    def today(self) -> date:
        return amsterdam_date(self.clock.now())

    def weigh(
        self,
        client: Client,
        previous: Invoice,
        amount: Cents,
        open_amount: Cents | None,
        *,
        books_open_on: date | None,
    ) -> SyncedReceipt:
        """What of the books' ``open_amount`` (on ``amount``, the credit notes off) is new.

        Only a rise in the books' own figure kept on the invoice (:attr:`Invoice.books`) can be
        new money, and no more than it rose: the same figure read again is what they reported
        before, a storno of Inning's they lag included (law11b F2). Inning's money that came
        back since the books last moved counts as still in them. With no figure kept (an
        invoice synced before the figure was kept) ``books_open_on``, the day of the client's
        sync before this one, stands in for that day."""
        reported = reported_paid(amount, open_amount)
        if reported <= previous.paid:  # the books' lag, or what is known already
            return SyncedReceipt()
        move = books_move(previous.books, reported)
        if move is not None and move.rise <= 0:  # the books did not move: nothing new
            return SyncedReceipt()
        since = books_open_on if move is None else move.moved_on
        elsewhere = max(0, previous.paid - sum(c for _, c in previous.payments))
        ledger: LedgerService = self.payments().ledger
        try:
            figures = ledger.claim(client, previous.number, self.today())
        except NotFound:  # no claim yet: only the invoice's own figures are known
            known, owed_from = previous.paid, None
        else:
            known, owed_from = figures.paid.total + elsewhere, figures.costs_owed_from
            if reported > known:  # Inning's own money that came back may be in the books still
                returned = self._returned(client, previous)
                known += unseen_returns(returned, since)
        before = before_handover(
            first_import=False,
            handed_over=previous.handed_over_to is not None,
            costs_owed_from=owed_from,
            on=self.today(),
        )
        return reconcile(
            reported=reported, known=known, before=before,
            open_principal=amount - previous.paid, rise=None if move is None else move.rise,
        )  # fmt: skip

    def _returned(self, client: Client, invoice: Invoice) -> list[tuple[date, Cents]]:
        """Money Inning booked on ``invoice`` and saw come back: for each payment reversed as a
        whole (a storno, a refund, a chargeback) that was not the client's own receipt (a sync
        books that one under an id of the figure reported: it is never booked twice), the day
        it came back and what the invoice had of it. A payment a restatement or a credit note
        moved off the invoice stands: its row is not reversed."""
        claims = self.payments().ledger.ledger.for_debtor(client.client_id, invoice.debtor_number)
        claim = claims.get(invoice.number)
        if claim is None:
            return []
        backs: dict[str, date] = {}
        for e in claim.events:
            if e.kind is EventKind.REVERSAL and e.payment_id:
                backs[e.payment_id] = max(e.on, backs.get(e.payment_id, e.on))
        out = []
        for payment_id, last in sorted(backs.items()):
            payment = self.repos.payments.get(client.client_id, payment_id)
            if payment is None or not payment.reversed or payment.received_by is Receiver.CLIENT:
                continue
            share = sum(a.amount for a in payment.allocations if a.invoice_number == invoice.number)
            if share:
                out.append((payment.reversed_on or last, share))
        return out

    def settle(
        self,
        client: Client,
        number: str,
        amount: Cents,
        open_amount: Cents | None,
        books_open_on: date | None = None,
        *,
        decide: bool = True,
    ) -> None:
        """Book what the client's books report paid on invoice ``number`` (``amount`` as
        invoiced, ``open_amount`` open) and Inning does not hold yet, once however syncs
        interleave: weighed on the invoice and the ledger as they stand now, and the receipt
        decided is written on the invoice under its ETag before it is booked (a sync that lost
        the race weighs again on what the winner booked). A receipt a crash left half made (on
        the ledger without its payment row, booked without its item) is finished first.
        ``books_open_on``: the day the client's books last showed less paid (the receipt's day
        at the earliest); ``decide``: False to only finish a receipt decided before (a row the
        sync's invoice write refused decides nothing)."""
        for _ in range(RETRIES):
            stored = self.repos.invoices.get(client.client_id, number)
            if stored is None:
                return
            invoice = stored.invoice
            pending, mine = invoice.receipt_pending, False
            if pending is None:
                if not decide:
                    return
                net = amount - sum(c for _, c in invoice.credit_notes)
                receipt = self.weigh(client, invoice, net, open_amount,
                                     books_open_on=books_open_on)  # fmt: skip
                if not receipt.received_by_client:
                    return
                reported = reported_paid(net, open_amount)
                pending = PendingReceipt(
                    receipt_id(client, number, reported,
                               invoice.books.since if invoice.books else None),
                    receipt.received_by_client,
                    max(invoice.invoice_date, receipt_day(self.today(), books_open_on)),
                    reported,
                )  # fmt: skip
                # the books' figure moves with the decision: a sync cut off before it weighs
                # again on the figure before (the row's write left it for this)
                books = books_after(invoice.books, reported, self.today())
                decided = replace(invoice, receipt_pending=pending, books=books)
                try:
                    self.repos.invoices.decide_receipt(decided, stored, self.clock.now())
                except TransactionFailed:
                    continue  # another writer (a sync racing this one): weigh again
                mine = True
            self._book(client, invoice, pending)
            self._done(client, number, pending)
            if mine:
                return
            # another sync's receipt, finished: what this one reports is weighed against it
        raise ConflictingUpdate(f"invoice {number} keeps changing; the sync will be retried")

    def _book(self, client: Client, invoice: Invoice, pending: PendingReceipt) -> None:
        """The payment the client received, on the receipt's day, and the action item that
        tells a person; each once, however often this runs. A re-dating's receipt
        (``pending.replaces``) first reverses the one it replaces, and needs no item: a person
        gave its day."""
        payment = book_pending(self.payments(), client, invoice.number, pending)
        receipt_item(self.repos, client, invoice, pending, payment, self.clock.now())

    def _done(self, client: Client, number: str, pending: PendingReceipt) -> None:
        pending_done(self.repos, client, number, pending)

    # -- what the books no longer count ---------------------------------------------------------
    @staticmethod
    def beyond_books(invoice: Invoice, reported: Cents) -> bool:
        """Whether the books reporting ``reported`` paid on ``invoice`` may leave a client's
        receipt standing beyond them (then :meth:`take_back` weighs exactly): their figure
        dropped below the one kept (on an invoice synced before the figure was kept, below the
        principal paid), or it is below the principal the client's receipts standing on the
        invoice paid. Not the kept figure alone: a take-back cut off after its sync stored
        the books' new figure with the invoice left the receipt standing for every retry
        (failure12b F)."""
        kept = invoice.books.reported if invoice.books is not None else invoice.paid
        standing = sum(c for pid, c in invoice.payments if pid.startswith(SYNC_PREFIX))
        return reported < kept or reported < standing

    def take_back(self, client: Client, number: str, amount: Cents, open_amount: Cents) -> int:
        """The client's books now report less paid on invoice ``number`` (``amount`` as
        invoiced, ``open_amount`` open) than the client's receipts Inning booked from its
        syncs: their figure holds the client's own receipts at least (Inning's money in it is
        never less than nothing), so what exceeds it is no longer the client's (a receipt
        booked while they lagged a storno of Inning's, law11b F2, or one their bookkeeper took
        off or lowered). Exactly that is taken back, newest first: whole receipts while they
        fit, then the rest of it from the next newest, which stands for what is left of it
        (:meth:`_take_part`). The debtor is not told (he never saw them); the agency gets an
        item and a receipt's own item is resolved. Idempotent. How many receipts were
        reversed (a part taken back counts one)."""
        stored = self.repos.invoices.get(client.client_id, number)
        if stored is None or stored.invoice.receipt_pending is not None:
            return 0  # a receipt being decided: its sync finishes it first
        invoice = stored.invoice
        reported = reported_paid(amount - sum(c for _, c in invoice.credit_notes), open_amount)
        receipts = self._receipts(client, invoice)
        back = taken_back([(p.payment_id, p.amount) for p in receipts], reported)
        if not back.whole and back.part is None:
            return 0
        by_id = {p.payment_id: p for p in receipts}
        # each decided on the invoice first, as a part is: a whole receipt is a part of all
        # its money (nothing booked again), so a take-back cut off anywhere is finished, and
        # told, by the retry, the next sync or the daily run (failure12b F)
        for payment_id in back.whole:
            self._take_part(client, number, by_id[payment_id], by_id[payment_id].amount,
                            reported)  # fmt: skip
        if back.part is not None:
            payment_id, cents = back.part
            self._take_part(client, number, by_id[payment_id], cents, reported)
        log.info(
            "client receipts the books no longer count taken back",
            extra=log_extra({"client_id": client.client_id, "reversed": len(back.whole),
                             "part_cents": back.part[1] if back.part else 0}),
        )  # fmt: skip
        return len(back.whole) + (back.part is not None)

    def _take_part(
        self, client: Client, number: str, receipt: Payment, cents: Cents, reported: Cents
    ) -> None:
        """``cents`` of the client's ``receipt`` taken back: the receipt is reversed and what is
        left of it booked again as received by the client on its day (6:44 from that day, as
        the debtor paid that much then), under an id of the receipt and the cents taken, so a
        retry takes the same part once. Decided on the invoice under its ETag first (a
        :class:`PendingReceipt` replacing the receipt, as a re-dating is): one cut off after
        the reversal is finished by the next sync or the daily run, never left reversed
        whole, and finishing it tells the agency (:func:`part_items`: the item of the money
        taken back, the receipt's own item resolved)."""
        rest = receipt.amount - cents
        rest_id = part_id(receipt.payment_id, cents)
        mark = PendingReceipt(rest_id, rest, receipt.received_on, reported,
                              replaces=receipt.payment_id)  # fmt: skip
        for _ in range(RETRIES):
            stored = self.repos.invoices.get(client.client_id, number)
            if stored is None:
                return
            pending = stored.invoice.receipt_pending
            if pending is not None and pending != mark:
                # another receipt decided and not booked whole: finished first, then weighed
                self.settle(client, number, stored.invoice.amount, None, decide=False)
                continue
            if pending is None:
                found = self.repos.payments.get(client.client_id, receipt.payment_id)
                if found is None or found.reversed:
                    return  # taken back (or its place taken) meanwhile: nothing to part
                try:
                    self.repos.invoices.decide_receipt(
                        replace(stored.invoice, receipt_pending=mark), stored, self.clock.now()
                    )
                except TransactionFailed:
                    continue
            self.settle(client, number, stored.invoice.amount, None, decide=False)
            return
        raise ConflictingUpdate(f"invoice {number} keeps changing; the sync will be retried")

    def _receipts(self, client: Client, invoice: Invoice) -> list[Payment]:
        """The client's receipts a sync (or a re-dating of one) booked on ``invoice`` and that
        stand, oldest first (a receipt may have paid only costs and interest: read from the
        claim's events, not the invoice's principal)."""
        claims = self.payments().ledger.ledger.for_debtor(client.client_id, invoice.debtor_number)
        claim = claims.get(invoice.number)
        if claim is None:
            return []
        ids = sorted({e.payment_id for e in claim.events
                      if e.payment_id and e.payment_id.startswith(SYNC_PREFIX)})  # fmt: skip
        out = []
        for payment_id in ids:
            payment = self.repos.payments.get(client.client_id, payment_id)
            if payment is None or payment.reversed or payment.received_by is not Receiver.CLIENT:
                continue
            out.append(payment)
        return sorted(out, key=lambda p: (p.received_on, p.payment_id))

    # -- what a crash left ------------------------------------------------------------------
    def finish_left(self, client: Client) -> int:
        """Receipts a sync decided and a crash cut off before they were booked whole, finished
        now (the daily run, for invoices the client may never push again): each once, its
        payment and item under their own ids, taken off the invoice under its ETag. One range
        read of the client's partition (:data:`~shared.adapters.tables.invoices_repo.RECEIPT_ROW`
        rows, nearly always none); a receipt decided less than
        :data:`~shared.domain.ledger.client_sync.LEFT_AFTER` ago is the
        sync's own still. A receipt that fails stays for the next run. How many were finished."""
        finished = 0
        invoices = self.repos.invoices
        for number, at, etag in invoices.receipts_decided(client.client_id):
            if not left_over(at, self.clock.now()):
                continue
            try:
                stored = invoices.get(client.client_id, number)
                if stored is None or stored.invoice.receipt_pending is None:
                    invoices.drop_receipt_row(client.client_id, number, etag)
                    continue
                self.settle(client, number, stored.invoice.amount, None, decide=False)
                finished += 1
            except (StorageError, ConflictingUpdate) as exc:
                log.warning(
                    "a client's receipt left by a sync stays for the next run",
                    extra=log_extra({"client_id": client.client_id,
                                     "error": exc.__class__.__name__}),
                )  # fmt: skip
        return finished

    # -- the day corrected -----------------------------------------------------------------------
    def book_on_its_day(
        self, client: Client, payment_id: str, day: date, reason: str, actor: str
    ) -> Payment:
        """A payment the client received, booked on the day its books give: reversed, and booked
        again as received by the client on ``day`` (6:44 from that day: costs that were not
        owed yet then are not paid by it), on the contact log and the audit log. Once: the
        same request again answers the payment booked again.

        The re-dating is decided on the invoice under its ETag (a :class:`PendingReceipt`
        naming the receipt it replaces) before anything is reversed: two re-datings racing
        decide one (failure11 F1), one cut off after the reversal is finished by its retry,
        the next sync or the daily run (failure11 F7), and whether a reversed receipt was
        re-dated is read from that decision and the payment booked again, never from the
        reason text the caller writes (attack11 A1)."""
        for _ in range(RETRIES):
            found = self.repos.payments.get(client.client_id, payment_id)
            if found is None:
                raise NotFound(f"payment {payment_id} not found")
            number = self._checked(client, found, day)
            again_id = f"{payment_id}-on-{day:%Y%m%d}"
            stored = self.repos.invoices.get(client.client_id, number)
            if stored is None:
                raise NotFound(f"invoice {number} not found")
            pending = stored.invoice.receipt_pending
            if pending is not None:
                # a receipt (or a re-dating) decided and not booked whole: finished first, this
                # request's own included (a retry of a request cut off); then read again
                self.settle(client, number, stored.invoice.amount, None, decide=False)
                continue
            again = self.repos.payments.get(client.client_id, again_id)
            if again is not None and not again.reversed:
                return again  # booked again before (a retry of this request)
            if found.reversed:
                raise Invalid(f"payment {payment_id} was reversed", "payment",
                              code="payment_reversed_already",
                              params={"payment": payment_id})  # fmt: skip
            if day == found.received_on:
                raise Invalid(f"payment {payment_id} is booked on {day.isoformat()} already",
                              "received_on", code="received_on_same",
                              params={"day": day})  # fmt: skip
            mark = PendingReceipt(again_id, found.amount, day, found.amount, replaces=payment_id)
            try:
                self.repos.invoices.decide_receipt(
                    replace(stored.invoice, receipt_pending=mark), stored, self.clock.now()
                )
            except TransactionFailed:
                continue  # the invoice moved on (another re-dating, a sync): read again
            if self.audit is not None:
                self.audit(
                    Event.RECEIPT_REDATED, agency_id=client.agency_id,
                    client_id=client.client_id, actor=actor, subject=payment_id,
                    before=found.received_on.isoformat(), after=day.isoformat(),
                    payment=again_id, reason=reason,
                )  # fmt: skip
            why = f"{AGAIN_ON} {day.isoformat()} ({again_id}): {reason}"
            # the same money on its day: the agency hears a correction, not a take-back
            in_its_place = Replacement(again_id, day, by_bank=False)
            self.payments().reverse(client, payment_id, why, tell=False, replaced_by=in_its_place)
            self.settle(client, number, stored.invoice.amount, None, decide=False)
            booked = self.repos.payments.get(client.client_id, again_id)
            if booked is None:  # pragma: no cover - settle books it or raises
                raise ConflictingUpdate(f"payment {again_id} was not booked; ask again")
            return booked
        raise ConflictingUpdate(f"invoice {number} keeps changing; ask again")

    # -- a receipt reversed by a person ---------------------------------------------------------
    def reverse_by_hand(
        self,
        client: Client,
        payment_id: str,
        reason: str,
        actor: str,
        action_id: str | None = None,
        author: str = "",
    ) -> Payment:
        """The client's receipt ``payment_id`` (a sync's, ``sync-…``) taken off by a person:
        the money is not the client's receipt (the bank's line of the client's own account
        booked the same money, the client's bookkeeper says it never came). Reversed without
        telling the debtor (he never saw it): the claims it paid reopen and the ledger restates
        the costs and interest after it; the next settlement takes back the agency's share
        charged for it, as for any reversal. On the contact log and the audit log
        (``receipt_reversed``); the receipt's own item and the item the person answered
        (``action_id``, one that names this receipt) are resolved. Once: the same request
        again answers the receipt reversed and writes nothing more. ``actor``: who, on the
        audit log; ``author``: the principal's key the items' resolution names.

        A receipt decided on the invoice and not booked whole (a sync or a re-dating cut off)
        is finished first, so what is reversed is what stands: of a receipt the books took a
        part of back, the rest booked again (:func:`part_id`), which is answered. Audited after
        the reversal, once (keyed on it): never for a reversal that did not happen."""
        for _ in range(RETRIES):
            found = self.repos.payments.get(client.client_id, payment_id)
            if found is None:
                raise NotFound(f"payment {payment_id} not found")
            self._own(found)
            item = self._answered(client, payment_id, action_id)
            number = self._invoice_of(found)
            stored = self.repos.invoices.get(client.client_id, number)
            if stored is not None and stored.invoice.receipt_pending is not None:
                self.settle(client, number, stored.invoice.amount, None, decide=False)
                continue
            # the receipt's money is what is reversed: a part of it the books took back left
            # its rest standing under an id of its own (failure12b A: "reversed" answered while
            # 200.00 of it stood, and the person's act was not audited)
            target = self._rest_of(client, stored.invoice, found) if stored else found
            why = f"{BY_HAND}: {reason}"
            mine = not target.reversed
            if mine:
                self.payments().reverse(client, target.payment_id, why, tell=False)
            done = self.repos.payments.get(client.client_id, target.payment_id) or target
            # audited after the reversal, once (keyed on it), and never for a reversal a
            # person did not make (failure12b B: a 503 left an audit of a reversal that did
            # not happen, and the retry audited it twice); a retry after a crash between the
            # two finds the reversal its own by the ledger's reason and audits it then
            if mine or self._reversed_by_hand(client, done):
                self._audit_reversal(client, done, payment_id, actor, reason)
            now = self.clock.now()
            answered = {day_keyed_id(found.received_on, KIND, payment_id)}
            for action in sorted(answered | ({item} if item is not None else set())):
                done_by = f"{why} ({author})" if author else why
                self.repos.actions.resolve_if_open(client.client_id, action, done_by, now)
            return done
        raise ConflictingUpdate(f"payment {payment_id} keeps changing; ask again")

    def _rest_of(self, client: Client, invoice: Invoice, found: Payment) -> Payment:
        """What stands of the client's receipt ``found``: itself, or, once the books took a
        part of it back, the rest booked again under :func:`part_id` (and the rest of that)."""
        if not found.reversed:
            return found
        claims = self.payments().ledger.ledger.for_debtor(client.client_id, invoice.debtor_number)
        claim = claims.get(invoice.number)
        if claim is None:
            return found
        ids = {e.payment_id for e in claim.events
               if e.payment_id and e.payment_id.startswith(SYNC_PREFIX)}  # fmt: skip
        rows = [r for r in (self.repos.payments.get(client.client_id, i) for i in sorted(ids))
                if r is not None and r.received_by is Receiver.CLIENT]  # fmt: skip
        current = found
        while current.reversed:
            rest = next((r for r in rows if 0 < r.amount < current.amount and r.payment_id
                         == part_id(current.payment_id, current.amount - r.amount)), None)  # fmt: skip
            if rest is None:
                break
            current = rest
        return current

    def _reversed_by_hand(self, client: Client, payment: Payment) -> bool:
        """Whether ``payment`` (reversed) was reversed by a person here: the ledger's reversal
        gives the reason this service wrote (a take-back, a re-dating or the bank write their
        own)."""
        if not payment.reversed or payment.debtor_number is None:
            return False
        numbers = sorted({a.invoice_number for a in payment.allocations})
        claims = self.payments().ledger.ledger.for_debtor(client.client_id, payment.debtor_number)
        return any(
            e.kind is EventKind.REVERSAL and e.payment_id == payment.payment_id
            and (e.reason or "").startswith(f"{BY_HAND}:")
            for number in numbers if (claim := claims.get(number)) is not None
            for e in claim.events
        )  # fmt: skip

    def _audit_reversal(
        self, client: Client, done: Payment, asked: str, actor: str, reason: str
    ) -> None:
        """The person's reversal of ``done`` (asked as receipt ``asked``) on the audit log,
        once: keyed on the payment and the day it was reversed, a retry's insert is refused."""
        if self.audit is None:
            return
        day = done.reversed_on or self.today()
        rest = {"payment": done.payment_id} if done.payment_id != asked else {}
        try:
            self.audit(
                Event.RECEIPT_REVERSED, agency_id=client.agency_id,
                client_id=client.client_id, actor=actor, subject=asked,
                event_id=day_keyed_id(day, Event.RECEIPT_REVERSED.value, done.payment_id),
                amount=str(done.amount), received_on=done.received_on.isoformat(),
                reason=reason, **rest,
            )  # fmt: skip
        except Conflict:
            pass  # audited by the first attempt

    def _own(self, found: Payment) -> None:
        """Only a receipt the client's sync booked is taken off here: money that came through
        a bank or Mollie is reversed when it comes back, on their word."""
        if found.received_by is not Receiver.CLIENT or not found.payment_id.startswith(SYNC_PREFIX):
            raise Invalid(
                f"payment {found.payment_id} is not a receipt the client's sync reported: it "
                "is reversed when the money comes back (bank statement, Mollie), not by hand",
                "payment", code="not_a_sync_receipt", params={"payment": found.payment_id},
            )  # fmt: skip

    def _answered(self, client: Client, payment_id: str, action_id: str | None) -> str | None:
        """The item a person answers by reversing the receipt: a ``client_receipt`` item that
        names it (its own, the bank line's question, a take-back's)."""
        if action_id is None:
            return None
        found = self.repos.actions.get(client.client_id, action_id)
        if found is None:
            raise NotFound(f"action {action_id} not found")
        if found[0].kind != KIND or found[0].detail.get("payment_id") != payment_id:
            raise Invalid(
                f"action {action_id} is not about payment {payment_id}",
                "action", code="action_not_of_receipt",
                params={"action": action_id, "payment": payment_id},
            )  # fmt: skip
        return action_id

    def _invoice_of(self, found: Payment) -> str:
        """The invoice a sync's receipt was booked on (designated to it, one invoice)."""
        numbers = list(found.designated) or sorted({a.invoice_number for a in found.allocations})
        if not numbers:
            raise NotFound(f"payment {found.payment_id} names no invoice")
        return numbers[0]

    def _checked(self, client: Client, found: Payment, day: date) -> str:
        """The invoice of the client's receipt ``found`` to be booked on ``day``, or why not."""
        payment_id = found.payment_id
        if found.received_by is not Receiver.CLIENT or not payment_id.startswith(SYNC_PREFIX):
            # only a sync's receipt has a day Inning guessed: a bank line's day is the bank's
            # (a client's own upload books on the upload's day on purpose, attack10 F6)
            raise Invalid(
                f"payment {payment_id} was not received by the client: its day is the day the "
                "money came (bank statement, Mollie), not corrected here",
                "payment", code="not_a_client_receipt", params={"payment": payment_id},
            )  # fmt: skip
        if day > self.today():
            raise Invalid(f"{day.isoformat()} is in the future", "received_on",
                          code="received_on_future", params={"day": day})  # fmt: skip
        # a sync's receipt is one invoice's (booked designated to it)
        numbers = list(found.designated) or sorted({a.invoice_number for a in found.allocations})
        if not numbers:
            raise NotFound(f"payment {payment_id} names no invoice")
        invoices = self.repos.invoices.get_many(client.client_id, numbers[:1])
        issued = min((s.invoice.invoice_date for s in invoices.values()), default=day)
        if day < issued:
            raise Invalid(f"{day.isoformat()} is before the invoice date {issued.isoformat()}",
                          "received_on", code="received_on_before_invoice",
                          params={"day": day, "invoice_date": issued})  # fmt: skip
        return numbers[0]


def book_pending(
    payments: PaymentService, client: Client, number: str, pending: PendingReceipt
) -> Payment:
    """The payment of a receipt decided on invoice ``number``, booked (once: a receipt booked
    before, or reversed since, is answered as it is); a re-dating's first reverses the receipt
    it replaces (idempotent): a re-dating's, or a receipt of which the books no longer count
    a part (:meth:`ClientReceipts._take_part`: less is booked again on the same day)."""
    if pending.replaces is not None:
        why = f"{AGAIN_ON} {pending.received_on.isoformat()} ({pending.payment_id})"
        replaced = payments.repos.payments.get(client.client_id, pending.replaces)
        # all of it booked again on another day: the same payment, corrected (money26);
        # less of it: the books took the rest back, told as that part taken back (one item)
        same: Replacement | None = Replacement(pending.payment_id, pending.received_on, False)
        if not pending.amount:  # the whole receipt taken back: nothing booked again
            why = f"{NO_LONGER} {format_eur_nl(pending.reported)} paid on invoice {number}"
            same = None
        elif replaced is not None and replaced.amount != pending.amount:
            why = (f"{NO_LONGER} {format_eur_nl(pending.reported)} paid: "
                   f"{format_eur_nl(pending.amount)} of it {why}")  # fmt: skip
            same = Replacement(pending.payment_id, pending.received_on, False, pending.amount)
        reversed_ = payments.reverse(client, pending.replaces, why, tell=False, replaced_by=same)
        if not pending.amount:
            taken = reversed_ or payments.repos.payments.get(client.client_id, pending.replaces)
            if taken is None:
                raise NotFound(f"payment {pending.replaces} not found")
            return taken
    return payments.book(
        client,
        payment_id=pending.payment_id,
        amount=pending.amount,
        received_on=pending.received_on,
        source=PaymentSource.MANUAL,
        invoice_numbers=[number],
        received_by=Receiver.CLIENT,
    )


def receipt_item(
    repos: Repositories,
    client: Client,
    invoice: Invoice,
    pending: PendingReceipt,
    payment: Payment,
    at: datetime,
) -> None:
    """The action item that tells a person of a receipt a sync booked (once: its id is the
    receipt's). None for one that came back or was taken off since, nor for a re-dating's
    (``pending.replaces``): a person gave its day. A part of a receipt the books no longer
    count (a ``replaces`` of less money) gets the take-back's items instead
    (:func:`part_items`)."""
    if pending.replaces is not None:
        replaced = repos.payments.get(client.client_id, pending.replaces)
        if replaced is not None and replaced.amount > pending.amount:
            part_items(repos, client, invoice, pending, replaced, at)
        return
    if payment.reversed:
        return
    day = payment.received_on
    item = ActionItem(
        client_id=client.client_id,
        action_id=day_keyed_id(day, KIND, pending.payment_id),
        kind=KIND,
        title=(
            f"The client's books report {format_eur_nl(payment.amount)} more paid on "
            f"invoice {invoice.number} than was booked: booked as received by the client "
            f"on {day.isoformat()}; check the day and the amount with the client"
        ),
        created_at=at,
        debtor_number=invoice.debtor_number,
        invoice_numbers=(invoice.number,),
        detail={"amount": payment.amount, "date": day.isoformat(),
                "payment_id": pending.payment_id},
    )  # fmt: skip
    # once: a retried sync: the item is there
    repos.actions.add_once(item)


def part_items(
    repos: Repositories,
    client: Client,
    invoice: Invoice,
    pending: PendingReceipt,
    replaced: Payment,
    at: datetime,
) -> None:
    """What the agency is told of a part of the client's receipt ``replaced`` taken back
    (``pending``: what is left of it, booked again on its day): an item naming the money
    taken back, and the receipt's own item ("check the day and the amount") resolved. Part
    of finishing the decision (:meth:`ClientReceipts._take_part`), so a take-back cut off
    after it is decided is told by the retry, the next sync or the daily run that finishes
    it (failure12b G: the 800.00 left the claim untold and the 1,000.00's item stayed open).
    Once: the item is keyed on the receipt's day, not the day it is finished."""
    cents = replaced.amount - pending.amount
    figure, number = format_eur_nl(pending.reported), invoice.number
    day, whole = replaced.received_on.isoformat(), not pending.amount
    if whole:
        key = f"{replaced.payment_id}|back"
        title = (
            f"The client's books now report {figure} paid on invoice {number}: the "
            f"{format_eur_nl(replaced.amount)} booked as received by the client on {day} is "
            "no longer in them and was taken back; check it with the client"
        )
        detail: dict[str, object] = {"amount": replaced.amount, "date": day,
                                     "payment_id": replaced.payment_id,
                                     "reported": pending.reported}  # fmt: skip
    else:
        key = f"{replaced.payment_id}|{cents}|part"
        title = (
            f"The client's books now report {figure} paid on invoice {number}: "
            f"{format_eur_nl(cents)} of the {format_eur_nl(replaced.amount)} booked as received "
            f"by the client on {day} is no longer in them and was taken back "
            f"({format_eur_nl(pending.amount)} of it stands); check it with the client"
        )
        detail = {"amount": cents, "date": day, "payment_id": pending.payment_id,
                  "taken_from": replaced.payment_id, "reported": pending.reported}  # fmt: skip
    item = ActionItem(
        client_id=client.client_id,
        action_id=day_keyed_id(replaced.received_on, KIND, key),
        kind=KIND,
        title=title,
        created_at=at,
        debtor_number=invoice.debtor_number,
        invoice_numbers=(number,),
        detail=detail,
    )
    # once: a retry finishing it: the item is there
    repos.actions.add_once(item)
    repos.actions.resolve_if_open(
        client.client_id, day_keyed_id(replaced.received_on, KIND, replaced.payment_id),
        f"{NO_LONGER} {figure} paid on invoice {number}", at,
    )  # fmt: skip


def pending_done(repos: Repositories, client: Client, number: str, pending: PendingReceipt) -> None:
    """The receipt is booked whole (or the bank took its place): off the invoice with its
    :data:`~shared.adapters.tables.invoices_repo.RECEIPT_ROW` (only this one; under the
    ETag)."""
    for _ in range(RETRIES):
        stored = repos.invoices.get(client.client_id, number)
        if stored is None or stored.invoice.receipt_pending != pending:
            return
        try:
            repos.invoices.receipt_booked(replace(stored.invoice, receipt_pending=None), stored)
            return
        except TransactionFailed:
            continue
    raise ConflictingUpdate(f"invoice {number} keeps changing; the sync will be retried")


BANK_PROVES = "the bank's statement of the client's own account books this money"


def bank_takes_the_place(
    repos: Repositories,
    payments: PaymentService,
    client: Client,
    numbers: list[str],
    amount: Cents,
    day: date,
    line_payment_id: str,
    at: datetime,
) -> bool:
    """A bank line on the client's own account (``amount`` on ``day``, to be booked as
    ``line_payment_id`` on invoices ``numbers``) that is the money a sync receipt on one of them
    reported takes that receipt's place: the receipt is reversed and its item resolved (the
    bank proves the day and the amount; receipts11 F5's leftover) and the caller books the line. Booking it beside the
    receipt counted the debtor's 1,000.00 twice (failure11 F5: a 992.88 "overpayment"). A
    receipt of another amount or day is not clearly the same money: the line is booked (the
    bank's word) and a person decides with an item naming both (True: such an item was put).
    A receipt decided and not booked whole (:attr:`Invoice.receipt_pending`) of the same money
    takes part as a booked one (codereview11 F1). Idempotent: a reversed receipt is not looked
    at again."""
    why = f"{BANK_PROVES} ({line_payment_id})"
    # the same money, proved by the bank: the agency hears a correction, not a take-back
    line = Replacement(line_payment_id, day, by_bank=True)
    doubtful: dict[str, Payment] = {}
    for stored in repos.invoices.get_many(client.client_id, numbers).values():
        pending = stored.invoice.receipt_pending
        if pending is not None and not same_money(pending.amount, pending.received_on, amount, day):
            # a receipt decided and not booked whole that is not clearly this money: finished
            # as its sync would, then put to a person beside the line as a booked one is
            # (sync12: it was passed over, the daily run booked it beside the line unasked)
            booked = book_pending(payments, client, stored.invoice.number, pending)
            receipt_item(repos, client, stored.invoice, pending, booked, at)
            pending_done(repos, client, stored.invoice.number, pending)
            if not booked.reversed and booked.received_by is Receiver.CLIENT:
                doubtful[booked.payment_id] = booked
        elif pending is not None:
            # a receipt (or a re-dating of one) decided and not booked whole: its sync cut off,
            # or booking it right now. Left, the daily run (or that sync) books it beside the
            # line (codereview11 F1). It is finished here as they would (whatever a crash left
            # of it is on the ledger already; a sync booking it now finds it booked) and then
            # taken back as a booked one is: a receipt reversed is never booked again. Its
            # item is written before the reversal and resolved after it: a sync between its
            # booking and its item (another instance) then finds the item there, resolved, and
            # adds none; resolving an item not written yet left the sync's open for a receipt
            # reversed (failure12 F3)
            number = stored.invoice.number
            booked = book_pending(payments, client, number, pending)
            receipt_item(repos, client, stored.invoice, pending, booked, at)
            payments.reverse(client, pending.payment_id, why, tell=False, replaced_by=line)
            repos.actions.resolve_if_open(
                client.client_id, day_keyed_id(pending.received_on, KIND, pending.payment_id),
                why, at,
            )  # fmt: skip
            pending_done(repos, client, number, pending)
            return False
        for payment_id, _ in stored.invoice.payments:
            if not payment_id.startswith(SYNC_PREFIX):
                continue
            receipt = repos.payments.get(client.client_id, payment_id)
            if receipt is None or receipt.reversed or receipt.received_by is not Receiver.CLIENT:
                continue
            if same_money(receipt.amount, receipt.received_on, amount, day):
                payments.reverse(client, payment_id, why, tell=False, replaced_by=line)
                # the receipt's own item (check its day and amount) is answered by the bank
                repos.actions.resolve_if_open(
                    client.client_id, day_keyed_id(receipt.received_on, KIND, payment_id), why, at
                )
                return False
            doubtful[receipt.payment_id] = receipt
    for receipt in doubtful.values():
        _ask_whether_the_same(repos, client, receipt, amount, day, line_payment_id, at)
    return bool(doubtful)


def _ask_whether_the_same(
    repos: Repositories,
    client: Client,
    receipt: Payment,
    amount: Cents,
    day: date,
    line_payment_id: str,
    at: datetime,
) -> None:
    item = ActionItem(
        client_id=client.client_id,
        action_id=day_keyed_id(day, KIND, f"{receipt.payment_id}|{line_payment_id}"),
        kind=KIND,
        title=(
            f"The bank's statement of the client's own account books {format_eur_nl(amount)} "
            f"on {day.isoformat()} on an invoice the client's books already reported "
            f"{format_eur_nl(receipt.amount)} paid on (booked as received by the client on "
            f"{receipt.received_on.isoformat()}): if it is the same money, reverse the "
            "client's receipt"
        ),
        created_at=at,
        debtor_number=receipt.debtor_number,
        invoice_numbers=tuple(receipt.designated),
        detail={"amount": receipt.amount, "date": receipt.received_on.isoformat(),
                "payment_id": receipt.payment_id, "bank_payment_id": line_payment_id,
                "bank_amount": amount, "bank_date": day.isoformat()},
    )  # fmt: skip
    # once: a redelivered statement: the item is there
    repos.actions.add_once(item)
