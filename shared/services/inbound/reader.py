"""The timer's work: read every client mailbox's new messages with Graph delta queries and
file each one (shared/services/inbound/filing.py).

Why a delta query on a timer, not change notifications: a notification needs a public HTTPS
endpoint that answers Graph's validation handshake (none exists on a developer's machine or
behind the local host), subscriptions on messages expire within days and need a renewal
timer of their own, and a notification only says "something changed": the message is read
with a GET all the same. The delta round is at-least-once by design: the link to resume from
is stored after each page is filed, a crash files that page again, and filing is idempotent
by the message's key (its Internet Message-ID).

A mailbox is watched from its first round on: that round walks the inbox once to obtain a
delta link and files nothing older than the moment the watch began. When Graph forgets the
sync state (410) the round starts over; messages already handled are recognised and skipped.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shared.adapters.channels.graph_inbox import (
    DeltaExpired,
    FetchedAttachment,
    GraphInbox,
    MessageGone,
)
from shared.adapters.tables.inbound_repo import MailboxStateRepository, SeenRepository
from shared.adapters.tables.linked_accounts_repo import GraphLink, LinkedAccountRepository
from shared.clock import Clock
from shared.domain.inbound.mail import AttachmentNote, MailKind, ReceivedMail
from shared.domain.messaging import SendError
from shared.domain.parties import Client
from shared.ports.files import FileStore
from shared.ports.tables import StorageError
from shared.services.inbound.candidates import IndexPending
from shared.services.inbound.filing import ATTACHMENTS_CONTAINER, MailFiling, blob_prefix
from shared.services.repositories import Repositories

log = logging.getLogger("inning.inbound")
MAX_FAILURES = 3  # a message that fails this often is set aside for a person
MAX_MAILBOX_FAILURES = 3  # runs in a row a mailbox fails before a person is asked
# a message quoting a kenmerk of a client whose matching index is being built (its own queue,
# shared/services/match_index_ready.py) waits for it this long after its arrival, then is
# filed without that lookup (the other evidence still counts; an uncertain one asks a person)
INDEX_WAIT = timedelta(minutes=30)


_WAITING = "waiting for the matching index"


class MessageFailed(Exception):
    """A message on the page could not be filed (tried again next run)."""


class MessagesWaiting(MessageFailed):
    """Every message on the page that was not filed waits for a matching index being built:
    the page is read again next run, and the mailbox is not counted as failing."""


@dataclass
class ReadReport:
    mailboxes: int = 0
    filed: int = 0
    auto_replies: int = 0
    bounces: int = 0
    skipped: int = 0  # older than the watch, drafts, or handled before
    waiting: int = 0  # quoting a kenmerk of an index being built: filed on a later run
    restarted: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # mailbox -> why (tried again next run)


class InboxReader:
    def __init__(
        self,
        repos: Repositories,
        files: FileStore,
        filing: MailFiling,
        inbox_for: Callable[[str], GraphInbox | None],
        clock: Clock,
        operator_agency: str = "",
    ) -> None:
        self.operator_agency = operator_agency
        self.repos = repos
        self.files = files
        self.filing = filing
        self.inbox_for = inbox_for
        self.clock = clock
        self.state = MailboxStateRepository(repos.store)
        self.seen = SeenRepository(repos.store)
        self.links = LinkedAccountRepository(repos.store)

    def mailboxes(self) -> dict[str, list[Client]]:
        """Each mailbox Inning sends from, with the clients that may read it.

        A mailbox a client linked as its own (its Graph link) is read for that client and for
        clients of the same agency only: another agency that sets its client's contact
        e-mail to it gets nothing. A client with a link of its own reads only mailboxes of
        its own tenant (never through the app-wide registration). A mailbox nobody linked
        (the agency's, read through the app-wide registration) is refused when clients of
        several agencies point at it: logged and put to the operator, never read."""
        found: dict[str, list[Client]] = {}
        for client in self.repos.clients.all():
            link = self.links.graph(client.client_id)
            # a contact e-mail not yet verified is nobody's proven mailbox (sender33): its mail
            # is not read for the client (a client's admin naming another's mailbox)
            own = client.contact_email if client.sender_check is None else None
            boxes = {b.lower() for b in (own, link.mailbox if link else None) if b}
            for box in boxes:
                if self._may_read(client, link, box):
                    found.setdefault(box, []).append(client)
        refused = {box for box, clients in found.items() if len({c.agency_id for c in clients}) > 1}
        for box in sorted(refused):
            self._refuse(box, found.pop(box))
        return found

    def _may_read(self, client: Client, link: GraphLink | None, box: str) -> bool:
        owner = self.links.owner_of_mailbox(box)
        if link is not None and (owner is None or owner[0] != link.tenant_id):
            return False  # a client with a tenant of its own reads only that tenant's mailboxes
        if owner is None:
            return True  # nobody linked it: the agency's mailbox (several agencies: refused)
        owner_client = owner[1]
        if not owner_client or owner_client == client.client_id:
            return True
        linked_by = self.repos.clients.get(owner_client)
        return linked_by is not None and linked_by[0].agency_id == client.agency_id

    def _refuse(self, box: str, clients: Sequence[Client]) -> None:
        from shared.domain.records import ActionItem

        agencies = sorted({c.agency_id for c in clients})
        log.error(
            "mailbox %s not read: clients of %s agencies point at it", _masked(box), len(agencies)
        )
        if not self.operator_agency:
            return
        now = self.clock.now()
        digest = hashlib.sha256(box.encode()).hexdigest()[:12]
        day = now.strftime("%Y%m%d")
        # once: asked today already
        self.repos.actions.add_once(ActionItem(
            client_id=self.operator_agency, action_id=f"mailbox-shared-{digest}-{day}",
            kind="inbound_mailbox_shared",
            title=(f"Mailbox {_masked(box)} is not read: clients of agencies {', '.join(agencies)} "
                   "use it as their contact e-mail; correct their contact e-mails")[:500],
            created_at=now, detail={"mailbox_hash": digest, "agencies": agencies},
        ))  # fmt: skip

    def run(self) -> ReadReport:
        report = ReadReport()
        for mailbox, clients in sorted(self.mailboxes().items()):
            try:
                inbox = self.inbox_for(mailbox)
            except Exception as exc:  # one mailbox's trouble never ends the run
                self._mailbox_failed(mailbox, clients, exc, report)
                continue
            if inbox is None:
                continue
            report.mailboxes += 1
            try:
                try:
                    self.read_mailbox(mailbox, clients, inbox, report)
                except DeltaExpired:
                    report.restarted.append(mailbox)
                    _, since = self.state.get(mailbox)
                    self.state.save(mailbox, None, since or self.clock.now(), self.clock.now())
                    self.read_mailbox(mailbox, clients, inbox, report)
            except MessagesWaiting as exc:  # not the mailbox's trouble: next run, uncounted
                log.info("mailbox %s: %s", _masked(mailbox), exc)
            except (
                Exception
            ) as exc:  # throttled, unknown user, consent withdrawn, storage: next run
                self._mailbox_failed(mailbox, clients, exc, report)
            else:
                self.state.failures(mailbox, reset=True)
        return report

    def _mailbox_failed(
        self, mailbox: str, clients: Sequence[Client], exc: Exception, report: ReadReport
    ) -> None:
        why = re.sub(re.escape(mailbox), _masked(mailbox), str(exc), flags=re.IGNORECASE)[:300]
        log.warning("mailbox %s not read: %s: %s", _masked(mailbox), type(exc).__name__, why)
        report.failed[mailbox] = f"{type(exc).__name__}: {why}"
        try:
            count = self.state.failures(mailbox)
        except Exception:
            return
        if count != MAX_MAILBOX_FAILURES:
            return
        from shared.domain.records import ActionItem

        now = self.clock.now()
        scope = clients[0].client_id if len(clients) == 1 else clients[0].agency_id
        digest = hashlib.sha256(mailbox.encode()).hexdigest()[:12]
        try:
            self.repos.actions.add(ActionItem(
                client_id=scope, action_id=f"{int(now.timestamp() * 1000):012x}b{digest}",
                kind="inbound_mailbox_unreadable",
                title=(f"The mailbox {_masked(mailbox)} could not be read {count} times in a row: "
                       f"{type(exc).__name__}: {why[:200]}")[:500],
                created_at=now, detail={"mailbox": mailbox},
            ))  # fmt: skip
        except Exception:
            log.exception("action item for mailbox %s not stored", _masked(mailbox))

    def read_mailbox(
        self, mailbox: str, clients: Sequence[Client], inbox: GraphInbox, report: ReadReport
    ) -> None:
        link, since = self.state.get(mailbox)
        if since is None:
            since = self.clock.now()
            self.state.save(mailbox, None, since, since)
        # Graph gives receivedDateTime to the second: a mail of the very second the watch began
        # is new too (compared to the microsecond it would be skipped for ever)
        watched_from = since.replace(microsecond=0)
        for page in inbox.delta(mailbox, link):
            troubled: list[str] = []
            for item in page.items:
                if item.get("isDraft") or _received(item) < watched_from:
                    report.skipped += 1
                    continue
                why = self._one(mailbox, clients, inbox, item, report)
                if why:
                    troubled.append(why)
            if troubled:
                # the rest of the page is filed (and skipped as handled next time); the page
                # is read again next run for the message that failed, until it is set aside
                waits = all(why.startswith(_WAITING) for why in troubled)
                raise (MessagesWaiting if waits else MessageFailed)(
                    f"{len(troubled)} message(s) not filed: {troubled[0]}"
                )
            self.state.save(mailbox, page.next_link or page.delta_link, since, self.clock.now())

    def _one(self, mailbox: str, clients: Sequence[Client], inbox: GraphInbox,
             item: Mapping[str, object], report: ReadReport) -> str | None:  # fmt: skip
        """File one message; why it failed (to be tried again), or None."""
        from shared.domain.inbound.mail import mail_key

        key = mail_key(mailbox, str(item.get("internetMessageId") or item["id"]))
        if self.seen.done(mailbox, key):
            report.skipped += 1
            return None
        # the attempt is counted before the work: a message that times the run out (or
        # crashes the worker) counts as well, and is set aside after MAX_FAILURES tries
        attempts = self.seen.failed(mailbox, key, "attempted", self.clock.now())
        if attempts > MAX_FAILURES:
            self._set_aside(mailbox, clients, key, f"tried {attempts - 1} times without finishing")
            return None
        try:
            received = inbox.read(mailbox, dict(item))
            kind = self.filing.kind(received)
            if kind is MailKind.NON_DELIVERY:
                self.filing.pass_bounce(received, clients)
                report.bounces += 1
                self.seen.mark(mailbox, key, kind, [], self.clock.now())
                return None
            notes = self._attachments(inbox, received) if received.has_attachments else []
            waits = self.clock.now() - received.received_at < INDEX_WAIT
            targets = self.filing.file(received, kind, clients, notes, wait_for_index=waits)
        except IndexPending as exc:
            # a build asked for on its queue, not this message's fault: not counted (ops28)
            report.waiting += 1
            self._forgive(mailbox, key)
            return f"{_WAITING}: {exc}"
        except MessageGone:
            report.skipped += 1  # deleted or moved before we read it: nothing to file
            self._forgive(mailbox, key)
            return None
        except (SendError, StorageError):
            # the mailbox's or the storage's trouble, not this message's: not counted
            self._forgive(mailbox, key)
            raise
        except Exception as exc:
            # the attempt is counted already: only say why it failed
            why = f"{type(exc).__name__}: {exc}"
            count = self.seen.failed(mailbox, key, why, self.clock.now(), count=False)
            if count < MAX_FAILURES:
                log.warning(
                    "message %s in %s not filed (try %s): %s",
                    key,
                    _masked(mailbox),
                    count,
                    type(exc).__name__,
                )
                return f"{type(exc).__name__}: {str(exc)[:200]}"
            log.exception(
                "message %s in %s set aside after %s failures", key, _masked(mailbox), count
            )
            self._set_aside(mailbox, clients, key, f"{type(exc).__name__}: {str(exc)[:200]}")
            return None
        if kind is MailKind.AUTO_REPLY:
            report.auto_replies += 1
        else:
            report.filed += 1
        self.seen.mark(mailbox, key, kind, targets, self.clock.now())
        return None

    def _forgive(self, mailbox: str, key: str) -> None:
        try:
            self.seen.forgive(mailbox, key)
        except Exception:
            log.warning("attempt on %s in %s not taken back", key, _masked(mailbox))

    def _attachments(self, inbox: GraphInbox, received: ReceivedMail) -> list[AttachmentNote]:
        notes: list[AttachmentNote] = []
        prefix = blob_prefix(received.mailbox, received.key)
        for n, a in enumerate(inbox.attachments(received.mailbox, received.graph_id)):
            notes.append(self._keep(prefix, n, a))
        return notes

    def _keep(self, prefix: str, n: int, a: FetchedAttachment) -> AttachmentNote:
        if a.data is None:
            return AttachmentNote(a.name, a.content_type, a.size, None, a.skipped)
        name = f"{prefix}/{n:02d}-{_safe(a.name)}"
        self.files.put(ATTACHMENTS_CONTAINER, name, a.data, content_type=a.content_type)
        return AttachmentNote(a.name, a.content_type, len(a.data), name)

    def _set_aside(self, mailbox: str, clients: Sequence[Client], key: str, why: str) -> None:
        """Keep the message in the mailbox, ask a person, and go on with the others."""
        from shared.domain.records import ActionItem

        now = self.clock.now()
        scope = clients[0].client_id if len(clients) == 1 else clients[0].agency_id
        # once: set aside once, a second run finds it done
        self.repos.actions.add_once(ActionItem(
            client_id=scope, action_id=f"{int(now.timestamp() * 1000):012x}x{key[:10]}",
            kind="inbound_mail_unreadable",
            title=f"An e-mail in the mailbox {_masked(mailbox)} could not be filed and was set aside "
                  f"(it is still in the mailbox): {why}"[:500],
            created_at=now, detail={"mail": key},
        ))  # fmt: skip
        self.seen.mark(mailbox, key, MailKind.CORRESPONDENCE, [], now)


def _received(item: Mapping[str, object]) -> datetime:
    value = item.get("receivedDateTime")
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:  # missing or unreadable: new mail (a bad date must not stop the mailbox)
        return datetime.now(UTC)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:100] or "attachment"


def _masked(mailbox: str) -> str:
    local, _, domain = mailbox.partition("@")
    return f"{local[:2]}***@{domain}"
