"""C2's daily run finishing a claim whose confirm stopped, itself cut off (or raced) at each
of its writes, then run twice more: 420.00 booked once on H-1, the line booked and the item
closed. (failure12b's sweep probe; with the claims noted under their client, a note dropped
before its item was closed, or a settle lost to a writer that only touched the line, left the
item open or the line ``booking``.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.records import ActionStatus
from tests.faults.crashes import TABLE_WRITES, crash_after_write
from tests.faults.test_claimed_line_never_stuck import (
    _claimed_then_crashed,
    _daily_run,
    _item_status,
    _line,
    _payments,
)
from tests.support.faults import FaultyTableStore
from tests.unit.statements.test_pooled_known_payers import status


def _cut_at(k: int, kind: str) -> bool:
    """C2's claim finished by a daily run cut at its ``k``-th write, then two runs more; the
    outcome checked. False when the run made fewer than ``k`` writes (nothing was cut)."""
    world, item = _claimed_then_crashed()
    store = world.services.repos.banking.store
    assert isinstance(store, FaultyTableStore)
    plan = store.plan
    plan.rules = []
    cut = crash_after_write(plan, k, ops=TABLE_WRITES, kind=kind)
    try:
        _daily_run(world, "C2", datetime(2025, 3, 4, 5, 0, tzinfo=UTC))
    except BaseException:  # the worker died (SimulatedCrash) or storage failed
        pass
    plan.rules = []
    if k > cut.writes:
        return False
    _daily_run(world, "C2", datetime(2025, 3, 4, 6, 0, tzinfo=UTC))
    _daily_run(world, "C2", datetime(2025, 3, 5, 5, 0, tzinfo=UTC))
    assert (_payments(world, "C2"), _payments(world, "C3")) == ([42_000], []), k
    assert (status(world, "C2", "H-1"), _line(world, item).status) == ("paid", "booked"), k
    assert _item_status(world, item) is ActionStatus.RESOLVED, k
    return True


@pytest.mark.parametrize("kind", ["crash_after", "timeout_after", "http500", "race"])
def test_a_cut_off_sweep_is_finished_by_the_next_run(kind: str) -> None:
    k = 1
    while _cut_at(k, kind):  # every write of the run in turn, until the run made fewer
        k += 1
    assert k > 10, "the run's writes were not counted"
