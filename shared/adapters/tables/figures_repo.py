"""The portfolio figures of each client on Table Storage: small running sums the Today page
reads instead of every invoice.

One partition per client in ``PortfolioFigures``:

| RowKey            | holds                                                              |
| ``o|YYYY-MM``     | open money per due day of that month (``{"DD": cents}`` as JSON)   |
| ``p|YYYY-MM``     | money received in that month (``Cents``), reversals taken off      |
| ``a|<kind>``      | waiting (open or assigned) actions of that kind (``Waiting``)      |
| ``~built``        | marker: the sums were counted from the invoices once               |

The invoice, payment and action repositories move the sums wherever an invoice or a payment is
written (a read-modify-write guarded by the row's ETag, retried: concurrent writers add up).
Moving them after the invoice's own write means a crash in between leaves them off by that
change until the next recount (:meth:`FiguresRepository.rebuild`, offered on the Today page);
a move that fails marks them uncounted instead of failing the write it follows. They are never
used to book money, only to show it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from shared.adapters.tables.codec import get_json, put_json
from shared.adapters.tables.keys import decode, encode
from shared.domain.invoices import Invoice
from shared.domain.money import Cents
from shared.ports.tables import (
    Conflict,
    PreconditionFailed,
    Row,
    StorageError,
    TableStore,
    all_rows,
)

log = logging.getLogger(__name__)
FIGURES = "PortfolioFigures"
TABLES = (FIGURES,)
BUILT = "~built"
ATTEMPTS = 20  # concurrent writers of one month row retry this often before giving up


@dataclass(frozen=True)
class StoredFigures:
    built: bool
    open_by_due: dict[date, Cents]
    received_by_month: dict[str, Cents]
    waiting_by_kind: dict[str, int]


class FiguresRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    # -- reading (one range read) ----------------------------------------------------------
    def read(self, client_id: str) -> StoredFigures:
        open_by_due: dict[date, Cents] = {}
        received: dict[str, Cents] = {}
        waiting: dict[str, int] = {}
        built = False
        for row in all_rows(self.store, FIGURES, pk=encode(client_id)):
            if row.rk == BUILT:
                built = True
            elif row.rk.startswith("o|"):
                year, month = (int(p) for p in row.rk[2:].split("-"))
                for day, cents in get_json(row.data.get("Days"), {}).items():
                    if cents:
                        open_by_due[date(year, month, int(day))] = int(cents)
            elif row.rk.startswith("p|"):
                received[row.rk[2:]] = int(row.data.get("Cents", 0))
            elif row.rk.startswith("a|") and int(row.data.get("Waiting", 0)) > 0:
                waiting[decode(row.rk[2:])] = int(row.data["Waiting"])
        return StoredFigures(built, open_by_due, received, waiting)

    # -- moving the sums ---------------------------------------------------------------------
    def move_open(self, client_id: str, moved: Mapping[date, Cents]) -> None:
        """Add ``moved`` (cents per due day) to the open sums."""
        by_month: dict[str, dict[str, Cents]] = {}
        for day, cents in moved.items():
            by_month.setdefault(f"o|{day.year:04d}-{day.month:02d}", {})[f"{day.day:02d}"] = cents
        for rk, days in by_month.items():
            self._add(client_id, rk, lambda d, days=days: _add_days(d, days))  # type: ignore[misc]

    def move_received(self, client_id: str, month: str, cents: Cents) -> None:
        if cents:
            self._add(client_id, f"p|{month}", lambda d: {"Cents": int(d.get("Cents", 0)) + cents})

    def move_waiting(self, client_id: str, kind: str, count: int) -> None:
        self._add(client_id, f"a|{encode(kind)}",
                  lambda d: {"Waiting": int(d.get("Waiting", 0)) + count})  # fmt: skip

    def _add(self, client_id: str, rk: str, change) -> None:  # type: ignore[no-untyped-def]
        """Add to one row. The sums never stand in the way of the write they follow: when
        they cannot be moved (too many writers at once, storage trouble) they are marked
        uncounted, and the next reader counts them again from the invoices."""
        pk = encode(client_id)
        try:
            for _ in range(ATTEMPTS):
                row = self.store.get(FIGURES, pk, rk)
                try:
                    if row is None:
                        self.store.insert(FIGURES, Row(pk, rk, change({})))
                    else:
                        self.store.replace(FIGURES, Row(pk, rk, change(row.data), row.etag))
                    return
                except (Conflict, PreconditionFailed):
                    continue  # another writer got there first: read again and add to theirs
            log.warning("figures row %s of client %s kept changing; to be recounted", rk, client_id)
        except StorageError:
            log.warning("figures row %s of client %s not moved; to be recounted", rk, client_id,
                        exc_info=True)  # fmt: skip
        self.forget(client_id)

    def forget(self, client_id: str) -> None:
        """Mark the client's sums uncounted (the next read counts them from scratch)."""
        try:
            self.store.delete(FIGURES, encode(client_id), BUILT)
        except Exception:  # gone already, or storage trouble: the write it follows stands
            log.warning("figures of client %s could not be marked uncounted", client_id,
                        exc_info=True)  # fmt: skip

    # -- counting from scratch ---------------------------------------------------------------
    def rebuild(
        self,
        client_id: str,
        invoices: Iterable[Invoice],
        received: Mapping[str, Cents],
        waiting: Mapping[str, int],
    ) -> None:
        """Write the sums from the invoices and payments as they are now (first use, or a
        recount after a crash left them off)."""
        pk = encode(client_id)
        months: dict[str, dict[str, Cents]] = {}
        for inv in invoices:
            if inv.open_amount:
                day = inv.due_date
                days = months.setdefault(f"o|{day.year:04d}-{day.month:02d}", {})
                days[f"{day.day:02d}"] = days.get(f"{day.day:02d}", 0) + inv.open_amount
        stale = {r.rk for r in all_rows(self.store, FIGURES, pk=pk)}
        for rk, days in months.items():
            self.store.upsert(FIGURES, Row(pk, rk, {"Days": put_json(days)}))
        for month, cents in received.items():
            self.store.upsert(FIGURES, Row(pk, f"p|{month}", {"Cents": cents}))
        for kind, count in waiting.items():
            self.store.upsert(FIGURES, Row(pk, f"a|{encode(kind)}", {"Waiting": count}))
        keep = set(months) | {f"p|{m}" for m in received} | {BUILT}
        keep |= {f"a|{encode(kind)}" for kind in waiting}
        for rk in stale - keep:
            self.store.delete(FIGURES, pk, rk)
        self.store.upsert(FIGURES, Row(pk, BUILT, {}))


def _add_days(data: Mapping[str, object], moved: Mapping[str, Cents]) -> dict[str, object]:
    days = {k: int(v) for k, v in get_json(data.get("Days"), {}).items()}
    for day, cents in moved.items():
        days[day] = days.get(day, 0) + cents
    return {"Days": put_json({k: v for k, v in sorted(days.items()) if v})}
