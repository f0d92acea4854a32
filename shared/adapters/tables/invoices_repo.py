"""Invoices on Table Storage, stored twice in the client's partition (the intra-partition
secondary-index pattern): under ``i|debtor|number`` for a debtor's invoices and under
``n|number`` for lookups by number. Both copies are written in one entity-group transaction,
guarded by the etag of the ``n|`` copy, so they never disagree.

Every write also brings the statement matching index up to date (``match_index_repo``): it is
maintained here because this is where every change of an invoice passes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime
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
from shared.adapters.tables.figures_repo import FiguresRepository
from shared.adapters.tables.keys import decode, encode
from shared.adapters.tables.match_index_repo import (
    MatchIndexRepository,
    is_written_off,
    rows_change,
)
from shared.domain.figures.portfolio import open_changes
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.law.prescription import ClaimKind
from shared.domain.ledger.booking import CORRECTION_NOTE, DISCOUNT_NOTE, NoteKind
from shared.domain.ledger.client_sync import BooksFigure, PendingReceipt, SyncRuns
from shared.domain.parties import Debtor
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

# On the by-number copy of the first invoice of each import chunk: the numbers of the chunk
# whose follow-up writes (match index, open sums, search keys, dunning schedule, usage meter)
# are still to be done. Written in the chunk's own transaction and cleared once they are
# done; a re-send that reads a row still carrying it does them (shared.services.imports).
FOLLOW_UPS = "FollowUps"
# Rows ``w|...``: what a request writes beside its invoices before a change and deletes once
# the change is finished (``w|t|`` and ``w|d|`` below): one range read of the partition
# finds all a failed request left (perf28b: the import read ``t|`` and ``d|`` apart).
LEFT_OVER_ROW = "w"
# Before perf28b the two kinds were keyed ``t|<id>`` and ``d|<id>``: a row an older version
# left under them is read by the daily run alone (its ``record_left_over``/``finish_left_over``).
LEGACY_TERMS_PENDING_ROW = "t"
LEGACY_DUE_MOVED_ROW = "d"
# A row ``w|t|<id>`` beside an import chunk's invoices: the changes of claim terms an
# administrator made in that chunk, written in the chunk's own transaction and deleted once
# they are on the contact log and in the audit log (shared.services.claim_terms_changes). Its
# own row, not a property of an invoice row: every other writer of an invoice rewrites that
# row whole, and the record must outlive them until it is written.
TERMS_PENDING_ROW = LEFT_OVER_ROW + "|t"
TERMS_PENDING = "Changes"
# A row ``l|<id>`` beside an import chunk's invoices: the contact-log lines of the open
# amounts the chunk's sync lowered (money booked as paid to the client), written in the
# chunk's own transaction and deleted once the lines are written, so a request cut off in
# between has them written by its retry or the client's next sync (failure20 L1: the line
# was never written, the retry found nothing lowered any more).
LOWERED_ROW = "l"
LOWERED_LINES = "Lines"
# A row ``s|books``: the client's accounting syncs as a receipt's day needs them
# (shared.domain.ledger.client_sync.SyncRuns): one row a client, written once a sync request.
SYNC_RUNS_RK = "s|books"
# A row ``r|<number>`` beside an invoice whose row carries a receipt the client's sync decided
# and did not book whole yet (``ReceiptPending``): written in the transaction that puts the
# receipt on the invoice, deleted in the one that takes it off. The daily run reads this range
# of the client's partition (one query, nearly always empty) and finishes what a crash left,
# also for an invoice the client never pushes again (shared.services.client_receipts).
RECEIPT_ROW = "r"
# Rows ``w|d|<id>`` and ``k|<debtor>``: a restatement still to make of claims money had reached,
# after a due date moved (``w|d``: the invoice numbers and their new due dates) or a debtor's
# kind was corrected (``k``: the change). Written before the change is stored and deleted once
# the claims are restated, so a request failing in between leaves it to its retry or the daily
# run (shared.services.due_date_restatement, shared.services.debtor_kind).
DUE_MOVED_ROW = LEFT_OVER_ROW + "|d"
KIND_CHANGED_ROW = "k"
# A row ``q|<action>``: a kind_letter_check item decided as confirmed whose letters, restatement
# and final resolution are still to be done; written before the item's decision and deleted
# once done, so a confirmation cut off in between is finished by its retry or the daily run
# (shared.services.debtor_kind, failure13 F2).
KIND_LETTER_CONFIRMING_ROW = "q"
# A row ``g|<debtor>``: a debtor whose standing the daily run looks at (shared.services.
# debtor_standing): written before a standing is set or lifted (``pending``: its holds, plans
# and items still to finish, so a request cut off midway is finished without a person's
# retry), kept while a bankruptcy or WSNP ruling holds (its filing item follows the money
# received after the ruling) and deleted once there is nothing more to look at.
STANDING_ROW = "g"
# A row ``e|<payment>|<designation>``: a person's correction of a payment's designation whose
# re-booking is still to be done (shared.services.ledger.redesignation): written before the
# payment row takes the new designation, with the designation and the invoices before (for the
# audit), deleted once the ledger holds the money where the row says; a correction cut off in
# between is finished by its retry or the daily run (failure13b G2).
REDESIGNATING_ROW = "e"
# A row ``h|<invoice>``: a claim of a bankruptcy or WSNP that ended (its debtor in the mark),
# written at the end and kept: money booked on it later may have been received while the
# ruling held, and the booking marks the debtor (``g|``) for the daily run to put it on the
# ruling's filing item without reading any debtor (shared.services.debtor_standing,
# standing15 #3).
ENDED_RULING_CLAIM_ROW = "h"
# A row ``u|<name>``: an upgrade's one pass over the client's older rows was made by the daily
# run (``u|kind-letter-confirms``: kind letters an earlier version left "confirmed" and never
# finished, shared.services.debtor_kind; ``u|standings``: standings stored before the agency's
# flag and the ``g|`` marks, shared.services.debtor_standing), so the run reads them once.
UPGRADED_ROW = "u"
MARK = "Mark"
# invoices whose match-index rows fill one transaction: three each (amount, number tail,
# reference) since the index's version 5 dropped the debtor's (four, 25 a transaction, before)
INDEX_GROUP = MAX_BATCH // 3
PARALLEL_INDEX_WRITES = 4


# (its key, its etag, the changes) of a row of changes of terms; (its key, its etag, the mark)
PendingTermsRow = tuple[str, str | None, list[dict[str, str]]]
MarkRow = tuple[str, str | None, dict[str, Any]]


@dataclass(frozen=True)
class LeftOver:
    """What failed requests left in a client's ``w|`` rows (:meth:`InvoiceRepository.left_over`)."""

    terms: list[PendingTermsRow]
    due_marks: list[MarkRow]


