"""failure7 finding 7: a monthly client's settlement job of 30 November that poisoned (storage out
that morning) and is replayed by the operator on 3 December, after the 1 December run settled the
client for December. Before, the replay settled the client again (the new days' payments, under period
2026-11) and moves the client's balance back to period 2026-11, so the 4 December run settles it a
third time: three payouts in a month for a client whose agreement says monthly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from azure.core.exceptions import ServiceRequestError

from shared.domain.parties import Agency
from shared.domain.settlement.agreement import Frequency, SettlementAgreement
from tests.faults.world import build
from tests.unit.api.conftest import client_row
from tests.unit.settlement.conftest import PAYOUT_C1, THIRD_PARTY, payment


def test_a_replayed_settlement_job_of_last_month_settles_nothing_again():
    world = build(0, 0.0)
    s = world.services
    s.repos.agencies.save(Agency("agency-a", "A", THIRD_PARTY))
    world.api.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    client = next(iter(s.repos.clients.all()))
    s.settlements.store.save_agreement(
        SettlementAgreement(
            client.client_id,
            "agency-a",
            PAYOUT_C1,
            "C1 BV",
            frequency=Frequency.MONTHLY,
            commission_bp=1000,
        )
    )
    real = world.host.handlers["settlement-run"]
    outage = {"on": False}

    def run(job):
        if outage["on"]:
            raise ServiceRequestError("storage unreachable")
        real(job)

    world.host.handlers["settlement-run"] = run
    start = date(2026, 11, 26)
    for n in range(12):
        day = start + timedelta(days=n)
        world.clock.at = datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)
        s.repos.payments.add(payment(client.client_id, f"p-{n}", day - timedelta(days=1)))
        outage["on"] = day == date(2026, 11, 30)
        world.host.timer(s.settlement_runs.fan_out)
        world.host.run_until(world.clock.now() + timedelta(hours=6))
        outage["on"] = False
        if day == date(2026, 12, 3):  # the operator replays what the outage set aside
            s.poison.replay_all(None, "operator")
            world.host.run_until(world.clock.now() + timedelta(hours=6))
    settlements = []
    for r in s.settlements.store.runs("agency-a"):
        for st in s.settlements.store.settlements_of_run("agency-a", r.run_id):
            settlements.append(
                (r.run_id, st.period, st.payment_count, st.created_at.date().isoformat())
            )
    settlements.sort()
    december = [x for x in settlements if x[3] >= "2026-12-01"]  # made in December
    assert {x[1] for x in december} == {"2026-12"}  # never the month before again
    assert len(december) == 1, (
        f"a monthly client settled {len(december)} times in Dec 1-7: {december}"
    )
