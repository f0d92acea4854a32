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
from datetime import date

from shared.clock import Clock, amsterdam_date
from shared.domain.invoices import Invoice
from shared.domain.ledger.client_sync import (
    SyncedReceipt,
    before_handover,
    reconcile,
    reported_paid,
)
from shared.domain.money import Cents, format_eur_nl
from shared.domain.parties import Client
from shared.domain.records import ActionItem, PaymentSource, Receiver
from shared.ports.tables import Conflict
from shared.services.errors import NotFound
from shared.services.ledger.service import LedgerService
from shared.services.payments import PaymentService
from shared.services.repositories import Repositories
from shared.services.statements_redo import day_keyed_id

KIND = "client_receipt"


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

    def book(self, client: Client, invoice: Invoice, cents: Cents, reported: Cents) -> None:
        """Book ``cents`` the client received on ``invoice`` as its books report ``reported``
        paid; the action item tells a person. Both once, however often the sync comes."""
        payment_id = receipt_id(client, invoice.number, reported)
        payment = self.payments().book(
            client,
            payment_id=payment_id,
            amount=cents,
            received_on=self.today(),
            source=PaymentSource.MANUAL,
            invoice_numbers=[invoice.number],
            received_by=Receiver.CLIENT,
        )
        if payment.reversed:
            return  # it came back, or staff took it off: they dealt with it
        day = payment.received_on
        item = ActionItem(
            client_id=client.client_id,
            action_id=day_keyed_id(day, KIND, payment_id),
            kind=KIND,
            title=(
                f"The client's books report {format_eur_nl(payment.amount)} more paid on "
                f"invoice {invoice.number} than was booked: booked as received by the client "
                f"on {day.isoformat()}; check the day and the amount with the client"
            ),
            created_at=self.clock.now(),
            debtor_number=invoice.debtor_number,
            invoice_numbers=(invoice.number,),
            detail={"amount": payment.amount, "date": day.isoformat(), "payment_id": payment_id},
        )
        try:
            self.repos.actions.add(item)
        except Conflict:
            pass  # a retried sync: the item is there
