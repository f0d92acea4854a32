"""Bulk import of 100,000 invoices (at scale 1) through the integration API on the local host,
against the raw batched-write ceiling of the same storage, measured in the same run.

The ceiling (:mod:`bench.raw_write_app`) does the same request minus what is measured: the same
HTTP host, API key, client lookup, validation and invoice rows (every row an invoice writes,
the dunning schedule included), written blind in the same transactions. The two are sent
alternately, batch by batch, so both meet the same storage at the same size. Storage requests
are counted at the SDK clients for tables, blobs and queues.

Updates of 1,000 stored invoices with consecutive numbers (a re-sent month) are sent once in
number order and once shuffled: the import must cost the same storage requests in any order.
The same update scattered over the whole portfolio shows what a sparse update costs.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.harness import figure
from shared import bootstrap
from shared.adapters.metering import METER, StorageMeter
from shared.domain.access import Scope
from shared.domain.parties import Agency
from tools.devhost.config import HostConfig, apply_settings, load_local_settings
from tools.devhost.host import LocalHost

ROOT = Path(__file__).resolve().parent.parent
DEBTORS = 10_000
BATCH = 1_000  # the API's largest batch
UPDATES = 1_000


def _invoice(i: int, description: str | None = None) -> dict[str, Any]:
    day = date(2025, 1, 1) + timedelta(days=i % 300)
    row = {
        "number": f"INV-{i:07d}",
        "debtor": f"DEB-{i % DEBTORS:05d}",
        "invoice_date": day.isoformat(),
        "due_date": (day + timedelta(days=30)).isoformat(),
        "amount": f"{(i * 7919) % 500_000 / 100 + 1:.2f}",
    }
    if description:
        row["description"] = description
    return row


def _post(client: httpx.Client, path: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    r = client.post(path, content=json.dumps({"items": items}))
    r.raise_for_status()
    body: dict[str, Any] = r.json()
    if body.get("rejected"):
        raise RuntimeError(f"rows rejected: {body.get('errors', [])[:3]}")
    return body


def _host(script: Path) -> LocalHost:
    host = LocalHost(script, HostConfig.load(ROOT / "host.json"), port=0)
    for spec in host.specs.values():  # HTTP only: no queue polling or timers in the timings
        if spec.kind != "httpTrigger":
            os.environ[f"AzureWebJobs.{spec.name}.Disabled"] = "true"
    host.start()
    return host


class _Meter:
    """Wall time and storage requests, summed over the calls made through it."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.requests = 0

    def __call__(self, work: Callable[..., Any], *args: Any) -> Any:
        before = METER.snapshot()
        began = time.perf_counter()
        result = work(*args)
        self.seconds += time.perf_counter() - began
        self.requests += StorageMeter.since(before, METER.snapshot())["total"]
        return result


def run(connection: str, scale: float) -> dict[str, Any]:
    invoices = max(2 * BATCH, int(100_000 * scale) // BATCH * BATCH)
    os.environ["AzureWebJobsStorage"] = connection
    apply_settings(load_local_settings(ROOT))  # the app settings make run would use
    bootstrap.reset()
    services = bootstrap.services()
    services.repos.agencies.save(Agency("bench", "Bench"))
    _, key = services.access.issue(scope=Scope.AGENCY, agency_id="bench")
    app = _host(ROOT / "function_app.py")
    raw = _host(ROOT / "bench" / "raw_write_app.py")
    headers = {"X-Api-Key": key, "Content-Type": "application/json"}
    imported, ceiling = _Meter(), _Meter()
    try:
        with (
            httpx.Client(base_url=f"{app.url}/api/v1", headers=headers, timeout=300) as api,
            httpx.Client(base_url=f"{raw.url}/api/raw", headers=headers, timeout=300) as blind,
        ):
            clients = [{"number": n, "name": n} for n in ("BIG", "RAW")]
            _post(api, "/clients", clients)
            debtors = [
                {"number": f"DEB-{d:05d}", "kind": "b2b" if d % 3 else "b2c", "name": f"Debtor {d}"}
                for d in range(DEBTORS)
            ]
            for start in range(0, DEBTORS, BATCH):  # both: the index rows carry the names
                _post(api, "/clients/BIG/debtors", debtors[start : start + BATCH])
                _post(api, "/clients/RAW/debtors", debtors[start : start + BATCH])
            for start in range(0, invoices, BATCH):
                rows = [_invoice(i) for i in range(start, start + BATCH)]
                imported(_post, api, "/clients/BIG/invoices", rows)
                ceiling(_post, blind, "/clients/RAW/invoices", rows)

            resend = _Meter()  # the first batch again, unchanged: reads only
            again = resend(_post, api, "/clients/BIG/invoices", [_invoice(i) for i in range(BATCH)])
            # updates of 1,000 stored invoices: consecutive numbers, in order and shuffled
            first = invoices // 2
            month = range(first, first + UPDATES)
            in_order, shuffled, scattered = _Meter(), _Meter(), _Meter()
            rows = [_invoice(i, "herinnering 1") for i in month]
            in_order(_post, api, "/clients/BIG/invoices", rows)
            rows = [_invoice(i, "herinnering 2") for i in month]
            random.Random(12).shuffle(rows)
            changed = shuffled(_post, api, "/clients/BIG/invoices", rows)
            picked = random.Random(19).sample(range(invoices), UPDATES)
            rows = [_invoice(i, "herinnering 3") for i in picked]
            scattered(_post, api, "/clients/BIG/invoices", rows)
    finally:
        app.stop()
        raw.stop()
        bootstrap.reset()
    rate, ceiling_rate = invoices / imported.seconds, invoices / ceiling.seconds
    return {
        "benchmark": "bulk_import",
        "invoices": invoices,
        "batch_size": BATCH,
        "debtors": DEBTORS,
        "import_seconds": round(imported.seconds, 1),
        "ceiling_seconds": round(ceiling.seconds, 1),
        "resend_unchanged": again["unchanged"],
        "shuffled_updated": changed["updated"],
        "figures": {
            "invoices_per_second": figure(
                rate,
                ceiling_rate,
                unit="invoices/s (new invoices, batches of 1,000 over HTTP)",
                baseline_is="raw batched-write ceiling: same HTTP, validation and rows, written blind",
                goal="ratio >= 0.6",
                digits=1,
            ),
            "storage_requests_per_invoice": figure(
                imported.requests / invoices,
                ceiling.requests / invoices,
                unit="storage requests per new invoice (tables, blobs, queues)",
                baseline_is="raw batched-write ceiling",
                goal="value <= 0.03",
                digits=4,
            ),
            "resend_requests_per_invoice": figure(
                resend.requests / BATCH,
                imported.requests / invoices,
                unit="storage requests per invoice for an unchanged re-send",
                baseline_is="first import of new invoices",
                digits=4,
            ),
            "update_requests_per_invoice_shuffled": figure(
                shuffled.requests / UPDATES,
                in_order.requests / UPDATES,
                unit=f"storage requests per invoice, {UPDATES} stored consecutive invoices updated",
                baseline_is="the same update sent in number order",
                goal="value <= 0.03, ratio about 1",
                digits=4,
            ),
            "update_requests_per_invoice_scattered": figure(
                scattered.requests / UPDATES,
                in_order.requests / UPDATES,
                unit=f"storage requests per invoice, {UPDATES} stored invoices picked at random",
                baseline_is="1,000 consecutive invoices updated in number order",
                digits=4,
            ),
        },
    }
