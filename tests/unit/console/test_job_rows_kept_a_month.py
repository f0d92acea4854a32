"""An upload job's rejected and changed rows (the refused rows' debtors, addresses and
amounts: its file to download, the rows the job page shows, the work files beside them) are
kept 30 days after the job ended, then deleted, with a lifecycle rule on their own prefix as
backstop (console18, AVG art. 5(1)(c, e): they had been kept as long as the job, for ever).
The job and its counts stay; a report's file, which names no refused rows, stays too."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from shared.domain.people.authorisation import Role
from shared.services.console_jobs import JOBS_CONTAINER, ROWS, ROWS_KEPT, JobFiles
from tests.support.code_scan import ROOT
from tests.unit.console.conftest import desk_for
from tests.unit.console.money_support import text, work_jobs
from tests.unit.console.test_upload_confirm_checks_every_debtor import (
    HEADER,
    _confirm,
    _preview,
    _token,
)


def _later(world, tenants, email: str, at: datetime):  # type: ignore[no-untyped-def]
    """A person signed in at ``at`` (signing in takes the clock a minute on)."""
    world.clock.at = at
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, email)
    world.clock.at = at
    return staff


def test_an_uploads_rows_go_30_days_after_the_job_and_its_counts_stay(world, tenants):  # type: ignore[no-untyped-def]
    rows = "".join(
        f"J-{i};N{i};Anna de Vries {i};consument;01-11-2026;01-12-2026;10,00\n" for i in range(600)
    )
    rows += "J-600;N600;Bert Kwaad;consument;01-11-2026;01-12-2026;-5,00\n"  # refused: negative
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert _confirm(staff, _token(_preview(staff, (HEADER + rows).encode()))).status == 303
    work_jobs(world)
    jobs, files = world.services.console_jobs, world.services.console_jobs.files
    (job,) = jobs.latest(tenants.c1)
    assert job.status == "done" and job.state["rejected"] == 1
    mine = [n for n in files.names(JOBS_CONTAINER) if job.job_id in n]
    assert mine and all(n.startswith(f"{ROWS}/") for n in mine), mine  # the rule's prefix
    page = text(staff.get(f"/jobs/{job.job_id}?lang=en"))
    assert re.search(r"<td class=\"num\">602</td>", page), page[-900:]  # the refused row, line 602
    assert "deleted 30 days after the job ended, on" in page
    assert staff.get(f"/jobs/{job.job_id}/file").status == 200
    staff = _later(
        world, tenants, "s2@c1.example", job.updated_at + ROWS_KEPT - timedelta(minutes=1)
    )
    assert staff.get(f"/jobs/{job.job_id}/file").status == 200  # a minute before: still there
    staff = _later(
        world, tenants, "s3@c1.example", job.updated_at + ROWS_KEPT + timedelta(minutes=1)
    )
    page = text(staff.get(f"/jobs/{job.job_id}?lang=en"))
    assert "were deleted 30 days after the job ended" in page
    assert f"/jobs/{job.job_id}/file" not in page  # no download offered
    assert "Rejected: 1" in page  # the counts stay
    assert staff.get(f"/jobs/{job.job_id}/file").status == 404
    assert [n for n in files.names(JOBS_CONTAINER) if job.job_id in n] == []
    assert jobs.get(tenants.c1, job.job_id).state["rejected"] == 1


def test_files_kept_beside_the_results_before_the_deploy_go_too(world, tenants):  # type: ignore[no-untyped-def]
    """A job that ended before the deploy kept its rows under ``<client>/<job>/``: read from
    there while kept, deleted from there after."""
    rows = "".join(
        f"J-{i};N{i};Anna {i};consument;01-11-2026;01-12-2026;10,00\n" for i in range(600)
    )
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert _confirm(staff, _token(_preview(staff, (HEADER + rows).encode()))).status == 303
    work_jobs(world)
    jobs, files = world.services.console_jobs, world.services.console_jobs.files
    (job,) = jobs.latest(tenants.c1)
    old = JobFiles(files, job.client_id, job.job_id)  # no area: the layout before
    for name in list(files.names(JOBS_CONTAINER, f"{ROWS}/")):
        data = files.get(JOBS_CONTAINER, name)
        assert data is not None
        files.delete(JOBS_CONTAINER, name)
        files.put(JOBS_CONTAINER, name.removeprefix(f"{ROWS}/"), data)
    assert staff.get(f"/jobs/{job.job_id}/file").status == 200
    staff = _later(world, tenants, "s2@c1.example", job.updated_at + ROWS_KEPT + timedelta(days=1))
    assert staff.get(f"/jobs/{job.job_id}/file").status == 404
    assert (
        old.get("result") is None
        and files.names(JOBS_CONTAINER, f"{tenants.c1}/{job.job_id}/") == []
    )


def test_a_lifecycle_rule_deletes_the_rows_a_month_old():  # type: ignore[no-untyped-def]
    bicep = (ROOT / "infra" / "app" / "storage.bicep").read_text(encoding="utf-8")
    rows = f"{JOBS_CONTAINER}/{ROWS}/"
    matched = f"prefixMatch: [ '{rows}' ]"
    assert matched in bicep
    rule = bicep[bicep.index(matched) :]
    days = int(re.search(r"daysAfterModificationGreaterThan: (\d+)", rule).group(1))  # type: ignore[union-attr]
    assert days == ROWS_KEPT.days
