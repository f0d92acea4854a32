"""Outbound messages, per-mailbox pacing and usage metering on Table Storage.

| table       | PartitionKey   | RowKey                      | serves                              |
| Outbox      | client id      | idempotency key             | exactly-once sending, status        |
| Outbox      | client id      | ``~pending|`` key           | a record not yet final: the sweep   |
|             |                |                             | finds one whose job never queued    |
| Outbox      | client id      | ``~indexed``                | records from before those rows read |
| OutboxRefs  | provider       | provider message id         | a delivery callback finds its record|
|             |                |                             | (and the parts billed: ``Parts``)   |
| MailboxPace | mailbox        | ``m`` minute / ``d`` day    | Exchange limits across instances   |
| Usage       | client id      | ``YYYY-MM|channel``         | metering for billing                |
| WhatsappContacts | WhatsApp id | client id ``|`` debtor   | an inbound STOP finds its debtors   |
| WhatsappContacts | WhatsApp id | ``~word``                   | the number's last STOP/START        |
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from shared.adapters.tables.codec import get_json, get_json_parts, put_json, put_json_parts
from shared.adapters.tables.keys import decode, encode
from shared.domain.messaging import Channel, OutboundMessage, OutboxStatus, PostalAddress
from shared.domain.whatsapp_words import ConsentWord, counts
from shared.ports.tables import (
    Conflict,
    Op,
    OpKind,
    PreconditionFailed,
    Row,
    TableStore,
    TransactionFailed,
    all_rows,
    prefix_range,
)

OUTBOX = "Outbox"
OUTBOX_REFS = "OutboxRefs"
MAILBOX_PACE = "MailboxPace"
USAGE = "Usage"
WHATSAPP_CONTACTS = "WhatsappContacts"
# the number's last consent word, beside its debtors' rows (theirs hold ``|``, this one none)
LAST_WORD = "~word"
TABLES = (OUTBOX, OUTBOX_REFS, MAILBOX_PACE, USAGE, WHATSAPP_CONTACTS)
# rows of a client's Outbox partition beside its records: ``~`` sorts after every encoded key
# and an encoded key never holds a raw ``|``, so none is ever a record's key. One pending row
# per record not yet final, written in the record's own transaction, so that the sweep
# (shared/services/outbox_sweep.py) reads the few records waiting instead of every message
# ever sent; and the sweep's mark of how far it read the records from before those rows.
OWN_ROWS = "~"
PENDING_PREFIX = "~pending|"
INDEXED_MARK = "~indexed"
# extra on a record whose pending row exists: the save that makes it final takes the row
# away in the same transaction, and only that save (a final record saved again costs one
# request, as before)
PENDING_ROW = "pending_row"


def _row(m: OutboundMessage) -> Row:
    return Row(
        encode(m.client_id),
        encode(m.key),
        {
            "Channel": m.channel.value,
            "DebtorNumber": m.debtor_number,
            "To": m.to,
            "Address": put_json(asdict(m.address)) if m.address else None,
            "ReplyTo": m.reply_to,
            "Sender": m.sender,
            **put_json_parts("InvoiceNumbers", list(m.invoice_numbers)),
            "Status": m.status.value,
            "Attempts": m.attempts,
            "ClaimedAt": m.claimed_at,
            "Provider": m.provider,
            "ProviderId": m.provider_id,
            "Error": (m.error or "")[:2000] or None,
            "SentAt": m.sent_at,
            "UpdatedAt": m.updated_at,
            "CreatedAt": m.created_at,
            "SandboxOf": m.sandbox_of,
            **put_json_parts("Extra", m.extra),
        },
    )


def _message(row: Row) -> OutboundMessage:
    d = row.data
    address = get_json(d.get("Address"), None)
    return OutboundMessage(
        client_id=decode(row.pk),
        key=decode(row.rk),
        channel=Channel(d["Channel"]),
        debtor_number=d.get("DebtorNumber"),
        to=d["To"],
        created_at=d["CreatedAt"],
        address=PostalAddress(**address) if address else None,
        reply_to=d.get("ReplyTo"),
        sender=d.get("Sender"),
        invoice_numbers=tuple(get_json_parts(d, "InvoiceNumbers", [])),
        status=OutboxStatus(d["Status"]),
        attempts=int(d.get("Attempts", 0)),
        claimed_at=d.get("ClaimedAt"),
        provider=d.get("Provider"),
        provider_id=d.get("ProviderId"),
        error=d.get("Error"),
        sent_at=d.get("SentAt"),
        updated_at=d.get("UpdatedAt"),
        sandbox_of=d.get("SandboxOf"),
        extra=get_json_parts(d, "Extra", {}),
    )


class _PendingRowMissing(Exception):
    pass


def _without_mark(extra: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in extra.items() if k != PENDING_ROW}


def _pending_rk(record: Row) -> str:
    return PENDING_PREFIX + record.rk


def _pending_row(m: OutboundMessage) -> Row:
    """What the sweep needs to pass a record by without reading it: when it was written,
    whether the contact hours hold it (the handler's own rule) and its mailbox."""
    bound = m.channel.bound_by_contact_hours and m.sandbox_of is None and "account" not in m.extra
    data = {"Key": m.key, "Channel": m.channel.value, "Sender": m.sender, "Bound": bound,
            "Since": m.updated_at or m.created_at, "Requeued": 0, "LastQueued": None,
            "Raised": False}  # fmt: skip
    return Row(encode(m.client_id), PENDING_PREFIX + encode(m.key), data)


@dataclass(frozen=True)
class PendingRow:
    """A record not yet final, as its pending row says: when it was written, whether the
    contact hours hold it, its mailbox; how often the sweep queued its job again, when
    last, and whether staff were told it does not go."""

    client_id: str
    key: str
    rk: str
    channel: Channel
    sender: str | None
    bound: bool
    since: datetime
    requeued: int
    last_queued: datetime | None
    raised: bool
    etag: str | None

    def data(self) -> dict[str, Any]:
        return {"Key": self.key, "Channel": self.channel.value, "Sender": self.sender,
                "Bound": self.bound, "Since": self.since, "Requeued": self.requeued,
                "LastQueued": self.last_queued, "Raised": self.raised}  # fmt: skip


def _pending(client_id: str, r: Row) -> PendingRow:
    d = r.data
    last = d.get("LastQueued")
    return PendingRow(client_id, str(d["Key"]), r.rk, Channel(d["Channel"]), d.get("Sender"),
                      bool(d.get("Bound")), d["Since"], int(d.get("Requeued") or 0),
                      last if isinstance(last, datetime) else None, bool(d.get("Raised")),
                      r.etag)  # fmt: skip


@dataclass(frozen=True)
class IndexMark:
    """How far the sweep read a client's records from before pending rows: ``done``, or the
    continuation of the next page."""

    done: bool
    next_page: str | None
    etag: str | None


@dataclass(frozen=True)
class ProviderRef:
    """An ``OutboxRefs`` row: the outbox record a provider's id names, and the parts the
    provider bills for it when they were known as it was remembered (rows of older versions
    have none)."""

    client_id: str
    key: str
    parts: int | None = None


class OutboxRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def add(self, message: OutboundMessage) -> bool:
        """False when a message with this key exists already (the caller's retry). A record
        not final is written with its pending row, in one transaction."""
        if message.status.final:
            try:
                self.store.insert(OUTBOX, _row(message))
                return True
            except Conflict:
                return False
        marked = replace(message, extra={**message.extra, PENDING_ROW: "yes"})
        try:
            self.store.transact(
                OUTBOX,
                [Op(OpKind.INSERT, _row(marked)), Op(OpKind.UPSERT, _pending_row(marked))],
            )
            return True
        except TransactionFailed as exc:
            if exc.index == 0 and isinstance(exc.cause, Conflict):
                return False
            raise exc.cause from exc

    def get(self, client_id: str, key: str) -> tuple[OutboundMessage, str] | None:
        row = self.store.get(OUTBOX, encode(client_id), encode(key))
        if row is None:
            return None
        assert row.etag is not None
        return _message(row), row.etag

    def save(self, message: OutboundMessage, etag: str) -> str:
        """Conditional on ``etag``; raises PreconditionFailed when another worker got there.

        The record's pending row goes with it: taken away by the save that makes it final,
        written by a save that makes a record without one not final (sent again after a
        check, a poison replay, a record from before the rows). The caller's ``extra`` is
        marked as the row now is, so that its next save of the same record (``_finish``
        after ``_sent``) does not try the transaction again."""
        marked = PENDING_ROW in message.extra
        if message.status.final and marked:
            row = _row(replace(message, extra=_without_mark(message.extra)))
            row.etag = etag
            try:
                stored = self._transact_record(
                    row, Op(OpKind.DELETE, Row(row.pk, _pending_rk(row), {}))
                )
            except _PendingRowMissing:
                stored = self._replace(row)  # swept away already: the record alone
            del message.extra[PENDING_ROW]
            return stored
        if not message.status.final and not marked:
            row = _row(replace(message, extra={**message.extra, PENDING_ROW: "yes"}))
            row.etag = etag
            stored = self._transact_record(row, Op(OpKind.UPSERT, _pending_row(message)))
            message.extra[PENDING_ROW] = "yes"
            return stored
        row = _row(message)
        row.etag = etag
        return self._replace(row)

    def _replace(self, row: Row) -> str:
        stored = self.store.replace(OUTBOX, row)
        assert stored.etag is not None
        return stored.etag

    def _transact_record(self, row: Row, other: Op) -> str:
        try:
            etags = self.store.transact(OUTBOX, [Op(OpKind.REPLACE, row), other])
        except TransactionFailed as exc:
            if exc.index == 1 and isinstance(exc.cause, PreconditionFailed):
                raise _PendingRowMissing() from exc
            raise exc.cause from exc
        assert etags[0] is not None
        return etags[0]

    # -- the records not yet final (shared/services/outbox_sweep.py) --------------------------
    def own_rows(self, client_id: str, limit: int) -> tuple[IndexMark | None, list[PendingRow]]:
        """The client's read mark and its first ``limit`` pending rows: one range read."""
        page = self.store.query(
            OUTBOX,
            pk=encode(client_id),
            rk_range=prefix_range(OWN_ROWS),
            page_size=min(1000, limit + 1),
        )
        mark: IndexMark | None = None
        pending: list[PendingRow] = []
        for r in page.rows:
            if r.rk == INDEXED_MARK:
                mark = IndexMark(bool(r.data.get("Done")), r.data.get("Next") or None, r.etag)
            elif r.rk.startswith(PENDING_PREFIX) and len(pending) < limit:
                pending.append(_pending(client_id, r))
        return mark, pending

    def note_pending(self, entry: PendingRow) -> None:
        """The sweep's count on the row (a job queued again, staff told), under the row's
        etag: of two sweeps at once one writes, the other gets PreconditionFailed."""
        row = Row(encode(entry.client_id), entry.rk, entry.data(), entry.etag)
        self.store.replace(OUTBOX, row)

    def drop_pending(self, entry: PendingRow) -> None:
        """The pending row of a record that turned final without taking it away (a stale
        in-memory record saved, a record from before the rows)."""
        try:
            self.store.delete(OUTBOX, encode(entry.client_id), entry.rk, entry.etag)
        except PreconditionFailed:
            return  # counted or taken away meanwhile: the next run looks again

    def older_page(
        self, client_id: str, continuation: str | None, page_size: int
    ) -> tuple[list[tuple[OutboundMessage, str]], str | None]:
        """A page of the client's records (none of its own rows), for the one read of the
        records written before pending rows existed."""
        page = self.store.query(
            OUTBOX, pk=encode(client_id), rk_range=(None, OWN_ROWS), page_size=page_size,
            continuation=continuation,
        )  # fmt: skip
        return [(_message(r), r.etag or "") for r in page.rows], page.continuation

    def index_older(self, client_id: str, records: list[tuple[OutboundMessage, str]]) -> None:
        """Pending rows for records written before they existed, or whose row was taken
        away by hand (after a rollback); a row that exists keeps its counts. The record is
        not touched (one final meanwhile has its row taken away by the sweep)."""
        for message, _ in records:
            if not message.status.final:
                with suppress(Conflict):
                    self.store.insert(OUTBOX, _pending_row(message))

    def mark_indexed(self, client_id: str, mark: IndexMark | None, next_page: str | None) -> None:
        data: dict[str, Any] = {"Done": next_page is None, "Next": next_page}
        row = Row(encode(client_id), INDEXED_MARK, data)
        if mark is None or mark.etag is None:
            self.store.insert(OUTBOX, row)
        else:
            row.etag = mark.etag
            self.store.replace(OUTBOX, row)

    def remember_provider_id(
        self, provider: str, provider_id: str, client_id: str, key: str, parts: int | None = None
    ) -> None:
        """``parts``: what the provider bills for the message (SMS segments), kept with the
        id so that a report settling a record whose own save was cut meters them (failure17
        F1); None when not known (a report then counts one)."""
        data: dict[str, Any] = {"ClientId": client_id, "Key": key}
        if parts is not None:
            data["Parts"] = parts
        self.store.upsert(OUTBOX_REFS, Row(encode(provider), encode(provider_id), data))

    def by_provider_id(self, provider: str, provider_id: str) -> tuple[str, str] | None:
        ref = self.ref(provider, provider_id)
        return (ref.client_id, ref.key) if ref else None

    def ref(self, provider: str, provider_id: str) -> ProviderRef | None:
        """The outbox row a provider's id names, with the parts remembered for it."""
        row = self.store.get(OUTBOX_REFS, encode(provider), encode(provider_id))
        if row is None:
            return None
        parts = row.data.get("Parts")
        return ProviderRef(
            str(row.data["ClientId"]), str(row.data["Key"]), int(parts) if parts else None
        )

    def with_prefix(self, client_id: str, prefix: str) -> list[tuple[OutboundMessage, str]]:
        """Every record whose key starts with ``prefix`` (one bounded range read)."""
        rows = all_rows(
            self.store, OUTBOX, pk=encode(client_id), rk_range=prefix_range(encode(prefix))
        )
        return [(_message(r), r.etag or "") for r in rows]

    def list(
        self, client_id: str, *, page_size: int = 100, continuation: str | None = None
    ) -> tuple[list[OutboundMessage], str | None]:
        page = self.store.query(
            OUTBOX, pk=encode(client_id), page_size=page_size, continuation=continuation
        )
        records = [_message(r) for r in page.rows if not r.rk.startswith(OWN_ROWS)]
        return records, page.continuation


class WhatsappContactRepository:
    """Who we messaged on WhatsApp, so that a reply (STOP, or any message opening the
    24-hour window) finds the debtors behind the number."""

    def __init__(self, store: TableStore) -> None:
        self.store = store

    def remember(self, wa_id: str, client_id: str, debtor_number: str) -> None:
        self.store.upsert(
            WHATSAPP_CONTACTS,
            Row(
                encode(wa_id),
                f"{encode(client_id)}|{encode(debtor_number)}",
                {"ClientId": client_id, "Debtor": debtor_number},
            ),
        )

    def debtors(self, wa_id: str) -> list[tuple[str, str]]:
        page = self.store.query(WHATSAPP_CONTACTS, pk=encode(wa_id))
        return [
            (str(r.data["ClientId"]), str(r.data["Debtor"])) for r in page.rows if r.rk != LAST_WORD
        ]

    def last_word(self, wa_id: str) -> ConsentWord | None:
        """The last STOP or START applied to the number's debtors."""
        row = self.store.get(WHATSAPP_CONTACTS, encode(wa_id), LAST_WORD)
        return None if row is None else _word(row)

    def claim_word(self, wa_id: str, word: ConsentWord) -> bool:
        """Record ``word`` as the number's last, unless one sent after it is recorded (then
        False: it changes nothing). Conditional on the row's etag, so of two deliveries at
        once the later word stays."""
        for _ in range(20):
            row = self.store.get(WHATSAPP_CONTACTS, encode(wa_id), LAST_WORD)
            last = None if row is None else _word(row)
            if not counts(word, last):
                return False
            data = {"Word": word.word, "At": word.at, "MessageId": word.message_id}
            try:
                if row is None:
                    self.store.insert(WHATSAPP_CONTACTS, Row(encode(wa_id), LAST_WORD, data))
                else:
                    self.store.replace(
                        WHATSAPP_CONTACTS, Row(encode(wa_id), LAST_WORD, data, row.etag)
                    )
                return True
            except (Conflict, PreconditionFailed):
                continue
        raise PreconditionFailed(f"the last WhatsApp word of {wa_id[-4:]} is too contended")


def _word(row: Row) -> ConsentWord:
    return ConsentWord(str(row.data["Word"]), row.data["At"], str(row.data.get("MessageId") or ""))


class CounterRepository:
    """Counters that many instances increment at once: read, add, write back under the etag."""

    def __init__(self, store: TableStore) -> None:
        self.store = store

    def increment(
        self,
        table: str,
        pk: str,
        rk: str,
        by: int = 1,
        *,
        limit: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> int | None:
        """The new count, or ``None`` when adding ``by`` would pass ``limit``."""
        for _ in range(20):
            row = self.store.get(table, encode(pk), rk)
            count = int(row.data.get("Count", 0)) if row else 0
            if limit is not None and count + by > limit:
                return None
            data = {**(row.data if row else {}), **(extra or {}), "Count": count + by}
            try:
                if row is None:
                    self.store.insert(table, Row(encode(pk), rk, data))
                else:
                    self.store.replace(table, Row(encode(pk), rk, data, row.etag))
                return count + by
            except (Conflict, PreconditionFailed):
                continue
        raise PreconditionFailed(f"counter {table}/{pk}/{rk} is too contended")

    def increment_once(self, table: str, pk: str, rk: str, by: int, *, marker: str) -> bool:
        """Add ``by`` once for the event ``marker`` names: the marker row and the counter are
        written in one transaction (same partition), so a retry after a lost answer finds the
        marker and adds nothing. False when it was counted before."""
        return self.count_once(table, pk, rk, by, marker=marker)[1]

    def count_once(self, table: str, pk: str, rk: str, by: int, *, marker: str) -> tuple[int, bool]:
        """:meth:`increment_once`, with the count this event's own addition reached (kept on
        its marker): the event's place among those counted, the same when it comes again
        after others were counted (the counter's total then says the others' places; a
        WhatsApp delivered again after five more lost its item, failure19 W1). A marker of
        before it was kept answers the total. Whether it was counted now."""
        from shared.ports.tables import Op, OpKind, TransactionFailed

        for _ in range(20):
            seen = self.store.get(table, encode(pk), marker)
            if seen is not None:
                reached = seen.data.get("Reached")
                return (int(reached) if reached is not None else self.count(table, pk, rk)), False
            row = self.store.get(table, encode(pk), rk)
            count = int(row.data.get("Count", 0)) if row else 0
            counter = Row(encode(pk), rk, {**(row.data if row else {}), "Count": count + by})
            mark = {"Counter": rk, "By": by, "Reached": count + by}
            ops = [Op(OpKind.INSERT, Row(encode(pk), marker, mark))]
            if row is None:
                ops.append(Op(OpKind.INSERT, counter))
            else:
                counter.etag = row.etag
                ops.append(Op(OpKind.REPLACE, counter))
            try:
                self.store.transact(table, ops)
                return count + by, True
            except TransactionFailed as exc:
                if not isinstance(exc.cause, (Conflict, PreconditionFailed)):
                    raise
        raise PreconditionFailed(f"counter {table}/{pk}/{rk} is too contended")

    def count(self, table: str, pk: str, rk: str) -> int:
        """One counter, read by its exact key (a prefix would also catch ``D10`` for ``D1``)."""
        row = self.store.get(table, encode(pk), rk)
        return int(row.data.get("Count", 0)) if row else 0

    def read(self, table: str, pk: str, rk_prefix: str = "") -> dict[str, int]:
        page = self.store.query(
            table,
            pk=encode(pk),
            rk_range=(rk_prefix, rk_prefix + "\U0010ffff") if rk_prefix else (None, None),
        )
        return {r.rk: int(r.data.get("Count", 0)) for r in page.rows}

    def read_value(self, table: str, pk: str, rk: str) -> datetime | None:
        row = self.store.get(table, encode(pk), rk)
        value = row.data.get("At") if row else None
        return value if isinstance(value, datetime) else None

    def write_value(self, table: str, pk: str, rk: str, at: datetime) -> None:
        self.store.upsert(table, Row(encode(pk), rk, {"At": at}))


def minute_key(at: datetime) -> str:
    return "m" + at.strftime("%Y%m%d%H%M")


def day_key(at: datetime) -> str:
    return "d" + at.strftime("%Y%m%d")


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
