"""The console's search index on Table Storage: one partition per client in ``ConsoleSearch``.

| RowKey                               | finds                                           |
| ``dw|<name word>|<debtor>``          | a debtor by any word of its name (prefix)       |
| ``dn|<folded number>|<debtor>``      | a debtor by its number (prefix)                 |
| ``in|<folded number>|<invoice>``     | an invoice by its number (prefix)               |
| ``ir|<reference digits>|<invoice>``  | an invoice by its betalingskenmerk (prefix)     |
| ``ia|<amount, 15 digits>|<invoice>`` | an invoice by its amount (exact)                |
| ``m|d|<debtor>``, ``m|i|<invoice>``  | the keys written for it (to drop stale ones)    |
| ``~built``                           | the client's existing data has been indexed     |

The rows hold keys only: the page reads the debtors and invoices themselves (one batched read
of a page), so a status or payment never makes the index stale. The import writes the index
after the data; a crash in between leaves a row unfound until the next import of it, never a
wrong one (a key whose entity is gone is skipped when read).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from shared.adapters.tables.codec import get_json, put_json
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
BUILT = "~built"
DEBTOR, INVOICE = "d", "i"


class SearchIndexRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def write(
        self,
        client_id: str,
        kind: str,
        entries: Sequence[tuple[str, list[str]]],
        names: Mapping[str, str] | None = None,
    ) -> None:
        """Index each ``(number, [prefix|term, ...])`` of one kind (``d`` or ``i``): keys it no
        longer has are deleted, its keys and its manifest written (idempotent). ``names``: a
        debtor's name kept on its keys, so a search of several words narrows on the index rows
        without reading the debtors it leaves out."""
        names = names or {}
        pk = encode(client_id)
        manifests = self.store.get_many(
            CONSOLE_SEARCH, pk, [f"m|{kind}|{encode(n)}" for n, _ in entries]
        )
        ops: list[Op] = []
        stale: list[str] = []
        for number, terms in entries:
            key = encode(number)
            keys = sorted({f"{t}|{key}" for t in terms})
            before = manifests.get(f"m|{kind}|{key}")
            old = set(get_json(before.data.get("Keys"), [])) if before else set()
            stale += sorted(old - set(keys))
            name = names.get(number)
            renamed = before is None or before.data.get("Name") != name
            data = {"Number": number, "Name": name}
            ops += [
                Op(OpKind.UPSERT, Row(pk, k, dict(data))) for k in keys if renamed or k not in old
            ]
            manifest = {"Keys": put_json(keys), "Name": name}
            ops.append(Op(OpKind.UPSERT, Row(pk, f"m|{kind}|{key}", manifest)))
        for start in range(0, len(ops), MAX_BATCH):
            self.store.transact(CONSOLE_SEARCH, ops[start : start + MAX_BATCH])
        for rk in stale:
            try:
                self.store.delete(CONSOLE_SEARCH, pk, rk)
            except StorageError:  # gone already (a concurrent import of the same row)
                continue

    def find(
        self, client_id: str, prefix: str, *, page_size: int, continuation: str | None = None
    ) -> tuple[list[tuple[str, str]], str | None]:
        """(number, name) of each key starting with ``prefix``, in key order, a page at a time
        (the name is a debtor's, empty for an invoice's keys)."""
        page = self.store.query(
            CONSOLE_SEARCH,
            pk=encode(client_id),
            rk_range=prefix_range(prefix),
            page_size=page_size,
            continuation=continuation,
        )
        found = [(decode(r.rk.rsplit("|", 1)[1]), str(r.data.get("Name") or "")) for r in page.rows]
        return found, page.continuation

    def all_numbers(self, client_id: str, prefix: str) -> Iterator[tuple[str, str]]:
        """(number, name) of every key starting with ``prefix``, lazily (the caller stops
        early)."""
        rows = all_rows(
            self.store,
            CONSOLE_SEARCH,
            pk=encode(client_id),
            rk_range=prefix_range(prefix),
            page_size=100,
        )
        for row in rows:
            yield decode(row.rk.rsplit("|", 1)[1]), str(row.data.get("Name") or "")

    def is_built(self, client_id: str) -> bool:
        return self.store.get(CONSOLE_SEARCH, encode(client_id), BUILT) is not None

    def mark_built(self, client_id: str) -> None:
        self.store.upsert(CONSOLE_SEARCH, Row(encode(client_id), BUILT, {"Built": True}))
