"""An in-memory TableStore with Table Storage's semantics (etags, insert conflicts, key
order, pages, all-or-nothing transactions). For unit tests and the benchmarks' baseline."""

from __future__ import annotations

import base64
import json
import threading
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from itertools import count

from shared.adapters.tables.keys import checked
from shared.ports.tables import (
    MAX_BATCH,
    Conflict,
    Op,
    OpKind,
    Page,
    PreconditionFailed,
    Row,
    StorageError,
    TransactionFailed,
    Value,
)

PROPERTY_BYTES = 64 * 1024


def _token(pk: str, rk: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([pk, rk]).encode()).decode()


def _untoken(token: str) -> tuple[str, str]:
    try:
        pk, rk = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError) as exc:
        raise StorageError("invalid continuation token") from exc
    return str(pk), str(rk)


class InMemoryTableStore:
    def __init__(self) -> None:
        self._tables: dict[str, dict[tuple[str, str], Row]] = {}
        self._etags = count(1)
        self._lock = threading.RLock()
        self.requests = 0

    def ensure_tables(self, names: Sequence[str]) -> None:
        with self._lock:
            for name in names:
                self._tables.setdefault(name, {})

    def _table(self, name: str) -> dict[tuple[str, str], Row]:
        if name not in self._tables:
            raise StorageError(f"table {name} does not exist")
        return self._tables[name]

    @staticmethod
    def _copy(row: Row) -> Row:
        return Row(row.pk, row.rk, dict(row.data), row.etag)

    def get(self, table: str, pk: str, rk: str) -> Row | None:
        with self._lock:
            self.requests += 1
            row = self._table(table).get((pk, rk))
            return self._copy(row) if row else None

    def get_many(self, table: str, pk: str, rks: Sequence[str]) -> dict[str, Row]:
        with self._lock:
            self.requests += 1
            t = self._table(table)
            return {rk: self._copy(t[(pk, rk)]) for rk in set(rks) if (pk, rk) in t}

    def query(
        self,
        table: str,
        *,
        pk: str | None = None,
        pk_range: tuple[str, str] | None = None,
        rk_range: tuple[str | None, str | None] = (None, None),
        equals: Mapping[str, Value] | None = None,
        page_size: int = 1000,
        continuation: str | None = None,
    ) -> Page:
        with self._lock:
            self.requests += 1
            keys = sorted(self._table(table))
            start = bisect_left(keys, _untoken(continuation)) if continuation else 0
            rows: list[Row] = []
            lo, hi = rk_range
            for key in keys[start:]:
                kpk, krk = key
                if pk is not None and kpk != pk:
                    continue
                if pk_range is not None and not (pk_range[0] <= kpk < pk_range[1]):
                    continue
                if (lo is not None and krk < lo) or (hi is not None and krk >= hi):
                    continue
                row = self._table(table)[key]
                if equals and any(row.data.get(k) != v for k, v in equals.items()):
                    continue
                if len(rows) == page_size:
                    return Page(rows, _token(*key))
                rows.append(self._copy(row))
            return Page(rows, None)

    def _write(self, table: str, op: Op) -> str | None:
        t = self._table(table)
        row = op.row
        key = (checked(row.pk), checked(row.rk))
        existing = t.get(key)
        if op.kind is OpKind.INSERT and existing is not None:
            raise Conflict(f"{table}/{row.pk}/{row.rk} exists")
        conditional = op.kind in (OpKind.REPLACE, OpKind.DELETE) and row.etag is not None
        if conditional and (existing is None or existing.etag != row.etag):
            raise PreconditionFailed(f"{table}/{row.pk}/{row.rk} changed")
        if op.kind is OpKind.REPLACE and row.etag is None:
            raise ValueError("replace needs an etag")
        if op.kind is OpKind.DELETE:
            if existing is None:
                raise PreconditionFailed(f"{table}/{row.pk}/{row.rk} not found")
            del t[key]
            return None
        if any(isinstance(v, float) for v in row.data.values()):
            raise TypeError("floats are not stored (money is integer cents)")
        for name, value in row.data.items():
            # Table Storage refuses a string or binary property over 64 KiB (UTF-16: 32,768
            # units) with 400 PropertyValueTooLarge: the fake must not be kinder
            if isinstance(value, str) and len(value.encode("utf-16-le")) > PROPERTY_BYTES:
                raise ValueError(f"PropertyValueTooLarge: {table}.{name} exceeds 64 KiB")
            if isinstance(value, bytes) and len(value) > PROPERTY_BYTES:
                raise ValueError(f"PropertyValueTooLarge: {table}.{name} exceeds 64 KiB")
        etag = f'W/"{next(self._etags)}"'
        data = {k: v for k, v in row.data.items() if v is not None}
        t[key] = Row(row.pk, row.rk, data, etag)
        return etag

    def _single(self, table: str, op: Op) -> Row:
        with self._lock:
            self.requests += 1
            etag = self._write(table, op)
            return Row(op.row.pk, op.row.rk, dict(op.row.data), etag)

    def insert(self, table: str, row: Row) -> Row:
        return self._single(table, Op(OpKind.INSERT, row))

    def upsert(self, table: str, row: Row) -> Row:
        return self._single(table, Op(OpKind.UPSERT, row))

    def replace(self, table: str, row: Row) -> Row:
        return self._single(table, Op(OpKind.REPLACE, row))

    def delete(self, table: str, pk: str, rk: str, etag: str | None = None) -> None:
        # azure-data-tables' delete_entity answers the service's 404 with nothing, an ETag
        # given or not (a delete is done once the row is gone); a changed row is still refused
        # (412). In a transaction the 404 fails the batch: ``_write`` keeps refusing it there.
        with self._lock:
            if (checked(pk), checked(rk)) not in self._table(table):
                self.requests += 1
                return
            self._single(table, Op(OpKind.DELETE, Row(pk, rk, etag=etag)))

    def transact(self, table: str, ops: Sequence[Op]) -> list[str | None]:
        if not ops:
            return []
        if len(ops) > MAX_BATCH:
            raise ValueError(f"a transaction holds at most {MAX_BATCH} operations")
        if len({op.row.pk for op in ops}) != 1:
            raise ValueError("a transaction must stay within one partition")
        if len({op.row.rk for op in ops}) != len(ops):
            raise ValueError("an entity may appear only once in a transaction")
        with self._lock:
            self.requests += 1
            snapshot = dict(self._table(table))
            etags: list[str | None] = []
            for index, op in enumerate(ops):
                try:
                    etags.append(self._write(table, op))
                except StorageError as exc:
                    self._tables[table] = snapshot
                    raise TransactionFailed(index, exc) from exc
            return etags
