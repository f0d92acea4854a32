"""An action item the run owes staff is written before the mark that says it was written: a
storage fault on the item's write leaves no mark, so the redelivered job (below the dunning
minimum) or the debtor's next look (waiting for a workflow) still tells them, once (review
codereview9 F1: the mark stood and the item was never written)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from shared.ports.tables import StorageError
from tests.unit.dunning.test_daily_run import simulate
from tests.unit.dunning.test_dunning_minimum import _paid_late
from tests.unit.dunning.test_waiting_for_workflow import _imported_first, _items


def _failing_once(world, kind: str) -> list[object]:
    actions = world.services.dunning.repos.actions
    real, failed = actions.add, list[object]()

    def add(item):  # type: ignore[no-untyped-def]
        if item.kind == kind and not failed:
            failed.append(item)
            raise StorageError("503 server busy")
        return real(item)

    actions.add = add
    return failed


def test_the_below_minimum_item_is_written_by_the_redelivered_run(world):
    world, client = _paid_late(world)
    failed = _failing_once(world, "below_dunning_minimum")
    with pytest.raises(Exception):  # noqa: B017 - the run fails; the host delivers it again
        simulate(world, client, 1)
    simulate(world, client, 30)
    assert failed
    items, _ = world.services.repos.actions.list(client.client_id, kind="below_dunning_minimum")
    assert len(items) == 1


def _run_day(world) -> None:
    services = world.services
    services.dunning.fan_out()
    for job in services.messaging.queues.take("dunning-run"):
        body = json.loads(job.body)
        try:
            services.dunning.run_client(body["client_id"], date.fromisoformat(body["date"]))
        except StorageError:
            continue  # the host delivers it again; its retry finds nothing due today


def test_the_no_workflow_item_is_written_at_the_debtors_next_look(world):
    world, client = _imported_first(world)
    failed = _failing_once(world, "no_workflow")
    _run_day(world)
    assert failed and _items(world, client) == []
    for _ in range(8):  # the debtor is looked at again in a week
        world.clock.advance(days=1)
        _run_day(world)
    assert len(_items(world, client)) == 1
    world.clock.advance(days=timedelta(days=7).days)
    _run_day(world)
    assert len(_items(world, client)) == 1  # told once
