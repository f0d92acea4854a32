"""The client's accounting sync reports more paid on an invoice than Inning knew: what that
money is, and its booking (:mod:`shared.domain.ledger.client_sync` decides; law9 F1, F2).

What the books report is weighed against all the money Inning holds on the claim (its own
payments in whole, the client's receipts synced before, principal paid before the hand-over):
a payment Inning booked and told the client of is never counted again. New money paid to the
client after the hand-over is booked as a payment received by the client on the sync's day
(the books give no day), by 6:44 like any other, and put on the action list: a person checks
the day and the amount with the client (a payment booked on the wrong day is reversed and
booked again by hand). The payment's id is made from the invoice and the figure the books
report, so a retried sync finds it booked and books nothing twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from shared.clock import Clock, amsterdam_date
from shared.domain.invoices import Invoice
from shared.domain.ledger.client_sync import (
    PendingReceipt,
    SyncedReceipt,
    before_handover,
    receipt_day,
    reconcile,
    reported_paid,
)
from shared.domain.money import Cents, format_eur_nl
from shared.domain.parties import Client
from shared.domain.records import ActionItem, PaymentSource, Receiver
from shared.ports.tables import Conflict, TransactionFailed
from shared.services.errors import ConflictingUpdate, NotFound
from shared.services.ledger.service import LedgerService
from shared.services.payments import PaymentService
from shared.services.repositories import Repositories
from shared.services.statements_redo import day_keyed_id

KIND = "client_receipt"
RETRIES = 5


def receipt_id(client: Client, number: str, reported: Cents) -> str:
    """The payment's id: the invoice and the figure the books report paid."""
    digest = hashlib.sha256(f"{client.client_id}|{number}|{reported}".encode()).hexdigest()
    return "sync-" + digest[:24]


class ClientReceipts:
    def __init__(
        self, repos: Repositories, clock: Clock, payments: Callable[[], PaymentService]
    ) -> None:
        self.repos = repos
        self.clock = clock
        self.payments = payments  # late: the container's, with its listeners

    def today(self) -> date:
        return amsterdam_date(self.clock.now())

    def weigh(
        self, client: Client, previous: Invoice, amount: Cents, open_amount: Cents | None
    ) -> SyncedReceipt:
        """What of the books' ``open_amount`` (on ``amount``, the credit notes off) is new."""
        reported = reported_paid(amount, open_amount)
        if reported <= previous.paid:  # the books' lag, or what is known already
            return SyncedReceipt()
        elsewhere = max(0, previous.paid - sum(c for _, c in previous.payments))
        ledger: LedgerService = self.payments().ledger
        try:
            figures = ledger.claim(client, previous.number, self.today())
        except NotFound:  # no claim yet: only the invoice's own figures are known
            known, owed_from = previous.paid, None
        else:
            known, owed_from = figures.paid.total + elsewhere, figures.costs_owed_from
        before = before_handover(
            first_import=False,
            handed_over=previous.handed_over_to is not None,
            costs_owed_from=owed_from,
            on=self.today(),
        )
        return reconcile(
            reported=reported, known=known, before=before,
            open_principal=amount - previous.paid,
        )  # fmt: skip

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
                receipt = self.weigh(client, invoice, net, open_amount)
                if not receipt.received_by_client:
                    return
                reported = reported_paid(net, open_amount)
                pending = PendingReceipt(
                    receipt_id(client, number, reported), receipt.received_by_client,
                    receipt_day(self.today(), books_open_on), reported,
                )  # fmt: skip
                try:
                    self.repos.invoices.save(replace(invoice, receipt_pending=pending), stored)
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
        tells a person; each once, however often this runs."""
        payment = self.payments().book(
            client,
            payment_id=pending.payment_id,
            amount=pending.amount,
            received_on=pending.received_on,
            source=PaymentSource.MANUAL,
            invoice_numbers=[invoice.number],
            received_by=Receiver.CLIENT,
        )
        if payment.reversed:
            return  # it came back, or staff took it off: they dealt with it
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
            created_at=self.clock.now(),
            debtor_number=invoice.debtor_number,
            invoice_numbers=(invoice.number,),
            detail={"amount": payment.amount, "date": day.isoformat(),
                    "payment_id": pending.payment_id},
        )  # fmt: skip
        try:
            self.repos.actions.add(item)
        except Conflict:
            pass  # a retried sync: the item is there

    def _done(self, client: Client, number: str, pending: PendingReceipt) -> None:
        """The receipt is booked whole: off the invoice (only this one; under the ETag)."""
        for _ in range(RETRIES):
            stored = self.repos.invoices.get(client.client_id, number)
            if stored is None or stored.invoice.receipt_pending != pending:
                return
            try:
                self.repos.invoices.save(replace(stored.invoice, receipt_pending=None), stored)
                return
            except TransactionFailed:
                continue
        raise ConflictingUpdate(f"invoice {number} keeps changing; the sync will be retried")
