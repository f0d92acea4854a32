"""The local host's timers survive storage errors, as the real host's listener does (ops6 #12)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

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


class MemoryMonitor:
    """The status blob, kept in memory (no Azurite)."""

    def __init__(self) -> None:
        self.status: dict[str, dict[str, datetime | None]] = {}

    def read(self, name: str) -> dict[str, datetime] | None:
        kept = self.status.get(name)
        return {k: v for k, v in kept.items() if v} if kept is not None else None

    def write(self, name: str, last: datetime | None, next_: datetime, now: datetime) -> None:
        self.status[name] = {"Last": last, "Next": next_, "LastUpdated": now}


def _briefly(runner: TimerRunner) -> None:
    runner.start()
    time.sleep(0.3)
    runner.stop()


def test_a_host_stopped_before_the_first_occurrence_catches_it_up_once() -> None:
    """ops16 #5 A: the real host writes {Next = next(now), LastUpdated = now} at a first start,
    so `make run` from 05:50 to 05:55 UTC and again at 07:00 runs daily_dunning once, past due.
    The local host wrote nothing before the first fire: no run that day."""
    monitor = MemoryMonitor()
    daily = Schedule.parse("0 0 6 * * *")
    fired: list[bool] = []

    def runner(at: datetime) -> TimerRunner:
        return TimerRunner("daily_dunning", daily, lambda r: fired.append(r.past_due), monitor,  # type: ignore[arg-type]
                           run_on_startup=False, now=lambda: at)  # fmt: skip

    _briefly(runner(datetime(2026, 12, 2, 5, 50, tzinfo=UTC)))
    assert monitor.status["daily_dunning"]["Next"] == datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    assert fired == []
    _briefly(runner(datetime(2026, 12, 2, 7, 0, tzinfo=UTC)))
    assert fired == [True]
    assert monitor.status["daily_dunning"]["Next"] == datetime(2026, 12, 3, 6, 0, tzinfo=UTC)


def test_the_status_follows_the_run_start_and_an_overrun_fires_again_at_once() -> None:
    """ops16 #5 B: after a run the real host writes Last = the invocation and Next = next(Last),
    and fires at once when that Next has passed. INBOUND_MAIL_SCHEDULE with a three-minute
    mailbox round from 10:00: the local host wrote Next 10:04 (from the run's end), read it as a
    schedule change at the next start (no past-due run) and waited for 10:04 after an overrun."""
    monitor = MemoryMonitor()
    every_two = Schedule.parse("0 */2 * * * *")
    clock = {"now": datetime(2026, 12, 2, 10, 0, tzinfo=UTC)}

    def slow_read(_request: TimerRequest) -> None:
        clock["now"] += timedelta(minutes=3)

    runner = TimerRunner("read_inbound_mail", every_two, slow_read, monitor,  # type: ignore[arg-type]
                         run_on_startup=False, now=lambda: clock["now"])  # fmt: skip
    runner.fire(past_due=False)
    status = monitor.status["read_inbound_mail"]
    assert (status["Last"], status["Next"]) == (
        datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
        datetime(2026, 12, 2, 10, 2, tzinfo=UTC),
    )
    clock["now"] = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
    assert runner.past_due_at_start() is True
    # started at 10:00:30 past due, the round runs to 10:03:30: the 10:02 occurrence fires at
    # once, and the next waits for 10:04
    calls: list[bool] = []

    def first_slow(request: TimerRequest) -> None:
        calls.append(request.past_due)
        if len(calls) == 1:
            clock["now"] += timedelta(minutes=3)

    monitor.write("overrun", datetime(2026, 12, 2, 9, 58, tzinfo=UTC),
                  datetime(2026, 12, 2, 10, 0, tzinfo=UTC), datetime(2026, 12, 2, 9, 58, tzinfo=UTC))  # fmt: skip
    clock["now"] = datetime(2026, 12, 2, 10, 0, 30, tzinfo=UTC)
    _briefly(TimerRunner("overrun", every_two, first_slow, monitor,  # type: ignore[arg-type]
                         run_on_startup=False, now=lambda: clock["now"]))  # fmt: skip
    assert calls == [True, False]
    assert monitor.status["overrun"]["Next"] == datetime(2026, 12, 2, 10, 4, tzinfo=UTC)


def test_a_manual_run_does_not_move_the_schedule() -> None:
    """The admin endpoint's run (`fire` without ``scheduled``) writes Last = its start and
    Next = the occurrence still to come: the scheduled run is neither skipped nor doubled."""
    monitor = MemoryMonitor()
    daily = Schedule.parse("0 0 6 * * *")
    at = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
    runner = TimerRunner("daily_dunning", daily, lambda r: None, monitor,  # type: ignore[arg-type]
                         run_on_startup=False, now=lambda: at)  # fmt: skip
    runner.fire(past_due=False)
    assert monitor.status["daily_dunning"]["Next"] == datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
