"""Payments, the contact log and the action list on Table Storage."""

from __future__ import annotations

import builtins
import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Any

from shared.adapters.tables import schema
from shared.adapters.tables.codec import (
    get_date,
    get_json,
    get_json_parts,
    need_date,
    put_date,
    put_json,
    put_json_parts,
)
from shared.adapters.tables.figures_repo import FiguresRepository, utc_now
from shared.adapters.tables.keys import decode, encode
from shared.adapters.tables.payment_days_repo import PaymentDayIndex
from shared.domain.figures.portfolio import month_key
from shared.domain.records import (
    ActionItem,
    ActionStatus,
    AllocatedAmount,
    ContactEntry,
    ContactKind,
    Payment,
    PaymentSource,
    Receiver,
)
from shared.ports.tables import (
    MAX_BATCH,
    Conflict,
    Op,
    OpKind,
    PreconditionFailed,
    Row,
    StorageError,
    TableStore,
    TransactionFailed,
    all_rows,
    prefix_range,
)

log = logging.getLogger(__name__)
# an action row whose move of the Today page's waiting count may not be recorded yet: the
# move (+1 added waiting, -1 resolved) and when the row was written; gone once it is recorded
OWED = "CountOwed"
OWED_AT = "CountOwedAt"


def received_by_of(d: dict[str, object]) -> Receiver:
    """Where the row's money arrived. A row written before it was kept: a plan's direct
    debit went into the client's own account (every file's creditor account was the
    client's), anything else is read as the third-party account, as settlement treated it
    then (a bank line or Mollie payment of the client's own account booked before this was
    kept cannot be told apart here: docs/operations.md says what to check before the first
    run after the upgrade)."""
    stored = d.get("ReceivedBy")
    if stored:
        return Receiver(str(stored))
    if d.get("Source") == PaymentSource.DIRECT_DEBIT.value:
        return Receiver.CLIENT
    return Receiver.THIRD_PARTY


def _booked_to(value: object) -> tuple[str, ...] | None:
    """A row written before ``BookedTo`` was kept has none: unknown, not "no claim"."""
    if value is None or value == "":
        return None
    return tuple(str(n) for n in get_json(value, []))


def _debtor_paid(d: Mapping[str, Any]) -> tuple[str, ...] | None:
    """A row written before ``DebtorPaid`` was kept: its designation, else where it was
    booked, as they stand (a correction of the designation saved before it was kept cannot be
    told apart); written with the row's next save, so a correction after that moves it not."""
    stored = d.get("DebtorPaid")
    if stored is not None and stored != "":
        return tuple(str(n) for n in get_json(stored, []))
    designated = tuple(str(n) for n in get_json(d.get("Designated"), []))
    return designated or _booked_to(d.get("BookedTo"))


class PaymentRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store
        self.figures = FiguresRepository(store)
        self.days = PaymentDayIndex(store)  # the console's payments per day, kept here too

    @staticmethod
    def to_row(p: Payment) -> Row:
        return Row(
            encode(p.client_id),
            p.payment_id,
            {
                "DebtorNumber": p.debtor_number,
                "Amount": p.amount,
                "ReceivedOn": put_date(p.received_on),
                "Source": p.source.value,
                "ExternalId": p.external_id,
                "Allocations": put_json([asdict(a) for a in p.allocations]),
                "Unallocated": p.unallocated,
                "Reversed": p.reversed,
                "ReversedOn": put_date(p.reversed_on),
                "Designated": put_json(list(p.designated)),
                "DesignatedByStaff": p.designated_by_staff,
                "BookedTo": None if p.booked_to is None else put_json(list(p.booked_to)),
                "DebtorPaid": None if p.debtor_paid is None else put_json(list(p.debtor_paid)),
                "ReceivedBy": p.received_by.value,
                "BankCharges": p.bank_charges,
                "BookedOn": put_date(p.booked_on),
                "Reference": p.reference,
                "ToldAs": p.told_as,
            },
        )

    @staticmethod
    def from_row(row: Row) -> Payment:
        d = row.data
        return Payment(
            client_id=decode(row.pk),
            payment_id=row.rk,
            debtor_number=d.get("DebtorNumber"),
            amount=int(d["Amount"]),
            received_on=need_date(d["ReceivedOn"]),
            source=PaymentSource(d["Source"]),
            external_id=d.get("ExternalId"),
            allocations=tuple(AllocatedAmount(**a) for a in get_json(d.get("Allocations"), [])),
            unallocated=int(d.get("Unallocated", 0)),
            reversed=bool(d.get("Reversed", False)),
            reversed_on=get_date(d.get("ReversedOn")),
            # a row written before the designation was kept has none: as before, 6:43 alone
            designated=tuple(str(n) for n in get_json(d.get("Designated"), [])),
            # a row written before it was kept: a designation is taken as the payer's
            designated_by_staff=bool(d.get("DesignatedByStaff", False)),
            booked_to=_booked_to(d.get("BookedTo")),
            debtor_paid=_debtor_paid(d),
            received_by=received_by_of(d),
            bank_charges=int(d.get("BankCharges") or 0),
            booked_on=get_date(d.get("BookedOn")),
            reference=d.get("Reference"),
            told_as=d.get("ToldAs"),
        )

    def add(self, payment: Payment) -> None:
        self.store.insert(schema.PAYMENTS, self.to_row(payment))
        self.days.put(payment)
        if not payment.reversed:  # the Today page's money received this month
            self.figures.move_received(
                payment.client_id, month_key(payment.received_on), payment.amount
            )

    def add_new(
        self, client_id: str, payments: builtins.list[Payment], *, count_received: bool = True
    ) -> dict[str, int]:
        """:meth:`add` for payments of one client booked together (a statement window): the
        payment rows in transactions (a ``StorageError`` before any other write), then the
        payments-by-day rows and the month's received sums (a crash after the payment rows:
        each payment's redelivered booking repairs its day row). The money received per
        month is returned; ``count_received=False`` leaves recording it to the caller (who
        records it with its other changes to the sums, ``FiguresRepository.move_many``)."""
        for start in range(0, len(payments), MAX_BATCH):
            part = payments[start : start + MAX_BATCH]
            self.store.transact(schema.PAYMENTS, [Op(OpKind.INSERT, self.to_row(p)) for p in part])
        self.days.put_new(client_id, payments)
        received: dict[str, int] = {}
        for payment in payments:
            month = month_key(payment.received_on)
            received[month] = received.get(month, 0) + payment.amount
        if count_received:
            for month, cents in received.items():
                self.figures.move_received(client_id, month, cents)
        return received

    def get(self, client_id: str, payment_id: str) -> Payment | None:
        row = self.store.get(schema.PAYMENTS, encode(client_id), payment_id)
        return self.from_row(row) if row else None

    def get_versioned(self, client_id: str, payment_id: str) -> tuple[Payment, str | None] | None:
        """The payment and its row's ETag, for a write conditional on what was read."""
        row = self.store.get(schema.PAYMENTS, encode(client_id), payment_id)
        return (self.from_row(row), row.etag) if row else None

    def save_if(self, payment: Payment, etag: str | None) -> None:
        """The payment row written over the one read with ``etag``, with its day row and the
        month's money received (PreconditionFailed when another writer saved it since: a
        return, another person's correction). The only way a stored payment row changes: an
        ETag-less save would write back a row read before such a write (failure14 F4), so
        there is none (codereview14 F5)."""
        before = self.get(payment.client_id, payment.payment_id)
        row = self.to_row(payment)
        row.etag = etag
        self.store.replace(schema.PAYMENTS, row)
        self._follow(payment, before)

    def _follow(self, payment: Payment, before: Payment | None) -> None:
        """The payments-by-day row and the month's money received as the saved row says."""
        self.days.put(payment, before)
        was = 0 if before is None or before.reversed else before.amount
        now = 0 if payment.reversed else payment.amount
        if before is not None and before.received_on != payment.received_on:
            self.figures.move_received(payment.client_id, month_key(before.received_on), -was)
            was = 0
        self.figures.move_received(payment.client_id, month_key(payment.received_on), now - was)

    def list(
        self, client_id: str, *, page_size: int = 100, continuation: str | None = None
    ) -> tuple[list[Payment], str | None]:
        page = self.store.query(
            schema.PAYMENTS, pk=encode(client_id), page_size=page_size, continuation=continuation
        )
        return [self.from_row(r) for r in page.rows], page.continuation

    def derived(self, client_id: str, payment_id: str) -> builtins.list[Payment]:
        """The payments booked under ids ``<payment_id>-…`` (what stands of an online payment
        after partial refunds or chargebacks): one key range of the client's partition."""
        page = self.store.query(
            schema.PAYMENTS, pk=encode(client_id), rk_range=(f"{payment_id}-", f"{payment_id}.")
        )
        return [self.from_row(r) for r in page.rows]


class ContactLogRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def add(self, entry: ContactEntry) -> None:
        self.store.insert(schema.CONTACT_LOG, self.to_row(entry))

    def add_once(self, entry: ContactEntry) -> bool:
        """The entry written once under its id, however many writers meet (False: written
        before). The log's row key starts with the entry's time, so two writers that each
        checked the log and found nothing (two deliveries of one event, a retry beside the
        request it repeats) would write the id twice, each under a time of its own. With the
        entry goes, in one transaction, its claim: a row keyed by the debtor and the id
        alone (:func:`schema.contact_once_rk`), which only one of them can insert; the other's
        transaction writes nothing. An entry written before claims were kept is found by its
        id as before."""
        pk = encode(entry.client_id)
        claim = self._claim(entry)
        if self.store.get(schema.CONTACT_LOG, pk, claim.rk) is not None:
            return False
        if self.entry(entry.client_id, entry.debtor_number, entry.entry_id) is not None:
            return False  # written before its claim was kept (before oncefix17)
        return self.add_claimed(entry)

    def add_claimed(self, entry: ContactEntry) -> bool:
        """:meth:`add_once` without its reads, for a writer that cannot meet an earlier one
        (the delivery whose own insert of the payment row just won): the entry and its claim
        in one transaction, one request as :meth:`add`; a later :meth:`add_once` of the same
        id finds the claim (False: written before)."""
        claim = self._claim(entry)
        try:
            self.store.transact(
                schema.CONTACT_LOG,
                [Op(OpKind.INSERT, claim), Op(OpKind.INSERT, self.to_row(entry))],
            )
        except TransactionFailed as exc:
            if isinstance(exc.cause, Conflict):
                return False  # the writer beside this one claimed it first
            raise
        return True

    @staticmethod
    def _claim(entry: ContactEntry) -> Row:
        """The row that claims ``entry``'s id for its debtor (:meth:`add_once`)."""
        return Row(
            encode(entry.client_id),
            schema.contact_once_rk(entry.debtor_number, entry.entry_id),
            {"Entry": schema.contact_rk(entry.debtor_number, entry.at, entry.entry_id)},
        )

    @staticmethod
    def to_row(entry: ContactEntry) -> Row:
        """The entry's row (a caller writing many in one transaction builds them here)."""
        return Row(
            encode(entry.client_id),
            schema.contact_rk(entry.debtor_number, entry.at, entry.entry_id),
            {
                "DebtorNumber": entry.debtor_number,
                "EntryId": entry.entry_id,
                "At": entry.at,
                "Kind": entry.kind.value,
                "Summary": entry.summary,
                "Channel": entry.channel,
                **put_json_parts("InvoiceNumbers", list(entry.invoice_numbers)),
                "System": entry.system,
                "Author": entry.author,
            },
        )

    def for_debtor(
        self,
        client_id: str,
        debtor_number: str,
        *,
        include_system: bool = True,
        page_size: int = 100,
        continuation: str | None = None,
    ) -> tuple[list[ContactEntry], str | None]:
        page = self.store.query(
            schema.CONTACT_LOG,
            pk=encode(client_id),
            rk_range=prefix_range(schema.contact_prefix(debtor_number)),
            equals=None if include_system else {"System": False},
            page_size=page_size,
            continuation=continuation,
        )
        return [self._from_row(r) for r in page.rows], page.continuation

    def entry(self, client_id: str, debtor_number: str, entry_id: str) -> ContactEntry | None:
        """One entry of the debtor's log by its id (its key starts with its time, so the
        debtor's range is read with a filter on the id)."""
        token = None
        while True:
            page = self.store.query(
                schema.CONTACT_LOG,
                pk=encode(client_id),
                rk_range=prefix_range(schema.contact_prefix(debtor_number)),
                equals={"EntryId": entry_id},
                continuation=token,
            )
            if page.rows:
                return self._from_row(page.rows[0])
            token = page.continuation
            if not token:
                return None

    def latest(
        self, client_id: str, debtor_number: str, kind: ContactKind, invoice: str
    ) -> ContactEntry | None:
        """The debtor's newest entry of ``kind`` about ``invoice`` (the log is read newest
        first, with a filter on the kind)."""
        token = None
        while True:
            page = self.store.query(
                schema.CONTACT_LOG,
                pk=encode(client_id),
                rk_range=prefix_range(schema.contact_prefix(debtor_number)),
                equals={"Kind": kind.value},
                continuation=token,
            )
            for row in page.rows:
                found = self._from_row(row)
                if invoice in found.invoice_numbers:
                    return found
            token = page.continuation
            if not token:
                return None

    def between(self, client_id: str) -> list[ContactEntry]:
        """Every entry of the client (an export reads the partition once; callers filter)."""
        entries = (
            self._from_row(r)
            for r in all_rows(self.store, schema.CONTACT_LOG, pk=encode(client_id))
            if not r.rk.startswith(schema.CONTACT_ONCE)  # an entry's claim, no entry
        )
        return sorted(entries, key=lambda e: e.at)

    @staticmethod
    def _from_row(row: Row) -> ContactEntry:
        d = row.data
        at = d["At"]
        return ContactEntry(
            client_id=decode(row.pk),
            debtor_number=d["DebtorNumber"],
            entry_id=d["EntryId"],
            at=at if isinstance(at, datetime) else datetime.fromisoformat(str(at)),
            kind=ContactKind(d["Kind"]),
            summary=d["Summary"],
            channel=d.get("Channel"),
            invoice_numbers=tuple(get_json_parts(d, "InvoiceNumbers", [])),
            system=bool(d.get("System", False)),
            author=d.get("Author"),
        )


