"""Finding debtors and invoices in the console by what a person types, a page at a time.

A debtor search is one key range of the search index (:mod:`shared.adapters.tables.search_repo`),
whose keys carry the columns the list shows; an invoice search is one key range and one batched
read of the page's invoices (their open amount and status move with payments). Its cost is that
of a page, whatever the size of the client. Without a search the lists page through the
debtors' and invoices' own tables. The import keeps the index from what it has read and
written (:meth:`ConsoleSearch.index_debtors`, :meth:`ConsoleSearch.index_invoices`: no read of
the index) for a client searched before; a client never searched is indexed once, on its first
search (:meth:`ConsoleSearch.ensure_built`), and until then its imports write no keys (perf28).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from shared.adapters.tables.codec import get_json, put_json
from shared.adapters.tables.search_repo import (
    Entry,
    Hit,
    IndexMarks,
    SearchIndexRepository,
    moves,
    row_keys,
)
from shared.domain.invoices import Invoice
from shared.domain.parties import Debtor, DebtorKind
from shared.domain.search.keys import (
    DebtorBy,
    InvoiceBy,
    debtor_terms,
    invoice_terms,
    name_matches,
    name_ranges,
    query_term,
)
from shared.domain.search.keys import prefix as key_prefix
from shared.services.repositories import Repositories

MAX_DEBTORS_BY_NAME = 200  # an invoice search by name looks in this many debtors' invoices
SMALL_RANGE = 500  # a word's keys read whole in one storage page when there are no more
MAX_WORDS_PROBED = 4  # word ranges of a several-word name tried side by side, at most
MAX_KEYS_PER_PAGE = 2000  # index keys one page of a narrowed name search looks at, at most
BUILD_PAGE = 1000  # debtors or invoices read per storage page while building the index
BUILD_WRITERS = 4  # pages whose keys are written at once (a partition takes ~2,000 rows/s)


T = TypeVar("T")


@dataclass(frozen=True)
class Found(Generic[T]):
    """One page of a search: the items and the token of the next page (None: the last)."""

    items: list[T]
    next: str | None


@dataclass(frozen=True)
class DebtorLine:
    """A debtor as the debtors list shows it (what the index keys carry)."""

    number: str
    name: str
    kind: DebtorKind
    segment: str
    emails: tuple[str, ...]
    mobile: str | None

    @classmethod
    def of(cls, debtor: Debtor) -> DebtorLine:
        return cls(debtor.number, debtor.name, debtor.kind, debtor.segment, debtor.emails,
                   debtor.mobile)  # fmt: skip


def _shown(debtor: Debtor) -> dict[str, Any]:
    """The columns a debtor's keys carry (a change to any of them rewrites its keys)."""
    return {"Name": debtor.name, "Kind": debtor.kind.value, "Segment": debtor.segment,
            "Emails": put_json(list(debtor.emails)), "Mobile": debtor.mobile}  # fmt: skip


def _line(number: str, data: Mapping[str, Any]) -> DebtorLine | None:
    """The list's line from a key's columns; None for a key written before they were kept."""
    if "Kind" not in data:
        return None
    return DebtorLine(number, str(data.get("Name") or ""), DebtorKind(data["Kind"]),
                      str(data.get("Segment") or "default"), tuple(get_json(data.get("Emails"), [])),
                      data.get("Mobile"))  # fmt: skip


def _debtor_keys(debtor: Debtor | None) -> frozenset[str]:
    return frozenset(f"{p}|{t}" for p, t in debtor_terms(debtor)) if debtor else frozenset()


def _invoice_keys(invoice: Invoice | None) -> frozenset[str]:
    return frozenset(f"{p}|{t}" for p, t in invoice_terms(invoice)) if invoice else frozenset()


def _debtor_entries(changes: Sequence[tuple[Debtor | None, Debtor]]) -> list[Entry]:
    return [
        Entry(after.number, _debtor_keys(before), _debtor_keys(after),
              _shown(before) if before else {}, _shown(after))
        for before, after in changes
    ]  # fmt: skip


def _invoice_entries(changes: Sequence[tuple[Invoice | None, Invoice]]) -> list[Entry]:
    return [Entry(after.number, _invoice_keys(before), _invoice_keys(after))
            for before, after in changes]  # fmt: skip


