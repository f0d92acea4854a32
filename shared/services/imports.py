"""Bulk create-or-update of clients, debtors and invoices from accounting packages and CRMs.

Idempotent by the client's own numbers: sending the same batch twice changes nothing the
second time. Each row is stored whole or rejected with its index and field; rows are written
in entity-group transactions guarded by the etags they were read with, and a chunk that lost
a race with another writer is re-read and re-applied (a bounded number of times).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from threading import Lock
from typing import TYPE_CHECKING, Any, TypeVar

from shared.adapters.tables.invoices_repo import StoredInvoice
from shared.adapters.tables.ledger_repo import LedgerRepository
from shared.adapters.tables.match_index_repo import index_rows
from shared.adapters.tables.search_repo import IndexMarks
from shared.clock import SystemClock, amsterdam_date
from shared.domain.figures.portfolio import open_changes
from shared.domain.ids import random_id, time_ordered_id
from shared.domain.invoices import Invoice, InvoiceRuleError
from shared.domain.law.prescription import ClaimKind
from shared.domain.ledger.announced_terms import keep_earlier_terms
from shared.domain.ledger.client_sync import (
    SyncedReceipt,
    SyncRuns,
    next_run,
    reported_paid,
)
from shared.domain.ledger.terms import in_default
from shared.domain.money import Cents, format_eur_en, format_eur_nl
from shared.domain.parties import Client, Debtor
from shared.domain.phone import normalise_phone
from shared.domain.records import ContactEntry, ContactKind
from shared.domain.references import belgian, betalingskenmerk, iso11649
from shared.domain.search.keys import invoice_terms
from shared.domain.shown_text import name_fault, number_fault
from shared.ports.tables import (
    MAX_BATCH,
    Conflict,
    Op,
    PreconditionFailed,
    StorageError,
    TransactionFailed,
)
from shared.services.account_ownership import BY_AGENCY, AccountOwnership
from shared.services.batch import BatchResult, RowError, duplicates
from shared.services.claim_terms_changes import (
    PLAIN,
    ClaimTermChanges,
    Importer,
    TermsChange,
    TermsRefused,
)
from shared.services.errors import ConflictingUpdate
from shared.services.known_payers import learn_imported
from shared.services.repositories import Repositories
from shared.services.whatsapp_stops import on_the_number, standing_stop, stopped_like

if TYPE_CHECKING:
    from shared.services.client_receipts import ClientReceipts
    from shared.services.due_date_restatement import DueDateRestatements

MAX_ROWS = 1000
RACE_RETRIES = 3
PARALLEL_CHUNKS = 4
_Chunk = Any
_Item = TypeVar("_Item")
_LOCK = Lock()


@dataclass(frozen=True)
class InvoiceDraft:
    number: str
    debtor_number: str
    invoice_date: date
    due_date: date
    amount: Cents
    open_amount: Cents | None = None
    payment_reference: str | None = None
    description: str | None = None
    fourteen_day_letter_on: date | None = None  # sent by the client itself (claim ledger)
    interest_from: date | None = None
    contract_date: date | None = None  # omitted: unchanged (none yet: the invoice date)
    claim_kind: ClaimKind | None = None  # omitted: unchanged


def reference_error(reference: str) -> str | None:
    if betalingskenmerk.is_valid(reference) or iso11649.is_valid(reference):
        return None
    if belgian.is_valid(reference):
        return None
    return "not a valid betalingskenmerk, RF creditor reference or Belgian structured reference"


ZERO_REFERENCE = (
    "a betalingskenmerk of zeros is no reference: a bank reads it as none; leave it empty and "
    "Inning gives the invoice one"
)


class ZeroReference(InvoiceRuleError):
    """A kenmerk of zeros (``betalingskenmerk.is_placeholder``) sent as a new invoice's
    reference or as a changed one: the bank side reads it as no reference (leftover33), so no
    transfer could ever be matched by it. An invoice stored with it keeps it when sent again
    unchanged: its rows and the letters that quote it stay valid."""


def zero_reference_refused(draft: InvoiceDraft, previous: Invoice | None) -> None:
    given = draft.payment_reference
    if not given or not betalingskenmerk.is_placeholder(given):
        return
    stored = previous.payment_reference if previous is not None else None
    if stored is None or betalingskenmerk.normalise(stored) != betalingskenmerk.normalise(given):
        raise ZeroReference(ZERO_REFERENCE)


class ImportService:
    def __init__(
        self,
        repos: Repositories,
        new_client_id: Callable[[], str] | None = None,
        on_invoices_written: Callable[[Client, list[Invoice]], None] | None = None,
        on_debtors_stored: Callable[[str, list[tuple[Debtor | None, Debtor]]], None] | None = None,
        on_invoices_stored: Callable[
            [str, list[tuple[Invoice | None, Invoice]], IndexMarks | None], None
        ]
        | None = None,
        terms: ClaimTermChanges | None = None,
        *,
        receipts: ClientReceipts,
        due_dates: DueDateRestatements | None = None,
        on_claims_of: Callable[[Client, list[Invoice], Mapping[str, Debtor]], None] | None = None,
        index_marks: Callable[[str], IndexMarks] | None = None,
    ):
        self.repos = repos
        # the invoices written with their debtors as the request read them: a debtor's
        # standing puts its holds on them (shared.services.debtor_standing.follow_claims)
        self.on_claims_of = on_claims_of
        # a due date moved on an invoice with payments: its claim restated, marked first so a
        # failure in between leaves it to the retry (law10 F2); None: nothing restated
        self.due_dates = due_dates
        # what a lower open amount in a sync is: known money, paid before the hand-over, or
        # a payment the client received since (law9 F1, F2); booked through the container's
        # one payment service, with its listeners (plans follow the money)
        self.receipts = receipts
        # what an import may change of a claim's legal terms (attack7 #2, #4, #5)
        self.terms = terms or ClaimTermChanges(repos, SystemClock())
        self.new_client_id = new_client_id or (lambda: random_id("cl", 6))
        self.on_invoices_written = on_invoices_written
        # every debtor and invoice written (new or changed), with the version it replaced
        # (None: new), once per request after all its chunks were stored: the console's search
        # index (shared.services.console_search) derives the keys to drop from the old version
        # and writes full transactions
        self.on_debtors_stored = on_debtors_stored
        self.on_invoices_stored = on_invoices_stored
        # a request's one read of whether the matching index and the search keys are kept
        # (both markers in one partition, perf31); None: each asks its own
        self.index_marks = index_marks

    # -- clients ---------------------------------------------------------------------------
    def upsert_clients(
        self,
        agency_id: str,
        rows: Sequence[tuple[int, Client]],
        given: Mapping[int, frozenset[str]] | None = None,
        *,
        by: str = BY_AGENCY,
    ) -> BatchResult:
        """Clients of one agency. Each IBAN gets a pending claim with a verification code; once
        proven, a statement of that account is booked for the client. ``given``: per row, the
        attributes the request sent; an existing client keeps every other one as stored (a
        request that changes one setting must not reset the rest: its verified IBANs, its
        contact e-mail); None: each row is the whole client. ``by``: who registers the IBANs
        (the agency; a self sign-up is the client itself, whose word proves nothing)."""
        result = BatchResult()
        dupes = duplicates([(i, c.number) for i, c in rows])
        known = self.repos.clients.ids_for_numbers(agency_id, [c.number for _, c in rows])
        for index, draft in rows:
            if index in dupes:
                result.reject(
                    index,
                    "number",
                    f"duplicate client number in this batch (first at index {dupes[index]})",
                )
                continue
            existing_id = known.get(draft.number)
            if existing_id is None and not draft.name.strip():
                result.reject(index, "name", "a new client needs a name")
                continue
            try:
                draft = replace(draft, contact_phone=self._contact_phone(draft, existing_id))
            except ValueError as exc:
                result.reject(index, "contact_phone", str(exc))
                continue
            try:
                if existing_id is None:
                    client = replace(draft, client_id=self.new_client_id(), agency_id=agency_id)
                    try:
                        self.repos.clients.save(client, new=True)
                        result.created += 1
                    except Conflict:  # created since we read (a retry of this very request)
                        existing_id = self.repos.clients.id_for_number(agency_id, draft.number)
                        if existing_id is None:
                            raise
                if existing_id is not None:
                    client = replace(draft, client_id=existing_id, agency_id=agency_id)
                    found = self.repos.clients.get(existing_id)
                    if found is not None and given is not None and index in given:
                        sent = given[index] & {f.name for f in fields(Client)}
                        client = replace(found[0], **{a: getattr(draft, a) for a in sent})
                    if found is not None:  # activation is not part of the client's data
                        client = replace(client, active=found[0].active,
                                         rulings_ended=found[0].rulings_ended)  # fmt: skip
                        # claims announced until today keep the cost terms their letters
                        # stated (law8 finding 1)
                        today = amsterdam_date(self.terms.clock.now())
                        client = keep_earlier_terms(found[0], client, today)
                    self.repos.clients.save(client, found[1] if found else None)
                    result.updated += 1
                # an account becomes the client's only by proof (a transfer from it with the
                # code, the client's confirmation of the agency's registration, the agency's
                # decision): registering tells nothing about who else holds it and takes it
                # from nobody (shared.services.account_ownership)
                ownership = AccountOwnership(self.repos)
                sent_ibans = given is None or index not in given or "ibans" in given[index]
                for iban in client.ibans if sent_ibans else ():
                    ownership.request(iban, agency_id, client.client_id, by=by)
                if not client.ibans and not client.sandbox and client.active:
                    # stored, but every reminder's "overmaken naar ..." names the client's
                    # first account: told now, not by a debtor (newcomer24 F1; a sign-up waits
                    # for approval, an onboarding is refused without one)
                    result.notes.append(RowError(index, "ibans", (
                        f"client {client.number} has no bank account: its reminders and "
                        "letters ask debtors to pay to it, so the daily run holds them (an "
                        "action item says so) until one is registered (ibans)"
                    )))  # fmt: skip
            except StorageError as exc:
                result.reject(index, None, f"not stored, retry: {exc.__class__.__name__}")
        return result

    def _contact_phone(self, draft: Client, existing_id: str | None) -> str | None:
        """The row's contact phone in E.164, or ValueError; one stored before numbers were
        checked and sent again unchanged stays as it is (a nightly push of the same rows is
        not refused for it)."""
        phone = (draft.contact_phone or "").strip()
        if not phone:
            return None
        try:
            return normalise_phone(phone)
        except ValueError:
            found = self.repos.clients.get(existing_id) if existing_id else None
            if found is not None and (found[0].contact_phone or "").strip() == phone:
                return found[0].contact_phone
            raise

    # -- debtors ---------------------------------------------------------------------------
    def upsert_debtors(
        self,
        client: Client,
        rows: Sequence[tuple[int, Debtor]],
        stored: dict[str, tuple[Debtor, str | None]] | None = None,
        *,
        only_new: bool = False,
    ) -> BatchResult:
        """``stored``: the rows' debtors as the caller read them already (one read a request).
        ``only_new``: create the debtors not stored and leave every stored one as it is (the
        console's invoice upload makes a row's new debtor, never changes a known one: its
        name column is the bookkeeping's spelling, not the client's debtor record); a stored
        one counts as unchanged, also one another writer created in between."""
        result = BatchResult()
        dupes = duplicates([(i, d.number) for i, d in rows])
        for index, first in dupes.items():
            result.reject(
                index, "number", f"duplicate debtor number in this batch (first at index {first})"
            )
        pending = [(i, replace(d, client_id=client.client_id)) for i, d in rows if i not in dupes]
        # read once for the request, in key order (as for invoices, below)
        if stored is None:
            stored = self.repos.debtors.get_many(client.client_id, [d.number for _, d in pending])
        pending = _shown_words_kept(pending, stored, result)
        chunks = [pending[i : i + MAX_BATCH] for i in range(0, len(pending), MAX_BATCH)]
        changed: list[tuple[Debtor | None, Debtor]] = []
        result = self._in_parallel(
            chunks,
            lambda c: self._write_debtor_chunk(client, c, stored, changed, only_new=only_new),
            result,
        )
        if changed and self.on_debtors_stored is not None:
            self.on_debtors_stored(client.client_id, changed)
        return result

    def _write_debtor_chunk(
        self,
        client: Client,
        chunk: list[tuple[int, Debtor]],
        read: dict[str, tuple[Debtor, str | None]],
        changed: list[tuple[Debtor | None, Debtor]],
        *,
        only_new: bool = False,
    ) -> BatchResult:
        result = BatchResult()
        existing = read
        attempt = 0
        while True:
            if attempt:  # lost a race: re-read this chunk's debtors
                existing = self.repos.debtors.get_many(
                    client.client_id, [d.number for _, d in chunk]
                )
            ops = []
            owners: list[int] = []  # the row of each op, to tell which row storage refused
            stored_debtors: list[tuple[Debtor | None, Debtor]] = []
            notes: list[RowError] = []
            unchanged = 0
            for row_index, debtor in chunk:
                previous = existing.get(debtor.number)
                if previous is not None and only_new:  # stored (since): left as it is
                    unchanged += 1
                    continue
                # the pause state and the standing (deceased, bankrupt) are Inning's, not the
                # CRM's: an update must not lift a pause or bring a dead debtor back to dunning
                merged = (
                    replace(
                        debtor,
                        pause=previous[0].pause,
                        standing=previous[0].standing,
                        pause_ended_on=previous[0].pause_ended_on,
                        pending_line=previous[0].pending_line,  # a pause's line still to write
                    )
                    if previous
                    else debtor
                )
                if previous is not None:
                    stored = self._stop_from_log(client.client_id, previous[0], merged)
                    merged = self._keep_stop(stored, merged, row_index, notes)
                merged = self._stop_of_the_number(
                    client.client_id, previous[0] if previous else None, merged, row_index, notes
                )
                if previous is not None and previous[0] == merged:
                    unchanged += 1
                    continue
                ops.append(self.repos.debtors.write_op(merged, previous[1] if previous else None))
                owners.append(row_index)
                stored_debtors.append((previous[0] if previous else None, merged))
            self._renamed_in_index(stored_debtors)
            # the debtor's own IBANs are known payers (known_payers), learned before its row
            learn_imported(self.repos, client.client_id, stored_debtors)
            try:
                self.repos.debtors.save_ops(ops)
            except TransactionFailed as exc:
                if not _lost_race(exc):  # storage refused one row: reject it, write the others
                    chunk = _without_refused(exc, owners, chunk, result)
                    if not chunk:
                        return result
                    continue
                attempt += 1
                if attempt == RACE_RETRIES:
                    for index, _ in chunk:
                        result.reject(index, None, "changed concurrently by another request; retry")
                    return result
                continue
            changed.extend(stored_debtors)
            result.notes += notes
            created = sum(1 for _, d in chunk if d.number not in existing)
            result.created += created
            result.updated += len(chunk) - created - unchanged
            result.unchanged += unchanged
            return result

    def _stop_from_log(self, client_id: str, stored: Debtor, pushed: Debtor) -> Debtor:
        """A push that would give WhatsApp consent back to a debtor who has none and no STOP
        day: one who sent STOP before STOP days were kept (letters8) has it on his contact
        log; that STOP's day, so that it is kept as any other. Only then is the log read."""
        if (
            stored.whatsapp_stopped_on is not None
            or stored.whatsapp_consent
            or not pushed.whatsapp_consent
            or pushed.mobile != stored.mobile
        ):
            return stored
        from shared.services.operations.whatsapp_stop_backfill import stop_day

        day = stop_day(self.repos, client_id, stored.number)
        return stored if day is None else replace(stored, whatsapp_stopped_on=day)

    @staticmethod
    def _keep_stop(stored: Debtor, pushed: Debtor, index: int, notes: list[RowError]) -> Debtor:
        """A debtor's own WhatsApp STOP outlives the client's push (attack7 #3): consent comes
        back only by his own opt-in (START). A push that repeats the old consent is answered
        with a note; one with another mobile number is about another number (no STOP on it)."""
        if pushed.mobile != stored.mobile:
            return pushed
        if stored.whatsapp_stopped_on is None:  # his last START's time stays his
            return replace(pushed, whatsapp_word_at=stored.whatsapp_word_at)
        if pushed.whatsapp_consent:
            notes.append(RowError(index, "whatsapp_consent",
                f"debtor {pushed.number} withdrew WhatsApp consent himself (STOP, "
                f"{stored.whatsapp_stopped_on}): it stays withdrawn until he sends START"))  # fmt: skip
        return replace(pushed, whatsapp_consent=False, whatsapp_stopped_on=stored.whatsapp_stopped_on,
                       whatsapp_stop_withdrew=stored.whatsapp_stop_withdrew,
                       whatsapp_word_at=stored.whatsapp_word_at)  # fmt: skip

    def _stop_of_the_number(
        self,
        client_id: str,
        stored: Debtor | None,
        pushed: Debtor,
        index: int,
        notes: list[RowError],
    ) -> Debtor:
        """A debtor given WhatsApp consent on a number that said STOP to this client (on
        another of its debtor records, no START since) gets that STOP as its own, with the
        note a push of the same debtor gets (attack9 F4). Read only when consent to a number
        is new for the record: a debtor stored with it before is checked before each send."""
        if (
            not pushed.whatsapp_consent
            or not pushed.mobile
            or pushed.whatsapp_stopped_on is not None
            or (
                stored is not None
                and stored.mobile == pushed.mobile
                and stored.whatsapp_consent
                and stored.whatsapp_stopped_on is None
            )
        ):
            return pushed
        stopped = standing_stop(self.repos, client_id, pushed)
        if stopped is None:
            return pushed
        notes.append(RowError(index, "whatsapp_consent",
            f"the mobile number of debtor {pushed.number} withdrew WhatsApp consent itself "
            f"(STOP, {stopped.whatsapp_stopped_on}, as debtor {stopped.number}): it stays "
            "withdrawn until he sends START"))  # fmt: skip
        on_the_number(self.repos, client_id, pushed)  # his START lifts it here as well
        return stopped_like(pushed, stopped)

    def _renamed_in_index(self, changes: Sequence[tuple[Debtor | None, Debtor]]) -> None:
        """The statement matching index carries each open invoice's debtor name and kind (and
        books on that kind): a debtor whose name or kind changes has its open invoices' rows
        written again first (a crash before the debtor's row leaves the import to be sent
        again, which writes both again)."""
        for old, new in changes:
            if old is not None and (old.name, old.kind) != (new.name, new.kind):
                invoices = self.repos.invoices
                invoices.match_index.debtor_changed(
                    new, invoices.for_debtor(new.client_id, new.number)
                )

    # -- invoices --------------------------------------------------------------------------
    def upsert_invoices(
        self,
        client: Client,
        rows: Sequence[tuple[int, InvoiceDraft]],
        importer: Importer = PLAIN,
    ) -> BatchResult:
        """``importer``: who sends the rows (the claim terms only an administrator changes
        after a letter or a hold: :mod:`shared.services.claim_terms_changes`)."""
        # an earlier request's changes of terms it stored but did not get on the record, and
        # its moved due dates it did not restate
        # (one range read finds both: perf28b)
        left = self.repos.invoices.left_over(client.client_id)
        self.terms.record_left_over(client, left.terms)
        if self.due_dates is not None:
            self.due_dates.finish_left_over(client, left.due_marks)
        result, pending, debtors = self._screen_invoices(client, rows)
        if any(draft.open_amount is not None for _, draft in pending):
            self._lowered_left_over(client)  # only a sync lowers an open amount
        # What is stored is read once for the whole request, in key order: a range read whose
        # cost does not depend on the order the numbers were sent in (chunks read one by one
        # spanned the whole range when the numbers came shuffled, and fell back to point reads).
        stored = self.repos.invoices.get_many(client.client_id, [d.number for _, d in pending])
        # the sync's record is written once its receipts are decided (below): a request that
        # fails before is retried on the record it found, so its receipts keep their day
        runs = self._synced(client, pending)
        books_open_on = runs.open_on if runs is not None else None
        weighed = self._weigh(client, pending, stored, books_open_on)
        # 50 invoices per chunk: each takes two rows (invoice and index) in a transaction
        per_chunk = MAX_BATCH // 2
        chunks = [pending[i : i + per_chunk] for i in range(0, len(pending), per_chunk)]
        writes = _Written()
        result = self._in_parallel(
            chunks,
            lambda c: self._write_invoice_chunk(
                client, c, stored, writes, importer, debtors, weighed
            ),
            result,
        )
        self._follow_up(client, stored, writes, debtors)
        if writes.due_marks and self.due_dates is not None:
            self.due_dates.finish(client, writes.due_marks)
        self._book_receipts(client, pending, stored, weighed, result, books_open_on)
        self._take_back(client, pending, stored, result)
        lowered_by(pending, stored, weighed, result)  # the sender's notes (the lines: written)
        if runs is not None:
            self.repos.invoices.save_sync_runs(client.client_id, runs)
        return result

    def _weigh(
        self,
        client: Client,
        pending: Sequence[tuple[int, InvoiceDraft]],
        stored: Mapping[str, StoredInvoice],
        books_open_on: date | None = None,
    ) -> dict[str, _Weighed]:
        """What each stored invoice's pushed ``open_amount`` reports that Inning did not know
        (:class:`~shared.services.client_receipts.ClientReceipts`), by invoice number;
        ``books_open_on``: the day of the client's sync before this one."""
        weighed: dict[str, _Weighed] = {}
        for _, draft in pending:
            previous = stored.get(draft.number)
            if previous is None or draft.open_amount is None:
                continue
            invoice = previous.invoice
            amount = draft.amount - sum(c for _, c in invoice.credit_notes)
            receipt = self.receipts.weigh(client, invoice, amount, draft.open_amount,
                                          books_open_on=books_open_on)  # fmt: skip
            weighed[draft.number] = (receipt, reported_paid(amount, draft.open_amount))
        return weighed

    def _book_receipts(
        self,
        client: Client,
        pending: Sequence[tuple[int, InvoiceDraft]],
        stored: Mapping[str, StoredInvoice],
        weighed: Mapping[str, _Weighed],
        result: BatchResult,
        books_open_on: date | None = None,
    ) -> None:
        """The money the client received after the hand-over, once its invoice is stored: a
        payment by 6:44 on the day the books last showed less paid (``books_open_on``, at the
        latest today), weighed again under the invoice's ETag (two syncs racing book what
        the books report once); a receipt an earlier attempt decided and a crash left half
        made is finished (a row refused decides nothing new)."""
        refused = {e.index for e in result.errors}
        for index, draft in pending:
            receipt, _ = weighed.get(draft.number, (SyncedReceipt(), 0))
            before = stored.get(draft.number)
            left = before is not None and before.invoice.receipt_pending is not None
            new = bool(receipt.received_by_client) and index not in refused
            if new or left:
                self.receipts.settle(client, draft.number, draft.amount, draft.open_amount,
                                     books_open_on, decide=new)  # fmt: skip

    def _take_back(
        self,
        client: Client,
        pending: Sequence[tuple[int, InvoiceDraft]],
        stored: Mapping[str, StoredInvoice],
        result: BatchResult,
    ) -> None:
        """The client's receipts the books no longer count, taken back where their figure
        is below what stands (:meth:`ClientReceipts.take_back`; law11b F2): below the figure
        kept on the invoice (on an invoice synced before the figure was kept, the principal
        paid on it), or below the principal the client's receipts standing on it paid. The
        second is what finishes a take-back cut off: its first attempt stored the books' new
        figure with the invoice before it took anything back, so its retry, the next sync and
        the daily run saw no drop and 1,000.00 stood where the books said 200.00 came
        (failure12b F). Only an invoice with a client's receipt standing is weighed so."""
        refused = {e.index for e in result.errors}
        for index, draft in pending:
            before = stored.get(draft.number)
            if before is None or draft.open_amount is None or index in refused:
                continue
            invoice = before.invoice
            amount = draft.amount - sum(c for _, c in invoice.credit_notes)
            reported = reported_paid(amount, draft.open_amount)
            if self.receipts.beyond_books(invoice, reported):
                self.receipts.take_back(client, draft.number, draft.amount, draft.open_amount)

    def _synced(
        self, client: Client, pending: Sequence[tuple[int, InvoiceDraft]]
    ) -> SyncRuns | None:
        """A request whose rows carry open amounts is (part of) a sync of the client's books:
        its record, with the last day of the sync before it (``open_on``: the books then still
        showed less paid on an invoice this one reports paid, the earliest day of that money).
        Saved by the caller only once the request's receipts are decided: a record written
        before them made a failed request's retry, more than an hour later, a sync of its own
        whose books "still showed less paid" on the failed request's day (failure11 F4: the
        receipt moved a day, 150.00 costs charged to a consumer who paid in term)."""
        if all(draft.open_amount is None for _, draft in pending):
            return None
        now = self.receipts.clock.now()
        return next_run(self.repos.invoices.sync_runs(client.client_id), now, amsterdam_date(now))

    def _follow_up(
        self,
        client: Client,
        stored: dict[str, StoredInvoice],
        writes: _Written,
        debtors: Mapping[str, Debtor] | None = None,
    ) -> None:
        """The request's follow-up writes, once for all its chunks (match index, open sums,
        search keys, dunning schedule, usage meter), then the chunks' marks off. Invoices that
        an earlier request stored but left without their follow-ups (it failed after its
        chunks: its marks are still on the rows this request read) get them now: a retry
        finishes what the first attempt started."""
        stored = {**stored, **writes.reread}  # the marks a chunk found when it read again
        redo = self._left_over(client, stored, writes)
        changed = writes.changed + [(None, inv) for inv in redo]
        invoices = self.repos.invoices
        if changed:
            marks = self.index_marks(client.client_id) if self.index_marks else None
            matched = marks.matched if marks is not None else None
            invoices.follow_up(client.client_id, changed, debtors, matched)
            if redo:  # what the open sums missed is unknown: have them counted afresh
                invoices.figures.forget(client.client_id)
            if self.on_invoices_stored is not None:
                self.on_invoices_stored(client.client_id, changed, marks)
        # one schedule write for the request (100 rows a transaction), not one per chunk; a
        # left-over invoice is looked at again in the next run (an extra look changes nothing)
        scheduled = writes.scheduled + redo
        if scheduled and self.on_invoices_written is not None:
            self.on_invoices_written(client, scheduled)
        if scheduled and debtors is not None and self.on_claims_of is not None:
            self.on_claims_of(client, scheduled, debtors)
        cleared = [(s.invoice, s.etag) for s in stored.values() if s.follow_ups]
        cleared = [(i, e) for i, e in cleared if i.number not in writes.rewritten]
        if writes.marked or cleared:
            invoices.clear_follow_ups(client.client_id, writes.marked + cleared)

    def _left_over(
        self, client: Client, stored: dict[str, StoredInvoice], writes: _Written
    ) -> list[Invoice]:
        """The invoices an earlier request's marks (on rows this request read) name, except
        those this request wrote itself (they have their follow-ups now), as stored."""
        named = {n for s in stored.values() for n in s.follow_ups} - writes.rewritten
        if not named:
            return []
        unread = sorted(n for n in named if n not in stored)
        found = dict(stored)
        if unread:
            found.update(self.repos.invoices.get_many(client.client_id, unread))
        return [found[n].invoice for n in sorted(named) if n in found]

    def check_invoices(
        self,
        client: Client,
        rows: Sequence[tuple[int, InvoiceDraft]],
        importer: Importer = PLAIN,
        new_debtors: Mapping[str, Debtor] | None = None,
    ) -> BatchResult:
        """What :meth:`upsert_invoices` would refuse, without writing anything (the console's
        preview of an upload): the same screening, then the same merge rules against what is
        stored. Only storage's own refusals and lost races can still differ. ``new_debtors``:
        the debtors the upload creates before its invoices (:meth:`upsert_debtors` with
        ``only_new``), by number: a row of one of them is no unknown debtor's (newcomer16 #5);
        a stored debtor of the same number is the one its invoices go to."""
        result, pending, debtors = self._screen_invoices(client, rows, new_debtors)
        stored = self.repos.invoices.get_many(client.client_id, [d.number for _, d in pending])
        weighed = self._weigh(client, pending, stored)
        for index, draft in pending:
            previous = stored.get(draft.number)
            try:
                invoice = self._merge(client, draft, previous.invoice if previous else None,
                                      weighed)  # fmt: skip
                if previous is not None:
                    debtor = debtors.get(draft.debtor_number)
                    self.terms.check(importer, client, debtor, previous.invoice, invoice,
                                     draft.fourteen_day_letter_on)  # fmt: skip
            except InvoiceRuleError as exc:
                result.reject(index, _field_of(exc), str(exc))
                continue
            # what the write would count (a dry run's answer): a new claim date alone is not
            # seen here
            if previous is None:
                result.created += 1
            elif previous.invoice == invoice:
                result.unchanged += 1
            else:
                result.updated += 1
        lowered_by(pending, stored, weighed, result)
        return result

    def lowered(self, client: Client, rows: Sequence[tuple[int, InvoiceDraft]]) -> list[Lowered]:
        """The rows (to be written as they are) whose open amount lowers what Inning has open
        on a stored invoice, and what of it counts as received by the client: the upload's
        preview lists them (cm18 F12), of the rows :meth:`check_invoices` kept (the drafts
        as screened: no debtor is read again). Nothing is written."""
        stored = self.repos.invoices.get_many(client.client_id, [d.number for _, d in rows])
        return lowered_by(rows, stored, self._weigh(client, rows, stored))

    def _lowered_lines(
        self, chunk: Sequence[tuple[int, InvoiceDraft]], stored: Mapping[str, StoredInvoice],
        weighed: Mapping[str, _Weighed], writing: set[int],
    ) -> list[dict[str, str]]:  # fmt: skip
        """A system line in the debtor's contact log for each invoice of the chunk (of its
        rows ``writing``) the sync lowers: money Inning books as paid to the client leaves a
        trace beside the dossier's "Betaald" (cm18 F12: 200.00 came off F-1003 with no payment
        row, item or line). Keyed once per invoice and figure reported a day: a retried request
        writes the same line. Written with the invoices (:meth:`_write_lowered`)."""
        from shared.services.statements_redo import day_keyed_id

        now = self.receipts.clock.now()
        today = amsterdam_date(now)
        rows = [(i, d) for i, d in chunk if i in writing]
        return [
            {"id": day_keyed_id(today, "books-lowered", low.number, str(low.open_now)),
             "at": now.isoformat(), "debtor": low.debtor_number, "number": low.number,
             "summary": low.summary()}
            for low in lowered_by(rows, stored, weighed)
        ]  # fmt: skip

    def _write_lowered(self, client: Client, key: str, lines: Sequence[Mapping[str, str]]) -> None:
        """The lines of a row written with its invoices, then the row off; a request cut off
        before leaves it to its retry or the client's next sync (failure20 L1)."""
        for line in lines:
            entry = ContactEntry(
                client.client_id, line["debtor"], line["id"], datetime.fromisoformat(line["at"]),
                ContactKind.STATUS, line["summary"], invoice_numbers=(line["number"],),
                system=True,
            )  # fmt: skip
            try:
                self.repos.contacts.add(entry)
            except Conflict:
                continue  # written by the attempt before
        self.repos.invoices.drop_lowered_lines(client.client_id, key)

    def _lowered_left_over(self, client: Client) -> None:
        """The lines of lowered open amounts an earlier sync stored with its invoices and was
        cut off before writing (a 503, a crash): its retry found nothing lowered any more."""
        for key, lines in self.repos.invoices.lowered_lines(client.client_id):
            self._write_lowered(client, key, lines)

    def _screen_invoices(
        self,
        client: Client,
        rows: Sequence[tuple[int, InvoiceDraft]],
        new_debtors: Mapping[str, Debtor] | None = None,
    ) -> tuple[BatchResult, list[tuple[int, InvoiceDraft]], dict[str, Debtor]]:
        """Duplicates in the batch, unknown debtors and invalid references: rejected before
        anything is read or written; the rest is returned to be merged, with the debtors
        read (the matching index's rows carry their names and kinds) and, for a check, the
        ones to be created (``new_debtors``) where none is stored."""
        result = BatchResult()
        dupes = duplicates([(i, d.number) for i, d in rows])
        for index, first in dupes.items():
            result.reject(
                index, "number", f"duplicate invoice number in this batch (first at index {first})"
            )
        candidates = [(i, d) for i, d in rows if i not in dupes]
        found = self.repos.debtors.get_many(
            client.client_id, sorted({d.debtor_number for _, d in candidates})
        )
        known_debtors = {n: d for n, (d, _) in found.items()}
        for number, debtor in (new_debtors or {}).items():
            known_debtors.setdefault(number, debtor)
        pending: list[tuple[int, InvoiceDraft]] = []
        for index, draft in candidates:
            if draft.debtor_number not in known_debtors:
                result.reject(
                    index,
                    "debtor",
                    f"unknown debtor {draft.debtor_number}: create the debtor first",
                )
            elif draft.payment_reference and (err := reference_error(draft.payment_reference)):
                result.reject(index, "payment_reference", err)
            elif (fault := number_fault(draft.number)) and not self._stored(client, draft.number):
                result.reject(index, "number", _SHOWN.format(what="invoice number", fault=fault))
            else:
                pending.append((index, draft))
        return result, pending, known_debtors

    def _stored(self, client: Client, number: str) -> bool:
        """Whether the invoice is stored (one read, only for a number the screen refuses):
        what was stored before attack31's rule is not checked again."""
        return bool(self.repos.invoices.get_many(client.client_id, [number]))

    def _claim_dates(
        self,
        client: Client,
        draft: InvoiceDraft,
        paid: bool = False,
        writes: _Written | None = None,
    ) -> bool:
        """The letter date and default date an import gave, on the claim (idempotent: sending
        them again changes nothing; omitting them keeps what was sent before). True when the
        claim's dates changed: the row is then "updated", though its invoice row is not. On a
        claim with payments (``paid``) a moved default date is marked first and restated with
        the moved due dates (``writes``): the interest's first day moved under them."""
        ledger = LedgerRepository(self.repos.store)
        marked = False
        for _ in range(RACE_RETRIES):
            current = ledger.header(client.client_id, draft.debtor_number, draft.number)
            letter = draft.fourteen_day_letter_on or (
                current.fourteen_day_letter_on if current else None
            )
            start = draft.interest_from or (current.interest_from if current else None)
            # the default date moved (not the letter: a late letter date has its own rules,
            # claim_terms_changes)
            moves = current is not None and current.interest_from != start
            if paid and moves and current and not marked and self.due_dates and writes:
                writes.mark(self.due_dates.mark_dates(client, draft.debtor_number,
                    draft.number, (current.interest_from, start), letter))  # fmt: skip
                marked = True
            try:
                ledger.set_imported(
                    client.client_id, draft.debtor_number, draft.number, letter, start
                )
                before = (
                    (current.fourteen_day_letter_on, current.interest_from) if current else None
                )
                if current is not None and letter is not None and before != (letter, start):
                    self._letter_overtaken(client, draft, letter, current.interest_from, start)
                return before != (letter, start)
            except StorageError:
                continue
        raise ConflictingUpdate(f"claim {draft.number} keeps changing; retry")

    def _letter_overtaken(
        self,
        client: Client,
        draft: InvoiceDraft,
        letter: date,
        was: date | None,
        start: date | None,
    ) -> None:
        """The claim's letter was sent in default of the stored default date and not of the
        new one: it is none now (6:96 lid 6 BW, law11b F1), and the contact log says so."""
        if not in_default(letter, draft.due_date, was) or in_default(letter, draft.due_date, start):
            return
        now = self.terms.clock.now()
        self.repos.contacts.add(
            ContactEntry(
                client.client_id,
                draft.debtor_number,
                time_ordered_id(now),
                now,
                ContactKind.STATUS,
                f"Invoice {draft.number}: default date {was or 'after the due date'} -> {start} "
                f"(import): the 14-day letter of {letter} now precedes default: no collection "
                "costs until a new letter (art. 6:96 BW)",
                invoice_numbers=(draft.number,),
            )
        )

    @staticmethod
    def _in_parallel(
        chunks: list[_Chunk], write: Callable[[_Chunk], BatchResult], result: BatchResult
    ) -> BatchResult:
        """Chunks are independent transactions; a few run at once to hide the round trip
        (well inside a partition's ~2,000 entities/s: 100 entities per request)."""
        with ThreadPoolExecutor(max_workers=PARALLEL_CHUNKS) as pool:
            for part in pool.map(write, chunks):
                result.created += part.created
                result.updated += part.updated
                result.unchanged += part.unchanged
                result.errors += part.errors
                result.notes += part.notes
        return result

    def _merge(
        self,
        client: Client,
        draft: InvoiceDraft,
        previous: Invoice | None,
        weighed: Mapping[str, _Weighed] | None = None,
    ) -> Invoice:
        """The invoice as the row makes it. A new invoice's lower ``open_amount`` is what the
        debtor paid the client before the hand-over; a stored one's is what ``weighed`` made
        of it (only money paid before the hand-over changes the invoice here)."""
        zero_reference_refused(draft, previous)
        if previous is None:
            invoice = Invoice(
                client_id=client.client_id,
                number=draft.number,
                debtor_number=draft.debtor_number,
                invoice_date=draft.invoice_date,
                due_date=draft.due_date,
                amount=draft.amount,
                payment_reference=draft.payment_reference
                or betalingskenmerk.for_invoice(client.client_id, draft.number),
                description=draft.description,
                contract_date=draft.contract_date,
                claim_kind=draft.claim_kind,
                pdf=False,  # none yet: its PDF comes by PUT .../pdf, which notes it here
            )
            return invoice.with_ledger(amount=draft.amount, open_amount=draft.open_amount,
                                       on=self.receipts.today())  # fmt: skip
        if previous.debtor_number != draft.debtor_number:
            raise InvoiceRuleError(
                f"invoice {draft.number} belongs to debtor {previous.debtor_number}; "
                "credit it and send a new invoice instead of moving it"
            )
        moved = replace(
            previous,
            invoice_date=draft.invoice_date,
            due_date=draft.due_date,
            description=draft.description,
            payment_reference=draft.payment_reference or previous.payment_reference,
            contract_date=draft.contract_date or previous.contract_date,
            claim_kind=draft.claim_kind or previous.claim_kind,
        )
        receipt = (weighed or {}).get(draft.number, (SyncedReceipt(), 0))[0]
        # a figure that reports the client's receipt moves with the receipt's decision
        # (ClientReceipts.settle): a request cut off before it decides again when sent again
        on = None if receipt.received_by_client else self.receipts.today()
        return moved.with_ledger(
            amount=draft.amount, open_amount=draft.open_amount,
            settled=receipt.settled_before, on=on,
        )  # fmt: skip

    def _write_invoice_chunk(
        self,
        client: Client,
        chunk: list[tuple[int, InvoiceDraft]],
        read: dict[str, StoredInvoice],
        writes: _Written,
        importer: Importer = PLAIN,
        debtors: Mapping[str, Debtor] | None = None,
        weighed: Mapping[str, _Weighed] | None = None,
    ) -> BatchResult:
        """Write one chunk from what the request read; a chunk that lost a race re-reads its own
        invoices and tries again. What was written (and what to follow up) goes to ``writes``;
        the chunk's first row carries the mark that its follow-ups are still to be done."""
        result = BatchResult()
        stored = read
        # a row the request found absent and a re-read finds stored just as this chunk writes
        # it was made by this request (its own transaction applied, its answer lost and the
        # batch sent again into a 409: failure20 I1) or by a twin sent at once: created
        absent = {d.number for _, d in chunk if d.number not in read}
        attempt = 0
        while True:
            if attempt:  # lost a race: re-read this chunk's invoices
                stored = self.repos.invoices.get_many(
                    client.client_id, [d.number for _, d in chunk]
                )
                writes.saw(stored)
            ops: list[Op] = []
            owners: list[int] = []  # the row of each op, to tell which row storage refused
            written: list[tuple[int, bool | None]] = []  # None: unchanged
            to_schedule: list[Invoice] = []
            stored_invoices: list[tuple[Invoice | None, Invoice]] = []
            rejected: list[tuple[int, str, str]] = []
            decided: list[TermsChange] = []  # an administrator's changes, recorded once stored
            decided_rows: list[int] = []
            moved: dict[str, tuple[date, date]] = {}  # due dates moved under booked money
            for index, draft in chunk:
                previous = stored.get(draft.number)
                try:
                    invoice = self._merge(client, draft, previous.invoice if previous else None,
                                          weighed or {})  # fmt: skip
                    if previous is not None:
                        debtor = (debtors or {}).get(draft.debtor_number)
                        change = self.terms.check(importer, client, debtor, previous.invoice,
                                                  invoice, draft.fourteen_day_letter_on)  # fmt: skip
                        if change is not None:
                            decided.append(change)
                            decided_rows.append(index)
                except InvoiceRuleError as exc:
                    rejected.append((index, _field_of(exc), str(exc)))
                    continue
                if previous is not None and previous.invoice == invoice:
                    # idempotent re-send: nothing to write
                    written.append((index, True if draft.number in absent else None))
                    continue
                new_ops = self.repos.invoices.write_ops(invoice, previous)
                ops += new_ops
                owners += [index] * len(new_ops)
                written.append((index, previous is None))
                stored_invoices.append((previous.invoice if previous else None, invoice))
                if previous is None or previous.invoice.due_date != invoice.due_date:
                    to_schedule.append(invoice)
                    if previous is not None and previous.invoice.payments:
                        moved[invoice.number] = (previous.invoice.due_date, invoice.due_date)
            marked = [new.number for old, new in stored_invoices if _follows_up(old, new)]
            if marked:  # on the chunk's first row, written in the same transaction
                self.repos.invoices.mark_follow_ups(ops[0], marked)
            pending = self.terms.pending(importer, client, decided) if decided else None
            lowered = self._lowered_lines(chunk, stored, weighed or {}, set(owners))
            # the records to make, in the same transaction (failure8 #6, failure20 L1); a full
            # chunk: its halves, each with its own
            if len(ops) + (pending is not None) + bool(lowered) > MAX_BATCH:
                half = len(chunk) // 2
                parts = [
                    self._write_invoice_chunk(
                        client, part, stored, writes, importer, debtors, weighed
                    )
                    for part in (chunk[:half], chunk[half:])
                ]
                return _sum([result, *parts])
            lowered_key = time_ordered_id(self.receipts.clock.now()) if lowered else ""
            if lowered:
                ops.append(self.repos.invoices.lowered_lines_op(
                    client.client_id, lowered_key, lowered))  # fmt: skip
                owners.append(owners[-1])
            if pending is not None:  # last: its record is kept with the last op's etag
                ops.append(self.repos.invoices.pending_terms_op(
                    client.client_id, pending.key, pending.changes))  # fmt: skip
                owners.append(decided_rows[0])
            if moved and self.due_dates is not None:  # marked before the change is stored
                writes.mark(self.due_dates.mark(client, moved))
            try:
                etags = self.repos.invoices.write_many(client.client_id, ops)
            except TransactionFailed as exc:
                if not _lost_race(exc):  # storage refused one row: reject it, write the others
                    chunk = _without_refused(exc, owners, chunk, result)
                    if not chunk:
                        return result
                    continue
                attempt += 1
                if attempt == RACE_RETRIES:
                    for index, _ in chunk:
                        result.reject(index, None, "changed concurrently by another request; retry")
                    return result
                continue
            if ops:
                writes.add(stored_invoices, to_schedule, (etags[0],) if marked else ())
            rejected_rows = {index for index, _, _ in rejected}
            dated: set[int] = set()  # rows whose claim dates changed
            for index, draft in chunk:
                dates = draft.fourteen_day_letter_on or draft.interest_from
                was = stored.get(draft.number)
                paid = was is not None and bool(was.invoice.payments)
                if (
                    dates
                    and index not in rejected_rows
                    and self._claim_dates(client, draft, paid, writes)
                ):
                    dated.add(index)
            if pending is not None:  # after the letter dates: a retry finds them changed
                self.terms.record(client, pending, etags[-1])
            if lowered:
                self._write_lowered(client, lowered_key, lowered)
            for index, field, message in rejected:
                result.reject(index, field, message)
            result.created += sum(1 for _, new in written if new)
            # a new 14-day letter date alone changes the claim, not the invoice row
            result.updated += sum(
                1 for i, new in written if new is False or (new is None and i in dated)
            )
            result.unchanged += sum(1 for i, new in written if new is None and i not in dated)
            return result


