"""A statutory rate table put in force late (a half-year's row uploaded after 1 January or
1 July): claims whose interest was fixed at the rates then in force, by a payment Inning allocated
by 6:44 (the claim has a booking on or after the first day the two tables differ), are
restated to the new table, both ways (law9 F4). A lower rate lowers the interest fixed and moves
what the payments paid on it beyond that to the principal (then by 6:43 to the debtor's other
claims, or to an overpayment); a higher one moves principal to interest. Claims without
such bookings need nothing: their interest accrues at the table in force on every read.

The upload does not restate: it puts one message per client on ``rate-restatement`` and
answers with how many (an agency with many clients would outlast the HTTP limit, and a crash
midway would leave clients unrestated). Each message restates one client; a message handled
twice restates once (a claim restated already does not change), a crash midway is finished by
the retry. Every client is restated a second time :data:`SECOND_PASS_SECONDS` later: a worker
that read the old table just before the upload keeps it for up to ``CACHE_SECONDS`` and may
book a payment with it meanwhile; the second pass restates what it booked (docs/operations.md
"Statutory rates: the queue and the second pass")."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from shared.domain.law.interest_rates import RateTable
from shared.domain.people.audit import Event
from shared.ports.queues import QueueSender
from shared.ports.tables import Conflict
from shared.services.ledger.service import LedgerService
from shared.services.rates import CACHE_SECONDS
from shared.services.repositories import Repositories
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.rates")

RESTATE_QUEUE = "rate-restatement"
# how long a worker keeps the table it read, then the longest a booking that read it may
# still run (host.json functionTimeout): a second pass this much after the first comes after
# every booking made with the table in force before the upload
FUNCTION_TIMEOUT_SECONDS = 600
SECOND_PASS_SECONDS = CACHE_SECONDS + FUNCTION_TIMEOUT_SECONDS


def first_difference(before: RateTable, after: RateTable) -> date | None:
    """The first day on which the two tables give another rate (None: they never do)."""
    days = sorted({c.effective_from for c in (*before.changes, *after.changes)})
    for day in days:
        if not (before.knows(day) and after.knows(day)):
            if before.knows(day) != after.knows(day):
                return day
            continue
        for commercial in (False, True):
            if before.rate_on(day, commercial=commercial) != after.rate_on(
                day, commercial=commercial
            ):
                return day
    return None


@dataclass(frozen=True)
class RestateJob:
    """One client's restatement for rate table ``version`` (the blob put in force at ``at``):
    its claims booked on or after ``since`` restated; ``second``: the pass after the cache
    window. ``before``/``after``: the newest row of each table, for the audit entry."""

    client_id: str
    version: str
    since: date
    before: str
    after: str
    author: str
    at: datetime
    second: bool = False

    def body(self) -> str:
        return json.dumps({
            "client_id": self.client_id, "version": self.version,
            "since": self.since.isoformat(), "before": self.before, "after": self.after,
            "author": self.author, "at": self.at.isoformat(), "second": self.second,
        })  # fmt: skip

    @classmethod
    def from_body(cls, body: bytes) -> RestateJob:
        job = json.loads(body)
        return cls(
            str(job["client_id"]), str(job["version"]), date.fromisoformat(str(job["since"])),
            str(job["before"]), str(job["after"]), str(job["author"]),
            datetime.fromisoformat(str(job["at"])), bool(job.get("second", False)),
        )  # fmt: skip


class RateRestatement:
    """``fresh(version)``: makes this worker compute with table ``version`` or a newer one
    (its cache may hold an older one: :meth:`StatutoryRates.at_least`)."""

    def __init__(
        self,
        repos: Repositories,
        ledger: LedgerService,
        queues: QueueSender,
        audit: Callable[..., None],
        fresh: Callable[[str], object],
    ) -> None:
        self.repos = repos
        self.ledger = ledger
        self.queues = queues
        self.audit = audit
        self.fresh = fresh

    def queue(
        self, before: RateTable, after: RateTable, version: str, author: str, at: datetime
    ) -> int:
        """One message per client for the restatement from ``before`` to ``after`` (put in
        force as blob ``version``); one audit entry per agency. The number of clients queued
        (0 when the tables give the same rates on every day)."""
        since = first_difference(before, after)
        if since is None:
            return 0
        newest = (before.newest.effective_from.isoformat(), after.newest.effective_from.isoformat())
        per_agency: dict[str, int] = {}
        for client in self.repos.clients.all():
            job = RestateJob(client.client_id, version, since, *newest, author, at)
            self.queues.send(RESTATE_QUEUE, job.body())
            per_agency[client.agency_id] = per_agency.get(client.agency_id, 0) + 1
        for agency_id in sorted({*self.repos.agencies.ids(), *per_agency}):
            self.audit(
                Event.STATUTORY_RATES_CHANGED,
                agency_id=agency_id,
                client_id=None,
                actor=author,
                subject=version,
                before=newest[0],
                after=newest[1],
                differs_from=since.isoformat(),
                clients_queued=str(per_agency.get(agency_id, 0)),
            )
        queued = sum(per_agency.values())
        log.info("statutory rates %s: %d client(s) queued for restatement", version, queued,
                 extra=log_extra({"version": version, "clients": queued}))  # fmt: skip
        return queued

    def run(self, job: RestateJob) -> list[str]:
        """Restate one client's claims (its queue message); the invoice numbers whose claim
        changed. The first pass queues the second; both audit what they restated (the first
        always, the second only when it found a booking made with the old table)."""
        found = self.repos.clients.get(job.client_id)
        if found is None:
            return []  # deleted since the upload: nothing to restate
        client = found[0]
        self.fresh(job.version)
        changed: list[str] = []
        for debtor, invoices in sorted(_numbers_by_debtor(self.repos, job.client_id).items()):
            # the first pass's audit counts what a delivery cut off before it restated too;
            # the second counts only what a worker's old table booked since
            done = self.ledger.restate_rates(job.client_id, invoices, job.version,
                                             since=job.since, made_before=not job.second)  # fmt: skip
            if done:
                changed.extend(done)
                log.info("claims restated for statutory rates %s", job.version,
                         extra=log_extra({"client_id": job.client_id, "debtor": debtor,
                                          "claims": len(done), "second": job.second}))  # fmt: skip
        if changed or not job.second:
            self._audit(client.agency_id, job, len(changed))
        if not job.second:
            # after every booking a worker may still make with the old table (its cache)
            self.queues.send(RESTATE_QUEUE, replace(job, second=True).body(),
                             delay_seconds=SECOND_PASS_SECONDS)  # fmt: skip
        return changed

    def _audit(self, agency_id: str, job: RestateJob, restated: int) -> None:
        # one entry per client and pass, however often the message is handled: its id is the
        # job's (time-ordered on the upload), so a redelivery's insert is refused
        when = job.at + timedelta(seconds=SECOND_PASS_SECONDS if job.second else 0)
        said = f"{job.client_id}|{job.version}|{job.second}"
        event_id = (
            f"{int(when.timestamp() * 1000):012x}" + hashlib.sha256(said.encode()).hexdigest()[:14]
        )
        try:
            self.audit(
                Event.STATUTORY_RATES_CHANGED,
                agency_id=agency_id,
                client_id=job.client_id,
                actor=job.author,
                subject=job.version,
                event_id=event_id,
                before=job.before,
                after=job.after,
                differs_from=job.since.isoformat(),
                claims_restated=str(restated),
                restatement="second pass" if job.second else "first pass",
            )
        except Conflict:
            pass  # written by an earlier delivery of this message


def _numbers_by_debtor(repos: Repositories, client_id: str) -> dict[str, list[str]]:
    """The client's invoices Inning booked money on, per debtor (the ledger skips the
    claims without a booking since the tables differ)."""
    out: dict[str, list[str]] = {}
    continuation: str | None = None
    while True:
        page, continuation = repos.invoices.list(client_id, continuation=continuation)
        for invoice in page:
            if invoice.payments:  # only money Inning booked allocated interest by 6:44
                out.setdefault(invoice.debtor_number, []).append(invoice.number)
        if continuation is None:
            return out
