"""A timer's fan-out that Queue Storage refuses part of (failure33).

A timer is not retried and the daily ones fire once a day: a fan-out that stopped at the
first refused send (a 500 after the SDK's retries, a timeout, a reset) left every job after it
unqueued, unseen, until the next day's run. :class:`FanOut` tries every job; each one the
queue refuses is kept as a ``poison`` item on its client's (or agency's) list, naming the
error, so the operator replays it once the queue answers (the jobs are idempotent, as for any
poison replay); :meth:`FanOut.finish` then fails the timer, so the failure is seen. A job that
cannot be kept either (Table Storage down too) is logged and named in that failure: the next
day's fan-out catches up its work, as it always did.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from shared.ports.queues import QueueSender
from shared.services.poison import PoisonService

log = logging.getLogger("inning.fan_out")


class NotQueued(RuntimeError):
    """The cause a kept job's poison item names."""


class FanOutIncomplete(RuntimeError):
    """Some of a fan-out's jobs did not reach their queue."""


@dataclass
class FanOut:
    queues: QueueSender
    poison: PoisonService | None  # None: a refused job is left to the next run
    queue: str
    at: datetime
    queued: int = 0
    kept: list[str] = field(default_factory=list)  # jobs now poison items, to replay
    lost: list[str] = field(default_factory=list)  # jobs not kept either (tomorrow's run)

    def send(self, body: str) -> bool:
        """Queue one job; False when the queue refused it (kept, or at least logged)."""
        try:
            self.queues.send(self.queue, body)
        except Exception as exc:  # any refusal: the other jobs must still go
            self._keep(body, exc)
            return False
        self.queued += 1
        return True

    def _keep(self, body: str, exc: Exception) -> None:
        data = body.encode()
        cause = NotQueued(f"the {self.queue} timer could not queue this job: {exc}")
        # the id of its item: a second drain of the same job writes none
        identity = "fan-out|" + hashlib.sha256(data).hexdigest()[:24]
        if self.poison is None:
            log.error("a %s job was not queued (the next run catches it up): %s", self.queue, body)
            self.lost.append(body)
            return
        try:
            self.poison.record_failure(self.queue, data, cause)
            self.poison.drain(
                f"{self.queue}-poison", data, message_id=identity, inserted_at=self.at
            )
        except Exception:
            log.exception("a %s job was not queued nor kept: %s", self.queue, body)
            self.lost.append(body)
            return
        log.error("a %s job was not queued; kept as a poison item: %s", self.queue, body)
        self.kept.append(body)

    def finish(self) -> int:
        """How many jobs were queued; raises when any was not."""
        if self.kept or self.lost:
            raise FanOutIncomplete(
                f"{self.queue}: {self.queued} job(s) queued, {len(self.kept)} refused by the "
                f"queue and kept as poison items to replay, {len(self.lost)} not kept either "
                "(the next run catches those up)"
            )
        return self.queued