def _pending_terms(r: Row, row: str) -> PendingTermsRow:
    return r.rk.removeprefix(row + "|"), r.etag, list(get_json_parts(r.data, TERMS_PENDING, []))


def _mark(r: Row, row: str) -> MarkRow:
    return r.rk.removeprefix(row + "|"), r.etag, dict(get_json_parts(r.data, MARK, {}))


@dataclass(frozen=True)
class StoredInvoice:
    invoice: Invoice
    etag: str | None  # of the by-number copy, which guards every write
    follow_ups: tuple[str, ...] = ()  # numbers an interrupted import left without follow-ups


def invoice_to_row(inv: Invoice) -> Row:
    return Row(
        encode(inv.client_id),
        schema.invoice_rk(inv.debtor_number, inv.number),
        {
            "Number": inv.number,
            "DebtorNumber": inv.debtor_number,
            "InvoiceDate": put_date(inv.invoice_date),
            "DueDate": put_date(inv.due_date),
            "Amount": inv.amount,
            "Paid": inv.paid,
            "Currency": inv.currency,
            "Status": inv.status.value,
            "PaymentReference": inv.payment_reference,
            "Description": inv.description,
            "DisputeReason": inv.dispute_reason,
            "Payments": put_json([list(p) for p in inv.payments]),
            "DunningStep": inv.dunning_step,
            "DunningStepOn": put_date(inv.dunning_step_on),
            "DunningTrail": put_json(list(inv.dunning_trail)) if inv.dunning_trail else None,
            "PausedUntil": put_date(inv.paused_until),
            "PromiseUntil": put_date(inv.promise_until),
            "CostsOwedFrom": put_date(inv.costs_owed_from),
            "OwnLetter": put_json([d.isoformat() for d in inv.own_letter])
            if inv.own_letter
            else None,
            "OvertakenNotice": put_date(inv.overtaken_notice),
            "HandedOverTo": inv.handed_over_to,
            "Pdf": inv.pdf,
            "ContractDate": put_date(inv.contract_date),
            "ClaimKind": inv.claim_kind.value if inv.claim_kind else None,
            "CreditNotes": put_json([list(c) for c in inv.credit_notes]),
            "CreditNoteKinds": put_json([list(k) for k in inv.note_kinds])
            if inv.note_kinds
            else None,
            "CreditedBy": put_json(list(inv.credited_by)) if inv.credited_by else None,
            "PromisedOn": put_date(inv.promised_on),
            "PausedOn": put_date(inv.paused_on),
            "PauseEndedOn": put_date(inv.pause_ended_on),
            "ReceiptPending": _pending_out(inv.receipt_pending),
            "Books": _books_out(inv.books),
            "WrittenOffOn": put_date(inv.written_off_on),
        },
    )


