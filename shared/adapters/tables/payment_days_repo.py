"""The payments of a client by booking day, newest first: the console's "payments per day".

One partition per client in ``PaymentsByDay``; a row per payment, keyed so that Table Storage's
ascending key order is the page's order (newest day first, then the payment id)::

    | RowKey                          | holds                                        |
    | ``<99999999 - yyyymmdd>|<id>``  | the payment's day, debtor, amount, source,   |
    |                                 | reversed                                     |
    | ``~built``                      | the client's older payments have been copied |

A page of days is then one bounded range read from where the last page stopped, whatever the
number of payments the client has (the payments table itself is keyed by payment id, so the
days were a read of the whole partition).

The row is written by :class:`shared.adapters.tables.records_repo.PaymentRepository` right after
the payment row, as an upsert of the payment's whole state (a redelivery writes the same row;
a reversal rewrites it as reversed). A crash between the two writes is repaired by the booking's
redelivery (:meth:`PaymentDayIndex.repair`). Payments booked before the index existed are copied
once, on the first read (:meth:`PaymentDayIndex.ensure_built`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from shared.adapters.tables.codec import need_date, put_date
from shared.adapters.tables.keys import encode
from shared.domain.records import Payment, PaymentSource
from shared.ports.tables import (
    MAX_BATCH,
    Conflict,
    Op,
    OpKind,
    Row,
    StorageError,
    TableStore,
    TransactionFailed,
    all_rows,
)

PAYMENTS_BY_DAY = "PaymentsByDay"
TABLES = (PAYMENTS_BY_DAY,)
BUILT = "~built"  # sorts after every day key: a range of days never reads it
READ_PAGE = 200  # rows a storage page brings: a page of days over-reads less than one of these
_KEY = re.compile(r"^\d{8}\|.+$")


def day_key(day: date) -> str:
    """Eight digits that sort the newer day first."""
    return f"{99_999_999 - int(day.strftime('%Y%m%d')):08d}"


def row_key(payment: Payment) -> str:
    return f"{day_key(payment.received_on)}|{payment.payment_id}"


@dataclass(frozen=True)
class DayEntry:
    """A payment as the day list shows it."""

    payment_id: str
    day: date
    debtor_number: str | None
    amount: int
    source: PaymentSource
    reversed: bool


@dataclass(frozen=True)
class DayPage:
    """Payments in day order (newest first) and the key the next page starts at (None: the
    last page)."""

    entries: list[DayEntry]
    next: str | None


def _row(payment: Payment) -> Row:
    return Row(
        encode(payment.client_id),
        row_key(payment),
        {
            "PaymentId": payment.payment_id,
            "Day": put_date(payment.received_on),
            "DebtorNumber": payment.debtor_number,
            "Amount": payment.amount,
            "Source": payment.source.value,
            "Reversed": payment.reversed,
        },
    )


def _entry(row: Row) -> DayEntry:
    d = row.data
    return DayEntry(
        payment_id=str(d["PaymentId"]),
        day=need_date(d["Day"]),
        debtor_number=d.get("DebtorNumber"),
        amount=int(d["Amount"]),
        source=PaymentSource(d["Source"]),
        reversed=bool(d.get("Reversed", False)),
    )


def valid_start(token: str | None) -> str | None:
    """A page token is a row key of this table (what :meth:`PaymentDayIndex.page` returned);
    anything else starts from the first page."""
    return token if token and _KEY.match(token) else None


class PaymentDayIndex:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    # -- writing -------------------------------------------------------------------------------
    def put(self, payment: Payment, before: Payment | None = None) -> None:
        """The payment's row as it is now (idempotent); a payment whose day changed leaves its
        old day."""
        self.store.upsert(PAYMENTS_BY_DAY, _row(payment))
        if before is not None and before.received_on != payment.received_on:
            try:
                self.store.delete(PAYMENTS_BY_DAY, encode(payment.client_id), row_key(before))
            except StorageError:  # gone already (a redelivery)
                pass

    def put_new(self, client_id: str, payments: list[Payment]) -> None:
        """Rows for payments just booked together (a statement window: one client), in
        transactions; upserts, so a redelivery writes the same rows again."""
        ops = [Op(OpKind.UPSERT, _row(p)) for p in payments if p.client_id == client_id]
        for start in range(0, len(ops), MAX_BATCH):
            self.store.transact(PAYMENTS_BY_DAY, ops[start : start + MAX_BATCH])

    def repair(self, payment: Payment) -> None:
        """A redelivered booking: write the row a crash may have left out. A booked payment's
        row is only added when missing (never overwriting a reversal written meanwhile); a
        reversed one is final and written as such."""
        if payment.reversed:
            self.store.upsert(PAYMENTS_BY_DAY, _row(payment))
            return
        try:
            self.store.insert(PAYMENTS_BY_DAY, _row(payment))
        except Conflict:
            return

    def ensure_built(self, client_id: str, payments: Callable[[], Iterable[Payment]]) -> None:
        """Copy a client's payments booked before the index existed, once (``payments`` is
        called only when the client has not been copied yet). A row already there was written
        by a booking or a reversal and is newer than the copy: only missing rows are added."""
        pk = encode(client_id)
        if self.store.get(PAYMENTS_BY_DAY, pk, BUILT) is not None:
            return
        have = {r.rk for r in all_rows(self.store, PAYMENTS_BY_DAY, pk=pk, rk_range=("0", BUILT))}
        missing = [_row(p) for p in payments() if row_key(p) not in have]
        for start in range(0, len(missing), MAX_BATCH):
            part = missing[start : start + MAX_BATCH]
            try:
                self.store.transact(PAYMENTS_BY_DAY, [Op(OpKind.INSERT, r) for r in part])
            except TransactionFailed:  # a booking wrote one of them meanwhile: row by row
                for row in part:
                    try:
                        self.store.insert(PAYMENTS_BY_DAY, row)
                    except Conflict:
                        continue
        self.store.upsert(PAYMENTS_BY_DAY, Row(pk, BUILT, {"Built": True}))

    # -- reading -------------------------------------------------------------------------------
    def page(
        self, client_id: str, *, days: int, max_payments: int, start: str | None = None
    ) -> DayPage:
        """The payments of up to ``days`` days from ``start`` on (a row key; None: the newest),
        at most ``max_payments`` of them (a very busy day continues on the next page). One range
        read, in pages of the storage's size, that stops as soon as the page is full."""
        low = valid_start(start) or "0"
        rows = all_rows(
            self.store,
            PAYMENTS_BY_DAY,
            pk=encode(client_id),
            rk_range=(low, BUILT),
            page_size=min(READ_PAGE, max_payments + 1),
        )
        entries: list[DayEntry] = []
        seen_days: set[str] = set()
        for row in rows:
            day = row.rk.split("|", 1)[0]
            if len(entries) == max_payments or (day not in seen_days and len(seen_days) == days):
                return DayPage(entries, row.rk)
            seen_days.add(day)
            entries.append(_entry(row))
        return DayPage(entries, None)
