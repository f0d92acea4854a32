"""Delivering messages exactly once, inside the contact hours, within provider limits.

The producer writes the outbox record and the content first, then puts a job
``{"client_id", "key"}`` on the channel's queue. The queue-triggered handler:

1. does nothing for a record that is final (a redelivered job);
2. defers a job that arrives outside the contact window, or when the client's mailbox has
   used its minute or day (a copy of the job, invisible until then; nothing is dropped);
3. claims the record (PENDING -> INPROGRESS, guarded by its etag) before calling the
   provider, so a second worker backs off;
4. finds a stale claim (a crash between the provider call and the record update) and, where
   the provider can look up our reference, asks it; otherwise marks the record UNCERTAIN and
   asks a person on the action list: never a silent second send;
5. records SENT with the provider's id, the contact log entry and the usage; retries transient
   failures with back-off; turns permanent failures into FAILED plus an action item;
6. treats a lost answer (the request went out, the reply never came: ``UncertainSendError``)
   like a stale claim: asks the provider where it can, else records UNCERTAIN
   ("unconfirmed") with a ``verify_delivery`` item, and never sends it again by itself.
The follow-ups of a final record are part of finishing it: the record is saved with
``followups: pending`` and the mark is taken off once they are written; each is keyed by the
message, and a redelivered job that finds a final record still pending redoes them. A SENT
record's are its contact-log entry, usage count and WhatsApp contact; a FAILED one's (refused,
given up, no consent: ``not_sent``) its contact-log line and ``delivery_failure`` item; an
UNCERTAIN one's its ``verify_delivery`` item. The provider's id of a message (and our reference
of an UNCERTAIN one) is remembered before the record is saved, so a delivery report that comes
at once finds it: a report about a record still INPROGRESS settles it, as it does an UNCERTAIN,
metering the parts remembered with the id (the provider's answer, or the SMS text's parts
for our reference), so a 3-part SMS counts 3 whether or not the worker lived to save it.
Jobs that still fail end in ``<queue>-poison``, which is drained into the action list.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from shared.adapters.tables import messaging_repo
from shared.adapters.tables.conversations_repo import ConversationsRepository
from shared.adapters.tables.messaging_repo import (
    CounterRepository,
    OutboxRepository,
    WhatsappContactRepository,
    day_key,
    minute_key,
)
from shared.adapters.tables.provider_waits_repo import ProviderWaitRepository
from shared.clock import Clock, amsterdam_date
from shared.domain.contact_window import ContactWindow
from shared.domain.ids import random_id, time_ordered_id
from shared.domain.messaging import (
    CLIENT_REFERENCE,
    Attachment,
    Channel,
    MessageContent,
    OutboundMessage,
    OutboxStatus,
    PermanentSendError,
    SendError,
    SendResult,
    TransientSendError,
    UncertainSendError,
)
from shared.domain.parties import Debtor
from shared.domain.records import ActionItem, ActionStatus, ContactEntry, ContactKind
from shared.domain.sms import sms_parts
from shared.domain.whatsapp_words import ConsentWord
from shared.ports.channels import ChannelSender
from shared.ports.files import FileStore
from shared.ports.queues import QueueSender
from shared.ports.tables import Conflict, PreconditionFailed
from shared.services import send_budget
from shared.services.go_live_hold import BEFORE_GO_LIVE, GoLiveDays, held_reason
from shared.services.named_account import OwnAccounts
from shared.services.poison import PLATFORM_SCOPE
from shared.services.repositories import Repositories
from shared.services.sending_mailbox import sending_mailboxes, verified_sender
from shared.services.whatsapp_stops import on_the_number, standing_stop, stopped_like

log = logging.getLogger("inning.messaging")
CONTENT_CONTAINER = "messages"
DOSSIER_CONTAINER = "dossiers"
CLAIM_LEASE = timedelta(minutes=10)
STOP_WORDS = frozenset({"stop", "stoppen", "afmelden", "uitschrijven", "unsubscribe"})
# action items one WhatsApp number raises a day (its debtor's client's debtor_reply, the
# operator's unassigned_whatsapp): anyone can write to the business number, and each message
# had been an item (attack18 F4: 500 from one stranger, 500 items on the platform list). What
# a debtor writes beyond it is still on his contact log; a stranger's is logged.
WHATSAPP_ITEMS_PER_NUMBER_PER_DAY = 5
# the debtor's own opt-in after a STOP: the only way his consent comes back (attack7 #3)
START_WORDS = frozenset({"start", "aanmelden"})
MESSAGE_ID = "message-id"  # OutboxRefs partition: our outbound Message-IDs -> outbox record
FOLLOWUPS = "followups"  # extra on a final record: "pending" until its side records are written
NOT_SENT = "not_sent"  # extra on a record FAILED before it went out: why (refused, gave_up, ...)
RESTATED = "restated"  # extra beside NOT_SENT: claims whose costs were taken back (JSON list)
CLAIMED_BY = "claimed_by"  # extra on a claim: the queue message whose delivery claimed it
COUNTED = "counted|"  # Usage row per message key: its usage was added (once)
RECHECKS = "rechecks"  # extra on an UNCERTAIN record: how often the provider was asked again
VERIFY_ACTION = "verify_action"  # extra on an UNCERTAIN record: its verify_delivery item
# extra on a record PENDING after a transient failure: when its own deferred job comes (ISO
# time), a provider's Retry-After included; the outbox sweep queues none before it
RETRY_AT = "retry_at"
# minutes after a lost answer at which a provider that can confirm a send (``confirm``: found
# means sent, not found means "not yet known") is asked again, before a person is
RECHECK_MINUTES = (5, 15, 45)
# extra on a reminder closed unsent because its invoices were paid, credited or put in a plan
# while it waited: the numbers still due (JSON list), which the dunning service plans afresh
CANCELLED = "cancelled"
# ``not_sent`` of a plan's installment reminder closed unsent: its installment paid or its plan
# ended while it waited (shared/services/plans/reminder_check.py); the reason is its error
NOT_DUE = "not_due"
# ``not_sent`` of a message closed unsent because the account it names is no longer the
# client's (shared/services/named_account.py); the reason is its error
NOT_OWN = "account_not_own"
CONTENT_REF = "content_ref"  # extra on a record: the name of its own copy of the content


@dataclass(frozen=True)
class MailboxLimits:
    """Exchange Online: about 30 messages a minute and 10,000 recipients a day per mailbox,
    and 4 concurrent Graph requests per mailbox."""

    per_minute: int = 30
    per_day: int = 10_000
    concurrent: int = 4


# what a message is, by the first part of its key, for the person who checks it
_WHAT = {"dun": "reminder", "plan": "payment-plan message", "letter": "letter"}

# how far a message got; a delivery report only ever moves it further
_STATUS_RANK = {
    OutboxStatus.PENDING: 0,
    OutboxStatus.INPROGRESS: 1,
    OutboxStatus.UNCERTAIN: 1,
    OutboxStatus.SENT: 2,
    OutboxStatus.DELIVERED: 3,
    OutboxStatus.BOUNCED: 3,
    OutboxStatus.UNDELIVERABLE: 3,
    OutboxStatus.FAILED: 3,
    OutboxStatus.READ: 4,
}


def job_body(client_id: str, key: str) -> str:
    return json.dumps({"client_id": client_id, "key": key})


class MessagingService:
    def __init__(
        self,
        repos: Repositories,
        outbox: OutboxRepository,
        counters: CounterRepository,
        files: FileStore,
        queues: QueueSender,
        senders: Mapping[Channel, ChannelSender],
        fallback: ChannelSender,
        clock: Clock,
        window: ContactWindow | None = None,
        limits: MailboxLimits | None = None,
    ) -> None:
        self.repos = repos
        self.outbox = outbox
        self.counters = counters
        self.files = files
        self.queues = queues
        self.senders = senders
        self.fallback = fallback
        self.clock = clock
        self.window = window or ContactWindow()
        self.limits = limits or MailboxLimits()
        self.whatsapp_contacts = WhatsappContactRepository(repos.store)
        self.conversations = ConversationsRepository(repos.store)
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._slots_lock = threading.Lock()
        # whether a message's account is still the client's, trusted a half minute (outbox31)
        self.own_accounts = OwnAccounts()
        # a dunning step waits for the client's go-live day (golive33)
        self.go_live = GoLiveDays()
        # the dunning service's re-plan of a reminder for the invoices still due (wired by
        # the container; without it a person is asked to plan them)
        self.replan: Callable[[OutboundMessage, list[str]], str | None] | None = None
        # a 14-day letter about to go out on a day, dated again for it (its text and its
        # costs term: ``DunningService.redate``; wired by the container: law7 F6)
        self.redate: Callable[[OutboundMessage, date], OutboundMessage] | None = None
        # claims whose costs term changed after money reached them, restated by the ledger
        # (client id, invoice numbers -> those changed; set by the container: law5 finding 3)
        self.restate_terms: Callable[[str, list[str]], list[str]] | None = None
        # a dunning robocall that did not reach the debtor: its step by the step's fallback
        # channel (``dunning_fallback.fall_back``: the channel's name, or None when nothing
        # goes; wired by the container)
        self.not_reached: Callable[[OutboundMessage], str | None] | None = None

    # -- producing ---------------------------------------------------------------------------
    def enqueue(self, message: OutboundMessage, content: MessageContent) -> bool:
        """Write content and record, then the job. ``False`` when the key was used before
        (the job is queued again all the same: the record decides what happens). The content
        of a used key is kept as it was: it is what was queued, perhaps sent, and the agency's
        record of what the debtor was told; a producer that tells again with other words or
        figures does not rewrite it (failure14b Q4, Q6). Only a record not yet written (a
        producer that stopped between the two) has its content written again.

        Each producer writes its own copy of the content under a name its record carries
        (``content_ref``): two producers racing on one new key each write theirs, and the
        record that wins the insert points to its own words, never to the loser's."""
        message = self._sandboxed(message)
        stored = self.outbox.get(message.client_id, message.key)
        created = False
        if stored is None:
            # a new record's reference names its client (attack20 F1)
            extra = {**message.extra, CONTENT_REF: random_id("", 6), CLIENT_REFERENCE: "1"}
            message = replace(message, extra=extra)
            self._put_content(message, content)
            created = self.outbox.add(message)
            if not created:
                stored = self.outbox.get(message.client_id, message.key)
                mine = message.extra[CONTENT_REF]
                if stored is not None and stored[0].extra.get(CONTENT_REF) == mine:
                    # our insert landed and its answer was lost: the SDK's retry met our row
                    created = True
                else:  # another producer's record won: our copy is no one's
                    self.files.delete(CONTENT_CONTAINER, _content_name_of(message))
        if created:
            self._file_letter(message, content)
        elif stored is not None and message.channel is Channel.LETTER:
            # the record's own letter in the debtor's file (a producer that stopped after its
            # record and before the file, or lost the race, files the record's: the same bytes)
            own = self._content_or_none(stored[0])
            if own is not None:
                self._file_letter(stored[0], own)
        if message.channel is Channel.EMAIL:
            # the Message-ID the mail goes out with: a debtor's answer names it in In-Reply-To
            # (shared/services/inbound/ finds the reminder, and so the debtor, by it)
            from shared.domain.inbound.answers import outbound_message_id

            self.outbox.remember_provider_id(
                MESSAGE_ID, outbound_message_id(message.client_id, message.key, message.sender),
                message.client_id, message.key,
            )  # fmt: skip
        self.queues.send(message.channel.queue, job_body(message.client_id, message.key))
        return created

    def queue_again(self, message: OutboundMessage) -> None:
        """The job of a written record not yet final sent again: a producer that finds its
        record written cannot tell whether the job reached the queue (a 503 after the
        record fails the producer), and a second job changes nothing (the record decides,
        as for :meth:`enqueue` of a used key). A final record needs none."""
        if not message.status.final:
            self.queues.send(message.channel.queue, job_body(message.client_id, message.key))

    def replace_content(self, message: OutboundMessage, content: MessageContent) -> None:
        """The content a stored record goes out with, written anew (a 14-day letter dated
        again at sending: ``redate``), and its letter in the debtor's file."""
        self._put_content(message, content)
        self._file_letter(message, content)

    def _put_content(self, message: OutboundMessage, content: MessageContent) -> None:
        self.files.put(
            CONTENT_CONTAINER,
            _content_name_of(message),
            _encode_content(content),
            content_type="application/json",
        )

    def _file_letter(self, message: OutboundMessage, content: MessageContent) -> None:
        if message.channel is not Channel.LETTER:
            return
        # the letter as sent belongs to the debtor's file (proof in a dispute)
        for attachment in content.attachments:
            name = f"{message.client_id}/{message.debtor_number or '_'}/{message.key}-{attachment.name}"
            self.files.put(
                DOSSIER_CONTAINER, name, attachment.data, content_type=attachment.content_type
            )

    def _sandboxed(self, message: OutboundMessage) -> OutboundMessage:
        if message.extra.get("account") == "reset":
            return message  # a password reset reaches the person even in sandbox mode
        found = self.repos.clients.get(message.client_id)
        if found is not None:  # a client's mail goes only from a verified mailbox (sender33)
            message = verified_sender(self.repos, message, found[0])
        if found is None or not found[0].sandbox:
            return message
        client = found[0]
        if message.channel is Channel.EMAIL and client.sandbox_email:
            return replace(message, to=client.sandbox_email, sandbox_of=message.to)
        return replace(message, sandbox_of=message.to, extra={**message.extra, "sandbox": "outbox"})

    def content(self, client_id: str, key: str) -> MessageContent:
        found = self.outbox.get(client_id, key)
        if found is None:
            raise LookupError(f"message {key} is unknown")
        return self.content_of(found[0])

    def content_of(self, message: OutboundMessage) -> MessageContent:
        """The content this record goes out with (its own copy, ``content_ref``)."""
        raw = self.files.get(CONTENT_CONTAINER, _content_name_of(message))
        if raw is None:
            raise LookupError(f"content of message {message.key} is missing")
        return _decode_content(raw)

    # -- delivering --------------------------------------------------------------------------
    def deliver(self, client_id: str, key: str, *, message_id: str | None = None) -> str:
        """Send one outbox record. ``message_id``: the queue message being handled; a claim
        it left on an earlier delivery is its own, not another worker's (see below)."""
        found = self.outbox.get(client_id, key)
        if found is None:
            log.warning("job for unknown message %s/%s: nothing to send", client_id, key)
            return "unknown"
        message, etag = found
        if message.status.final:
            redone = self._redo_followups(message, etag)
            if redone is not None:
                return redone
            if message.status is OutboxStatus.UNCERTAIN and RECHECKS in message.extra:
                return self._uncertain(  # ask the provider again whether it went out
                    message, etag, self._sender(message), message.error or "answer lost"
                )
            return "done"
        now = self.clock.now()
        # a person's own sign-in mail or code: no waiting
        account = send_budget.ACCOUNT in message.extra
        if message.channel.bound_by_contact_hours and message.sandbox_of is None and not account:
            allowed = self.window.next_allowed(now)
            if allowed > now:
                return self._defer(message, allowed - now, "outside contact hours")
        if message.status is OutboxStatus.INPROGRESS:
            claimed_at = message.claimed_at or now
            # the host delivers a message again only once its last delivery ended (failed or
            # died): a claim that delivery left is no live worker's, and is recovered now. A
            # wait for the lease here completed the message with a re-queued copy: under a
            # lasting storage outage it never reached the poison queue on its own (outage32)
            own = message_id is not None and message.extra.get(CLAIMED_BY) == message_id
            if now - claimed_at < CLAIM_LEASE and not own:
                return self._defer(
                    message, CLAIM_LEASE - (now - claimed_at), "claimed by another worker"
                )
            return self._recover_stale(message, etag, message_id)
        if self._dunning(message):
            held = self._before_go_live(message, etag, now)
            if held is not None:
                return held
            # before a 14-day letter is dated again: one whose account is gone starts no term
            gone = self._account_recheck(message, etag, dunning=True)
            if gone is not None:
                return gone
            if self.redate is not None:
                redated = self._redated(message, etag, now)
                if redated is None:
                    return "claimed elsewhere"
                message, etag = redated
            stale = self._recheck(message, etag)
            if stale is not None:
                return stale
        else:
            if message.key.startswith("plan|"):
                stale = self._plan_recheck(message, etag)
                if stale is not None:
                    return stale
            gone = self._account_recheck(message, etag, dunning=False)
            if gone is not None:
                return gone
        if message.channel is Channel.WHATSAPP and message.sandbox_of is None:
            if not self._whatsapp_consent(message):
                return self._failed(
                    message,
                    etag,
                    "the debtor has no (or withdrew) WhatsApp consent",
                    what="no_consent",
                )
            message = replace(message, extra={**message.extra, "whatsapp_consent": "yes"})
            message = self._whatsapp_window(message, now)
        sender = self._sender(message)
        paced = message.channel is Channel.EMAIL and sender is not self.fallback
        if paced:
            wait = self._reserve_mailbox(message)
            if wait is not None:
                return self._defer(message, wait, "mailbox limit reached")
        claimed = replace(
            message,
            status=OutboxStatus.INPROGRESS,
            claimed_at=now,
            attempts=message.attempts + 1,
            updated_at=now,
            extra=_claimed_by(message.extra, message_id),
        )
        try:
            etag = self.outbox.save(claimed, etag)
        except PreconditionFailed:
            return "claimed elsewhere"
        return self._send(claimed, etag, sender, paced=paced)

    def _redo_followups(self, message: OutboundMessage, etag: str) -> str | None:
        """The follow-ups of a final record still marked pending, written (each keyed: nothing
        twice); None when it has none left."""
        if message.extra.get(FOLLOWUPS) != "pending":
            return None
        if CANCELLED in message.extra:
            return self._cancelled(message, etag)  # closed unsent: its log, its re-plan
        if message.extra.get(NOT_SENT) == NOT_DUE:
            return self._not_due_followups(message, etag)  # its log, its plan's timeline
        if message.extra.get(NOT_SENT) == NOT_OWN:
            return self._not_own_followups(message, etag)  # its log, the hold's item
        if message.status is OutboxStatus.FAILED and NOT_SENT in message.extra:
            return self._failed_followups(message, etag)  # refused: its log, its item
        if message.status is OutboxStatus.UNCERTAIN:
            return self._uncertain_followups(message, etag)  # its verify_delivery item
        return self._finish(message, etag)  # the SENT save landed, its answer did not

    def _final_meanwhile(self, client_id: str, key: str) -> str:
        """After a final save refused with a 412: whoever saved the record final (a report,
        another delivery, or this save itself, applied and its lost answer retried into its
        own write), its follow-ups are written now, while this job still runs. No job comes
        back for a final record: they were left undone for good (failure20 O2)."""
        found = self.outbox.get(client_id, key)
        if found is None or not found[0].status.final:
            return "claimed elsewhere"
        message, etag = found
        checks = int(message.extra.get(RECHECKS, "0") or 0)
        if message.status is OutboxStatus.UNCERTAIN and RECHECKS in message.extra:
            # its next question to the provider, whose job went with the refused save (one
            # asked twice answers the same)
            wait = timedelta(minutes=RECHECK_MINUTES[min(checks, len(RECHECK_MINUTES)) - 1])
            return self._defer(message, wait, "asking the provider later whether it went out")
        return self._redo_followups(message, etag) or "claimed elsewhere"

    def _redated(
        self, message: OutboundMessage, etag: str, now: datetime
    ) -> tuple[OutboundMessage, str] | None:
        """A 14-day letter going out on a later day than it was dated: rendered again and its
        term moved for today (``redate``), the record saved with the day at once, so that
        the re-check below and a later try compare with what it now says; None when another
        worker saved the record first."""
        assert self.redate is not None
        redated = self.redate(message, amsterdam_date(now))
        if redated.extra == message.extra:
            return message, etag
        redated = replace(redated, updated_at=now)
        try:
            return redated, self.outbox.save(redated, etag)
        except PreconditionFailed:
            return None

    @staticmethod
    def _dunning(message: OutboundMessage) -> bool:
        """A dunning run's message (its key from ``dunning.step_key_prefix``, its invoices on
        it): checked again before it goes. Portal, plan and staff messages are not."""
        return message.key.startswith("dun|") and bool(
            message.invoice_numbers and message.debtor_number
        )

    def _recheck(self, message: OutboundMessage, etag: str) -> str | None:
        """A reminder waited (contact hours, a provider's back-off, the mailbox's day, a lease,
        a poison replay) and the debtor may have paid, been credited or got a plan meanwhile:
        its invoices again, by the dunning run's own rule. All still due: ``None`` (send).
        Otherwise it is closed unsent, its rendered text demanding money no longer owed; the
        invoices still due get the step again, re-rendered for them alone."""
        from shared.services.dunning import still_due  # dunning imports this module

        now = self.clock.now()
        numbers = list(message.invoice_numbers)
        due, why = still_due(
            self.repos,
            message.client_id,
            message.debtor_number or "",
            numbers,
            amsterdam_date(now),
            message.extra,
        )
        if len(due) == len(numbers) and not any(n in why for n in due):
            return None  # all still due, each for what the text says (else rendered again)
        gone = ", ".join(f"{n} {why[n]}" for n in numbers if n in why)
        reason = f"niet verstuurd: {gone} sinds het plannen"
        if due:
            reason += f"; opnieuw gepland voor {', '.join(due)}"
        extra = {**message.extra, CANCELLED: json.dumps(due), FOLLOWUPS: "pending"}
        done = self._close_unsent(message, etag, now, reason, extra)
        if isinstance(done, str):
            return done
        closed, etag = done
        log.info("message %s closed unsent: %s", message.key, reason)
        return self._cancelled(closed, etag)

    def _close_unsent(
        self, message: OutboundMessage, etag: str, now: datetime, reason: str, extra: dict[str, str]
    ) -> tuple[OutboundMessage, str] | str:
        """``message`` closed unsent (``failed``, ``reason`` its error, ``extra`` its marks):
        the saved record and its ETag; or, when another save made it final first, what
        :meth:`_final_meanwhile` answers."""
        closed = replace(
            message, status=OutboxStatus.FAILED, error=reason, updated_at=now, extra=extra
        )
        try:
            return closed, self.outbox.save(closed, etag)
        except PreconditionFailed:
            return self._final_meanwhile(message.client_id, message.key)

    def _plan_recheck(self, message: OutboundMessage, etag: str) -> str | None:
        """A plan's installment reminder goes out only while its installment is still due and
        its plan still running (failure31 F1): else it is closed unsent, the reason its error
        (its follow-ups pending, as for a refused message). ``None``: send it."""
        from shared.services.plans.reminder_check import not_due

        now = self.clock.now()
        why = not_due(self.repos.store, message.client_id, message.key, amsterdam_date(now))
        if why is None:
            return None
        extra = {**message.extra, NOT_SENT: NOT_DUE, FOLLOWUPS: "pending"}
        done = self._close_unsent(message, etag, now, why, extra)
        if isinstance(done, str):
            return done
        closed, etag = done
        log.info("message %s closed unsent: %s", message.key, why)
        return self._not_due_followups(closed, etag)

    def _account_recheck(self, message: OutboundMessage, etag: str, *, dunning: bool) -> str | None:
        """A message naming the client's account goes out only while that account is still
        the one its debtors pay into (outbox31, ``named_account``): else it is closed unsent,
        its follow-ups pending. A dunning message's invoices go back a step (``CANCELLED``
        with none re-planned), so the run takes the step again with the client's own account,
        or holds it while there is none. ``None``: send it."""
        now = self.clock.now()
        found = self.own_accounts.not_own(self.repos, message, now, dunning=dunning)
        if found is None:
            return None
        extra = {**message.extra, NOT_SENT: NOT_OWN, FOLLOWUPS: "pending"}
        reason = found.why
        if dunning:
            extra[CANCELLED] = json.dumps([])
            reason = "niet verstuurd: " + (
                "de opdrachtgever heeft geen eigen bankrekening; de stap wacht daarop"
                if not found.account
                else "de rekening in het bericht is niet meer die van de opdrachtgever; "
                "de stap volgt opnieuw"
            )
        done = self._close_unsent(message, etag, now, reason, extra)
        if isinstance(done, str):
            return done
        closed, etag = done
        log.info("message %s closed unsent: %s", message.key, found.why)
        if dunning:
            return self._cancelled(closed, etag)
        return self._not_own_followups(closed, etag)

    def _before_go_live(self, message: OutboundMessage, etag: str, now: datetime) -> str | None:
        """A dunning step before the client's go-live day: closed unsent, its invoices back a
        step (``CANCELLED``, none re-planned) for the run of that day (``go_live_hold``)."""
        day = self.go_live.waits_until(self.repos, message.client_id, now)
        if day is None:
            return None
        extra = {**message.extra, NOT_SENT: BEFORE_GO_LIVE, CANCELLED: "[]", FOLLOWUPS: "pending"}
        done = self._close_unsent(message, etag, now, held_reason(day), extra)
        if isinstance(done, str):
            return done
        log.info("message %s held for the go-live day %s", message.key, day)
        self._cancelled(*done)
        return "held"

    def _not_own_followups(self, message: OutboundMessage, etag: str) -> str:
        """The contact-log line of a message closed unsent as its account is no longer the
        client's, a plan reminder's timeline entry, and the hold's one item while the client
        has no account of its own (else a person is asked to send it again), each keyed by the
        message and the time it was closed (a redo writes nothing twice); then the mark."""
        from shared.services.named_account import hold_item
        from shared.services.plans.reminder_check import tell_not_sent

        why = message.error or ""
        at = message.updated_at or self.clock.now()
        entry_id = f"{int(at.timestamp() * 1000):012x}a{_digest(message.key)}"
        if message.debtor_number:
            self._log(message, f"{message.channel.value} not sent: {why}", entry_id=entry_id, at=at)
        tell_not_sent(self.repos.store, message.client_id, message.key, why, entry_id, at)
        if not hold_item(self.repos, message.client_id, at):
            what = _WHAT.get(message.key.split("|", 1)[0], "message")
            self._add_action_once(
                message.client_id,
                entry_id,
                "delivery_failure",
                f"{message.channel.value} to debtor {message.debtor_number or '-'} not sent: "
                f"{why}; send the {what} again with the client's own account",
                {"key": message.key, "channel": message.channel.value, "cause": why},
            )
        self._followups_done(message, etag)
        return "not sent"

    def _not_due_followups(self, message: OutboundMessage, etag: str) -> str:
        """The contact-log line and the plan timeline's entry of a plan reminder closed
        unsent, each keyed by the message and the time it was closed (a redo writes neither
        twice), then the mark that they are done. No item: nobody has anything to do."""
        from shared.services.plans.reminder_check import tell_not_sent

        why = message.error or ""
        at = message.updated_at or self.clock.now()
        entry_id = f"{int(at.timestamp() * 1000):012x}p{_digest(message.key)}"
        if message.debtor_number:
            self._log(message, f"{message.channel.value} not sent: {why}", entry_id=entry_id, at=at)
        tell_not_sent(self.repos.store, message.client_id, message.key, why, entry_id, at)
        self._followups_done(message, etag)
        return "not due"

    def _cancelled(self, message: OutboundMessage, etag: str) -> str:
        """The follow-ups of a reminder closed unsent, each keyed by it (a redelivered job
        redoes what is missing, nothing twice): the re-plan for the invoices still due, the
        contact-log entry, then the mark that they are done."""
        due = [str(n) for n in json.loads(message.extra.get(CANCELLED) or "[]")]
        at = message.updated_at or self.clock.now()
        entry_id = f"{int(at.timestamp() * 1000):012x}c{_digest(message.key)}"
        if self.replan is not None:
            self.replan(message, due)  # and the invoices not re-planned go back a step
        elif due:
            self._add_action_once(
                message.client_id,
                entry_id,
                "dunning_failure",
                f"Reminder to debtor {message.debtor_number} closed unsent ({message.error}); "
                f"plan it for {', '.join(due)} by hand",
                {"key": message.key, "channel": message.channel.value, "invoices": ",".join(due)},
            )
        self._log(message, f"{message.channel.value} {message.error}", entry_id=entry_id, at=at)
        if message.extra.get(NOT_SENT) == NOT_OWN:
            from shared.services.named_account import hold_item

            hold_item(self.repos, message.client_id, at)  # the held run's own item
        self._followups_done(message, etag)
        return "cancelled"

    def _followups_done(self, message: OutboundMessage, etag: str) -> None:
        """The mark ``followups: pending`` taken off a record whose follow-ups are written
        (read again when a delivery report moved it on meanwhile: the report keeps it)."""
        for _ in range(5):
            extra = {k: v for k, v in message.extra.items() if k != FOLLOWUPS}
            try:
                self.outbox.save(replace(message, extra=extra), etag)
                return
            except PreconditionFailed:
                found = self.outbox.get(message.client_id, message.key)
                if found is None or found[0].extra.get(FOLLOWUPS) != "pending":
                    return
                message, etag = found

    def _sender(self, message: OutboundMessage) -> ChannelSender:
        if message.extra.get("sandbox") == "outbox":
            return self.fallback
        return self.senders.get(message.channel, self.fallback)

    def _send(
        self, message: OutboundMessage, etag: str, sender: ChannelSender, *, paced: bool = False
    ) -> str:
        content = self.content_of(message)
        slot = self._slot(message.sender or "") if message.channel is Channel.EMAIL else None
        try:
            if slot:
                slot.acquire()
            result = sender.send(message, content)
        except TransientSendError as exc:
            if paced:  # nothing went: its slot of the mailbox's day is the next message's
                self._give_back_mailbox(message)
            return self._transient(message, etag, exc)
        except UncertainSendError as exc:
            return self._unconfirmed(message, etag, sender, str(exc))
        except PermanentSendError as exc:
            return self._failed(message, etag, str(exc), what="refused")
        finally:
            if slot:
                slot.release()
        return self._sent(message, etag, result, content)

    def _sent(
        self, message: OutboundMessage, etag: str, result: SendResult, content: MessageContent
    ) -> str:
        now = self.clock.now()
        done = replace(
            message,
            status=OutboxStatus.SENT,
            provider=result.provider,
            provider_id=result.provider_id,
            sent_at=now,
            updated_at=now,
            error=None,
            extra={**message.extra, FOLLOWUPS: "pending", "parts": str(result.parts)},
        )
        if result.provider_id and result.provider:
            # before the save: CM and Meta report a failure seconds after taking a message,
            # and a report must find its record even when the save's answer, or the worker,
            # is lost right after it (failure16 R6); a report about the record still
            # INPROGRESS settles it (``record_status``), and this save then backs off; with
            # the parts billed, which a report meters when the worker is lost (failure17 F1)
            self.outbox.remember_provider_id(
                result.provider, result.provider_id, message.client_id, message.key, result.parts
            )
        try:
            etag = self.outbox.save(done, etag)
        except PreconditionFailed:
            # another delivery recorded it (a concurrent re-check), or a report settled it
            # while it was still INPROGRESS: its usage lacks the parts this answer names
            self._parts_after_report(done, result)
            return self._final_meanwhile(done.client_id, done.key)
        return self._finish(done, etag, content, remembered=True)

    def _parts_after_report(self, done: OutboundMessage, result: SendResult) -> None:
        """A delivery report that settled the record before this worker's SENT save counted
        the parts remembered with the provider's id (``record_status``): those of this answer
        (saved on the record as ``parts``: nothing to add). A reference remembered without
        them (a row of an older version) counted one part: the provider billed
        ``result.parts`` (a 400-character SMS: 3 segments, metered 1 before; codereview16 F1),
        so the rest is added, once per message under a marker of its own (whichever of the
        report's count and this one comes first, the sum is the parts)."""
        found = self.outbox.get(done.client_id, done.key)
        if found is None or result.parts <= 1:
            return
        stored = found[0]
        if (stored.provider, stored.provider_id) != (result.provider, result.provider_id):
            return  # another delivery's record: it counts its own parts
        if "parts" in stored.extra or not stored.status.final:
            return  # parts counted by a SENT save or the report's settle, or not settled
        sent_at = stored.sent_at or self.clock.now()
        self.counters.increment_once(
            messaging_repo.USAGE,
            stored.client_id,
            f"{sent_at:%Y-%m}|{stored.channel.value}",
            result.parts - 1,
            marker=COUNTED + "parts|" + _digest(stored.key),
        )

    def _finish(
        self,
        message: OutboundMessage,
        etag: str,
        content: MessageContent | None = None,
        *,
        remembered: bool = False,
    ) -> str:
        """The side records of a sent message, each keyed by it (a redo writes nothing twice),
        then the mark that they are done. The provider's id is remembered here unless the
        caller did so before the save (``remembered``): a record settled by a report, or
        one saved pending before the id was remembered first, has it written now."""
        if message.provider_id and message.provider and not remembered:
            self.outbox.remember_provider_id(
                message.provider, message.provider_id, message.client_id, message.key,
                _parts(message),
            )  # fmt: skip
        if (
            message.channel is Channel.WHATSAPP
            and message.debtor_number
            and message.sandbox_of is None
        ):
            self.whatsapp_contacts.remember(
                message.to.lstrip("+"), message.client_id, message.debtor_number
            )
        sent_at = message.sent_at or self.clock.now()
        self.counters.increment_once(
            messaging_repo.USAGE,
            message.client_id,
            f"{sent_at:%Y-%m}|{message.channel.value}",
            1 if (parts := _parts(message)) is None else parts,
            marker=COUNTED + _digest(message.key),
        )
        if message.debtor_number:
            if content is None:
                content = self._content_or_none(message)
            where = f" (sandbox, meant for {message.sandbox_of})" if message.sandbox_of else ""
            subject = (content.subject or content.text[:60]) if content else message.key
            self._log(
                message,
                f"{message.channel.value} sent via {message.provider}: {subject}{where}",
                entry_id=f"{int(sent_at.timestamp() * 1000):012x}s{_digest(message.key)}",
                at=sent_at,
            )
        self._followups_done(message, etag)
        return "sent"

    def _content_or_none(self, message: OutboundMessage) -> MessageContent | None:
        try:
            return self.content_of(message)
        except LookupError:
            return None

    def _transient(self, message: OutboundMessage, etag: str, exc: TransientSendError) -> str:
        now = self.clock.now()
        if send_budget.gives_up(message, now):
            return self._failed(
                message, etag, f"gave up after {message.attempts} attempts: {exc}", what="gave_up"
            )
        # a provider's Retry-After is honoured up to the day the outbox waits for a provider
        # (send_budget.PROVIDER_AWAY): a month's (or a garbled huge one, OverflowError) is not
        asked = min(exc.retry_after or 0, send_budget.PROVIDER_AWAY.total_seconds())
        backoff = timedelta(seconds=max(asked, min(3600, 30 * 2**message.attempts)))
        since = send_budget.failing_since(message, now)
        pending = replace(
            message,
            status=OutboxStatus.PENDING,
            claimed_at=None,
            error=str(exc),
            updated_at=now,
            # the sweep reads the wait from the record: a Retry-After past its hour was
            # answered with jobs of its own every hour, the tries used up early (codereview20 F3)
            extra={
                **message.extra,
                RETRY_AT: (now + backoff).isoformat(),
                send_budget.FAILING_SINCE: since.isoformat(),
            },
        )
        # before the record: the watch then finds every message waiting on a provider (and
        # drops the row of one that sent meanwhile, or whose save lost to another worker)
        ProviderWaitRepository(self.outbox.store).note(message, since)
        self.outbox.save(pending, etag)
        return self._defer(pending, backoff, f"transient failure: {exc}")

    def _failed(self, message: OutboundMessage, etag: str, reason: str, *, what: str) -> str:
        """``what`` happened, in words a credit manager reads (the action list says it in the
        page's language); the provider's own answer, ``reason``, is the item's technical
        cause, kept in its details and on the message. The record is saved FAILED with its
        follow-ups pending (``what`` kept on it as ``not_sent``): a job cut off after the save
        comes back and writes them (failure16 R5)."""
        now = self.clock.now()
        # a 14-day letter that never went out starts no costs term (art. 6:96 lid 6 BW;
        # failure7 #1): taken off before the status is saved, as a provider's report does
        restated = self._undelivered_letter(message)
        extra = {**message.extra, NOT_SENT: what, FOLLOWUPS: "pending"}
        if restated:
            extra[RESTATED] = json.dumps(restated)  # the item says so, also when redone
        failed = replace(
            message, status=OutboxStatus.FAILED, error=reason, updated_at=now, extra=extra
        )
        etag = self.outbox.save(failed, etag)
        return self._failed_followups(failed, etag)

    def _failed_followups(self, message: OutboundMessage, etag: str) -> str:
        """The contact-log line and the ``delivery_failure`` item of a message that did not go
        out, each keyed by the message and the time its failure was saved (a redo writes
        neither twice), then the mark that they are done."""
        what = message.extra.get(NOT_SENT, "refused")
        reason = message.error or ""
        restated = [str(n) for n in json.loads(message.extra.get(RESTATED) or "[]")]
        at = message.updated_at or self.clock.now()
        entry_id = f"{int(at.timestamp() * 1000):012x}n{_digest(message.key)}"
        hint = {
            Channel.EMAIL: "send a letter?",
            Channel.SMS: "check the mobile number",
            Channel.WHATSAPP: "use SMS or e-mail?",
            Channel.LETTER: "check the postal address",
            Channel.ROBOCALL: "call by hand?",
        }[message.channel]
        if message.debtor_number:
            self._log(
                message, f"{message.channel.value} failed: {reason}", entry_id=entry_id, at=at
            )
        happened = {
            "refused": "the provider refused it",
            "gave_up": f"the provider was not reachable or busy at {message.attempts} attempts",
            "no_consent": "the debtor has no (or withdrew) WhatsApp consent",
        }.get(what, "the provider refused it")
        detail = {"key": message.key, "channel": message.channel.value, "to": message.to}
        self._add_action_once(
            message.client_id,
            entry_id,
            "delivery_failure",
            f"{message.channel.value} to debtor {message.debtor_number or '-'} not sent: "
            f"{happened}; {hint}{self._undelivered_note(message, restated, sent=False)}"
            f"{self._instead(message)}",
            {**detail, **({"cause": reason} if reason else {})},
        )
        self._followups_done(message, etag)
        return "failed"

    def _recover_stale(
        self, message: OutboundMessage, etag: str, message_id: str | None = None
    ) -> str:
        sender = self._sender(message)
        if sender.can_look_up:
            found = sender.look_up(message)
            if found is not None:
                return self._sent(message, etag, found, self.content_of(message))
            if self._dunning(message):  # it never went out, and the lease was a wait too
                # the go-live day set (or moved later) meanwhile: held as any waiting step
                held = self._before_go_live(message, etag, self.clock.now())
                if held is not None:
                    return held
                stale = self._recheck(message, etag)
                if stale is not None:
                    return stale
            claimed = replace(message, claimed_at=self.clock.now(), attempts=message.attempts + 1,
                              extra=_claimed_by(message.extra, message_id))  # fmt: skip
            try:
                etag = self.outbox.save(claimed, etag)
            except PreconditionFailed:
                return "claimed elsewhere"
            return self._send(claimed, etag, sender)
        return self._uncertain(
            message, etag, sender, "worker stopped between sending and recording"
        )

    def _unconfirmed(
        self, message: OutboundMessage, etag: str, sender: ChannelSender, reason: str
    ) -> str:
        """The request went out, its answer was lost: the provider may have the message.
        Ask it where it can say (found: sent; not found: it never arrived, send again);
        otherwise a person checks. Never a second send on a guess."""
        if sender.can_look_up:
            try:
                found = sender.look_up(message)
            except (TransientSendError, UncertainSendError, PermanentSendError):
                found = None  # the question failed too: a person checks
            else:
                if found is not None:
                    return self._sent(message, etag, found, self.content_of(message))
                return self._transient(message, etag, TransientSendError(reason))
        return self._uncertain(message, etag, sender, f"answer lost: {reason}")

    def _uncertain(
        self, message: OutboundMessage, etag: str, sender: ChannelSender, reason: str
    ) -> str:
        """UNCERTAIN: first ask a provider that can confirm a send (now, and a few times
        later: a mail reaches Sent Items only once Exchange has taken it), then a person."""
        confirm = getattr(sender, "confirm", None)
        now = self.clock.now()
        unanswered = False  # the question itself failed: no answer, not "not there yet"
        if confirm is not None:
            try:
                found = confirm(message)
            except SendError:
                found, unanswered = None, True
            if found is not None:
                extra = {k: v for k, v in message.extra.items() if k != RECHECKS}
                return self._sent(
                    replace(message, extra=extra),
                    etag,
                    found,
                    self.content_of(message),
                )
        checks = int(message.extra.get(RECHECKS, "0") or 0)
        confirmable = getattr(sender, "can_confirm", None)
        # a provider that cannot be asked (down, timing out) is asked again while it is away
        # up to a day: its failed questions used up the rechecks, and every mail of a Graph
        # outage over an hour got an item though Graph had it (failure24 F4)
        since = send_budget.failing_since(message, now)
        waited_out = unanswered and send_budget.still_away(since, now)
        again = (
            confirm is not None
            and (checks < len(RECHECK_MINUTES) or waited_out)
            and (confirmable is None or confirmable(message))
        )
        extra = {k: v for k, v in message.extra.items() if k != RECHECKS}
        action_id = extra.get(VERIFY_ACTION) or time_ordered_id(self.clock.now())
        if again:
            extra[RECHECKS] = str(checks if waited_out else checks + 1)
            extra[send_budget.FAILING_SINCE] = since.isoformat()
        else:
            extra[VERIFY_ACTION] = action_id
            extra[FOLLOWUPS] = "pending"  # its item, written below or by a redelivery
            # a delivery report naming our reference (CM, Graph's bounces) can still settle
            # it: remembered before the save, so one that comes at once finds the record; with
            # the parts the provider was asked to bill at most (failure17 F1: its report
            # metered a 3-part SMS as 1)
            self.outbox.remember_provider_id(
                sender.name, message.reference, message.client_id, message.key,
                self._parts_asked(message, sender),
            )  # fmt: skip
        uncertain = replace(
            message,
            status=OutboxStatus.UNCERTAIN,
            error=reason,
            updated_at=self.clock.now(),
            extra=extra,
        )
        try:
            etag = self.outbox.save(uncertain, etag)
        except PreconditionFailed:
            return self._final_meanwhile(message.client_id, message.key)
        if again:
            self._defer(
                uncertain,
                # an unanswered question waits the longest: the provider is away
                timedelta(minutes=RECHECK_MINUTES[-1 if unanswered else checks]),
                f"asking {sender.name} later whether it went out",
            )
            return "uncertain"
        return self._uncertain_followups(uncertain, etag, sender)

    def _parts_asked(self, message: OutboundMessage, sender: ChannelSender) -> int | None:
        """The parts an SMS whose provider's answer is not known may be billed: those of its
        text, which CM is asked to bill at most (``maximumNumberOfMessageParts``); None for
        other channels (and an SMS whose content is gone), whose report counts one."""
        if message.channel is not Channel.SMS or sender is self.fallback:
            return None
        content = self._content_or_none(message)
        return sms_parts(content.text) if content is not None else None

    def _uncertain_followups(
        self, message: OutboundMessage, etag: str, sender: ChannelSender | None = None
    ) -> str:
        """The ``verify_delivery`` item of an UNCERTAIN record, keyed by the id its save
        carries (a redo adds none), then the mark that it is written: a job cut off after
        the save comes back and writes it (failure16 R4)."""
        sender = sender or self._sender(message)
        action_id = message.extra.get(VERIFY_ACTION) or time_ordered_id(self.clock.now())
        what = _WHAT.get(message.key.split("|", 1)[0], "message")
        self._add_action_once(
            message.client_id,
            action_id,
            "verify_delivery",
            f"Check whether this {what} went out: {message.channel.value} to debtor "
            f"{message.debtor_number or '-'} may or may not have been sent "
            f"({message.error or 'answer lost'}); check with {sender.name} before sending it "
            "again",
            {"key": message.key, "channel": message.channel.value, "to": message.to,
             "debtor": message.debtor_number},
        )  # fmt: skip
        self._followups_done(message, etag)
        return "uncertain"

    def resend_unconfirmed(self, client_id: str, key: str, author: str) -> bool:
        """A person checked with the provider: the UNCERTAIN message did not go out. It is
        sent again (once: the record is pending again, its check item resolved). False when
        the record is not uncertain (sent, resent already, or confirmed meanwhile)."""
        found = self.outbox.get(client_id, key)
        if found is None:
            raise LookupError(f"message {key} not found")
        message, etag = found
        if message.status is not OutboxStatus.UNCERTAIN:
            return False
        extra = {
            k: v for k, v in message.extra.items() if k not in (RECHECKS, VERIFY_ACTION, FOLLOWUPS)
        }
        pending = replace(message, status=OutboxStatus.PENDING, claimed_at=None, error=None,
                          updated_at=self.clock.now(), extra=extra)  # fmt: skip
        self.outbox.save(pending, etag)  # PreconditionFailed: someone else settled it first
        self._resolve_check(message, f"checked by {author}: it did not go out; sent again")
        self.queues.send(message.channel.queue, job_body(client_id, key))
        return True

    def _resolve_check(self, message: OutboundMessage, why: str) -> None:
        """The message's verify_delivery item, resolved: the question is answered."""
        action_id = message.extra.get(VERIFY_ACTION)
        found = self.repos.actions.get(message.client_id, action_id) if action_id else None
        if found is None or found[0].status is ActionStatus.RESOLVED:
            return
        item, etag = found
        resolved = replace(item, status=ActionStatus.RESOLVED, resolved_at=self.clock.now(),
                           resolution=why)  # fmt: skip
        try:
            self.repos.actions.save(resolved, etag or "")
        except PreconditionFailed:
            pass  # a person resolved it meanwhile

    def _defer(self, message: OutboundMessage, wait: timedelta, why: str) -> str:
        seconds = max(1, int(wait.total_seconds() + 0.999))
        self.queues.send(
            message.channel.queue, job_body(message.client_id, message.key), delay_seconds=seconds
        )
        log.info("message %s deferred %ss: %s", message.key, seconds, why)
        return "deferred"

    def _reserve_mailbox(self, message: OutboundMessage) -> timedelta | None:
        """Take a slot of the sending mailbox's minute and day, shared by every instance
        through counters in Table Storage; how long to wait when there is none."""
        mailbox = (message.sender or "default").lower()
        now = self.clock.now()
        today = day_key(now)
        used_today = self.counters.count(messaging_repo.MAILBOX_PACE, mailbox, today)
        if used_today < self.limits.per_day:
            minute = self.counters.increment(
                messaging_repo.MAILBOX_PACE, mailbox, minute_key(now), limit=self.limits.per_minute
            )
            if minute is None:
                return (now.replace(second=0, microsecond=0) + timedelta(minutes=1)) - now
            if (
                self.counters.increment(
                    messaging_repo.MAILBOX_PACE, mailbox, today, limit=self.limits.per_day
                )
                is not None
            ):
                return None
        tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        if (
            self.counters.increment(messaging_repo.MAILBOX_PACE, mailbox, "w" + today[1:], limit=1)
            is not None
        ):
            self._action(
                message,
                "mailbox_capacity",
                f"Mailbox {mailbox} reached {self.limits.per_day} messages today; the rest waits for tomorrow",
            )
        return tomorrow - now

    def _give_back_mailbox(self, message: OutboundMessage) -> None:
        """The day's slot a send that did not go out took: with a provider away for hours
        (failure24 F1) its retries took one each, and a busy mailbox's day was full before the
        provider came back (the rest waited for the next day, with a mailbox_capacity item)."""
        mailbox = (message.sender or "default").lower()
        day = day_key(message.claimed_at or self.clock.now())
        self.counters.increment(messaging_repo.MAILBOX_PACE, mailbox, day, by=-1)

    def _slot(self, mailbox: str) -> threading.BoundedSemaphore:
        with self._slots_lock:
            if mailbox not in self._slots:
                self._slots[mailbox] = threading.BoundedSemaphore(self.limits.concurrent)
            return self._slots[mailbox]

    def _whatsapp_consent(self, message: OutboundMessage) -> bool:
        """The debtor's consent as recorded now (it may have been withdrawn since enqueueing),
        and no STOP from the number to this client on another of its debtor records: that
        STOP is the number holder's, so it becomes this record's too (whatsapp_stops)."""
        if not message.debtor_number:
            return False
        for _ in range(5):
            found = self.repos.debtors.get(message.client_id, message.debtor_number)
            if found is None or not found[0].whatsapp_consent:
                return False
            debtor, etag = found
            stopped = standing_stop(
                self.repos, message.client_id, replace(debtor, mobile=message.to)
            )
            if stopped is None:
                return True
            if debtor.mobile != message.to:
                return False  # queued for a number the record no longer has: not its STOP
            on_the_number(self.repos, message.client_id, debtor)
            try:
                self.repos.debtors.save(stopped_like(debtor, stopped), etag)
            except PreconditionFailed:
                continue
            now = self.clock.now()
            self.repos.contacts.add(ContactEntry(
                message.client_id, debtor.number, time_ordered_id(now), now, ContactKind.NOTE,
                f"WhatsApp opt-out of this number (STOP, {stopped.whatsapp_stopped_on}) applies: "
                "no more WhatsApp messages", channel="whatsapp",
            ))  # fmt: skip
            return False
        return False

    def _whatsapp_window(self, message: OutboundMessage, now: datetime) -> OutboundMessage:
        """Put the debtor's last WhatsApp message and the moment of sending on the job: the
        channel sends free text only inside the 24-hour window, else the approved template."""
        extra = {**message.extra, "sending_at": now.isoformat()}
        if message.debtor_number:
            last = self.conversations.last_inbound(message.client_id, message.debtor_number)
            if last is not None:
                extra["last_inbound_at"] = last.isoformat()
        return replace(message, extra=extra)

    def whatsapp_inbound(
        self,
        wa_id: str,
        text: str,
        *,
        at: datetime | None = None,
        message_id: str = "",
        kind: str = "text",
        replied_to: str = "",
    ) -> int:
        """A debtor wrote on WhatsApp. Every debtor we messaged on that number gets the time
        (the 24-hour window is the business number's, one for the whole app). What was written
        goes to one client only: the one whose message it answers (``replied_to``, Meta's
        ``context.id``), else the one client we messaged on that number; a number several
        clients messaged, or none, becomes one unassigned item for the operator (a debtor's
        words never land on another client's log). STOP (or afmelden, uitschrijven) withdraws
        consent for every debtor on the number; returns how many were opted out. A webhook
        delivered twice files once (ids come from Meta's message id); a STOP or START sent
        before the number's last such word (delivered late or again) changes nothing: his
        last word counts (failure9 #2)."""
        at = at or self.clock.now()
        debtors = self.whatsapp_contacts.debtors(wa_id)
        for client_id, debtor_number in debtors:
            self.conversations.record_inbound(client_id, debtor_number, at)
        shown = text if kind == "text" else f"[{kind}] {text}".strip()
        stop = text.strip().lower() in STOP_WORDS
        addressed = self._whatsapp_addressees(debtors, replied_to)
        digest = hashlib.sha256((message_id or f"{wa_id}|{at.isoformat()}|{text}").encode())
        entry_id = f"{int(at.timestamp() * 1000):012x}wa{digest.hexdigest()[:16]}"
        itemised = stop or self._whatsapp_item_allowed(wa_id, entry_id, at)
        if addressed:
            for client_id, debtor_number in addressed:
                try:
                    self.repos.contacts.add(
                        ContactEntry(client_id, debtor_number, entry_id, at, ContactKind.MESSAGE,
                                     f"WhatsApp received: {shown}"[:1000], channel="whatsapp")
                    )  # fmt: skip
                except Conflict:
                    pass  # filed the first time; the action below may still be missing
                if not stop and itemised:
                    self._add_action_once(
                        client_id, entry_id, "debtor_reply",
                        f"Debtor {debtor_number} replied on WhatsApp",
                        {"debtor": debtor_number, "text": shown[:2000]},
                    )  # fmt: skip
        elif not stop:
            masked = ("•" * max(0, len(wa_id) - 4)) + wa_id[-4:]
            if not itemised:
                log.warning("WhatsApp from %s over %d items today: logged only: %s", masked,
                            WHATSAPP_ITEMS_PER_NUMBER_PER_DAY, shown[:200])  # fmt: skip
                return 0
            candidates = sorted({client for client, _ in debtors})
            self._add_action_once(
                PLATFORM_SCOPE, entry_id, "unassigned_whatsapp",
                f"A WhatsApp from {masked} that no single client's message explains",
                {"from": masked, "clients": candidates, "text": shown[:2000]},
            )  # fmt: skip
            log.warning(
                "WhatsApp from %s not assigned: %d candidate clients", masked, len(candidates)
            )
        said = text.strip().lower()
        if said not in START_WORDS and said not in STOP_WORDS:
            return 0
        word = ConsentWord("start" if said in START_WORDS else "stop", at, message_id)
        if not self.whatsapp_contacts.claim_word(wa_id, word):
            log.info("WhatsApp %s sent before the number's last word: changes nothing", word.word)
            return 0
        if word.word == "start":
            self._whatsapp_opt_in(wa_id, word, debtors)
            return 0
        opted_out = 0
        line_id = _word_entry_id(wa_id, word)
        for client_id, debtor_number in debtors:
            for _ in range(5):
                found = self.repos.debtors.get(client_id, debtor_number)
                if found is not None and found[0].whatsapp_stopped_on is not None:
                    # stopped by this very word, its line cut off (the worker died after the
                    # save): the redelivery writes it, once (failure15b Q7)
                    if found[0].whatsapp_word_at == word.at and found[0].whatsapp_stop_withdrew:
                        opted_out += self._stop_line(client_id, debtor_number, line_id, word.at)
                    break
                if found is None:
                    break
                if _said_before(found[0], word):
                    break  # his later START (from another of his numbers) stands
                if self.whatsapp_contacts.last_word(wa_id) != word:
                    break  # a later word came meanwhile, and is applied by its own delivery
                debtor, etag = found
                # remembered even without consent: a push of the CRM's consent cannot undo it;
                # with whether it took consent away, which is all his START gives back
                stopped = replace(debtor, whatsapp_consent=False, whatsapp_stopped_on=amsterdam_date(at),
                                  whatsapp_stop_withdrew=debtor.whatsapp_consent,
                                  whatsapp_word_at=word.at)  # fmt: skip
                try:
                    self.repos.debtors.save(stopped, etag)
                except PreconditionFailed:
                    continue
                if not debtor.whatsapp_consent:
                    break  # nothing was withdrawn: no line, not counted
                opted_out += self._stop_line(client_id, debtor_number, line_id, word.at)
                break
        return opted_out

    def _stop_line(self, client_id: str, debtor_number: str, line_id: str, at: datetime) -> int:
        """The contact-log line of a STOP that withdrew consent, keyed by the word and dated
        by it (``at``, as the START's line): 1 when written now, 0 when a delivery before wrote
        it. Dated by the delivery's clock, Meta's delivery again a minute on (the webhook
        failed after the line, at another debtor of the number) met no Conflict and wrote the
        line twice (failure18 F4)."""
        try:
            self.repos.contacts.add(
                ContactEntry(client_id, debtor_number, line_id, at, ContactKind.NOTE,
                             "WhatsApp opt-out received (STOP): no more WhatsApp messages",
                             channel="whatsapp")
            )  # fmt: skip
        except Conflict:
            return 0
        return 1

    def _whatsapp_opt_in(
        self, wa_id: str, word: ConsentWord, debtors: Iterable[tuple[str, str]]
    ) -> None:
        """START from the number lifts the STOP it undoes on each debtor on it, and gives
        back only the consent that STOP took away: consent is given to each client apart (AVG
        art. 4(11) and 7), so a client that had none when he sent STOP (withdrawn in its CRM,
        never given) gets none from a START meant for another (attack8 #6)."""
        from shared.services.operations.whatsapp_stop_backfill import stop_withdrew

        line_id = _word_entry_id(wa_id, word)
        for client_id, debtor_number in debtors:
            for _ in range(5):
                found = self.repos.debtors.get(client_id, debtor_number)
                if found is not None and _lifted_by(found[0], word):
                    # lifted by this very word, its line cut off (the worker died after the
                    # save): the redelivery writes it, once (failure15b Q7, codereview15 F4)
                    self._start_line(client_id, debtor_number, line_id, found[0])
                    break
                if found is None or _said_before(found[0], word):
                    break  # his later STOP (from another of his numbers) stands
                if self.whatsapp_contacts.last_word(wa_id) != word:
                    break  # a later STOP came meanwhile (checked before the etag'd save)
                at = word.at
                debtor, etag = found
                if (stopped_on := debtor.whatsapp_stopped_on) is None:
                    # nothing to lift, but his START is his last word: a STOP he sent before
                    # it from another number, delivered late, must not take consent away
                    try:
                        self.repos.debtors.save(replace(debtor, whatsapp_word_at=at,
                                                        whatsapp_stop_withdrew=None), etag)  # fmt: skip
                    except PreconditionFailed:
                        continue
                    break
                withdrew = debtor.whatsapp_stop_withdrew
                if withdrew is None:  # a STOP kept before this was recorded: his log says
                    withdrew = stop_withdrew(self.repos, client_id, debtor_number, stopped_on)
                # with no STOP in force, ``whatsapp_stop_withdrew`` keeps what the STOP this
                # word lifted had taken away: a redelivery knows the line to write from it
                opted_in = replace(debtor, whatsapp_consent=withdrew, whatsapp_stopped_on=None,
                                   whatsapp_stop_withdrew=withdrew, whatsapp_word_at=at)  # fmt: skip
                try:
                    self.repos.debtors.save(opted_in, etag)
                except PreconditionFailed:
                    continue  # read again: the START may no longer apply (a later STOP)
                # the line after the save, so it says what happened: a START that lost to a
                # later STOP leaves no consent on the log (codereview15 F4)
                self._start_line(client_id, debtor_number, line_id, opted_in)
                break

    def _start_line(self, client_id: str, debtor_number: str, line_id: str, lifted: Debtor) -> None:
        """The contact-log line of a START that lifted a STOP, keyed by the word (Meta's
        message id): written once, by the delivery that saved it or by a redelivery."""
        said = (
            "WhatsApp messages again"
            if lifted.whatsapp_consent
            else "the STOP is lifted; no WhatsApp consent at this client (there was "
            "none when the STOP came)"
        )
        at = lifted.whatsapp_word_at or self.clock.now()  # set by the START that lifted it
        try:
            self.repos.contacts.add(
                ContactEntry(client_id, debtor_number, line_id, at,
                             ContactKind.NOTE, f"WhatsApp opt-in received (START): {said}",
                             channel="whatsapp")
            )  # fmt: skip
        except Conflict:
            pass  # written by a delivery before

    # -- what came back ----------------------------------------------------------------------
    def record_status(
        self, provider: str, provider_id: str, status: OutboxStatus, detail: str | None = None
    ) -> bool:
        """A provider's delivery callback. Idempotent; an unknown id changes nothing."""
        ref = self.outbox.ref(provider, provider_id)
        if ref is None:
            return False
        for _ in range(5):
            found = self.outbox.get(ref.client_id, ref.key)
            if found is None:
                return False
            message, etag = found
            if _STATUS_RANK[status] <= _STATUS_RANK[message.status]:
                # reports arrive in any order and more than once: a late "sent" never undoes
                # "delivered", and a repeated failure is the same failure: its log entry and
                # item, keyed by it, are made if the first report died after the save
                if status is message.status and status in _FAILED:
                    self._failure_followups(message, status, message.error)
                return True
            updated = replace(
                message, status=status, error=detail or message.error, updated_at=self.clock.now()
            )
            # any report: the provider had it; also about a record still INPROGRESS, whose
            # provider id is remembered just before its SENT or UNCERTAIN save (failure16 R6):
            # metered with the parts remembered with the id (the provider's answer, or for
            # our reference the parts it was asked to bill at most), whether or not the worker
            # lives on to save (failure17 F1); a row without them counts one, and the worker
            # whose SENT save then loses adds the rest (``_parts_after_report``)
            settled = message.status in (OutboxStatus.UNCERTAIN, OutboxStatus.INPROGRESS)
            if settled:
                extra = {k: v for k, v in message.extra.items() if k != RECHECKS}
                if ref.parts is not None:
                    extra["parts"] = str(ref.parts)
                updated = replace(
                    updated,
                    provider=provider,
                    provider_id=message.provider_id or provider_id,
                    sent_at=message.sent_at or self.clock.now(),
                    extra={**extra, FOLLOWUPS: "pending"},
                )
            failed = status in _FAILED
            # before the status is saved: a crash between them leaves the report to be redone
            restated = self._undelivered_letter(message) if failed else []
            try:
                etag = self.outbox.save(updated, etag)
            except PreconditionFailed:
                continue
            if settled:
                self._finish(updated, etag)
                self._resolve_check(updated, f"{provider} reported it {status.value}")
            if message.channel is Channel.ROBOCALL and message.debtor_number:
                self._log(message, f"robocall result: {detail or status.value}")
            if failed:
                self._failure_followups(updated, status, detail, restated)
            return True
        return False

    def adopt_provider_id(self, provider: str, reference: str, provider_id: str) -> bool:
        """The provider's id of a message remembered only under our ``reference`` (its answer
        was lost: ``_uncertain``), remembered for it too, so that the provider's reports,
        which name only its own id, reach the record; True when there is such a message."""
        ref = self.outbox.ref(provider, reference)
        found = self.outbox.get(ref.client_id, ref.key) if ref is not None else None
        if ref is None or found is None or found[0].reference != reference:
            return False
        message = found[0]
        if message.provider_id not in (None, provider_id):
            return False  # it went out under another id: this report is not about it
        self.outbox.remember_provider_id(
            provider, provider_id, message.client_id, message.key, ref.parts
        )
        return True

    def _failure_followups(
        self,
        message: OutboundMessage,
        status: OutboxStatus,
        detail: str | None,
        restated: list[str] | None = None,
    ) -> None:
        """The contact-log entry and the staff item of a failed delivery, each keyed by the
        message and the time its failure was saved: a repeated report adds none, and redoes
        what a report that died after the save left undone (failure5 finding 8)."""
        at = message.updated_at or self.clock.now()
        entry_id = f"{int(at.timestamp() * 1000):012x}f{_digest(message.key)}"
        if message.debtor_number:
            summary = f"{message.channel.value} {status.value}: {detail or ''}".strip()
            self._log(message, summary, entry_id=entry_id, at=at)
        note = self._undelivered_note(message, restated or [])  # what the report did before
        note += self._instead(message)
        title = f"{message.channel.value} to debtor {message.debtor_number or '-'} {status.value}: {detail or 'no reason given'}"
        self._add_action_once(
            message.client_id, entry_id, "delivery_failure", title + note,
            {"key": message.key, "channel": message.channel.value, "to": message.to},
        )  # fmt: skip

    def _instead(self, message: OutboundMessage) -> str:
        """A dunning robocall that did not reach the debtor (busy, no answer, a machine, a
        fax, refused): its step goes by the step's fallback channel, when the workflow names
        one (idempotent: a repeated report sends nothing again). What the item adds."""
        if (
            message.channel is not Channel.ROBOCALL
            or not self._dunning(message)
            or CANCELLED in message.extra
            or self.not_reached is None
        ):
            return ""
        instead = self.not_reached(message)
        return f"; the step goes by {instead} instead (the workflow's fallback)" if instead else ""

    def _undelivered_letter(self, message: OutboundMessage) -> list[str]:
        """A 14-day letter that did not reach the debtor starts no costs term (art. 6:96 lid 6
        BW): its invoices' term is taken off (``letter_undelivered``, idempotent), and costs a
        payment had fixed meanwhile are taken back, its money moved by 6:44; the claims
        restated. Only on the report that saves the failure: a repeat must not undo a receipt
        staff confirmed since."""
        if not self._dunning(message):
            return []
        from shared.services.letter_undelivered import undo_costs_term

        if undo_costs_term(self.repos, message) is None:
            return []  # not a 14-day letter
        # every invoice of the letter now without a term (not only those cleared now: a
        # report delivered again after a crash between the two finishes the restatement; a
        # claim with nothing to change is left alone)
        if self.restate_terms is None:
            return []
        stored = self.repos.invoices.get_many(message.client_id, list(message.invoice_numbers))
        termless = sorted(n for n, s in stored.items() if s.invoice.costs_owed_from is None)
        return self.restate_terms(message.client_id, termless) if termless else []

    def _undelivered_note(
        self, message: OutboundMessage, restated: list[str], *, sent: bool = True
    ) -> str:
        """What the failure item adds for an undelivered 14-day letter (``sent``: it went
        out and came back; else it never left, and no receipt can be confirmed)."""
        if not self._dunning(message):
            return ""
        from shared.services.letter_undelivered import as_fourteen_day_letter

        if as_fourteen_day_letter(self.repos, message) is None:
            return ""  # not a 14-day letter
        taken_back = (
            f"; the costs charged on {', '.join(restated)} are taken back and the payments "
            "allocated again"
            if restated
            else ""
        )
        if not sent:
            return (
                f". The 14-day letter was never sent: no collection costs for "
                f"{', '.join(message.invoice_numbers)} (the costs term is cleared); a new "
                f"letter that goes out starts its own term{taken_back}"
            )
        return (
            f". The 14-day letter did not reach the debtor: no collection costs for "
            f"{', '.join(message.invoice_numbers)} (the costs term is cleared) unless staff "
            f"confirm that he received it; send it again to a correct address{taken_back}"
        )

    def scan_bounces(self) -> int:
        """Look in every client's sending mailbox for non-delivery reports since the last look
        (only when e-mail goes through a provider that can say so). A report is believed only
        about a message of that mailbox's own clients sent from it, and only from the sending
        system (:meth:`bounce_not_believed`)."""
        sender = self.senders.get(Channel.EMAIL)
        finder = getattr(sender, "bounces", None)
        if sender is None or finder is None:
            return 0
        now = self.clock.now()
        marked = 0
        # the verified contact mailboxes and the agencies' own (sender33)
        owners = sending_mailboxes(self.repos, self.repos.clients.all())
        for mailbox in sorted(owners):
            since = self.counters.read_value(messaging_repo.MAILBOX_PACE, mailbox, "scan") or (
                now - timedelta(days=1)
            )
            for found in finder(mailbox, since):
                reference, reason = found[0], found[1]
                reporter = found[2] if len(found) > 2 else ""
                headers = found[3] if len(found) > 3 else None
                if self.bounce_not_believed(
                    sender.name, reference, reporter, mailbox, owners[mailbox], headers
                ):
                    continue
                marked += self.record_status(sender.name, reference, OutboxStatus.BOUNCED, reason)
            self.counters.write_value(messaging_repo.MAILBOX_PACE, mailbox, "scan", now)
        return marked

    def bounce_not_believed(
        self,
        provider: str,
        reference: str,
        reporter: str,
        mailbox: str,
        clients: set[str],
        headers: Mapping[str, str] | None = None,
    ) -> bool:
        """True when a non-delivery report that reached ``mailbox`` must not mark the message
        it names (attack6 finding 2): the message is another client's than the mailbox's
        ``clients`` or was not sent from that mailbox (a reference is no secret: ignored, the
        other client's outbox untouched); or the report does not come from the mail system
        that sent it (:func:`from_sending_system`): then staff get one ``bounce_unconfirmed``
        item to check, and nothing is cleared. False: believe it (or it names nothing)."""
        from shared.domain.inbound.recognise import (
            failed_authentication,
            from_sending_system,
            same_domain,
        )
        from shared.telemetry.context import log_extra

        ref = self.outbox.by_provider_id(provider, reference)
        found = self.outbox.get(*ref) if ref is not None else None
        if found is None:
            return False  # not a message of ours: marking finds nothing either
        message = found[0]
        sent_from = (message.sender or mailbox).strip().lower()
        if message.client_id not in clients or sent_from != mailbox.strip().lower():
            log.warning(
                "a bounce report names a message not sent from the mailbox it reached",
                extra=log_extra({"client_id": message.client_id}),
            )
            return True
        if from_sending_system(reporter, sent_from, headers):
            return False
        if failed_authentication(headers):
            whose = "a sender the receiving mail system found forged (SPF/DKIM/DMARC failed)"
        elif same_domain(reporter, message.to):
            whose = "the recipient's own domain"
        else:
            whose = "not the mail system that sent it"
        log.warning(
            "a bounce report not from the sending mail system is not believed",
            extra=log_extra({"client_id": message.client_id}),
        )
        what = _WHAT.get(message.key.split("|", 1)[0], "message")
        shown = reporter[:200] or "an unknown sender"
        self._add_action_once(
            message.client_id,
            f"bounce-{_digest(message.key)}",
            "bounce_unconfirmed",
            f"A report that the {what} to debtor {message.debtor_number or '-'} did not arrive "
            f"came from {shown}, {whose}: check whether it reached him before you send it "
            "again",
            {"key": message.key, "channel": message.channel.value, "to": message.to,
             "debtor": message.debtor_number, "reporter": reporter[:200]},
        )  # fmt: skip
        return True

    def drain_poison(self, channel: Channel, body: bytes, message_id: str | None = None) -> None:
        """A job that kept failing: on the client's action list as a ``poison`` item, with its
        content, the record marked failed (see ``shared.services.poison``)."""
        from shared.services.poison import PoisonService

        poison = PoisonService(self.repos, self.files, self.queues, self.clock)
        poison.drain(f"{channel.queue}-poison", body, message_id=message_id)

    # -- helpers -----------------------------------------------------------------------------
    def _log(
        self,
        message: OutboundMessage,
        summary: str,
        *,
        entry_id: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """A contact-log entry; with ``entry_id`` (derived from the message) a repeat adds none."""
        now = at or self.clock.now()
        assert message.debtor_number is not None
        try:
            self.repos.contacts.add(
                ContactEntry(
                    message.client_id,
                    message.debtor_number,
                    entry_id or time_ordered_id(now),
                    now,
                    ContactKind.MESSAGE,
                    summary,
                    channel=message.channel.value,
                    invoice_numbers=message.invoice_numbers,
                )
            )
        except Conflict:
            if entry_id is None:
                raise

    def _action(self, message: OutboundMessage, kind: str, title: str, *, cause: str = "") -> None:
        detail = {"key": message.key, "channel": message.channel.value, "to": message.to}
        self._add_action(
            message.client_id, kind, title, {**detail, **({"cause": cause} if cause else {})}
        )

    def _whatsapp_addressees(
        self, debtors: list[tuple[str, str]], replied_to: str
    ) -> list[tuple[str, str]]:
        """The debtors a WhatsApp message is meant for: those of the message it answers, else
        those of the one client that messaged the number; none when that is unclear."""
        if replied_to:
            ref = self.outbox.by_provider_id("whatsapp", replied_to)
            found = self.outbox.get(*ref) if ref is not None else None
            if found is not None and found[0].debtor_number:
                message = found[0]
                return [(message.client_id, message.debtor_number)]  # type: ignore[list-item]
        if len({client for client, _ in debtors}) == 1:
            return debtors
        return []

    def _whatsapp_item_allowed(self, wa_id: str, entry_id: str, at: datetime) -> bool:
        """Whether a message of ``wa_id`` on ``at``'s day is among the first
        WHATSAPP_ITEMS_PER_NUMBER_PER_DAY, counted once per message (``entry_id``: a webhook
        delivered again is not counted again) and judged by its own place, not by how many
        came since: delivered again after its item's write failed, it still gets it
        (failure19 W1). The number is kept hashed."""
        number = "wa-in|" + hashlib.sha256(wa_id.encode()).hexdigest()[:32]
        day = f"d{amsterdam_date(at):%Y%m%d}"
        place, _ = self.counters.count_once(
            messaging_repo.MAILBOX_PACE, number, day, 1, marker=f"m|{entry_id}"
        )
        return place <= WHATSAPP_ITEMS_PER_NUMBER_PER_DAY

    def _add_action_once(
        self, scope: str, action_id: str, kind: str, title: str, detail: dict[str, Any]
    ) -> None:
        """An action item keyed by the event it is about: a redelivered webhook adds none."""
        item = ActionItem(client_id=scope, action_id=action_id, kind=kind, title=title,
                          created_at=self.clock.now(), debtor_number=detail.get("debtor"),
                          detail=detail)  # fmt: skip
        self.repos.actions.add_once(item)

    def _add_action(self, scope: str, kind: str, title: str, detail: dict[str, Any]) -> None:
        self._add_action_once(scope, time_ordered_id(self.clock.now()), kind, title, detail)

    def usage(self, client_id: str, month: str) -> dict[str, int]:
        counts = self.counters.read(messaging_repo.USAGE, client_id, month + "|")
        return {rk.split("|", 1)[1]: n for rk, n in counts.items()}


_FAILED = (OutboxStatus.BOUNCED, OutboxStatus.UNDELIVERABLE, OutboxStatus.FAILED)


def _parts(message: OutboundMessage) -> int | None:
    """The parts saved on a record (``parts``: SMS segments, letter pages), if any."""
    raw = message.extra.get("parts")
    return int(raw) if raw else None


def _digest(key: str) -> str:
    """A message key as a short, key-safe name (keys hold ``|`` and may be long)."""
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def _content_name(client_id: str, key: str) -> str:
    """A record's content before records named their own copy (``content_ref``)."""
    return f"{client_id}/{base64.urlsafe_b64encode(key.encode()).decode()}.json"


def _content_name_of(message: OutboundMessage) -> str:
    ref = message.extra.get(CONTENT_REF)
    if not ref:
        return _content_name(message.client_id, message.key)
    return (
        f"{message.client_id}/{base64.urlsafe_b64encode(message.key.encode()).decode()}.{ref}.json"
    )


def _encode_content(content: MessageContent) -> bytes:
    data = asdict(content)
    data["attachments"] = [
        {"name": a.name, "content_type": a.content_type, "data": base64.b64encode(a.data).decode()}
        for a in content.attachments
    ]
    return json.dumps(data).encode()


def _decode_content(raw: bytes) -> MessageContent:
    data = json.loads(raw)
    return MessageContent(
        subject=data["subject"],
        text=data["text"],
        html=data.get("html"),
        attachments=tuple(
            Attachment(a["name"], a["content_type"], base64.b64decode(a["data"]))
            for a in data["attachments"]
        ),
        template=data.get("template"),
        template_params=tuple(data.get("template_params", [])),
        language=data.get("language", "nl"),
        template_button=data.get("template_button"),
        template_button_index=int(data.get("template_button_index", 0)),
        attachments_at=str(data.get("attachments_at") or ""),
    )


def _word_entry_id(wa_id: str, word: ConsentWord) -> str:
    """The contact-log id of a STOP's or START's line: from the word (Meta's message id), the
    same on every delivery of it, time-ordered by when it was sent."""
    said = f"{word.word}|{word.message_id or f'{wa_id}|{word.at.isoformat()}'}"
    return (
        f"{int(word.at.timestamp() * 1000):012x}wo{hashlib.sha256(said.encode()).hexdigest()[:16]}"
    )


def _lifted_by(debtor: Debtor, word: ConsentWord) -> bool:
    """Whether ``word``, a START, is what lifted the debtor's STOP (its save made): no STOP in
    force, his last word this one, and what that STOP had withdrawn kept beside it."""
    return (
        debtor.whatsapp_stopped_on is None
        and debtor.whatsapp_word_at == word.at
        and debtor.whatsapp_stop_withdrew is not None
    )


def _said_before(debtor: Debtor, word: ConsentWord) -> bool:
    """Whether ``word`` was sent before the last STOP or START applied to ``debtor`` (from
    any of his numbers: a word delivered late changes nothing). A STOP kept before the time
    was (only its day) is later than a word of an earlier day."""
    if debtor.whatsapp_word_at is not None:
        return word.at < debtor.whatsapp_word_at
    stopped_on = debtor.whatsapp_stopped_on
    return stopped_on is not None and amsterdam_date(word.at) < stopped_on


def _claimed_by(extra: dict[str, str], message_id: str | None) -> dict[str, str]:
    """A claim's extra naming the queue message that made it (none: the previous name goes)."""
    rest = {k: v for k, v in extra.items() if k != CLAIMED_BY}
    return {**rest, CLAIMED_BY: message_id} if message_id else rest
