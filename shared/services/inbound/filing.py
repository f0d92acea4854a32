"""Filing one received message: what kind it is, whom it concerns, and where it goes.

- A non-delivery report goes to the bounce handling (the message we sent is marked bounced,
  with an action item), as the bounce scan does; it is not correspondence.
- An automatic answer (out-of-office) is kept and logged on the debtors it certainly
  concerns, and never pauses anything or asks a person.
- Correspondence is logged at once on every debtor it certainly concerns; when no debtor is
  certain, an action item lists the candidates; mail that points at no debtor at all is
  counted on its sender's one open item (shared/services/inbound/strangers.py).

Every step can run again (at-least-once): rows are inserted under the message's key, contact
entries and action items under ids derived from it, so a redelivered message changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from datetime import datetime

from shared.adapters.tables.inbound_repo import FiledMail, InboundMailRepository
from shared.clock import Clock
from shared.domain.inbound.mail import AttachmentNote, MailKind, ReceivedMail
from shared.domain.inbound.matching import Candidate, Decision, Evidence, Hit, decide
from shared.domain.inbound.recognise import kind_of
from shared.domain.inbound.text import split_reply
from shared.domain.messaging import OutboxStatus
from shared.domain.parties import Client
from shared.domain.records import ActionItem, ContactEntry, ContactKind
from shared.ports.tables import Conflict
from shared.services.inbound.candidates import CandidateFinder
from shared.services.inbound.strangers import StrangerItems, is_counted
from shared.services.messaging import MessagingService
from shared.services.repositories import Repositories

log = logging.getLogger("inning.inbound")
ATTACHMENTS_CONTAINER = "inbound-mail"
ACTION_KIND = "inbound_mail"
_READ_LIMIT = 60_000  # characters of a body split and matched (twice what is stored)
_OUR_REFERENCE = re.compile(r"X-Inning-Reference:\s*(inn-[^\s<>\"]+)", re.IGNORECASE)


def contact_entry_id(key: str) -> str:
    """One entry per message and debtor: filing the same message again finds it there."""
    return f"mail-{key[:24]}"


def action_id_for(received_at: datetime, key: str, suffix: str = "") -> str:
    """Time-ordered like every action id, and the same for the same message."""
    return f"{int(received_at.timestamp() * 1000):012x}m{key[:10]}{suffix}"


def blob_prefix(mailbox: str, key: str) -> str:
    return f"{hashlib.sha256(mailbox.lower().encode()).hexdigest()[:16]}/{key}"


class MailFiling:
    def __init__(
        self,
        repos: Repositories,
        mail: InboundMailRepository,
        finder: CandidateFinder,
        messaging: MessagingService,
        clock: Clock,
    ) -> None:
        self.repos = repos
        self.mail = mail
        self.finder = finder
        self.messaging = messaging
        self.clock = clock
        self.strangers = StrangerItems(repos)

    def kind(self, received: ReceivedMail) -> MailKind:
        body = received.body_text[:_READ_LIMIT]
        return kind_of(received.sender, received.subject, received.headers, body)

    def pass_bounce(self, received: ReceivedMail, clients: Sequence[Client]) -> int:
        """A non-delivery report to the bounce handling: our reference in the returned headers
        names the message that bounced (an NDR without it is not about our mail). Only
        messages of the mailbox's own clients are marked: a report in one mailbox (forged or
        not) never touches another client's outbox."""
        provider = _email_provider(self.messaging)
        mine = {c.client_id for c in clients}
        marked = 0
        for reference in list(
            dict.fromkeys(_OUR_REFERENCE.findall(received.body_text[:_READ_LIMIT]))
        )[:20]:
            found = self.messaging.outbox.by_provider_id(provider, reference)
            if found is None or found[0] not in mine:
                continue
            # believed only from the mail system that sent it (attack6 finding 2)
            if self.messaging.bounce_not_believed(
                provider, reference, received.sender, received.mailbox, mine, received.headers
            ):
                continue
            marked += self.messaging.record_status(
                provider, reference, OutboxStatus.BOUNCED, received.subject or "undeliverable"
            )
        return marked

    def file(
        self,
        received: ReceivedMail,
        kind: MailKind,
        clients: Sequence[Client],
        attachments: Sequence[AttachmentNote],
        *,
        wait_for_index: bool = True,
    ) -> list[str]:
        """File the message for the clients it concerns; the ids of those clients. A kenmerk
        in it whose client's index is being built raises ``IndexPending`` unless
        ``wait_for_index`` is False (then it is filed without that lookup)."""
        # cut before anything reads it: what is matched on is at most what is stored
        # (TEXT_LIMIT), and a message of megabytes must not stall the reader
        body = received.body_text[:_READ_LIMIT]
        text = split_reply((received.unique_text or "")[:_READ_LIMIT] or body)
        if received.unique_text:
            # Graph's uniqueBody is the new part; what it left out is the history
            rest = split_reply(body)
            text = type(text)(
                text.fresh, rest.quoted or text.quoted, text.forwarded_from or rest.forwarded_from
            )
        hits = self.finder.hits(
            clients,
            received.sender,
            received.headers,
            text,
            received.subject,
            wait_for_index=wait_for_index,
        )
        decision = decide(hits)
        targets = self._targets(decision, clients)
        for scope in targets:
            mine = tuple(
                c
                for c in (*decision.certain, *decision.uncertain)
                if c.client_id == scope or scope not in {k.client_id for k in clients}
            )
            certain = tuple(c for c in decision.certain if c.client_id == scope)
            asks = not certain and kind is MailKind.CORRESPONDENCE
            # matching no debtor at all: counted on the sender's item (or the day's summary);
            # so is a sender on no debtor's file that names numbers beyond a few a day
            stranger = asks and not mine
            if asks and mine and not _from_known(hits, scope, clients):
                stranger = not self._asks_alone(scope, received)
            action_id = action_id_for(received.received_at, received.key) if asks else None
            if stranger:
                action_id = self._stranger_item(scope, received)
            filed = FiledMail(
                client_id=scope, key=received.key, mailbox=received.mailbox, graph_id=received.graph_id,
                internet_message_id=received.internet_message_id, received_at=received.received_at,
                sender=received.sender, sender_name=received.sender_name, subject=received.subject,
                kind=kind, fresh_text=text.fresh, quoted_text=text.quoted,
                in_reply_to=received.headers.get("in-reply-to", ""), references=received.headers.get("references", ""),
                reply_to=received.headers.get("reply-to", ""),
                attachments=tuple(attachments), candidates=mine,
                filed_debtors=tuple(c.debtor_number for c in certain), linked=bool(certain),
                linked_by="inning" if certain else None, linked_at=self.clock.now() if certain else None,
                action_id=action_id, notes=decision.notes,
            )  # fmt: skip
            if not self.mail.add(filed) and stranger:
                # filed before (at-least-once): the item it was counted on then, and no other
                before = self.mail.get(scope, received.key)
                filed = before[0] if before is not None else filed
            for candidate in certain:
                self.log_on(filed, candidate.debtor_number, candidate.invoice_numbers)
            if stranger and is_counted(filed.action_id):
                self.strangers.count(filed)
            elif filed.action_id:
                self._ask(filed, mine)
        return targets

    def _asks_alone(self, scope: str, received: ReceivedMail) -> bool:
        before = self.mail.get(scope, received.key)
        if before is not None:  # filed before (at-least-once): as it was filed then
            return not is_counted(before[0].action_id)
        return self.strangers.asks_alone(scope, received.sender, received.key, received.received_at)

    def _stranger_item(self, scope: str, received: ReceivedMail) -> str | None:
        before = self.mail.get(scope, received.key)
        if before is not None:
            return before[0].action_id
        return self.strangers.item_for(scope, received.sender, received.key, received.received_at)

    def _targets(self, decision: Decision, clients: Sequence[Client]) -> list[str]:
        """Who sees the message (its text). With a certain match: only the clients whose
        debtors it certainly concerns (an uncertain match elsewhere does not hand another
        client the text). Without: the one client its candidates belong to; candidates at
        several clients, or none at all in a mailbox several clients share, go to the
        mailbox's agency (whose action list gets the question), so that no client reads
        mail that may be another's."""
        certain = list(dict.fromkeys(c.client_id for c in decision.certain))
        if certain:
            return certain
        found = list(dict.fromkeys(c.client_id for c in decision.uncertain))
        if len(found) == 1:
            return found
        if len(clients) == 1:
            return [clients[0].client_id]
        agencies = list(dict.fromkeys(c.agency_id for c in clients))
        if len(agencies) != 1:
            # the reader never groups clients of several agencies; should it happen, nobody
            # is given the message rather than the wrong agency
            raise ValueError("a mailbox's clients belong to several agencies")
        return agencies

    def log_on(
        self,
        mail: FiledMail,
        debtor_number: str,
        invoices: Sequence[str],
        author: str | None = None,
    ) -> None:
        what = "Automatic reply" if mail.kind is MailKind.AUTO_REPLY else "E-mail received"
        attached = f" ({len(mail.attachments)} attachment(s))" if mail.attachments else ""
        entry = ContactEntry(
            mail.client_id, debtor_number, contact_entry_id(mail.key), mail.received_at,
            ContactKind.MESSAGE, f"{what} from {mail.sender}: {mail.subject}{attached}"[:500],
            channel="email", invoice_numbers=tuple(invoices), author=author,
        )  # fmt: skip
        try:
            self.repos.contacts.add(entry)
        except Conflict:
            pass  # filed before: the same message on the same debtor's log once

    def _ask(self, mail: FiledMail, candidates: Sequence[Candidate]) -> None:
        listed = "; ".join(f"{c.debtor_number} ({', '.join(c.reasons)})" for c in candidates)
        title = (
            f"E-mail from {mail.sender} may concern: {listed}"
            if candidates
            else f"E-mail from {mail.sender} matches no debtor: link it by hand"
        )
        item = ActionItem(
            client_id=mail.client_id, action_id=mail.action_id or "", kind=ACTION_KIND, title=title[:500],
            created_at=mail.received_at, debtor_number=None,
            detail={"mail": mail.key, "subject": mail.subject[:200],
                    "candidates": [{"debtor": c.debtor_number, "reasons": list(c.reasons)} for c in candidates]},
        )  # fmt: skip
        self.repos.actions.add_once(item)


def _from_known(hits: Sequence[Hit], scope: str, clients: Sequence[Client]) -> bool:
    """The message comes from an address on a debtor's file, or answers our message: not a
    stranger's (an invoice number or a forwarded "From:" anyone can type)."""
    ids = {c.client_id for c in clients}
    return any(
        h.evidence in (Evidence.SENDER, Evidence.THREAD)
        for h in hits
        if h.client_id == scope or scope not in ids
    )


def _email_provider(messaging: MessagingService) -> str:
    from shared.domain.messaging import Channel

    sender = messaging.senders.get(Channel.EMAIL)
    return sender.name if sender is not None else messaging.fallback.name
