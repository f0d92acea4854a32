"""A settlement worker that crashes mid-run leaves its lease; the host's retries (every 30 s,
five times) would all meet it and poison the job. The retry that meets another holder's lease
queues the job again to come back just after the lease ends, and that copy finishes the run
(failure review F8)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.settlement.records import RunStatus
from shared.services.settlement.runs import LEASE, RUN_QUEUE
from tests.faults.test_plans_and_settlement_under_faults import _settlement_world
from tests.support.faults import SimulatedCrash
from tests.unit.settlement.conftest import payment


def test_a_crashed_run_is_continued_once_its_lease_ends() -> None:
    world = _settlement_world(0, 0.0)
    services = world.services
    day = date(2026, 11, 2)
    for c in services.repos.clients.all():
        services.repos.payments.add(payment(c.client_id, f"p-{c.number}", day - timedelta(days=1)))
    crashed_at = datetime(2026, 11, 2, 4, 0, tzinfo=UTC)
    world.clock.at = crashed_at
    world.plan.enabled = True
    world.plan.rule(lambda op, target: op == "put" and target == "settlements", "crash_after")
    with pytest.raises(SimulatedCrash):  # delivery 1: the worker dies holding the lease
        services.settlement_runs.run_agency("agency-a", day)

    world.clock.at = crashed_at + timedelta(seconds=30)  # delivery 2, as the host retries
    assert services.settlement_runs.run_agency("agency-a", day) is None  # done with, no error
    [copy] = world.host.sender.sent
    assert copy.queue == RUN_QUEUE
    assert json.loads(copy.body) == {"agency_id": "agency-a", "date": "2026-11-02"}
    lease_left = (LEASE - timedelta(seconds=30)).total_seconds()
    assert lease_left < copy.delay_seconds <= lease_left + 10

    world.host.run_until(crashed_at + timedelta(minutes=10))  # the copy comes back
    found = services.settlements.store.run("agency-a", "R20261102")
    assert found is not None
    run = found[0]
    assert run.status is RunStatus.AWAITING_APPROVAL and run.leased_until is None
    assert not world.host.poisoned
    statements = services.settlements.store.settlements_of_run("agency-a", "R20261102")
    assert len(statements) == 2
