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

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared.adapters.channels.graph_inbox import (
    DeltaExpired,
    FetchedAttachment,
    GraphInbox,
    MessageGone,
)
from shared.adapters.tables.inbound_repo import MailboxStateRepository, SeenRepository
from shared.adapters.tables.linked_accounts_repo import LinkedAccountRepository
from shared.clock import Clock
from shared.domain.inbound.mail import AttachmentNote, MailKind, ReceivedMail
from shared.domain.messaging import SendError
from shared.domain.parties import Client
from shared.ports.files import FileStore
from shared.services.inbound.filing import ATTACHMENTS_CONTAINER, MailFiling, blob_prefix
from shared.services.repositories import Repositories

log = logging.getLogger("inning.inbound")
MAX_FAILURES = 3  # a message that fails this often is set aside for a person


@dataclass
class ReadReport:
    mailboxes: int = 0
    filed: int = 0
    auto_replies: int = 0
    bounces: int = 0
    skipped: int = 0  # older than the watch, drafts, or handled before
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
    ) -> None:
        self.repos = repos
        self.files = files
        self.filing = filing
        self.inbox_for = inbox_for
        self.clock = clock
        self.state = MailboxStateRepository(repos.store)
        self.seen = SeenRepository(repos.store)
        self.links = LinkedAccountRepository(repos.store)

    def mailboxes(self) -> dict[str, list[Client]]:
        """Each mailbox Inning sends from, with the clients that use it. A client's own
        linked mailbox belongs to its tenant; clients behind one mailbox are only those of
        that mailbox's tenant."""
        found: dict[str, list[Client]] = {}
        for client in self.repos.clients.all():
            link = self.links.graph(client.client_id)
            boxes = {b.lower() for b in (client.contact_email, link.mailbox if link else None) if b}
            for box in boxes:
                tenant = self.links.tenant_of_mailbox(box)
                if tenant and link and link.tenant_id != tenant:
                    continue  # another tenant's mailbox: never read for this client
                found.setdefault(box, []).append(client)
        return found

    def run(self) -> ReadReport:
        report = ReadReport()
        for mailbox, clients in sorted(self.mailboxes().items()):
            inbox = self.inbox_for(mailbox)
            if inbox is None:
                continue
            report.mailboxes += 1
            try:
                self.read_mailbox(mailbox, clients, inbox, report)
            except DeltaExpired:
                report.restarted.append(mailbox)
                _, since = self.state.get(mailbox)
                self.state.save(mailbox, None, since or self.clock.now(), self.clock.now())
                try:
                    self.read_mailbox(mailbox, clients, inbox, report)
                except (DeltaExpired, SendError) as exc:
                    report.failed[mailbox] = str(exc)[:300]
            except SendError as exc:  # throttled, unreachable, consent withdrawn: next run
                log.warning("mailbox %s not read: %s", _masked(mailbox), exc)
                report.failed[mailbox] = str(exc)[:300]
        return report

    def read_mailbox(
        self, mailbox: str, clients: Sequence[Client], inbox: GraphInbox, report: ReadReport
    ) -> None:
        link, since = self.state.get(mailbox)
        if since is None:
            since = self.clock.now()
            self.state.save(mailbox, None, since, since)
        for page in inbox.delta(mailbox, link):
            for item in page.items:
                if item.get("isDraft") or _received(item) < since:
                    report.skipped += 1
                    continue
                self._one(mailbox, clients, inbox, item, report)
            self.state.save(mailbox, page.next_link or page.delta_link, since, self.clock.now())

    def _one(self, mailbox: str, clients: Sequence[Client], inbox: GraphInbox,
             item: Mapping[str, object], report: ReadReport) -> None:  # fmt: skip
        from shared.domain.inbound.mail import mail_key

        key = mail_key(mailbox, str(item.get("internetMessageId") or item["id"]))
        if self.seen.done(mailbox, key):
            report.skipped += 1
            return
        try:
            received = inbox.read(mailbox, dict(item))
            kind = self.filing.kind(received)
            if kind is MailKind.NON_DELIVERY:
                self.filing.pass_bounce(received)
                report.bounces += 1
                self.seen.mark(mailbox, key, kind, [], self.clock.now())
                return
            notes = self._attachments(inbox, received) if received.has_attachments else []
            targets = self.filing.file(received, kind, clients, notes)
        except MessageGone:
            report.skipped += 1  # deleted or moved before we read it: nothing to file
            return
        except SendError:
            raise  # the mailbox's trouble, not this message's: the page is read again next run
        except Exception as exc:
            if self.seen.failed(mailbox, key, str(exc), self.clock.now()) < MAX_FAILURES:
                raise
            log.exception(
                "message %s in %s set aside after %s failures", key, _masked(mailbox), MAX_FAILURES
            )
            self._set_aside(clients, key, exc)
            self.seen.mark(mailbox, key, MailKind.CORRESPONDENCE, [], self.clock.now())
            return
        if kind is MailKind.AUTO_REPLY:
            report.auto_replies += 1
        else:
            report.filed += 1
        self.seen.mark(mailbox, key, kind, targets, self.clock.now())

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

    def _set_aside(self, clients: Sequence[Client], key: str, exc: Exception) -> None:
        from shared.domain.records import ActionItem

        now = self.clock.now()
        for client in clients[:1]:
            try:
                self.repos.actions.add(ActionItem(
                    client_id=client.client_id if len(clients) == 1 else client.agency_id,
                    action_id=f"{int(now.timestamp() * 1000):012x}x{key[:10]}", kind="inbound_mail_unreadable",
                    title=f"An e-mail in the mailbox could not be read: {type(exc).__name__}: {str(exc)[:200]}",
                    created_at=now, detail={"mail": key},
                ))  # fmt: skip
            except Exception:  # noqa: S110 - set aside once; a second run finds it done
                pass


def _received(item: Mapping[str, object]) -> datetime:
    value = item.get("receivedDateTime")
    if not value:
        return datetime.now(UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:100] or "attachment"


def _masked(mailbox: str) -> str:
    local, _, domain = mailbox.partition("@")
    return f"{local[:2]}***@{domain}"