# what a stored invoice's pushed open amount reports new, and what the books report paid
_Weighed = tuple[SyncedReceipt, Cents]


@dataclass(frozen=True)
class Lowered:
    """A row whose open amount is below what Inning has open on the stored invoice: the money
    the client's books report paid that Inning did not know counts as received by the client
    (paid to it directly), before the hand-over off the principal with no payment row, after
    it a payment received by the client (:mod:`shared.services.client_receipts`)."""

    index: int
    number: str
    debtor_number: str
    open_was: Cents  # the principal open in Inning before the row
    open_now: Cents  # the row's open amount
    received: Cents  # what counts as received by the client

    def summary(self) -> str:
        """The contact log's words (amounts as the services write them in a summary: the
        console puts them in the page's notation, ``contact_text``)."""
        return (
            f"Invoice {self.number}: the client reported {format_eur_nl(self.received)} "
            f"received directly (open {format_eur_nl(self.open_was)} -> "
            f"{format_eur_nl(self.open_now)} in its books); booked as paid to the client"
        )


def lowered_by(
    pending: Sequence[tuple[int, InvoiceDraft]],
    stored: Mapping[str, StoredInvoice],
    weighed: Mapping[str, _Weighed],
    result: BatchResult | None = None,
) -> list[Lowered]:
    """The rows whose open amount brings Inning money it did not know (``weighed``), a row
    ``result`` refused left out; each also a note on ``result`` for the sender."""
    refused = {e.index for e in result.errors} if result is not None else set()
    found: list[Lowered] = []
    for index, draft in pending:
        receipt = weighed.get(draft.number, (SyncedReceipt(), 0))[0]
        previous = stored.get(draft.number)
        if not receipt.new or previous is None or draft.open_amount is None or index in refused:
            continue
        low = Lowered(index, draft.number, draft.debtor_number, previous.invoice.open_amount,
                      draft.open_amount, receipt.new)  # fmt: skip
        found.append(low)
        if result is not None:
            result.notes.append(RowError(index, "open_amount", (
                f"the open amount lowers {draft.number} from {format_eur_en(low.open_was)} to "
                f"{format_eur_en(low.open_now)}: {format_eur_en(low.received)} counts as "
                "received by you (paid to you directly)"
            )))  # fmt: skip
    return found


