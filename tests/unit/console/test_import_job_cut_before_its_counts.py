"""failure15c #1: a console invoice import's chunk cut after its upserts and before its
figures' blob (``counts-<start>.json``: after the rejected rows' blob, a dying instance or a
failed blob put) was repeated by the redelivery, which counted the first run's invoices
"unchanged": created 346, unchanged 248 where the uncut import shows created 594. The chunk's
invoices as they stood before its first run are kept first (``before-<start>.json``), so a
repeat counts as the first run did, wherever the cut fell."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from shared.services import console_jobs as cj
from shared.services.batch import RowError
from shared.services.imports import InvoiceDraft
from shared.services.invoice_upload import Upload
from tests.unit.console.money_support import with_debtors

DAY = date(2025, 1, 1)


def _draft(i: int, cents: int = 100) -> InvoiceDraft:
    return InvoiceDraft(f"N{i:03d}", "DX" if i % 100 == 0 else "D1", DAY, DAY, cents)


def _import(
    world: Any,
    tenants: Any,
    monkeypatch: Any,
    cut: str | None,
    meanwhile: Callable[[cj.JobFiles], None] = lambda files: None,
) -> dict[str, int]:
    """``meanwhile``: what happens between the cut and the redelivery."""
    with_debtors(world, "C1", "D1")
    # stored before: N250-N299 at 0.50 (the import updates them), N301-N349 as imported
    client = world.services.repos.clients.get(tenants.c1)[0]
    known = [(i, _draft(i, 50)) for i in range(250, 300)] + [
        (i, _draft(i)) for i in range(301, 350)
    ]
    assert world.services.imports.upsert_invoices(client, known).created == 99
    rows = [(i, _draft(i)) for i in range(600)]
    upload = Upload("f.csv", rows, [RowError(600, "amount", "not an amount")])
    jobs = world.services.console_jobs
    job = jobs.start(tenants.c1, "invoice-import", "u", upload.dump(), total=600, title="f.csv")
    put = cj.JobFiles.put
    cuts: list[str] = []

    def dies_once(self: cj.JobFiles, part: str, data: bytes, content_type: str = "") -> None:
        if part == cut and not cuts:
            cuts.append(part)
            meanwhile(self)
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
    return {k: final.state[k] for k in ("created", "updated", "unchanged", "rejected")}


@pytest.mark.parametrize(
    "cut", [None, "before-0000250.json", "rejected-0000250.json", "counts-0000250.json"]
)
def test_a_chunk_cut_before_its_counts_counts_as_uncut(world, tenants, monkeypatch, cut):
    # 600 rows, 6 with the unknown debtor DX and 1 refused by the preview: 594 invoices, of
    # which 50 stored at another amount and 49 stored as they are
    assert _import(world, tenants, monkeypatch, cut) == {
        "created": 495,
        "updated": 50,
        "unchanged": 49,
        "rejected": 7,
    }


UNCUT = {"created": 495, "updated": 50, "unchanged": 49, "rejected": 7}


def test_a_save_by_another_between_the_cut_and_the_repeat_is_not_the_imports(
    world, tenants, monkeypatch
):
    """codereview15b F3: N301 (stored as imported) paused by a colleague and N302 moved a
    dunning step between the cut and the redelivery: the repeat compared ETags and counted
    them "updated" by the import (updated 52, unchanged 47)."""
    client = world.services.repos.clients.get(tenants.c1)[0]

    def colleagues_save(files: cj.JobFiles) -> None:
        world.services.dunning.change_invoice(client, "N301", paused_until=None, author="staff")
        stored = world.services.repos.invoices.get(tenants.c1, "N302")
        world.services.repos.invoices.save(replace(stored.invoice, dunning_step=1), stored)

    got = _import(world, tenants, monkeypatch, "counts-0000250.json", colleagues_save)
    assert got == UNCUT
    assert world.services.repos.invoices.get(tenants.c1, "N301").invoice.paused_until


def test_a_before_file_of_etags_written_before_the_deploy_still_counts(world, tenants, monkeypatch):
    """A chunk cut before the deploy left ``before-<start>.json`` with the ETags of its
    invoices: the repeat after the deploy compares those as they were."""
    etags: dict[str, str | None] = {}

    def as_before_the_deploy(files: cj.JobFiles) -> None:
        kept = json.loads(files.get("before-0000250.json") or b"{}")
        assert all(v is None or v.startswith("import:") for v in kept.values())
        files.put("before-0000250.json", json.dumps({n: etags.get(n) for n in kept}).encode())

    read = world.services.repos.invoices.get_many
    numbers = [f"N{i:03d}" for i in range(250, 500)]
    with_debtors(world, "C1", "D1")

    def first_read(client_id: str, wanted: list[str]) -> Any:  # the ETags as the import met them
        found = read(client_id, wanted)
        if not etags and wanted == numbers:
            etags.update({n: s.etag for n, s in found.items()})
        return found

    monkeypatch.setattr(world.services.repos.invoices, "get_many", first_read)
    got = _import(world, tenants, monkeypatch, "counts-0000250.json", as_before_the_deploy)
    assert etags and got == UNCUT
