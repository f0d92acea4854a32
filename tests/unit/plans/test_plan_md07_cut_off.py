"""standing15 #4: a bank's MD07 (debtor deceased) on a plan's collection, its handler cut off
after any storage write, still proposes the standing when the bank delivers it again.

The plans fixture's direct-debit plan (3 x 100.00 from 26-1-2026), its collection 1 submitted 21-1.
The bank's status report rejects it MD07, read 25-1 (filed 24-1, before the collection day: never booked,
the plan's service proposes the standing after the plan's save) or 3-2 (booked on 26-1: the
payment's reversal proposes it before the plan's save). The worker dies right after the n-th
storage write of the first delivery; the bank delivers the report again. Before, a cut after
the plan's save (state ``returned``) made the redelivery finish the debtor's and staff's
tellings only: D1 was never proposed deceased (no standing, no ``g|`` mark, no item), his plan
ran on and collection 2 was filed for a dead man."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.adapters.tables.invoices_repo import STANDING_ROW
from shared.domain.standing import Standing
from shared.services.plans.direct_debit import CONTAINER
from tests.support.faults import FaultPlan, SimulatedCrash
from tests.unit.api.conftest import World, make_world
from tests.unit.plans.test_plan_debit_returned_late import _days
from tests.unit.plans.test_plan_service import BASE, seeded
from tests.unit.plans.test_sepa_returns import _actions, _running_direct_debit, report

WRITES = ("transact", "insert", "replace", "upsert", "delete")


def _world(faults: FaultPlan) -> tuple[World, Any]:
    """The plans fixture's world, its services writing through ``faults``."""
    world, client = seeded(make_world(datetime(2026, 1, 5, 9, 0, tzinfo=UTC), faults))
    return world, client


def _nth_write(n: int, seen: list[int]) -> Any:
    def match(op: str, target: str) -> bool:
        if op not in WRITES:
            return False
        seen[0] += 1
        return seen[0] == n

    return match


def _md07(world: World, read_on: date) -> tuple[str, bytes]:
    """The plan's collection 1 filed (and, by 3-2, booked); the bank's MD07 rejection of it."""
    plan_id = _running_direct_debit(world)
    _days(world, date(2026, 1, 21), min(read_on, date(2026, 1, 26)))
    e2e = world.agency_a.call("GET", f"{BASE}/{plan_id}").body["direct_debits"][0]["end_to_end_id"]
    world.clock.at = datetime(read_on.year, read_on.month, read_on.day, 9, 0, tzinfo=UTC)
    [name] = sorted(world.services.files.names(CONTAINER))[:1]
    message_id = name.rsplit("-", 1)[-1].removesuffix(".xml")
    return plan_id, report(message_id, (e2e, "RJCT", "MD07"))


def _deliver(world: World, body: bytes) -> int:
    try:
        got = world.agency_a.call("POST", "/v1/clients/C1/direct-debits/status-reports", raw=body)
    except SimulatedCrash:
        return 0
    return int(got.status)


def _writes_of_one_delivery(read_on: date) -> int:
    faults = FaultPlan(enabled=True)
    world, _ = _world(faults)
    _, body = _md07(world, read_on)
    seen = [0]
    faults.rule(_nth_write(10**6, seen), "crash_after")
    assert _deliver(world, body) == 200
    return seen[0]


@pytest.mark.parametrize("read_on", [date(2026, 1, 25), date(2026, 2, 3)])
def test_an_md07_cut_off_after_any_write_is_proposed_on_redelivery(read_on: date) -> None:
    writes = _writes_of_one_delivery(read_on)
    assert writes > 5
    missed = []
    for n in range(1, writes + 1):
        faults = FaultPlan(enabled=True)
        world, client = _world(faults)
        plan_id, body = _md07(world, read_on)
        faults.rule(_nth_write(n, [0]), "crash_after")
        first = _deliver(world, body)
        assert faults.total == 1, n
        assert _deliver(world, body) == 200, (n, first)
        stored = world.services.repos.debtors.get(client.client_id, "D1")
        assert stored is not None
        standing = stored[0].standing
        plan = world.agency_a.call("GET", f"{BASE}/{plan_id}").body
        proposed = _actions(world, "debtor_standing_proposed")
        # a proposal cut off midway leaves its pending mark for the daily run to finish
        world.clock.at = datetime(read_on.year, read_on.month, read_on.day + 1, 5, 0, tzinfo=UTC)
        world.services._left_over(client)
        marks = world.services.repos.invoices.marks(client.client_id, STANDING_ROW)
        if (
            standing is None
            or standing.standing is not Standing.DECEASED
            or standing.confirmed
            or plan["status"] != "paused"
            or len(proposed) != 1
            or marks
        ):
            missed.append((n, standing, plan["status"], len(proposed), marks))
    assert missed == [], missed
