"""The watch timer (every five minutes, ``WATCH_SCHEDULE``): the levels the alerts read.

- every poison queue's depth (``inning.queue.poison_depth``): a message that failed five
  times waits there until its drain moves it to the action list; one that stays means the
  drain itself fails, or no drain exists for that queue;
- clients whose last successful dunning run is older than a day
  (``inning.dunning.stale_clients``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from shared.clock import Clock
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
)


@dataclass(frozen=True)
class WatchReport:
    poison: dict[str, int]
    stale_clients: int


def watch(store: TableStore, queues: QueueDepths, clock: Clock) -> WatchReport:
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
    return WatchReport(poison, ages.stale_clients)
