"""misc16 #2: an invoice upload run as a console job (more than 500 rows) changed stored
invoices without naming them: its page said "updated: 50" where a small upload's preview
shows each changed invoice, was -> becomes (amount, invoice date, due date). The job keeps the
rows that change an invoice from before its first write, per chunk, and its page lists the
first of them with a count of the rest; a row the import refused changed nothing and is not
listed, and a chunk repeated after a cut lists its changes as the first run saw them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from shared.domain.people.authorisation import Role
from shared.services import console_jobs as cj
from shared.services import invoice_upload
from shared.services.imports import InvoiceDraft
from shared.services.invoice_changes import load_changes
from shared.services.invoice_upload import CHANGED_ROWS, Upload
from tests.unit.console.conftest import desk_for
from tests.unit.console.money_support import text, with_debtors

DAY = date(2025, 1, 1)


def _draft(i: int, cents: int = 100, debtor: str | None = None, due: date = DAY) -> InvoiceDraft:
    return InvoiceDraft(f"N{i:03d}", debtor or ("DX" if i % 100 == 0 else "D1"), DAY, due, cents)


def _run(world: Any, tenants: Any, monkeypatch: Any, cut: str | None = None) -> Any:
    with_debtors(world, "C1", "D1")
    client = world.services.repos.clients.get(tenants.c1)[0]
    # stored before: N250-N299 at 0.50 (the upload makes them 1.00), N301 due 15-1 (the upload
    # moves it to 1-1), N302-N349 as the upload has them, N300 at 0.50 under D1 (the upload's
    # row names the unknown DX: refused, nothing changed)
    known = [(i, _draft(i, 50)) for i in range(250, 300)]
    known += [(301, _draft(301, due=DAY + timedelta(days=14)))]
    known += [(i, _draft(i)) for i in range(302, 350)] + [(300, _draft(300, 50, "D1"))]
    assert world.services.imports.upsert_invoices(client, known).created == 100
    upload = Upload("f.csv", [(i, _draft(i)) for i in range(600)], [])
    jobs = world.services.console_jobs
    job = jobs.start(tenants.c1, "invoice-import", "u", upload.dump(), total=600, title="f.csv")
    put = cj.JobFiles.put
    cuts: list[str] = []

    def dies_once(self: cj.JobFiles, part: str, data: bytes, content_type: str = "") -> None:
        if part == cut and not cuts:
            cuts.append(part)
            raise RuntimeError(f"the instance died before {part}")
        put(self, part, data, content_type or "application/octet-stream")

    monkeypatch.setattr(cj.JobFiles, "put", dies_once)
    try:
        jobs.run(tenants.c1, job.job_id)
    except RuntimeError:
        jobs.run(tenants.c1, job.job_id)  # the redelivery repeats the second chunk
    assert cuts == ([cut] if cut else [])
    final = jobs.get(tenants.c1, job.job_id)
    assert final.status == "done"
    return final


@pytest.mark.parametrize(
    "cut",
    [
        None,
        "changes-0000250.json",
        "before-0000250.json",
        "rejected-0000250.json",
        "counts-0000250.json",
    ],
)
def test_the_job_keeps_the_invoices_it_changed(world, tenants, monkeypatch, cut):
    job = _run(world, tenants, monkeypatch, cut)
    assert job.state["updated"] == 51 and job.state["changed"] == 51
    kept = load_changes(world.services.console_jobs.kept(job, CHANGED_ROWS) or b"[]")
    assert [c.number for c in kept] == [f"N{i:03d}" for i in [*range(250, 300), 301]]
    first, moved = kept[0], kept[-1]
    assert (first.amount_was, first.amount, first.due_was, first.due) == (50, 100, DAY, DAY)
    assert (moved.amount_was, moved.due_was, moved.due) == (100, date(2025, 1, 15), DAY)


def test_the_job_page_names_the_first_changes_and_counts_the_rest(world, tenants, monkeypatch):
    monkeypatch.setattr(invoice_upload, "SHOWN_CHANGES", 20)
    job = _run(world, tenants, monkeypatch)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = text(staff.get(f"/jobs/{job.job_id}?lang=nl"))
    assert "Gewijzigde facturen: 51" in page, page[:2000]
    assert "N250" in page and "€ 0,50 → € 1,00" in page
    assert "N269" in page and "N270" not in page  # the first 20 named
    assert "En nog 31 gewijzigde facturen" in page
    assert "N300" not in page  # refused (unknown debtor): nothing changed
    english = text(staff.get(f"/jobs/{job.job_id}?lang=en"))
    assert "These rows changed an existing invoice (was → became)" in english
