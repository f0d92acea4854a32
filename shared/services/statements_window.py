"""A window of statement lines booked together: claimed, booked and settled per window, the
writes of all its payments made per partition in entity-group transactions.

The one-line path (:meth:`StatementService._line`) makes about twenty requests one after
another for a booked line. A window of up to :data:`WINDOW` lines instead:

1. matches its lines in order against the index, seen through what the window booked so far
   (an invoice paid by an earlier line is gone or has its new open amount), with each debtor's
   claims (invoices and ledger) read once per window and booked in memory: lines that touch the
   same debtor see each other's bookings, as on the one-line path; nothing is written;
2. claims all its lines in one transaction, each with what was decided for it: ``booking``
   with the booking written down, or ``pending`` (all new, or none claimed: a redelivery, an
   overlapping statement or a concurrent delivery sends the window's lines down the one-line
   path, which finishes what an earlier attempt wrote down). Until perf17 the claim came first
   and the bookings were written down under its ETags after matching, two transactions where
   one does: a delivery that loses the claim now loses the reads of its matching instead;
3. writes, in this order, each step per partition in transactions: the ledger (a debtor's
   claims in one transaction, headers guarded by the ETags they were read with); the payment
   rows; the invoices (guarded by the ETags of the rows read); the matching index and the
   Today sums; the payers' accounts, return references and the contact log; the action items;
   the lines settled (each guarded by its claim's ETag).

Exactly once: every step is the one-line path's step for many lines, in the same order, so a
crash anywhere leaves the lines ``pending`` (matched again) or ``booking`` (finished with the
designation written down, :meth:`PaymentService.book` being idempotent per payment id, and
what the window writes after the payment row written again: :mod:`statements_redo`). A write
that loses a race (an ETag moved: staff or a Mollie payment changed a claim meanwhile) sends the
lines it carried to the one-line path, which reads again. A line the window cannot book in
memory (a return, a designation over two debtors, a ledger rule) is booked on the one-line path
after the window's pending writes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from shared.adapters.tables import ledger_digest, schema
from shared.adapters.tables.banking_repo import (
    AccountOwner,
    KnownPayers,
    LineRecord,
)
from shared.adapters.tables.debtor_open_invoices import open_of_rows
from shared.adapters.tables.invoices_repo import invoice_from_row, invoice_to_row
from shared.adapters.tables.keys import encode
from shared.adapters.tables.ledger_repo import (
    CLAIMS_PER_TRANSACTION,
    ClaimWrite,
    LedgerRepository,
    StoredClaim,
    named_op,
)
from shared.adapters.tables.match_index_repo import indexed_open, is_indexed, is_matchable
from shared.adapters.tables.payer_digest import PayerDigest
from shared.adapters.tables.records_repo import ContactLogRepository
from shared.domain.figures.portfolio import open_changes
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import Invoice, InvoiceRuleError, InvoiceStatus
from shared.domain.ledger import booking
from shared.domain.ledger.booking import LedgerRuleError
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimFigures, LedgerEvent
from shared.domain.ledger.replay import open_claims
from shared.domain.ledger.terms import claim_terms
from shared.domain.money import Cents
from shared.domain.parties import Client, Debtor, DebtorKind
from shared.domain.records import (
    ActionItem,
    AllocatedAmount,
    Payment,
    PaymentSource,
    Receiver,
)
from shared.domain.standing import natural_obligation
from shared.domain.statements.batches import may_be_own_collection, names_batch
from shared.domain.statements.designation import line_designation
from shared.domain.statements.letter_asks import asked_in_term
from shared.domain.statements.matching import (
    Allocation,
    Asked,
    AskedTotals,
    LineMatch,
    Lookups,
    MatchSettings,
    OpenInvoice,
    match_line,
)
from shared.domain.statements.model import Statement, StatementLine, line_reference
from shared.ports.tables import (
    MAX_BATCH,
    Op,
    OpKind,
    Row,
    StorageError,
    all_rows,
    prefix_range,
)
from shared.services.client_receipts import SYNC_PREFIX
from shared.services.ledger.costs_holds import ended_plan_held_on, principal_plan_ran_on
from shared.services.ledger.plan_parts import PlansById
from shared.services.ledger.service import DebtorClaims
from shared.services.plan_designation import PlanMemo, plan_invoices_named
from shared.services.statement_lookups import (
    SEP,
    ClientLookups,
    PooledLookups,
    SingleFlight,
    claim_total,
)
from shared.services.statement_references import quoted_debtor
from shared.services.statement_returns import return_refs
from shared.services.statements_redo import (
    UNDONE,
    booking_time,
    overpayment_item,
    payment_entry,
    refused,
)

if TYPE_CHECKING:
    from shared.services.statements import IngestReport, StatementService

log = logging.getLogger("inning.statements")

WINDOW = 100  # lines claimed, booked and settled together (a transaction holds 100 rows)
THREADS = 8  # a window's independent reads made at once
# a ledger transaction's rows: one place of the batch is kept for the digest of ledger debtors
LEDGER_OPS = MAX_BATCH - 1
# a client's invoices held by payment plans, read in one page per window; a client with more
# is asked per debtor booked (plans/service.py principal_first) as before
PLAN_PAGE = 1000


@dataclass(eq=False)
class _DebtorBook:
    """One debtor's claims as the window sees them: as read, then as booked in memory."""

    client: Client
    number: str
    claims: DebtorClaims
    read: dict[str, Invoice]  # the invoices as read
    etags: dict[str, str | None]  # of the rows read (``i|`` copies)
    writes: dict[str, ClaimWrite] = field(default_factory=dict)  # claim -> what to write
    changed: set[str] = field(default_factory=set)  # invoices booked on in the window
    # the claims a running principal-only plan holds (read once per debtor and window)
    principal_first: frozenset[str] | None = None
    # claims booked on whose plan held them on the day received and has ended since (lapsed):
    # their plan hears of the booking, though the window's plan members leave them out
    plan_ended: set[str] = field(default_factory=set)
    # a booking moved other payments' money (a back-dated line restated a claim): their
    # invoices follow only after the window's writes, so its later lines take the one-line path
    stale: bool = False


@dataclass(eq=False)
class _Booked:
    line: StatementLine
    line_id: str
    record: LineRecord
    client: Client
    debtor: _DebtorBook
    payment: Payment
    numbers: list[str]
    moved: tuple[str, ...] = ()  # other payments whose money its booking moved