# attack31 F3: numbers and names are printed in every letter, e-mail and portal page
_SHOWN = (
    "the {what} {fault}: debtors read it in letters, e-mails and the portal, so it may name "
    "no account and hold no link"
)


def _shown_words_kept(
    rows: list[tuple[int, Debtor]],
    stored: Mapping[str, tuple[Debtor, str | None]],
    result: BatchResult,
) -> list[tuple[int, Debtor]]:
    """The rows whose number and name name no account and hold no link (attack31 F3); the
    others rejected. A stored debtor's number, and its name sent back unchanged, are kept as
    stored (not checked again)."""
    kept = []
    for index, debtor in rows:
        previous = stored.get(debtor.number)
        if previous is None and (fault := number_fault(debtor.number)):
            result.reject(index, "number", _SHOWN.format(what="debtor number", fault=fault))
        elif (previous is None or previous[0].name != debtor.name) and (
            fault := name_fault(debtor.name)
        ):
            result.reject(index, "name", _SHOWN.format(what="debtor's name", fault=fault))
        else:
            kept.append((index, debtor))
    return kept


def _sum(parts: Sequence[BatchResult]) -> BatchResult:
    total = BatchResult()
    for part in parts:
        total.created += part.created
        total.updated += part.updated
        total.unchanged += part.unchanged
        total.errors += part.errors
        total.notes += part.notes
    return total


