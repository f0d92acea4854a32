"""The local host itself: routes, queue retries and poison, timers, blob triggers, admin."""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient

from tools.devhost.config import HostConfig
from tools.devhost.host import LocalHost
from tools.devhost.ncrontab import Schedule
from tools.devhost.timers import ScheduleMonitor

SAMPLE = Path(__file__).with_name("sample")


@pytest.fixture
def host(storage_connection, monkeypatch) -> Iterator[LocalHost]:
    monkeypatch.setenv("AzureWebJobsStorage", storage_connection)
    suffix = time.time_ns() % 10**8
    for name in ("WORK", "DONE", "TICKS", "SEEN"):
        monkeypatch.setenv(f"{name}_QUEUE", f"{name.lower()}-{suffix}")
    monkeypatch.setenv("TICK_SCHEDULE", "*/2 * * * * *")
    monkeypatch.setenv("AzureFunctionsWebHost__hostid", f"h{time.time_ns() % 10**8}")
    h = LocalHost(
        SAMPLE / "function_app.py",
        HostConfig.load(SAMPLE / "host.json"),
        port=0,
        blob_scan_interval=0.2,
    )
    h.start()
    yield h
    h.stop()


def queue(conn: str, name: str):
    client = QueueServiceClient.from_connection_string(conn).get_queue_client(name)
    try:
        client.create_queue()
    except Exception:
        pass
    return client


def drain(client, expect: int, timeout: float = 20.0) -> list[str]:
    got: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(got) < expect:
        for m in client.receive_messages(max_messages=32, visibility_timeout=60):
            got.append(base64.b64decode(m.content).decode())
            client.delete_message(m)
        time.sleep(0.1)
    return got


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_http_routes_with_templates_and_prefix(host):
    r = httpx.get(f"{host.url}/api/echo/42/a/b%2Fc?x=1")
    assert r.status_code == 200
    assert r.json() == {"id": "42", "rest": "a/b%2Fc", "q": {"x": "1"}}
    assert httpx.get(f"{host.url}/api/echo/notanint/x").status_code == 404
    assert httpx.delete(f"{host.url}/api/echo/1/x").status_code == 404
    assert httpx.post(f"{host.url}/api/nothing").status_code == 204
    assert httpx.get(f"{host.url}/admin/host/status").json() == {"state": "Running"}


def test_queue_success_runs_once_and_writes_output(host, storage_connection):
    work = queue(storage_connection, os.environ["WORK_QUEUE"])
    done = queue(storage_connection, os.environ["DONE_QUEUE"])
    drain(done, 0, timeout=0.1)
    for i in range(6):
        work.send_message(b64(f"job-{i}"))
    results = [json.loads(x) for x in drain(done, 6)]
    assert sorted(r["body"] for r in results) == [f"job-{i}" for i in range(6)]
    assert all(r["tries"] == 1 for r in results)
    time.sleep(0.5)
    assert drain(done, 1, timeout=0.5) == []


def test_failing_message_goes_to_poison_after_max_dequeue_count(host, storage_connection):
    name = os.environ["WORK_QUEUE"]
    work = queue(storage_connection, name)
    poison = queue(storage_connection, f"{name}-poison")
    work.send_message(b64("fail please"))
    moved = drain(poison, 1)
    assert moved == ["fail please"]
    assert work.peek_messages() == []


def test_undecodable_message_goes_straight_to_poison(host, storage_connection):
    name = os.environ["WORK_QUEUE"]
    work = queue(storage_connection, name)
    poison = queue(storage_connection, f"{name}-poison")
    work.send_message("this is not base64!")
    deadline = time.monotonic() + 10
    raw: list[str] = []
    while time.monotonic() < deadline and not raw:
        raw = [m.content for m in poison.receive_messages()]
        time.sleep(0.1)
    assert raw == ["this is not base64!"]


def test_timer_fires_on_schedule_and_writes_status(host, storage_connection):
    ticks = queue(storage_connection, os.environ["TICKS_QUEUE"])
    got = [json.loads(x) for x in drain(ticks, 2, timeout=8)]
    assert len(got) >= 2 and not any(t["past_due"] for t in got)
    monitor = ScheduleMonitor(
        BlobServiceClient.from_connection_string(storage_connection), host.host_id
    )
    deadline = time.monotonic() + 5
    status = monitor.read("tick")
    while status is None and time.monotonic() < deadline:
        time.sleep(0.2)
        status = monitor.read("tick")
    assert status is not None and status["Next"] > status["Last"]


