"""An e-mail that reached a client's mailbox, as Inning keeps it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class MailKind(StrEnum):
    CORRESPONDENCE = "correspondence"  # a person wrote: staff read it
    AUTO_REPLY = "auto_reply"  # out-of-office and other automatic answers: logged, never acted on
    NON_DELIVERY = "non_delivery"  # a bounce: the bounce handling marks the message we sent


@dataclass(frozen=True)
class AttachmentNote:
    """An attachment of the message: kept in blob storage (``blob``), or skipped with the
    reason (an attached Outlook item, a link to a cloud file, over the size limit)."""

    name: str
    content_type: str
    size: int
    blob: str | None = None
    skipped: str | None = None


@dataclass(frozen=True)
class ReceivedMail:
    """What the mailbox says about one message (provider-neutral)."""

    mailbox: str
    graph_id: str
    internet_message_id: str
    received_at: datetime
    sender: str
    sender_name: str
    subject: str
    body_text: str  # the whole body as plain text (quoted history included)
    unique_text: str | None  # Graph's uniqueBody: the part new in this message, when given
    headers: dict[str, str] = field(default_factory=dict)  # lower-case name -> value
    conversation_id: str | None = None
    has_attachments: bool = False

    @property
    def key(self) -> str:
        """Stable across moves between folders (Graph ids change, the Message-ID does not)."""
        return mail_key(self.mailbox, self.internet_message_id or self.graph_id)


def mail_key(mailbox: str, message_id: str) -> str:
    digest = hashlib.sha256(f"{mailbox.lower()}\n{message_id}".encode()).hexdigest()
    return digest[:32]
