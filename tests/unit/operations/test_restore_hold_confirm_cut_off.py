"""failure27 F1: ``inning restore-hold confirm`` cut off after it wrote the confirmed marker
and before it resolved the agencies' ``restore_hold`` items (or a 500 that was applied): the
operator's retry found the hold no longer active and returned, so the items stayed open for
good while money moved again. The retry now resolves them, in the first confirmation's words."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.tables.memory import InMemoryTableStore
from shared.adapters.tables.records_repo import ActionRepository
from shared.adapters.tables.schema import ALL_TABLES
from shared.clock import FixedClock
from shared.domain.scopes import agency_scope
from shared.ports.tables import Row
from shared.services.operations.money_hold import (
    HOLD_PK,
    HOLD_RK,
    HOLD_TABLE,
    MoneyHold,
    hold_entity,
)

AT = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
AGENCIES = ("agency-a", "agency-b")


class CutAfterFirstResolve(ActionRepository):
    """The worker dies at the first item it resolves (after the marker was written)."""

    cut = True

    def resolve_if_open(self, *args: Any, **kwargs: Any) -> bool:
        if self.cut:
            raise RuntimeError("worker killed")
        return super().resolve_if_open(*args, **kwargs)


def test_a_confirm_cut_off_before_its_items_resolves_them_when_run_again() -> None:
    store = InMemoryTableStore()
    store.ensure_tables(ALL_TABLES)
    clock = FixedClock(AT)
    actions = CutAfterFirstResolve(store, clock.now)
    marker = hold_entity("2026-11-30", AT, "ops")
    store.upsert(HOLD_TABLE, Row(HOLD_PK, HOLD_RK, {
        k: v for k, v in marker.items() if k not in ("PartitionKey", "RowKey")}))  # fmt: skip
    hold = MoneyHold(store, lambda: list(AGENCIES), actions, clock)
    assert hold.stops("settlement run")  # each agency's list says it
    items = [(agency_scope(a), f"restore-hold-{hold.current().hold_id}") for a in AGENCIES]  # type: ignore[union-attr]
    assert all(actions.get(*key)[0].status.value == "open" for key in items)  # type: ignore[index]

    clock.advance(hours=1)
    with pytest.raises(RuntimeError):
        hold.confirm("Anna", "bank reconciled to 30-11")
    current = hold.current()
    assert current is not None and not current.active  # the marker was written

    actions.cut = False
    again = hold.confirm("Anna", "bank reconciled to 30-11")  # the operator's retry
    assert again.confirmed_by == "Anna"
    for key in items:
        found = actions.get(*key)
        assert found is not None and found[0].status.value != "open", key


class ConfirmedMeanwhile(ActionRepository):
    """The operator's confirm lands between a run's read of the hold and its items."""

    confirm: Any = None

    def add_once(self, item: Any) -> bool:
        if self.confirm is not None:
            confirm, self.confirm = self.confirm, None
            confirm()
        return super().add_once(item)


def test_a_run_held_just_before_the_confirm_leaves_no_item_open() -> None:
    """failure27 F2: a run read the hold as standing, the confirm resolved the items there
    were (none), then the run told every agency: those items stayed open for good."""
    store = InMemoryTableStore()
    store.ensure_tables(ALL_TABLES)
    clock = FixedClock(AT)
    actions = ConfirmedMeanwhile(store, clock.now)
    marker = hold_entity("2026-11-30", AT, "ops")
    store.upsert(HOLD_TABLE, Row(HOLD_PK, HOLD_RK, {
        k: v for k, v in marker.items() if k not in ("PartitionKey", "RowKey")}))  # fmt: skip
    hold = MoneyHold(store, lambda: list(AGENCIES), actions, clock)
    operator = MoneyHold(store, lambda: list(AGENCIES), ActionRepository(store, clock.now), clock)
    actions.confirm = lambda: operator.confirm("Anna", "bank reconciled to 30-11")
    assert hold.stops("settlement run")  # it had read the hold standing: this run waits
    current = hold.current()
    assert current is not None and not current.active
    for agency in AGENCIES:
        found = actions.get(agency_scope(agency), f"restore-hold-{current.hold_id}")
        assert found is not None and found[0].status.value != "open", agency
    assert not hold.stops("settlement run")  # the next run goes
