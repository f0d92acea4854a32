"""The Today page's waiting count when an item is saved (money26): a resolved item reopened
through ``save`` (a ruling's filing item whose figure moved, any ``action_saves.save_item``)
is counted again, exactly once across a crash, as an add is; a resolved item saved again
with new detail is not uncounted a second time; and a move its row still owes (its writer cut
off, the read that would settle it refused by storage: review24 N1) is not dropped by the
next save. Before: the reopen moved nothing (Today one short until "count again"), the second
save of a resolved item moved -1 again, and the save wrote the row without its owed +1."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from shared.adapters.tables import schema
from shared.adapters.tables.figures_repo import FIGURES
from shared.adapters.tables.keys import encode
from shared.adapters.tables.records_repo import ActionRepository
from shared.domain.records import ActionStatus
from shared.ports.tables import Row, StorageError
from tests.faults.test_waiting_count_once import (
    KIND,
    Clock,
    _crash_after,
    _item,
    _waiting,
    _world,
)
from tests.support.faults import FaultyTableStore, SimulatedCrash

ID = "stmt-refused-S1"


def _resolved(actions: ActionRepository, clock: Clock) -> tuple[Any, str]:
    actions.add_once(_item())
    clock.at += timedelta(minutes=1)
    assert actions.resolve_if_open("C1", ID, "done", clock.at) is True
    clock.at += timedelta(minutes=1)  # a person reopens it later (each move keyed by its time)
    found = actions.get("C1", ID)
    assert found is not None and found[1] is not None
    return found[0], found[1]


def _reopened(item: Any) -> Any:
    return replace(item, status=ActionStatus.OPEN, resolved_at=None, resolution=None)


def test_a_reopen_through_save_is_counted_again() -> None:
    _, _, actions, clock = _world()
    item, etag = _resolved(actions, clock)
    assert _waiting(actions) == {}
    actions.save(_reopened(item), etag)
    assert _waiting(actions) == {KIND: 1}  # was {}: one short until "count again"


def test_a_crash_after_the_reopen_is_counted_by_the_next_reader_once() -> None:
    inner, plan, actions, clock = _world()
    item, etag = _resolved(actions, clock)
    _crash_after(plan, "replace", schema.ACTIONS)  # reopened; its +1 never recorded
    with pytest.raises(SimulatedCrash):
        actions.save(_reopened(item), etag)
    assert _waiting(actions) == {}
    again = actions.get("C1", ID)  # the retry reads it (reopened) and stops
    assert again is not None and again[0].status is ActionStatus.OPEN
    assert _waiting(actions) == {KIND: 1}
    actions.get("C1", ID)
    assert _waiting(actions) == {KIND: 1}
    row = inner.get(schema.ACTIONS, encode("C1"), ID)
    assert isinstance(row, Row) and not row.data.get("CountOwed")


def test_a_resolved_item_saved_again_is_not_uncounted_twice() -> None:
    _, _, actions, clock = _world()
    actions.add_once(_item("other"))  # waits: the count must stay 1
    item, etag = _resolved(actions, clock)
    assert _waiting(actions) == {KIND: 1}
    actions.save(replace(item, detail={"note": "carried out"}), etag)
    assert _waiting(actions) == {KIND: 1}  # was {}: its -1 made a second time


class _Refusing(FaultyTableStore):
    """The fault store with an injected 500 answered as the Azure adapter answers a refusal
    (``shared/adapters/tables/azure._refusal``): a :class:`StorageError`."""

    def _read(self, op: str, table: str) -> None:
        try:
            super()._read(op, table)
        except HttpResponseError as exc:
            raise StorageError(str(exc)) from exc

    def _write(
        self, op: str, table: str, apply: Callable[[], Any], race: Callable[[], None]
    ) -> Any:
        try:
            return super()._write(op, table, apply, race)
        except HttpResponseError as exc:
            raise StorageError(str(exc)) from exc


def test_a_save_after_a_refused_settle_keeps_the_owed_move() -> None:
    """review24 N1: the add cut off after its row (owing +1); the next read's settle refused
    by storage (the row read as it is, still owing); a person then assigns the item: the save
    records the +1 before its write drops it."""
    _, plan, actions, _ = _world(_Refusing)  # counted once, a day ago
    _crash_after(plan, "insert", schema.ACTIONS)
    with pytest.raises(SimulatedCrash):
        actions.add_once(_item())
    plan.rule(lambda o, t: o == "get" and t == FIGURES, "http500")
    found = actions.get("C1", ID)  # settling refused: read as it stands
    assert found is not None and found[1] is not None
    assert _waiting(actions) == {}
    actions.save(replace(found[0], status=ActionStatus.ASSIGNED, assigned_to="anna"), found[1])
    assert _waiting(actions) == {KIND: 1}  # was {} for good: the +1 dropped with the row's