class StatementWindow:
    """Up to :data:`WINDOW` claimed lines of one statement, matched in order, booked in
    memory and written together by :meth:`flush`."""

    def __init__(
        self,
        service: StatementService,
        statement: Statement,
        clients: list[Client],
        owner: AccountOwner,
        lookups: Lookups,
        settings: MatchSettings,
        report: IngestReport,
        redo: Callable[[StatementLine, str], None],
        threads: int = THREADS,
        ledger_debtors: Mapping[str, ledger_digest.LedgerDebtors] | None = None,
        written: bool = False,
        claimed_before: Callable[[], bool] | None = None,
    ) -> None:
        self.service = service
        # asked when the window's first claim finds a line claimed before: True, the
        # statement was booked whole before (its lines are dropped, ``skipped``); False, its
        # lines take the one-line path (None: they do, the window is not its first)
        self.claimed_before = claimed_before
        self.skipped = False
        # the statement is the client's own upload (statement_sources): the payers its
        # bookings teach are the client's word (``said``), its references the client's
        self.written = written
        self.owner = owner
        self.repos = service.repos
        self.statement = statement
        self.clients = clients
        self.by_id = {c.client_id: c for c in clients}
        self.pooled = isinstance(lookups, PooledLookups)
        self.parts: dict[str, ClientLookups] = {}
        self.code_only: dict[str, MatchSettings] | None = None
        self.handed: dict[str, frozenset[str]] | None = None
        if isinstance(lookups, PooledLookups):
            self.parts = {p.client.client_id: p for p in lookups.parts}
            self.code_only = lookups.code_only
            self.handed = lookups.handed
        elif isinstance(lookups, ClientLookups):
            self.parts = {lookups.client.client_id: lookups}
        self.lookups = lookups
        self.settings = settings
        self.report = report
        self.redo = redo  # the one-line path for a line (reads its record again)
        self.threads = threads  # parallel reads of the prefetch
        # the open totals: the whole claim from the ledger, or the principal, both computed
        # from the window's books; any other provider is asked per line (see _totals)
        self.ledger_totals = bool(getattr(service.open_totals, "from_ledger", False))
        self.own_totals = self.ledger_totals or service.open_totals is _principal_totals()
        # client -> its console search index is built (read once per window, not per line)
        self.search_built: dict[str, bool] = {}
        self.first_ledger_digests = dict(ledger_debtors or {})  # read before the claim
        self._reset()

    def _reset(self) -> None:
        self.books: dict[tuple[str, str], _DebtorBook] = {}
        # the lines decided (booked in memory or settled) since the last flush, in order:
        # claimed by the flush with what was decided for them
        self.decided: list[tuple[StatementLine, str]] = []
        self.booked: list[_Booked] = []
        self.actions: list[tuple[LineRecord, str, ActionItem]] = []  # (record, status, item)
        self.settled: list[tuple[LineRecord, str, dict[str, object]]] = []
        self.learned: dict[tuple[str, str], set[str]] = {}  # (client, payer IBAN) -> debtors
        # what was read for this window (by the prefetch's threads or in line order)
        self.answers: dict[tuple[object, ...], list[OpenInvoice]] = {}
        # (client, debtor) -> its invoice rows as read (of_debtor and the debtor's book)
        self.invoice_rows: dict[tuple[str, str], list[Row]] = {}
        self.reads: dict[
            tuple[str, str], tuple[DebtorClaims, dict[str, Invoice], dict[str, str | None]]
        ] = {}
        self.learned_as_read: dict[tuple[str, str], frozenset[str]] = {}  # paid from
        # (client, payer IBAN) -> debtors the client only said it is of (known_payers)
        self.said_as_read: dict[tuple[str, str], frozenset[str]] = {}
        self.learned_new: set[tuple[str, str]] = set()  # learned by this window's bookings
        # (client, payer IBAN) -> debtors a client-written booking taught (said, not paid)
        self.said_new: dict[tuple[str, str], set[str]] = {}
        self.digests: dict[str, PayerDigest] = {}  # client -> its learned accounts' digest
        # client -> which debtors have ledger rows (ledger_digest), read once per window
        self.ledger_digests: dict[str, ledger_digest.LedgerDebtors] = dict(
            self.first_ledger_digests
        )
        self.first_ledger_digests = {}  # a window flushed in parts reads it again after
        self.digest_lock = threading.Lock()  # read once, whichever prefetch thread asks
        # the window's reads each made once, whichever prefetch thread asks first
        self.once = SingleFlight()
        # (client, debtor) -> the debtor as the index rows named it (name and kind: the rows
        # are authoritative, match_index_repo VERSION 3), its row not read
        self.hinted: dict[tuple[str, str], Debtor] = {}
        # (client, debtor, day) -> (the claims replayed, their figures): see _figures
        self.figures: dict[tuple[str, str, date], tuple[DebtorClaims, dict[str, ClaimFigures]]] = {}
        # client -> {invoice: plan id} of every invoice a plan holds (None: more than a page)
        self.plan_members: dict[str, dict[str, str] | None] = {}
        # client -> its plans by id read for this window's claims and principal-first checks
        # (a debtor's claims name each plan he had: read once here, not once per claims read)
        self.plans_by_id: dict[str, PlansById] = {}
        # the window's changes to the Today sums, per client (or action scope): recorded as
        # one change row each at the end of the flush (_record_sums), not one per kind
        self.sums: dict[str, _Sums] = {}

    # -- keys ----------------------------------------------------------------------------------
    def _split_key(self, key: str) -> tuple[str, str]:
        if SEP in key:
            client_id, local = key.split(SEP, 1)
            return client_id, local
        return self.clients[0].client_id, key

    def _key(self, client_id: str, local: str) -> str:
        return f"{client_id}{SEP}{local}" if self.pooled else local

    # -- what the window booked, seen by the lookups -------------------------------------------
    def _current(self, client_id: str, number: str) -> Invoice | None:
        """The invoice as booked in this window, when a line of the window booked on it."""
        for (cid, _), book in self.books.items():
            if cid == client_id and number in book.changed:
                return book.claims.invoices[number]
        return None

    def _live(self, hits: Sequence[OpenInvoice]) -> list[OpenInvoice]:
        out = []
        for inv in hits:
            client_id, local = self._split_key(inv.number)
            now = self._current(client_id, local)
            if now is None:
                out.append(inv)
            elif is_indexed(now):
                out.append(replace(inv, open_amount=indexed_open(now)))
        return out

    def _raw(self, method: str, *args: object) -> list[OpenInvoice]:
        """The index's answer as stored, read once per window (the prefetch may have)."""
        key = (method, *args)

        # each read named as its method: the benchmark files requests under the innermost
        # service function (bench/statement_requests.py), as before the reads were made once
        def _raw() -> list[OpenInvoice]:
            if method == "of_debtor":
                return self._of_debtor_read(str(args[0]))
            answer: list[OpenInvoice] = getattr(self.lookups, method)(*args)
            return answer

        return self.once.get(self.answers, key, _raw)

    def _of_debtor_read(self, debtor: str) -> list[OpenInvoice]:
        """A debtor's open invoices from his invoice rows: a debtor a payer's account names is
        a candidate whose claims the line's totals read next, from the same rows
        (:meth:`_read_book`), so one range read serves both (a range read is what grows with
        the table on Azurite: docs/performance.md, round 15). His name and kind from his own
        row: a point read, once a file, only when something of his is open (codereview15 F3).
        The same invoices in the same order, at most a page (``RANGE_CAP``), as the index's
        ``d|`` rows gave them until its version 5 (perf26). A debtor with a long paid history
        costs a request per 1,000 of his rows, which his book reads anyway: perf16 asked the
        index's ``d|`` page for him when his rows were more than a page, a read that no longer
        exists."""
        client_id, local = self._split_key(debtor)
        client = self.by_id.get(client_id)
        part = self.parts.get(client_id)
        if client is None or part is None:
            return self.lookups.of_debtor(debtor)
        rows = self._invoice_rows(client.client_id, local)

        def named() -> Debtor | None:
            # as read already, or as an index row named it (authoritative), else its row
            return part.known(local) or self.hinted.get((client_id, local)) or part.debtor(local)

        return [
            replace(
                inv,
                number=self._key(client_id, inv.number),
                debtor=self._key(client_id, inv.debtor),
            )
            for inv in open_of_rows(rows, named)
        ]

    def _invoice_rows(self, client_id: str, number: str) -> list[Row]:
        """A debtor's invoice rows as stored, read once per window, after the client's digest
        of ledger debtors (see :meth:`_read_book`)."""
        key = (client_id, number)

        def _invoice_rows() -> list[Row]:
            self._ledger_debtors(client_id)
            return list(
                all_rows(
                    self.repos.store,
                    schema.INVOICES,
                    pk=encode(client_id),
                    rk_range=prefix_range(schema.debtor_invoices_prefix(number)),
                )
            )

        return self.once.get(self.invoice_rows, key, _invoice_rows)

    def by_reference(self, reference: str) -> list[OpenInvoice]:
        return self._live(self._raw("by_reference", reference))

    def by_tail(self, tail: str) -> list[OpenInvoice]:
        return self._live(self._raw("by_tail", tail))

    def of_debtor(self, debtor: str) -> list[OpenInvoice]:
        return self._live(self._raw("of_debtor", debtor))

    def by_amount(self, amount: Cents, limit: int) -> list[OpenInvoice]:
        raw = self._raw("by_amount", amount, limit)
        hits = [i for i in self._live(raw) if i.open_amount == amount]
        seen = {i.number for i in hits}
        for (client_id, _), book in self.books.items():  # paid in part in this window
            for number in sorted(book.changed):
                inv = book.claims.invoices[number]
                key = self._key(client_id, number)
                if key not in seen and is_matchable(inv) and inv.open_amount == amount:
                    hits.append(
                        OpenInvoice(
                            number=key,
                            debtor=self._key(client_id, inv.debtor_number),
                            debtor_name="",
                            open_amount=inv.open_amount,
                            payment_reference=inv.payment_reference,
                            due_date=inv.due_date,
                        )
                    )
        return hits[:limit]

    def with_names(self, invoices: Sequence[OpenInvoice]) -> list[OpenInvoice]:
        return self.lookups.with_names(invoices)

    def debtors_for_iban(self, iban: str) -> set[str]:
        """As :class:`ClientLookups` answers, with this window's bookings: on a pooled
        account only debtors paid from the account, on a client's own also those said."""
        out: set[str] = set()
        for client_id in self.parts:
            out |= {self._key(client_id, d) for d in self._learned(client_id, iban)}
            if not self.pooled:
                out |= {self._key(client_id, d) for d in self._said(client_id, iban)}
        return out

    def payer_of_several(self, iban: str) -> bool:
        if not self.pooled:
            return False
        knowing = [c for c in self.parts if self._learned(c, iban) or self._said(c, iban)]
        return len(knowing) > 1

    def _said(self, client_id: str, iban: str) -> frozenset[str]:
        self._learned_read(client_id, iban)
        return self.said_as_read[(client_id, _iban_key(iban))]

    def consume(self, allocations: Iterable[Allocation]) -> None:
        return None  # the window's books hold what was booked

    def _learned(self, client_id: str, iban: str) -> set[str]:
        key = (client_id, _iban_key(iban))
        if key not in self.learned:
            self.learned[key] = set(self._learned_read(client_id, iban))
        return self.learned[key]

    def _learned_read(self, client_id: str, iban: str) -> frozenset[str]:
        """The debtors learned for the payer's account from payments, as stored (those the
        client only said it is of in ``said_as_read``): read only when the client's digest of
        learned accounts may hold it (most payers were never learned)."""
        key = (client_id, _iban_key(iban))

        def _learned_read() -> frozenset[str]:
            if self._digest(client_id).may_know(key[1]):
                found = self.repos.banking.known_payers(client_id, key[1])
            else:
                found = KnownPayers()
            self.said_as_read[key] = found.said  # before the paid ones: asked after them
            return found.paid

        return self.once.get(self.learned_as_read, key, _learned_read)

    def _digest(self, client_id: str) -> PayerDigest:
        """The client's digest of learned accounts, read once per window (a learning of an
        earlier window or another writer is in it; this window's own are in ``learned``)."""
        with self.digest_lock:
            if client_id not in self.digests:
                self.digests[client_id] = self.repos.banking.payer_digest(client_id)
            return self.digests[client_id]

    # -- a debtor's claims, read once per window -----------------------------------------------
    def _debtor_book(
        self, client: Client, number: str, named: OpenInvoice | None = None
    ) -> _DebtorBook:
        key = (client.client_id, number)
        if key in self.books:
            return self.books[key]
        claims, read, etags = self._read_book(client, number, named)
        book = _DebtorBook(client, number, claims, dict(read), dict(etags))
        self.books[key] = book
        return book

    def _read_book(
        self, client: Client, number: str, named: OpenInvoice | None = None
    ) -> tuple[DebtorClaims, dict[str, Invoice], dict[str, str | None]]:
        """A debtor's claims as stored (invoices with the ETags of their rows, the ledger),
        read once per window (the prefetch may have). ``named``: an index row of the debtor
        carrying its name and kind, which spares reading the debtor (the rows are kept up to
        date with the debtor: match_index_repo)."""
        key = (client.client_id, number)
        return self.once.get(self.reads, key, lambda: self._read_claims(client, number, named))

    def _read_claims(
        self, client: Client, number: str, named: OpenInvoice | None
    ) -> tuple[DebtorClaims, dict[str, Invoice], dict[str, str | None]]:
        key = (client.client_id, number)
        part = self.parts.get(client.client_id)
        debtor: Debtor | None = part.known(number) if part else None
        if debtor is None and key in self.hinted:
            debtor = self.hinted[key]
        elif debtor is None and part is not None and named is not None and named.debtor_kind:
            debtor = Debtor(
                client.client_id, number, DebtorKind(named.debtor_kind), named.debtor_name
            )
            self.hinted[key] = debtor
        elif debtor is None and part is not None:
            debtor = part.debtor(number)
        if debtor is None and part is None:
            found = self.repos.debtors.get(client.client_id, number)
            debtor = found[0] if found else None
        # the digest before the invoices: a debtor's first ledger rows written after it are
        # either seen in its invoices (a payment or credit is written to the ledger first,
        # then to the invoice: then the ledger is read) or not yet there for this window
        seen = self._ledger_debtors(client.client_id)
        rows = self._invoice_rows(client.client_id, number)  # of_debtor may have read them
        invoices = [invoice_from_row(r) for r in rows]
        if ledger_digest.may_have(seen, number) or not all(map(_untouched, invoices)):
            claims = self.service.payments.ledger.debtor_claims(
                client, number, debtor, invoices, plans=self._plans(client.client_id)
            )
        else:  # the digest of ledger debtors says its ledger has no row: no read
            claims = _without_ledger(client, debtor, invoices)
        return (
            claims,
            {i.number: i for i in invoices},
            {i.number: r.etag for i, r in zip(invoices, rows, strict=True)},
        )

    def _ledger_debtors(self, client_id: str) -> ledger_digest.LedgerDebtors:
        """The client's digest of ledger debtors, read once per window, before the window's
        first debtor's invoices (built the first time a window meets a client whose ledger
        predates it). A debtor's first ledger rows written after it that its invoices do not
        show (costs, imported dates) are missed, as a ledger read at that moment would have
        missed them; a booking on such a debtor inserts its claim's header and loses that
        race (the one-line path reads again)."""
        with self.digest_lock:
            if client_id not in self.ledger_digests:
                repo = self.service.payments.ledger.ledger
                self.ledger_digests[client_id] = repo.ledger_debtors(client_id)
            return self.ledger_digests[client_id]

    def _totals(
        self, on: date, amount: Cents, *, speculative: bool = False
    ) -> Callable[[Sequence[OpenInvoice]], dict[str, Cents]]:
        """The matcher's open totals from the window's books: the whole claim on ``on`` (the
        ledger), or the principal still open when the service matches on principal.

        A claim whose principal still open exceeds the line's ``amount`` is taken at that
        principal without reading its debtor's claims: its whole claim is at least its
        principal, so against this line it is a partial payment either way, no set holding it
        adds up to the amount, and an allocation takes the line's whole amount from it (the
        matcher compares open totals only with the line's amount). Only the claims that could
        be paid exactly or overpaid need the ledger: a debtor named by a reference or number
        whose invoices are all larger than the payment costs no read."""

        if not self.own_totals:
            return self.service._totals_for(self.clients, on)

        def totals(invoices: Sequence[OpenInvoice]) -> dict[str, Cents]:
            out: dict[str, Cents] = {}
            groups: dict[tuple[str, str], list[OpenInvoice]] = {}
            for inv in invoices:
                client_id, _ = self._split_key(inv.number)
                groups.setdefault((client_id, self._split_key(inv.debtor)[1]), []).append(inv)
            for (client_id, debtor), invs in groups.items():
                client = self.by_id.get(client_id)
                read = (client_id, debtor) in self.reads or (client_id, debtor) in self.books
                if client is None or (not read and all(i.open_amount > amount for i in invs)):
                    out.update({i.number: i.open_amount for i in invs})
                    continue
                named = next((i for i in invs if i.debtor_kind), None)
                if speculative:
                    claims, changed = self._read_book(client, debtor, named)[0], set()
                else:
                    book = self._debtor_book(client, debtor, named)
                    claims, changed = book.claims, book.changed
                figures = self._figures(client_id, debtor, claims, on) if self.ledger_totals else {}
                for inv in invs:
                    local = self._split_key(inv.number)[1]
                    if local in figures:
                        out[inv.number] = claim_total(figures[local])
                    elif local in claims.invoices and local in changed:
                        out[inv.number] = indexed_open(claims.invoices[local])
                    else:
                        out[inv.number] = inv.open_amount
            return out

        return totals

    def _asked(self, on: date, amount: Cents, *, speculative: bool = False) -> AskedTotals | None:
        """What letters whose term still runs asked for the matcher's invoices, from the
        window's books (letter_asks; newcomer17 F7); None where the service matches on
        principal or its own provider (which answers it itself)."""
        if not self.own_totals:
            return self.service._asked_for(self.clients, on)
        if not self.ledger_totals:
            return None

        def asked(invoices: Sequence[OpenInvoice]) -> dict[str, Asked]:
            out: dict[str, Asked] = {}
            debtors: dict[tuple[str, str], OpenInvoice] = {}
            for inv in invoices:
                # a letter asks at least each invoice's principal: one larger than the line
                # is in no letter it pays, and a debtor with only such invoices costs no read
                if inv.open_amount <= amount:
                    client_id, _ = self._split_key(inv.number)
                    debtors.setdefault((client_id, self._split_key(inv.debtor)[1]), inv)
            for (client_id, debtor), first in debtors.items():
                client = self.by_id.get(client_id)
                if client is None:
                    continue
                named = first if first.debtor_kind else None
                if speculative:
                    claims = self._read_book(client, debtor, named)[0]
                else:
                    claims = self._debtor_book(client, debtor, named).claims
                found = asked_in_term(
                    debtor,
                    self._figures(client_id, debtor, claims, on),
                    on,
                    lambda day, c=claims, k=client_id, d=debtor: self._figures(k, d, c, day),  # type: ignore[misc]
                )
                out.update(
                    {
                        self._key(client_id, number): replace(
                            a, letter=self._key(client_id, a.letter)
                        )
                        for number, a in found.items()
                    }
                )
            return out

        return asked

    def _figures(
        self, client_id: str, debtor: str, claims: DebtorClaims, on: date
    ) -> dict[str, ClaimFigures]:
        """The debtor's claims on ``on`` replayed from its ledger, once per state of its
        claims and day: every line that names the debtor asks again (the prefetch and the
        line itself, and each candidate set), and the replay was most of a line's CPU."""
        key = (client_id, debtor, on)
        cached = self.figures.get(key)
        if cached is not None and cached[0] is claims:
            return cached[1]
        figures = open_claims(claims.records, on, self.service.payments.ledger.rates())
        self.figures[key] = (claims, figures)
        return figures

    # -- the window's independent reads, made in parallel -------------------------------------
    def prefetch(self, lines: Sequence[StatementLine]) -> None:
        """Match every credit line of the window once in parallel threads, as if no line of
        the window booked anything, keeping what they read: the index's answers, the debtors'
        claims and names, the payers' accounts. Matching in line order then reads only what
        an earlier line's booking made different. Nothing is decided or written here."""
        credits = [x for x in lines if x.amount > 0 and not x.is_return]
        if len(credits) < 2 or not self.own_totals or self.threads < 2:
            return
        view = _Speculation(self)

        def warm(line: StatementLine) -> None:
            totals = self._totals(line.booking_date, line.amount, speculative=True)
            asked = self._asked(line.booking_date, line.amount, speculative=True)
            try:
                match_line(0, line, view, self.settings, totals, asked, self.code_only, self.handed)
            except Exception:  # a read that fails here is made again, in order, where it counts
                log.debug("prefetch of a statement line failed", exc_info=True)

        with ThreadPoolExecutor(max_workers=min(self.threads, len(credits))) as pool:
            list(pool.map(warm, credits))

    # -- one line ------------------------------------------------------------------------------
    def line(self, line: StatementLine, line_id: str, record: LineRecord) -> None:
        """Decide the line (``record``: not claimed yet, :meth:`flush` claims it)."""
        if self.skipped:
            return
        if (
            line.is_return
            or (line.amount > 0 and not self.clients)
            or names_batch(line)  # a batch's sum or part: ours (collected) or listed
            or may_be_own_collection(line)  # one of our collections: looked up there
        ):
            self.flush()  # a return may reopen a claim this window holds
            if not self.skipped:
                self.redo(line, line_id)
            return
        if line.amount <= 0:
            self.decided.append((line, line_id))
            self.settled.append((record, "debit", self._fields(line, None, None)))
            return
        result = match_line(
            0,
            line,
            self,
            self.settings,
            self._totals(line.booking_date, line.amount),
            self._asked(line.booking_date, line.amount),
            self.code_only,
            self.handed,
        )
        if result.booked and result.best is not None and self._book(line, line_id, record, result):
            self.decided.append((line, line_id))
            return
        if result.booked and result.best is not None:  # the window could not book it in memory
            self.flush()
            if not self.skipped:
                self.redo(line, line_id)
            return
        self.decided.append((line, line_id))
        self._suggest(line, line_id, record, result)

    def _book(
        self, line: StatementLine, line_id: str, record: LineRecord, result: LineMatch
    ) -> bool:
        """Book the line in memory; False when it must take the one-line path."""
        assert result.best is not None
        keys = [a.invoice_number for a in result.booked]
        client_id = self._split_key(keys[0])[0]
        client = self.by_id.get(client_id)
        debtors = {self._split_key(i.debtor)[1] for i in result.best.invoices}
        if client is None or len(debtors) != 1:
            return False
        named = next((i for i in result.best.invoices if i.debtor_kind), None)
        book = self._debtor_book(client, debtors.pop(), named)
        numbers = [self._split_key(k)[1] for k in keys]
        # the invoices still stand as the index said (a crash may have left it stale): the
        # one-line path repairs the index and suggests the line
        for inv in result.best.invoices:
            local = self._split_key(inv.number)[1]
            now = book.claims.invoices.get(local)
            # (a written-off claim's row carries what is to recover, its invoice nothing
            # open: its recovery goes the one-line path, PaymentService.book; womatch31)
            if now is None or now.open_amount != inv.open_amount:
                return False
        payment_id = "bank-" + line_id
        records = book.claims.records
        if any(e.payment_id == payment_id for r in records for e in r.events):
            return False
        if self.owner.received_by is Receiver.CLIENT and (
            any((e.payment_id or "").startswith(SYNC_PREFIX) for r in records for e in r.events)
            or any(i.receipt_pending for n, i in book.claims.invoices.items() if n in numbers)
        ):  # a receipt the client's sync booked (or decided and not booked yet: codereview11
            return False  # F1) may be this money: the one-line path weighs it
        if book.claims.pending or book.stale:  # a change a crash left half written (the
            return False  # one-line path finishes it first), or invoices not yet followed
        ledger = self.service.payments.ledger
        headers = [c.header for c in book.claims.stored.values()]
        # as the one-line path (LedgerService.book): a plan over the principal that held a
        # claim on the day received and ended since still sets the order of that money
        agreed = self._principal_first(book) | principal_plan_ran_on(headers, line.booking_date)
        # the debtor's designation (6:43 lid 1): what his text names, or the invoices whose
        # open total the amount is; none when the matcher found them by payer or amount only
        figures = self._figures(client.client_id, book.number, book.claims, line.booking_date)
        on_line = [replace(i, number=self._split_key(i.number)[1]) for i in result.best.invoices]
        designation = list(line_designation(
            line, [i for i in on_line if i.number in numbers],
            {n: f.open.total for n, f in figures.items()},
            plan_invoices_named(self.repos.store, client.client_id, line, book.number,
                                self._plans_memo(client.client_id)),
        ))  # fmt: skip
        try:
            result_ = booking.allocate(
                records,
                payment_id,
                line.amount,
                line.booking_date,
                designation,
                ledger.rates(),
                agreed,
                named=ledger.named(client),  # as the one-line path: released money (6:43 lid 1)
            )
        except LedgerRuleError:
            return False
        # a back-dated line that restated the debtor's claims moved later payments' money, to
        # the invoices each named first (6:43 lid 1): booked here too, their payment rows and
        # invoices following the ledger after the window's writes (settle_restated, as the
        # one-line path does), the debtor's later lines in this window on the one-line path
        moved = tuple(result_.moved)
        writes = ledger.changes_for(
            client, [book.claims], result_.events, on=result_.on,
            payments_added=(payment_id, *moved),
        )  # fmt: skip
        self._take(book, payment_id, result_.events, writes, result_.lines)
        book.plan_ended |= ended_plan_held_on(headers, line.booking_date)
        book.stale = book.stale or bool(moved)
        payment = Payment(
            client_id=client.client_id,
            payment_id=payment_id,
            debtor_number=book.number,
            amount=line.amount,
            received_on=line.booking_date,
            source=PaymentSource.BANK,
            external_id=line_id,
            allocations=tuple(
                AllocatedAmount(x.invoice_number, x.component.value, x.amount)
                for x in result_.lines
            ),
            unallocated=result_.unallocated,
            designated=tuple(designation),  # the line's designation (6:43 lid 1)
            booked_to=tuple(dict.fromkeys(x.invoice_number for x in result_.lines)),
            # the debtor's act as it came: what prescription counts (attack14 A3)
            debtor_paid=tuple(designation)
            or tuple(dict.fromkeys(x.invoice_number for x in result_.lines)),
            received_by=self.owner.received_by,  # whose account the statement is
            bank_charges=line.charges,  # what the bank kept of what the debtor sent
            reference=line_reference(line),  # what the client's statement names it by
        )
        self.booked.append(
            _Booked(
                line, line_id, replace(record, invoices=tuple(numbers)), client, book, payment,
                numbers, moved,
            )
        )  # fmt: skip
        if line.counterparty_iban and self.written:  # the client's word: said, not paid
            key = (client.client_id, _iban_key(line.counterparty_iban))
            if book.number not in self._said(client.client_id, line.counterparty_iban):
                self.said_as_read[key] = self.said_as_read[key] | {book.number}
                self.said_new.setdefault(key, set()).add(book.number)
        elif line.counterparty_iban:  # the payer's account is known for this debtor from now on
            known = self._learned(client.client_id, line.counterparty_iban)
            if book.number not in known:
                known.add(book.number)
                self.learned_new.add((client.client_id, _iban_key(line.counterparty_iban)))
        return True

    def _principal_first(self, book: _DebtorBook) -> frozenset[str]:
        """As the one-line path asks the payment service: the claims whose payments go to the
        principal first by the client's agreement (a plan over the principal only)."""
        if book.principal_first is None:
            agreed = self.service.payments.principal_first
            numbers = sorted(book.claims.invoices)
            members = self._plan_members(book.client.client_id) if agreed else {}
            if members is not None:  # only the invoices a plan holds can be principal-first
                numbers = [n for n in numbers if n in members]
            book.principal_first = (
                agreed(book.client, numbers, self._plans(book.client.client_id))
                if agreed and numbers
                else frozenset()
            )
        return book.principal_first

    def _plans(self, client_id: str) -> PlansById:
        return self.plans_by_id.setdefault(client_id, {})

    def _plans_memo(self, client_id: str) -> PlanMemo | None:
        """The plans this file's references were found to be, as the client's lookups asked."""
        part = self.parts.get(client_id)
        return part.plans_by_reference if part is not None else None

    def _plan_members(self, client_id: str) -> dict[str, str] | None:
        """The client's invoices held by a payment plan (invoice -> plan), one range read of
        the client's ``PlanInvoices`` partition per window (a plan releases its invoices when
        it ends, so the partition is the plans running now). Asking per debtor booked instead
        read every invoice of the debtor, about three point reads a line. None when the client
        has more than :data:`PLAN_PAGE` invoices in plans: they are asked per debtor."""
        if client_id not in self.plan_members:
            from shared.adapters.tables.keys import decode
            from shared.adapters.tables.plans_repo import PLAN_INVOICES

            page = self.repos.store.query(PLAN_INVOICES, pk=encode(client_id), page_size=PLAN_PAGE)
            self.plan_members[client_id] = (
                None
                if page.continuation
                else {decode(r.rk): str(r.data.get("PlanId", "")) for r in page.rows}
            )
        return self.plan_members[client_id]

    def _debtors(self, client_id: str) -> dict[str, Debtor]:
        """The debtors booked on, as read or as their index rows named them: the index rows
        the window writes carry their names and kinds."""
        part = self.parts.get(client_id)
        out: dict[str, Debtor] = {}
        for cid, number in self.books:
            if cid != client_id:
                continue
            found = (part.known(number) if part else None) or self.hinted.get((cid, number))
            if found is not None:
                out[number] = found
        return out

    def _told(self, client_id: str, numbers: list[str]) -> list[str]:
        """The booked invoices the plans' listener hears about: plans act on the invoices
        they hold, so when the window knows the client's plan invoices the others are left
        out (each was a point read per invoice). Other listeners hear of every invoice."""
        members = self.plan_members.get(client_id)
        if client_id not in self.plan_members or members is None:
            return numbers
        return [n for n in numbers if n in members]

    @staticmethod
    def _take(
        book: _DebtorBook,
        payment_id: str,
        events: dict[str, tuple[LedgerEvent, ...]],
        writes: list[ClaimWrite],
        lines: Sequence[booking.AllocationLine],
    ) -> None:
        """The booking made in the window's memory: claims, headers and invoices."""
        claims = book.claims
        records = [
            ClaimRecord(r.terms, r.events + events.get(r.number, ())) for r in claims.records
        ]
        stored = dict(claims.stored)
        for w in writes:
            number = w.header.invoice_number
            before = book.writes.get(number)
            book.writes[number] = ClaimWrite(w.header, (before.events if before else ()) + w.events)
            old = stored.get(number)
            stored[number] = StoredClaim(w.header, (old.events if old else ()) + w.events)
        invoices = dict(claims.invoices)
        principal: dict[str, Cents] = {}
        for x in lines:
            if x.component.value == "principal":
                principal[x.invoice_number] = principal.get(x.invoice_number, 0) + x.amount
        for number, cents in principal.items():
            if number not in invoices:
                continue
            try:
                invoices[number] = invoices[number].apply_payment(payment_id, cents)
            except InvoiceRuleError:
                continue  # credited meanwhile: the remainder is an overpayment
            book.changed.add(number)
        book.claims = DebtorClaims(invoices, stored, records)

    def _suggest(
        self, line: StatementLine, line_id: str, record: LineRecord, result: LineMatch
    ) -> None:
        service = self.service
        client_of = {c.client_id: c for c in self.clients}
        target = service._action_scope(result, client_of, self.clients, self.owner)
        kind, title, detail = service.action_for(
            self.statement.account, line, line_id, result, self.written
        )
        service.note_quoted(detail, line, self.clients, target, self.search_built)
        now = service.clock.now()
        item = ActionItem(
            client_id=target,
            action_id=record.action_id or time_ordered_id(now),
            kind=kind,
            title=title,
            created_at=now,
            detail=detail,
            debtor_number=quoted_debtor(detail, target),
        )
        status = "suggested" if result.suggested else "unmatched"
        self.actions.append((record, status, item))
        self.settled.append((record, status, self._fields(line, None, None)))

    @staticmethod
    def _fields(
        line: StatementLine, client_id: str | None, payment_id: str | None
    ) -> dict[str, object]:
        return {
            "Amount": line.amount,
            "Date": line.booking_date,
            "ClientId": client_id,
            "PaymentId": payment_id,
        }

    # -- the writes ----------------------------------------------------------------------------
    def flush(self, marks: Sequence[Row] = ()) -> bool:
        """Write what the window booked and decided, step by step; a step that fails for some
        lines leaves them to the one-line path. ``marks``: the statement's mark (and closing
        balance) when these are its last lines, written in the transaction that settles them
        when nothing is left to the one-line path after it (True: written; they land with
        the last lines or not at all, so a crash before leaves the statement unmarked, as a
        write of their own after the settlement did)."""
        account = self.statement.account
        banking = self.repos.banking
        booked: list[_Booked] = list(self.booked)
        redo: list[_Booked] = []
        # the window's time, written down with each booking: its side effects are keyed by
        # it, so a redelivery after a crash writes them again without doubling
        at = booking_time(self.service.clock.now())
        intents: dict[str, tuple[LineRecord, dict[str, object]]] = {
            b.line_id: (
                b.record,
                {
                    "Amount": b.line.amount,
                    "Date": b.line.booking_date,
                    "ClientId": b.client.client_id,
                    "PaymentId": b.payment.payment_id,
                    "Invoices": b.numbers,
                    "Designated": list(b.payment.designated),  # as decided (returns14 #3)
                    "BookedAt": at,
                },
            )
            for b in booked
        }
        for record, _, fields in self.settled:
            intents[record.line_id] = (record, {"Amount": fields["Amount"], "Date": fields["Date"]})
        # the lines claimed, each with the booking decided for it written down, in one
        # transaction: a line claimed before (a redelivery, an overlapping statement, another
        # delivery at it) sends them all to the one-line path, which follows what it finds
        claims = [intents[line_id] for _, line_id in self.decided]
        etags = banking.claim_decided(account, claims) if claims else []
        if etags is None:
            lines, skip = list(self.decided), bool(self.claimed_before and self.claimed_before())
            self.claimed_before = None
            self._reset()
            if skip:  # booked whole before: nothing of it is booked again
                self.skipped = True
                return False
            for line, line_id in lines:  # in the order of the statement
                self.redo(line, line_id)
            return False
        if claims:
            self.claimed_before = None  # the statement's first claim is made
        claimed = {r.line_id: etag for (r, _), etag in zip(claims, etags, strict=True)}
        for b in booked:  # settled under the ETags of the bookings written down
            b.record = replace(b.record, etag=claimed[b.line_id], booked_at=at)
        self.settled = [
            (replace(record, etag=claimed[record.line_id]), status, fields)
            for record, status, fields in self.settled
        ]
        for client in self.clients:
            mine = [b for b in booked if b.client.client_id == client.client_id]
            if mine:
                redo += self._write_client(client, mine, at)
        done = {id(b) for b in booked} - {id(b) for b in redo}
        for b in booked:
            if id(b) in done:
                self.report.booked += 1
                self.settled.append(
                    (
                        b.record,
                        "booked",
                        self._fields(b.line, b.client.client_id, b.payment.payment_id),
                    )
                )
        self._write_actions()
        self._record_sums()
        marked = bool(marks) and bool(self.settled) and not redo
        if self.settled:
            left = banking.settle_lines(account, self.settled, marks if marked else ())
            if left:  # another delivery changed them meanwhile: its outcome stands
                log.info("window left %d lines to another delivery", len(left))
        self._reset()
        for b in redo:  # in the order of the statement
            self.redo(b.line, b.line_id)
        return marked

    def _write_client(self, client: Client, booked: list[_Booked], at: datetime) -> list[_Booked]:
        """One client's bookings: the lines that must take the one-line path are returned."""
        store = self.repos.store
        cid = client.client_id
        books = list(dict.fromkeys(b.debtor for b in booked))
        failed: set[int] = set()  # id() of debtor books whose ledger write lost a race
        # the ledger: a debtor's claims in one transaction, debtors packed up to 100 ops
        batch: list[Op] = []
        members: list[_DebtorBook] = []
        for book in books:
            ops = [op for w in book.writes.values() for op in LedgerRepository.write_ops(w)]
            # what each payment's debtor named, with its booking: read by a replay of the
            # debtor's claims before the payment rows below are written (banks28 F5)
            named = [named_op(cid, b.payment.payment_id, b.payment.designated)
                     for b in booked if b.debtor is book and b.payment.designated]  # fmt: skip
            if len(ops) + len(named) > LEDGER_OPS:
                # more claims of one debtor than one transaction holds: its claims in parts
                # (each claim still guarded by its own header's ETag, as the one-line path's
                # LedgerRepository.write does); a part that loses a race sends the debtor to
                # the one-line path, which finds the parts written before it already booked
                if batch:
                    failed |= self._transact_ledger(cid, batch, members)
                    batch, members = [], []
                # the designations first, apart (no room beside a full part): read only for
                # a payment the ledger holds, so one whose booking is lost here is harmless
                for start in range(0, len(named), LEDGER_OPS):
                    failed |= self._transact_ledger(cid, named[start : start + LEDGER_OPS], [book])
                if id(book) in failed:
                    continue
                big_book = list(book.writes.values())
                for start in range(0, len(big_book), CLAIMS_PER_TRANSACTION):
                    lost = self._transact_ledger(
                        cid,
                        [op for w in big_book[start : start + CLAIMS_PER_TRANSACTION]
                         for op in LedgerRepository.write_ops(w)],
                        [book],
                    )  # fmt: skip
                    if lost:
                        failed |= lost
                        break
                continue
            if batch and len(batch) + len(ops) + len(named) > LEDGER_OPS:
                failed |= self._transact_ledger(cid, batch, members)
                batch, members = [], []
            batch += ops + named
            members.append(book)
        if batch:
            failed |= self._transact_ledger(cid, batch, members)
        redo = [b for b in booked if id(b.debtor) in failed]
        booked = [b for b in booked if id(b.debtor) not in failed]
        if not booked:
            return redo
        # the payment rows, then the payments per day and the month's received sums
        try:
            received = self.repos.payments.add_new(
                cid, [b.payment for b in booked], count_received=False
            )
        except StorageError:
            log.info("window payments of client %s left to the one-line path", cid)
            return redo + booked
        # the invoices (both copies, guarded by the row read), the index and the Today sums
        retell: list[_Booked] = []
        changes: list[tuple[Invoice | None, Invoice]] = []
        written = [bk for bk in books if id(bk) not in failed and bk.changed]
        pending: list[tuple[_DebtorBook, str]] = [
            (bk, n) for bk in written for n in sorted(bk.changed)
        ]
        for start in range(0, len(pending), MAX_BATCH // 2):
            part = pending[start : start + MAX_BATCH // 2]
            ops = []
            for bk, number in part:
                inv = bk.claims.invoices[number]
                row = invoice_to_row(inv)
                row.etag = bk.etags.get(number)
                by_number = invoice_to_row(inv)
                by_number.rk = schema.invoice_index_rk(inv.number)
                ops += [Op(OpKind.REPLACE, row), Op(OpKind.UPSERT, by_number)]
            try:
                store.transact(schema.INVOICES, ops)
            except StorageError:  # changed meanwhile: booked on them again, idempotently
                numbers = {(id(bk), n) for bk, n in part}
                retell += [
                    b
                    for b in booked
                    if b not in retell and any((id(b.debtor), n) in numbers for n in b.numbers)
                ]
                continue
            changes += [(bk.read.get(n), bk.claims.invoices[n]) for bk, n in part]
        sums = self.sums.setdefault(cid, _Sums())
        sums.add("received", received)
        if changes:
            self.repos.invoices.match_index.update(cid, changes, self._debtors(cid))
            sums.add("open", open_changes(changes))
        # a booking whose invoice was credited, withdrawn or paid otherwise after the window
        # read it (the ledger and payment row were written before the invoice write could
        # notice): undone, and the line to the one-line path, which puts it on the action
        # list as if that had come first; reads made on the lost race only
        undone = [b for b in retell if refused(self.repos, cid, b.payment)]
        for b in undone:
            self.service.payments.reverse(client, b.payment.payment_id, UNDONE)
            if b.line.counterparty_iban:  # nor is its payer known for the debtor by it
                key = (cid, _iban_key(b.line.counterparty_iban))
                if b.debtor.number not in self.learned_as_read.get(key, frozenset()):
                    self.learned.get(key, set()).discard(b.debtor.number)
                self.said_new.get(key, set()).discard(b.debtor.number)
        retell = [b for b in retell if b not in undone]
        booked = [b for b in booked if b not in undone]
        redo += undone
        # what the booking path writes after the payment: return references, payers'
        # accounts, the contact log, overpayments
        # (and the payer's account, for a return quoting no end-to-end id: statement_returns)
        refs = [r for b in booked for r in return_refs(b.line, b.payment, self.written)]
        if refs:
            self.repos.banking.remember_payments(cid, refs)
        learned = {  # the debtors new to each payer's account (a row each)
            iban: self.learned[(c, iban)] - self.learned_as_read.get((c, iban), frozenset())
            for c, iban in self.learned_new
            if c == cid
        }
        learned = {iban: debtors for iban, debtors in learned.items() if debtors}
        if learned:  # with the digest as this window read it (its ETag guards the write)
            self.repos.banking.learn_ibans(cid, learned, self.digests.get(cid))
        said = {iban: set(ds) for (c, iban), ds in self.said_new.items() if c == cid and ds}
        if said:  # the digest read again when the paid ones just moved it
            digest = None if learned else self.digests.get(cid)
            self.repos.banking.learn_ibans(cid, said, digest, said=True)
        self._log(client, booked, at)
        for b in booked:
            if b.payment.unallocated > 0:
                self._overpayment(client, b.payment, at)
        for b in retell:  # its invoices changed under the window: the booking path applies it
            self.service._book(client, b.line, b.line_id, b.payment.payment_id, b.numbers,
                               received_by=b.payment.received_by, written=self.written,
                               designated=list(b.payment.designated))  # fmt: skip
        for b in booked:  # the payments a back-dated line moved: rows and invoices follow
            if b.moved:
                from shared.services.ledger.credit import settle_restated

                settle_restated(self.service.payments.ledger, client, b.debtor.number,
                                b.payment.payment_id, b.moved)  # fmt: skip
        allocated = sorted({a.invoice_number for b in booked for a in b.payment.allocations})
        for listener in self.service.payments.listeners:
            listener(client, allocated)
        taken = self.service.payments.written_listener
        # the invoices as the window wrote them; a payment on costs or interest alone wrote
        # none, and its agency is told of it all the same (cases.money_told reads those)
        if taken is not None and (changes or booked):
            taken(client, [after for _, after in changes], [b.payment for b in booked])
        told = self._told(cid, allocated)
        ended = {n for b in booked for n in b.debtor.plan_ended}
        told = sorted({*told, *(n for n in allocated if n in ended)})
        if told and self.service.payments.plan_listener is not None:
            self.service.payments.plan_listener(client, told)
        return redo

    def _transact_ledger(
        self, client_id: str, ops: list[Op], members: list[_DebtorBook]
    ) -> set[int]:
        """One transaction of the window's ledger rows, through the ledger's repository: a
        debtor's first rows carry its hash into the digest of ledger debtors."""
        try:
            self.service.payments.ledger.ledger.transact(client_id, ops)
        except StorageError:
            log.info(
                "window ledger write lost a race; %d debtors to the one-line path", len(members)
            )
            return {id(m) for m in members}
        return set()

    def _log(self, client: Client, booked: list[_Booked], at: datetime) -> None:
        """The payments' contact log entries, keyed by the window's time and the payment (a
        redelivery writing them again finds them there: statements_redo)."""
        rows = []
        for b in booked:
            entry = payment_entry(client, b.payment, at)
            if entry is not None:
                rows.append(ContactLogRepository.to_row(entry))
        for start in range(0, len(rows), MAX_BATCH):
            self.repos.store.transact(
                schema.CONTACT_LOG, [Op(OpKind.INSERT, r) for r in rows[start : start + MAX_BATCH]]
            )

    def _overpayment(self, client: Client, payment: Payment, at: datetime) -> None:
        """The payment's one overpayment item (keyed by the payment alone): found written,
        a credit's follow-up got there first and it states the payment row's figure."""
        # once: written by a later cause that moved this payment's money: it is the item
        self.repos.actions.add_once(overpayment_item(client, payment, at))

    def _write_actions(self) -> None:
        """The window's suggestions and unmatched credits, per action-list partition in
        transactions; a transaction refused (an item added by an earlier attempt) is written
        item by item, the existing ones left as they are."""
        from shared.adapters.tables.records_repo import ActionRepository

        by_scope: dict[str, list[ActionItem]] = {}
        for _, _, item in self.actions:
            by_scope.setdefault(item.client_id, []).append(item)
        for scope, items in by_scope.items():
            for start in range(0, len(items), MAX_BATCH):
                part = items[start : start + MAX_BATCH]
                try:
                    self.repos.store.transact(
                        schema.ACTIONS,
                        [Op(OpKind.INSERT, ActionRepository.to_row(i)) for i in part],
                    )
                except StorageError:
                    for i in part:
                        self.service._add_action(
                            scope, i.kind, i.title, i.detail, action_id=i.action_id
                        )
                    continue
                kinds: dict[str, int] = {}
                for i in part:
                    kinds[i.kind] = kinds.get(i.kind, 0) + 1
                self.sums.setdefault(scope, _Sums()).add("waiting", kinds)
        for _, status, _ in self.actions:
            self.report.suggested += status == "suggested"
            self.report.unmatched += status == "unmatched"

    def _record_sums(self) -> None:
        """The window's changes to each client's Today sums (open money per due day, money
        received, waiting actions per kind) as one change row per client, where each was a
        row of its own (four a window). Written after the invoices, payments and action items
        they count, as each was: a crash before it leaves the lines ``booking`` or
        ``pending`` with their action items written, and the redelivery that finishes them
        marks the sums uncounted (``redo_window_booking``; an action item found written,
        ``StatementService._add_action``), so a change is never lost without a recount. The
        sums are never used to book money, only to show it."""
        figures = self.repos.invoices.figures
        for scope, sums in self.sums.items():
            figures.move_many(
                scope, open_moved=sums.open, received=sums.received, waiting=sums.waiting
            )
        self.sums = {}


@dataclass
class _Sums:
    """One client's changes to its Today sums gathered over a window."""

    open: dict[date, Cents] = field(default_factory=dict)
    received: dict[str, Cents] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)

    def add(self, part: str, moved: Mapping[Any, int]) -> None:
        into: dict[Any, int] = getattr(self, part)
        for key, value in moved.items():
            into[key] = into.get(key, 0) + value


class _Speculation:
    """The lookups of the prefetch: the index as stored (no booking of the window applied),
    through the window's caches."""

    def __init__(self, window: StatementWindow) -> None:
        self.w = window

    def by_reference(self, reference: str) -> list[OpenInvoice]:
        return self.w._raw("by_reference", reference)

    def by_tail(self, tail: str) -> list[OpenInvoice]:
        return self.w._raw("by_tail", tail)

    def of_debtor(self, debtor: str) -> list[OpenInvoice]:
        return self.w._raw("of_debtor", debtor)

    def by_amount(self, amount: Cents, limit: int) -> list[OpenInvoice]:
        return self.w._raw("by_amount", amount, limit)

    def with_names(self, invoices: Sequence[OpenInvoice]) -> list[OpenInvoice]:
        return self.w.lookups.with_names(invoices)

    def debtors_for_iban(self, iban: str) -> set[str]:
        return {
            self.w._key(client_id, d)
            for client_id in self.w.parts
            for d in self.w._learned_read(client_id, iban)
            | (frozenset() if self.w.pooled else self.w._said(client_id, iban))
        }

    def payer_of_several(self, iban: str) -> bool:
        if not self.w.pooled:
            return False
        parts = self.w.parts
        knowing = [c for c in parts if self.w._learned_read(c, iban) or self.w._said(c, iban)]
        return len(knowing) > 1

    def consume(self, allocations: Iterable[Allocation]) -> None:
        return None


def _iban_key(iban: str) -> str:
    return iban.replace(" ", "").upper()


def _principal_totals() -> object:
    from shared.services.statement_lookups import principal_totals

    return principal_totals


def _without_ledger(client: Client, debtor: Debtor | None, invoices: list[Invoice]) -> DebtorClaims:
    """A debtor's claims when its ledger has no row: ``LedgerService.debtor_claims`` with the
    ledger's range read answered empty (each claim's terms from its invoice alone, no imported
    dates, no pause, no events); tests/unit/services/test_ledger_digest_window.py holds the
    two equal."""
    by_number = {i.number: i for i in invoices}
    consumer = debtor is None or debtor.kind is DebtorKind.B2C
    records = [
        ClaimRecord(
            claim_terms(
                invoice,
                consumer=consumer,
                client=client,
                letter_on=None,
                interest_from=None,
                natural=debtor is not None and natural_obligation(debtor, invoice) is not None,
            )
        )
        for _, invoice in sorted(by_number.items())
    ]
    return DebtorClaims(by_number, {}, records)


def _untouched(invoice: Invoice) -> bool:
    """Nothing the ledger writes first shows on the invoice: no payment, no credit, no costs
    owed. A debtor whose invoices are all so and who is not in the digest of ledger debtors
    read before them has no ledger rows the invoices depend on."""
    return (
        invoice.status is InvoiceStatus.OPEN
        and invoice.paid == 0
        and not invoice.payments
        and not invoice.credit_notes
        and invoice.costs_owed_from is None
    )
