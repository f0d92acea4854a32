"""The no-workflow item written, the host stops before the debtors' waiting marks (failure10
F6): the redelivered run and the daily runs after it tell staff once, not again a week later."""

from __future__ import annotations

from shared.adapters.tables.dunning_repo import WAITING
from shared.ports.tables import StorageError
from tests.unit.dunning.test_told_after_a_failed_write import _run_day
from tests.unit.dunning.test_waiting_for_workflow import _imported_first, _items


def test_a_crash_between_the_item_and_the_marks_tells_once(world):
    world, client = _imported_first(world)
    dunning = world.services.dunning.repos.dunning
    real = dunning.mark_once
    failed: list[str] = []

    def mark_once(client_id, key):  # type: ignore[no-untyped-def]
        if key.startswith(WAITING) and not failed:
            failed.append(key)
            raise StorageError("503 server busy")
        return real(client_id, key)

    dunning.mark_once = mark_once  # type: ignore[method-assign]
    _run_day(world)
    assert failed and len(_items(world, client)) == 1
    for _ in range(15):  # two weeks of daily runs; nothing changed for the debtor
        world.clock.advance(days=1)
        _run_day(world)
    items = _items(world, client)
    assert len(items) == 1  # told once
