"""The debtor portal's overview page under load: requests per second and latency (p50, p95)
with 20 concurrent debtors' browsers against the local host on Azurite, next to the same page
fetched by one browser at a time (the ratio shows how the page scales with concurrency).

Each request does what a real one does: checks the token (signature, generation, throttle),
reads the client, the debtor and the debtor's invoices, computes costs and interest by law,
renders the EPC QR code and the page.
"""

from __future__ import annotations

import logging
import os
import statistics
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from shared import bootstrap
from shared.domain.parties import Client, Debtor, DebtorKind
from shared.services.imports import InvoiceDraft
from tools.devhost.config import HostConfig, load_local_settings
from tools.devhost.host import LocalHost

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = 20


def _seed(debtors: int) -> list[str]:
    services = bootstrap.services()
    client = Client(f"bench-portal-{time.time_ns()}", "bench", "BP", "Bakkerij Bench",
                    ibans=("NL02ABNA0123456789",), contact_email="facturen@bench.example")  # fmt: skip
    services.repos.clients.save(client, new=True)
    today = date.today()
    people = [
        Debtor(client.client_id, f"D{i:05d}", DebtorKind.B2C, f"Debtor {i}") for i in range(debtors)
    ]
    services.imports.upsert_debtors(client, list(enumerate(people)))
    drafts = [
        InvoiceDraft(f"F{i:05d}-{k}", p.number, today - timedelta(days=60 + k), today - timedelta(days=30 + k), 12_100 + k)
        for i, p in enumerate(people) for k in range(5)
    ]  # fmt: skip
    services.imports.upsert_invoices(client, list(enumerate(drafts)))
    return [services.portal.links.token(client.client_id, p.number) for p in people]


def _load(url: str, tokens: list[str], workers: int, per_worker: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[int] = []

    def browse(worker: int) -> None:
        token = tokens[worker % len(tokens)]
        with httpx.Client(base_url=url, cookies={"inning_portal": token}, timeout=30) as http:
            for _ in range(per_worker):
                began = time.perf_counter()
                r = http.get("/api/portal/")
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    if r.status_code != 200:
                        failures.append(r.status_code)

    threads = [threading.Thread(target=browse, args=(w,)) for w in range(workers)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"portal answered {sorted(set(failures))} under load")
    return len(latencies) / elapsed, latencies


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


def run(connection: str, scale: float) -> dict[str, Any]:
    # 20 threads share the storage SDK's connection pool: its "pool is full" notices are noise
    logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
    saved = dict(os.environ)
    os.environ["AzureWebJobsStorage"] = connection
    for key, value in load_local_settings(ROOT).items():
        os.environ.setdefault(key, value)
    bootstrap.reset()
    host = LocalHost(ROOT / "function_app.py", HostConfig.load(ROOT / "host.json"), port=0)
    host.start()
    try:
        tokens = _seed(CONCURRENCY)
        per_worker = max(10, int(100 * scale))
        _load(host.url, tokens, 2, 5)  # warm up: imports, connections, tables
        one_rate, one = _load(host.url, tokens, 1, per_worker * 2)
        rate, many = _load(host.url, tokens, CONCURRENCY, per_worker)
    finally:
        host.stop()
        bootstrap.reset()
        os.environ.clear()
        os.environ.update(saved)
    return {
        "benchmark": "portal_overview",
        "concurrent_clients": CONCURRENCY,
        "requests": len(many),
        "requests_per_second": round(rate, 1),
        "p50_ms": round(_p(many, 50), 1),
        "p95_ms": round(_p(many, 95), 1),
        "single_client_requests_per_second": round(one_rate, 1),
        "single_client_p95_ms": round(_p(one, 95), 1),
        "concurrency_gain": round(rate / one_rate, 2),
    }
