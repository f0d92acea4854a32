"""Invoices under management, per client and month: the usage meter's own index.

| table           | PartitionKey | RowKey                    | serves                           |
| ManagedInvoices | client id    | ``yyyy-mm|`` invoice      | the invoices under management in |
|                 |              |                           | a month: one range read          |
|                 |              | ``yyyy-mm|!``             | the month was opened (carried)   |

|                 |              | ``yyyy-mm|!i|`` id        | invoices one import brought in   |
|                 |              |                           | (``Numbers``: a JSON list)       |

A row says "this invoice was under management in this month". ``Via`` says why:
``import`` (it came in, or came back, during the month) or ``carried`` (it was open when the
month was opened or closed) or ``closed`` (a booking closed it during the month before the
month was opened, failure26 F5). ``!`` alone is never an encoded invoice number (the encoder
writes ``!`` only as the start of a ``!hh`` escape), so the month's marker cannot collide, nor
an import's row (``!i`` is no escape). An import writes one row per request (a few when its
numbers are long) instead of one per invoice, in one transaction, and reads nothing: an invoice
named by several imports, or by an import and a carried row, counts once when the month is
read (a carried row's ``Via`` wins, as it did when imports skipped what the month held).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence

from shared.adapters.tables.keys import decode, encode
from shared.ports.tables import (
    MAX_BATCH,
    Conflict,
    Op,
    OpKind,
    Row,
    TableStore,
    all_rows,
    prefix_range,
)

MANAGED = "ManagedInvoices"
TABLES = (MANAGED,)
IMPORT, CARRIED, CLOSED = "import", "carried", "closed"
_MARKER = "!"
_IMPORTED = "!i|"  # rows of numbers an import brought in
_ROW_CHARS = 30_000  # a string property holds 64 KiB (32K UTF-16 characters)


def _rk(month: str, number: str) -> str:
    return f"{month}|{encode(number)}"


class ManagedInvoiceRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def month(self, client_id: str, month: str) -> dict[str, str]:
        """The invoices under management in ``month`` (number -> how it got there)."""
        rows = all_rows(
            self.store, MANAGED, pk=encode(client_id), rk_range=prefix_range(f"{month}|")
        )
        out: dict[str, str] = {}
        single: dict[str, str] = {}
        for r in rows:
            rest = r.rk.split("|", 1)[1]
            if rest.startswith(_IMPORTED):
                out.update(dict.fromkeys(json.loads(str(r.data.get("Numbers", "[]"))), IMPORT))
            elif rest != _MARKER:
                single[decode(rest)] = str(r.data.get("Via", CARRIED))
        out.update(single)
        return out

    def known(self, client_id: str, month: str, numbers: Sequence[str]) -> set[str]:
        rows = self.store.get_many(MANAGED, encode(client_id), [_rk(month, n) for n in numbers])
        return {decode(rk.split("|", 1)[1]) for rk in rows}

    def add(self, client_id: str, month: str, numbers: Iterable[str], via: str) -> None:
        """Upsert rows, in transactions of 100 (one partition: the client's)."""
        pk = encode(client_id)
        ops = [
            Op(OpKind.UPSERT, Row(pk, _rk(month, n), {"Via": via})) for n in sorted(set(numbers))
        ]
        for start in range(0, len(ops), MAX_BATCH):
            self.store.transact(MANAGED, ops[start : start + MAX_BATCH])

    def add_imported(self, client_id: str, month: str, numbers: Sequence[str]) -> None:
        """What one import brought in: rows of numbers (one per 30,000 characters of them),
        one transaction; no read of what the month holds (counting takes each number once)."""
        pk = encode(client_id)
        batch = secrets.token_hex(8)
        rows: list[list[str]] = [[]]
        size = 0
        for number in sorted(set(numbers)):
            if size + len(number) + 4 > _ROW_CHARS and rows[-1]:
                rows.append([])
                size = 0
            rows[-1].append(number)
            size += len(number) + 4  # quotes, comma, space
        ops = [
            Op(OpKind.UPSERT, Row(pk, f"{month}|{_IMPORTED}{batch}-{i:03d}", {"Numbers": json.dumps(part)}))
            for i, part in enumerate(rows)
            if part
        ]  # fmt: skip
        for start in range(0, len(ops), MAX_BATCH):
            self.store.transact(MANAGED, ops[start : start + MAX_BATCH])

    def is_opened(self, client_id: str, month: str) -> bool:
        return self.store.get(MANAGED, encode(client_id), f"{month}|{_MARKER}") is not None

    def mark_opened(self, client_id: str, month: str) -> None:
        try:
            self.store.insert(
                MANAGED, Row(encode(client_id), f"{month}|{_MARKER}", {"Via": "marker"})
            )
        except Conflict:
            return
