"""Messages whose job never reached the queue, queued again (sweep19; failure18 F5, F7).

A producer writes the outbox record (PENDING), then puts its job on the channel's queue. A
503 or a timeout on that send after the record leaves a record nobody will send: a producer
that is retried finds the record and queues the job again (``queue_again``), but one called
once (a robocall's busy or no-answer report, which Twilio does not post again; any caller
that gives up) leaves it PENDING for ever while staff are told it went.

Each record not yet final has a pending row in its client's Outbox partition, written and
taken away in the record's own transaction (``messaging_repo``). The timer reads each
client's pending rows (one range read; an agency's own outbox, its people's mail, likewise)
and passes by, without reading the record, those the normal path still holds: written less than ``grace`` ago, outside the contact hours
or less than ``grace`` into them (the jobs deferred to their opening go first), on a mailbox at its minute's or day's limit. A record
left over is read: final (its row left behind) or gone: the row is dropped; being sent
(INPROGRESS): the claim's lease and the queue's redelivery are the handler's, and a claim
``grace`` past its lease (a claim whose lost answer was retried into a 412 and taken for
another worker's, the job then ended) is queued again, the handler's stale claim deciding;
PENDING and
last written more than ``grace`` ago: its job is queued again through ``queue_again``. The
handler decides (a final record: nothing; contact hours, mailbox pacing: deferred), so a
job queued twice sends once. A record queued ``give_up_after`` times without turning final
is put on the client's action list once (``message_not_sent``: its key, channel, debtor)
and not queued again by the sweep.

A run acts on at most ``batch`` records (a read, a queue send and a row write each), after
one range read per client: its requests do not grow with the outbox. Records written before
pending rows existed are read once per client, ``older_pages`` pages a run, and the PENDING
ones given a row (the ``~indexed`` mark keeps how far it got).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.adapters.tables import messaging_repo
from shared.adapters.tables.messaging_repo import PendingRow, day_key, minute_key
from shared.clock import Clock
from shared.domain.messaging import Channel, OutboundMessage, OutboxStatus
from shared.domain.records import ActionItem
from shared.domain.scopes import agency_outbox, agency_scope
from shared.ports.tables import Conflict, PreconditionFailed
from shared.services.messaging import CLAIM_LEASE, RETRY_AT, MessagingService
from shared.services.repositories import Repositories

log = logging.getLogger("inning.messaging")
GIVE_UP_KIND = "message_not_sent"
# pending rows read of one client a run (one range read); a client with more waiting has
# the rest looked at as the first ones turn final
ROWS_PER_CLIENT = 1000
# the longest back-off ``MessagingService._transient`` gives a retry of its own
RETRY_BACKOFF = timedelta(hours=1)
_WHAT = {"dun": "reminder", "plan": "payment-plan message", "letter": "letter", "hand": "message"}


@dataclass(frozen=True)
class SweepRules:
    """``grace``: how long a record is left to its job (and the least wait between two jobs
    the sweep queues); ``give_up_after``: jobs queued again before staff are asked;
    ``batch``: the most records one run reads; ``older_pages``: pages of a client's records
    from before pending rows read a run."""

    grace: timedelta = timedelta(minutes=30)
    give_up_after: int = 3
    batch: int = 200
    older_pages: int = 2


@dataclass(frozen=True)
class SweepRun:
    queued: int = 0  # jobs queued again
    dropped: int = 0  # rows of records final (or gone) taken away
    raised: int = 0  # records put on the action list
    waiting: int = 0  # records the normal path still holds (or left for the next run)
    failed: int = 0  # clients whose look stopped on an error (the next run looks again)


class OutboxSweep:
    def __init__(
        self,
        repos: Repositories,
        messaging: MessagingService,
        clock: Clock,
        rules: SweepRules | None = None,
    ) -> None:
        self.repos = repos
        self.messaging = messaging
        self.outbox = messaging.outbox
        self.clock = clock
        self.rules = rules or SweepRules()

    def run(self) -> SweepRun:
        now = self.clock.now()
        result = SweepRun()
        budget = self.rules.batch
        full: dict[str, bool] = {}  # mailbox -> at its limit now (read once a run)
        for scope in self._scopes():
            try:
                mark, rows = self.outbox.own_rows(scope, ROWS_PER_CLIENT)
                if mark is None or not mark.done:
                    self._index_older(scope, mark)
                for entry in rows:
                    if budget <= 0 or not self._due(entry, now, full):
                        result = replace(result, waiting=result.waiting + 1)
                        continue
                    budget -= 1
                    result = self._look(entry, now, result)
            except Exception:  # storage or the queue down: the next run looks again
                log.exception("outbox sweep of %s stopped", scope)
                result = replace(result, failed=result.failed + 1)
        if result.queued or result.raised or result.failed:
            log.warning("outbox sweep: %s", result)
        return result

    def _scopes(self) -> Iterator[str]:
        """Every outbox partition: each client's, and each agency's own, where its people's
        invitations and password resets are (codereview20 F6: never read, one whose job was
        lost stayed PENDING for ever)."""
        for client in self.repos.clients.all():
            yield client.client_id
        for agency_id in self.repos.agencies.ids():
            yield agency_outbox(agency_id)

    def _due(self, entry: PendingRow, now: datetime, full: dict[str, bool]) -> bool:
        """Whether the normal path has had its chance, from the row alone."""
        if entry.requeued >= self.rules.give_up_after:
            return not entry.raised
        since = max(entry.since, entry.last_queued or entry.since)
        if not self._past_grace(since, entry.bound, now):
            return False
        if entry.channel is Channel.EMAIL:
            mailbox = (entry.sender or "default").lower()
            if mailbox not in full:
                full[mailbox] = self._mailbox_full(mailbox, now)
            return not full[mailbox]
        return True

    def _past_grace(self, since: datetime, bound: bool, now: datetime) -> bool:
        """``grace`` has passed since ``since`` and, for a job the contact hours hold, since
        they opened: the jobs deferred to the opening have had their turn first."""
        grace = self.rules.grace
        if bound:
            window = self.messaging.window
            if not (window.allows(now) and window.allows(now - grace)):
                return False
        return now - since >= grace

    def _mailbox_full(self, mailbox: str, now: datetime) -> bool:
        """The mailbox used its day, or its last minute: its mails wait their turn in the
        queue (``_reserve_mailbox`` defers them), they are not lost."""
        counters, limits = self.messaging.counters, self.messaging.limits
        pace = messaging_repo.MAILBOX_PACE
        if counters.count(pace, mailbox, day_key(now)) >= limits.per_day:
            return True
        last_minute = minute_key(now - timedelta(minutes=1))
        return counters.count(pace, mailbox, last_minute) >= limits.per_minute

    def _look(self, entry: PendingRow, now: datetime, result: SweepRun) -> SweepRun:
        found = self.outbox.get(entry.client_id, entry.key)
        if found is None or found[0].status.final:
            self.outbox.drop_pending(entry)
            return replace(result, dropped=result.dropped + 1)
        message = found[0]
        if message.status is OutboxStatus.INPROGRESS:
            claimed = message.claimed_at or message.updated_at or entry.since
            if not self._past_grace(claimed + CLAIM_LEASE, entry.bound, now):
                return replace(result, waiting=result.waiting + 1)  # the handler's lease
            # no handler holds a claim past its lease (the function's timeout): a claim whose
            # answer was lost and retried met its own write (412, "claimed elsewhere") and
            # its job ended; the job queued again finds the stale claim and asks the
            # provider, or a person, whether it went (failure20 O1)
        if entry.requeued >= self.rules.give_up_after:
            self._give_up(entry, message, now)
            return replace(result, raised=result.raised + 1)
        written = max(message.updated_at or message.created_at, entry.since)
        if message.error:  # a provider's transient failure: its retry waits up to an hour
            written += max(timedelta(0), RETRY_BACKOFF - self.rules.grace)
            # or as long as the provider asked (Retry-After), its own job then due
            written = max(written, _retry_at(message) or written)
        if not self._past_grace(written, entry.bound, now):
            return replace(result, waiting=result.waiting + 1)  # a retry's back-off
        self.messaging.queue_again(message)
        try:
            self.outbox.note_pending(replace(entry, requeued=entry.requeued + 1, last_queued=now))
        except PreconditionFailed:
            pass  # another sweep counted it: the job it queued is harmless too
        return replace(result, queued=result.queued + 1)

    def _give_up(self, entry: PendingRow, message: OutboundMessage, now: datetime) -> None:
        """Once: the item's id is the message's, and the row remembers it was raised."""
        what = _WHAT.get(message.key.split("|", 1)[0], "message")
        debtor = message.debtor_number or "-"
        title = (
            f"A {what} by {message.channel.value} to debtor {debtor} has not gone out: its job "
            f"was queued {entry.requeued} times and the message is still waiting; check the "
            f"send-{message.channel.value} queue and its poison queue, then send it again or "
            "resolve this item"
        )
        detail: dict[str, object] = {"key": message.key, "channel": message.channel.value,
                                     "to": message.to, "debtor": debtor}  # fmt: skip
        scope = _action_list(message.client_id)
        item = ActionItem(client_id=scope, action_id=_item_id(message.key), kind=GIVE_UP_KIND,
                          title=title, created_at=now, debtor_number=message.debtor_number,
                          detail=detail)  # fmt: skip
        # once: raised by a run whose row write was cut
        self.repos.actions.add_once(item)
        try:
            self.outbox.note_pending(replace(entry, raised=True))
        except PreconditionFailed:
            return  # another sweep noted it; the item is keyed, so still one

    def _index_older(self, client_id: str, mark: messaging_repo.IndexMark | None) -> None:
        next_page = mark.next_page if mark else None
        for _ in range(self.rules.older_pages):
            records, next_page = self.outbox.older_page(client_id, next_page, ROWS_PER_CLIENT)
            self.outbox.index_older(client_id, records)
            if next_page is None:
                break
        try:
            self.outbox.mark_indexed(client_id, mark, next_page)
        except (Conflict, PreconditionFailed):
            return  # another sweep read the same pages: its mark stands


def _retry_at(message: OutboundMessage) -> datetime | None:
    """When the handler's own job for a record it put back after a transient failure comes
    (a record saved before the mark, or with a mark unreadable: none)."""
    try:
        return datetime.fromisoformat(message.extra.get(RETRY_AT, ""))
    except ValueError:
        return None


def _action_list(scope: str) -> str:
    """Where staff are told of a message of ``scope``: its client's list, or for an agency's
    own outbox the agency's."""
    prefix = agency_outbox("")
    return agency_scope(scope.removeprefix(prefix)) if scope.startswith(prefix) else scope


def _item_id(key: str) -> str:
    return "unsent-" + hashlib.sha256(key.encode()).hexdigest()[:24]
