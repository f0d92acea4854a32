"""failure31 F3: a client's run reads a bounded number of due schedule rows (5,000); after an
outage more were due, and the rest waited for the next day's run, a day late each. The run
now puts a follow-up job on the queue that goes on after the last row it read, until none is
left; a follow-up delivered twice, or a chunk retried after a cut, queues no second chain.

Story of tests/unit/dunning/test_daily_run.py (D1 F1 + F2, D2 F3, due 10-3-2025, the reminder
7 days after), with D3 to D6 one invoice each, and a run that reads 2 rows a job."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from shared.adapters.tables.keys import encode
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import engine as engine

DAY = date(2025, 3, 17)


def _backlog(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    more = [debtor_row(f"D{n}") for n in range(3, 7)]
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": more}).status == 200
    rows = [invoice_row(f"F{n + 1}", f"D{n}", due_date="2025-03-10") for n in range(3, 7)]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status == 200
    services = world.services
    # the import's row handed out on the day it came: each invoice its row for 17-3
    world.clock.at = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    client_id = services.access.client_for(services.access.authenticate(a.key), "C1").client_id
    services.dunning.run_client(client_id, date(2025, 3, 3))
    services.messaging.queues.take("dunning-run")
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
    services.dunning.due_per_job = 2
    return client_id


def _jobs(world) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    return [json.loads(j.body) for j in world.services.messaging.queues.take("dunning-run")]


def _reminded(world, client_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    outbox = world.services.messaging.outbox
    return sorted(m.debtor_number for m, _ in outbox.with_prefix(client_id, "dun|"))


@pytest.mark.parametrize("twice", [False, True], ids=["once", "each-job-twice"])
def test_a_backlog_is_worked_the_same_day(engine, twice: bool) -> None:
    world, _ = engine
    client_id = _backlog(world)
    dunning = world.services.dunning
    assert dunning.run_client(client_id, DAY) is not None
    followed = 0
    jobs = _jobs(world)
    while jobs:
        assert len(jobs) == 1, jobs  # one chain, however often a job came
        job = jobs[0]
        assert job["client_id"] == client_id and job["date"] == DAY.isoformat() and job["after"]
        for _ in range(2 if twice else 1):
            dunning.run_client(client_id, DAY, 0, 1, after=str(job["after"]))
        followed += 1
        jobs = _jobs(world)
    # 7 rows, 2 a job: the first job and three follow-ups (a second delivery of a job reads
    # on past the rows the first moved: its follow-up finds less left)
    assert followed == 3 or (twice and 1 <= followed < 3)
    assert _reminded(world, client_id) == ["D1", "D2", "D3", "D4", "D5", "D6"]
    assert not world.services.repos.dunning.due(client_id, DAY)
    marks = world.services.repos.store.query(
        "DunningSchedule", pk=encode(client_id), rk_range=("~more|", "~more|\U0010ffff")
    )
    assert not marks.rows  # the chain's last job took the day's marks away


def test_a_day_without_a_backlog_queues_no_follow_up(engine) -> None:
    world, _ = engine
    client_id = _backlog(world)
    world.services.dunning.due_per_job = 7
    assert world.services.dunning.run_client(client_id, DAY) is not None
    assert _jobs(world) == []
    assert _reminded(world, client_id) == ["D1", "D2", "D3", "D4", "D5", "D6"]
