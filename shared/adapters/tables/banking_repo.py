"""Bank accounts and statements on Table Storage.

| table           | PartitionKey     | RowKey            | serves                                  |
| AccountOwners   | account (IBAN)   | ``owner``         | whose statement is this file            |
| StatementFiles  | account          | file sha256       | the same file twice books nothing       |
|                 |                  | ``stmt-<id>``     | marks written before they moved (below) |
| StatementLines  | account          | line identity     | overlapping statements, line by line    |
|                 |                  | ``stmt-<id>``     | the statement booked whole (its mark)   |
|                 |                  | ``~closing``      | a missing statement (opening != last)   |
| AccountBalances | account          | ``last``          | a closing written before it moved       |
| LearnedIbans    | client id        | IBAN ``|`` debtor | payer -> debtors, from booked payments   |
|                 |                  | ... ``|said``     | a debtor's own IBAN, as the client said  |
| PaymentRefs     | client id        | end-to-end id     | a returned payment finds its original   |
|                 |                  | ``~payer:<iban>`` | ... one quoting no end-to-end id        |
|                 |                  | ``~return:<line>``| the payment a return by payer undid     |
|                 | ``~return:<line>``| ``choice``       | the one payment that return undoes      |
|                 |                  | ``sent-back``     | the unbooked credit it sent back        |
| LineClaims      | client id        | account ``|`` line| a person's claim of a line, until booked |

A person's confirm claims a statement line for one client before it books (``Booking`` on the
line); the claim is noted under that client as well (``LineClaims``), written before the line's
claim and deleted once the line is booked or released, so the client's daily run finds the
claims whose confirm stopped by reading its own partition, not every open bank item of the
agency (failure12b E). A note whose line is not (or no longer) claimed for the client is only
a note: the sweep reads the line, finds it so and deletes the note.

A statement's mark and the account's closing balance are rows of its lines' partition, so that
they are written in the transaction that settles the statement's last lines (one write a
statement, and never before its lines). Those written before they moved are still read where
they were: a mark only for a statement whose lines were claimed already, a balance until the
account's next statement writes it. The balance names the marks of the statements of its day
(``Marks``): a statement closing after it, or on its day without its mark among them, was
never marked, and its mark is not read (:meth:`BankingRepository.closing_row`).

A payer's account learned for a debtor is a row of its own (``<iban>|<debtor>``): learning is
one upsert, never a read-modify-write, so two deliveries (or a delivery and staff confirming a
suggestion) learning at once never lose each other's debtor, and a redelivery writes the same
row again. The debtors of an account are one small range read. Rows of the earlier form (one
row per account, ``<iban>``, its debtors as JSON) are read as well. Every learning also
keeps the partition's digest of learned accounts (``~payers``, :mod:`payer_digest`) in the
same transaction, under its ETag: a statement window reads it once and reads the debtors
only of accounts that may be known.

An account a client only *said* is its debtor's (``Debtor.ibans``, imported or pushed) is a row
of its own beside the paid one (``<iban>|<debtor>|said``): the client's word counts on its own
account, never on the agency's pooled one (attack9 F1), so the two are never one row that a
later write could turn from one into the other.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import NamedTuple

from shared.adapters.tables import payer_digest
from shared.adapters.tables.codec import get_date, get_json, put_date, put_json
from shared.adapters.tables.keys import SEPARATOR, decode, encode
from shared.adapters.tables.match_index_repo import MATCH_INDEX
from shared.domain.records import Receiver
from shared.domain.scopes import agency_scope
from shared.domain.statements.model import StatementLine, Where
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
    Value,
    all_rows,
    prefix_range,
)

log = logging.getLogger("inning.statements")
LEARN_RETRIES = 8  # a learning whose digest write loses a race reads it again
BACK_OFF_SECONDS = 0.004  # the most a retry waits, times its attempt (random: not lockstep)
ACCOUNT_OWNERS = "AccountOwners"
STATEMENT_FILES = "StatementFiles"
STATEMENT_LINES = "StatementLines"
ACCOUNT_BALANCES = "AccountBalances"
LEARNED_IBANS = "LearnedIbans"
PAYMENT_REFS = "PaymentRefs"
LINE_CLAIMS = "LineClaims"
TABLES = (
    MATCH_INDEX,
    ACCOUNT_OWNERS,
    STATEMENT_FILES,
    STATEMENT_LINES,
    ACCOUNT_BALANCES,
    LEARNED_IBANS,
    PAYMENT_REFS,
    LINE_CLAIMS,
)


@dataclass(frozen=True)
class AccountOwner:
    account: str
    agency_id: str
    client_id: str | None  # None: the agency's third-party funds account

    @property
    def received_by(self) -> Receiver:
        """Where the money of this account's credits is: on the agency's third-party account
        (claimed for no client), or with the client itself (one of its own accounts, whoever
        uploaded its statement): settlement pays out only the first (attack7 #1)."""
        return Receiver.CLIENT if self.client_id else Receiver.THIRD_PARTY

    @property
    def action_list(self) -> str:
        """The list a line of this account that no client's invoice claims goes on: the
        client's for its own account; the agency's for its pooled account, whatever clients
        it serves (an unmatched return or a batch credit there is the agency's money to tie,
        and one client's list would show it another client's debtor: pooled11)."""
        return self.client_id or agency_scope(self.agency_id)


@dataclass(frozen=True)
class LineRecord:
    line_id: str
    status: str  # pending | booking | booked | suggested | unmatched | returned | debit | sent_back
    client_id: str | None = None
    payment_id: str | None = None
    etag: str | None = None
    action_id: str | None = None  # the action item this line gets, fixed at its first claim
    invoices: tuple[str, ...] = ()  # the designation of a booking under way
    # when a statement window wrote the booking down: its side effects (contact log entry,
    # overpayment item) are keyed by this time and the payment, so a redelivery that finds
    # the window's payment redoes them without doubling (statements_redo)
    booked_at: datetime | None = None
    # where the line sits: ``<statement identity>:<index>``, and the account's balance just
    # before it as that statement tells it (model.balances_before): an identical transfer in
    # another statement is told apart from this one by them (None on rows written before)
    place: str | None = None
    before: int | None = None
    span: tuple[int, int] | None = None  # the statement's stretch (model.span_of)
    number: str | None = None  # the statement's number (model.statement_number)
    # when a person's confirm claimed the line (:meth:`claim_for_booking`): a claim still
    # ``booking`` long after is one whose confirm stopped, finished by the daily run
    claimed_at: datetime | None = None
    # a credit not booked that the bank sent back (status ``sent_back``): the return's line
    returned_by: str | None = None
    # the debtor's designation among ``invoices`` the booking under way was decided with
    # (6:43 lid 1): a redelivery stores it on the payment as the first run would have, not
    # read again from claims that may hold the money already (None: not written down)
    designated: tuple[str, ...] | None = None

    @property
    def where(self) -> Where:
        return Where(self.place, self.before, self.span, self.number)

    def kept(self) -> dict[str, object]:
        """The fields every write of the line keeps (a whole-row replace would drop them)."""
        out: dict[str, object] = {}
        if self.place is not None:
            out["Place"] = self.place
        if self.before is not None:
            out["Before"] = self.before
        if self.span is not None:
            out["SpanStart"], out["SpanEnd"] = self.span
        if self.number is not None:
            out["Number"] = self.number
        return out


@dataclass(frozen=True)
class ClaimNote:
    """A person's claim of a statement line for a client, noted under that client: the
    line, and the action item it was confirmed on (its list and id)."""

    account: str
    line_id: str
    scope: str
    action_id: str
    # when it was noted: a note written just before its line's claim is not yet a claim
    noted_at: datetime


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

    def assign_account(self, owner: AccountOwner, was: AccountOwner | None) -> AccountOwner:
        """The agency's decision: ``owner`` holds the account from now on, in place of
        ``was`` as read (None: nobody). Raises ``StorageError`` when the owner changed since
        it was read (the caller reads again)."""
        data = {"AgencyId": owner.agency_id, "ClientId": owner.client_id}
        if was is None:
            self.store.insert(ACCOUNT_OWNERS, Row(encode(owner.account), "owner", data))
            return owner
        row = self.store.get(ACCOUNT_OWNERS, encode(owner.account), "owner")
        current = None if row is None else (row.data["AgencyId"], row.data.get("ClientId"))
        if row is None or current != (was.agency_id, was.client_id):
            raise PreconditionFailed(f"the owner of {owner.account} changed")
        self.store.replace(ACCOUNT_OWNERS, Row(row.pk, row.rk, data, row.etag))
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
        """Whether the statement was booked whole (its mark, in its lines' partition)."""
        return self.statement_done_by(account, identity) is not None

    def statement_done_by(self, account: str, identity: str) -> str | None:
        """The name of the file whose statement was marked booked whole under ``identity``
        (``""`` when the mark names none); None: not marked."""
        row = self.store.get(STATEMENT_LINES, encode(account), _statement_rk(identity))
        if row is None or row.data.get("Status") != "done":
            return None
        return str(row.data.get("Name") or "")

    def statement_done_before(self, account: str, identity: str) -> bool:
        """Whether the statement was marked done where marks were kept before they moved to
        the lines' partition (``StatementFiles``): asked only when the statement's lines were
        claimed before (a statement sent again), so that one booked before the move is still
        reported skipped. Its lines are each claimed once whatever the answer."""
        row = self.store.get(STATEMENT_FILES, encode(account), _statement_rk(identity))
        return row is not None and row.data.get("Status") == "done"

    @staticmethod
    def statement_mark(
        account: str, identity: str, name: str, lines: int, closing: tuple[int, date] | None = None
    ) -> Row:
        """The statement's mark: booked whole. A row of its lines' partition (its key is no
        line's: those are hex digests), so that it can be written in the same transaction as
        the last of its lines settled (:meth:`settle_lines`)."""
        data: dict[str, object] = {"Name": name, "Status": "done", "Lines": lines}
        if closing is not None:  # what it closed at (:meth:`marked_closing`)
            data |= {"Closing": closing[0], "ClosingOn": put_date(closing[1])}
        return Row(encode(account), _statement_rk(identity), data)

    def marked_closing(self, account: str, amount: int, after: date, until: date) -> bool:
        """Whether a statement booked whole closed at ``amount`` on a day after ``after`` and
        by ``until``: asked only when a statement's opening differs from the account's last
        closing balance, before it is told a statement may be missing. Two files of one
        account booked at once each write their closing over the one they read (day 1's may
        land after day 2's: the last closing then is day 1's, failure18 F2), so the gap is
        looked for among the marks, which keep their statement's own closing. Marks written
        before they kept it are not found (told as before). Read in code, not filtered by
        the service: a balance is an Int64 the marks' range holds few of."""
        token = None
        while True:
            page = self.store.query(
                STATEMENT_LINES,
                pk=encode(account),
                rk_range=prefix_range(_statement_rk("")),
                continuation=token,
            )
            for row in page.rows:
                on = get_date(row.data.get("ClosingOn"))
                if row.data.get("Closing") == amount and on is not None and after < on <= until:
                    return True
            token = page.continuation
            if not token:
                return False

    def write_marks(self, rows: list[Row]) -> None:
        """Rows of an account's lines' partition (a statement's mark, its closing balance)
        in one transaction, when they could not join the settlement of its last lines."""
        self.store.transact(STATEMENT_LINES, [Op(OpKind.UPSERT, r) for r in rows])

    def line_outcomes(self, account: str, identity: str, line_ids: Sequence[str]) -> list[str]:
        """The status each line of the statement ``identity`` was settled with (its rows
        whose place is the statement's, one read): what a file that booked it reported."""
        rows = self.store.get_many(STATEMENT_LINES, encode(account), list(dict.fromkeys(line_ids)))
        place = f"{identity}:"  # a line's place: its statement's identity and its index
        return [str(r.data.get("Status")) for r in rows.values()
                if str(r.data.get("Place") or "").startswith(place)]  # fmt: skip

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
            _get_time(d.get("BookedAt")),
            d.get("Place"),
            d.get("Before"),
            _span(d),
            _number(d),
            _get_time(d.get("ClaimedAt")),
            d.get("ReturnedBy"),
            _designated(d),
        )

    def claim_line(
        self,
        account: str,
        line_id: str,
        amount: int,
        booked_on: date,
        action_id: str,
        where: Where | None = None,
    ) -> LineRecord | None:
        """The line's record, created as ``pending`` when new. ``None`` if it was settled;
        the record as it stands when an earlier attempt stopped half-way (``pending`` or
        ``booking``): the caller finishes what that attempt started."""
        record, fresh = self.claim_line_or_find(
            account, line_id, amount, booked_on, action_id, where
        )
        if fresh or (record is not None and record.status in ("pending", "booking")):
            return record
        return None

    def claim_line_or_find(
        self,
        account: str,
        line_id: str,
        amount: int,
        booked_on: date,
        action_id: str,
        where: Where | None = None,
    ) -> tuple[LineRecord | None, bool]:
        """The line claimed as ``pending`` (True), or the record already under its id as it
        stands (False): the caller tells by its place whether that is this line."""
        mine = _pending(line_id, action_id, where)
        row = Row(
            encode(account),
            line_id,
            {
                "Status": "pending",
                "Amount": amount,
                "Date": put_date(booked_on),
                "ActionId": action_id,
                **mine.kept(),
            },
        )
        try:
            stored = self.store.insert(STATEMENT_LINES, row)
            return replace(mine, etag=stored.etag), True
        except Conflict:
            return self.line(account, line_id), False

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
        """:meth:`write_intent`: None when this one's was written, else the record that won."""
        written, mine = self.write_intent(
            account, record, client_id=client_id, payment_id=payment_id, invoices=invoices,
            amount=amount, booked_on=booked_on,
        )  # fmt: skip
        return None if mine else written

    def write_intent(
        self,
        account: str,
        record: LineRecord,
        *,
        client_id: str,
        payment_id: str,
        invoices: list[str],
        amount: int,
        booked_on: date,
        claimed_at: datetime | None = None,
        designated: list[str] | None = None,
    ) -> tuple[LineRecord, bool]:
        """Write down the booking before making it: a retry after a crash books the same
        payment on the same invoices instead of matching the line afresh (when the first
        booking already took the invoice, afresh would point at another one).

        Guarded by the ETag the record was read with: when another delivery of the file wrote
        the line down first, its record is returned with False (the caller follows that
        designation, so two deliveries never book one payment on different invoices); this
        one's record as written (with its new ETag, for the settlement) and True otherwise."""
        data = {
            "Status": "booking",
            "Amount": amount,
            "Date": put_date(booked_on),
            "ActionId": record.action_id,
            "ClientId": client_id,
            "PaymentId": payment_id,
            "Invoices": put_json(invoices),
            **record.kept(),
        }
        if claimed_at is not None:
            data["ClaimedAt"] = _put_time(claimed_at)
        if designated is not None:
            data["Designated"] = _put_designated(designated)
        row = Row(encode(account), record.line_id, data, etag=record.etag)
        mine = replace(
            record, status="booking", client_id=client_id, payment_id=payment_id,
            invoices=tuple(invoices), claimed_at=claimed_at,
            designated=None if designated is None else tuple(designated),
        )  # fmt: skip
        if record.etag is None:
            return replace(mine, etag=self.store.upsert(STATEMENT_LINES, row).etag), True
        try:
            stored = self.store.replace(STATEMENT_LINES, row)
        except PreconditionFailed:
            return self.line(account, record.line_id) or replace(record, status="gone"), False
        return replace(mine, etag=stored.etag), True

    def claim_for_booking(
        self,
        account: str,
        line_id: str,
        record: LineRecord | None,
        *,
        client_id: str,
        payment_id: str,
        invoices: list[str],
        amount: int,
        booked_on: date,
        claimed_at: datetime | None = None,
        note: ClaimNote | None = None,
        designated: list[str] | None = None,
    ) -> tuple[LineRecord | None, bool]:
        """A person's booking of the line (staff confirming its action item) written down
        before it is made, as :meth:`write_intent`, conditionally: under the ETag ``record``
        was read with, or as a new row when there was none (``record`` None). True: the line
        is this booking's; False: another writer got there first, and its record is returned
        as it stands now (None when the row is gone), for the caller to judge. Two confirms of
        one pooled-account line naming different clients thus never both book it (failure11
        F3): the payment ids are per client, so only the line can tell them apart.
        ``claimed_at``: when, for the sweep of claims whose confirm stopped (failure12 F1);
        ``note``: the claim noted under the client first (:meth:`note_claim`), where that
        sweep finds it; ``designated``: the debtor's designation among ``invoices`` the
        confirm decided before booking, written down with it (:attr:`LineRecord.designated`)
        for whoever finishes the booking."""
        if note is not None:
            self.note_claim(client_id, note)
        if record is not None and record.etag is not None:
            written, mine = self.write_intent(
                account, record, client_id=client_id, payment_id=payment_id,
                invoices=invoices, amount=amount, booked_on=booked_on, claimed_at=claimed_at,
                designated=designated,
            )  # fmt: skip
            return (None if written.status == "gone" else written), mine
        data: dict[str, object] = {
            "Status": "booking",
            "Amount": amount,
            "Date": put_date(booked_on),
            "ClientId": client_id,
            "PaymentId": payment_id,
            "Invoices": put_json(invoices),
        }
        if claimed_at is not None:
            data["ClaimedAt"] = _put_time(claimed_at)
        if designated is not None:
            data["Designated"] = _put_designated(designated)
        try:
            stored = self.store.insert(STATEMENT_LINES, Row(encode(account), line_id, data))
        except Conflict:
            return self.line(account, line_id), False
        claimed = LineRecord(
            line_id, "booking", client_id, payment_id, stored.etag, invoices=tuple(invoices),
            claimed_at=claimed_at, designated=None if designated is None else tuple(designated),
        )  # fmt: skip
        return claimed, True

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
    ) -> bool:
        """Settle the line, guarded by the ETag its record was read (or written) with: False,
        and nothing written, when another writer changed the line since (another delivery
        wrote a booking down, or settled it): the caller's outcome is not the line's."""
        etag = record.etag
        if amount is not None and booked_on is not None:  # the whole row known: one write
            data: dict[str, object] = {
                "Amount": amount,
                "Date": put_date(booked_on),
                "ActionId": record.action_id,
                "Invoices": put_json(list(record.invoices)),
                **record.kept(),
            }
            if record.booked_at is not None:
                data["BookedAt"] = _put_time(record.booked_at)
        else:
            row = self.store.get(STATEMENT_LINES, encode(account), record.line_id)
            data = dict(row.data) if row else {}
            etag = etag or (row.etag if row else None)
        data.update({"Status": status, "ClientId": client_id, "PaymentId": payment_id})
        row_ = Row(encode(account), record.line_id, data, etag=etag)
        if etag is None:
            self.store.upsert(STATEMENT_LINES, row_)
            return True
        try:
            self.store.replace(STATEMENT_LINES, row_)
        except PreconditionFailed:
            log.info("line %s changed by another writer; left to it", record.line_id)
            return False
        return True

    def send_back(self, account: str, record: LineRecord, return_line: str) -> bool:
        """A credit line nobody booked marked ``sent_back`` by the return ``return_line`` (the
        bank sent the money back before anyone confirmed it: newcomer13 #1), under the ETag
        ``record`` was read with: False, nothing written, when a confirm claimed it since (its
        booking is then the payment the return undoes)."""
        row = self.store.get(STATEMENT_LINES, encode(account), record.line_id)
        if row is None or record.etag is None or row.etag != record.etag:
            return False
        data = {**row.data, "Status": SENT_BACK, "ReturnedBy": return_line}
        try:
            self.store.replace(STATEMENT_LINES, Row(row.pk, row.rk, data, etag=record.etag))
        except PreconditionFailed:
            return False
        return True

    # -- claims noted under their client (LineClaims) ---------------------------------------
    def note_claim(self, client_id: str, note: ClaimNote) -> None:
        data: dict[str, object] = {
            "Account": note.account, "LineId": note.line_id,
            "Scope": note.scope, "ActionId": note.action_id, "NotedAt": _put_time(note.noted_at),
        }  # fmt: skip
        self.store.upsert(LINE_CLAIMS, Row(encode(client_id), _claim_rk(note.account,
                                                                         note.line_id), data))  # fmt: skip

    def drop_claim(self, client_id: str, account: str, line_id: str) -> None:
        """The note gone once its line is booked or released (a missing one is no error)."""
        self.store.delete(LINE_CLAIMS, encode(client_id), _claim_rk(account, line_id))

    def claims_of(self, client_id: str) -> list[ClaimNote]:
        """The claims noted under the client: one partition read, as many rows as it has
        claims not yet booked (none on almost every day)."""
        rows = all_rows(self.store, LINE_CLAIMS, pk=encode(client_id))
        out = []
        for r in rows:
            noted = _get_time(r.data.get("NotedAt"))
            assert noted is not None  # every note is written with its time
            out.append(ClaimNote(str(r.data["Account"]), str(r.data["LineId"]),
                                 str(r.data["Scope"]), str(r.data["ActionId"]), noted))  # fmt: skip
        return out

    # -- a window of lines at once (one entity-group transaction each) -----------------------
    @staticmethod
    def unclaimed(line_id: str, action_id: str, where: Where | None = None) -> LineRecord:
        """A line's record before it is claimed (:meth:`claim_decided`): ``pending``, no
        ETag."""
        return _pending(line_id, action_id, where)

    def claim_decided(
        self, account: str, lines: Sequence[tuple[LineRecord, dict[str, object]]]
    ) -> list[str | None] | None:
        """Claim a window's lines with what was decided for them, in one transaction: each
        line (its :meth:`unclaimed` record and its fields: ``Amount`` and ``Date`` always)
        inserted ``pending``, or ``booking`` with the booking written down (:meth:`intend_
        booking` for many lines: fields with ``PaymentId``; ``BookedAt`` a datetime marks
        the window's bookings, :attr:`LineRecord.booked_at`). The new ETags (one per line,
        for the settlement), or None, and nothing claimed, when any of them was claimed
        before (a redelivery, an overlapping statement, a concurrent delivery, an identical
        line of another statement): the caller takes those lines one at a time
        (:meth:`claim_line`). Where a window claimed its lines, then wrote its bookings down
        under the claims' ETags (two transactions), it matches first and claims them once
        (perf17): what it decided is written with the claim, or nothing is."""
        if not lines or len(lines) > MAX_BATCH:
            raise ValueError(f"a window claims 1 to {MAX_BATCH} lines")
        pk = encode(account)
        ops = []
        for record, fields in lines:
            data: dict[str, object] = {
                "Status": "booking" if "PaymentId" in fields else "pending",
                "ActionId": record.action_id,
                **record.kept(),
                **fields,
            }
            if "Invoices" in data:
                data["Invoices"] = put_json(list(data["Invoices"]))  # type: ignore[call-overload]
            if "Designated" in data:
                data["Designated"] = _put_designated(data["Designated"])  # type: ignore[arg-type]
            if "Date" in data:
                data["Date"] = put_date(data["Date"])  # type: ignore[arg-type]
            if isinstance(data.get("BookedAt"), datetime):
                data["BookedAt"] = _put_time(data["BookedAt"])  # type: ignore[arg-type]
            ops.append(Op(OpKind.INSERT, Row(pk, record.line_id, data)))
        try:
            return self.store.transact(STATEMENT_LINES, ops)
        except StorageError:
            return None

    def settle_lines(
        self,
        account: str,
        settled: list[tuple[LineRecord, str, dict[str, object]]],
        then: Sequence[Row] = (),
    ) -> list[str]:
        """Settle a window's lines (status and what was booked) in transactions, each guarded
        by the ETag of its record (its claim, or its booking written down): a transaction
        refused settles its lines one by one, and a line another writer changed meanwhile is
        left to that writer. The ids of the lines left are returned.

        ``then``: rows of the lines' partition upserted after them, in the transaction of
        the last of them (the statement's mark, :meth:`statement_mark`, and its closing
        balance, :meth:`closing_row`, when these are its last lines): they land with them or
        not at all, never before them."""
        pk = encode(account)
        ops = []
        for record, status, fields in settled:
            data: dict[str, object] = {
                "Status": status,
                "ActionId": record.action_id,
                "Invoices": put_json(list(record.invoices)),
                **record.kept(),
                **fields,
            }
            if record.booked_at is not None:
                data["BookedAt"] = _put_time(record.booked_at)
            if "Date" in data:
                data["Date"] = put_date(data["Date"])  # type: ignore[arg-type]
            row = Row(pk, record.line_id, data, etag=record.etag)
            ops.append(Op(OpKind.REPLACE if record.etag else OpKind.UPSERT, row))
        left: list[str] = []
        for part in _with_the_last(ops, [Op(OpKind.UPSERT, row) for row in then]):
            try:
                self.store.transact(STATEMENT_LINES, part)
            except StorageError:
                for op in part:  # only on a lost race (or storage trouble): line by line
                    try:
                        if op.kind is OpKind.REPLACE:
                            self.store.replace(STATEMENT_LINES, op.row)
                        else:
                            self.store.upsert(STATEMENT_LINES, op.row)
                    except PreconditionFailed:
                        log.info("line %s changed by another writer; left to it", op.row.rk)
                        left.append(op.row.rk)
        return left

    def learn_ibans(
        self,
        client_id: str,
        learned: dict[str, set[str]],
        digest: payer_digest.PayerDigest | None = None,
        *,
        said: bool = False,
    ) -> None:
        """:meth:`learn_iban` for many payer accounts and debtors, in transactions (a
        window's new ones at once), each with the digest's write when an account is new to
        it (``digest``: as the caller read it; read again when a learning came between).
        ``said``: the debtors' own IBANs as the client stored them, not paid from."""
        pairs = [(iban, debtor) for iban, ds in sorted(learned.items()) for debtor in sorted(ds)]
        pk = encode(client_id)
        for start in range(0, len(pairs), MAX_BATCH - 1):
            part = pairs[start : start + MAX_BATCH - 1]
            rows = [Op(OpKind.UPSERT, _learned_row(client_id, i, d, said)) for i, d in part]
            for attempt in range(LEARN_RETRIES):
                if attempt:  # writers in lockstep starve each other: wait a random moment
                    _back_off(attempt)
                if digest is None or attempt:
                    row = self.store.get(LEARNED_IBANS, pk, payer_digest.DIGEST_RK)
                    digest = payer_digest.from_row(row)
                op = payer_digest.learning_ops(client_id, digest, [i for i, _ in part])
                try:
                    etags = self.store.transact(LEARNED_IBANS, rows + ([op] if op else []))
                except TransactionFailed as exc:
                    if op is None or not isinstance(exc.cause, Conflict | PreconditionFailed):
                        raise
                    continue  # the digest changed since it was read: read it again
                if op is not None:
                    digest = replace(payer_digest.from_row(op.row), etag=etags[-1])
                break
            else:  # the digest keeps changing: given up (accounts read as before) in the
                # rows' own transaction, and built again by its next reader (payer_digest)
                log.warning(
                    "payers' digest of a client lost %d races; marked contended, rebuilt "
                    "by its next reader",
                    LEARN_RETRIES,
                )
                self.store.transact(LEARNED_IBANS, [*rows, payer_digest.given_up_op(client_id)])

    def remember_payments(self, client_id: str, references: Sequence[PaymentRef]) -> None:
        """:meth:`remember_payment` for many payments, in transactions."""
        ops = [
            Op(OpKind.UPSERT, _ref_row(client_id, ref))
            for ref in sorted(references, key=lambda r: (r.reference, r.payment_id))
        ]
        for start in range(0, len(ops), MAX_BATCH):
            self.store.transact(PAYMENT_REFS, ops[start : start + MAX_BATCH])

    # -- balances ----------------------------------------------------------------------------
    def last_closing(self, account: str) -> LastClosing | None:
        """The account's last closing balance: a row of its lines' partition (``~closing``),
        written with its statement's mark; where it was kept before
        (``AccountBalances``) until the account's next statement writes it there."""
        return self.closing_seen(account).last

    def closing_seen(self, account: str) -> ClosingSeen:
        """:meth:`last_closing` with the marks of its day's statements it names."""
        row = self.store.get(STATEMENT_LINES, encode(account), CLOSING_RK)
        if row is None:
            row = self.store.get(ACCOUNT_BALANCES, encode(account), "last")
        if row is None:
            return ClosingSeen(None, None)
        return ClosingSeen(closing_of(row), marks_of(row))

    @staticmethod
    def closing_row(
        account: str,
        closing: int,
        on: date,
        last: LastClosing | None,
        implied_from: tuple[int, date] | None = None,
        *,
        mark: str | None = None,
        day_marks: frozenset[str] | None = None,
    ) -> Row | None:
        """The account's closing balance to write over ``last`` (as the caller read it a
        moment ago: the statement service reads it to compare the opening with, and writes
        this with the statement's mark), None when ``last`` is of a later day. The balance is
        only compared with a later statement's opening, never used to book; its write was
        an upsert after a read before as well. ``implied_from``: the opening (amount, day)
        of a statement without a closing balance, whose opening plus lines ``closing`` is.

        ``mark``: the row key of the statement's mark written with it, kept in ``Marks``
        with those of the statements marked before on the same day (``day_marks``, as read
        with ``last``; None: not known, and then none are kept until a later day's). So a
        statement of that day whose mark is not among them was never marked, and its mark
        needs no read (perf17; a race between two deliveries of one account can lose one,
        which the statement's claim of its lines then finds)."""
        if last is not None and on < last.on:
            return None
        data: dict[str, object] = {"Closing": closing, "On": put_date(on)}
        if implied_from is not None:
            data |= {"ImpliedFrom": implied_from[0], "ImpliedFromOn": put_date(implied_from[1])}
        if mark is not None:
            before = frozenset() if last is None or on > last.on else day_marks
            if before is not None and len(before) < MAX_DAY_MARKS:
                data["Marks"] = put_json(sorted(before | {mark}))
        return Row(encode(account), CLOSING_RK, data)

    # -- learned payer accounts --------------------------------------------------------------
    def learned_ibans(self, client_id: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for row in all_rows(self.store, LEARNED_IBANS, pk=encode(client_id)):
            if row.rk == payer_digest.DIGEST_RK:
                continue
            account = row.rk.split(SEPARATOR, 1)[0]
            out.setdefault(account, set()).update(_learned_debtors(row))
        return out

    def debtors_for_iban(self, client_id: str, iban: str) -> set[str]:
        """The debtors who paid from this account before or whose own it is: one small
        range read."""
        known = self.known_payers(client_id, iban)
        return set(known.paid | known.said)

    def known_payers(self, client_id: str, iban: str) -> KnownPayers:
        """The debtors known for this account, paid from or said: one small range read."""
        account = encode(iban.replace(" ", "").upper())
        page = self.store.query(
            LEARNED_IBANS,
            pk=encode(client_id),
            rk_range=(account, account + SEPARATOR + "\U0010ffff"),
        )
        paid: set[str] = set()
        said: set[str] = set()
        for row in page.rows:  # the range also holds longer account numbers: only this one
            if row.rk == account or row.rk.startswith(account + SEPARATOR):
                (said if _said(row) else paid).update(_learned_debtors(row))
        return KnownPayers(frozenset(paid), frozenset(said - paid))

    def learn_iban(self, client_id: str, iban: str, debtor: str) -> None:
        """The payer's account is known for this debtor from now on: one upsert, with the
        digest's write when the account is new to it."""
        self.learn_ibans(client_id, {iban: {debtor}})

    def payer_digest(self, client_id: str) -> payer_digest.PayerDigest:
        """The client's digest of learned accounts, built once from the learned rows when it
        is not (then it may hold more than they did: learnings meanwhile are merged in)."""
        pk = encode(client_id)
        digest = payer_digest.from_row(self.store.get(LEARNED_IBANS, pk, payer_digest.DIGEST_RK))
        for attempt in range(LEARN_RETRIES):
            if attempt:
                _back_off(attempt)
                row = self.store.get(LEARNED_IBANS, pk, payer_digest.DIGEST_RK)
                digest = payer_digest.from_row(row)  # a learning came first: merged
            if digest.built:
                return digest
            # the rows read after the digest, again on every attempt: a learning given up
            # (payer_digest.given_up_op) wrote its rows with the digest's mark, so rows
            # read after a digest that is still the one written hold every account learned
            accounts = {
                row.rk.split(SEPARATOR, 1)[0]
                for row in all_rows(self.store, LEARNED_IBANS, pk=pk)
                if row.rk != payer_digest.DIGEST_RK
            }
            whole = replace(digest.adding(decode(a) for a in accounts), built=True, contended=False)
            try:
                [etag] = self.store.transact(
                    LEARNED_IBANS, [payer_digest.write_op(client_id, whole)]
                )
            except TransactionFailed as exc:
                if not isinstance(exc.cause, Conflict | PreconditionFailed):
                    raise
                continue
            return replace(whole, etag=etag)
        return payer_digest.EMPTY  # not built this time: the accounts are read as before

    # -- payment references ------------------------------------------------------------------
    def remember_payment(self, client_id: str, ref: PaymentRef) -> None:
        """The end-to-end id a bank return will quote, with the payment it may undo. The id is
        the payer's own text (any payer may write "1"): a row per payment under it, never one
        payment overwriting another's, with its amount and payer's account to tell them apart."""
        self.store.upsert(PAYMENT_REFS, _ref_row(client_id, ref))

    def payments_for(self, client_id: str, reference: str) -> list[PaymentRef]:
        """Every payment remembered under ``reference``: one small range read (rows written
        before payments had a row each are the reference's own key, read by the same range)."""
        key = encode(reference)
        page = self.store.query(
            PAYMENT_REFS, pk=encode(client_id), rk_range=(key, key + SEPARATOR + "\U0010ffff")
        )
        out = []
        for row in page.rows:
            if row.rk == key or row.rk.startswith(key + SEPARATOR):
                amount, received = row.data.get("Amount"), row.data.get("Received")
                out.append(PaymentRef(reference, str(row.data["PaymentId"]),
                                      int(str(amount)) if amount is not None else None,
                                      str(row.data.get("PayerIban") or "") or None,
                                      row.data.get("ClientWritten") is True,
                                      int(str(received)) if received is not None else None,
                                      str(row.data.get("Quoted") or "") or None,
                                      str(row.data.get("Remittance") or "") or None))  # fmt: skip
        return out

    def choose_for_return(self, line_id: str, choice: ReturnChoice) -> ReturnChoice:
        """The one payment a return without end-to-end id undoes, chosen once: an insert of one
        row keyed on the return's line alone (whichever client's payment it is), so a person's
        reverse-payment and the same return read again cannot both choose (failure13 F4).
        Answers the stored choice: ``choice``, or another chooser's that came first."""
        row = Row(encode(return_reference(line_id)), CHOICE_RK,
                  {"ClientId": choice.client_id, "PaymentId": choice.payment_id})  # fmt: skip
        try:
            self.store.insert(PAYMENT_REFS, row)
        except Conflict:
            stored = self.return_choice(line_id)
            if stored is None:  # dropped in between: choose again
                return self.choose_for_return(line_id, choice)
            return stored
        return choice

    def return_choice(self, line_id: str) -> ReturnChoice | None:
        """The payment :meth:`choose_for_return` stored for the return's line (None: none)."""
        row = self.store.get(PAYMENT_REFS, encode(return_reference(line_id)), CHOICE_RK)
        if row is None:
            return None
        return ReturnChoice(str(row.data["ClientId"]), str(row.data["PaymentId"]))

    def drop_return_choice(self, line_id: str, choice: ReturnChoice) -> None:
        """Forget the return's choice when it is ``choice`` (its payment another return took)."""
        key = encode(return_reference(line_id))
        row = self.store.get(PAYMENT_REFS, key, CHOICE_RK)
        if (
            row is None
            or ReturnChoice(str(row.data["ClientId"]), str(row.data["PaymentId"])) != choice
        ):
            return
        try:
            self.store.delete(PAYMENT_REFS, key, CHOICE_RK, row.etag)
        except PreconditionFailed:
            pass  # chosen anew meanwhile: that choice stands

    def note_sent_back(self, return_line: str, sent: SentBack) -> None:
        """The credit nobody booked that the return ``return_line`` sent back (its line marked
        :data:`SENT_BACK` first), beside the return's choice: a redelivery of the return
        after its item was resolved finds what it did there (returns14 #2)."""
        data = {"LineId": sent.line_id, "Scope": sent.scope, "ActionId": sent.action_id}
        self.store.upsert(PAYMENT_REFS, Row(encode(return_reference(return_line)),
                                            SENT_BACK_RK, data))  # fmt: skip

    def sent_back_by(self, return_line: str) -> SentBack | None:
        """What :meth:`note_sent_back` wrote for the return ``return_line`` (None: nothing)."""
        row = self.store.get(PAYMENT_REFS, encode(return_reference(return_line)), SENT_BACK_RK)
        if row is None:
            return None
        d = row.data
        return SentBack(str(d["LineId"]), str(d["Scope"]), str(d["ActionId"]))

    def claim_returned(self, client_id: str, payment_id: str, line_id: str) -> str:
        """The return line that undoes ``payment_id``: ``line_id``, or the one whose claim came
        first (an insert keyed on the payment): two returns never undo one payment, and a
        person's retry knows whether the payment it finds reversed is its own (failure13 F5)."""
        row = Row(encode(client_id), encode(RETURNED_KEY + payment_id), {"LineId": line_id})
        try:
            self.store.insert(PAYMENT_REFS, row)
        except Conflict:
            held = self.returned_by(client_id, payment_id)
            return held if held is not None else self.claim_returned(client_id, payment_id, line_id)
        return line_id

    def returned_by(self, client_id: str, payment_id: str) -> str | None:
        """The return line :meth:`claim_returned` gave ``payment_id`` to (None: none)."""
        row = self.store.get(PAYMENT_REFS, encode(client_id), encode(RETURNED_KEY + payment_id))
        return str(row.data["LineId"]) if row is not None else None

    def payment_for(self, client_id: str, reference: str) -> str | None:
        """The one payment remembered under ``reference`` (None: none, or several)."""
        found = self.payments_for(client_id, reference)
        return found[0].payment_id if len(found) == 1 else None


@dataclass(frozen=True)
class KnownPayers:
    """The debtors a payer's account is known for at one client: ``paid``, learned from a
    payment booked for the debtor (or confirmed by a person); ``said``, only the client's word
    (the debtor's own IBANs as stored), not paid from yet."""

    paid: frozenset[str] = frozenset()
    said: frozenset[str] = frozenset()

    def any(self) -> bool:
        return bool(self.paid or self.said)


@dataclass(frozen=True)
class PaymentRef:
    """A payment under the end-to-end id its bank line carried (what a return quotes)."""

    reference: str
    payment_id: str
    amount: int | None = None  # cents; None: remembered before amounts were kept
    payer_iban: str | None = None
    # booked from a statement the client uploaded (statement_sources): only a return the
    # client uploads may undo it, and only such a one
    client_written: bool = False
    # what the account received when the bank kept its charges of the credit (``amount`` is
    # what the payer sent): a return sends back this (newcomer11 #2); None: no charges kept,
    # or remembered before it was kept
    received: int | None = None
    # under a payer's key (:func:`payer_reference`): the structured reference the credit
    # quoted and a digest of its remittance text, to tell that payer's payments apart
    quoted: str | None = None
    remittance: str | None = None


# keys no end-to-end id can be: "~" is outside the SEPA character set of an EndToEndId
PAYER_KEY = "~payer:"
RETURN_KEY = "~return:"
# the status of a credit line the bank sent back before it was booked (:meth:`send_back`)
SENT_BACK = "sent_back"
# a payment's row naming the return line that undoes it (:meth:`BankingRepository.claim_returned`)
RETURNED_KEY = "~returned-by:"
# the row of a return's choice, in a partition of its own (the return line's key)
CHOICE_RK = "choice"
# the row of the credit a return sent back, in the same partition
SENT_BACK_RK = "sent-back"


class SentBack(NamedTuple):
    """A credit nobody booked that a return sent back: its line, and its item's list and id."""

    line_id: str
    scope: str
    action_id: str


class ReturnChoice(NamedTuple):
    """The payment a return without end-to-end id undoes, and whose (its client)."""

    client_id: str
    payment_id: str


def payer_reference(iban: str) -> str:
    """The key a bank payment is remembered under by its payer's account: a return that
    quotes no end-to-end id (``NOTPROVIDED``, most Dutch transfers) finds it there."""
    return PAYER_KEY + iban.replace(" ", "").upper()


def return_reference(line_id: str) -> str:
    """The key of a return's own decision (the payment it undid), written before the
    undoing: a redelivered return undoes that one again (idempotent), never a second."""
    return RETURN_KEY + line_id


def received_of(line: StatementLine) -> int | None:
    """:attr:`PaymentRef.received` of a payment booked from ``line``."""
    return line.moved if line.charges else None


def _ref_row(client_id: str, ref: PaymentRef) -> Row:
    data: dict[str, Value] = {"PaymentId": ref.payment_id}
    if ref.amount is not None:
        data["Amount"] = ref.amount
    if ref.payer_iban:
        data["PayerIban"] = ref.payer_iban.replace(" ", "").upper()
    if ref.client_written:
        data["ClientWritten"] = True
    if ref.received is not None:
        data["Received"] = ref.received
    if ref.quoted:
        data["Quoted"] = ref.quoted
    if ref.remittance:
        data["Remittance"] = ref.remittance
    key = f"{encode(ref.reference)}{SEPARATOR}{encode(ref.payment_id)}"
    return Row(encode(client_id), key, data)


class LastClosing(NamedTuple):
    """An account's last closing balance; ``implied_from``: the opening (amount, day) of the
    statement without a closing balance whose opening plus lines it is (None: the bank's)."""

    amount: int
    on: date
    implied_from: tuple[int, date] | None = None


CLOSING_RK = "~closing"  # the account's last closing balance, in its lines' partition


class ClosingSeen(NamedTuple):
    """An account's last closing balance as read, with the row keys of the marks of the
    statements that closed on its day (None: not known, a row written before perf17 or with
    more than :data:`MAX_DAY_MARKS` of them)."""

    last: LastClosing | None
    marks: frozenset[str] | None


MAX_DAY_MARKS = 100  # statements of one account marked on one day that its closing names


def marks_of(row: Row) -> frozenset[str] | None:
    """The marks a ``~closing`` row names (:meth:`BankingRepository.closing_row`)."""
    if "Marks" not in row.data:
        return None
    return frozenset(str(rk) for rk in get_json(row.data.get("Marks"), []))


def statement_rk(identity: str) -> str:
    """The row key of a statement's mark (:meth:`BankingRepository.statement_mark`)."""
    return _statement_rk(identity)


def closing_of(row: Row) -> LastClosing:
    """The closing balance a ``~closing`` row (:meth:`BankingRepository.closing_row`, or
    one kept in ``AccountBalances`` before) holds."""
    on = get_date(row.data["On"])
    assert on is not None
    source = None
    if "ImpliedFrom" in row.data:  # no closing balance: the statement's opening it was
        from_on = get_date(row.data["ImpliedFromOn"])  # implied from, to know it again
        assert from_on is not None
        source = (int(str(row.data["ImpliedFrom"])), from_on)
    return LastClosing(int(str(row.data["Closing"])), on, source)


def _claim_rk(account: str, line_id: str) -> str:
    return encode(account) + SEPARATOR + encode(line_id)


def _with_the_last(ops: list[Op], then: list[Op]) -> list[list[Op]]:
    """``ops`` in transactions of at most :data:`MAX_BATCH`, ``then`` in the last of them with
    at least one of ``ops``: 99 lines put the mark with them and the closing balance alone
    after, and a cut between left a statement marked done without its closing, which its
    redelivery (skipped as booked) never wrote (failure18 F8)."""
    parts = [ops[i : i + MAX_BATCH] for i in range(0, len(ops), MAX_BATCH)]
    if not then:
        return parts
    if not parts:
        return [then]
    assert len(then) < MAX_BATCH
    last = parts.pop()
    room = MAX_BATCH - len(then)
    if len(last) > room:  # the tail that leaves room for them goes with them
        parts.append(last[: len(last) - room])
        last = last[len(last) - room :]
    return [*parts, last + then]


def _statement_rk(identity: str) -> str:
    return f"stmt-{identity}"


def _put_time(at: datetime) -> str:
    return at.isoformat()


def _get_time(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value)) if value else None


