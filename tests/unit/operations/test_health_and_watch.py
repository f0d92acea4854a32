"""/api/v1/health checks storage and the age of the last successful dunning run; the watch
timer reports poison-queue depths and clients behind, the figures the alerts read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from shared.adapters.tables.dunning_repo import RunRecord
from shared.ports.tables import StorageError
from shared.services.operations import watch as watch_module
from shared.services.operations.health import HealthService
from shared.telemetry import metrics
from tests.support.code_scan import ROOT
from tests.support.otel import metric_points


def run(world, client_id: str, at: datetime, ok: bool = True) -> None:
    world.services.repos.dunning.save_run(
        RunRecord(
            client_id,
            f"r-{client_id}-{at:%H%M}",
            at.date(),
            at,
            at if ok else None,
            1,
            1,
            () if ok else ("boom",),
        )
    )


def test_health_without_any_run_yet_is_ok(world) -> None:
    reply = world.agency_a.as_key("").call("GET", "/v1/health")
    assert reply.status == 200, reply.body
    assert reply.body["status"] == "ok"
    assert {k: v["ok"] for k, v in reply.body["checks"].items()} == {
        "tables": True,
        "queues": True,
        "blobs": True,
    }
    assert reply.body["dunning"] == {
        "last_success_age_seconds": None,
        "stale_clients": 0,
    }


def test_health_reports_the_age_of_the_last_successful_run(world) -> None:
    now = world.clock.now()
    run(world, "c1", now - timedelta(hours=3))
    run(world, "c2", now - timedelta(days=3))
    reply = world.agency_a.call("GET", "/v1/health")
    assert reply.status == 200
    assert reply.body["dunning"] == {
        "last_success_age_seconds": 3 * 3600,
        "stale_clients": 1,
    }


def test_health_fails_when_no_run_succeeded_for_over_26_hours(world) -> None:
    now = world.clock.now()
    run(world, "c1", now - timedelta(hours=30))
    run(world, "c1", now - timedelta(hours=1), ok=False)  # a failed run is no success
    reply = world.agency_a.call("GET", "/v1/health")
    assert reply.status == 503
    assert reply.body["status"] == "failing"
    assert "26 hours" in reply.body["dunning"]["problem"]


def test_health_fails_when_storage_fails(world, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise StorageError("table service unreachable")

    monkeypatch.setattr(world.services.files, "names", broken)
    service = HealthService(
        world.services.repos.store, world.services.files, world.services.queues, world.clock
    )
    healthy, report = service.check()
    assert not healthy
    assert report["checks"]["blobs"] == {
        "ok": False,
        "error": "StorageError",
        "ms": report["checks"]["blobs"]["ms"],
    }
    assert report["checks"]["tables"]["ok"] and report["checks"]["queues"]["ok"]


@pytest.fixture
def reader() -> Iterator[InMemoryMetricReader]:
    r = InMemoryMetricReader()
    metrics.use(MeterProvider(metric_readers=[r]))
    yield r
    metrics.use(None)


def test_watch_reports_poison_depths_and_stale_clients(world, reader: InMemoryMetricReader) -> None:
    now = world.clock.now()
    run(world, "c1", now - timedelta(days=2))
    queues = world.services.queues
    queues.send("send-sms-poison", '{"client_id": "c1", "key": "k"}')
    queues.send("mollie-webhook-poison", '{"id": "tr_1"}')
    queues.send("mollie-webhook-poison", '{"id": "tr_2"}')
    report = watch_module.watch(world.services.repos.store, queues, world.clock)
    assert report.poison["send-sms-poison"] == 1 and report.poison["mollie-webhook-poison"] == 2
    assert report.poison["send-email-poison"] == 0
    assert report.stale_clients == 1
    points = metric_points(reader)
    assert points[("inning.queue.poison_depth", (("queue", "mollie-webhook-poison"),))] == 2
    assert points[("inning.dunning.stale_clients", ())] == 1


def test_the_watch_covers_every_poison_queue_of_the_bicep() -> None:
    import re

    storage = (ROOT / "infra" / "app" / "storage.bicep").read_text()
    declared = set(re.findall(r"'([a-z-]+-poison)'", storage))
    assert declared == set(watch_module.POISON_QUEUES)


def test_anonymous_health_calls_do_not_scan_every_client_each_time(world) -> None:
    """attack7 #8: the public endpoint read one row per client on every call; now the summary
    is kept for AGES_TTL seconds and a call within it makes one point read."""
    now = world.clock.now()
    for n in range(300):
        run(world, f"client-{n:04d}", now - timedelta(hours=2))
    store = world.store
    read = {"rows": 0, "gets": 0}
    query, get = store.query, store.get

    def counting_query(table, *args, **kwargs):  # type: ignore[no-untyped-def]
        page = query(table, *args, **kwargs)
        if table == "ClientRuns":
            read["rows"] += len(page.rows)
        return page

    def counting_get(table, *args, **kwargs):  # type: ignore[no-untyped-def]
        if table == "ClientRuns":
            read["gets"] += 1
        return get(table, *args, **kwargs)

    store.query, store.get = counting_query, counting_get
    anonymous = world.agency_a.as_key("")
    replies = [anonymous.call("GET", "/v1/health") for _ in range(5)]
    assert {r.status for r in replies} == {200}
    assert all(r.body["dunning"]["last_success_age_seconds"] == 7200 for r in replies)
    assert read["rows"] == 300  # one scan, not five
    assert read["gets"] == 4  # the other four calls still ask storage something
    # a day later (a clock that moved on) the summary is read again
    world.clock.at = now + timedelta(days=1)
    reply = anonymous.call("GET", "/v1/health")
    assert reply.body["dunning"]["stale_clients"] == 300 and read["rows"] == 600


def test_no_complete_backup_at_all_pages_like_one_too_old(
    world, reader: InMemoryMetricReader
) -> None:
    """ops16 #3: with no complete backup (a new deployment, every night's export stopping at its
    budget, the container emptied) the watch recorded no age, and the backup-missing alert's
    `summarize age = max(valueMax) | where age > 26` over no point gives a null age and no row:
    no backup, no page, though the alert says "or there is none"."""
    import re

    alerts = (ROOT / "infra" / "app" / "alerts.bicep").read_text()
    block = alerts[alerts.index("name: 'backup-missing'") :]
    query = re.search(r"query: '([^']*)'", block)
    assert query is not None
    threshold = re.search(
        r'name == "inning\.backup\.newest_age_hours".*where age > (\d+)', query[1]
    )
    assert threshold is not None, query[1]
    store = world.services.repos.store
    report = watch_module.watch(
        store, world.services.queues, world.clock, newest_backup=lambda: None
    )
    age = metric_points(reader)[("inning.backup.newest_age_hours", ())]
    assert report.backup_age_hours == age
    assert age > int(threshold[1])
    # a backup of the night before stays under the threshold: the sentinel is for none only
    finished = world.clock.now() - timedelta(hours=7)
    report = watch_module.watch(
        store, world.services.queues, world.clock, newest_backup=lambda: finished
    )
    assert report.backup_age_hours == 7.0
