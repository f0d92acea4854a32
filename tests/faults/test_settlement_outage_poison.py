"""failure32 #3: Table Storage refuses every write of the clients' settlements (a 500 after the
SDK's retries, a timeout, a reset) for all deliveries of the settlement run's message: the run
is not taken for done. The message goes back each time, then to the poison queue, whose item
says why; no payout file is made; the operator's replay after the outage finishes the run with
one payout per client and each payout once in the pain.001."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.settlement.records import RunStatus
from tests.faults.checks import all_actions
from tests.faults.test_plans_and_settlement_under_faults import _settlement_world
from tests.unit.settlement.conftest import payment

DAY = date(2026, 11, 2)
SAID = {"http500": "500 InternalError", "timeout": "read timed out", "reset": "connection reset"}


def _transfers(world) -> Counter[str]:
    out: Counter[str] = Counter()
    for name in world.files.names("settlements"):
        if name.endswith(".xml"):
            body = (world.files.get("settlements", name) or b"").decode()
            out.update(re.findall(r"<EndToEndId>([^<]+)</EndToEndId>", body))
    return out


@pytest.mark.parametrize("kind", sorted(SAID))
def test_a_settlement_run_storage_keeps_refusing_goes_to_poison_and_finishes_on_replay(kind):
    world = _settlement_world(0, 0.0)
    services = world.services
    for c in services.repos.clients.all():
        services.repos.payments.add(payment(c.client_id, f"p-{c.number}", DAY))
    refuse = world.plan.rule(lambda op, table: op in ("insert", "replace", "upsert")
                             and table == "ClientSettlements", kind, times=10**6)  # fmt: skip
    world.plan.enabled = True
    day = DAY + timedelta(days=1)
    world.clock.at = datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)
    world.host.timer(services.settlement_runs.fan_out)
    world.host.run_until(world.clock.now() + timedelta(hours=6))
    world.plan.enabled = False
    refuse.times = 0
    assert sum(world.host.poisoned.values()) == 1, world.host.poisoned
    assert _transfers(world) == Counter()  # no payout file of a run not built
    replayed_settles_each_client_once(world, kind)


def replayed_settles_each_client_once(world, kind: str) -> None:
    """The one poison item names the storage error; its replay builds the run: one settlement
    and one payout a client, no run left building, nothing queued."""
    services = world.services
    poison = [x for x in all_actions(world) if x.kind == "poison"]
    assert len(poison) == 1, poison
    assert SAID[kind] in str(poison[0].detail), poison[0].detail
    services.poison.replay(poison[0].client_id, poison[0].action_id, "operator")
    world.host.run_until(world.clock.now() + timedelta(hours=6))
    store = services.settlements.store
    runs = store.runs("agency-a")
    per_client = Counter(
        s.client_number for r in runs for s in store.settlements_of_run("agency-a", r.run_id)
    )
    assert per_client == {"C1": 1, "C2": 1}
    transfers = _transfers(world)
    assert sum(transfers.values()) == 2 and max(transfers.values()) == 1, transfers
    assert [r.status for r in runs if r.status is RunStatus.BUILDING] == []
    assert world.host.pending == []
