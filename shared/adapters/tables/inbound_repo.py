"""Debtors' e-mails on Table Storage: the messages as filed, where each mailbox's delta round
stands, which messages were handled, and the index from e-mail address to debtor.

| table            | PartitionKey      | RowKey                              | serves                          |
| InboundMail      | client id         | inverted receipt time ``|`` key     | a client's mail, newest first   |
|                  | client id         | ``k|`` key                          | one message by key (pointer)    |
| InboundMailboxes | "delta"           | mailbox                             | the round's nextLink/deltaLink  |
| InboundMailSeen  | mailbox           | key (hash of the Message-ID)        | a message is handled once       |
| DebtorEmails     | client id         | hash(address) ``|`` debtor          | sender address -> debtors       |

A client's mail lives in that client's partition only, so one client's request cannot reach
another's mail. The address index is kept by the debtor repository wherever a debtor is
written; it may hold a stale address (a debtor's e-mail changed), so every hit is checked
against the debtor itself, and a client indexed before the index existed is indexed once, in
full, on first use (the ``~built`` row).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared.adapters.tables.codec import get_json, put_json
from shared.adapters.tables.keys import SEPARATOR, decode, encode, join
from shared.domain.inbound.mail import AttachmentNote, MailKind
from shared.domain.inbound.matching import Candidate
from shared.domain.parties import Debtor
from shared.ports.tables import (
    MAX_BATCH,
    Conflict,
    Op,
    OpKind,
    Row,
    TableStore,
    all_rows,
    prefix_range,
)

INBOUND_MAIL = "InboundMail"
INBOUND_MAILBOXES = "InboundMailboxes"
INBOUND_SEEN = "InboundMailSeen"
DEBTOR_EMAILS = "DebtorEmails"
TABLES = (INBOUND_MAIL, INBOUND_MAILBOXES, INBOUND_SEEN, DEBTOR_EMAILS)
BUILT = "~built2"  # v2: rows keyed by the address's hash (v1 rows are ignored)
TEXT_LIMIT = 30_000  # characters of text in a row (a string property holds 32K UTF-16 units)
_FAR = datetime(9999, 12, 31, tzinfo=UTC)


@dataclass(frozen=True)
class FiledMail:
    """A message as one client sees it."""

    client_id: str
    key: str
    mailbox: str
    graph_id: str
    internet_message_id: str
    received_at: datetime
    sender: str
    sender_name: str
    subject: str
    kind: MailKind
    fresh_text: str
    quoted_text: str
    in_reply_to: str = ""
    references: str = ""
    attachments: tuple[AttachmentNote, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    filed_debtors: tuple[str, ...] = ()  # on whose contact log it is
    linked: bool = False  # a person (or a certain match) decided whom it concerns
    linked_by: str | None = None
    linked_at: datetime | None = None
    action_id: str | None = None
    answer_key: str | None = None  # the outbox key of "we are handling your message"
    reply_to: str = ""  # the message's Reply-To header (Graph's /reply answers there)
    answer_note: str | None = None  # where the answer went, when not in the thread
    notes: tuple[str, ...] = field(default_factory=tuple)


def _order_key(received_at: datetime, key: str) -> str:
    inverted = int((_FAR - received_at.astimezone(UTC)).total_seconds() * 1000)
    return f"{inverted:015d}|{key}"


def _candidate_json(c: Candidate) -> dict[str, Any]:
    return {"client_id": c.client_id, "debtor": c.debtor_number, "reasons": list(c.reasons),
            "invoices": list(c.invoice_numbers), "certain": c.certain}  # fmt: skip


def _candidate(d: dict[str, Any]) -> Candidate:
    return Candidate(
        d["client_id"], d["debtor"], tuple(d["reasons"]), tuple(d["invoices"]), bool(d["certain"])
    )


def _to_row(m: FiledMail) -> Row:
    return Row(
        encode(m.client_id),
        _order_key(m.received_at, m.key),
        {
            "Key": m.key, "Mailbox": m.mailbox, "GraphId": m.graph_id,
            "InternetMessageId": m.internet_message_id, "ReceivedAt": m.received_at,
            "Sender": m.sender, "SenderName": m.sender_name, "Subject": m.subject[:1000],
            "Kind": m.kind.value, "Fresh": m.fresh_text[:TEXT_LIMIT], "Quoted": m.quoted_text[:TEXT_LIMIT // 2],
            "InReplyTo": m.in_reply_to[:2000], "References": m.references[-8000:],
            "Attachments": put_json([vars(a) for a in m.attachments]),
            "Candidates": put_json([_candidate_json(c) for c in m.candidates]),
            "FiledDebtors": put_json(list(m.filed_debtors)), "Linked": m.linked,
            "LinkedBy": m.linked_by, "LinkedAt": m.linked_at, "ActionId": m.action_id,
            "AnswerKey": m.answer_key, "Notes": put_json(list(m.notes)),
            "ReplyTo": m.reply_to[:1000], "AnswerNote": m.answer_note,
        },
    )  # fmt: skip


def _from_row(row: Row) -> FiledMail:
    d = row.data
    return FiledMail(
        client_id=decode(row.pk), key=d["Key"], mailbox=d["Mailbox"], graph_id=d["GraphId"],
        internet_message_id=d.get("InternetMessageId") or "", received_at=d["ReceivedAt"],
        sender=d.get("Sender") or "", sender_name=d.get("SenderName") or "", subject=d.get("Subject") or "",
        kind=MailKind(d["Kind"]), fresh_text=d.get("Fresh") or "", quoted_text=d.get("Quoted") or "",
        in_reply_to=d.get("InReplyTo") or "", references=d.get("References") or "",
        attachments=tuple(AttachmentNote(**a) for a in get_json(d.get("Attachments"), [])),
        candidates=tuple(_candidate(c) for c in get_json(d.get("Candidates"), [])),
        filed_debtors=tuple(get_json(d.get("FiledDebtors"), [])), linked=bool(d.get("Linked")),
        linked_by=d.get("LinkedBy"), linked_at=d.get("LinkedAt"), action_id=d.get("ActionId"),
        answer_key=d.get("AnswerKey"), notes=tuple(get_json(d.get("Notes"), [])),
        reply_to=d.get("ReplyTo") or "", answer_note=d.get("AnswerNote"),
    )  # fmt: skip


class InboundMailRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def add(self, mail: FiledMail) -> bool:
        """The message and its pointer row; False when the client has it already."""
        row = _to_row(mail)
        pointer = Row(row.pk, join("k", mail.key), {"Order": row.rk})
        try:
            self.store.transact(INBOUND_MAIL, [Op(OpKind.INSERT, pointer), Op(OpKind.INSERT, row)])
            return True
        except Exception as exc:  # the pointer exists: filed before (a redelivered run)
            cause = getattr(exc, "cause", exc)
            if isinstance(cause, Conflict) or isinstance(exc, Conflict):
                return False
            raise

    def get(self, client_id: str, key: str) -> tuple[FiledMail, str | None] | None:
        pointer = self.store.get(INBOUND_MAIL, encode(client_id), join("k", key))
        if pointer is None:
            return None
        row = self.store.get(INBOUND_MAIL, encode(client_id), str(pointer.data["Order"]))
        return (_from_row(row), row.etag) if row else None

    def key_with_prefix(self, client_id: str, prefix: str) -> str | None:
        """The client's message whose key starts with ``prefix`` (a contact-log entry keeps
        the first 24 characters of the key); None when none or several do."""
        from shared.ports.tables import prefix_range

        page = self.store.query(
            INBOUND_MAIL,
            pk=encode(client_id),
            rk_range=prefix_range(join("k", prefix)),
            page_size=2,
        )
        keys = [str(r.rk).partition(SEPARATOR)[2] for r in page.rows]
        return keys[0] if len(keys) == 1 else None

    def save(self, mail: FiledMail, etag: str | None) -> None:
        """Conditional on ``etag`` (PreconditionFailed when someone else changed it)."""
        row = _to_row(mail)
        row.etag = etag
        self.store.replace(INBOUND_MAIL, row)

    def list(
        self, client_id: str, *, linked: bool | None, page_size: int, continuation: str | None
    ) -> tuple[list[FiledMail], str | None]:
        equals = None if linked is None else {"Linked": linked}
        # every message row's key starts with a digit; pointer rows start with "k"
        page = self.store.query(
            INBOUND_MAIL, pk=encode(client_id), rk_range=("0", ":"), equals=equals,
            page_size=page_size, continuation=continuation,
        )  # fmt: skip
        return [_from_row(r) for r in page.rows], page.continuation


class MailboxStateRepository:
    """Where a mailbox's delta round stands: the link to resume from, and since when the
    mailbox is watched (older mail in the inbox at the first round is not filed)."""

    def __init__(self, store: TableStore) -> None:
        self.store = store

    def get(self, mailbox: str) -> tuple[str | None, datetime | None]:
        row = self.store.get(INBOUND_MAILBOXES, "delta", encode(mailbox.lower()))
        if row is None:
            return None, None
        return row.data.get("Link") or None, row.data.get("WatchSince")

    def save(self, mailbox: str, link: str | None, watch_since: datetime, at: datetime) -> None:
        self.store.upsert(INBOUND_MAILBOXES, Row("delta", encode(mailbox.lower()),
                          {"Link": link or "", "WatchSince": watch_since, "UpdatedAt": at}))  # fmt: skip

    def forget(self, mailbox: str) -> None:
        """Start the mailbox afresh: its delta link belongs to the tenant that read it (an
        unlinked mailbox, later linked by another tenant, begins with a new round)."""
        for pk in ("delta", "failures"):
            if self.store.get(INBOUND_MAILBOXES, pk, encode(mailbox.lower())) is not None:
                self.store.delete(INBOUND_MAILBOXES, pk, encode(mailbox.lower()))

    def failures(self, mailbox: str, reset: bool = False) -> int:
        """Count a run in which the mailbox could not be read (or, with ``reset``, clear the
        count after a good run); how many runs in a row failed."""
        rk = encode(mailbox.lower())
        row = self.store.get(INBOUND_MAILBOXES, "failures", rk)
        if reset:
            if row is not None:
                self.store.delete(INBOUND_MAILBOXES, "failures", rk)
            return 0
        count = int(row.data.get("Count", 0)) + 1 if row else 1
        self.store.upsert(INBOUND_MAILBOXES, Row("failures", rk, {"Count": count}))
        return count


class SeenRepository:
    """A message handled for its mailbox (filed for its clients, or a bounce passed on)."""

    def __init__(self, store: TableStore) -> None:
        self.store = store

    def done(self, mailbox: str, key: str) -> bool:
        return self.store.get(INBOUND_SEEN, encode(mailbox.lower()), key) is not None

    def mark(
        self, mailbox: str, key: str, kind: MailKind, clients: Sequence[str], at: datetime
    ) -> None:
        self.store.upsert(INBOUND_SEEN, Row(encode(mailbox.lower()), key,
                          {"Kind": kind.value, "Clients": put_json(list(clients)), "At": at}))  # fmt: skip

    def forgive(self, mailbox: str, key: str) -> None:
        """Take back the attempt counted for an error that was not the message's (storage,
        the mailbox throttled): it must not bring the message closer to being set aside."""
        rk = join(key, "failures")
        row = self.store.get(INBOUND_SEEN, encode(mailbox.lower()), rk)
        if row is None:
            return
        count = max(int(row.data.get("Count", 0)) - 1, 0)
        self.store.upsert(
            INBOUND_SEEN, Row(encode(mailbox.lower()), rk, {**row.data, "Count": count})
        )

    def failed(self, mailbox: str, key: str, why: str, at: datetime, count: bool = True) -> int:
        """Count an attempt to file the message (``count``) and say why it stopped; how many
        attempts there were."""
        rk = join(key, "failures")
        row = self.store.get(INBOUND_SEEN, encode(mailbox.lower()), rk)
        before = int(row.data.get("Count", 0)) if row else 0
        attempts = before + 1 if count else max(before, 1)
        self.store.upsert(
            INBOUND_SEEN,
            Row(encode(mailbox.lower()), rk, {"Count": attempts, "Why": why[:1000], "At": at}),
        )
        return attempts


def address_key(address: str) -> str:
    """The index's key of an address: a hash of the normalised address, so that any address
    (up to the 254 characters an import accepts, or longer from an older import) fits a
    RowKey (1 KiB) next to the debtor's number."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]


