"""Bank accounts and statements on Table Storage.

| table           | PartitionKey     | RowKey            | serves                                  |
| AccountOwners   | account (IBAN)   | ``owner``         | whose statement is this file            |
| StatementFiles  | account          | file sha256       | the same file twice books nothing       |
| StatementLines  | account          | line identity     | overlapping statements, line by line    |
| AccountBalances | account          | ``last``          | a missing statement (opening != last)   |
| LearnedIbans    | client id        | payer IBAN        | payer -> debtors, from confirmed matches |
| PaymentRefs     | client id        | end-to-end id     | a returned payment finds its original   |
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from shared.adapters.tables.codec import get_date, get_json, put_date, put_json
from shared.adapters.tables.keys import encode
from shared.adapters.tables.match_index_repo import MATCH_INDEX
from shared.ports.tables import (
    MAX_BATCH,
    Conflict,
    Op,
    OpKind,
    PreconditionFailed,
    Row,
    StorageError,
    TableStore,
    all_rows,
)

ACCOUNT_OWNERS = "AccountOwners"
STATEMENT_FILES = "StatementFiles"
STATEMENT_LINES = "StatementLines"
ACCOUNT_BALANCES = "AccountBalances"
LEARNED_IBANS = "LearnedIbans"
PAYMENT_REFS = "PaymentRefs"
TABLES = (
    MATCH_INDEX,
    ACCOUNT_OWNERS,
    STATEMENT_FILES,
    STATEMENT_LINES,
    ACCOUNT_BALANCES,
    LEARNED_IBANS,
    PAYMENT_REFS,
)


@dataclass(frozen=True)
class AccountOwner:
    account: str
    agency_id: str
    client_id: str | None  # None: the agency's third-party funds account


@dataclass(frozen=True)
class LineRecord:
    line_id: str
    status: str  # pending | booking | booked | suggested | unmatched | returned | debit
    client_id: str | None = None
    payment_id: str | None = None
    etag: str | None = None
    action_id: str | None = None  # the action item this line gets, fixed at its first claim
    invoices: tuple[str, ...] = ()  # the designation of a booking under way


class BankingRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    # -- owners ------------------------------------------------------------------------------
    def owner(self, account: str) -> AccountOwner | None:
        row = self.store.get(ACCOUNT_OWNERS, encode(account), "owner")
        if row is None:
            return None
        return AccountOwner(account, row.data["AgencyId"], row.data.get("ClientId"))

    def claim_account(self, owner: AccountOwner) -> AccountOwner:
        """Register an account; returns the existing owner when somebody else has it."""
        row = Row(
            encode(owner.account),
            "owner",
            {"AgencyId": owner.agency_id, "ClientId": owner.client_id},
        )
        try:
            self.store.insert(ACCOUNT_OWNERS, row)
        except Conflict:
            existing = self.owner(owner.account)
            assert existing is not None
            return existing
        return owner

    # -- files and lines ---------------------------------------------------------------------
    def file_done(self, account: str, sha: str) -> bool:
        row = self.store.get(STATEMENT_FILES, encode(account), sha)
        return row is not None and row.data.get("Status") == "done"

    def mark_file(self, account: str, sha: str, name: str, status: str, lines: int) -> None:
        self.store.upsert(
            STATEMENT_FILES,
            Row(encode(account), sha, {"Name": name, "Status": status, "Lines": lines}),
        )

    def statement_done(self, account: str, identity: str) -> bool:
        row = self.store.get(STATEMENT_FILES, encode(account), f"stmt-{identity}")
        return row is not None and row.data.get("Status") == "done"

    def mark_statement(self, account: str, identity: str, name: str, lines: int) -> None:
        self.store.upsert(
            STATEMENT_FILES,
            Row(
                encode(account),
                f"stmt-{identity}",
                {"Name": name, "Status": "done", "Lines": lines},
            ),
        )

    def line(self, account: str, line_id: str) -> LineRecord | None:
        row = self.store.get(STATEMENT_LINES, encode(account), line_id)
        if row is None:
            return None
        d = row.data
        return LineRecord(
            line_id,
            d["Status"],
            d.get("ClientId"),
            d.get("PaymentId"),
            row.etag,
            d.get("ActionId"),
            tuple(get_json(d.get("Invoices"), [])),
        )

    def claim_line(
        self, account: str, line_id: str, amount: int, booked_on: date, action_id: str
    ) -> LineRecord | None:
        """The line's record, created as ``pending`` when new. ``None`` if it was settled;
        the record as it stands when an earlier attempt stopped half-way (``pending`` or
        ``booking``): the caller finishes what that attempt started."""
        row = Row(
            encode(account),
            line_id,
            {
                "Status": "pending",
                "Amount": amount,
                "Date": put_date(booked_on),
                "ActionId": action_id,
            },
        )
        try:
            stored = self.store.insert(STATEMENT_LINES, row)
            return LineRecord(line_id, "pending", etag=stored.etag, action_id=action_id)
        except Conflict:
            existing = self.line(account, line_id)
            if existing is not None and existing.status in ("pending", "booking"):
                return existing
            return None

    def intend_booking(
        self,
        account: str,
        record: LineRecord,
        *,
        client_id: str,
        payment_id: str,
        invoices: list[str],
        amount: int,
        booked_on: date,
    ) -> LineRecord | None:
        """Write down the booking before making it: a retry after a crash books the same
        payment on the same invoices instead of matching the line afresh (when the first
        booking already took the invoice, afresh would point at another one).

        Guarded by the ETag the record was read with: when another delivery of the file wrote
        the line down first, its record is returned (the caller follows that designation, so
        two deliveries never book one payment on different invoices); None when this one's
        was written."""
        data = {
            "Status": "booking",
            "Amount": amount,
            "Date": put_date(booked_on),
            "ActionId": record.action_id,
            "ClientId": client_id,
            "PaymentId": payment_id,
            "Invoices": put_json(invoices),
        }
        row = Row(encode(account), record.line_id, data, etag=record.etag)
        if record.etag is None:
            self.store.upsert(STATEMENT_LINES, row)
            return None
        try:
            self.store.replace(STATEMENT_LINES, row)
        except PreconditionFailed:
            return self.line(account, record.line_id) or replace(record, status="gone")
        return None

    def settle_line(
        self,
        account: str,
        record: LineRecord,
        status: str,
        *,
        client_id: str | None,
        payment_id: str | None,
        amount: int | None = None,
        booked_on: date | None = None,
    ) -> None:
        if amount is not None and booked_on is not None:  # the whole row known: one write
            data: dict[str, object] = {
                "Amount": amount,
                "Date": put_date(booked_on),
                "ActionId": record.action_id,
                "Invoices": put_json(list(record.invoices)),
            }
        else:
            row = self.store.get(STATEMENT_LINES, encode(account), record.line_id)
            data = dict(row.data) if row else {}
        data.update({"Status": status, "ClientId": client_id, "PaymentId": payment_id})
        self.store.upsert(STATEMENT_LINES, Row(encode(account), record.line_id, data))

    # -- a window of lines at once (one entity-group transaction each) -----------------------
    def claim_lines(
        self, account: str, lines: list[tuple[str, int, date, str]]
    ) -> list[LineRecord] | None:
        """Claim every line of a window as ``pending`` in one transaction: (line id, amount,
        booking date, action id) each. ``None`` when any of them was claimed before (a
        redelivery, an overlapping statement, a concurrent delivery): nothing is claimed,
        and the caller takes those lines one at a time (:meth:`claim_line`)."""
        if not lines or len(lines) > MAX_BATCH:
            raise ValueError(f"a window claims 1 to {MAX_BATCH} lines")
        pk = encode(account)
        ops = [
            Op(
                OpKind.INSERT,
                Row(
                    pk,
                    line_id,
                    {
                        "Status": "pending",
                        "Amount": amount,
                        "Date": put_date(on),
                        "ActionId": action_id,
                    },
                ),
            )
            for line_id, amount, on, action_id in lines
        ]
        try:
            etags = self.store.transact(STATEMENT_LINES, ops)
        except StorageError:
            return None
        return [
            LineRecord(line_id, "pending", etag=etag, action_id=action_id)
            for (line_id, _, _, action_id), etag in zip(lines, etags, strict=True)
        ]

    def intend_bookings(
        self, account: str, bookings: list[tuple[LineRecord, dict[str, object]]]
    ) -> bool:
        """Write down the bookings a window is about to make (:meth:`intend_booking` for many
        lines), each guarded by the ETag of its claim: False, and nothing written, when any
        line changed since (another delivery works on it; the caller leaves the window's
        bookings to the one-line path, which follows what is written down)."""
        if not bookings:
            return True
        pk = encode(account)
        ops = []
        for record, fields in bookings:
            data = {
                "Status": "booking",
                "ActionId": record.action_id,
                **fields,
            }
            if "Invoices" in data:
                data["Invoices"] = put_json(list(data["Invoices"]))  # type: ignore[call-overload]
            if "Date" in data:
                data["Date"] = put_date(data["Date"])  # type: ignore[arg-type]
            ops.append(Op(OpKind.REPLACE, Row(pk, record.line_id, data, etag=record.etag)))
        try:
            for start in range(0, len(ops), MAX_BATCH):
                self.store.transact(STATEMENT_LINES, ops[start : start + MAX_BATCH])
        except StorageError:
            return False
        return True

    def settle_lines(
        self, account: str, settled: list[tuple[LineRecord, str, dict[str, object]]]
    ) -> None:
        """Settle a window's lines (status and what was booked) in transactions."""
        pk = encode(account)
        ops = []
        for record, status, fields in settled:
            data: dict[str, object] = {
                "Status": status,
                "ActionId": record.action_id,
                "Invoices": put_json(list(record.invoices)),
                **fields,
            }
            if "Date" in data:
                data["Date"] = put_date(data["Date"])  # type: ignore[arg-type]
            ops.append(Op(OpKind.UPSERT, Row(pk, record.line_id, data)))
        for start in range(0, len(ops), MAX_BATCH):
            self.store.transact(STATEMENT_LINES, ops[start : start + MAX_BATCH])

    def learn_ibans(self, client_id: str, known: dict[str, set[str]]) -> None:
        """Write payer accounts with their debtors (what was read plus what was learned),
        in transactions: a window's :meth:`learn_iban` at once."""
        pk = encode(client_id)
        ops = [
            Op(OpKind.UPSERT, Row(pk, encode(iban), {"Debtors": put_json(sorted(debtors))}))
            for iban, debtors in sorted(known.items())
        ]
        for start in range(0, len(ops), MAX_BATCH):
            self.store.transact(LEARNED_IBANS, ops[start : start + MAX_BATCH])

    def remember_payments(self, client_id: str, references: dict[str, str]) -> None:
        """:meth:`remember_payment` for many payments, in transactions."""
        pk = encode(client_id)
        ops = [
            Op(OpKind.UPSERT, Row(pk, encode(ref), {"PaymentId": pid}))
            for ref, pid in sorted(references.items())
        ]
        for start in range(0, len(ops), MAX_BATCH):
            self.store.transact(PAYMENT_REFS, ops[start : start + MAX_BATCH])

    # -- balances ----------------------------------------------------------------------------
    def last_closing(self, account: str) -> tuple[int, date] | None:
        row = self.store.get(ACCOUNT_BALANCES, encode(account), "last")
        if row is None:
            return None
        on = get_date(row.data["On"])
        assert on is not None
        return int(row.data["Closing"]), on

    def record_closing(self, account: str, closing: int, on: date) -> None:
        last = self.last_closing(account)
        if last is None or on >= last[1]:
            self.store.upsert(
                ACCOUNT_BALANCES,
                Row(encode(account), "last", {"Closing": closing, "On": put_date(on)}),
            )

    # -- learned payer accounts --------------------------------------------------------------
    def learned_ibans(self, client_id: str) -> dict[str, set[str]]:
        return {
            row.rk: set(get_json(row.data.get("Debtors"), []))
            for row in all_rows(self.store, LEARNED_IBANS, pk=encode(client_id))
        }

    def debtors_for_iban(self, client_id: str, iban: str) -> set[str]:
        """The debtors who paid from this account before: one point read."""
        key = iban.replace(" ", "").upper()
        row = self.store.get(LEARNED_IBANS, encode(client_id), encode(key))
        return set(get_json(row.data.get("Debtors"), [])) if row else set()

    def learn_iban(self, client_id: str, iban: str, debtor: str) -> None:
        key = iban.replace(" ", "").upper()
        row = self.store.get(LEARNED_IBANS, encode(client_id), encode(key))
        debtors = set(get_json(row.data.get("Debtors"), [])) if row else set()
        if debtor in debtors:
            return
        debtors.add(debtor)
        self.store.upsert(
            LEARNED_IBANS,
            Row(encode(client_id), encode(key), {"Debtors": put_json(sorted(debtors))}),
        )

    # -- payment references ------------------------------------------------------------------
    def remember_payment(self, client_id: str, reference: str, payment_id: str) -> None:
        self.store.upsert(
            PAYMENT_REFS, Row(encode(client_id), encode(reference), {"PaymentId": payment_id})
        )

    def payment_for(self, client_id: str, reference: str) -> str | None:
        row = self.store.get(PAYMENT_REFS, encode(client_id), encode(reference))
        return str(row.data["PaymentId"]) if row else None
