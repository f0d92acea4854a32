"""A console job's input (a large upload: the new debtors' names, e-mail and postal addresses)
is deleted when the job ends, done or failed, and a lifecycle rule deletes any left under its
own prefix; the file people download stays (attack17b F4: a 600-row upload's input was still
there 400 days later, 246,656 bytes, "Anna de Vries 599" in it)."""

from __future__ import annotations

import re

from shared.domain.people.authorisation import Role
from shared.services.console_jobs import INPUTS, JOBS_CONTAINER, UPLOADS_CONTAINER, JobFiles
from tests.support.code_scan import ROOT
from tests.unit.console.conftest import desk_for
from tests.unit.console.money_support import work_jobs
from tests.unit.console.test_console_jobs import Counting, _jobs
from tests.unit.console.test_upload_confirm_checks_every_debtor import (
    HEADER,
    _confirm,
    _preview,
    _token,
)


def test_a_large_uploads_input_is_gone_when_its_job_is_done(world, tenants):  # type: ignore[no-untyped-def]
    rows = "".join(
        f"J-{i};N{i};Anna de Vries {i};consument;01-11-2026;01-12-2026;10,00\n" for i in range(600)
    )
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    token = _token(_preview(staff, (HEADER + rows).encode()))
    assert _confirm(staff, token).status == 303
    (running,) = world.services.console_jobs.latest(tenants.c1)
    files = world.services.console_jobs.files
    assert b"Anna de Vries 599" in (JobFiles(files, tenants.c1, running.job_id).get_input() or b"")
    work_jobs(world)
    (job,) = world.services.console_jobs.latest(tenants.c1)
    assert job.status == "done"
    everything = [
        (container, name, data)
        for container in (JOBS_CONTAINER, UPLOADS_CONTAINER)
        for name in files.names(container)
        if (data := files.get(container, name)) is not None
    ]
    assert not [name for _, name, data in everything if b"Anna de Vries" in data], everything


def test_a_done_job_keeps_its_file_and_a_failed_one_loses_its_input():  # type: ignore[no-untyped-def]
    jobs, _ = _jobs(Counting())
    done = jobs.start("c1", "sum", "u1", b"1 2 3", total=3, title="numbers")
    failed = jobs.start("c1", "sum", "u1", b"bad", total=1, title="numbers")
    for job in (done, failed):
        assert JobFiles(jobs.files, "c1", job.job_id).get_input() is not None
        jobs.run("c1", job.job_id)
    assert jobs.get("c1", failed.job_id).status == "failed"
    for job in (done, failed):
        assert JobFiles(jobs.files, "c1", job.job_id).get_input() is None
    assert jobs.result("c1", done.job_id) == (b"6", "sum.txt", "text/plain")  # the download


def test_an_input_from_before_its_prefix_is_worked_and_then_deleted():  # type: ignore[no-untyped-def]
    jobs, _ = _jobs(Counting())
    job = jobs.start("c1", "sum", "u1", b"1 2", total=2, title="numbers")
    files = JobFiles(jobs.files, "c1", job.job_id)
    files.drop_input()
    files.put("input", b"4 5")  # where a job queued before the upgrade keeps it
    jobs.run("c1", job.job_id)
    assert jobs.get("c1", job.job_id).state == {"sum": 9}
    assert files.get_input() is None and files.get("input") is None


def test_a_lifecycle_rule_deletes_the_inputs_left_and_spares_the_results():  # type: ignore[no-untyped-def]
    bicep = (ROOT / "infra" / "app" / "storage.bicep").read_text(encoding="utf-8")
    prefixes = re.findall(r"prefixMatch: \[ '([^']+)' \]", bicep)
    inputs = f"{JOBS_CONTAINER}/{INPUTS}/"
    assert inputs in prefixes
    rule = bicep[bicep.index(inputs) :]
    days = int(re.search(r"daysAfterModificationGreaterThan: (\d+)", rule).group(1))  # type: ignore[union-attr]
    assert 1 <= days <= 7
    result = f"{JOBS_CONTAINER}/{JobFiles(None, 'cl-abc', 'job-1').name('result')}"  # type: ignore[arg-type]
    assert not any(result.startswith(p) for p in prefixes)