class DebtorEmailIndex:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    @staticmethod
    def rows(debtor: Debtor) -> list[Row]:
        return [
            Row(encode(debtor.client_id), join(address_key(address), encode(debtor.number)))
            for address in dict.fromkeys(e.strip().lower() for e in debtor.emails if e.strip())
        ]

    def remember(self, debtors: Iterable[Debtor]) -> None:
        by_client: dict[str, list[Row]] = {}
        for debtor in debtors:
            by_client.setdefault(debtor.client_id, []).extend(self.rows(debtor))
        for rows in by_client.values():
            for start in range(0, len(rows), MAX_BATCH):
                chunk = {r.rk: r for r in rows[start : start + MAX_BATCH]}
                self.store.transact(DEBTOR_EMAILS, [Op(OpKind.UPSERT, r) for r in chunk.values()])

    def debtors_with(self, client_id: str, address: str) -> list[str]:
        """Debtor numbers indexed under ``address`` (check them: an address may be stale)."""
        prefix = join(address_key(address), "")
        return [
            decode(r.rk[len(prefix) :])
            for r in all_rows(
                self.store, DEBTOR_EMAILS, pk=encode(client_id), rk_range=prefix_range(prefix)
            )
        ]

    def forget(self, client_id: str, address: str, debtor_number: str) -> None:
        self.store.delete(
            DEBTOR_EMAILS, encode(client_id), join(address_key(address), encode(debtor_number))
        )

    def is_built(self, client_id: str) -> bool:
        return self.store.get(DEBTOR_EMAILS, encode(client_id), BUILT) is not None

    def unbuild(self, client_id: str) -> None:
        """The index of the client may miss addresses: build it again on next use."""
        if self.is_built(client_id):
            self.store.delete(DEBTOR_EMAILS, encode(client_id), BUILT)

    def mark_built(self, client_id: str, at: datetime) -> None:
        self.store.upsert(DEBTOR_EMAILS, Row(encode(client_id), BUILT, {"At": at}))
