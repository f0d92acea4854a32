"""The console's search index on Table Storage: one partition per client in ``ConsoleSearch``.

| RowKey                               | finds                                           |
| ``dw|<name word>|<debtor>``          | a debtor by any word of its name (prefix)       |
| ``dn|<folded number>|<debtor>``      | a debtor by its number (prefix)                 |
| ``in|<folded number>|<invoice>``     | an invoice by its number (prefix)               |
| ``ir|<reference digits>|<invoice>``  | an invoice by its betalingskenmerk (prefix)     |
| ``ia|<amount, 15 digits>|<invoice>`` | an invoice by its amount (exact)                |
| ``~built3``                          | the client's existing data has been indexed     |
| ``~built3-begun``                    | a first build has begun: the import keeps keys  |
| ``~matched``                         | the matching index is kept (a copy, perf31)     |

A debtor's keys carry the columns the debtors list shows (name, kind, segment, e-mail
addresses, mobile: what only the import changes), so a page of found debtors is one range read
of the index and no read of the debtors themselves. An invoice's keys carry its number only:
its open amount and status move with every payment, so the page reads the invoices found (one
batched read of a page).

The keys are a function of the entity (:mod:`shared.domain.search.keys`), so the import, which
has read what it is about to overwrite, knows the keys the old version had without reading the
index: it writes only the keys that are new (all of a debtor's when a shown column changed) and
deletes those that went away, without reads. An unchanged debtor or invoice costs nothing. The
import writes the index after the data; a crash in between leaves a key unfound or a column
old until the next change of that row, never another client's row (a key whose entity is gone
is skipped when read). ``~built`` and ``m|...`` rows of the first version of the index (keys
and names only, with a manifest of keys per entity) are left where they are: no range reads
them, and the ``~built2`` build writes the columns the first version did not have.

Since perf28 the keys are kept only for a client whose index a search has begun to build
(``~built3-begun`` or ``~built3``; :meth:`SearchIndexRepository.kept`): before its first search the
first build rewrote every key anyway, so an import's keys for a client never searched were
written for nothing (30 of 62 storage requests of 1,000 new invoices). The build marks
``~built3-begun`` before it reads, so an import landing during it keeps its own keys.

Version 3 (attack29 F2): up to version 2 a debtor's number keys were written under ``in|``,
the invoices' range (one map of prefixes held ``DebtorBy.NUMBER`` and ``InvoiceBy.NUMBER`` as
one entry), so a debtor whose number starts invoice numbers sorted after all of them and was
not on the first page. A ``~built2`` client is built again on its first search: that build
deletes the ``in|`` keys of debtors (no invoice of the number wants them), as it deletes any key
its read does not give; ``~built2`` and ``~built2-begun`` rows are left (no range reads them).

perf31: ``~matched`` is a copy of the statement matching index's marker
(:mod:`shared.adapters.tables.match_index_repo`), written by the index's build before it reads,
next to the two markers here so that an import learns with one range read whether either
index is kept (:meth:`SearchIndexRepository.markers`). Its absence is trusted by the import
only: the index's readers check the copy beside the marker and build the index again when it
is missing (a restore may bring back this table from before the build).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.adapters.tables.keys import decode, encode
from shared.ports.tables import (
    MAX_BATCH,
    Op,
    OpKind,
    Row,
    StorageError,
    TableStore,
    all_rows,
    prefix_range,
)

CONSOLE_SEARCH = "ConsoleSearch"
TABLES = (CONSOLE_SEARCH,)
# version 3: a debtor's number keys in their own range, ``dn|`` (version 2 wrote them under the
# invoices' ``in|``: attack29 F2); version 2 already carried the list's columns on a debtor's keys
BUILT = "~built3"
BEGUN = "~built3-begun"  # a first build has begun: the writers keep their keys (sorts after BUILT)
MATCHED = "~matched"  # the matching index's marker copied (perf31): sorts after BEGUN
KEYS_END = "~"  # every key sorts below the markers
DEBTOR, INVOICE = "d", "i"


@dataclass(frozen=True)
class Entry:
    """One debtor's or invoice's keys before and after a change (``prefix|term`` each, without
    the number) and what its keys carry (the shown columns; ``{}`` before means unknown: a new
    entity, or one indexed before the columns were kept)."""

    number: str
    before: frozenset[str]
    after: frozenset[str]
    shown_before: Mapping[str, Any] = field(default_factory=dict)
    shown: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Markers:
    """What one range read of a client's markers says: whether its console keys are kept
    (built, or a first build begun) and whether the matching index's copy is there."""

    searched: bool
    matched: bool


