"""``ActionRepository.add_once``: the item written once under its id, the Today page's
waiting count moved by the attempt that wrote it and by no other."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from shared.adapters.tables import schema
from shared.adapters.tables.figures_repo import FIGURES
from shared.adapters.tables.memory import InMemoryTableStore
from shared.adapters.tables.records_repo import ActionRepository
from shared.domain.records import ActionItem, ActionStatus
from shared.ports.tables import StorageError

AT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _item(title: str = "Refused") -> ActionItem:
    return ActionItem("C1", "stmt-refused-S1", "statement_quarantined", title, AT)


def _store() -> InMemoryTableStore:
    store = InMemoryTableStore()
    store.ensure_tables([*schema.ALL_TABLES, FIGURES])
    return store


def _waiting(actions: ActionRepository) -> dict[str, int]:
    return actions.figures.read("C1").waiting_by_kind


def test_the_first_attempt_adds_and_counts_a_second_finds_it_there() -> None:
    actions = ActionRepository(_store())
    assert actions.add_once(_item()) is True
    assert _waiting(actions) == {"statement_quarantined": 1}
    # a redelivery with other words: the first item stands as written, counted once
    assert actions.add_once(_item(title="Refused again")) is False
    assert _waiting(actions) == {"statement_quarantined": 1}
    found = actions.get("C1", "stmt-refused-S1")
    assert found is not None and found[0].title == "Refused"


def test_a_resolved_item_is_added_without_moving_the_count() -> None:
    actions = ActionRepository(_store())
    done = replace(_item(), status=ActionStatus.RESOLVED, resolved_at=AT, resolution="done")
    assert actions.add_once(done) is True
    assert actions.add_once(_item()) is False  # the waiting twin of a resolved item: not again
    assert _waiting(actions) == {}


def test_another_failure_is_raised_not_taken_for_already_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = _store()
    actions = ActionRepository(store)

    def down(*_: object) -> None:
        raise StorageError("storage is down")

    monkeypatch.setattr(store, "insert", down)
    with pytest.raises(StorageError):
        actions.add_once(_item())
    assert _waiting(actions) == {}