def invoice_from_row(row: Row) -> Invoice:
    d = row.data
    return Invoice(
        client_id=decode(row.pk),
        number=d["Number"],
        debtor_number=d["DebtorNumber"],
        invoice_date=need_date(d["InvoiceDate"]),
        due_date=need_date(d["DueDate"]),
        amount=int(d["Amount"]),
        paid=int(d.get("Paid", 0)),
        currency=d.get("Currency", "EUR"),
        status=InvoiceStatus(d["Status"]),
        payment_reference=d.get("PaymentReference"),
        description=d.get("Description"),
        dispute_reason=d.get("DisputeReason"),
        payments=tuple((str(p), int(c)) for p, c in get_json(d.get("Payments"), [])),
        dunning_step=int(d.get("DunningStep", -1)),
        dunning_step_on=get_date(d.get("DunningStepOn")),
        dunning_trail=tuple(str(s) for s in get_json(d.get("DunningTrail"), [])),
        paused_until=get_date(d.get("PausedUntil")),
        promise_until=get_date(d.get("PromiseUntil")),
        costs_owed_from=get_date(d.get("CostsOwedFrom")),
        own_letter=_own_letter(get_json(d.get("OwnLetter"), [])),
        overtaken_notice=get_date(d.get("OvertakenNotice")),
        handed_over_to=d.get("HandedOverTo"),
        pdf=None if d.get("Pdf") is None else bool(d["Pdf"]),
        contract_date=get_date(d.get("ContractDate")),
        claim_kind=ClaimKind(d["ClaimKind"]) if d.get("ClaimKind") else None,
        credit_notes=tuple((str(r), int(c)) for r, c in get_json(d.get("CreditNotes"), [])),
        note_kinds=_note_kinds(get_json(d.get("CreditNoteKinds"), [])),
        credited_by=_credited_by(get_json(d.get("CreditedBy"), None)),
        promised_on=get_date(d.get("PromisedOn")),
        paused_on=get_date(d.get("PausedOn")),
        pause_ended_on=get_date(d.get("PauseEndedOn")),
        receipt_pending=_pending_in(get_json(d.get("ReceiptPending"), None)),
        books=_books_in(get_json(d.get("Books"), None)),
        written_off_on=get_date(d.get("WrittenOffOn")),
    )


def _receipt_rk(number: str) -> str:
    return f"{RECEIPT_ROW}|{encode(number)}"


def _pending_out(p: PendingReceipt | None) -> str | None:
    if p is None:
        return None
    out: list[object] = [p.payment_id, p.amount, p.received_on.isoformat(), p.reported]
    if p.replaces is not None:
        out.append(p.replaces)
    return put_json(out)


def _pending_in(raw: object) -> PendingReceipt | None:
    if not isinstance(raw, list) or len(raw) not in (4, 5):
        return None
    replaces = str(raw[4]) if len(raw) == 5 and raw[4] is not None else None
    return PendingReceipt(
        str(raw[0]), int(raw[1]), date.fromisoformat(raw[2]), int(raw[3]), replaces
    )


def _books_out(b: BooksFigure | None) -> str | None:
    return None if b is None else put_json([b.reported, b.since.isoformat()])