@dataclass(frozen=True)
class Hit:
    """A key found: the entity's number and what its key carries."""

    number: str
    data: Mapping[str, Any]


class SearchIndexRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store
        # clients whose index this process saw kept (a marker read or written): a marker is
        # never deleted while the app runs (a restore runs with the app stopped), so the
        # writers ask once a process, not once a request
        self._kept: set[str] = set()

    def write(self, client_id: str, entries: Sequence[Entry]) -> int:
        """Write what changed of each entry's keys (upserts in transactions of 100; idempotent)
        and delete the keys it no longer has. Returns the number of keys written."""
        pk = encode(client_id)
        ops: list[Op] = []
        stale: list[str] = []
        for entry in entries:
            key = encode(entry.number)
            data = {"Number": entry.number, **entry.shown}
            rewrite = not entry.before or dict(entry.shown_before) != dict(entry.shown)
            for term in sorted(entry.after if rewrite else entry.after - entry.before):
                ops.append(Op(OpKind.UPSERT, Row(pk, f"{term}|{key}", dict(data))))
            stale += [f"{term}|{key}" for term in sorted(entry.before - entry.after)]
        for start in range(0, len(ops), MAX_BATCH):
            self.store.transact(CONSOLE_SEARCH, ops[start : start + MAX_BATCH])
        for rk in stale:
            try:
                self.store.delete(CONSOLE_SEARCH, pk, rk)
            except StorageError:  # gone already (a concurrent import of the same row)
                continue
        return len(ops)

    def find(
        self, client_id: str, prefix: str, *, page_size: int, continuation: str | None = None
    ) -> tuple[list[Hit], str | None]:
        """Each key starting with ``prefix``, in key order, a page at a time."""
        page = self.store.query(
            CONSOLE_SEARCH,
            pk=encode(client_id),
            rk_range=prefix_range(prefix),
            page_size=page_size,
            continuation=continuation,
        )
        return [_hit(r) for r in page.rows], page.continuation

    def whole_range(self, client_id: str, prefix: str, limit: int) -> list[tuple[str, Hit]] | None:
        """Every key starting with ``prefix``, with its row key, when one storage page of
        ``limit`` holds them all; None when the range is larger."""
        page = self.store.query(
            CONSOLE_SEARCH,
            pk=encode(client_id),
            rk_range=(prefix, prefix + "\U0010ffff"),
            page_size=limit,
        )
        if page.continuation:
            return None
        return [(row.rk, _hit(row)) for row in page.rows]

    def scan(
        self,
        client_id: str,
        prefix: str,
        keep: Callable[[Hit], bool],
        *,
        want: int,
        max_rows: int,
        after: str | None = None,
    ) -> tuple[list[Hit], str | None]:
        """Up to ``want`` keys starting with ``prefix`` that ``keep`` accepts, in key order,
        from just after the key ``after`` (the token this returned for the page before; one
        outside the range starts from its beginning). A range narrowed by ``keep`` is read on
        in growing storage pages (``want`` rows first, then up to 1,000), at most ``max_rows``
        rows; the token is the last key looked at (None: the range is done)."""
        high = prefix + "\U0010ffff"
        start = after if after and prefix <= after < high else None
        hits: list[Hit] = []
        scanned, size, token = 0, want, None
        last: str | None = None
        while True:
            page = self.store.query(
                CONSOLE_SEARCH,
                pk=encode(client_id),
                rk_range=(start or prefix, high),
                page_size=size,
                continuation=token,
            )
            for row in page.rows:
                if start is not None and row.rk <= start:
                    continue  # the key the page before ended on
                if len(hits) == want or scanned == max_rows:
                    return hits, last
                scanned += 1
                last = row.rk
                hit = _hit(row)
                if keep(hit):
                    hits.append(hit)
            token = page.continuation
            if not token:
                return hits, None
            size = min(1000, size * 4)

    def all_hits(self, client_id: str, prefix: str) -> Iterator[Hit]:
        """Every key starting with ``prefix``, lazily (the caller stops early)."""
        rows = all_rows(
            self.store,
            CONSOLE_SEARCH,
            pk=encode(client_id),
            rk_range=prefix_range(prefix),
            page_size=100,
        )
        for row in rows:
            yield _hit(row)

    def is_built(self, client_id: str) -> bool:
        return self.store.get(CONSOLE_SEARCH, encode(client_id), BUILT) is not None

    def kept(self, client_id: str) -> bool:
        """Whether the writers keep the client's keys: its index is built, or a first build
        has begun. One range read of the markers (:meth:`markers`) until one is seen, none
        after. Read after the caller's data write, and the build marks before it reads: what
        was written before the mark is in the build's read, what is written after it finds
        the mark and writes its own keys."""
        return client_id in self._kept or self.markers(client_id).searched

    def markers(self, client_id: str) -> Markers:
        """One range read of the partition's markers: ``~built3``, ``~built3-begun`` and
        ``~matched`` sort next to one another (the first version's ``~built`` and the second's
        ``~built2`` before them, every key below ``~``)."""
        page = self.store.query(
            CONSOLE_SEARCH, pk=encode(client_id), rk_range=(BUILT, MATCHED + "."), page_size=3
        )
        found = {row.rk for row in page.rows}
        searched = BUILT in found or BEGUN in found
        if searched:
            self._kept.add(client_id)
        return Markers(searched, MATCHED in found)

    def begin(self, client_id: str) -> None:
        """Mark a first build begun (idempotent: a build that died is built over)."""
        self.store.upsert(CONSOLE_SEARCH, Row(encode(client_id), BEGUN, {"Begun": True}))
        self._kept.add(client_id)

    def key_rows(self, client_id: str) -> set[str]:
        """The row key of every key the client's partition holds (the markers aside)."""
        rows = all_rows(self.store, CONSOLE_SEARCH, pk=encode(client_id), rk_range=(None, KEYS_END))
        return {row.rk for row in rows}

    def delete_keys(self, client_id: str, row_keys: Iterable[str]) -> int:
        """Delete these keys in full transactions; a transaction that fails (a key another
        writer deleted first) is done one key at a time. Returns how many were asked."""
        pk = encode(client_id)
        keys = sorted(row_keys)
        for start in range(0, len(keys), MAX_BATCH):
            part = keys[start : start + MAX_BATCH]
            try:
                self.store.transact(CONSOLE_SEARCH, [Op(OpKind.DELETE, Row(pk, rk)) for rk in part])
            except StorageError:
                for rk in part:
                    try:
                        self.store.delete(CONSOLE_SEARCH, pk, rk)
                    except StorageError:
                        continue  # gone already
        return len(keys)

    def mark_built(self, client_id: str) -> None:
        self.store.upsert(CONSOLE_SEARCH, Row(encode(client_id), BUILT, {"Built": True}))
        self._kept.add(client_id)


