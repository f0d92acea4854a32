"""The local host's timers survive storage errors, as the real host's listener does (ops6 #12)."""

from __future__ import annotations

import threading
import time
from datetime import datetime

from azure.functions.timer import TimerRequest

from tools.devhost.ncrontab import Schedule
from tools.devhost.timers import TimerRunner


class FlakyMonitor:
    """A status blob whose storage is away for the first few calls."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.reads = 0
        self.writes = 0

    def read(self, name: str) -> dict[str, datetime] | None:
        self.reads += 1
        if self.reads <= self.failures:
            raise ConnectionError("storage unreachable")
        return None

    def write(self, name: str, last: datetime, next_: datetime, now: datetime) -> None:
        self.writes += 1
        if self.writes <= self.failures:
            raise ConnectionError("storage unreachable")


def test_a_timer_keeps_its_schedule_after_storage_errors() -> None:
    runs: list[float] = []
    monitor = FlakyMonitor(failures=2)
    errors: list[BaseException | None] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: errors.append(args.exc_value)
    try:
        runner = TimerRunner(
            "watch_operations",
            Schedule.parse("* * * * * *"),
            lambda request: runs.append(time.monotonic()),
            monitor,  # type: ignore[arg-type]
            run_on_startup=False,
        )
        runner.start()
        deadline = time.monotonic() + 8
        while len(runs) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        alive = runner._thread.is_alive()
        runner.stop()
    finally:
        threading.excepthook = previous
    assert errors == []
    assert alive
    assert len(runs) >= 4  # it fired through the failed reads and writes and went on
    assert monitor.writes > monitor.failures


def test_a_failing_function_does_not_stop_the_timer() -> None:
    calls: list[int] = []

    def handle(request: TimerRequest) -> None:
        calls.append(1)
        raise RuntimeError("the function failed")

    runner = TimerRunner(
        "backup_tables", Schedule.parse("* * * * * *"), handle, None, run_on_startup=False
    )
    runner.start()
    deadline = time.monotonic() + 6
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    runner.stop()
    assert len(calls) >= 2
