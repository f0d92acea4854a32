"""A seeded fault injector around the table, queue and blob adapters.

It plays what storage really does to an app under trouble: connection resets and timeouts
(before a write, or after it was applied: the caller cannot tell), 500s, lost races (409 on an
insert another worker made, 412 on a row another worker changed) and a crash of the worker
between two writes. Random faults come from ``random.Random(seed)`` so a failing run can be
replayed; targeted rules (``plan.rule(...)``) let a unit test fail one exact operation.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

from shared.ports.tables import Op, OpKind, Page, Row, TableStore, Value

READ_FAULTS = ("reset", "timeout", "http500")
WRITE_FAULTS = ("reset", "timeout", "http500", "timeout_after", "race", "crash_after")


class SimulatedCrash(BaseException):
    """The worker died here: nothing after this point ran, the invocation did not finish.

    A BaseException, as a real crash cannot be caught by ``except Exception`` in the app."""


def raise_fault(kind: str, where: str) -> None:
    if kind == "reset":
        raise ServiceRequestError(f"injected: connection reset by peer ({where})")
    if kind in ("timeout", "timeout_after"):
        raise ServiceResponseError(f"injected: read timed out ({where})")
    if kind == "http500":
        raise HttpResponseError(f"injected: 500 InternalError ({where})")
    if kind == "crash_after":
        raise SimulatedCrash(where)
    raise AssertionError(kind)


@dataclass
class Rule:
    """Fail operations for which ``match(op, target)`` holds, ``times`` times, with ``kind``."""

    match: Callable[[str, str], bool]
    kind: str
    times: int = 1


@dataclass
class FaultPlan:
    seed: int = 0
    rate: float = 0.0  # chance of a random fault on any operation
    kinds: tuple[str, ...] = WRITE_FAULTS
    enabled: bool = True
    rules: list[Rule] = field(default_factory=list)
    injected: Counter[str] = field(default_factory=Counter)
    log: list[tuple[str, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def rule(self, match: Callable[[str, str], bool], kind: str, times: int = 1) -> Rule:
        rule = Rule(match, kind, times)
        self.rules.append(rule)
        return rule

    def decide(self, op: str, target: str, *, write: bool) -> str | None:
        if not self.enabled:
            return None
        for rule in self.rules:
            if rule.times > 0 and rule.match(op, target):
                rule.times -= 1
                return self._count(rule.kind, op, target)
        if self.rate and self.rng.random() < self.rate:
            pool = self.kinds if write else tuple(k for k in self.kinds if k in READ_FAULTS)
            if pool:
                return self._count(self.rng.choice(pool), op, target)
        return None

    def _count(self, kind: str, op: str, target: str) -> str:
        self.injected[kind] += 1
        self.log.append((kind, op, target))
        return kind

    @property
    def total(self) -> int:
        return sum(self.injected.values())


class FaultyTableStore:
    """A ``TableStore`` whose operations fail as ``plan`` says."""

    def __init__(self, inner: TableStore, plan: FaultPlan) -> None:
        self.inner = inner
        self.plan = plan

    def _read(self, op: str, table: str) -> None:
        kind = self.plan.decide(op, table, write=False)
        if kind:
            raise_fault(kind, f"{op} {table}")

    def _write(
        self, op: str, table: str, apply: Callable[[], Any], race: Callable[[], None]
    ) -> Any:
        kind = self.plan.decide(op, table, write=True)
        if kind is None:
            return apply()
        if kind == "race":
            race()  # another worker gets there first; the real guard must notice
            return apply()
        if kind in ("timeout_after", "crash_after"):
            apply()  # the write landed, but the caller never hears so
        raise_fault(kind, f"{op} {table}")

    # -- reads -------------------------------------------------------------------------------
    def ensure_tables(self, names: Sequence[str]) -> None:
        self.inner.ensure_tables(names)

    def get(self, table: str, pk: str, rk: str) -> Row | None:
        self._read("get", table)
        return self.inner.get(table, pk, rk)

    def get_many(self, table: str, pk: str, rks: Sequence[str]) -> dict[str, Row]:
        self._read("get_many", table)
        return self.inner.get_many(table, pk, rks)

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
        self._read("query", table)
        return self.inner.query(
            table, pk=pk, pk_range=pk_range, rk_range=rk_range, equals=equals,
            page_size=page_size, continuation=continuation,
        )  # fmt: skip

    # -- writes ------------------------------------------------------------------------------
    def _touch(self, table: str, row: Row) -> None:
        """Another writer rewrites the row unchanged: its etag moves on."""
        current = self.inner.get(table, row.pk, row.rk)
        if current is not None:
            self.inner.upsert(table, Row(current.pk, current.rk, dict(current.data)))

    def _insert_first(self, table: str, row: Row) -> None:
        """Another worker inserted the very same row first (a redelivered message)."""
        if self.inner.get(table, row.pk, row.rk) is None:
            self.inner.insert(table, Row(row.pk, row.rk, dict(row.data)))

    def insert(self, table: str, row: Row) -> Row:
        return self._write(  # type: ignore[no-any-return]
            "insert", table, lambda: self.inner.insert(table, row),
            lambda: self._insert_first(table, row),
        )  # fmt: skip

    def upsert(self, table: str, row: Row) -> Row:
        return self._write(  # type: ignore[no-any-return]
            "upsert", table, lambda: self.inner.upsert(table, row), lambda: None
        )

    def replace(self, table: str, row: Row) -> Row:
        return self._write(  # type: ignore[no-any-return]
            "replace",
            table,
            lambda: self.inner.replace(table, row),
            lambda: self._touch(table, row),
        )

    def delete(self, table: str, pk: str, rk: str, etag: str | None = None) -> None:
        self._write(
            "delete", table, lambda: self.inner.delete(table, pk, rk, etag),
            lambda: self._touch(table, Row(pk, rk)) if etag else None,
        )  # fmt: skip

    def transact(self, table: str, ops: Sequence[Op]) -> list[str | None]:
        def race() -> None:
            for op in ops:
                if op.kind is OpKind.REPLACE or (op.kind is OpKind.DELETE and op.row.etag):
                    self._touch(table, op.row)
                    return

        return self._write(  # type: ignore[no-any-return]
            "transact", table, lambda: self.inner.transact(table, ops), race
        )


class FaultyQueueSender:
    """A queue producer that loses its connection as ``plan`` says (a timeout after the send
    means the message is on the queue although the caller saw an error)."""

    def __init__(self, inner: Any, plan: FaultPlan) -> None:
        self.inner = inner
        self.plan = plan

    def send(self, queue: str, body: str, *, delay_seconds: int = 0) -> None:
        kind = self.plan.decide("send", queue, write=True)
        if kind is None or kind == "race":
            self.inner.send(queue, body, delay_seconds=delay_seconds)
            return
        if kind in ("timeout_after", "crash_after"):
            self.inner.send(queue, body, delay_seconds=delay_seconds)
        raise_fault(kind, f"send {queue}")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class FaultyFileStore:
    def __init__(self, inner: Any, plan: FaultPlan) -> None:
        self.inner = inner
        self.plan = plan

    def put(self, container: str, name: str, data: bytes, *, content_type: str = "application/octet-stream") -> None:  # fmt: skip
        kind = self.plan.decide("put", container, write=True)
        if kind is None or kind == "race":
            self.inner.put(container, name, data, content_type=content_type)
            return
        if kind in ("timeout_after", "crash_after"):
            self.inner.put(container, name, data, content_type=content_type)
        raise_fault(kind, f"put {container}")

    def get(self, container: str, name: str) -> bytes | None:
        kind = self.plan.decide("blob_get", container, write=False)
        if kind:
            raise_fault(kind, f"get {container}")
        return self.inner.get(container, name)  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
