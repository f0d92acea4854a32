"""One-off after the upgrade that lets money pay a written-off claim (ledger31):
``inning backfill written-off``.

Since that upgrade a write-off marks the invoice (``written_off_on``): the claim stays out of
collection, but money the debtor pays for it later pays it (costs, interest, principal), and
money he did not designate reaches it after his claims still in collection. A claim written
off before has no mark: it is withdrawn like an invoice the client took back, so money still
finds no way onto it (left unallocated, an overpayment for staff). This backfill reads the
ledger of every withdrawn invoice without the mark and, where the claim's stream holds a
write-off, marks it with the day of its first write-off.

Idempotent: a marked invoice is not read again; a second run changes nothing. An invoice the
client withdrew himself holds no write-off and is left as it is."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from shared.adapters.tables.ledger_repo import LedgerRepository, StoredClaim
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.ledger.model import EventKind
from shared.ports.tables import TransactionFailed
from shared.services.repositories import Repositories

RETRIES = 5


@dataclass
class WrittenOffBackfill:
    """What the backfill did for one client: withdrawn invoices without the mark it read, and
    those it marked written off."""

    client_id: str
    read: int = 0
    marked: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"client_id": self.client_id, "read": self.read, "marked": self.marked}


def mark_written_off(repos: Repositories, client_id: str) -> WrittenOffBackfill:
    """Mark each of the client's withdrawn invoices whose claim was written off."""
    done = WrittenOffBackfill(client_id)
    ledger = LedgerRepository(repos.store)
    continuation: str | None = None
    unmarked: list[Invoice] = []
    while True:
        page, continuation = repos.invoices.list(
            client_id, status=InvoiceStatus.WITHDRAWN, page_size=200, continuation=continuation
        )
        unmarked += [i for i in page if i.written_off_on is None]
        if not continuation:
            break
    claims_of: dict[str, dict[str, StoredClaim]] = {}  # one ledger read per debtor
    for invoice in unmarked:
        done.read += 1
        if invoice.debtor_number not in claims_of:
            claims_of[invoice.debtor_number] = ledger.for_debtor(client_id, invoice.debtor_number)
        claim = claims_of[invoice.debtor_number].get(invoice.number)
        events = claim.events if claim else ()
        days = [e.on for e in events if e.kind is EventKind.WRITE_OFF]
        if days and _mark(repos, client_id, invoice.number, min(days)):
            done.marked.append(invoice.number)
    return done


def _mark(repos: Repositories, client_id: str, number: str, day: date) -> bool:
    """Mark the invoice written off on ``day``, as it stands now (withdrawn, unmarked)."""
    for _ in range(RETRIES):
        stored = repos.invoices.get(client_id, number)
        if stored is None:
            return False
        invoice = stored.invoice
        if invoice.status is not InvoiceStatus.WITHDRAWN or invoice.written_off_on is not None:
            return False
        try:
            repos.invoices.save(replace(invoice, written_off_on=day), stored)
            return True
        except TransactionFailed:
            continue
    return False
