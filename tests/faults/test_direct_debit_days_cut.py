"""A direct-debit plan's days 21-1..28-1-2026 (filed 21-1, file built 24-1, booked 26-1) with
each storage write of each day cut in turn (crash_after: the write lands, the worker dies). A
crash in a plan job: the queue message comes back; a crash in the timer's fan_out: no retry
that day, the next day's timer goes on. Every cut ends with the uncut run's money: the same
collection, booked once, in one file with its upload item (failure16 R2: the cut after the
collection row lost the file and the item, yet booked 100.00 as collected). Not compared: the
plan's timeline and the contact log, where a cut right after an entry repeats it (a duplicate
line is better than a payment never logged: payments.py ``_finish``)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.services.plans.direct_debit import CONTAINER
from tests.faults.crashes import TABLE_WRITES, WriteCount, crash_after_write
from tests.support.faults import FaultPlan, SimulatedCrash
from tests.unit.api.conftest import make_world
from tests.unit.plans.test_plan_service import BASE, seeded
from tests.unit.plans.test_sepa_returns import _running_direct_debit

DAYS = [date(2026, 1, 21) + timedelta(days=i) for i in range(8)]
COSMETIC = {"timeline", "contacts"}  # a cut right after an entry may repeat it


def _day(world: Any, on: date) -> None:
    world.clock.at = datetime(on.year, on.month, on.day, 6, 30, tzinfo=UTC)
    s = world.services
    try:
        s.plans.fan_out()
    except SimulatedCrash:
        pass  # a timer: not retried
    for job in s.messaging.queues.take("installments"):
        body = json.loads(job.body)
        args = (body["client_id"], body["plan_id"], date.fromisoformat(body["on"]),
                date.fromisoformat(body["row_on"]))  # fmt: skip
        for _ in range(3):
            try:
                s.plans.process(*args)
                break
            except SimulatedCrash:
                continue  # the message comes back
    s.messaging.queues.take("send-email")


def _state(world: Any, plan_id: str) -> dict[str, Any]:
    a = world.agency_a
    got = a.call("GET", f"{BASE}/{plan_id}").body
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    contacts = sorted(
        c.summary.replace(plan_id, "PL")
        for c in world.services.repos.contacts.between(client.client_id)
    )
    files = world.services.files.names(CONTAINER)
    xml = [world.services.files.get(CONTAINER, n).count(b"<DrctDbtTxInf>") for n in files]
    return {
        "debits": [(d["state"], d["collection_date"], d["amount"]) for d in got["direct_debits"]],
        "paid": [i["paid"] for i in got["installments"]],
        "status": got["status"],
        "timeline": sorted(str(t.get("kind") or t.get("event") or t) for t in got["timeline"]),
        "items": sorted(x["kind"] for x in items),
        "contacts": contacts,
        "files": xml,
    }


def _run(day_cut: date | None, k: int | None) -> tuple[dict[str, Any], WriteCount]:
    plan = FaultPlan()
    cut = crash_after_write(plan, k, ops=TABLE_WRITES)
    cut.counting = False  # the plan's set-up and the days before are not cut
    world, _ = seeded(make_world(faults=plan))
    plan_id = _running_direct_debit(world)
    for on in DAYS:
        cut.counting = on == day_cut
        _day(world, on)
    cut.counting = False
    return _state(world, plan_id), cut


def test_every_cut_of_a_direct_debit_plans_days_ends_with_the_same_money() -> None:
    uncut, _ = _run(None, None)
    assert uncut["debits"] == [("collected", "2026-01-26", "100.00")] and uncut["files"] == [1]
    bad = []
    for on in DAYS:
        k = 1
        while True:
            got, cut = _run(on, k)
            if cut.hit is None:
                break
            diff = {
                f: (uncut[f], got[f]) for f in uncut if f not in COSMETIC and got[f] != uncut[f]
            }
            if diff:
                bad.append((on.isoformat(), k, cut.hit, diff))
            k += 1
    assert not bad, bad
