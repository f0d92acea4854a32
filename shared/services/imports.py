"""Bulk create-or-update of clients, debtors and invoices from accounting packages and CRMs.

Idempotent by the client's own numbers: sending the same batch twice changes nothing the
second time. Each row is stored whole or rejected with its index and field; rows are written
in entity-group transactions guarded by the etags they were read with, and a chunk that lost
a race with another writer is re-read and re-applied (a bounded number of times).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from shared.adapters.tables.banking_repo import AccountOwner
from shared.adapters.tables.invoices_repo import StoredInvoice
from shared.domain.ids import random_id
from shared.domain.invoices import Invoice, InvoiceRuleError
from shared.domain.money import Cents
from shared.domain.parties import Client, Debtor
from shared.domain.references import belgian, betalingskenmerk, iso11649
from shared.ports.tables import MAX_BATCH, Op, StorageError, TransactionFailed
from shared.services.batch import BatchResult, duplicates
from shared.services.repositories import Repositories

MAX_ROWS = 1000
RACE_RETRIES = 3
PARALLEL_CHUNKS = 4
_Chunk = Any


@dataclass(frozen=True)
class InvoiceDraft:
    number: str
    debtor_number: str
    invoice_date: date
    due_date: date
    amount: Cents
    open_amount: Cents | None = None
    payment_reference: str | None = None
    description: str | None = None


def generated_reference(client_id: str, invoice_number: str) -> str:
    """A deterministic 16-digit betalingskenmerk, so re-sending an invoice keeps its
    reference. Two invoices of one client sharing one is possible (about 1 in 10^15 per
    pair); the matcher treats such a reference as ambiguous and never auto-books it."""
    digest = hashlib.sha256(f"{client_id}\x1f{invoice_number}".encode()).digest()
    return betalingskenmerk.generate(f"{int.from_bytes(digest[:8], 'big') % 10**15:015d}")


def reference_error(reference: str) -> str | None:
    if betalingskenmerk.is_valid(reference) or iso11649.is_valid(reference):
        return None
    if belgian.is_valid(reference):
        return None
    return "not a valid betalingskenmerk, RF creditor reference or Belgian structured reference"


class ImportService:
    def __init__(
        self,
        repos: Repositories,
        new_client_id: Callable[[], str] | None = None,
        on_invoices_written: Callable[[str, list[Invoice]], None] | None = None,
    ):
        self.repos = repos
        self.new_client_id = new_client_id or (lambda: random_id("cl", 6))
        self.on_invoices_written = on_invoices_written

    # -- clients ---------------------------------------------------------------------------
    def upsert_clients(self, agency_id: str, rows: Sequence[tuple[int, Client]]) -> BatchResult:
        """Clients of one agency. Their IBANs are registered as theirs, so that a statement of
        that account is booked for them; an IBAN another client holds is refused."""
        result = BatchResult()
        dupes = duplicates([(i, c.number) for i, c in rows])
        known = self.repos.clients.ids_for_numbers(agency_id, [c.number for _, c in rows])
        for index, draft in rows:
            if index in dupes:
                result.reject(
                    index,
                    "number",
                    f"duplicate client number in this batch (first at index {dupes[index]})",
                )
                continue
            existing_id = known.get(draft.number)
            client_id = existing_id or self.new_client_id()
            taken = [
                iban
                for iban in draft.ibans
                if (owner := self.repos.banking.owner(iban)) is not None
                and owner.client_id != client_id
            ]
            if taken:
                result.reject(
                    index, "ibans", f"IBAN {taken[0]} is registered to another client or agency"
                )
                continue
            client = replace(draft, client_id=client_id, agency_id=agency_id)
            try:
                if existing_id is None:
                    self.repos.clients.save(client, new=True)
                    result.created += 1
                else:
                    found = self.repos.clients.get(existing_id)
                    self.repos.clients.save(client, found[1] if found else None)
                    result.updated += 1
                for iban in client.ibans:
                    self.repos.banking.claim_account(AccountOwner(iban, agency_id, client_id))
            except StorageError as exc:
                result.reject(index, None, f"not stored, retry: {exc.__class__.__name__}")
        return result

    # -- debtors ---------------------------------------------------------------------------
    def upsert_debtors(self, client: Client, rows: Sequence[tuple[int, Debtor]]) -> BatchResult:
        result = BatchResult()
        dupes = duplicates([(i, d.number) for i, d in rows])
        for index, first in dupes.items():
            result.reject(
                index, "number", f"duplicate debtor number in this batch (first at index {first})"
            )
        pending = [(i, replace(d, client_id=client.client_id)) for i, d in rows if i not in dupes]
        # read once for the request, in key order (as for invoices, below)
        stored = self.repos.debtors.get_many(client.client_id, [d.number for _, d in pending])
        chunks = [pending[i : i + MAX_BATCH] for i in range(0, len(pending), MAX_BATCH)]
        return self._in_parallel(
            chunks, lambda c: self._write_debtor_chunk(client, c, stored), result
        )

    def _write_debtor_chunk(
        self,
        client: Client,
        chunk: list[tuple[int, Debtor]],
        read: dict[str, tuple[Debtor, str | None]],
    ) -> BatchResult:
        result = BatchResult()
        existing = read
        for attempt in range(RACE_RETRIES):
            if attempt:  # lost a race: re-read this chunk's debtors
                existing = self.repos.debtors.get_many(
                    client.client_id, [d.number for _, d in chunk]
                )
            ops = []
            unchanged = 0
            for _, debtor in chunk:
                previous = existing.get(debtor.number)
                # the pause state is Inning's, not the CRM's: an update must not lift a pause
                merged = replace(debtor, pause=previous[0].pause) if previous else debtor
                if previous is not None and previous[0] == merged:
                    unchanged += 1
                    continue
                ops.append(self.repos.debtors.write_op(merged, previous[1] if previous else None))
            try:
                self.repos.debtors.save_ops(ops)
            except TransactionFailed:
                if attempt == RACE_RETRIES - 1:
                    for index, _ in chunk:
                        result.reject(index, None, "changed concurrently by another request; retry")
                continue
            created = sum(1 for _, d in chunk if d.number not in existing)
            result.created += created
            result.updated += len(chunk) - created - unchanged
            result.unchanged += unchanged
            return result
        return result

    # -- invoices --------------------------------------------------------------------------
    def upsert_invoices(
        self, client: Client, rows: Sequence[tuple[int, InvoiceDraft]]
    ) -> BatchResult:
        result = BatchResult()
        dupes = duplicates([(i, d.number) for i, d in rows])
        for index, first in dupes.items():
            result.reject(
                index, "number", f"duplicate invoice number in this batch (first at index {first})"
            )
        candidates = [(i, d) for i, d in rows if i not in dupes]
        known_debtors = self.repos.debtors.existing_numbers(
            client.client_id, sorted({d.debtor_number for _, d in candidates})
        )
        pending: list[tuple[int, InvoiceDraft]] = []
        for index, draft in candidates:
            if draft.debtor_number not in known_debtors:
                result.reject(
                    index,
                    "debtor",
                    f"unknown debtor {draft.debtor_number}: create the debtor first",
                )
            elif draft.payment_reference and (err := reference_error(draft.payment_reference)):
                result.reject(index, "payment_reference", err)
            else:
                pending.append((index, draft))
        # What is stored is read once for the whole request, in key order: a range read whose
        # cost does not depend on the order the numbers were sent in (chunks read one by one
        # spanned the whole range when the numbers came shuffled, and fell back to point reads).
        stored = self.repos.invoices.get_many(client.client_id, [d.number for _, d in pending])
        # 50 invoices per chunk: each takes two rows (invoice and index) in a transaction
        per_chunk = MAX_BATCH // 2
        chunks = [pending[i : i + per_chunk] for i in range(0, len(pending), per_chunk)]
        scheduled: list[Invoice] = []
        result = self._in_parallel(
            chunks, lambda c: self._write_invoice_chunk(client, c, stored, scheduled), result
        )
        # one schedule write for the request (100 rows a transaction), not one per chunk
        if scheduled and self.on_invoices_written is not None:
            self.on_invoices_written(client.client_id, scheduled)
        return result

    @staticmethod
    def _in_parallel(
        chunks: list[_Chunk], write: Callable[[_Chunk], BatchResult], result: BatchResult
    ) -> BatchResult:
        """Chunks are independent transactions; a few run at once to hide the round trip
        (well inside a partition's ~2,000 entities/s: 100 entities per request)."""
        with ThreadPoolExecutor(max_workers=PARALLEL_CHUNKS) as pool:
            for part in pool.map(write, chunks):
                result.created += part.created
                result.updated += part.updated
                result.unchanged += part.unchanged
                result.errors += part.errors
        return result

    def _merge(self, client: Client, draft: InvoiceDraft, previous: Invoice | None) -> Invoice:
        if previous is None:
            invoice = Invoice(
                client_id=client.client_id,
                number=draft.number,
                debtor_number=draft.debtor_number,
                invoice_date=draft.invoice_date,
                due_date=draft.due_date,
                amount=draft.amount,
                payment_reference=draft.payment_reference
                or generated_reference(client.client_id, draft.number),
                description=draft.description,
            )
            return invoice.with_ledger(amount=draft.amount, open_amount=draft.open_amount)
        if previous.debtor_number != draft.debtor_number:
            raise InvoiceRuleError(
                f"invoice {draft.number} belongs to debtor {previous.debtor_number}; "
                "credit it and send a new invoice instead of moving it"
            )
        moved = replace(
            previous,
            invoice_date=draft.invoice_date,
            due_date=draft.due_date,
            description=draft.description,
            payment_reference=draft.payment_reference or previous.payment_reference,
        )
        return moved.with_ledger(amount=draft.amount, open_amount=draft.open_amount)

    def _write_invoice_chunk(
        self,
        client: Client,
        chunk: list[tuple[int, InvoiceDraft]],
        read: dict[str, StoredInvoice],
        scheduled: list[Invoice],
    ) -> BatchResult:
        """Write one chunk from what the request read; a chunk that lost a race re-reads its own
        invoices and tries again. Invoices to (re)schedule are appended to ``scheduled``."""
        result = BatchResult()
        stored = read
        for attempt in range(RACE_RETRIES):
            if attempt:
                stored = self.repos.invoices.get_many(
                    client.client_id, [d.number for _, d in chunk]
                )
            ops: list[Op] = []
            written: list[tuple[int, bool | None]] = []  # None: unchanged
            to_schedule: list[Invoice] = []
            rejected: list[tuple[int, str, str]] = []
            for index, draft in chunk:
                previous = stored.get(draft.number)
                try:
                    invoice = self._merge(client, draft, previous.invoice if previous else None)
                except InvoiceRuleError as exc:
                    field = "amount" if "amount" in str(exc) or "paid" in str(exc) else "number"
                    if "due date" in str(exc):
                        field = "due_date"
                    rejected.append((index, field, str(exc)))
                    continue
                if previous is not None and previous.invoice == invoice:
                    written.append((index, None))  # idempotent re-send: nothing to write
                    continue
                ops += self.repos.invoices.write_ops(invoice, previous)
                written.append((index, previous is None))
                if previous is None or previous.invoice.due_date != invoice.due_date:
                    to_schedule.append(invoice)
            try:
                self.repos.invoices.save_many(client.client_id, ops)
            except TransactionFailed:
                if attempt == RACE_RETRIES - 1:
                    for index, _ in chunk:
                        result.reject(index, None, "changed concurrently by another request; retry")
                continue
            scheduled.extend(to_schedule)
            for index, field, message in rejected:
                result.reject(index, field, message)
            result.created += sum(1 for _, new in written if new)
            result.updated += sum(1 for _, new in written if new is False)
            result.unchanged += sum(1 for _, new in written if new is None)
            return result
        return result
