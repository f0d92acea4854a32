"""failure15b Q6: a console invoice import (600 rows, chunks of 250) whose delivery dies after a
chunk's upserts and before its checkpoint; the redelivery repeats the chunk. The job's figures
(what the person is shown: created / updated / unchanged) should equal the uncut import's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from shared.adapters.tables.console_jobs_repo import Job


def _import(world, tenants, monkeypatch, crash: bool):
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
    upload = Upload("f.csv", rows, [RowError(600, "amount", "not an amount")])
    jobs = world.services.console_jobs
    job = jobs.start(tenants.c1, "invoice-import", "u", upload.dump(), total=600, title="f.csv")
    save: Callable[[Job], Job] = jobs.jobs.save
    calls: list[int] = []

    def dies_once(j: Job) -> Job:
        calls.append(j.done)
        if crash and len(calls) == 2:
            raise RuntimeError("the instance died after the chunk, before its checkpoint")
        return save(j)

    monkeypatch.setattr(jobs.jobs, "save", dies_once)
    try:
        jobs.run(tenants.c1, job.job_id)
    except RuntimeError:
        jobs.run(tenants.c1, job.job_id)  # the redelivery repeats the second chunk
    final = jobs.get(tenants.c1, job.job_id)
    assert final.status == "done"
    return {k: final.state[k] for k in ("created", "updated", "unchanged", "rejected")}


@pytest.mark.parametrize("crash", [False, True])
def test_the_job_figures_after_a_crash_equal_the_uncut_import(world, tenants, monkeypatch, crash):
    # uncut: 594 invoices created (600 rows, 6 with the unknown debtor DX), 7 rejected
    assert _import(world, tenants, monkeypatch, crash) == {
        "created": 594,
        "updated": 0,
        "unchanged": 0,
        "rejected": 7,
    }
