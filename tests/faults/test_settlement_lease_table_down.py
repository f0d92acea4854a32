"""failure33: Table Storage refuses every write, of every table, from the moment the settlement
run's lease is written (failure32's left-over: "if Table Storage is down entirely the lease
cannot be released"). The build fails, its lease cannot be dropped, and the host's retry finds
the run leased by another holder: it queues a copy for after the lease and completes. The copy
comes back once the lease has expired, cannot renew it (refused), so every later delivery
meets the storage error itself: after five the message is poison naming it. The loop ends
after one lease; no payout file is made during the outage, and the replay finishes the run
with each payout once. Reads refused too (storage away entirely) fail each delivery at once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.tables.settlement_repo import RUNS
from tests.faults.crashes import TABLE_WRITES as WRITES
from tests.faults.test_plans_and_settlement_under_faults import _settlement_world
from tests.faults.test_settlement_outage_poison import (
    DAY,
    _transfers,
    replayed_settles_each_client_once,
)
from tests.unit.settlement.conftest import payment

READS = ("get", "get_many", "query")


@pytest.mark.parametrize(("kind", "reads"), [("http500", False), ("timeout", False),
                                             ("reset", True)])  # fmt: skip
def test_a_settlement_run_whose_lease_cannot_be_dropped_still_reaches_poison(kind, reads):
    world = _settlement_world(0, 0.0)
    services = world.services
    for c in services.repos.clients.all():
        services.repos.payments.add(payment(c.client_id, f"p-{c.number}", DAY))
    down = {"on": False}

    def refused(op: str, table: str) -> bool:
        if down["on"]:
            return op in WRITES or (reads and op in READS)
        if op == "replace" and table == RUNS and world.plan.enabled:
            down["on"] = True  # this write (the lease) lands; everything after is refused
        return False

    rule = world.plan.rule(refused, kind, times=10**6)
    runs_at: list[datetime] = []
    world.host.before_invoke = lambda job: (
        runs_at.append(world.clock.now()) if job.queue == "settlement-run" else None
    )
    world.plan.enabled = True
    day = DAY + timedelta(days=1)
    world.clock.at = datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)
    world.host.timer(services.settlement_runs.fan_out)
    world.host.run_until(world.clock.now() + timedelta(hours=6))
    assert down["on"]
    world.plan.enabled = False
    rule.times = 0
    assert sum(world.host.poisoned.values()) == 1, world.host.poisoned
    # the message, its copy after the lease (5 minutes), and that copy's retries: minutes
    assert len(runs_at) <= 1 + 5 + 5 and runs_at[-1] - runs_at[0] < timedelta(minutes=30), runs_at
    assert _transfers(world) == Counter()
    world.host.run_until(world.clock.now() + timedelta(hours=1))  # the drain
    replayed_settles_each_client_once(world, kind)
