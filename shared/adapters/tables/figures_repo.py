"""The portfolio figures of each client on Table Storage: small running sums the Today page
reads instead of every invoice.

One partition per client in ``PortfolioFigures``:

| RowKey            | holds                                                              |
| ``o|YYYY-MM``     | open money per due day of that month (``{"DD": cents}`` as JSON)   |
| ``p|YYYY-MM``     | money received in that month (``Cents``), reversals taken off      |
| ``a|<kind>``      | waiting (open or assigned) actions of that kind (``Waiting``)      |
| ``d|<id>``        | one change not yet folded into the rows above (JSON per part)      |
| ``d|i|<mark>``    | an action item's move of its waiting count, named after the item  |
| ``~built``        | marker: the sums were counted from the invoices once (``At``: when)|

The invoice, payment and action repositories record each change as a new ``d|`` row: one
insert, no read, and concurrent writers never contend. The reader adds the changes to the sums
and, once enough have gathered, folds them in: the sum rows replaced under their ETags and the
change rows deleted in one entity-group transaction (all in the client's partition), so a
change is counted exactly once whoever folds it and whenever a fold fails.

A change recorded after the invoice's own write means a crash in between leaves the sums off by
that change until the next recount (:meth:`FiguresRepository.rebuild`, offered on the Today
page); a change that cannot be recorded marks the sums uncounted instead of failing the write
it follows. They are never used to book money, only to show it.

An action item's move of the waiting count is exact instead: the item's row says which move
it owes until that move is recorded (:class:`~shared.adapters.tables.records_repo.
ActionRepository`), and the move is recorded under a key named after the item and its write
(``d|i|…``), so the redelivery that finds the row still owing records it once: a second
insert of the same key is refused. Such a change is not folded for :data:`ITEM_KEPT`, longer
than :data:`OWED_WITHIN` in which a redelivery settles it by its key; later, or after a
recount since the item's write, the item cannot tell whether its move landed and the sums are
marked for a recount.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from shared.adapters.tables.codec import get_json, put_json
from shared.adapters.tables.keys import decode, encode
from shared.domain.invoices import Invoice
from shared.domain.money import Cents
from shared.ports.tables import (
    MAX_BATCH,
    Conflict,
    Op,
    OpKind,
    Row,
    StorageError,
    TableStore,
    all_rows,
)

log = logging.getLogger(__name__)
FIGURES = "PortfolioFigures"
TABLES = (FIGURES,)
BUILT = "~built"
DELTA = "d|"
ITEM = DELTA + "i|"  # an action item's own move, under a key named after the item
FOLD_AT = 30  # the reader folds the changes into the sums once this many wait
# a redelivery comes within minutes (five dequeues, 30 s apart, a 10-minute function timeout);
# an item's change outlives that window unfolded, with an hour to spare for workers' clocks
OWED_WITHIN = timedelta(hours=1)
ITEM_KEPT = OWED_WITHIN * 2
CLOCK_SKEW = timedelta(minutes=5)


def utc_now() -> datetime:
    return datetime.now(UTC)


Contents = dict[str, dict[str, int]]  # sum row key -> its numbers


@dataclass(frozen=True)
class StoredFigures:
    built: bool
    open_by_due: dict[date, Cents]
    received_by_month: dict[str, Cents]
    waiting_by_kind: dict[str, int]


def _add_change(contents: Contents, change: Mapping[str, object]) -> set[str]:
    """Add one ``d|`` row's change to the sum rows' numbers; the row keys it touched."""
    touched: set[str] = set()
    for day, cents in get_json(change.get("Open"), {}).items():
        rk, dd = f"o|{day[:7]}", day[8:10]
        row = contents.setdefault(rk, {})
        row[dd] = row.get(dd, 0) + int(cents)
        touched.add(rk)
    for month, cents in get_json(change.get("Received"), {}).items():
        row = contents.setdefault(f"p|{month}", {})
        row["Cents"] = row.get("Cents", 0) + int(cents)
        touched.add(f"p|{month}")
    for kind, count in get_json(change.get("Waiting"), {}).items():
        rk = f"a|{encode(kind)}"
        row = contents.setdefault(rk, {})
        row["Waiting"] = row.get("Waiting", 0) + int(count)
        touched.add(rk)
    return touched


def _numbers(row: Row) -> dict[str, int]:
    if row.rk.startswith("o|"):
        return {k: int(v) for k, v in get_json(row.data.get("Days"), {}).items()}
    if row.rk.startswith("p|"):
        return {"Cents": int(row.data.get("Cents", 0))}
    return {"Waiting": int(row.data.get("Waiting", 0))}


def _data(rk: str, numbers: Mapping[str, int]) -> dict[str, object]:
    if rk.startswith("o|"):
        return {"Days": put_json({k: v for k, v in sorted(numbers.items()) if v})}
    return {k: int(v) for k, v in numbers.items()}


class FiguresRepository:
    def __init__(self, store: TableStore, now: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.now = now

    # -- reading (one range read) ----------------------------------------------------------
    def read(self, client_id: str) -> StoredFigures:
        pk = encode(client_id)
        sums: dict[str, Row] = {}
        changes: list[Row] = []
        built = False
        for row in all_rows(self.store, FIGURES, pk=pk):
            if row.rk == BUILT:
                built = True
            elif row.rk.startswith(DELTA):
                changes.append(row)
            else:
                sums[row.rk] = row
        contents: Contents = {rk: _numbers(row) for rk, row in sums.items()}
        for change in changes:
            _add_change(contents, change.data)
        if len(changes) >= FOLD_AT and (ripe := [c for c in changes if self._ripe(c)]):
            self._fold(pk, sums, ripe)
        return _figures(built, contents)

    def _ripe(self, change: Row) -> bool:
        """Whether a change may be folded: an item's own change stays while its redelivery may
        still look for it by its key."""
        if not change.rk.startswith(ITEM):
            return True
        at = change.data.get("At")
        return not isinstance(at, datetime) or at <= self.now() - ITEM_KEPT

    def _fold(self, pk: str, sums: Mapping[str, Row], changes: list[Row]) -> None:
        """Fold changes into the sum rows: replace those under their ETags and delete the
        changes in one transaction; someone else's fold first makes this one fail whole."""
        contents: Contents = {}
        touched: set[str] = set()
        taken: list[Row] = []
        for change in changes:
            more = _add_change(contents, change.data)
            if len(touched | more) + len(taken) + 1 > MAX_BATCH:
                break
            touched |= more
            taken.append(change)
        contents = {rk: _numbers(sums[rk]) if rk in sums else {} for rk in touched}
        for change in taken:
            _add_change(contents, change.data)
        ops = [
            Op(OpKind.REPLACE, Row(pk, rk, _data(rk, contents[rk]), sums[rk].etag))
            if rk in sums
            else Op(OpKind.INSERT, Row(pk, rk, _data(rk, contents[rk])))
            for rk in sorted(touched)
        ]
        ops += [Op(OpKind.DELETE, Row(pk, c.rk, etag=c.etag)) for c in taken]
        try:
            self.store.transact(FIGURES, ops)
        except StorageError:
            log.info("figures of %s folded by another reader meanwhile", pk)

    # -- recording changes (one insert each) -------------------------------------------------
    def move_open(self, client_id: str, moved: Mapping[date, Cents]) -> None:
        """Add ``moved`` (cents per due day) to the open sums."""
        if moved:
            self._record(
                client_id, {"Open": put_json({d.isoformat(): c for d, c in moved.items()})}
            )

    def move_received(self, client_id: str, month: str, cents: Cents) -> None:
        if cents:
            self._record(client_id, {"Received": put_json({month: cents})})

    def move_waiting(self, client_id: str, kind: str, count: int) -> None:
        if count:
            self._record(client_id, {"Waiting": put_json({kind: count})})

    def move_waiting_for(self, client_id: str, kind: str, count: int, mark: str) -> None:
        """Move the waiting count once for the item write ``mark`` names: a second call with
        the same mark (the redelivery of a worker that died after the first) finds its change
        there and moves nothing."""
        row = Row(encode(client_id), ITEM + mark, {"Waiting": put_json({kind: count}),
                                                   "At": self.now()})  # fmt: skip
        try:
            self.store.insert(FIGURES, row)
        except Conflict:
            log.info("waiting count of %s moved for %s already", client_id, mark)
        except StorageError:
            log.warning("figures change of client %s not recorded; to be recounted", client_id,
                        exc_info=True)  # fmt: skip
            self.forget(client_id)

    def settle_waiting_for(
        self, client_id: str, kind: str, count: int, mark: str, since: datetime
    ) -> None:
        """The move an item's row still owes since ``since`` (its writer died before it could
        say the move was recorded, or while recording it), made exactly once: by its key while
        that key's change is surely not folded and no recount counted the item meanwhile;
        otherwise the sums are marked for a recount, which counts the item as it now stands."""
        if self.now() - since > OWED_WITHIN:
            self.forget(client_id)
            return
        built = self.store.get(FIGURES, encode(client_id), BUILT)
        if built is None:
            return  # uncounted: the next reader counts every item as it stands
        counted_at = built.data.get("At")
        if isinstance(counted_at, datetime) and counted_at >= since - CLOCK_SKEW:
            self.forget(client_id)  # a recount since the item's write may have counted it
            return
        self.move_waiting_for(client_id, kind, count, mark)

    def move_many(
        self,
        client_id: str,
        *,
        open_moved: Mapping[date, Cents] | None = None,
        received: Mapping[str, Cents] | None = None,
        waiting: Mapping[str, int] | None = None,
    ) -> None:
        """:meth:`move_open`, :meth:`move_received` and :meth:`move_waiting` at once, as one
        change row (one insert): a writer that changes several sums of a client together (a
        statement window) records them together. The reader adds a row's parts as it adds
        three rows' (``_add_change`` reads every part of a row), so it is counted the same."""
        change: dict[str, object] = {}
        if moved := {d.isoformat(): c for d, c in (open_moved or {}).items() if c}:
            change["Open"] = put_json(moved)
        if months := {m: c for m, c in (received or {}).items() if c}:
            change["Received"] = put_json(months)
        if kinds := {k: n for k, n in (waiting or {}).items() if n}:
            change["Waiting"] = put_json(kinds)
        if change:
            self._record(client_id, change)

    def _record(self, client_id: str, change: dict[str, object]) -> None:
        """The sums never stand in the way of the write they follow: a change that cannot be
        recorded marks them uncounted, and the next reader counts them again."""
        try:
            self.store.insert(FIGURES, Row(encode(client_id), DELTA + uuid.uuid4().hex, change))
        except StorageError:
            log.warning("figures change of client %s not recorded; to be recounted", client_id,
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
        """Write the sums from the invoices, payments and actions as they are now (first use,
        or a recount after a crash left them off); pending changes are dropped."""
        pk = encode(client_id)
        contents: Contents = {}
        for inv in invoices:
            if inv.open_amount:
                _add_change(
                    contents, {"Open": put_json({inv.due_date.isoformat(): inv.open_amount})}
                )
        _add_change(
            contents, {"Received": put_json(dict(received)), "Waiting": put_json(dict(waiting))}
        )
        stale = {r.rk for r in all_rows(self.store, FIGURES, pk=pk)}
        for rk, numbers in contents.items():
            self.store.upsert(FIGURES, Row(pk, rk, _data(rk, numbers)))
        for rk in stale - set(contents) - {BUILT}:
            try:
                self.store.delete(FIGURES, pk, rk)
            except Exception:  # folded or deleted by someone else meanwhile
                log.info("figures row %s of %s gone already", rk, pk)
        self.store.upsert(FIGURES, Row(pk, BUILT, {"At": self.now()}))


def _figures(built: bool, contents: Contents) -> StoredFigures:
    open_by_due: dict[date, Cents] = {}
    received: dict[str, Cents] = {}
    waiting: dict[str, int] = {}
    for rk, numbers in contents.items():
        if rk.startswith("o|"):
            year, month = (int(p) for p in rk[2:].split("-"))
            for day, cents in numbers.items():
                if cents:
                    open_by_due[date(year, month, int(day))] = cents
        elif rk.startswith("p|"):
            received[rk[2:]] = numbers.get("Cents", 0)
        elif rk.startswith("a|") and numbers.get("Waiting", 0) > 0:
            waiting[decode(rk[2:])] = numbers["Waiting"]
    return StoredFigures(built, open_by_due, received, waiting)
