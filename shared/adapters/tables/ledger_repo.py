"""The claim ledger on Table Storage.

Table ``Ledger``, partitioned by the internal client id (one client's request can only name
its own partition). Row keys start with the debtor, so one range read returns every claim of a
debtor with its events:

RowKey                                     holds
debtor ``|c|`` invoice                     the claim's header: imported dates, the next event
                                           number, the payments applied and reversed, and the
                                           summary figures the lists read
debtor ``|e|`` invoice ``|`` seq           a batch of events written together (JSON list)
``|n|`` payment                            the invoices a booked payment's debtor named,
                                           written with its booking (:func:`named_op`)

A change to a claim writes its header (insert, or replace guarded by the etag it was read
with) and its event rows in one entity-group transaction: two writers racing on one claim
cannot both win, and a payment id in the header makes a redelivered booking a no-op.

A transaction that inserts a claim header of a debtor the client's digest of ledger debtors
(:mod:`ledger_digest`, a row of the same partition) does not hold yet carries the digest with
the debtor's hash, guarded by its ETag (:meth:`LedgerRepository.transact`): a statement window
skips the ledger read of a debtor that is not in it.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from shared.adapters.tables import ledger_digest
from shared.adapters.tables.codec import get_date, get_json, put_date, put_json
from shared.adapters.tables.keys import checked, decode, encode, join
from shared.domain.ledger.kind_letter import LetterAsBusiness
from shared.domain.ledger.model import Component, EventKind, LedgerEvent, StandIn
from shared.ports.tables import (
    MAX_BATCH,
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

log = logging.getLogger("inning.ledger")

LEDGER = "Ledger"
TABLES = (LEDGER,)
HEADER = "c"
EVENTS = "e"
# a header and one event row per claim, and room for the digest of ledger debtors
CLAIMS_PER_TRANSACTION = (MAX_BATCH - 1) // 2
DIGEST_RETRIES = 8  # a write whose digest lost a race reads it again
BACK_OFF_SECONDS = 0.004  # the most a retry waits, times its attempt (random: not lockstep)


@dataclass(frozen=True)
class ClaimHeader:
    client_id: str
    debtor_number: str
    invoice_number: str
    fourteen_day_letter_on: date | None = None  # imported: the client sent it already
    interest_from: date | None = None  # imported default date for interest
    next_seq: int = 1
    payments: tuple[str, ...] = ()  # payment ids whose allocation is in the events
    reversed: tuple[str, ...] = ()  # payment ids reversed
    summary: dict[str, Any] = field(default_factory=dict)
    etag: str | None = None  # None: not stored yet
    # payment plans that froze interest: (plan id, from, until or None while it runs)
    interest_paused: tuple[tuple[str, date, date | None], ...] = ()
    # arrangements that keep the collection costs from arising (a postponement granted):
    # (reference, agreed on, costs owed from at the earliest), docs/law.md
    costs_held: tuple[tuple[str, date, date | None], ...] = ()
    # the letters it had when its debtor was corrected to a consumer (law11b F5)
    as_business: LetterAsBusiness | None = None


@dataclass(frozen=True)
class StoredClaim:
    header: ClaimHeader
    events: tuple[LedgerEvent, ...]


@dataclass(frozen=True)
class ClaimWrite:
    """New events for one claim and its header as it must be afterwards."""

    header: ClaimHeader
    events: tuple[LedgerEvent, ...]


def header_rk(debtor: str, invoice: str) -> str:
    return join(encode(debtor), HEADER, encode(invoice))


def event_rk(debtor: str, invoice: str, seq: int) -> str:
    return join(encode(debtor), EVENTS, encode(invoice), f"{seq:08d}")


PARTS = "w"  # debtor ``|w|`` change: a change being written in parts (see begin_parts)


def parts_rk(debtor: str, key: str) -> str:
    return join(encode(debtor), PARTS, encode(key))


# ``|n|`` payment: outside every debtor's range (an encoded debtor is never empty), so neither
# a debtor's read nor the digest of ledger debtors takes it for a debtor's row
NAMED = "|n|"


def named_rk(payment_id: str) -> str:
    return checked(NAMED + encode(payment_id))


def named_op(client_id: str, payment_id: str, invoices: Sequence[str]) -> Op:
    """The invoices a payment's debtor named, in the booking's own ledger transaction: its
    payment row is written after the ledger, and a replay of the debtor's claims between the
    two (another payment's return) must not read the money as undesignated (banks28 F5). An
    upsert: a booking finished by its redelivery writes the same again."""
    return Op(OpKind.UPSERT, Row(encode(client_id), named_rk(payment_id),
                                 {"PaymentId": payment_id, "Designated": put_json(list(invoices))}))  # fmt: skip


def _event_out(e: LedgerEvent) -> dict[str, Any]:
    out: dict[str, Any] = {
        "seq": e.seq, "kind": e.kind.value, "component": e.component.value,
        "amount": e.amount, "on": e.on.isoformat(),
    }  # fmt: skip
    if e.payment_id:
        out["payment_id"] = e.payment_id
    if e.reason:
        out["reason"] = e.reason
    if e.final:
        out["final"] = True
    if e.note is not None:
        out["note"] = e.note
    if e.stands_in is not None:
        out["stands_in"] = [e.stands_in.payment_id, e.stands_in.received.isoformat()]
    return out


def _event_in(d: dict[str, Any]) -> LedgerEvent:
    return LedgerEvent(
        seq=int(d["seq"]),
        kind=EventKind(d["kind"]),
        component=Component(d["component"]),
        amount=int(d["amount"]),
        on=date.fromisoformat(d["on"]),
        payment_id=d.get("payment_id"),
        reason=d.get("reason"),
        final=bool(d.get("final", False)),
        note=d.get("note"),
        stands_in=_stands_in(d.get("stands_in")),
    )


def _stands_in(value: list[str] | None) -> StandIn | None:
    if value is None:
        return None
    payment_id, received = value
    return StandIn(payment_id, date.fromisoformat(received))


def _header_row(h: ClaimHeader) -> Row:
    return Row(
        encode(h.client_id),
        header_rk(h.debtor_number, h.invoice_number),
        {
            "DebtorNumber": h.debtor_number,
            "InvoiceNumber": h.invoice_number,
            "FourteenDayLetterOn": put_date(h.fourteen_day_letter_on),
            "InterestFrom": put_date(h.interest_from),
            "NextSeq": h.next_seq,
            "Payments": put_json(list(h.payments)),
            "Reversed": put_json(list(h.reversed)),
            "Summary": put_json(h.summary),
            "InterestPaused": put_json(
                [[p, a.isoformat(), b.isoformat() if b else None] for p, a, b in h.interest_paused]
            ),
            "CostsHeld": put_json(
                [[p, a.isoformat(), b.isoformat() if b else None] for p, a, b in h.costs_held]
            ),
            "AsBusiness": _as_business_out(h.as_business),
        },
        etag=h.etag,
    )


def _claims_of(rows: Iterable[Row]) -> tuple[dict[str, StoredClaim], list[Row]]:
    """One debtor's ledger rows as its claims, and the marks of changes written in parts."""
    headers: dict[str, ClaimHeader] = {}
    events: dict[str, list[LedgerEvent]] = {}
    marks: list[Row] = []
    for row in rows:
        if row.rk == ledger_digest.DIGEST_RK:  # in the range of a debtor named "~~~~~~~~"
            continue
        if row.rk.split("|")[1] == PARTS:
            marks.append(row)
        if row.rk.split("|")[1] == HEADER:
            h = _header_from(row)
            headers[h.invoice_number] = h
        else:
            number = str(row.data["InvoiceNumber"])
            events.setdefault(number, []).extend(
                _event_in(e) for e in get_json(row.data.get("Events"), [])
            )
    claims = {
        n: StoredClaim(h, tuple(sorted(events.get(n, []), key=lambda e: e.seq)))
        for n, h in headers.items()
    }
    return claims, marks


def _header_from(row: Row) -> ClaimHeader:
    d = row.data
    return ClaimHeader(
        client_id=decode(row.pk),
        debtor_number=d["DebtorNumber"],
        invoice_number=d["InvoiceNumber"],
        fourteen_day_letter_on=get_date(d.get("FourteenDayLetterOn")),
        interest_from=get_date(d.get("InterestFrom")),
        next_seq=int(d.get("NextSeq", 1)),
        payments=tuple(get_json(d.get("Payments"), [])),
        reversed=tuple(get_json(d.get("Reversed"), [])),
        summary=get_json(d.get("Summary"), {}),
        etag=row.etag,
        interest_paused=tuple(
            (str(p), date.fromisoformat(a), date.fromisoformat(b) if b else None)
            for p, a, b in get_json(d.get("InterestPaused"), [])
        ),
        costs_held=tuple(
            (str(p), date.fromisoformat(a), date.fromisoformat(b) if b else None)
            for p, a, b in get_json(d.get("CostsHeld"), [])
        ),
        as_business=_as_business_in(d.get("AsBusiness")),
    )


def _as_business_out(held: LetterAsBusiness | None) -> str | None:
    if held is None:
        return None
    # three fields unless a share was forgone: a row as the code before ``forgone`` wrote it
    forgone = [True] if held.forgone else []
    return put_json([put_date(held.letter_on), put_date(held.owed_from), held.confirmed,
                     *forgone])  # fmt: skip


def _as_business_in(value: str | None) -> LetterAsBusiness | None:
    if not value:
        return None
    letter_on, owed_from, confirmed, *rest = get_json(value, [None, None, False])
    # a row written before ``forgone`` existed has three fields: nothing forgone
    return LetterAsBusiness(get_date(letter_on), get_date(owed_from), bool(confirmed),
                            bool(rest[0]) if rest else False)  # fmt: skip


class LedgerRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store
        # client -> the digest of ledger debtors as this process last saw it: its hashes
        # were written with rows, and hashes are never taken out (ledger_digest)
        self._seen: dict[str, ledger_digest.LedgerDebtors] = {}
        self._seen_lock = threading.Lock()

    def for_debtor(self, client_id: str, debtor: str) -> dict[str, StoredClaim]:
        """Every claim of a debtor that has a header, with its events in order."""
        return self.read_debtor(client_id, debtor)[0]

    def read_debtor(self, client_id: str, debtor: str) -> tuple[dict[str, StoredClaim], list[Row]]:
        """:meth:`for_debtor`, and the marks of changes written in parts and not finished
        (``ledger_journal``) that the same range read brought along."""
        rows = all_rows(
            self.store, LEDGER, pk=encode(client_id), rk_range=prefix_range(encode(debtor) + "|")
        )
        return _claims_of(rows)

    def read_client(
        self, client_id: str, only: Collection[str] | None = None
    ) -> dict[str, tuple[dict[str, StoredClaim], list[Row]]]:
        """:meth:`read_debtor` of every debtor of the client with a ledger row (``only``: of
        these debtors), by debtor number, from one query of the client's partition (a page
        per 1,000 rows: a header and an event row per change of each claim); the ``|n|`` rows
        of named payments and the digest of ledger debtors are passed over, as are the rows
        of a debtor not in ``only`` (not kept, their events not parsed). For a report over
        the whole client, where a range read per debtor would cost a request per debtor."""
        by_debtor: dict[str, list[Row]] = {}
        for row in all_rows(self.store, LEDGER, pk=encode(client_id)):
            if row.rk == ledger_digest.DIGEST_RK or row.rk.startswith(NAMED):
                continue
            debtor = decode(row.rk.split("|")[0])
            if only is None or debtor in only:
                by_debtor.setdefault(debtor, []).append(row)
        return {debtor: _claims_of(rows) for debtor, rows in by_debtor.items()}

    def header(self, client_id: str, debtor: str, invoice: str) -> ClaimHeader | None:
        row = self.store.get(LEDGER, encode(client_id), header_rk(debtor, invoice))
        return _header_from(row) if row else None

    # -- a change written in parts (fail-fixes5; apart from the append path below) -------------
    # A change of more claims than one transaction holds is written in parts; a worker that
    # dies between them, or a part that loses a race, leaves some claims with the change and
    # others without. The writer marks the change unfinished before its first part and takes
    # the mark away after its last: a reader that finds the change's events and the mark
    # knows the rest is missing (failure5 finding 10). The mark sits in the debtor's range and
    # reads as an event row without events, so :meth:`for_debtor` passes over it.

    def begin_parts(self, client_id: str, debtor: str, key: str) -> None:
        """Mark change ``key`` (a payment id) of this debtor's claims unfinished."""
        row = Row(encode(client_id), parts_rk(debtor, key), {"DebtorNumber": debtor,
                  "InvoiceNumber": key, "Events": put_json([])})  # fmt: skip
        self.store.upsert(LEDGER, row)

    def end_parts(self, client_id: str, debtor: str, key: str) -> None:
        """Change ``key`` is written whole (no mark: nothing to do)."""
        from shared.ports.tables import PreconditionFailed  # here: the imports above are shared

        try:
            self.store.delete(LEDGER, encode(client_id), parts_rk(debtor, key))
        except PreconditionFailed:
            pass  # taken away already

    def parts_missing(self, client_id: str, debtor: str, key: str) -> bool:
        """Whether change ``key`` was begun in parts and not finished."""
        return self.store.get(LEDGER, encode(client_id), parts_rk(debtor, key)) is not None

    @staticmethod
    def write_ops(change: ClaimWrite) -> list[Op]:
        h = change.header
        row = _header_row(h)
        ops = [Op(OpKind.REPLACE if h.etag else OpKind.INSERT, row)]
        if change.events:
            first = min(e.seq for e in change.events)
            ops.append(
                Op(
                    OpKind.INSERT,
                    Row(
                        row.pk,
                        event_rk(h.debtor_number, h.invoice_number, first),
                        {
                            "DebtorNumber": h.debtor_number,
                            "InvoiceNumber": h.invoice_number,
                            "Events": put_json([_event_out(e) for e in change.events]),
                        },
                    ),
                )
            )
        return ops

    def write(self, changes: Sequence[ClaimWrite], with_first: Op | None = None) -> None:
        """All changes of one client, in transactions of at most 50 claims each (a change
        of more claims than that is written in parts; each part is idempotent by itself).
        ``with_first``: a row written in the first transaction (:func:`named_op`)."""
        for start in range(0, len(changes), CLAIMS_PER_TRANSACTION):
            part = changes[start : start + CLAIMS_PER_TRANSACTION]
            ops = [op for change in part for op in self.write_ops(change)]
            if ops and with_first is not None and start == 0:
                ops.append(with_first)
            if ops:
                self.transact(part[0].header.client_id, ops)

    def designated(self, client_id: str, payment_id: str) -> tuple[str, ...] | None:
        """The invoices the booking of ``payment_id`` wrote as its debtor's designation, or
        None (no such row: booked before it was kept, undesignated, or not booked)."""
        row = self.store.get(LEDGER, encode(client_id), named_rk(payment_id))
        return tuple(get_json(row.data.get("Designated"), [])) if row else None

    def set_imported(
        self,
        client_id: str,
        debtor: str,
        invoice: str,
        letter_on: date | None,
        interest_from: date | None,
    ) -> bool:
        """Record the dates an import gave (idempotent); False when nothing changed."""
        current = self.header(client_id, debtor, invoice) or ClaimHeader(client_id, debtor, invoice)
        if (current.fourteen_day_letter_on, current.interest_from) == (letter_on, interest_from):
            return False
        updated = replace(current, fourteen_day_letter_on=letter_on, interest_from=interest_from)
        self.transact(client_id, self.write_ops(ClaimWrite(updated, ())))
        return True

    def set_interest_pause(
        self,
        client_id: str,
        debtor: str,
        invoice: str,
        plan_id: str,
        span: tuple[date, date | None] | None,
    ) -> bool:
        """Record (or, ``span`` None, drop) the days a plan froze interest on this claim;
        idempotent per plan; False when nothing changed."""
        current = self.header(client_id, debtor, invoice) or ClaimHeader(client_id, debtor, invoice)
        others = tuple(x for x in current.interest_paused if x[0] != plan_id)
        wanted = (*others, (plan_id, span[0], span[1])) if span is not None else others
        if wanted == current.interest_paused:
            return False
        updated = replace(current, interest_paused=wanted)
        self.transact(client_id, self.write_ops(ClaimWrite(updated, ())))
        return True

    def set_costs_hold(
        self,
        client_id: str,
        debtor: str,
        invoice: str,
        ref: str,
        span: tuple[date, date | None] | None,
    ) -> bool:
        """Record (or, ``span`` None, drop) an arrangement that keeps the costs from arising
        on this claim (agreed on ``span[0]``, costs owed from ``span[1]`` at the earliest,
        None while it runs); idempotent per ``ref``; False when nothing changed."""
        current = self.header(client_id, debtor, invoice)
        if current is None and span is None:
            return False
        current = current or ClaimHeader(client_id, debtor, invoice)
        others = tuple(x for x in current.costs_held if x[0] != ref)
        wanted = (*others, (ref, span[0], span[1])) if span is not None else others
        if wanted == current.costs_held:
            return False
        updated = replace(current, costs_held=wanted)
        self.transact(client_id, self.write_ops(ClaimWrite(updated, ())))
        return True

    def set_as_business(
        self, client_id: str, debtor: str, invoice: str, held: LetterAsBusiness,
        etag: str | None = None,
    ) -> bool:  # fmt: skip
        """Record the letters the claim had when its debtor became a consumer, or that a
        person confirmed one (idempotent); False when nothing changed. A record of the same
        letters stands (the same correction handled again keeps a person's confirmation); one
        of other letters is replaced: corrected to a consumer again after a new letter sent to
        him as a business, that letter is held (failure12b H), whatever an older record said.
        ``etag``: the claim's header as the caller decided on it; the claim moved since (a
        payment booked on it) raises :class:`PreconditionFailed`, for the caller to decide
        again (failure13b G5)."""
        current = self.header(client_id, debtor, invoice) or ClaimHeader(client_id, debtor, invoice)
        if etag is not None and current.etag != etag:
            raise PreconditionFailed(f"claim {invoice} changed since it was read")
        was = current.as_business
        if was == held or (
            was is not None
            and not held.confirmed
            and (was.letter_on, was.owed_from) == (held.letter_on, held.owed_from)
        ):
            return False
        updated = replace(current, as_business=held)
        try:
            self.transact(client_id, self.write_ops(ClaimWrite(updated, ())))
        except TransactionFailed as exc:
            if etag is not None and isinstance(exc.cause, PreconditionFailed | Conflict):
                raise PreconditionFailed(f"claim {invoice} changed since it was read") from exc
            raise
        return True

    # -- the digest of ledger debtors (ledger_digest) ------------------------------------------
    def transact(self, client_id: str, ops: Sequence[Op]) -> list[str | None]:
        """One transaction of the client's ledger rows (at most ``MAX_BATCH - 1`` ops), with
        the digest of ledger debtors when it inserts a claim header of a debtor the digest
        may not hold: guarded by the digest's ETag, so it lands with the rows or neither
        does. A transaction refused because of the digest alone is tried again with the
        digest read again; after :data:`DIGEST_RETRIES` the digest is given up in it
        (``Contended``: built again by its next reader). A row's own refusal (a claim's
        ETag moved, a header inserted twice) is raised as before, its index that of ``ops``."""
        new = sorted(
            {
                str(op.row.data["DebtorNumber"])
                for op in ops
                if op.kind is OpKind.INSERT and op.row.rk.split("|")[1:2] == [HEADER]
            }
        )
        with self._seen_lock:
            seen = self._seen.get(client_id)
        if not new or (seen is not None and ledger_digest.holds(seen, new)):
            return self.store.transact(LEDGER, ops)
        pk = encode(client_id)
        digest = seen
        for attempt in range(DIGEST_RETRIES):
            if attempt:
                time.sleep(random.uniform(0, BACK_OFF_SECONDS * attempt))
            if digest is None or attempt:
                digest = ledger_digest.from_row(self.store.get(LEDGER, pk, ledger_digest.DIGEST_RK))
            op = ledger_digest.adding_op(client_id, digest, new)
            if op is None:  # another writer put them in meanwhile
                self._remember(client_id, digest)
                return self.store.transact(LEDGER, ops)
            try:
                etags = self.store.transact(LEDGER, [op, *ops])
            except TransactionFailed as exc:
                if exc.index != 0 or not isinstance(exc.cause, Conflict | PreconditionFailed):
                    raise TransactionFailed(max(0, exc.index - 1), exc.cause) from exc
                now = ledger_digest.from_row(self.store.get(LEDGER, pk, ledger_digest.DIGEST_RK))
                if now.etag == digest.etag:  # not the digest's refusal after all: the rows'
                    raise
                digest = now
                continue
            self._remember(client_id, replace(ledger_digest.from_row(op.row), etag=etags[0]))
            return etags[1:]
        log.warning(
            "digest of ledger debtors lost %d races; marked contended, rebuilt by its next reader",
            DIGEST_RETRIES,
        )
        with self._seen_lock:
            self._seen.pop(client_id, None)
        return self.store.transact(LEDGER, [ledger_digest.given_up_op(client_id), *ops])[1:]

    def _remember(self, client_id: str, digest: ledger_digest.LedgerDebtors) -> None:
        with self._seen_lock:
            self._seen[client_id] = digest

    def ledger_debtors(self, client_id: str) -> ledger_digest.LedgerDebtors:
        """The client's digest of ledger debtors (one point read), built from the ledger's
        rows when it is not (a client whose ledger predates the digest, or one given up):
        every row's debtor, read again on every attempt and merged under the digest's ETag
        with what writes added meanwhile. Not built this time: every debtor is read."""
        pk = encode(client_id)
        digest = ledger_digest.from_row(self.store.get(LEDGER, pk, ledger_digest.DIGEST_RK))
        for attempt in range(DIGEST_RETRIES):
            if attempt:
                time.sleep(random.uniform(0, BACK_OFF_SECONDS * attempt))
                digest = ledger_digest.from_row(self.store.get(LEDGER, pk, ledger_digest.DIGEST_RK))
            if digest.built:
                self._remember(client_id, digest)
                return digest
            debtors = {
                decode(row.rk.split("|", 1)[0])
                for row in all_rows(self.store, LEDGER, pk=pk)
                if row.rk != ledger_digest.DIGEST_RK and not row.rk.startswith(NAMED)
            }
            whole = replace(digest.adding(debtors), built=True, contended=False)
            op = ledger_digest.write_op(client_id, whole)
            try:  # one row, guarded by its ETag (inserted when there was none)
                if op.kind is OpKind.INSERT:
                    stored = self.store.insert(LEDGER, op.row)
                else:
                    stored = self.store.replace(LEDGER, op.row)
            except (Conflict, PreconditionFailed):
                continue
            built = replace(whole, etag=stored.etag)
            self._remember(client_id, built)
            return built
        return ledger_digest.EMPTY
