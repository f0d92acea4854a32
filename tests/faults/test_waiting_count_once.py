"""The Today page's waiting count under at-least-once delivery: an action item and its move of
the count are two writes (two tables, no transaction between them). A worker dying between
them, and the redelivery that follows, must leave the item counted exactly once: added, +1;
resolved, -1; never twice, never not at all (counts24)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.tables import schema
from shared.adapters.tables.figures_repo import FIGURES, FiguresRepository
from shared.adapters.tables.keys import encode
from shared.adapters.tables.memory import InMemoryTableStore
from shared.adapters.tables.records_repo import ActionRepository
from shared.domain.records import ActionItem, ActionStatus
from shared.ports.tables import Conflict, Row
from tests.support.faults import FaultPlan, FaultyTableStore, SimulatedCrash

AT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
KIND = "statement_quarantined"


class Clock:
    def __init__(self) -> None:
        self.at = AT

    def __call__(self) -> datetime:
        return self.at


def _item(action_id: str = "stmt-refused-S1") -> ActionItem:
    return ActionItem("C1", action_id, KIND, "Refused", AT)


def _world(
    store: type[FaultyTableStore] = FaultyTableStore,
) -> tuple[InMemoryTableStore, FaultPlan, ActionRepository, Clock]:
    inner = InMemoryTableStore()
    inner.ensure_tables([*schema.ALL_TABLES, FIGURES])
    plan = FaultPlan()
    clock = Clock()
    actions = ActionRepository(store(inner, plan), now=clock)
    clock.at = AT - timedelta(days=1)
    actions.figures.rebuild("C1", [], {}, {})  # counted once, a day ago: Today is in use
    clock.at = AT
    return inner, plan, actions, clock


def _crash_after(plan: FaultPlan, op: str, table: str) -> None:
    plan.rule(lambda o, t: o == op and t == table, "crash_after")


def _waiting(actions: ActionRepository) -> dict[str, int]:
    return actions.figures.read("C1").waiting_by_kind


def _built(actions: ActionRepository) -> bool:
    return actions.figures.read("C1").built


def test_a_crash_after_the_insert_is_counted_by_the_redelivery() -> None:
    _, plan, actions, _ = _world()
    _crash_after(plan, "insert", schema.ACTIONS)
    with pytest.raises(SimulatedCrash):
        actions.add_once(_item())
    assert _waiting(actions) == {}  # the first attempt died before its +1
    assert actions.add_once(_item()) is False  # the redelivery finds it there
    assert _waiting(actions) == {KIND: 1}
    assert actions.add_once(_item()) is False  # and a third delivery counts nothing more
    assert _waiting(actions) == {KIND: 1}
    assert _built(actions)  # healed in place, no recount of the whole client needed


def test_the_old_callers_conflict_heals_it_as_well() -> None:
    """``add`` raising Conflict (the callers that catch it themselves) heals the count too."""
    _, plan, actions, _ = _world()
    _crash_after(plan, "insert", schema.ACTIONS)
    with pytest.raises(SimulatedCrash):
        actions.add(_item())
    with pytest.raises(Conflict):
        actions.add(_item())
    assert _waiting(actions) == {KIND: 1}


def test_a_crash_after_the_count_moved_is_not_counted_twice() -> None:
    _, plan, actions, _ = _world()
    _crash_after(plan, "insert", FIGURES)  # the +1 landed; the item's mark never did
    with pytest.raises(SimulatedCrash):
        actions.add_once(_item())
    assert actions.add_once(_item()) is False
    assert _waiting(actions) == {KIND: 1}


def test_a_fold_between_the_crash_and_the_redelivery_does_not_count_it_twice() -> None:
    _, plan, actions, clock = _world()
    _crash_after(plan, "insert", FIGURES)
    with pytest.raises(SimulatedCrash):
        actions.add_once(_item())
    clock.at += timedelta(minutes=20)
    for _ in range(40):  # other changes, enough for the reader to fold them
        actions.figures.move_waiting("C1", "pooled_credit", 1)
    assert _waiting(actions) == {KIND: 1, "pooled_credit": 40}  # read, and folded
    assert _waiting(actions) == {KIND: 1, "pooled_credit": 40}
    assert actions.add_once(_item()) is False
    assert _waiting(actions) == {KIND: 1, "pooled_credit": 40}


def test_a_recount_between_the_crash_and_the_redelivery_does_not_count_it_twice() -> None:
    inner, plan, actions, clock = _world()
    _crash_after(plan, "insert", schema.ACTIONS)
    with pytest.raises(SimulatedCrash):
        actions.add_once(_item())
    clock.at += timedelta(minutes=1)
    actions.figures.rebuild("C1", [], {}, {KIND: 1})  # Today's recount button: it is waiting
    clock.at += timedelta(minutes=1)
    assert actions.add_once(_item()) is False
    figures = FiguresRepository(inner)
    if not figures.read("C1").built:  # an honest "count again" is fine as well
        figures.rebuild("C1", [], {}, {KIND: 1})
    assert figures.read("C1").waiting_by_kind == {KIND: 1}


def test_a_redelivery_after_the_window_has_the_sums_counted_again() -> None:
    """Past the window the count's own trace may be folded away: the item cannot tell whether
    its +1 landed, so the client's sums are marked for a recount (exact, from the items)."""
    _, plan, actions, clock = _world()
    _crash_after(plan, "insert", schema.ACTIONS)
    with pytest.raises(SimulatedCrash):
        actions.add_once(_item())
    clock.at += timedelta(days=2)
    assert actions.add_once(_item()) is False
    assert not _built(actions)


