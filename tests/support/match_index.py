"""A client whose statement matching index is kept, as a first statement (or a reply quoting a
betalingskenmerk) leaves it: since perf27 the invoices' writers keep the index only for such a
client (``MatchIndexRepository.kept``). Tests of how the writers keep it start from here."""

from __future__ import annotations

from collections.abc import Iterator

from shared.adapters.tables.match_index_repo import MatchIndexRepository
from shared.domain.parties import Debtor
from shared.ports.tables import TableStore


def keep_index(store: TableStore, client_id: str) -> None:
    """Build the client's index as the first statement would, over what is open now (every
    debtor: the current version). Through a repository of its own: the caller's repositories
    read the marker as the app does."""
    from shared.adapters.tables.invoices_repo import InvoiceRepository
    from shared.adapters.tables.parties_repo import DebtorRepository

    invoices = InvoiceRepository(store)
    debtors = DebtorRepository(store)

    def every_debtor() -> Iterator[Debtor]:
        token: str | None = None
        while True:
            page, token = debtors.list(client_id, page_size=1000, continuation=token)
            yield from page
            if not token:
                return

    MatchIndexRepository(store).ensure_built(
        client_id, lambda: invoices.open_invoices(client_id), every_debtor
    )
