"""``GET /api/v1/health``: can the app reach its storage (tables, queues, blobs), and when did
a dunning run last succeed? The availability test (infra/app/alerts.bicep) calls it every five
minutes; anything but 200 raises an alert.

The endpoint is public (the availability test calls it from outside), so the answer names no
client and no data: check names, durations, the run's age and how many clients are behind.

With storage down the answer must still come quickly (ops6 #2): the three checks run at the
same time on clients that do not retry (shared/adapters/health_probes.py), and the report is
written at :data:`DEADLINE_SECONDS` whatever is still waiting (that check says ``timeout``).
The probes run on a small pool of their own, so a hung storage call never holds more than
:data:`PROBE_THREADS` threads, however often the route is called; the runs' summary (a row per
client) is read at most every :data:`AGES_TTL` seconds, a call between makes one point read."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from shared.api.http import ApiResponse
from shared.clock import Clock
from shared.ports.files import FileStore
from shared.ports.tables import TableStore

CLIENT_RUNS = "ClientRuns"  # shared.adapters.tables.dunning_repo: one row per client, pk "runs"
PROBE_CONTAINER = "statements"
PROBE_QUEUE = "dunning-run"
# the daily run fires once a day; 26 hours leave room for a slow run and a late timer
RUN_TOO_OLD = timedelta(hours=26)
CLIENT_STALE = timedelta(days=1)
# the availability test gives up after 30 s and the runbook's first look is this JSON
DEADLINE_SECONDS = 5.0
PROBE_THREADS = 6
_pool = ThreadPoolExecutor(max_workers=PROBE_THREADS, thread_name_prefix="health-probe")


class QueueDepths(Protocol):
    def depth(self, queue: str) -> int: ...


@dataclass(frozen=True)
class RunAges:
    last_success: datetime | None
    clients: int
    stale_clients: int  # last success older than a day, or never, among clients that ran


def run_ages(store: TableStore, now: datetime) -> RunAges:
    """Over the ``ClientRuns`` index: the newest success of any client, and how many clients
    are behind. One partition, one row per client."""
    newest: datetime | None = None
    clients = stale = 0
    continuation: str | None = None
    while True:
        page = store.query(CLIENT_RUNS, pk="runs", continuation=continuation)
        for row in page.rows:
            clients += 1
            success = row.data.get("LastSuccessAt")
            if success is None or now - success > CLIENT_STALE:
                stale += 1
            if success is not None and (newest is None or success > newest):
                newest = success
        continuation = page.continuation
        if not continuation:
            return RunAges(newest, clients, stale)


class _AgesMemo:
    """The ``ClientRuns`` summary for :data:`AGES_TTL` seconds per store (attack7 #8): the
    endpoint is anonymous, and a scan of one row per client on every call would let anyone
    drive the partition every client's run writes its status to. A call within the window
    still makes one point read, so the tables check stays a real storage request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._memo: weakref.WeakKeyDictionary[object, tuple[float, datetime, RunAges]] = (
            weakref.WeakKeyDictionary()
        )

    def ages(self, store: TableStore, now: datetime) -> RunAges:
        with self._lock:
            held = self._memo.get(store)
        if held is not None:
            at, then, ages = held
            if time.monotonic() - at < AGES_TTL and abs(now - then) < timedelta(seconds=AGES_TTL):
                store.get(CLIENT_RUNS, "runs", "~health")  # storage answers, or the check fails
                return ages
        fresh = run_ages(store, now)
        with self._lock:
            self._memo[store] = (time.monotonic(), now, fresh)
        return fresh


AGES_TTL = 30.0
_ages = _AgesMemo()


class HealthService:
    def __init__(
        self,
        store: TableStore,
        files: FileStore,
        queues: object,
        clock: Clock,
        *,
        deadline: float | None = None,
    ) -> None:
        self.store = store
        self.files = files
        self.queues = queues
        self.clock = clock
        self.deadline = DEADLINE_SECONDS if deadline is None else deadline

    def check(self) -> tuple[bool, dict[str, Any]]:
        """(healthy, report)."""
        checks: dict[str, dict[str, Any]] = {}
        ages: list[RunAges] = []
        now = self.clock.now()

        def tables() -> None:
            ages.append(_ages.ages(self.store, now))

        def queues() -> None:
            depth = getattr(self.queues, "depth", None)
            if depth is None:
                raise RuntimeError("the queue adapter cannot report depths")
            depth(PROBE_QUEUE)

        def blobs() -> None:
            self.files.names(PROBE_CONTAINER, prefix="~health-probe/")

        probes = {"tables": tables, "queues": queues, "blobs": blobs}
        started = time.perf_counter()
        running: dict[str, Future[dict[str, Any]]] = {
            name: _pool.submit(_timed, probe) for name, probe in probes.items()
        }
        wait(list(running.values()), timeout=self.deadline)
        for name, future in running.items():
            if future.done():
                checks[name] = future.result()
            else:  # still waiting on storage: that is the answer
                future.cancel()
                checks[name] = {"ok": False, "error": "timeout",
                                "ms": round((time.perf_counter() - started) * 1000)}  # fmt: skip
        healthy = all(c["ok"] for c in checks.values())
        report: dict[str, Any] = {"checks": checks}
        if ages:
            run = ages[0]
            age = (now - run.last_success).total_seconds() if run.last_success else None
            report["dunning"] = {
                "last_success_age_seconds": None if age is None else round(age),
                "stale_clients": run.stale_clients,
            }
            if run.last_success is not None and now - run.last_success > RUN_TOO_OLD:
                healthy = False
                report["dunning"]["problem"] = "no successful dunning run for over 26 hours"
        report["status"] = "ok" if healthy else "failing"
        return healthy, report


def _timed(probe: Callable[[], None]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        probe()
    except Exception as exc:  # any failure of a storage call is the answer, not a crash
        return {"ok": False, "error": type(exc).__name__,
                "ms": round((time.perf_counter() - started) * 1000)}  # fmt: skip
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000)}


def health_response(services: Any) -> ApiResponse:
    """The API's answer: 200 with the report when healthy, 503 otherwise (no caching)."""

    store, files, queues = services.health_stores
    healthy, report = HealthService(store, files, queues, services.clock).check()
    return ApiResponse(status=200 if healthy else 503, body=report,
                       headers={"Cache-Control": "no-store"})  # fmt: skip
