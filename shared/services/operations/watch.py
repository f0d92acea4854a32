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
  ``statements-deadletter``): statement files that were never booked;
- messages waiting on a provider that is away for longer than :data:`PROVIDER_WAIT_ALERT`
  (``inning.messages.provider_waiting``, per channel; ``inning.messages.provider_wait_minutes``,
  the oldest wait): a message keeps being tried for a day before it fails (failure24 F1),
  and without this nobody heard of the outage until the day's items came (twice24).

Each of the last four is read on its own: one failing does not hide the others."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.adapters.tables.provider_waits_repo import ProviderWaitRepository
from shared.clock import Clock
from shared.domain.messaging import Channel
from shared.ports.files import FileStore
from shared.ports.tables import TableStore
from shared.services.operations.health import QueueDepths, run_ages
from shared.services.send_budget import FAILING_SINCE
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
    "match-index-build-poison",
)


DEADLETTER_CONTAINER = "statements-deadletter"  # infra/app/eventgrid.bicep
# the age recorded when there is no complete backup at all (a new deployment before its first
# night, every night's export stopping short, the container emptied): far above the
# backup-missing alert's 26 hours, so it pages; a point must be recorded, since the alert's
# `summarize max()` over no point gives a null age that `where age > 26` drops
NO_BACKUP_AGE_HOURS = 10_000.0
# a provider's short blip (a 429, one 503) is retried within minutes and is nobody's concern;
# a message still waiting after this long means the provider is away: the alert pages then,
# hours before the day-long wait ends in a delivery_failure item per message
PROVIDER_WAIT_ALERT = timedelta(minutes=30)


@dataclass(frozen=True)
class WatchReport:
    poison: dict[str, int]
    stale_clients: int
    rates_stale: bool | None = None
    backup_age_hours: float | None = None
    deadlettered: int | None = None
    provider_waiting: dict[str, int] | None = None
    provider_wait_minutes: float | None = None


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
    waiting: dict[str, int] | None = None
    oldest: float | None = None
    try:
        waiting, oldest = provider_waits(store, now)
    except Exception:
        log.exception("watch: the messages waiting on a provider could not be read")
    return WatchReport(poison, ages.stale_clients, rates_stale, backup_age, deadlettered,
                       waiting, oldest)  # fmt: skip


def provider_waits(store: TableStore, now: datetime) -> tuple[dict[str, int], float]:
    """Per channel, the messages a provider has kept waiting longer than
    :data:`PROVIDER_WAIT_ALERT`, and the oldest wait in minutes (0 with none). Only rows
    older than that are checked against their record: a message sent, failed for good or gone
    since loses its row here."""
    repo = ProviderWaitRepository(store)
    waiting = dict.fromkeys((c.value for c in Channel), 0)
    oldest = 0.0
    for wait in repo.waits():
        if now - wait.since <= PROVIDER_WAIT_ALERT:
            continue
        message = repo.record(wait)
        if message is None or message.status.final or FAILING_SINCE not in message.extra:
            repo.drop(wait)
            continue
        waiting[wait.channel.value] += 1
        oldest = max(oldest, round((now - wait.since).total_seconds() / 60, 1))
    for channel, count in waiting.items():
        metrics.level("inning.messages.provider_waiting", count, channel=channel)
        if count:
            log.warning("%d %s message(s) waiting on their provider for over %d minutes",
                        count, channel, PROVIDER_WAIT_ALERT.total_seconds() // 60,
                        extra=log_extra({"channel": channel, "waiting": count}))  # fmt: skip
    metrics.level("inning.messages.provider_wait_minutes", oldest)
    return waiting, oldest