class ConsoleSearch:
    def __init__(self, repos: Repositories, index: SearchIndexRepository) -> None:
        self.repos = repos
        self.index = index

    # -- keeping the index -------------------------------------------------------------------
    def index_debtors(
        self, client_id: str, changes: Sequence[tuple[Debtor | None, Debtor]]
    ) -> None:
        """Debtors written (each with the version it replaced, None: new): their new keys, all
        of them when a shown column changed, and the old keys deleted."""
        self._keep(client_id, _debtor_entries(changes))

    def index_invoices(
        self,
        client_id: str,
        changes: Sequence[tuple[Invoice | None, Invoice]],
        kept: IndexMarks | None = None,
    ) -> None:
        """Invoices written (each with the version it replaced): keys only where the number,
        amount or reference changed (a status or payment writes nothing). ``kept``: the
        request's read of the markers (:meth:`marks`), shared with the matching index."""
        self._keep(client_id, _invoice_entries(changes), kept)

    def marks(self, client_id: str) -> IndexMarks:
        """The client's markers of both lazy indexes, for one request: one range read of this
        index's partition when a writer first asks (perf31: the import read the matching
        index's marker apart)."""
        return IndexMarks(self.index, client_id)

    def _keep(self, client_id: str, entries: list[Entry], kept: IndexMarks | None = None) -> None:
        """The entries' keys written, for a client whose index is kept: a search has built it,
        or begun to (perf28). Asked only when a key would move: an update that moves none (a
        description, a status) reads no marker."""
        if not any(moves(e) for e in entries):
            return
        if kept.searched() if kept is not None else self.index.kept(client_id):
            self.index.write(client_id, entries)

    def ensure_built(self, client_id: str) -> None:
        """Index a client's existing debtors and invoices once, on its first search; later
        imports keep it current (:meth:`SearchIndexRepository.kept`).

        A client's imports write no keys before its first search (perf28): the build wrote
        them all again anyway. So the build marks the client first (the import keeps the keys
        of what it writes from then on), and deletes the keys it finds that its read does not
        give: keys an import wrote before perf28 (or for a version it replaced since) are
        stale once the imports stopped keeping them. The partition's keys are read once,
        before the data, so a key an import writes during the build is never taken for
        stale."""
        if self.index.is_built(client_id):
            return
        self.index.begin(client_id)
        present = self.index.key_rows(client_id)
        wanted: set[str] = set()

        def keep(entries: list[Entry]) -> None:
            self.index.write(client_id, entries)

        def pages() -> Iterator[list[Entry]]:
            token: str | None = None
            while True:
                debtors, token = self.repos.debtors.list(
                    client_id, page_size=BUILD_PAGE, continuation=token
                )
                yield _debtor_entries([(None, d) for d in debtors])
                if not token:
                    break
            while True:
                invoices, token = self.repos.invoices.list(
                    client_id, page_size=BUILD_PAGE, continuation=token
                )
                yield _invoice_entries([(None, i) for i in invoices])
                if not token:
                    break

        # each page's keys are written while the next page is read, a few pages at once: the
        # first search waits for the whole build
        written: list[Future[None]] = []
        with ThreadPoolExecutor(BUILD_WRITERS, thread_name_prefix="console-build") as pool:
            for entries in pages():
                wanted.update(k for e in entries for k in row_keys(e))
                written.append(pool.submit(keep, entries))
            for done in written:
                done.result()  # a failed write fails the build: not marked built, run again
        self.index.delete_keys(client_id, present - wanted)
        self.index.mark_built(client_id)

    # -- finding -----------------------------------------------------------------------------
    def debtors(
        self, client_id: str, typed: str, by: DebtorBy, *, page_size: int, token: str | None
    ) -> Found[DebtorLine]:
        """A page of the client's debtors: all of them in number order, or those ``typed``
        starts (a word of the name, or the number): one range read of the index."""
        if not typed.strip():
            items, nxt = self.repos.debtors.list(client_id, page_size=page_size, continuation=token)
            return Found([DebtorLine.of(d) for d in items], nxt)
        term = query_term(by, typed)
        if term is None:
            return Found([], None)
        self.ensure_built(client_id)

        def keep(hit: Hit) -> bool:
            # the range found one word; the other words narrow it on the keys' names (a key
            # without a name, from before names were kept: the debtor read decides)
            name = str(hit.data.get("Name") or "")
            return by is DebtorBy.NUMBER or not name or name_matches(name, typed)

        small = self._smallest_range(client_id, typed) if by is DebtorBy.NAME else None
        if small is not None:
            hits, nxt = _page_of(*small, keep, page_size, token)
        else:
            # a page narrowed by the other words reads on (bounded), so it is never empty while
            # more matches follow; the token is the last key looked at
            hits, nxt = self.index.scan(client_id, f"{key_prefix(by)}|{term}", keep, want=page_size,
                                        max_rows=MAX_KEYS_PER_PAGE, after=token)  # fmt: skip
        lines = {h.number: _line(h.number, h.data) for h in hits}
        # keys written before they carried the columns: those debtors are read (one batch)
        older = [n for n, line in lines.items() if line is None]
        if older:
            stored = self.repos.debtors.get_many(client_id, older)
            lines.update({n: DebtorLine.of(stored[n][0]) for n in older if n in stored})
        shown = [line for line in lines.values() if line is not None]
        if by is DebtorBy.NAME:
            shown = [d for d in shown if name_matches(d.name, typed)]
        return Found(shown, nxt)

    def _smallest_range(
        self, client_id: str, typed: str
    ) -> tuple[str, list[tuple[str, Hit]]] | None:
        """For a name of several words: the word ranges read side by side, one storage page
        each; the smallest that fits in its page is the search's whole range (None: each is
        larger, and the likeliest is scanned). The same words choose the same range on every
        page, so a page's token stays in its range."""
        ranges = name_ranges(typed)[:MAX_WORDS_PROBED]
        if len(ranges) < 2:
            return None
        prefix = key_prefix(DebtorBy.NAME)
        found = list(_probes().map(
            lambda term: self.index.whole_range(client_id, f"{prefix}|{term}", SMALL_RANGE),
            ranges,
        ))  # fmt: skip
        complete = [(len(rows), i) for i, rows in enumerate(found) if rows is not None]
        if not complete:
            return None
        chosen = min(complete)[1]
        return f"{prefix}|{ranges[chosen]}", found[chosen] or []

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
        prefix = f"{key_prefix(by)}|{term}" + ("|" if by is InvoiceBy.AMOUNT else "")
        rows, nxt = self.index.find(client_id, prefix, page_size=page_size, continuation=token)
        numbers = list(dict.fromkeys(h.number for h in rows))
        stored = self.repos.invoices.get_many(client_id, numbers)
        # a key the invoice no longer has (a crash between the invoice and its keys) is passed
        found = [stored[n].invoice for n in numbers if n in stored]
        return Found(
            [i for i in found if any(f"{k}|".startswith(prefix) for k in _invoice_keys(i))], nxt
        )

    def _invoices_by_name(
        self, client_id: str, typed: str, term: str, page_size: int, token: str | None
    ) -> Found[Invoice]:
        skip = int(token) if token and token.isdigit() else 0

        def matching() -> Iterator[Invoice]:
            seen: set[str] = set()
            for hit in self.index.all_hits(client_id, f"{key_prefix(DebtorBy.NAME)}|{term}"):
                name = str(hit.data.get("Name") or "")
                if hit.number in seen or (name and not name_matches(name, typed)):
                    continue  # the name on the key rules it out without a read
                seen.add(hit.number)
                if len(seen) > MAX_DEBTORS_BY_NAME:
                    return
                if not name:  # a key from before names were kept: the debtor decides
                    found = self.repos.debtors.get(client_id, hit.number)
                    if found is None or not name_matches(found[0].name, typed):
                        continue
                yield from self.repos.invoices.for_debtor(client_id, hit.number)

        items: list[Invoice] = []
        for index, invoice in enumerate(matching()):
            if index < skip:
                continue
            if len(items) == page_size:
                return Found(items, str(skip + page_size))
            items.append(invoice)
        return Found(items, None)


_PROBES: ThreadPoolExecutor | None = None


def _probes() -> ThreadPoolExecutor:
    global _PROBES
    if _PROBES is None:  # created on the first several-word search, shared by all after it
        _PROBES = ThreadPoolExecutor(MAX_WORDS_PROBED, thread_name_prefix="console-search")
    return _PROBES


def _page_of(
    prefix: str,
    rows: Sequence[tuple[str, Hit]],
    keep: Callable[[Hit], bool],
    want: int,
    after: str | None,
) -> tuple[list[Hit], str | None]:
    """A page of a range read whole: the kept keys after ``after`` (a token of another range
    starts from the beginning), and the last key shown while more follow."""
    start = after if after is not None and after.startswith(prefix) else ""
    kept = [(rk, h) for rk, h in rows if rk > start and keep(h)]
    page = kept[:want]
    return [h for _, h in page], (page[-1][0] if len(kept) > want else None)
