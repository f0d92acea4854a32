"""Invoices under management, per client and month: the usage meter's own index.

| table           | PartitionKey | RowKey                    | serves                           |
| ManagedInvoices | client id    | ``yyyy-mm|`` invoice      | the invoices under management in |
|                 |              |                           | a month: one range read          |
|                 |              | ``yyyy-mm|!``             | the month was opened (carried)   |

A row says "this invoice was under management in this month". ``Via`` says why:
``import`` (it came in, or came back, during the month) or ``carried`` (it was open when the
month was opened or closed). ``!`` alone is never an encoded invoice number (the encoder
writes ``!`` only as the start of a ``!hh`` escape), so the month's marker cannot collide.
"""

from __future__ import annotations

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
IMPORT, CARRIED = "import", "carried"
_MARKER = "!"


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
        return {
            decode(r.rk.split("|", 1)[1]): str(r.data.get("Via", CARRIED))
            for r in rows
            if r.rk != f"{month}|{_MARKER}"
        }

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

    def is_opened(self, client_id: str, month: str) -> bool:
        return self.store.get(MANAGED, encode(client_id), f"{month}|{_MARKER}") is not None

    def mark_opened(self, client_id: str, month: str) -> None:
        try:
            self.store.insert(
                MANAGED, Row(encode(client_id), f"{month}|{_MARKER}", {"Via": "marker"})
            )
        except Conflict:
            return
