"""Timer triggers: NCRONTAB in UTC, the schedule monitor's status blob, one past-due
catch-up at start, ``runOnStartup``, no overlap, no retry after a failure.

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

    def write(self, name: str, last: datetime, next_: datetime, now: datetime) -> None:
        body = {"Last": _iso(last), "Next": _iso(next_), "LastUpdated": _iso(now)}
        self._blob(name).upload_blob(json.dumps(body), overwrite=True)


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
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"timer-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _read_status(self) -> dict[str, datetime] | None:
        if self.monitor is None:
            return None
        try:
            return self.monitor.read(self.name)
        except Exception:  # storage away: the function still runs, without a schedule status
            log.warning("timer '%s': could not read its schedule status", self.name, exc_info=True)
            return None

    def fire(self, *, past_due: bool) -> bool:
        with self.lock:
            started = self.now()
            status = self._read_status()
            request = TimerRequest(
                past_due=past_due,
                schedule_status={k: _iso(v) for k, v in (status or {}).items()},
                schedule={"AdjustForDST": True},
            )
            ok = True
            try:
                log.info("Executing '%s' (timer, past due: %s)", self.name, past_due)
                self.handle(request)
            except Exception:
                ok = False
                log.exception("timer '%s' failed; it runs again at its next occurrence", self.name)
            if self.monitor:
                try:
                    self.monitor.write(
                        self.name, started, self.schedule.next_after(self.now()), self.now()
                    )
                except Exception:  # the next fire writes it again; the schedule lives on here
                    log.warning("timer '%s': could not write its schedule status", self.name,
                                exc_info=True)  # fmt: skip
            return ok

    def past_due_at_start(self) -> bool:
        status = self._read_status()
        if not status or "Next" not in status or "Last" not in status:
            return False
        if self.schedule.next_after(status["Last"]) != status["Next"]:
            return False  # the schedule changed: recompute, not past due
        return self.now() > status["Next"]

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
            due = self.schedule.next_after(self.now())
            while not self._stop.is_set():
                remaining = (due - self.now()).total_seconds()
                if remaining <= 0:
                    break
                self._stop.wait(min(remaining, 1.0))
            if self._stop.is_set():
                return
            try:
                self.fire(past_due=False)
            except Exception:  # whatever went wrong, the schedule goes on (as in Azure)
                log.exception("timer '%s': invocation failed outside the function", self.name)
