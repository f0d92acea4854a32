"""The port to entity storage, shaped after Azure Table Storage's semantics.

Repositories talk to this protocol only. Two implementations keep each other honest: the
Azure adapter (Azurite locally, Table Storage in Azure) and an in-memory fake for unit tests;
the same contract tests run against both.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

Value = str | int | bool | datetime | None

MAX_BATCH = 100  # entities per entity-group transaction (same table, same partition)
RANGE_OVERREAD = 4  # a range read may return this many times the wanted rows (+ one page)


@dataclass
class Row:
    pk: str
    rk: str
    data: dict[str, Any] = field(default_factory=dict)
    etag: str | None = None


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    continuation: str | None


class OpKind(StrEnum):
    INSERT = "insert"  # fails when the row exists
    UPSERT = "upsert"  # insert or replace, no condition
    REPLACE = "replace"  # replace only when the etag still matches
    DELETE = "delete"


@dataclass(frozen=True)
class Op:
    kind: OpKind
    row: Row


class StorageError(Exception):
    pass


class Conflict(StorageError):
    """The row already exists (insert)."""


class PreconditionFailed(StorageError):
    """Someone else changed the row since it was read (etag mismatch) or it is gone."""


class TransactionFailed(StorageError):
    def __init__(self, index: int, cause: StorageError) -> None:
        super().__init__(f"transaction failed at operation {index}: {cause}")
        self.index = index
        self.cause = cause


class TableStore(Protocol):
    def ensure_tables(self, names: Sequence[str]) -> None: ...

    def get(self, table: str, pk: str, rk: str) -> Row | None: ...

    def get_many(self, table: str, pk: str, rks: Sequence[str]) -> dict[str, Row]:
        """The rows that exist among ``rks``. Never an ``or`` filter: Table Storage answers
        ``RowKey eq a or RowKey eq b`` with a partition scan. Dense keys are read as one
        bounded range; what the range did not settle is read with parallel point reads."""
        ...

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
        """Rows in key order. ``rk_range`` is [low, high): ``None`` leaves a side open."""
        ...

    def insert(self, table: str, row: Row) -> Row: ...

    def upsert(self, table: str, row: Row) -> Row: ...

    def replace(self, table: str, row: Row) -> Row:
        """Replace only when ``row.etag`` matches the stored one."""
        ...

    def delete(self, table: str, pk: str, rk: str, etag: str | None = None) -> None: ...

    def transact(self, table: str, ops: Sequence[Op]) -> list[str | None]:
        """All or nothing; all ops in one partition, at most :data:`MAX_BATCH`; returns etags."""
        ...


def prefix_range(prefix: str) -> tuple[str, str]:
    """The [low, high) key range of every key starting with ``prefix``."""
    return prefix, prefix + "\U0010ffff"


def all_rows(store: TableStore, table: str, **query: Any) -> Iterator[Row]:
    """Every row a query matches, page after page (continuation tokens followed)."""
    token: str | None = None
    while True:
        page = store.query(table, continuation=token, **query)
        yield from page.rows
        token = page.continuation
        if not token:
            return
