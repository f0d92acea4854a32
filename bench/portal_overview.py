"""The debtor portal's overview page under load: requests per second and latency (p50, p95)
with 20 concurrent debtors' browsers against the local host on Azurite, next to the same page
fetched by one browser at a time (the ratio shows how the page scales with concurrency), and
the same 20 browsers on a worker pool of 20 threads (how much of the wait is the pool's).

Each request does what a real one does: checks the token (signature, generation, throttle),
reads the client, the debtor and the debtor's invoices, computes costs and interest by law,
renders the EPC QR code and the page.

In process (no HTTP), one page after another: the CPU of a page (the whole process's, reads
in parallel threads included) against the CPU of the same number of bare storage reads (the
SDK's own cost, which the page cannot avoid), and the storage round trips of a page (waves of
requests that wait on the one before) against its storage requests (the shape before: every
request after the previous one).
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

from bench.harness import figure
from shared import bootstrap
from shared.adapters.metering import METER, StorageMeter
from shared.domain.parties import Client, Debtor, DebtorKind
from shared.services.imports import InvoiceDraft
from tools.devhost.config import HostConfig, load_local_settings
from tools.devhost.host import LocalHost

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = 20
IN_PROCESS_PAGES = 100


class _Waves:
    """Times every storage request the SDK sends (all clients go through the same requests
    transport); :meth:`count` tells how many waited on an earlier one's answer."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float]] = []
        self._lock = threading.Lock()

    def install(self) -> None:
        from azure.core.pipeline.transport import RequestsTransport

        RequestsTransport.send = self._timed(RequestsTransport.send)  # type: ignore[method-assign]
        try:  # the table reads' own HTTP exchange (shared/adapters/tables/lean.py)
            from shared.adapters.tables.lean import LeanTableReader
        except ImportError:  # a tree from before the lean reads (the "before" run)
            return
        LeanTableReader._exchange = self._timed(LeanTableReader._exchange)  # type: ignore[method-assign]

    def _timed(self, original: Any) -> Any:
        spans, lock = self.spans, self._lock

        def timed(sender: Any, *args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(sender, *args, **kwargs)
            finally:
                with lock:
                    spans.append((began, time.perf_counter()))

        return timed

    def count(self) -> int:
        """Round trips: a request that began after every earlier one had its answer starts a
        new wave; one that began while another was under way shares its wave."""
        waves, answered = 0, float("-inf")
        for began, ended in sorted(self.spans):
            if began >= answered:
                waves += 1
                answered = ended
            else:
                answered = max(answered, ended)
        return waves


def _in_process(token: str) -> dict[str, Any]:
    """CPU, storage requests and round trips of one page, the portal app called directly."""
    from shared.api.http import ApiRequest
    from shared.api.portal_app import PortalApp

    services = bootstrap.services()
    app = PortalApp(services)
    request = ApiRequest(
        "GET", "/portal/", {"cookie": f"inning_portal={token}", "x-forwarded-for": "192.0.2.1"}
    )
    for _ in range(5):  # warm: connections, caches, compiled templates
        app.handle(request)
    waves = _Waves()
    waves.install()
    rounds: list[int] = []
    before = METER.snapshot()
    cpu = time.process_time()
    for _ in range(IN_PROCESS_PAGES):
        waves.spans.clear()
        if app.handle(request).status != 200:
            raise RuntimeError("the overview page failed in process")
        rounds.append(waves.count())
    page_cpu = (time.process_time() - cpu) / IN_PROCESS_PAGES
    requests = StorageMeter.since(before, METER.snapshot())["total"] / IN_PROCESS_PAGES
    replayed_cpu = _replayed_cpu(app, request)
    # the baseline: as many bare point reads, one after another, through the same clients
    client_id = services.portal.links.check(token).client_id
    reads = round(requests) * IN_PROCESS_PAGES
    cpu = time.process_time()
    for _ in range(reads):
        services.repos.clients.get(client_id)
    read_cpu = (time.process_time() - cpu) / IN_PROCESS_PAGES
    return {
        "cpu_ms": page_cpu * 1000,
        "replayed_cpu_ms": replayed_cpu * 1000 if replayed_cpu is not None else None,
        "bare_reads_cpu_ms": read_cpu * 1000,
        "requests": requests,
        "round_trips": statistics.mean(rounds),
    }


def _replayed_cpu(app: Any, request: Any) -> float | None:
    """CPU of a page whose claim moved since the last view (a payment booked, a new day):
    the same loop with the portal's kept claim figures forgotten before every page, so each
    one replays the claims (None on a tree from before the figures were kept)."""
    try:
        from shared.services.portal_claims import ClaimFiguresMemo
    except ImportError:
        return None
    portal = app.services.portal
    kept = portal.figures
    portal.figures = ClaimFiguresMemo(kept=0)
    try:
        cpu = time.process_time()
        for _ in range(IN_PROCESS_PAGES):
            app.handle(request)
        return (time.process_time() - cpu) / IN_PROCESS_PAGES
    finally:
        portal.figures = kept


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


def _descendants_cpu() -> float:
    """CPU seconds (user + system) of this process's descendants so far: the benchmark's own
    Azurite (read from /proc; 0 where there is none)."""
    ticks = os.sysconf("SC_CLK_TCK")
    table: dict[int, tuple[int, int]] = {}
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return 0.0
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        table[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    ours, total, grew = {os.getpid()}, 0, True
    while grew:
        grew = False
        for pid, (parent, _) in table.items():
            if parent in ours and pid not in ours:
                ours.add(pid)
                grew = True
    total = sum(cpu for pid, (_, cpu) in table.items() if pid in ours and pid != os.getpid())
    return total / ticks


class _Load:
    """One load run: pages/s, latencies, failures, and where the CPU went per page (the
    process: host and browsers; the browsers' threads alone; Azurite)."""

    def __init__(self, url: str, tokens: list[str], workers: int, per_worker: int) -> None:
        latencies: list[float] = []
        lock = threading.Lock()
        failures: list[int] = []
        client_cpu: list[float] = []

        def browse(worker: int) -> None:
            token = tokens[worker % len(tokens)]
            cpu = time.thread_time()
            with httpx.Client(base_url=url, cookies={"inning_portal": token}, timeout=30) as http:
                for _ in range(per_worker):
                    began = time.perf_counter()
                    r = http.get("/api/portal/")
                    took = time.perf_counter() - began
                    with lock:
                        latencies.append(took)
                        if r.status_code != 200:
                            failures.append(r.status_code)
            with lock:
                client_cpu.append(time.thread_time() - cpu)

        threads = [threading.Thread(target=browse, args=(w,)) for w in range(workers)]
        process_cpu, storage_cpu = time.process_time(), _descendants_cpu()
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
        process_cpu = time.process_time() - process_cpu
        storage_cpu = _descendants_cpu() - storage_cpu
        if len(failures) == len(latencies):
            raise RuntimeError(f"portal answered {sorted(set(failures))} to every request")
        # a failed page is counted (and reported), not a reason to stop measuring
        pages = len(latencies)
        self.rate = pages / elapsed
        self.latencies = latencies
        self.failed = len(failures)
        self.browsers_ms = sum(client_cpu) / pages * 1000
        self.host_ms = (process_cpu - sum(client_cpu)) / pages * 1000
        self.azurite_ms = storage_cpu / pages * 1000

    @property
    def all_ms(self) -> float:
        return self.host_ms + self.browsers_ms + self.azurite_ms

    def cpu(self) -> dict[str, float]:
        return {
            "host": round(self.host_ms, 2),
            "browsers": round(self.browsers_ms, 2),
            "azurite": round(self.azurite_ms, 2),
        }


def _host() -> LocalHost:
    """The app on the local host, HTTP only: no queue polling or timers beside the pages."""
    host = LocalHost(ROOT / "function_app.py", HostConfig.load(ROOT / "host.json"), port=0)
    for spec in host.specs.values():
        if spec.kind != "httpTrigger":
            os.environ[f"AzureWebJobs.{spec.name}.Disabled"] = "true"
    host.start()
    return host


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
    per_worker = max(10, int(100 * scale))
    host = _host()
    try:
        tokens = _seed(CONCURRENCY)
        _Load(host.url, tokens, 2, 5)  # warm up: imports, connections, tables
        one = _Load(host.url, tokens, 1, per_worker * 2)
        many = _Load(host.url, tokens, CONCURRENCY, per_worker)
    finally:
        host.stop()
    # the same load on a pool of one thread per browser: what the wait for a worker costs
    os.environ["PYTHON_THREADPOOL_THREAD_COUNT"] = str(CONCURRENCY)
    wide = _host()
    try:
        _Load(wide.url, tokens, 2, 5)
        wide_many = _Load(wide.url, tokens, CONCURRENCY, per_worker)
    finally:
        wide.stop()
    try:
        page = _in_process(tokens[0])
    finally:
        bootstrap.reset()
        os.environ.clear()
        os.environ.update(saved)
    cpus = os.cpu_count() or 1
    return {
        "benchmark": "portal_overview",
        "concurrent_clients": CONCURRENCY,
        "worker_threads": min(32, cpus + 4),
        "requests": len(many.latencies),
        "p50_ms": round(_p(many.latencies, 50), 1),
        "single_client_p50_ms": round(_p(one.latencies, 50), 1),
        "failed_pages": {
            "single": one.failed,
            "concurrent": many.failed,
            "concurrent_20_workers": wide_many.failed,
        },
        # CPU ms per page by where it was spent, over HTTP (host: the local host and the app;
        # browsers: the load generator's threads, in the same process; azurite: storage)
        "cpu_ms_per_page_over_http": {"single": one.cpu(), "concurrent": many.cpu()},
        "figures": {
            "p95_ms_20_concurrent": figure(
                _p(many.latencies, 95),
                _p(one.latencies, 95),
                unit="ms, p95 latency with 20 browsers at once (local host, default worker pool)",
                baseline_is="one browser at a time",
                goal="ratio <= 2",
                digits=1,
            ),
            "pages_per_second_20_concurrent": figure(
                many.rate,
                one.rate,
                unit="pages/s with 20 browsers at once",
                baseline_is="one browser at a time",
                digits=1,
            ),
            "p95_ms_20_concurrent_20_workers": figure(
                _p(wide_many.latencies, 95),
                _p(one.latencies, 95),
                unit=f"ms, p95 with 20 browsers on a pool of 20 worker threads ({wide_many.rate:.1f} pages/s)",
                baseline_is="one browser at a time (default pool)",
                digits=1,
            ),
            "cpu_bound_p50_ms_20_concurrent": figure(
                CONCURRENCY * many.all_ms / cpus,
                _p(many.latencies, 50),
                unit=(
                    f"ms: 20 pages' CPU (host, browsers and Azurite, {many.all_ms:.1f} ms a "
                    f"page) over {cpus} CPUs, the least a browser waits when every CPU serves "
                    "the 20 (closed loop)"
                ),
                baseline_is="the measured p50 with 20 browsers at once",
            ),
            "gil_bound_p50_ms_20_concurrent": figure(
                CONCURRENCY * (many.host_ms + many.browsers_ms),
                _p(many.latencies, 50),
                unit=(
                    "ms: 20 pages' CPU in the one Python process (host and browsers, "
                    f"{many.host_ms + many.browsers_ms:.1f} ms a page), which one GIL serialises"
                ),
                baseline_is="the measured p50 with 20 browsers at once",
            ),
            "cpu_ms_per_page": figure(
                page["cpu_ms"],
                page["bare_reads_cpu_ms"],
                unit="ms of process CPU per page, in process, pages one after another",
                baseline_is="as many bare storage point reads through the same clients",
                goal="value <= 5",
            ),
            **(
                {
                    "cpu_ms_per_page_claims_replayed": figure(
                        page["replayed_cpu_ms"],
                        page["bare_reads_cpu_ms"],
                        unit=(
                            "ms of process CPU per page, in process, each page's claims "
                            "replayed (as on a view after a payment or on a new day)"
                        ),
                        baseline_is="as many bare storage point reads through the same clients",
                        goal="value <= 5",
                    )
                }
                if page["replayed_cpu_ms"] is not None
                else {}
            ),
            "round_trips_per_page": figure(
                page["round_trips"],
                page["requests"],
                unit="storage round trips per page (waves of requests waiting on the one before)",
                baseline_is="storage requests per page (each after the previous: the shape before)",
                goal="value <= 3",
            ),
        },
    }