def test_blob_fires_once_per_new_or_changed_blob(host, storage_connection):
    seen = queue(storage_connection, os.environ["SEEN_QUEUE"])
    drain(seen, 0, timeout=0.1)
    container = BlobServiceClient.from_connection_string(storage_connection).get_container_client(
        "inbox"
    )
    name = f"file-{time.time_ns()}.txt"
    container.upload_blob(name, b"hello")
    first = drain(seen, 1)
    assert [json.loads(x)["name"] for x in first] == [f"inbox/{name}"]
    time.sleep(1.0)
    assert drain(seen, 1, timeout=0.5) == []  # not again
    container.upload_blob(name, b"hello again", overwrite=True)
    second = [json.loads(x) for x in drain(seen, 1)]
    assert second[0]["size"] == len(b"hello again")


def test_admin_endpoint_runs_non_http_functions(host, storage_connection):
    done = queue(storage_connection, os.environ["DONE_QUEUE"])
    drain(done, 0, timeout=0.1)
    r = httpx.post(
        f"{host.url}/admin/functions/work",
        json={"input": "by hand"},
        headers={"x-devhost-wait": "true"},
    )
    assert r.status_code == 200 and r.json()["status"] == "succeeded"
    assert json.loads(drain(done, 1)[0])["body"] == "by hand"
    r = httpx.post(f"{host.url}/admin/functions/tick", json={"input": ""})
    assert r.status_code == 202
    assert httpx.post(f"{host.url}/admin/functions/echo", json={}).status_code == 400
    assert httpx.post(f"{host.url}/admin/functions/nope", json={}).status_code == 404


def test_past_due_timer_fires_once_at_start(storage_connection):
    monitor = ScheduleMonitor(
        BlobServiceClient.from_connection_string(storage_connection), "pastdue"
    )
    schedule = Schedule.parse("0 0 6 * * *")
    last = datetime.now(UTC) - timedelta(days=3)
    monitor.write("daily", last, schedule.next_after(last), last)
    fired: list[bool] = []
    from tools.devhost.timers import TimerRunner

    runner = TimerRunner(
        "daily", schedule, lambda req: fired.append(req.past_due), monitor, run_on_startup=False
    )
    runner.start()
    time.sleep(0.5)
    runner.stop()
    assert fired == [True]


def test_a_first_start_writes_the_status_the_real_host_writes(storage_connection):
    """ops16 #5: {Last: null, Next: next(now), LastUpdated: now} in the status blob at a first
    start, read back at the next start as a missed occurrence to catch up once."""
    monitor = ScheduleMonitor(
        BlobServiceClient.from_connection_string(storage_connection), "firststart"
    )
    from tools.devhost.timers import TimerRunner

    schedule = Schedule.parse("0 0 6 * * *")
    first = datetime(2026, 12, 2, 5, 50, tzinfo=UTC)
    runner = TimerRunner(
        "daily", schedule, lambda req: None, monitor, run_on_startup=False, now=lambda: first
    )
    assert runner.past_due_at_start() is False
    blob = monitor._blob("daily").download_blob().readall()
    assert json.loads(blob) == {
        "Last": None, "Next": "2026-12-02T06:00:00Z", "LastUpdated": "2026-12-02T05:50:00Z"
    }  # fmt: skip
    later = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    again = TimerRunner(
        "daily", schedule, lambda req: None, monitor, run_on_startup=False, now=lambda: later
    )
    assert again.past_due_at_start() is True


def test_schedule_change_is_not_past_due(storage_connection):
    monitor = ScheduleMonitor(
        BlobServiceClient.from_connection_string(storage_connection), "changed"
    )
    old = Schedule.parse("0 0 6 * * *")
    last = datetime.now(UTC) - timedelta(days=3)
    monitor.write("daily", last, old.next_after(last), last)
    from tools.devhost.timers import TimerRunner

    runner = TimerRunner(
        "daily", Schedule.parse("0 30 7 * * *"), lambda req: None, monitor, run_on_startup=False
    )
    assert runner.past_due_at_start() is False


def test_admin_routes_are_refused_for_functions(tmp_path):
    from tools.devhost.index import IndexError_, index, load_app

    script = tmp_path / "function_app.py"
    script.write_text(
        "import azure.functions as func\n"
        "app = func.FunctionApp()\n"
        "@app.route(route='admin/x')\n"
        "def f(req): return None\n"
    )
    with pytest.raises(IndexError_, match="admin"):
        index(load_app(script))


def test_a_hundred_concurrent_posts_all_answered(host):
    """Each of 100 clients opens its own connection at the same moment and POSTs: none is
    reset or refused (the listen backlog and the worker pool absorb the burst)."""
    import threading

    clients = 100
    start = threading.Barrier(clients)
    results: list[object] = [None] * clients

    def post(i: int) -> None:
        with httpx.Client(timeout=60) as http:
            start.wait()
            try:
                r = http.post(f"{host.url}/api/echo/{i}/x", content=b"x" * 2048)
                results[i] = (r.status_code, r.json()["id"])
            except httpx.HTTPError as exc:
                results[i] = repr(exc)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [(200, str(i)) for i in range(clients)]
