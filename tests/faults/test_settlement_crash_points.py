"""failure32 #2: the settlement run cut off after each of its writes in turn (a crash of the
worker), then run again as the host does (its retry, the next day's run): one settlement and
one payout per client, every payment settled once, and the run's pain.001 names each payout
once (not doubled by the rerun)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from shared.adapters.tables.settlement_repo import SETTLED_PAYMENTS
from shared.domain.settlement.records import RunStatus
from shared.ports.tables import all_rows
from tests.faults.crashes import crash_after_write
from tests.faults.figures import FIGURES
from tests.faults.test_plans_and_settlement_under_faults import _settlement_world
from tests.faults.world import FaultWorld
from tests.unit.settlement.conftest import payment

DAY = date(2026, 11, 2)


def _run(crash_at: int | None) -> tuple[FaultWorld, int]:
    world = _settlement_world(0, 0.0)
    services = world.services
    for c in services.repos.clients.all():
        for n in range(2):
            services.repos.payments.add(payment(c.client_id, f"p-{c.number}-{n}", DAY))
    cut = crash_after_write(world.plan, crash_at)
    world.plan.enabled = True
    for n in range(1, 3):  # the run of the next day, then the day after (a rerun)
        day = DAY + timedelta(days=n)
        world.clock.at = datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)
        world.host.timer(services.settlement_runs.fan_out)
        world.host.run_until(world.clock.now() + timedelta(hours=6))
        world.plan.enabled = False
    world.host.run_until(world.clock.now() + timedelta(days=2))
    return world, cut.writes


def _outcome(world: FaultWorld) -> dict[str, object]:
    store = world.services.settlements.store
    runs = store.runs("agency-a")
    per_client: Counter[str] = Counter()
    transfers: Counter[str] = Counter()
    for r in runs:
        for s in store.settlements_of_run("agency-a", r.run_id):
            per_client[s.client_number] += 1
    for name in world.files.names("settlements"):
        if name.endswith(".xml"):
            body = (world.files.get("settlements", name) or b"").decode()
            transfers.update(re.findall(r"<EndToEndId>([^<]+)</EndToEndId>", body))
    claims = Counter((r.pk, r.rk) for r in all_rows(world.store, SETTLED_PAYMENTS))
    return {
        "settlements per client": dict(per_client),
        "transfers twice": sorted(k for k, v in transfers.items() if v > 1),
        "transfers": sum(transfers.values()),
        "claims": sum(claims.values()),
        "claimed twice": sorted(k for k, v in claims.items() if v > 1),
        "half built": [r.run_id for r in runs if r.status is RunStatus.BUILDING],
        "leased": len(world.host.pending),
    }


def test_a_crash_after_any_write_of_the_settlement_run_pays_each_client_out_once() -> None:
    world, writes = _run(None)
    expected = _outcome(world)
    assert writes > 5
    assert expected["settlements per client"] == {"C1": 1, "C2": 1}
    assert expected["transfers"] == 2 and expected["claims"] == 4
    for k in range(1, writes + 1):
        got = _outcome(_run(k)[0])
        FIGURES["crash points replayed"] += 1
        assert got == expected, (k, got)
