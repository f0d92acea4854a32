"""Finding debtors and invoices in the console by what a person types, a page at a time.

A search is one key range of the search index (:mod:`shared.adapters.tables.search_repo`) and
one batched read of the page's debtors or invoices: its cost is that of a page, whatever the
size of the client. Without a search the lists page through the debtors' and invoices' own
tables. The import keeps the index (:meth:`ConsoleSearch.index_debtors`,
:meth:`ConsoleSearch.index_invoices`); a client whose data predates the index is indexed once,
on its first search (:meth:`ConsoleSearch.ensure_built`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from shared.adapters.tables.search_repo import DEBTOR, INVOICE, SearchIndexRepository
from shared.domain.invoices import Invoice
from shared.domain.parties import Debtor
from shared.domain.search.keys import (
    PREFIX,
    DebtorBy,
    InvoiceBy,
    debtor_terms,
    invoice_terms,
    name_matches,
    query_term,
)
from shared.services.repositories import Repositories

MAX_DEBTORS_BY_NAME = 200
MAX_PAGES_PER_SEARCH = 10  # index pages one narrowed name search reads at most  # an invoice search by name looks in this many debtors' invoices


T = TypeVar("T")


@dataclass(frozen=True)
class Found(Generic[T]):
    """One page of a search: the items and the token of the next page (None: the last)."""

    items: list[T]
    next: str | None


class ConsoleSearch:
    def __init__(self, repos: Repositories, index: SearchIndexRepository) -> None:
        self.repos = repos
        self.index = index

    # -- keeping the index -------------------------------------------------------------------
    def index_debtors(self, client_id: str, debtors: Sequence[Debtor]) -> None:
        self.index.write(
            client_id,
            DEBTOR,
            [(d.number, [f"{p}|{t}" for p, t in debtor_terms(d)]) for d in debtors],
            {d.number: d.name for d in debtors},
        )

    def index_invoices(self, client_id: str, invoices: Sequence[Invoice]) -> None:
        self.index.write(
            client_id,
            INVOICE,
            [(i.number, [f"{p}|{t}" for p, t in invoice_terms(i)]) for i in invoices],
        )

    def ensure_built(self, client_id: str) -> None:
        """Index a client's existing debtors and invoices once (data imported before the
        index existed); later imports keep it current."""
        if self.index.is_built(client_id):
            return
        token: str | None = None
        while True:
            debtors, token = self.repos.debtors.list(client_id, page_size=500, continuation=token)
            self.index_debtors(client_id, debtors)
            if not token:
                break
        while True:
            invoices, token = self.repos.invoices.list(client_id, page_size=500, continuation=token)
            self.index_invoices(client_id, invoices)
            if not token:
                break
        self.index.mark_built(client_id)

    # -- finding -----------------------------------------------------------------------------
    def debtors(
        self, client_id: str, typed: str, by: DebtorBy, *, page_size: int, token: str | None
    ) -> Found[Debtor]:
        """A page of the client's debtors: all of them in number order, or those ``typed``
        starts (a word of the name, or the number)."""
        if not typed.strip():
            items, nxt = self.repos.debtors.list(client_id, page_size=page_size, continuation=token)
            return Found(items, nxt)
        term = query_term(by, typed)
        if term is None:
            return Found([], None)
        self.ensure_built(client_id)
        numbers: list[str] = []
        nxt = token
        for _ in range(MAX_PAGES_PER_SEARCH):
            rows, nxt = self.index.find(
                client_id, f"{PREFIX[by]}|{term}", page_size=page_size, continuation=nxt
            )
            # the range found one word; the other words narrow it on the index rows' names
            # (a row written before names were kept has none: the debtor read decides)
            numbers += [
                n
                for n, name in rows
                if by is DebtorBy.NUMBER or not name or name_matches(name, typed)
            ]
            # a page narrowed by the other words may come out short: read on (bounded), so a
            # page is never empty while more matches follow
            if by is DebtorBy.NUMBER or len(numbers) >= page_size or not nxt:
                break
        stored = self.repos.debtors.get_many(client_id, list(dict.fromkeys(numbers)))
        items = [stored[n][0] for n in dict.fromkeys(numbers) if n in stored]
        if by is DebtorBy.NAME:
            items = [d for d in items if name_matches(d.name, typed)]
        return Found(items, nxt)

    def invoices(
        self, client_id: str, typed: str, by: InvoiceBy, *, page_size: int, token: str | None
    ) -> Found[Invoice]:
        """A page of the client's invoices: all of them (by debtor, then number), or those
        found by number, reference or amount; by debtor name, the invoices of the debtors whose
        name ``typed`` starts (``token`` then counts invoices already shown)."""
        if not typed.strip():
            items, nxt = self.repos.invoices.list(
                client_id, page_size=page_size, continuation=token
            )
            return Found(items, nxt)
        term = query_term(by, typed)
        if term is None:
            return Found([], None)
        self.ensure_built(client_id)
        if by is InvoiceBy.DEBTOR:
            return self._invoices_by_name(client_id, typed, term, page_size, token)
        prefix = f"{PREFIX[by]}|{term}" + ("|" if by is InvoiceBy.AMOUNT else "")
        rows, nxt = self.index.find(client_id, prefix, page_size=page_size, continuation=token)
        numbers = [n for n, _ in rows]
        stored = self.repos.invoices.get_many(client_id, numbers)
        return Found([stored[n].invoice for n in dict.fromkeys(numbers) if n in stored], nxt)

    def _invoices_by_name(
        self, client_id: str, typed: str, term: str, page_size: int, token: str | None
    ) -> Found[Invoice]:
        skip = int(token) if token and token.isdigit() else 0

        def matching() -> Iterator[Invoice]:
            seen: set[str] = set()
            keys = self.index.all_numbers(client_id, f"{PREFIX[DebtorBy.NAME]}|{term}")
            for number, name in keys:
                if number in seen or (name and not name_matches(name, typed)):
                    continue  # the name on the index row rules it out without a read
                seen.add(number)
                if len(seen) > MAX_DEBTORS_BY_NAME:
                    return
                found = self.repos.debtors.get(client_id, number)
                if found is None or not name_matches(found[0].name, typed):
                    continue
                yield from self.repos.invoices.for_debtor(client_id, number)

        items: list[Invoice] = []
        for index, invoice in enumerate(matching()):
            if index < skip:
                continue
            if len(items) == page_size:
                return Found(items, str(skip + page_size))
            items.append(invoice)
        return Found(items, None)