class ActionRepository:
    """The action list. An item and its move of the waiting count are writes to two tables, so
    a worker can die between them: the item's row carries the move it owes (:data:`OWED`)
    until the move is recorded, and whoever finds the row still owing (the redelivery's
    :meth:`add` meeting Conflict, any :meth:`get`) settles it exactly once through
    :meth:`FiguresRepository.settle_waiting_for`. A row without :data:`OWED` (all rows written
    before it existed) owes nothing. The cost: one more write per added or resolved item, the
    row written again without what it owed."""

    def __init__(self, store: TableStore, now: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.now = now
        self.figures = FiguresRepository(store, now)

    @staticmethod
    def to_row(item: ActionItem) -> Row:
        return Row(
            encode(item.client_id),
            item.action_id,
            {
                "Kind": item.kind,
                "Title": item.title,
                "CreatedAt": item.created_at,
                "Status": item.status.value,
                "DebtorNumber": item.debtor_number,
                **put_json_parts("InvoiceNumbers", list(item.invoice_numbers)),
                "Detail": put_json(item.detail),
                "AssignedTo": item.assigned_to,
                "ResolvedAt": item.resolved_at,
                "Resolution": item.resolution,
            },
        )

    @staticmethod
    def from_row(row: Row) -> ActionItem:
        d = row.data
        return ActionItem(
            client_id=decode(row.pk),
            action_id=row.rk,
            kind=d["Kind"],
            title=d["Title"],
            created_at=d["CreatedAt"],
            status=ActionStatus(d["Status"]),
            debtor_number=d.get("DebtorNumber"),
            invoice_numbers=tuple(get_json_parts(d, "InvoiceNumbers", [])),
            detail=get_json(d.get("Detail"), {}),
            assigned_to=d.get("AssignedTo"),
            resolved_at=d.get("ResolvedAt"),
            resolution=d.get("Resolution"),
        )

    def add(self, item: ActionItem) -> None:
        """Conflict when the item is there already: a redelivery, whose first attempt may have
        died before it counted the item; the stored row is settled before Conflict is raised."""
        waiting = item.status is not ActionStatus.RESOLVED  # the Today page's count per kind
        row = self._owing(self.to_row(item), 1) if waiting else self.to_row(item)
        try:
            written = self.store.insert(schema.ACTIONS, row)
        except Conflict:
            try:
                self.get(item.client_id, item.action_id)
            except Exception:  # storage trouble: Conflict stands; the next reader settles it
                log.warning("action %s found written, not settled", item.action_id, exc_info=True)
            raise
        if waiting:
            self._pay(written)

    def add_once(self, item: ActionItem) -> bool:
        """The item under its deterministic id, written by whichever attempt comes first: a
        redelivered handler's second add finds it there (False) and leaves the waiting count
        as the first attempt moved it. Goes through :meth:`add`, so a write that fails
        otherwise fails here as it did there."""
        try:
            self.add(item)
        except Conflict:
            return False
        return True

    def get(self, client_id: str, action_id: str) -> tuple[ActionItem, str | None] | None:
        """The item and its ETag; a row still owing its count's move is settled first, so a
        writer saves over a counted row (and a caller's retry that reads the item resolved and
        stops has its -1 made all the same)."""
        row = self.store.get(schema.ACTIONS, encode(client_id), action_id)
        if row is not None and row.data.get(OWED):
            row = self._settle(row)
        return (self.from_row(row), row.etag) if row else None

    def save(self, item: ActionItem, etag: str) -> None:
        """The item written under the ETag its writer read it with. The stored row says what
        the save does to the waiting count: resolving it -1, reopening a resolved one +1 (was
        none: the Today count stayed one short until "count again", money26), anything else
        nothing (a resolved item saved again with new detail is not uncounted twice). Each
        move owed on the row and recorded as :meth:`add`'s. A move the stored row still owes
        (its writer cut off, and the read that would have settled it failed: review24 N1) is
        recorded before this write drops it; storage failing there fails the save, which its
        caller retries, rather than losing the move."""
        stored = self.store.get(schema.ACTIONS, encode(item.client_id), item.action_id)
        if stored is not None and stored.data.get(OWED):
            self.figures.settle_waiting_for(*self._owed(stored))
        was = stored is not None and stored.data.get("Status") != ActionStatus.RESOLVED.value
        move = int(item.status is not ActionStatus.RESOLVED) - int(was)
        row = self._owing(self.to_row(item), move) if move else self.to_row(item)
        row.etag = etag
        written = self.store.replace(schema.ACTIONS, row)
        if move:
            self._pay(written)

    def _owing(self, row: Row, count: int) -> Row:
        row.data[OWED] = count
        row.data[OWED_AT] = self.now()
        return row

    @staticmethod
    def _owed(row: Row) -> tuple[str, str, int, str, datetime]:
        """The move ``row`` owes, keyed by the row's write: recorded once, whoever records it."""
        owed, since = int(row.data[OWED]), row.data[OWED_AT]
        mark = f"{row.rk}|{owed:+d}|{since.astimezone(UTC):%Y%m%dT%H%M%S%f}"
        return decode(row.pk), row.data["Kind"], owed, mark, since

    def _pay(self, written: Row) -> None:
        """Right after the writer's own write: record its move, then write the row again
        owing nothing, under the ETag of that write (changed since: its next writer read it
        through :meth:`get`, which settled it)."""
        client_id, kind, owed, mark, _ = self._owed(written)
        self.figures.move_waiting_for(client_id, kind, owed, mark)
        self._paid(written)

    def _settle(self, row: Row) -> Row:
        """A row its writer left owing: the move made exactly once, the row paid."""
        try:
            self.figures.settle_waiting_for(*self._owed(row))
        except StorageError:  # the read stands; a later reader settles it
            log.warning("waiting count of action %s not settled", row.rk, exc_info=True)
            return row
        return self._paid(row) or self.store.get(schema.ACTIONS, row.pk, row.rk) or row

    def _paid(self, row: Row) -> Row | None:
        paid = Row(row.pk, row.rk, {k: v for k, v in row.data.items() if k not in (OWED, OWED_AT)},
                   row.etag)  # fmt: skip
        try:
            return self.store.replace(schema.ACTIONS, paid)
        except StorageError:  # changed since, or refused: it stays owing, settled later
            log.info("action %s of %s left owing its count's move", row.rk, row.pk)
            return None

    def amend(self, item: ActionItem, etag: str) -> None:
        """A resolved item's resolution rewritten under the ETag it was read with (how a
        decision was carried out): it was out of the waiting count already and stays out."""
        assert item.status is ActionStatus.RESOLVED
        row = self.to_row(item)
        row.etag = etag
        self.store.replace(schema.ACTIONS, row)

    def resolve_if_open(self, scope: str, action_id: str, resolution: str, at: datetime) -> bool:
        """Resolve the item when it is still waiting, under the ETag it was read with; False
        when it is gone, resolved already, or changed meanwhile (a person's change stands)."""
        found = self.get(scope, action_id)
        if found is None or found[1] is None or found[0].status is ActionStatus.RESOLVED:
            return False
        item, etag = found[0], found[1]
        done = replace(item, status=ActionStatus.RESOLVED, resolved_at=at, resolution=resolution)
        try:
            self.save(done, etag)
        except PreconditionFailed:
            return False
        return True

    def list(
        self,
        client_id: str,
        *,
        status: ActionStatus | None = None,
        page_size: int = 100,
        continuation: str | None = None,
        kind: str | None = None,
    ) -> tuple[list[ActionItem], str | None]:
        equals: dict[str, str] = {"Status": status.value} if status else {}
        if kind:
            equals["Kind"] = kind
        page = self.store.query(
            schema.ACTIONS,
            pk=encode(client_id),
            equals=equals or None,
            page_size=page_size,
            continuation=continuation,
        )
        return [self.from_row(r) for r in page.rows], page.continuation
