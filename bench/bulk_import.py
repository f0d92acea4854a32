"""Bulk import of 100,000 invoices through the integration API (HTTP, local host) into
Azurite: invoices per second and storage requests per invoice, next to a naive importer that
writes one entity per request, measured in the same run."""

from __future__ import annotations

import json
import os
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from shared import bootstrap
from shared.adapters.tables import schema
from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.invoices_repo import invoice_to_row
from shared.domain.access import Scope
from shared.domain.invoices import Invoice
from shared.domain.parties import Agency
from tools.devhost.config import HostConfig, apply_settings, load_local_settings
from tools.devhost.host import LocalHost

ROOT = Path(__file__).resolve().parent.parent
DEBTORS = 10_000
BATCH = 1_000


def _invoice(i: int) -> dict[str, Any]:
    day = date(2025, 1, 1) + timedelta(days=i % 300)
    return {
        "number": f"INV-{i:07d}",
        "debtor": f"DEB-{i % DEBTORS:05d}",
        "invoice_date": day.isoformat(),
        "due_date": (day + timedelta(days=30)).isoformat(),
        "amount": f"{(i * 7919) % 500_000 / 100 + 1:.2f}",
    }


def _post(client: httpx.Client, path: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    r = client.post(path, content=json.dumps({"items": items}))
    r.raise_for_status()
    body: dict[str, Any] = r.json()
    if body["rejected"]:
        raise RuntimeError(f"rows rejected: {body['errors'][:3]}")
    return body


def naive_baseline(connection: str, count: int) -> float:
    """One upsert per invoice, no batching: invoices per second."""
    store = AzureTableStore.from_connection_string(connection)
    store.ensure_tables([schema.INVOICES])
    start = time.perf_counter()
    for i in range(count):
        row = invoice_to_row(
            Invoice("naive", f"N-{i}", "D", date(2025, 1, 1), date(2025, 1, 31), 1000)
        )
        store.upsert(schema.INVOICES, row)
    return count / (time.perf_counter() - start)


def run(connection: str, scale: float) -> dict[str, Any]:
    invoices = max(BATCH, int(100_000 * scale))
    os.environ["AzureWebJobsStorage"] = connection
    apply_settings(load_local_settings(ROOT))  # the app settings make run would use
    bootstrap.reset()
    services = bootstrap.services()
    services.repos.agencies.save(Agency("bench", "Bench"))
    _, agency_key = services.access.issue(scope=Scope.AGENCY, agency_id="bench")
    host = LocalHost(ROOT / "function_app.py", HostConfig.load(ROOT / "host.json"), port=0)
    host.start()
    try:
        with httpx.Client(
            base_url=f"{host.url}/api/v1",
            headers={"X-Api-Key": agency_key, "Content-Type": "application/json"},
            timeout=120,
        ) as client:
            _post(client, "/clients", [{"number": "BIG", "name": "Big client"}])
            debtors = [
                {"number": f"DEB-{d:05d}", "kind": "b2b" if d % 3 else "b2c", "name": f"Debtor {d}"}
                for d in range(DEBTORS)
            ]
            for start in range(0, DEBTORS, BATCH):
                _post(client, "/clients/BIG/debtors", debtors[start : start + BATCH])
            store = services.repos.store
            before = store.requests  # type: ignore[attr-defined]
            began = time.perf_counter()
            for start in range(0, invoices, BATCH):
                rows = [_invoice(i) for i in range(start, min(start + BATCH, invoices))]
                _post(client, "/clients/BIG/invoices", rows)
            seconds = time.perf_counter() - began
            requests = store.requests - before  # type: ignore[attr-defined]
            # the same batch again: idempotent, reads only
            again_before = store.requests  # type: ignore[attr-defined]
            resend = _post(client, "/clients/BIG/invoices", [_invoice(i) for i in range(BATCH)])
            resend_requests = store.requests - again_before  # type: ignore[attr-defined]
    finally:
        host.stop()
        bootstrap.reset()
    naive_count = max(200, invoices // 50)
    naive_rate = naive_baseline(connection, naive_count)
    rate = invoices / seconds
    return {
        "benchmark": "bulk_import_invoices",
        "invoices": invoices,
        "batch_size": BATCH,
        "seconds": round(seconds, 2),
        "invoices_per_second": round(rate, 1),
        "storage_requests": requests,
        "storage_requests_per_invoice": round(requests / invoices, 4),
        "resend_unchanged": resend["unchanged"],
        "resend_storage_requests_per_invoice": round(resend_requests / BATCH, 4),
        "naive_one_request_per_invoice_per_second": round(naive_rate, 1),
        "speedup_vs_naive": round(rate / naive_rate, 2),
    }
