"""The console's job runner under at-least-once delivery: a finished job's message does
nothing, a crashed delivery resumes at the last checkpoint, of two deliveries at once the one
that loses the ETag race stops, bad input fails the job with a reason; and a person sees only
the jobs of clients in reach."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.console_jobs_repo import Job, JobRepository
from shared.adapters.tables.memory import InMemoryTableStore
from shared.clock import FixedClock
from shared.domain.people.authorisation import Role
from shared.services.console_jobs import JOBS_QUEUE, ConsoleJobs, JobFiles, JobInputError, Step
from shared.services.errors import NotFound
from tests.unit.console.conftest import desk_for
from tests.unit.console.money_support import text


@dataclass
class Counting:
    """Sums the numbers of its input, one number a step; can be told to crash at a step, or to
    let another delivery run in the middle of a step (a concurrent redelivery)."""

    worked: list[int] = field(default_factory=list)
    crash_at: int | None = None
    meanwhile: object = None

    def step(self, job: Job, data: bytes, files: JobFiles) -> Step:
        numbers = [int(x) for x in data.split()] if data.strip() != b"bad" else None
        if numbers is None:
            raise JobInputError("not numbers")
        if job.done == self.crash_at:
            self.crash_at = None
            raise RuntimeError("the instance died")
        if callable(self.meanwhile):
            other, self.meanwhile = self.meanwhile, None
            other()
        if job.done < len(numbers):
            self.worked.append(job.done)
            total = int(job.state.get("sum", 0)) + numbers[job.done]
            return Step(job.done + 1, len(numbers), {"sum": total})
        return Step(job.done, len(numbers), job.state, finished=True,
                    result=str(job.state["sum"]).encode(), result_name="sum.txt", result_type="text/plain")  # fmt: skip


def _jobs(work: Counting) -> tuple[ConsoleJobs, InMemoryQueueSender]:
    queues = InMemoryQueueSender()
    store = InMemoryTableStore()
    store.ensure_tables(["ConsoleJobs"])
    clock = FixedClock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
    return ConsoleJobs(
        JobRepository(store), InMemoryFileStore(), queues, clock, {"sum": lambda: work}
    ), queues


def test_a_job_runs_step_by_step_and_a_second_delivery_does_nothing():
    work = Counting()
    jobs, queues = _jobs(work)
    job = jobs.start("c1", "sum", "u1", b"1 2 3", total=3, title="numbers")
    (message,) = queues.take(JOBS_QUEUE)
    jobs.run_message(message.body)
    done = jobs.get("c1", job.job_id)
    assert (done.status, done.done, done.total, done.state) == ("done", 3, 3, {"sum": 6})
    assert jobs.result("c1", job.job_id) == (b"6", "sum.txt", "text/plain")
    jobs.run_message(message.body)  # redelivered
    assert work.worked == [0, 1, 2] and jobs.get("c1", job.job_id).etag == done.etag


def test_a_crashed_delivery_resumes_at_the_last_checkpoint():
    work = Counting(crash_at=2)
    jobs, queues = _jobs(work)
    job = jobs.start("c1", "sum", "u1", b"1 2 3 4", total=4, title="numbers")
    (message,) = queues.take(JOBS_QUEUE)
    with pytest.raises(RuntimeError):
        jobs.run_message(message.body)  # the host will deliver it again
    half = jobs.get("c1", job.job_id)
    assert (half.status, half.done, half.state) == ("running", 2, {"sum": 3})
    jobs.run_message(message.body)
    assert work.worked == [0, 1, 2, 3] and jobs.get("c1", job.job_id).state == {"sum": 10}


def test_of_two_deliveries_at_once_the_one_that_loses_the_race_stops():
    work = Counting()
    jobs, _ = _jobs(work)
    job = jobs.start("c1", "sum", "u1", b"5 6", total=2, title="numbers")
    work.meanwhile = lambda: jobs.run("c1", job.job_id)  # the other delivery, mid-step
    jobs.run("c1", job.job_id)
    final = jobs.get("c1", job.job_id)
    assert final.status == "done" and final.state == {"sum": 11}
    assert work.worked == [0, 1, 0]  # the late step's checkpoint was refused; it stopped


def test_unusable_input_fails_the_job_with_the_reason():
    jobs, _ = _jobs(Counting())
    job = jobs.start("c1", "sum", "u1", b"bad", total=1, title="numbers")
    jobs.run("c1", job.job_id)
    failed = jobs.get("c1", job.job_id)
    assert failed.status == "failed" and failed.error == "not numbers"
    with pytest.raises(NotFound):
        jobs.result("c1", job.job_id)
    with pytest.raises(NotFound):
        jobs.get("c2", job.job_id)  # the client is part of the key
    jobs.run("c1", "no-such-job")  # a message for a job that is gone is dropped


def test_a_person_sees_only_jobs_of_clients_in_reach(world, tenants):
    from datetime import date

    from shared.services.reports.service import job_input

    job = world.services.console_jobs.start(tenants.c2, "report", "u", job_input("usage", "csv", [tenants.c2],
                                            date(2025, 1, 1), date(2025, 1, 31)), total=2, title="usage")  # fmt: skip
    c1_staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert c1_staff.get(f"/jobs/{job.job_id}?client={tenants.c2}").status == 404
    assert c1_staff.get(f"/jobs/{job.job_id}/file?client={tenants.c2}").status == 404
    assert job.job_id not in text(c1_staff.get("/jobs"))
    c2_reader = desk_for(world, Role.READ_ONLY, tenants.c2, "r@c2.example")
    assert c2_reader.get(f"/jobs/{job.job_id}").status == 200
    assert job.job_id in text(c2_reader.get("/jobs"))
    agency = desk_for(world, Role.AGENCY_STAFF, None, "a@agency-a.example")
    assert agency.get(f"/jobs/{job.job_id}?client={tenants.c2}").status == 200


def test_a_stalled_job_can_be_started_again_by_a_writer(world, tenants):
    from datetime import date

    from shared.services.console_jobs import JOBS_QUEUE
    from shared.services.reports.service import job_input
    from tests.unit.console.conftest import csrf_of

    jobs = world.services.console_jobs
    job = jobs.start(tenants.c1, "report", "u", job_input("usage", "csv", [tenants.c1], date(2025, 1, 1),
                                                           date(2025, 1, 31)), total=2, title="usage")  # fmt: skip
    world.services.queues.take(JOBS_QUEUE)  # the message is lost (or ended in the poison queue)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    fresh = staff.get(f"/jobs/{job.job_id}?lang=en")
    assert fresh.headers.get("Refresh") == "2" and "Start again" not in text(fresh)
    world.clock.advance(minutes=11)
    stalled = staff.get(f"/jobs/{job.job_id}?lang=en")
    assert "Refresh" not in stalled.headers and "Start again" in text(stalled)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    form = {"csrf": csrf_of(reader.get(f"/jobs/{job.job_id}")), "do": "requeue"}
    assert reader.post(f"/jobs/{job.job_id}", form).status == 403
    assert world.services.queues.depth(JOBS_QUEUE) == 0
    again = staff.post(f"/jobs/{job.job_id}", {"csrf": csrf_of(stalled), "do": "requeue"})
    assert again.status == 303 and world.services.queues.depth(JOBS_QUEUE) == 1
    world.services.console_jobs.run_message(world.services.queues.take(JOBS_QUEUE)[0].body)
    assert jobs.get(tenants.c1, job.job_id).status == "done"


def test_a_job_not_stalled_is_refused_with_its_rule(world, tenants):
    """newcomer14b #2: "the job is not stalled" was a bare 409 (README: a 409 without a code
    means "retry"); it stands until the job stalls, so it names its code."""
    from shared.services.errors import ConflictingUpdate
    from shared.services.reports.service import job_input

    jobs = world.services.console_jobs
    asked = job_input("usage", "csv", [tenants.c1], date(2025, 1, 1), date(2025, 1, 31))
    job = jobs.start(tenants.c1, "report", "u", asked, total=2, title="usage")
    with pytest.raises(ConflictingUpdate) as refused:
        jobs.requeue(tenants.c1, job.job_id)
    assert refused.value.code == "job_not_stalled"


def test_an_invoice_import_repeated_after_a_crash_lists_each_rejected_row_once(
    world, tenants, monkeypatch
):
    from shared.services.batch import RowError
    from shared.services.imports import InvoiceDraft
    from shared.services.invoice_upload import Upload
    from tests.unit.console.money_support import with_debtors

    with_debtors(world, "C1", "D1")
    day = date(2025, 1, 1)
    rows = [
        (i, InvoiceDraft(f"N{i:03d}", "DX" if i % 100 == 0 else "D1", day, day, 100))
        for i in range(600)
    ]
    upload = Upload(
        "f.csv", rows, [RowError(600, "amount", "not an amount")]
    )  # refused in the preview
    jobs = world.services.console_jobs
    job = jobs.start(tenants.c1, "invoice-import", "u", upload.dump(), total=600, title="f.csv")
    save: Callable[[Job], Job] = jobs.jobs.save
    calls: list[int] = []

    def dies_once(j: Job) -> Job:
        calls.append(j.done)
        if len(calls) == 2:
            raise RuntimeError("the instance died after the chunk, before its checkpoint")
        return save(j)

    monkeypatch.setattr(jobs.jobs, "save", dies_once)
    with pytest.raises(RuntimeError):
        jobs.run(tenants.c1, job.job_id)
    assert jobs.get(tenants.c1, job.job_id).done == 250
    jobs.run(tenants.c1, job.job_id)  # the redelivery repeats the second chunk
    final = jobs.get(tenants.c1, job.job_id)
    assert (
        final.status == "done" and final.state["rejected"] == 7
    )  # DX at 0, 100..500, and the preview's
    data, name, _ = jobs.result(tenants.c1, job.job_id)
    lines = data.decode().splitlines()
    assert name == "rejected-rows-f.csv" and len(lines) == 1 + 7
    assert (
        lines[1].startswith("2,debtor,unknown debtor DX")
        and lines[-1] == "602,amount,not an amount"
    )
    assert world.services.repos.invoices.get(tenants.c1, "N599") is not None


def test_a_checkpoint_refused_by_its_own_retried_save_carries_on():
    """failure20 C1: the second checkpoint's PUT applied, its answer lost, the storage client's
    retry met it (412): read as another delivery's, the message ended and the job stayed
    running at 2 of 3 with no delivery on it ("stalled", nothing on the action list)."""
    from shared.ports.tables import PreconditionFailed

    jobs, queues = _jobs(Counting())
    job = jobs.start("c1", "sum", "u1", b"1 2 3", total=3, title="numbers")
    store = jobs.jobs.store
    real = store.replace
    saves = {"n": 0}

    def replace_(table, row, *args, **kw):  # type: ignore[no-untyped-def]
        done = real(table, row, *args, **kw)
        saves["n"] += 1
        if saves["n"] == 2:
            raise PreconditionFailed("412: the retried PUT met its own write")
        return done

    store.replace = replace_  # type: ignore[method-assign]
    (message,) = queues.take(JOBS_QUEUE)
    jobs.run_message(message.body)
    done = jobs.get("c1", job.job_id)
    assert (done.status, done.done, done.state) == ("done", 3, {"sum": 6})
    assert jobs.result("c1", job.job_id) == (b"6", "sum.txt", "text/plain")


def test_a_job_whose_queue_send_fails_is_failed_not_left_running():
    """failure26 F6: a 503 on the send after the job's row was written answered the person
    with an error and left the job "running" for ever, with no message to run it (shown
    "stalled" ten minutes later). Now the job is failed with a reason and its input dropped;
    a send that landed despite its error finds the job ended and does nothing."""
    from azure.core.exceptions import AzureError

    from shared.services.console_jobs import NOT_QUEUED
    from tests.support.faults import FaultPlan, FaultyQueueSender

    for kind in ("http500", "timeout_after"):
        work = Counting()
        jobs, queues = _jobs(work)
        plan = FaultPlan()
        plan.rule(lambda op, target: op == "send", kind)
        jobs.queues = FaultyQueueSender(queues, plan)
        with pytest.raises(AzureError):
            jobs.start("c1", "sum", "u1", b"1 2 3", total=3, title="numbers")
        [job] = jobs.latest("c1")
        assert (job.status, job.error) == ("failed", NOT_QUEUED), kind
        assert not job.running and not jobs.stalled(job)
        assert jobs.files_of(job).get_input() is None
        for message in queues.take(JOBS_QUEUE):  # landed after all (timeout_after)
            jobs.run_message(message.body)
        assert work.worked == [] and jobs.get("c1", job.job_id).status == "failed"
