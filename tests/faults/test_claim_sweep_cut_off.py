"""C2's daily run finishing a claim whose confirm stopped, itself cut off (or raced) at each
of its writes, then run twice more: 420.00 booked once on H-1, the line booked and the item
closed. (failure12b's sweep probe; with the claims noted under their client, a note dropped
before its item was closed, or a settle lost to a writer that only touched the line, left the
item open or the line ``booking``.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.records import ActionStatus
from tests.faults.test_claimed_line_never_stuck import (
    _claimed_then_crashed,
    _daily_run,
    _item_status,
    _line,
    _payments,
)
from tests.support.faults import FaultyTableStore, Rule
from tests.unit.statements.test_pooled_known_payers import status

WRITES = ("insert", "upsert", "replace", "delete", "transact")


@pytest.mark.parametrize("kind", ["crash_after", "timeout_after", "http500", "race"])
@pytest.mark.parametrize("k", range(1, 22))
def test_a_cut_off_sweep_is_finished_by_the_next_run(k: int, kind: str) -> None:
    world, item = _claimed_then_crashed()
    store = world.services.repos.banking.store
    assert isinstance(store, FaultyTableStore)
    plan = store.plan
    writes = {"n": 0}

    def nth_write(op: str, _target: str) -> bool:
        writes["n"] += op in WRITES
        return op in WRITES and writes["n"] == k

    plan.rules = [Rule(nth_write, kind)]
    try:
        _daily_run(world, "C2", datetime(2025, 3, 4, 5, 0, tzinfo=UTC))
    except BaseException:  # the worker died (SimulatedCrash) or storage failed
        pass
    plan.rules = []
    if k > writes["n"]:
        pytest.skip("the run has fewer writes")
    _daily_run(world, "C2", datetime(2025, 3, 4, 6, 0, tzinfo=UTC))
    _daily_run(world, "C2", datetime(2025, 3, 5, 5, 0, tzinfo=UTC))
    assert (_payments(world, "C2"), _payments(world, "C3")) == ([42_000], [])
    assert (status(world, "C2", "H-1"), _line(world, item).status) == ("paid", "booked")
    assert _item_status(world, item) is ActionStatus.RESOLVED
