"""The watch timer (every five minutes, ``WATCH_SCHEDULE``): the levels the alerts read.

- every poison queue's depth (``inning.queue.poison_depth``): a message that failed five
  times waits there until its drain moves it to the action list; one that stays means the
  drain itself fails, or no drain exists for that queue;
- clients whose last successful dunning run is older than a day
  (``inning.dunning.stale_clients``);
- whether the statutory interest rate table in force is stale (``inning.rates.stale``, 1 or 0):
  only the operator can upload a new one, and only an alert tells the operator;
- the age of the newest complete table backup (``inning.backup.newest_age_hours``): a backup
  that fails, stops before its manifest or no longer runs is noticed the next morning, not
  on the day it is needed; with no complete backup at all it records
  :data:`NO_BACKUP_AGE_HOURS`, which pages like a backup that is too old (recording nothing
  left the alert's query without a row: no backup, no page, ops16 #3);
- the events Event Grid gave up on (``inning.statements.deadlettered``, blobs in
  ``statements-deadletter``): statement files that were never booked.

Each of the last three is read on its own: one failing does not hide the others."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from shared.clock import Clock
from shared.ports.files import FileStore
from shared.ports.tables import TableStore
from shared.services.operations.health import QueueDepths, run_ages
from shared.telemetry import metrics
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.operations")

# every poison queue of infra/app/storage.bicep (tests/unit/operations/test_watch.py)
POISON_QUEUES = (
    "dunning-run-poison",
    "send-email-poison",
    "send-sms-poison",
    "send-whatsapp-poison",
    "send-letter-poison",
    "send-robocall-poison",
    "mollie-webhook-poison",
    "webjobs-blobtrigger-poison",
    "installments-poison",
    "settlement-run-poison",
    "usage-month-poison",
    "console-jobs-poison",
    "rate-restatement-poison",
)


DEADLETTER_CONTAINER = "statements-deadletter"  # infra/app/eventgrid.bicep
# the age recorded when there is no complete backup at all (a new deployment before its first
# night, every night's export stopping short, the container emptied): far above the
# backup-missing alert's 26 hours, so it pages; a point must be recorded, since the alert's
# `summarize max()` over no point gives a null age that `where age > 26` drops
NO_BACKUP_AGE_HOURS = 10_000.0


@dataclass(frozen=True)
class WatchReport:
    poison: dict[str, int]
    stale_clients: int
    rates_stale: bool | None = None
    backup_age_hours: float | None = None
    deadlettered: int | None = None


def watch(
    store: TableStore,
    queues: QueueDepths,
    clock: Clock,
    *,
    rates_warning: Callable[[], str | None] | None = None,
    newest_backup: Callable[[], datetime | None] | None = None,
    files: FileStore | None = None,
) -> WatchReport:
    poison = {q: queues.depth(q) for q in POISON_QUEUES}
    for queue, depth in poison.items():
        metrics.level("inning.queue.poison_depth", depth, queue=queue)
        if depth:
            log.warning("poison queue %s holds %d message(s)", queue, depth,
                        extra=log_extra({"queue": queue, "depth": depth}))  # fmt: skip
    ages = run_ages(store, clock.now())
    metrics.level("inning.dunning.stale_clients", ages.stale_clients)
    if ages.stale_clients:
        log.warning("%d client(s) without a successful dunning run for over a day",
                    ages.stale_clients, extra=log_extra({"stale_clients": ages.stale_clients}))  # fmt: skip
    now = clock.now()
    rates_stale = backup_age = deadlettered = None
    if rates_warning is not None:
        try:
            warning = rates_warning()
            rates_stale = warning is not None
            metrics.level("inning.rates.stale", int(rates_stale))
            if warning:
                log.warning("statutory rates stale: %s", warning)
        except Exception:
            log.exception("watch: the statutory rate table could not be read")
    if newest_backup is not None:
        try:
            finished = newest_backup()
            if finished is None:  # none yet (a new deployment) or all gone: say so, loudly
                log.warning("no complete table backup exists")
                backup_age = NO_BACKUP_AGE_HOURS
            else:
                backup_age = round((now - finished).total_seconds() / 3600, 2)
            metrics.level("inning.backup.newest_age_hours", backup_age)
        except Exception:
            log.exception("watch: the backups could not be listed")
    if files is not None:
        try:
            deadlettered = len(files.names(DEADLETTER_CONTAINER))
            metrics.level("inning.statements.deadlettered", deadlettered)
            if deadlettered:
                log.warning("%d statement event(s) dead-lettered: files never booked", deadlettered,
                            extra=log_extra({"deadlettered": deadlettered}))  # fmt: skip
        except Exception:
            log.exception("watch: statements-deadletter could not be listed")
    return WatchReport(poison, ages.stale_clients, rates_stale, backup_age, deadlettered)