class IndexMarks:
    """One request's view of a client's lazy indexes (the console's keys, the matching index):
    both markers read together, once, when a writer first asks (:meth:`SearchIndexRepository.
    markers`); nothing read when none asks, or when the process already saw both kept."""

    def __init__(self, index: SearchIndexRepository, client_id: str) -> None:
        self.index = index
        self.client_id = client_id
        self._read: Markers | None = None

    def _markers(self) -> Markers:
        if self._read is None:
            self._read = self.index.markers(self.client_id)
        return self._read

    def searched(self) -> bool:
        return self.client_id in self.index._kept or self._markers().searched

    def matched(self) -> bool:
        return self._markers().matched


def moves(entry: Entry) -> bool:
    """Whether writing the entry writes or deletes a key (as :meth:`SearchIndexRepository.write`
    decides): a status, payment or description change moves none."""
    return (
        not entry.before
        or entry.before != entry.after
        or (dict(entry.shown_before) != dict(entry.shown))
    )


def row_keys(entry: Entry) -> set[str]:
    """The row keys an entry's keys have once written (``prefix|term|number``)."""
    key = encode(entry.number)
    return {f"{term}|{key}" for term in entry.after}


def _hit(row: Row) -> Hit:
    return Hit(decode(row.rk.rsplit("|", 1)[1]), row.data)