def _books_in(raw: object) -> BooksFigure | None:
    if not isinstance(raw, list) or len(raw) != 2:
        return None
    return BooksFigure(int(raw[0]), date.fromisoformat(raw[1]))


def _note_kinds(raw: object) -> tuple[tuple[str, NoteKind], ...]:
    if not isinstance(raw, list):
        return ()
    kinds: dict[str, NoteKind] = {CORRECTION_NOTE: CORRECTION_NOTE, DISCOUNT_NOTE: DISCOUNT_NOTE}
    return tuple((str(r), kinds[k]) for r, k in raw if k in kinds)


def _credited_by(raw: object) -> tuple[str, int] | None:
    if not isinstance(raw, list) or len(raw) != 2:
        return None
    return str(raw[0]), int(raw[1])


def _index_row(inv: Invoice) -> Row:
    row = invoice_to_row(inv)
    row.rk = schema.invoice_index_rk(inv.number)
    return row


class InvoiceRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store
        self.match_index = MatchIndexRepository(store)
        self.figures = FiguresRepository(store)  # the Today page's open sums move here too

    def get(self, client_id: str, number: str) -> StoredInvoice | None:
        return self.get_many(client_id, [number]).get(number)

    def get_many(self, client_id: str, numbers: Sequence[str]) -> dict[str, StoredInvoice]:
        rows = self.store.get_many(
            schema.INVOICES, encode(client_id), [schema.invoice_index_rk(n) for n in numbers]
        )
        out = {}
        for row in rows.values():
            inv = invoice_from_row(row)
            pending = tuple(str(n) for n in get_json(row.data.get(FOLLOW_UPS), []))
            out[inv.number] = StoredInvoice(inv, row.etag, pending)
        return out

    @staticmethod
    def write_ops(inv: Invoice, previous: StoredInvoice | None) -> list[Op]:
        """Both copies; a new invoice must not exist yet, an update must find the by-number
        copy unchanged since it was read."""
        row, index = invoice_to_row(inv), _index_row(inv)
        if previous is None:
            return [Op(OpKind.INSERT, index), Op(OpKind.INSERT, row)]
        index.etag = previous.etag
        return [Op(OpKind.REPLACE, index), Op(OpKind.UPSERT, row)]

    def save(self, inv: Invoice, previous: StoredInvoice | None, also: Sequence[Op] = ()) -> None:
        """``also``: rows of the invoice's partition written in the same transaction."""
        self.store.transact(schema.INVOICES, [*self.write_ops(inv, previous), *also])
        self.match_index.update(inv.client_id, [(previous.invoice if previous else None, inv)])
        self.figures.move_open(
            inv.client_id, open_changes([(previous.invoice if previous else None, inv)])
        )

    def note_pdf(self, client_id: str, number: str) -> None:
        """Note on the invoice that its PDF is stored (guarded by the ETag, retried on a lost
        race); the portal then lists it without asking the blob store per invoice."""
        for _ in range(5):
            stored = self.get(client_id, number)
            if stored is None or stored.invoice.pdf:
                return
            try:
                self.save(replace(stored.invoice, pdf=True), stored)
                return
            except TransactionFailed as exc:
                if not isinstance(exc.cause, PreconditionFailed):
                    raise
        raise PreconditionFailed(f"invoice {number} keeps changing; retry")

    def note_kinds(self, client_id: str, number: str, kinds: Mapping[str, NoteKind]) -> None:
        """Note on the invoice its credit notes' kinds as the claim ledger booked them (guarded
        by the ETag, retried on a lost race): a list of invoices then says each note's kind
        without reading the ledger (attack17 F3). Nothing when the invoice holds them."""
        for _ in range(5):
            stored = self.get(client_id, number)
            if stored is None:
                return
            noted = stored.invoice.with_note_kinds(kinds)
            if noted == stored.invoice:
                return
            try:
                self.save(noted, stored)
                return
            except TransactionFailed as exc:
                if not isinstance(exc.cause, PreconditionFailed):
                    raise
        raise PreconditionFailed(f"invoice {number} keeps changing; retry")

    def save_many(
        self,
        client_id: str,
        ops: Sequence[Op],
        read: Mapping[str, StoredInvoice] | None = None,
    ) -> None:
        """Write prepared operations in transactions of at most 100 (pairs never split).
        ``read``: the invoices as the caller read them to prepare ``ops`` (the matching index
        moves from those; without it they are read again)."""
        written = [
            (op.kind, invoice_from_row(op.row))
            for op in ops
            if op.row.rk.startswith(schema.INVOICE_INDEX_ROW + "|") and op.kind is not OpKind.DELETE
        ]
        updated = [inv.number for kind, inv in written if kind is not OpKind.INSERT]
        if read is not None and all(n in read for n in updated):
            before = {n: read[n] for n in updated}
        else:
            before = self.get_many(client_id, updated) if updated else {}
        for start in range(0, len(ops), MAX_BATCH):
            self.store.transact(schema.INVOICES, ops[start : start + MAX_BATCH])
        changes = [
            (before[inv.number].invoice if inv.number in before else None, inv)
            for _, inv in written
        ]
        self.match_index.update(client_id, changes)
        self.figures.move_open(client_id, open_changes(changes))

    def write_many(self, client_id: str, ops: Sequence[Op]) -> list[str | None]:
        """Only the invoice rows (transactions of at most 100, pairs never split), for a caller
        that does the follow-ups itself (:meth:`follow_up`); the etags written, op by op."""
        etags: list[str | None] = []
        for start in range(0, len(ops), MAX_BATCH):
            etags += self.store.transact(schema.INVOICES, ops[start : start + MAX_BATCH])
        return etags

    def follow_up(
        self,
        client_id: str,
        changes: Sequence[tuple[Invoice | None, Invoice]],
        debtors: Mapping[str, Debtor] | None = None,
        matched: Callable[[], bool] | None = None,
    ) -> None:
        """What every write of invoices brings up to date besides the rows: the statement
        matching index and the open sums. The index takes up to four rows an invoice: groups
        of 25 fill a transaction each, and a few are written at once (as the chunks were).
        ``debtors``: the invoices' debtors where the caller read them (the index rows carry
        their names and kinds; the index reads the others). ``matched``: whether the index's
        copied marker is there (:meth:`MatchIndexRepository.kept`), asked instead of its marker.

        The index rows are written from the versions the caller wrote (or read), which another
        writer (a credit note, a payment, a corrected re-send of the import) may have replaced
        since: its own index write, if it came first, would be undone. So the invoices are
        read back once the rows are written (one batched read, of those whose rows were written
        or deleted) and those that moved have their rows brought from the version written to
        the one stored. A writer still between its
        invoice and its index write brings the rows to the same state after us.
        The open sums move by the caller's changes: deltas commute, each writer moves its own."""
        # only an invoice whose rows this wrote or deleted can have had another writer's undone
        # (an update of the description or a dunning step costs no read); a client whose
        # index is not kept (no statement met it yet) has none written nor read back
        touched = sorted({new.number for old, new in changes if rows_change(old, new)})
        if touched and not self.match_index.kept(client_id, matched):
            touched = []
        else:
            self._index(client_id, changes, debtors)
        current = self.get_many(client_id, touched) if touched else {}
        moved = [
            (new, current[new.number].invoice)
            for _, new in changes
            if new.number in current and current[new.number].invoice != new
        ]
        if moved:
            self._index(client_id, moved, debtors)
        self.figures.move_open(client_id, open_changes(changes))

    def _index(
        self,
        client_id: str,
        changes: Sequence[tuple[Invoice | None, Invoice]],
        debtors: Mapping[str, Debtor] | None,
    ) -> None:
        groups = [changes[i : i + INDEX_GROUP] for i in range(0, len(changes), INDEX_GROUP)]
        if len(groups) > 1:
            with ThreadPoolExecutor(max_workers=PARALLEL_INDEX_WRITES) as pool:
                list(pool.map(lambda g: self.match_index.update(client_id, g, debtors), groups))
        elif groups:
            self.match_index.update(client_id, groups[0], debtors)

    @staticmethod
    def mark_follow_ups(op: Op, numbers: Sequence[str]) -> None:
        """Note on a by-number copy about to be written which invoices still await their
        follow-ups (see :data:`FOLLOW_UPS`)."""
        op.row.data[FOLLOW_UPS] = put_json(list(numbers))

    def clear_follow_ups(
        self, client_id: str, marked: Sequence[tuple[Invoice, str | None]]
    ) -> None:
        """Take the mark off by-number copies as written (``marked``: the invoice and the etag it
        was written or read with). A copy written since by someone else keeps what it has (no
        mark, or theirs): the mark is then left for a later re-send, whose redo is harmless."""
        ops = []
        for inv, etag in marked:
            row = _index_row(inv)
            row.etag = etag
            ops.append(Op(OpKind.REPLACE, row))
        for start in range(0, len(ops), MAX_BATCH):
            part = ops[start : start + MAX_BATCH]
            try:
                self.store.transact(schema.INVOICES, part)
            except TransactionFailed:
                for op in part:  # one moved on since: clear the others one by one
                    try:
                        self.store.replace(schema.INVOICES, op.row)
                    except PreconditionFailed:
                        continue

    def sync_runs(self, client_id: str) -> SyncRuns:
        row = self.store.get(schema.INVOICES, encode(client_id), SYNC_RUNS_RK)
        if row is None:
            return SyncRuns()
        at = row.data.get("LastAt")
        return SyncRuns(
            datetime.fromisoformat(str(at)) if at else None,
            get_date(row.data.get("LastDay")),
            get_date(row.data.get("OpenOn")),
        )

    def save_sync_runs(self, client_id: str, runs: SyncRuns) -> None:
        data = {
            "LastAt": runs.last_at.isoformat() if runs.last_at else None,
            "LastDay": put_date(runs.last_day),
            "OpenOn": put_date(runs.open_on),
        }
        self.store.upsert(schema.INVOICES, Row(encode(client_id), SYNC_RUNS_RK, data))

    def decide_receipt(self, inv: Invoice, previous: StoredInvoice, at: datetime) -> None:
        """``inv`` carries a receipt decided at ``at``: written under ``previous``'s ETag with
        its :data:`RECEIPT_ROW` (raises TransactionFailed when the invoice moved on)."""
        row = Row(encode(inv.client_id), _receipt_rk(inv.number),
                  {"Number": inv.number, "At": at.isoformat()})  # fmt: skip
        self.save(inv, previous, [Op(OpKind.UPSERT, row)])

    def receipt_booked(self, inv: Invoice, previous: StoredInvoice) -> None:
        """``inv`` without its receipt, booked whole: written under ``previous``'s ETag with its
        :data:`RECEIPT_ROW` deleted. A receipt decided before that row was kept has none (the
        service refuses the batch's delete of a missing row): the invoice alone then."""
        gone = Op(OpKind.DELETE, Row(encode(inv.client_id), _receipt_rk(inv.number)))
        try:
            self.save(inv, previous, [gone])
        except TransactionFailed as exc:
            if exc.index != 2:  # the invoice's own copies (0, 1) moved on: the caller's race
                raise
            self.save(inv, previous)

    def receipts_decided(self, client_id: str) -> list[tuple[str, datetime, str | None]]:
        """The invoices whose row carries a receipt not booked whole: (number, decided at,
        the :data:`RECEIPT_ROW`'s ETag)."""
        rows = all_rows(self.store, schema.INVOICES, pk=encode(client_id),
                        rk_range=prefix_range(RECEIPT_ROW + "|"))  # fmt: skip
        return [
            (str(r.data["Number"]), datetime.fromisoformat(str(r.data["At"])), r.etag) for r in rows
        ]

    def drop_receipt_row(self, client_id: str, number: str, etag: str | None) -> None:
        """The row of a receipt whose invoice no longer carries one (or is gone), as read
        (raises PreconditionFailed when a sync decided a receipt on it since)."""
        self.store.delete(schema.INVOICES, encode(client_id), _receipt_rk(number), etag)

    @staticmethod
    def pending_terms_op(client_id: str, key: str, changes: Sequence[Mapping[str, str]]) -> Op:
        """The row of changes of terms still to record (see :data:`TERMS_PENDING_ROW`), to be
        written in the transaction of the invoices they changed."""
        data = put_json_parts(TERMS_PENDING, [dict(c) for c in changes])
        row = Row(encode(client_id), f"{TERMS_PENDING_ROW}|{key}", dict(data))
        return Op(OpKind.INSERT, row)

    def pending_terms(
        self, client_id: str, row: str = TERMS_PENDING_ROW
    ) -> list[tuple[str, str | None, list[dict[str, str]]]]:
        """Every row of changes of terms not yet recorded: (its key, its etag, the changes);
        ``row``: :data:`LEGACY_TERMS_PENDING_ROW` for those an older version left."""
        rows = all_rows(self.store, schema.INVOICES, pk=encode(client_id),
                        rk_range=prefix_range(row + "|"))  # fmt: skip
        return [_pending_terms(r, row) for r in rows]

    def left_over(self, client_id: str) -> LeftOver:
        """The changes of terms not yet recorded and the due-date marks standing (as
        :meth:`pending_terms` and ``marks(client_id, DUE_MOVED_ROW)``): one range read."""
        rows = list(all_rows(self.store, schema.INVOICES, pk=encode(client_id),
                             rk_range=prefix_range(LEFT_OVER_ROW + "|")))  # fmt: skip
        terms, due = TERMS_PENDING_ROW + "|", DUE_MOVED_ROW + "|"
        return LeftOver(
            [_pending_terms(r, TERMS_PENDING_ROW) for r in rows if r.rk.startswith(terms)],
            [_mark(r, DUE_MOVED_ROW) for r in rows if r.rk.startswith(due)],
        )

    @staticmethod
    def lowered_lines_op(client_id: str, key: str, lines: Sequence[Mapping[str, str]]) -> Op:
        """The row of lowered open amounts' contact-log lines still to write (see
        :data:`LOWERED_ROW`), to be written in the transaction of their invoices."""
        data = put_json_parts(LOWERED_LINES, [dict(line) for line in lines])
        return Op(OpKind.INSERT, Row(encode(client_id), f"{LOWERED_ROW}|{key}", dict(data)))

    def lowered_lines(self, client_id: str) -> list[tuple[str, list[dict[str, str]]]]:
        """Every row of lowered open amounts' lines not yet written: (its key, the lines)."""
        rows = all_rows(self.store, schema.INVOICES, pk=encode(client_id),
                        rk_range=prefix_range(LOWERED_ROW + "|"))  # fmt: skip
        prefix = LOWERED_ROW + "|"
        return [
            (r.rk.removeprefix(prefix), list(get_json_parts(r.data, LOWERED_LINES, [])))
            for r in rows
        ]

    def drop_lowered_lines(self, client_id: str, key: str) -> None:
        """The row's lines are written: the row goes (gone already: another attempt wrote
        them; the lines are keyed, so writing them twice wrote them once)."""
        self.store.delete(schema.INVOICES, encode(client_id), f"{LOWERED_ROW}|{key}")

    def drop_pending_terms(
        self, client_id: str, key: str, etag: str | None, row: str = TERMS_PENDING_ROW
    ) -> None:
        """The changes of the row are recorded: the row goes (gone already: someone else
        recorded them)."""
        try:
            self.store.delete(schema.INVOICES, encode(client_id), f"{row}|{key}", etag)
        except StorageError:  # left for the next import, whose record of it changes nothing
            return

    def put_mark(
        self, client_id: str, row: str, key: str, mark: Mapping[str, object]
    ) -> str | None:
        """Mark ``row|key`` (see :data:`DUE_MOVED_ROW`), replacing one of the same key; the
        mark's etag (for :meth:`replace_mark` and :meth:`drop_mark` by its writer alone)."""
        data = put_json_parts(MARK, dict(mark))
        put = self.store.upsert(schema.INVOICES, Row(encode(client_id), f"{row}|{key}", dict(data)))
        return put.etag

    def replace_mark(
        self, client_id: str, row: str, key: str, mark: Mapping[str, object], etag: str
    ) -> bool:
        """``row|key`` made ``mark`` if it is still the one of ``etag``; False when another
        writer replaced or dropped it meanwhile (theirs stands)."""
        data = put_json_parts(MARK, dict(mark))
        try:
            self.store.replace(schema.INVOICES,
                               Row(encode(client_id), f"{row}|{key}", dict(data), etag))  # fmt: skip
        except PreconditionFailed:
            return False
        return True

    def write_mark(
        self, client_id: str, row: str, key: str, mark: Mapping[str, object], etag: str | None
    ) -> str | None:
        """``row|key`` made ``mark`` over what its writer read alone: inserted when ``etag`` is
        None (it read none), else replacing the one of ``etag``. The new mark's etag, or None
        when another writer's came first (theirs stands: nothing is written over it unread)."""
        data = put_json_parts(MARK, dict(mark))
        put = Row(encode(client_id), f"{row}|{key}", dict(data), etag)
        try:
            if etag is None:
                return self.store.insert(schema.INVOICES, put).etag
            return self.store.replace(schema.INVOICES, put).etag
        except (Conflict, PreconditionFailed):
            return None

    def mark(self, client_id: str, row: str, key: str) -> tuple[str | None, dict[str, Any]] | None:
        """The mark ``row|key`` standing: (its etag, the mark), or None."""
        found = self.store.get(schema.INVOICES, encode(client_id), f"{row}|{key}")
        if found is None:
            return None
        return found.etag, dict(get_json_parts(found.data, MARK, {}))

    def marks_of(self, client_id: str, row: str, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The marks ``row|key`` of these keys that stand, by key: one batched read."""
        prefix = row + "|"
        found = self.store.get_many(schema.INVOICES, encode(client_id),
                                    [prefix + k for k in keys])  # fmt: skip
        return {rk.removeprefix(prefix): dict(get_json_parts(r.data, MARK, {}))
                for rk, r in found.items()}  # fmt: skip

    def marks(self, client_id: str, row: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        """Every mark of kind ``row`` still standing: (its key, its etag, the mark)."""
        prefix = row + "|"
        rows = all_rows(self.store, schema.INVOICES, pk=encode(client_id),
                        rk_range=prefix_range(prefix))  # fmt: skip
        return [_mark(r, row) for r in rows]

    def drop_mark(self, client_id: str, row: str, key: str, etag: str | None) -> None:
        """The mark's restatement is made: the mark goes (gone or replaced already: another
        request finished it, or marked a newer change under its key)."""
        try:
            self.store.delete(schema.INVOICES, encode(client_id), f"{row}|{key}", etag)
        except StorageError:  # left for the next sweep, which restates nothing more
            return

    def for_debtor(self, client_id: str, debtor_number: str) -> list[Invoice]:
        rk_range = prefix_range(schema.debtor_invoices_prefix(debtor_number))
        return [
            invoice_from_row(r)
            for r in all_rows(self.store, schema.INVOICES, pk=encode(client_id), rk_range=rk_range)
        ]

    def open_invoices(self, client_id: str) -> list[Invoice]:
        """Every invoice with money open (what bank payments can be matched to)."""
        rk_range = prefix_range(schema.INVOICE_INDEX_ROW + "|")
        return [
            invoice_from_row(r)
            for status in (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.DISPUTED)
            for r in all_rows(
                self.store,
                schema.INVOICES,
                pk=encode(client_id),
                rk_range=rk_range,
                equals={"Status": status.value},
            )
        ]

    def indexed_invoices(self, client_id: str) -> list[Invoice]:
        """Every invoice the matching index holds rows of: those with money open, and those
        written off with principal still to recover (their exact keys, womatch31)."""
        withdrawn = all_rows(
            self.store,
            schema.INVOICES,
            pk=encode(client_id),
            rk_range=prefix_range(schema.INVOICE_INDEX_ROW + "|"),
            equals={"Status": InvoiceStatus.WITHDRAWN.value},
        )
        written_off = [inv for r in withdrawn if is_written_off(inv := invoice_from_row(r))]
        return [*self.open_invoices(client_id), *written_off]

    def list(
        self,
        client_id: str,
        *,
        status: InvoiceStatus | None = None,
        page_size: int = 100,
        continuation: str | None = None,
    ) -> tuple[list[Invoice], str | None]:
        lo, hi = prefix_range(schema.INVOICE_ROW + "|")
        page = self.store.query(
            schema.INVOICES,
            pk=encode(client_id),
            rk_range=(lo, hi),
            equals={"Status": status.value} if status else None,
            page_size=page_size,
            continuation=continuation,
        )
        return [invoice_from_row(r) for r in page.rows], page.continuation


def _own_letter(days: list[str]) -> tuple[date, date] | None:
    """Inning's own 14-day letter's (day sent, term); None on rows written before it was kept."""
    return (date.fromisoformat(days[0]), date.fromisoformat(days[1])) if len(days) == 2 else None
