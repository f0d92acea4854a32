"""A small Functions host for the fault suite: at-least-once queue delivery on a virtual clock.

It keeps the host's rules that matter to correctness: a message is deleted only when its
handler returned; a failure (or a crash) leaves it to come back after the visibility timeout
with its dequeue count raised; at ``MAX_DEQUEUE`` it moves to ``<queue>-poison`` under a new
message id; a ``-poison`` queue has no poison queue of its own (a failing drain leaves the
message to come back); delays (``visibility_timeout`` on send) are honoured; timers do not
retry. Handlers are the app's own services, built over the fault-injecting adapters.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.adapters.queues.storage import InMemoryQueueSender
from shared.clock import FixedClock
from shared.domain.messaging import Channel, MessageContent, OutboundMessage, SendResult
from shared.services.container import Services
from tests.support.faults import FaultPlan, SimulatedCrash

MAX_DEQUEUE = 5
VISIBILITY = timedelta(seconds=30)
SEND_QUEUES = tuple(c.queue for c in Channel)


@dataclass
class Job:
    queue: str
    body: str
    message_id: str
    visible_at: datetime
    dequeue_count: int = 0


@dataclass
class CountingChannel:
    """A provider that records every real send and, like Graph or Pingen, can say whether a
    reference was sent (so a crashed claim is checked instead of sent again)."""

    name: str = "provider"
    can_look_up: bool = True
    sends: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    known: dict[str, str] = field(default_factory=dict)

    def send(self, message: OutboundMessage, content: MessageContent) -> SendResult:
        self.sends.append((message.client_id, message.key, message.invoice_numbers))
        pid = f"pid-{len(self.sends)}"
        self.known[message.reference] = pid
        return SendResult(self.name, pid)

    def look_up(self, message: OutboundMessage) -> SendResult | None:
        pid = self.known.get(message.reference)
        return SendResult(self.name, pid) if pid else None


@dataclass
class Figures:
    invocations: int = 0
    failures: int = 0
    poisoned: int = 0
    drained: int = 0


class QueueHost:
    def __init__(
        self, services: Services, sender: InMemoryQueueSender, clock: FixedClock, plan: FaultPlan
    ) -> None:
        self.services = services
        self.sender = sender
        self.clock = clock
        self.plan = plan
        self.pending: list[Job] = []
        self.ids = itertools.count(1)
        self.figures = Figures()
        self.poisoned: Counter[str] = Counter()
        self.before_invoke: Callable[[Job], None] | None = None  # e.g. stop the storage
        self.handlers: dict[str, Callable[[Job], None]] = {
            "dunning-run": self._dunning,
            "mollie-webhook": self._mollie,
            "installments": self._installments,
            "settlement-run": self._settlement,
            "rate-restatement": self._restate_rates,
        }
        for queue in SEND_QUEUES:
            self.handlers[queue] = self._deliver

    # -- handlers (what functions/*.py do) ----------------------------------------------------
    def _dunning(self, job: Job) -> None:
        from datetime import date

        with self.services.poison.watch(job.queue, job.body.encode()):
            data = json.loads(job.body)
            self.services.dunning.run_client(
                str(data["client_id"]), date.fromisoformat(str(data["date"])),
                int(data.get("shard", 0)), int(data.get("shards", 1)),  # as functions/dunning.py
                after=str(data["after"]) if data.get("after") else None,  # a follow-up job's
            )  # fmt: skip

    def _deliver(self, job: Job) -> None:
        with self.services.poison.watch(job.queue, job.body.encode()):
            data = json.loads(job.body)
            self.services.messaging.deliver(
                str(data["client_id"]), str(data["key"]), message_id=job.message_id
            )

    def _mollie(self, job: Job) -> None:
        with self.services.poison.watch(job.queue, job.body.encode()):
            self.services.online_payments.process(str(json.loads(job.body)["id"]))

    def _installments(self, job: Job) -> None:
        from shared.services.queue_jobs import process_installments  # what production runs

        process_installments(self.services, job.body.encode())

    def _settlement(self, job: Job) -> None:
        from shared.services.queue_jobs import run_settlement_agency  # what production runs

        run_settlement_agency(self.services, job.body.encode())

    def _restate_rates(self, job: Job) -> None:
        from shared.services.queue_jobs import restate_client_rates  # what production runs

        restate_client_rates(self.services, job.body.encode())

    def _drain(self, job: Job) -> None:
        self.services.poison.drain(
            job.queue, job.body.encode(), message_id=job.message_id, inserted_at=self.clock.now()
        )
        self.figures.drained += 1

    def handler(self, queue: str) -> Callable[[Job], None]:
        if queue.endswith("-poison"):
            return self._drain
        return self.handlers[queue]

    # -- the loop -----------------------------------------------------------------------------
    def pull(self) -> None:
        for message in self.sender.sent:
            self.pending.append(Job(
                message.queue, message.body, f"m{next(self.ids)}",
                self.clock.now() + timedelta(seconds=message.delay_seconds),
            ))  # fmt: skip
        self.sender.sent.clear()

    def run_until(self, end: datetime) -> None:
        """Deliver every message that becomes visible before ``end`` (the clock moves on)."""
        while True:
            self.pull()
            visible = sorted(
                (j for j in self.pending if j.visible_at <= self.clock.now()),
                key=lambda j: j.visible_at,
            )
            if not visible:
                later = [j.visible_at for j in self.pending if j.visible_at <= end]
                if not later:
                    self.clock.at = max(self.clock.now(), end)
                    return
                self.clock.at = max(self.clock.now(), min(later))
                continue
            for job in visible:
                self._invoke(job)

    def _invoke(self, job: Job) -> None:
        job.dequeue_count += 1
        self.figures.invocations += 1
        if self.before_invoke is not None:
            self.before_invoke(job)
        try:
            self.handler(job.queue)(job)
        except (Exception, SimulatedCrash):
            self.figures.failures += 1
            if job.dequeue_count >= MAX_DEQUEUE and not job.queue.endswith("-poison"):
                self.pending.remove(job)
                self.pending.append(
                    Job(f"{job.queue}-poison", job.body, f"m{next(self.ids)}", self.clock.now())
                )
                self.poisoned[job.queue] += 1
                self.figures.poisoned += 1
            else:
                job.visible_at = self.clock.now() + VISIBILITY * job.dequeue_count
            return
        self.pending.remove(job)

    def timer(self, action: Callable[[], object]) -> None:
        """A timer invocation: no retry (the next occurrence catches up)."""
        try:
            action()
        except (Exception, SimulatedCrash):
            self.figures.failures += 1
