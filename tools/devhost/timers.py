"""Timer triggers: NCRONTAB in UTC, the schedule monitor's status blob, one past-due
catch-up at start, ``runOnStartup``, no overlap, no retry after a failure.

The status follows the real host (Azure/azure-webjobs-sdk-extensions ``TimerListener``,
``ScheduleMonitor.CheckPastDueAsync``): a timer without a status writes {Next = next(now),
LastUpdated = now} at start, so a host stopped before the first occurrence and started after
it catches it up once, past due; after a run Last is the invocation (the scheduled time when
it fired early) and Next = next(Last), and the next fire waits for that Next, so a run longer
than the interval is followed at once by one more. Before, nothing was written until the
first fire and Next was computed from the run's end: a missed first occurrence was never
caught up, and an overrun read as a schedule change at the next start (ops16 #5).

Like the real host's listener, a timer outlives storage errors: a status blob that cannot be
read or written (Azurite stopped for a while) is logged and the timer keeps its schedule; it
never ends the timer's thread."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.functions.timer import TimerRequest
from azure.storage.blob import BlobServiceClient

from tools.devhost.ncrontab import Schedule

log = logging.getLogger("devhost.timers")
HOSTS_CONTAINER = "azure-webjobs-hosts"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class ScheduleMonitor:
    """``azure-webjobs-hosts/timers/{hostId}/{name}/status`` = {"Last","Next","LastUpdated"}."""

    def __init__(self, blobs: BlobServiceClient, host_id: str) -> None:
        self.container = blobs.get_container_client(HOSTS_CONTAINER)
        self.host_id = host_id
        try:
            self.container.create_container()
        except ResourceExistsError:
            pass

    def _blob(self, name: str) -> Any:
        return self.container.get_blob_client(f"timers/{self.host_id}/{name}/status")

    def read(self, name: str) -> dict[str, datetime] | None:
        try:
            data = json.loads(self._blob(name).download_blob().readall())
        except ResourceNotFoundError:
            return None
        return {k: _parse(v) for k, v in data.items() if v}

    def write(self, name: str, last: datetime | None, next_: datetime, now: datetime) -> None:
        """``last`` None: the timer has not fired yet (the real host's default DateTime)."""
        body = {"Last": _iso(last) if last else None, "Next": _iso(next_), "LastUpdated": _iso(now)}
        self._blob(name).upload_blob(json.dumps(body), overwrite=True)


class _Unread(Exception):
    """The status could not be read (storage away): nothing is decided or written from it."""


class TimerRunner:
    def __init__(
        self,
        name: str,
        schedule: Schedule,
        handle: Callable[[TimerRequest], None],
        monitor: ScheduleMonitor | None,
        *,
        run_on_startup: bool,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.name = name
        self.schedule = schedule
        self.handle = handle
        self.monitor = monitor
        self.run_on_startup = run_on_startup
        self.now = now
        self.lock = threading.Lock()  # one invocation at a time
        # the listener's ScheduleStatus: what the next fire waits for (kept without a monitor too)
        self._status: dict[str, datetime] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"timer-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _read(self) -> dict[str, datetime] | None:
        if self.monitor is None:
            return None
        try:
            return self.monitor.read(self.name)
        except Exception as exc:  # storage away: the function still runs, without a status
            log.warning("timer '%s': could not read its schedule status", self.name, exc_info=True)
            raise _Unread from exc

    def _write(self, last: datetime | None, next_: datetime, updated: datetime) -> None:
        status = {"Next": next_, "LastUpdated": updated} | ({"Last": last} if last else {})
        self._status = status  # the schedule lives on here even when the blob is not written
        if self.monitor is None:
            return
        try:
            self.monitor.write(self.name, last, next_, updated)
        except Exception:  # the next fire writes it again
            log.warning("timer '%s': could not write its schedule status", self.name,
                        exc_info=True)  # fmt: skip

    def fire(self, *, past_due: bool, scheduled: bool = False) -> bool:
        """Run the function once. ``scheduled``: the occurrence the timer waited for (an early
        wake-up counts as that occurrence, as the real host's adjusted invocation time)."""
        with self.lock:
            started = self.now()
            status = self._status
            if status is None:
                try:
                    status = self._read()
                except _Unread:
                    status = None
            request = TimerRequest(
                past_due=past_due,
                schedule_status={k: _iso(v) for k, v in (status or {}).items() if v},
                schedule={"AdjustForDST": True},
            )
            ok = True
            try:
                log.info("Executing '%s' (timer, past due: %s)", self.name, past_due)
                self.handle(request)
            except Exception:
                ok = False
                log.exception("timer '%s' failed; it runs again at its next occurrence", self.name)
            # Last is the invocation, not the run's end: Next = next(Last), as the real host
            # writes it, so the next start does not read it as a schedule change
            last = started
            if scheduled and self._status is not None and self._status["Next"] > started:
                last = self._status["Next"]
            self._write(last, self.schedule.next_after(last), last)
            return ok

    def past_due_at_start(self) -> bool:
        """The real host's CheckPastDueAsync: with no status, the initial one is written (Next =
        next(now)) and nothing is past due; a Next that does not follow from Last (or, before
        the first fire, from LastUpdated) is a schedule change: recomputed, not past due."""
        now = self.now()
        try:
            status = self._read()
        except _Unread:
            return False  # decided again at the next start; the loop keeps the schedule
        if self.monitor is None:
            return False
        status = {k: v for k, v in (status or {}).items() if v}  # Last: none before a fire
        if not status.get("Next"):
            self._write(None, self.schedule.next_after(now), now)
            return False
        basis = status.get("Last") or status.get("LastUpdated") or now
        expected = self.schedule.next_after(basis)
        if status["Next"] != expected:
            if now > expected:
                expected, basis = self.schedule.next_after(now), now
            self._write(None, expected, basis)
            return False
        self._status = status
        return now > status["Next"]

    def _run(self) -> None:
        try:
            self._loop()
        except Exception:  # never expected; logged so a dead timer is never silent
            log.exception("timer '%s' stopped", self.name)

    def _loop(self) -> None:
        if self.past_due_at_start():
            self.fire(past_due=True)
        elif self.run_on_startup:
            self.fire(past_due=False)
        while not self._stop.is_set():
            # the recorded Next: an overrun past it fires at once (GetNextTimerInterval's tick)
            status = self._status
            due = status["Next"] if status else self.schedule.next_after(self.now())
            while not self._stop.is_set():
                remaining = (due - self.now()).total_seconds()
                if remaining <= 0:
                    break
                self._stop.wait(min(remaining, 1.0))
            if self._stop.is_set():
                return
            try:
                self.fire(past_due=False, scheduled=True)
            except Exception:  # whatever went wrong, the schedule goes on (as in Azure)
                log.exception("timer '%s': invocation failed outside the function", self.name)