def _back_off(attempt: int) -> None:
    """A random wait before trying a digest write again: two writers that read and write in
    lockstep keep moving the ETag the other just read (failure4 finding 6)."""
    time.sleep(random.uniform(0, BACK_OFF_SECONDS * attempt))


SAID = "said"  # the last part of the key of a row the client's word alone put there


def _learned_row(client_id: str, iban: str, debtor: str, said: bool = False) -> Row:
    account = encode(iban.replace(" ", "").upper())
    key = f"{account}{SEPARATOR}{encode(debtor)}"
    if said:
        return Row(encode(client_id), f"{key}{SEPARATOR}{SAID}", {"Debtor": debtor, "Said": True})
    return Row(encode(client_id), key, {"Debtor": debtor})


def _said(row: Row) -> bool:
    return row.rk.count(SEPARATOR) == 2 and row.rk.endswith(SEPARATOR + SAID)


def _learned_debtors(row: Row) -> set[str]:
    if SEPARATOR in row.rk:
        return {str(row.data.get("Debtor") or decode(row.rk.split(SEPARATOR, 1)[1]))}
    return set(get_json(row.data.get("Debtors"), []))  # the earlier form: JSON of debtors


def _pending(line_id: str, action_id: str, where: Where | None) -> LineRecord:
    w = where or Where(None)
    return LineRecord(
        line_id,
        "pending",
        action_id=action_id,
        place=w.place,
        before=w.before,
        span=w.span,
        number=w.number,
    )


def _put_designated(named: Sequence[str]) -> str:
    """A designation written down, none (``[]``: undesignated) told from not written."""
    return json.dumps(list(named), separators=(",", ":"), ensure_ascii=False)


def _designated(d: dict[str, object]) -> tuple[str, ...] | None:
    value = d.get("Designated")
    return None if not isinstance(value, str) else tuple(json.loads(value))


def _number(d: dict[str, object]) -> str | None:
    number = d.get("Number")
    return number if isinstance(number, str) else None


def _span(d: dict[str, object]) -> tuple[int, int] | None:
    start, end = d.get("SpanStart"), d.get("SpanEnd")
    return (start, end) if isinstance(start, int) and isinstance(end, int) else None
