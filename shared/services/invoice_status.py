"""Credit, dispute, withdraw or reopen one invoice, with a contact-log entry for each."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from shared.clock import Clock
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import Invoice, InvoiceRuleError
from shared.domain.parties import Client
from shared.domain.records import ActionItem, ContactEntry, ContactKind
from shared.ports.tables import TransactionFailed
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.repositories import Repositories

if TYPE_CHECKING:
    from shared.services.ledger.service import LedgerService

RETRIES = 3


class InvoiceStatusService:
    def __init__(
        self, repos: Repositories, clock: Clock, ledger: LedgerService | None = None
    ) -> None:
        self.repos = repos
        self.clock = clock
        # the claim ledger: a credited invoice's payments go to the debtor's other claims
        self.ledger = ledger

    def _change(
        self,
        client: Client,
        number: str,
        change: Callable[[Invoice], Invoice],
        *,
        kind: ContactKind,
        summary: str,
        author: str,
    ) -> Invoice:
        for _ in range(RETRIES):
            stored = self.repos.invoices.get(client.client_id, number)
            if stored is None:
                raise NotFound(f"invoice {number} not found")
            try:
                updated = change(stored.invoice)
            except InvoiceRuleError as exc:
                raise Invalid(str(exc), field="status") from exc
            try:
                self.repos.invoices.save(updated, stored)
            except TransactionFailed:
                continue  # somebody else wrote it meanwhile: re-read and re-apply
            now = self.clock.now()
            self.repos.contacts.add(
                ContactEntry(
                    client_id=client.client_id,
                    debtor_number=updated.debtor_number,
                    entry_id=time_ordered_id(now),
                    at=now,
                    kind=kind,
                    summary=summary,
                    invoice_numbers=(number,),
                    system=kind is ContactKind.STATUS,
                    author=author,
                )
            )
            return updated
        raise ConflictingUpdate(f"invoice {number} keeps changing; retry")

    def credit(self, client: Client, number: str, author: str) -> Invoice:
        """The invoice was not owed. Money the debtor paid on it is re-allocated by art. 6:43
        to his other claims, the rest an overpayment item (:mod:`shared.services.ledger.credit`);
        crediting again only finishes what a first attempt left undone."""
        invoice = self._change(
            client, number, lambda i: i.credit(),
            kind=ContactKind.STATUS, summary=f"Invoice {number} credited", author=author,
        )  # fmt: skip
        if self.ledger is not None:
            from shared.services.ledger.credit import settle_credited

            settle_credited(self.ledger, client, number)
            found = self.repos.invoices.get(client.client_id, number)
            invoice = found.invoice if found else invoice
        return invoice

    def withdraw(self, client: Client, number: str, author: str) -> Invoice:
        return self._change(
            client, number, lambda i: i.withdraw(),
            kind=ContactKind.STATUS, summary=f"Invoice {number} withdrawn", author=author,
        )  # fmt: skip

    def dispute(self, client: Client, number: str, reason: str, author: str) -> Invoice:
        invoice = self._change(
            client, number, lambda i: i.dispute(reason),
            kind=ContactKind.DISPUTE, summary=f"Invoice {number} disputed: {reason}", author=author,
        )  # fmt: skip
        now = self.clock.now()
        self.repos.actions.add(
            ActionItem(
                client_id=client.client_id,
                action_id=time_ordered_id(now),
                kind="dispute",
                title=f"Dispute on invoice {number}",
                created_at=now,
                debtor_number=invoice.debtor_number,
                invoice_numbers=(number,),
                detail={"reason": reason},
            )
        )
        return invoice

    def resolve_dispute(self, client: Client, number: str, author: str) -> Invoice:
        return self._change(
            client, number, lambda i: i.resolve_dispute(),
            kind=ContactKind.STATUS, summary=f"Dispute on invoice {number} resolved", author=author,
        )  # fmt: skip