class _Written:
    """What the chunks of one request wrote (chunks run in parallel: appends only)."""

    def __init__(self) -> None:
        self.changed: list[tuple[Invoice | None, Invoice]] = []  # with the version replaced
        self.scheduled: list[Invoice] = []  # new, or with a new due date
        self.marked: list[tuple[Invoice, str | None]] = []  # each chunk's marked row, its etag
        self.rewritten: set[str] = set()
        self.due_marks: set[str] = set()  # the moved due dates' marks (DueDateRestatements)
        # rows a chunk read again after a lost race that carry follow-up marks: the race may
        # have been lost to the chunk's own transaction, applied and retried by the storage
        # client into a 409/412 (failure20 I1), and its invoices then read as unchanged
        self.reread: dict[str, StoredInvoice] = {}

    def saw(self, stored: Mapping[str, StoredInvoice]) -> None:
        with _LOCK:
            self.reread.update({n: s for n, s in stored.items() if s.follow_ups})

    def mark(self, key: str) -> None:
        with _LOCK:
            self.due_marks.add(key)

    def add(
        self,
        changed: list[tuple[Invoice | None, Invoice]],
        scheduled: list[Invoice],
        marked_etag: tuple[str | None, ...],
    ) -> None:
        """``marked_etag``: the etag of the chunk's first row when it carries a mark."""
        with _LOCK:
            self.changed += changed
            self.scheduled += scheduled
            for etag in marked_etag:
                self.marked.append((changed[0][1], etag))
            self.rewritten.update(inv.number for _, inv in changed)


