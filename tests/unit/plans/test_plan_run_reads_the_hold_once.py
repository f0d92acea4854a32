"""The restore's money hold is read once per installment run, by the plan service (plans27).

Before: ``functions/installments.py`` read the hold marker for the timer and again for every
plan's queue message: a run of 2 plans read it 3 times; under a hold each message logged the
error again and asked every agency's list once more. Now the fan-out reads it and the run's
jobs take its answer: 1 read. Nothing is collected while held: the timer queues nothing, and a
message queued before the hold works nothing (the plan keeps its calendar row)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import azure.functions as func
import pytest

from shared import bootstrap
from shared.ports.tables import Row
from shared.services.operations.money_hold import (
    HOLD_PK,
    HOLD_RK,
    HOLD_TABLE,
    MoneyHold,
    hold_entity,
)
from tests.unit.plans.test_plan_service import BASE, make
from tests.unit.plans.test_plan_service import plans as plans
from tools.devhost.invoke import LocalContext

ON = date(2026, 1, 28)  # installment 1's reminder day (3 days before 31-1)


def _two_plans(world: Any) -> list[str]:
    a = world.agency_a
    ids = [
        make(a).body["plan_id"],
        make(a, debtor="D2", invoices=["F3"], installments=2).body["plan_id"],
    ]
    for plan_id in ids:
        assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    return ids


def _timer_and_jobs(world: Any) -> list[bytes]:
    from functions.installments import installment_run, process_installments

    world.clock.at = datetime(ON.year, ON.month, ON.day, 6, 30, tzinfo=UTC)
    installment_run(None, LocalContext("timer"))  # type: ignore[arg-type]  # timer unread
    bodies = [job.body for job in world.services.messaging.queues.take("installments")]
    for body in bodies:
        process_installments(func.QueueMessage(id="m", body=body), LocalContext("job"))
    return [b.encode() if isinstance(b, str) else b for b in bodies]


@pytest.fixture
def reads(plans: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[int]]:
    world, _ = plans
    monkeypatch.setattr(bootstrap, "_services", world.services)
    counted: list[int] = []
    current = MoneyHold.current

    def counting(self: MoneyHold) -> Any:
        counted.append(1)
        return current(self)

    monkeypatch.setattr(MoneyHold, "current", counting)
    return world, counted


def test_a_run_reads_the_hold_once_and_works_every_plan(reads: tuple[Any, list[int]]) -> None:
    world, counted = reads
    ids = _two_plans(world)
    bodies = _timer_and_jobs(world)
    assert len(bodies) == len(ids) == 2
    assert len(counted) == 1  # was 3: the timer, then each of the 2 plans' messages
    # the plans were worked: each one's reminder of installment 1 queued
    sent = [json.loads(m.body)["key"] for m in world.services.messaging.queues.take("send-email")]
    assert sorted(k.split("|")[1] for k in sent if "|remind|1@" in k) == sorted(ids)


def test_nothing_is_worked_while_a_restore_holds_the_money(reads: tuple[Any, list[int]]) -> None:
    world, counted = reads
    from functions.installments import process_installments

    ids = _two_plans(world)
    world.services.messaging.queues.take("send-email")  # their agreements
    marker = hold_entity("2026-01-27", datetime(2026, 1, 27, 8, tzinfo=UTC), "ops")
    data = {k: v for k, v in marker.items() if k not in ("PartitionKey", "RowKey")}
    world.store.upsert(HOLD_TABLE, Row(HOLD_PK, HOLD_RK, data))
    assert _timer_and_jobs(world) == []  # the timer queued nothing
    # a message queued before the restore: worked not at all, its plan left on the calendar
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    for plan_id in ids:
        job = {"client_id": client_id, "plan_id": plan_id, "on": ON.isoformat(),
               "row_on": ON.isoformat()}  # fmt: skip
        process_installments(func.QueueMessage(id="m", body=json.dumps(job).encode()),
                             LocalContext("job"))  # fmt: skip
    assert world.services.messaging.queues.take("send-email") == []
    # the timer's read, and its one look again after it first told the agencies (a confirm
    # meanwhile resolves what it told: failure27 F2); the jobs took its answer
    assert len(counted) == 2
    # both still on the calendar: the first timer after the confirm queues them again
    due = world.services.plans.plans.needing_attention(ON)
    assert sorted(plan_id for _, _, plan_id in due) == sorted(ids)
