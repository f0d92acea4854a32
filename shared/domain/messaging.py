"""Messages to debtors (and clients): what goes out, through which channel, and its state.

Every message has an idempotency key chosen by whoever decided to send it (for a dunning step:
client, debtor, workflow step, date); the outbox record under that key decides whether it
was sent, so a job delivered twice sends once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from shared.domain.sentence_end import end_once

# extra on a record written since references name their client (attack20 F1): its reference
# is :func:`client_reference`; a record written before keeps ``inn-<key>``, the reference its
# provider already holds (a report, a look-up or a bounce of it must still find it)
CLIENT_REFERENCE = "ref"
# on a message sent from the collection agency's own mailbox (its payment plan's notices,
# plans27): the mail goes through the agency's tenant, not the client's linked mailbox
SENT_AS = "sent_as"
AS_AGENCY = "agency"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    LETTER = "letter"
    ROBOCALL = "robocall"

    @property
    def queue(self) -> str:
        return f"send-{self.value}"

    @property
    def bound_by_contact_hours(self) -> bool:
        """A letter is posted, not received, when it is sent: the window is about contact."""
        return self is not Channel.LETTER


class OutboxStatus(StrEnum):
    PENDING = "pending"
    INPROGRESS = "inprogress"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    BOUNCED = "bounced"
    UNDELIVERABLE = "undeliverable"
    FAILED = "failed"
    UNCERTAIN = "uncertain"  # a send may or may not have happened: a person verifies

    @property
    def final(self) -> bool:
        return self not in (OutboxStatus.PENDING, OutboxStatus.INPROGRESS)


@dataclass(frozen=True)
class PostalAddress:
    name: str
    street: str
    postal_code: str
    city: str
    country: str = "NL"


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class MessageContent:
    """What the recipient gets. Stored as a blob; the record only points to it."""

    subject: str = ""
    text: str = ""
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()
    template: str | None = None  # an approved WhatsApp template name
    template_params: tuple[str, ...] = ()
    language: str = "nl"
    # a WhatsApp template's URL button variable (the payment link's tail) and its index
    template_button: str | None = None
    template_button_index: int = 0
    # where the recipient finds the attachments when a mail cannot carry them (over the
    # mailbox's message size limit): the debtor's portal page; the mail then says so
    attachments_at: str = ""

    def __post_init__(self) -> None:
        # every mail, SMS and WhatsApp text is put together from words of ours and names of
        # the client's ("... ten name van De Linde B.V."): one place ends its sentences once
        # (newcomer20 F6), whoever wrote the words
        for part in ("subject", "text", "html"):
            value = getattr(self, part)
            if value:
                object.__setattr__(self, part, end_once(value))


@dataclass(frozen=True)
class OutboundMessage:
    client_id: str
    key: str
    channel: Channel
    debtor_number: str | None
    to: str  # e-mail address, E.164 number, or the addressee's name for a letter
    created_at: datetime
    address: PostalAddress | None = None
    reply_to: str | None = None
    sender: str | None = None  # mailbox or SMS sender id
    invoice_numbers: tuple[str, ...] = ()
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    claimed_at: datetime | None = None
    provider: str | None = None
    provider_id: str | None = None
    error: str | None = None
    sent_at: datetime | None = None
    updated_at: datetime | None = None
    sandbox_of: str | None = None  # the real recipient, when the client is in sandbox mode
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        """Our own reference, handed to providers that accept one (so a resend can be
        looked up instead of repeated), and the provider id Graph and CM report under."""
        if self.extra.get(CLIENT_REFERENCE):
            return client_reference(self.client_id, self.key)
        return f"inn-{self.key}"[:64]


def client_reference(client_id: str, key: str) -> str:
    """A reference no other client's message has: a key names no client (the starter
    workflow's ``dun|D-1001|standaard|0|…`` is the same at every client with a debtor D-1001
    and the same invoice numbers), and OutboxRefs keeps one row per provider id, so a report
    about one client's message was booked on another's record (attack20 F1)."""
    return "inn-" + hashlib.sha256(f"{client_id}\x1f{key}".encode()).hexdigest()[:32]


# the query parameter that carries our reference on a per-message status-callback URL
CALLBACK_REFERENCE = "ref"


class SendError(Exception):
    pass


class TransientSendError(SendError):
    """Try again later (timeouts, 429, 5xx)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentSendError(SendError):
    """Will never work as it is (invalid address, rejected template): a person decides."""


class UncertainSendError(SendError):
    """The request reached the provider but its answer was lost (a read timeout, a reset
    connection, a gateway 500/502/504 on the final send): the message may have gone out.
    Never retried automatically: the provider is asked where it can be, else a person."""


@dataclass(frozen=True)
class SendResult:
    provider: str
    provider_id: str | None
    parts: int = 1  # SMS segments, letter pages: what the provider bills