def _field_of(exc: InvoiceRuleError) -> str:
    """The field a merge refusal is about (a terms refusal names its own)."""
    if isinstance(exc, TermsRefused):
        return exc.field
    if isinstance(exc, ZeroReference):
        return "payment_reference"
    text = str(exc)
    if "due date" in text:
        return "due_date"
    return "amount" if "amount" in text or "paid" in text else "number"


def _follows_up(old: Invoice | None, new: Invoice) -> bool:
    """Whether writing ``new`` over ``old`` leaves a follow-up anything to write: the match
    index, the open sums, the search keys or the dunning schedule (an update of only the
    description or the invoice date has none, and needs no mark)."""
    if old is None or old.due_date != new.due_date:
        return True
    if open_changes([(old, new)]) or invoice_terms(old) != invoice_terms(new):
        return True
    return {k: r.data for k, r in index_rows(old).items()} != {
        k: r.data for k, r in index_rows(new).items()
    }


def _without_refused(
    exc: TransactionFailed, owners: list[int], chunk: list[tuple[int, _Item]], result: BatchResult
) -> list[tuple[int, _Item]]:
    """Storage refused one operation of the transaction: reject its row (every row when it
    cannot tell which) and keep the others for the next attempt."""
    bad = owners[exc.index] if 0 <= exc.index < len(owners) else None
    refused = {i for i, _ in chunk if bad is None or i == bad}
    for index in sorted(refused):
        result.reject(index, None, f"not stored: {exc.cause}")
    return [(i, item) for i, item in chunk if i not in refused]


def _lost_race(exc: TransactionFailed) -> bool:
    """Another writer got there first (409 on an insert, 412 on an ETag): read and try again."""
    return isinstance(exc.cause, Conflict | PreconditionFailed)
