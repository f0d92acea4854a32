"""/api/v1/health answers within seconds when storage hangs (ops6 #2): the checks run at the
same time and the report is written at the deadline, a check still waiting says ``timeout``."""

from __future__ import annotations

import threading
import time

import pytest

from shared.services.operations.health import HealthService


def test_a_hung_check_is_reported_as_timeout_at_the_deadline(
    world, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def hung(*args, **kwargs):
        release.wait(30)  # storage that never answers (the SDK would retry for minutes)
        raise ConnectionError("storage unreachable")

    monkeypatch.setattr(world.services.files, "names", hung)
    monkeypatch.setattr(world.services.queues, "depth", hung, raising=False)
    service = HealthService(
        world.services.repos.store,
        world.services.files,
        world.services.queues,
        world.clock,
        deadline=0.5,
    )
    started = time.monotonic()
    try:
        healthy, report = service.check()
    finally:
        release.set()
    assert time.monotonic() - started < 3
    assert not healthy and report["status"] == "failing"
    assert report["checks"]["blobs"]["error"] == "timeout"
    assert report["checks"]["queues"]["error"] == "timeout"
    assert report["checks"]["tables"]["ok"]


def test_the_checks_run_at_the_same_time(world, monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_names(*args, **kwargs):
        time.sleep(0.6)
        return []

    def slow_depth(*args, **kwargs):
        time.sleep(0.6)
        return 0

    monkeypatch.setattr(world.services.files, "names", slow_names)
    monkeypatch.setattr(world.services.queues, "depth", slow_depth, raising=False)
    started = time.monotonic()
    healthy, report = HealthService(
        world.services.repos.store, world.services.files, world.services.queues, world.clock
    ).check()
    assert healthy, report
    assert time.monotonic() - started < 1.1  # not 1.2 s one after another


def test_the_route_says_503_quickly_when_blobs_hang(world, monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.services.operations import health

    monkeypatch.setattr(health, "DEADLINE_SECONDS", 0.5)
    release = threading.Event()

    def hung(*args, **kwargs):
        release.wait(30)
        return []

    monkeypatch.setattr(world.services.files, "names", hung)
    started = time.monotonic()
    try:
        reply = world.agency_a.as_key("").call("GET", "/v1/health")
    finally:
        release.set()
    assert reply.status == 503
    assert reply.body["checks"]["blobs"]["error"] == "timeout"
    assert reply.body["statutory_rates"] is None  # not read from the storage that hangs
    assert time.monotonic() - started < 3