def test_a_crash_after_resolving_is_uncounted_by_the_retry() -> None:
    _, plan, actions, _ = _world()
    actions.add_once(_item())
    assert _waiting(actions) == {KIND: 1}
    _crash_after(plan, "replace", schema.ACTIONS)  # resolved; its -1 never recorded
    with pytest.raises(SimulatedCrash):
        actions.resolve_if_open("C1", "stmt-refused-S1", "done", AT)
    assert actions.resolve_if_open("C1", "stmt-refused-S1", "done", AT) is False  # the retry
    assert _waiting(actions) == {}
    assert actions.resolve_if_open("C1", "stmt-refused-S1", "done", AT) is False
    assert _waiting(actions) == {}
    assert _built(actions)


def test_a_crash_after_the_minus_one_is_not_uncounted_twice() -> None:
    _, plan, actions, _ = _world()
    actions.add_once(_item())
    actions.add_once(_item("other"))
    _crash_after(plan, "insert", FIGURES)
    with pytest.raises(SimulatedCrash):
        actions.resolve_if_open("C1", "stmt-refused-S1", "done", AT)
    assert actions.resolve_if_open("C1", "stmt-refused-S1", "done", AT) is False
    assert _waiting(actions) == {KIND: 1}  # "other" still waits


def test_a_person_reading_an_item_left_half_resolved_finishes_its_count() -> None:
    """Any reader of the item settles it: a caller's own get-then-save retry sees it resolved."""
    _, plan, actions, _ = _world()
    actions.add_once(_item())
    found = actions.get("C1", "stmt-refused-S1")
    assert found is not None and found[1] is not None
    done = replace(found[0], status=ActionStatus.RESOLVED, resolved_at=AT, resolution="done")
    _crash_after(plan, "replace", schema.ACTIONS)
    with pytest.raises(SimulatedCrash):
        actions.save(done, found[1])
    again = actions.get("C1", "stmt-refused-S1")
    assert again is not None and again[0].status is ActionStatus.RESOLVED
    assert _waiting(actions) == {}


def test_rows_written_before_the_change_read_as_counted() -> None:
    """An item row of the old layout (no owed move) moves nothing when read or resolved."""
    inner, _, actions, _ = _world()
    old = ActionRepository.to_row(_item())
    inner.insert(schema.ACTIONS, old)
    actions.figures.move_waiting("C1", KIND, 1)  # how the old add counted it
    assert actions.add_once(_item()) is False
    assert _waiting(actions) == {KIND: 1}
    assert actions.resolve_if_open("C1", "stmt-refused-S1", "done", AT) is True
    assert _waiting(actions) == {}


def test_the_normal_add_and_resolve_leave_no_owed_move_on_the_row() -> None:
    inner, _, actions, _ = _world()
    actions.add_once(_item())
    actions.resolve_if_open("C1", "stmt-refused-S1", "done", AT)
    row = inner.get(schema.ACTIONS, encode("C1"), "stmt-refused-S1")
    assert isinstance(row, Row) and not row.data.get("CountOwed")
    assert _waiting(actions) == {}


def test_a_redelivery_that_cannot_read_the_item_still_hears_it_is_there() -> None:
    _, plan, actions, _ = _world()
    _crash_after(plan, "insert", schema.ACTIONS)
    with pytest.raises(SimulatedCrash):
        actions.add_once(_item())
    plan.rule(lambda o, t: o == "get" and t == schema.ACTIONS, "reset")
    assert actions.add_once(_item()) is False
    assert _waiting(actions) == {}  # still one short: the next reader of the item settles it
    assert actions.get("C1", "stmt-refused-S1") is not None
    assert _waiting(actions) == {KIND: 1}
