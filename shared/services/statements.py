"""Bank statement files in, payments booked, staff told what needs a person.

A file arrives as ``statements/<agency id>/<any name>`` (the folder says who uploaded it).
The account inside decides whose statement it is: a client's own account, or the agency's
third-party funds account, whose lines are matched across the agency's clients that allow it.
An account of another agency, an unknown account or a file that does not parse is never
half-booked: the file moves to ``statements-quarantine`` with a JSON report, and an action
item says what to do. A file is decided per statement: next to a known account's statement,
an unknown account's one alone is held back (a copy of its own in the quarantine, an item
per statement), the known one is booked, whole.

Every statement of a file is booked, each once: a statement has an identity (account,
statement number/sequence, date, balances), so a file re-sent with one more day books only
that day; and every line has a stable identity, so overlapping statements book each line once.
A booking is written down on the line before it is made, so a retry after a crash finishes
that booking instead of matching the line again.

Matching reads a bounded number of index rows per line (``statement_lookups``), never the
client's whole portfolio. A client can switch automatic booking off: every match is then a
suggestion for staff.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial

from shared.adapters.tables.banking_repo import (
    AccountOwner,
    ClosingSeen,
    LastClosing,
    LineRecord,
    PaymentRef,
    closing_of,
    marks_of,
    received_of,
    statement_rk,
)
from shared.adapters.tables.match_index_repo import indexed_open
from shared.clock import Clock, amsterdam_date
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import CLOSED, Invoice
from shared.domain.money import format_eur_nl
from shared.domain.parties import Client
from shared.domain.records import ActionItem, ActionStatus, Payment, PaymentSource, Receiver
from shared.domain.scopes import agency_scope, is_agency_scope
from shared.domain.statements.account_names import not_an_iban
from shared.domain.statements.archive import each_refused, in_archive
from shared.domain.statements.batches import (
    is_batch_credit,
    may_be_own_collection,
    names_batch,
    own_collection_file,
)
from shared.domain.statements.client_code import client_code, codes_in
from shared.domain.statements.designation import line_designation
from shared.domain.statements.details_nl import id_candidates
from shared.domain.statements.matching import (
    Asked,
    AskedTotals,
    LineMatch,
    Lookups,
    MatchSettings,
    OpenInvoice,
    match_line,
    strictest,
)
from shared.domain.statements.model import (
    Balance,
    Statement,
    StatementError,
    StatementLine,
    Twin,
    Where,
    balances_before,
    former_identities,
    implied_closing,
    line_identities,
    line_reference,
    span_of,
    statement_number,
    twin_of,
)
from shared.domain.statements.parse import parse_statement_file
from shared.ports.files import FileStore
from shared.ports.tables import Conflict, PreconditionFailed, Row
from shared.services.account_ownership import AccountOwnership
from shared.services.match_index_ready import ensure_match_index
from shared.services.payments import PaymentService
from shared.services.plan_designation import PlanMemo, plan_designation
from shared.services.plans.agency_party import clients_of_agency_plans
from shared.services.repositories import Repositories
from shared.services.statement_credits_back import RestoredNote, credit_back, undo_restored
from shared.services.statement_lookups import (
    SEP,
    ClientLookups,
    OpenTotalsProvider,
    PooledLookups,
    principal_totals,
    settings_of,
)
from shared.services.statement_references import (
    quoted_debtor,
    quoted_number_reason,
    quoted_reason,
)
from shared.services.statement_returns import (
    CLIENT_MONEY,
    NO_ORIGINAL,
    payer_ref,
    returned_by_payer,
)
from shared.services.statement_sources import (
    CLIENT_WRITTEN,
    StatementSource,
    mark_identity,
    source_of,
)
from shared.services.statements_currency import foreign_currency, refuse_foreign_currency
from shared.services.statements_redo import UNDONE, redo_window_booking, refused
from shared.services.statements_window import WINDOW, StatementWindow

log = logging.getLogger("inning.statements")
INBOX = "statements"
QUARANTINE = "statements-quarantine"
_SEP = SEP
MAX_TWINS = 200  # identical lines (payer, amount, text) an account may have on one day
# the item of the statements a file held back while its others were booked: what to do, as
# the console shows it (action_text translates it); one item and one copy per file, however
# many statements it holds back (attack10 F4), naming at most MAX_HELD_NAMED accounts
HELD_BACK = (
    "{count} statement(s) in file {file} not booked: account(s) {accounts} belong to no client "
    "of the agency; the file's other {booked} statement(s) were booked. Register the account "
    "as an account of its client and upload the file again (what was booked is not booked "
    "twice), or resolve this item if the account is none of the agency's business (a savings "
    "account exported with the others)"
)
# a whole file of an account no client of the agency has (yet): what to do, as the held-back
# item says it, with where (newcomer16 #6: it said only "belongs to no client", English on the
# Dutch console); statement_refusal_text has its Dutch
NOBODYS = (
    "account {account} belongs to no client of agency {agency}: register it as a bank account "
    "of its client (the console's Settings, Bank accounts, of that client; or the client's "
    "ibans in the API), have it proven there, and upload the file again; or resolve this item "
    "if the account is none of the agency's business"
)
# an account registered for a client and not proven yet (an onboarded client's IBAN starts so):
# "belongs to no client" sent the agency to register what it had registered, and named
# neither the client nor the code (newcomer19 F2); statement_refusal_text has its Dutch
PENDING = (
    "account {account} is registered for client {client} but not proven yet (pending, code "
    "{code}): {how}; then upload the file again"
)
PENDING_HOW = {
    True: "the client confirms the code (the console's Settings, Bank accounts, or POST "
    "/v1/clients/{client}/ibans/confirm with its own key), or the agency decides (POST "
    "/v1/clients/{client}/ibans/decide)",
    False: "a transfer from the account with the code in the description proves it, or the "
    "agency decides (POST /v1/clients/{client}/ibans/decide)",
}
# a client's own upload of an account that is no verified account of the client (the agency's,
# another client's, or the client's own not yet proven): what the client can do
CLIENT_ACCOUNT_NEXT = (
    "; if it is an account of the client's own, add it under Settings, Bank accounts, have it "
    "proven there (the code, the confirmation or the agency's decision) and upload the file "
    "again"
)
# a statement whose account is no IBAN (a bank's own number or id, a damaged IBAN): no client
# can register it, so it is not "nobody's" but unroutable, and registering is no way out
# (misc16 #3: a Knab file without its header was told its account "belongs to no client")
UNROUTABLE = "account {account} cannot be booked for any client: {why}"
HELD_BACK_UNROUTABLE = (
    "{count} statement(s) in file {file} not booked: account(s) {accounts} are no IBAN, so no "
    "client can have them registered ({why}); the file's other {booked} statement(s) were "
    "booked. Resolve this item once their lines are booked by hand or the file was uploaded "
    "again as the bank delivered it (what was booked is not booked twice)"
)
# a file uploaded in the console for a client is that client's writing, not the bank's: an
# account it may not book (the agency's pooled account, another client's) is never booked by
# sending its file again through the agency (attack10 F3)
HELD_BACK_CLIENT = (
    "{count} statement(s) in file {file}, uploaded for client {client}, not booked: account(s) "
    "{accounts} are no verified account of that client; the file's other {booked} "
    "statement(s) were booked. The file is the client's writing, not the bank's: never upload "
    "it through the agency. Book the agency's account or another client's from the bank's own "
    "statement; an account of the client's own is first registered and proven for the client, "
    "who then uploads the file again"
)
# a line on the agency's pooled account that no client's invoices may be matched to: what to do
NO_CLIENT_MATCHES = (
    "no client allows matching on the agency's account and the text quotes no client code of "
    "an open case: book it on the client and invoices it pays, or let the client allow "
    "matching (allow_third_party_matching, POST /v1/clients)"
)
MAX_HELD_NAMED = 10  # accounts an item's title names; its detail lists up to MAX_HELD_LISTED
MAX_HELD_LISTED = 100
TWIN_UNKNOWN = (
    "looks the same as a line read before; it may be a second transfer or that line sent "
    "again: check the account and book it if it is new"
)
# the agency's item for the lines of a client's upload dated before its day (attack10 F6)
DATED = (
    "{count} line(s) of file {file}, which the client uploaded, for {account} are dated before "
    "{day}: booked on {day}, the day of the upload; a file the client wrote is not the bank's "
    "word on the day a debtor paid. Check the days with the bank's statement"
)
UPLOADED_REASON = "a line of a file the client uploaded, not of the bank's delivery"
# a credit the same in every field as an earlier line of the account's day (its identity's
# next occurrence): not booked by itself, it is a second payment or the bank's double, which
# only the account tells; a plain "check payment" hid that confirming it books an overpayment
# where the first paid the invoice (newcomer27 F10)
DOUBLE = (
    "the same in every field as an earlier line of that day (payer, amount, text, reference, the "
    "bank's reference): the debtor paid twice, or the bank booked one transfer twice; check the "
    "account: confirming books a second payment (an overpayment where the invoice is paid), "
    "a double of the bank is to be dismissed"
)
# a line's status: a return in a file the client wrote, left for the bank's word (its own
# delivery of that very line is read again, not taken for a line read before)
HELD = "held"
# a return in a file the client wrote that names a payment the bank's file (or Mollie) booked
CLIENT_RETURN = (
    "Returned payment of {amount} ({reason}) in a file the client uploaded: the payment it "
    "names was booked from the bank's statement and is not undone on the client's word; check "
    "the return with the bank's statement"
)


# words of a description read as possible invoice numbers of a closed invoice (one point read
# each) for an unmatched credit's item, at most
QUOTED_NUMBERS_READ = 3
_NUMBER_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{3,49}")


class _Unread:
    """Not read yet (a ``last`` closing balance the callee reads itself)."""


UNREAD = _Unread()


@dataclass
class IngestReport:
    name: str
    status: str  # booked | skipped | quarantined
    statements: int = 0
    statements_skipped: int = 0  # booked before (the same day in an earlier file)
    lines: int = 0
    booked: int = 0
    suggested: int = 0
    unmatched: int = 0
    returned: int = 0
    held_back: int = 0  # statements of unknown accounts quarantined, the others booked
    warnings: list[str] = field(default_factory=list)
    error: dict[str, object] | None = None
    # skipped statements this very file marked booked (a delivery of it cut off after their
    # marks, before the host heard it finished): what it booked then, per figure ("lines",
    # "booked", ...), for the file's report (failure32 #2); this delivery's figures stay 0
    booked_before_the_cut: dict[str, int] | None = None


class StatementService:
    def __init__(
        self,
        repos: Repositories,
        files: FileStore,
        payments: PaymentService,
        clock: Clock,
        open_totals: OpenTotalsProvider = principal_totals,
        window: int = WINDOW,
    ) -> None:
        # lines booked together (statements_window); 1: every line on its own
        self.window = max(1, min(window, WINDOW))
        self.repos = repos
        self.files = files
        self.payments = payments
        self.clock = clock
        self.open_totals = open_totals

    # -- entry point -------------------------------------------------------------------------
    def ingest(self, name: str, data: bytes) -> IngestReport:
        agency_id = name.split("/", 1)[0] if "/" in name else ""
        source = source_of(name)
        try:
            if not agency_id:
                raise _no_agency(agency_id)
            # the agency is read only when the file is refused: an account owned by the
            # agency named by the folder proves it exists (agencies are never deleted, and
            # an account is only ever claimed for one), so a file that books costs no read
            # of it; a refused one says "no agency" first, as when it was read up front
            try:
                statements = _parse(data)
                owned, refused = self._owners(agency_id, statements, source)
                if refused and not owned:
                    # no statement of the file is anybody's here: each says why, and which
                    # file of a ZIP archive it is (newcomer27 F7: the first alone was said)
                    if len(refused) == 1:
                        raise refused[0][1]
                    raise each_refused([in_archive(s, e) for s, e in refused])
            except StatementError:
                if self.repos.agencies.get(agency_id) is None:
                    raise _no_agency(agency_id) from None
                raise
            if not owned and self.repos.agencies.get(agency_id) is None:
                raise _no_agency(agency_id)  # no account owned by it proved it
            self._refuse_client_written(name, data, agency_id)
        except StatementError as exc:
            return self._quarantine(name, data, agency_id, exc)
        report = IngestReport(name, "booked", statements=len(owned))
        if refused:
            # an account nobody registered next to the client's ("download all accounts"):
            # its statement alone is held back, the others are booked (newcomer9 F)
            self._quarantine_statement(name, data, agency_id, refused, len(owned))
            report.warnings += [
                f"account {statement.account} not booked: {error}"
                for statement, error in refused[:MAX_HELD_NAMED]
            ] + [f"{len(refused) - MAX_HELD_NAMED} more statement(s) not booked"] * (
                len(refused) > MAX_HELD_NAMED
            )
            report.held_back = len(refused)
        # each account's last closing balance, read once a file: a statement of the file
        # that writes it (with its mark) leaves what it wrote for the next one
        lasts: dict[str, ClosingSeen] = {}
        for statement, owner in owned:
            identity = statement.identity()
            if statement.account not in lasts:
                lasts[statement.account] = self.repos.banking.closing_seen(statement.account)
            seen = lasts[statement.account]
            # a statement the last closing balance shows unmarked (it closes after it, or on
            # its day and none of its day's marks is its own) has its mark not read (perf17);
            # should a race have marked it after all, its first window's claim finds its lines
            unmarked = _unmarked(statement, seen, {identity, mark_identity(identity, source)})
            done_by = None if unmarked else self._done_by(statement.account, identity, source)
            if done_by is not None:
                report.statements_skipped += 1
                if done_by == name:
                    self._recount_own(statement, identity, report)
            else:
                closes = (
                    None
                    if foreign_currency(statement)
                    else (statement.closing or implied_closing(statement))
                )
                mark = self.repos.banking.statement_mark(
                    statement.account, mark_identity(identity, source), name,
                    len(statement.lines), (closes.amount, closes.on) if closes else None,
                )  # fmt: skip
                outcome, closing = self._ingest_statement(
                    statement, owner, name, report, mark, source, seen, checked=not unmarked
                )
                if outcome == "skipped":
                    report.statements_skipped += 1
                elif closing is not None:  # written with the mark: the account's last now
                    lasts[statement.account] = ClosingSeen(closing_of(closing), marks_of(closing))
            if source.client_written:
                # also for a statement done already: the item a failed write left out is
                # written by the redelivery (keyed: once; codereview10 #6)
                day = self._upload_day(source)
                assert day is not None
                self._tell_dated(statement, owner, name, day)
        if owned and report.statements_skipped == len(owned):
            report.status = "skipped"
        if not refused:
            self._resolve_refusals(agency_id, data, name)
        log.info(
            "statement %s: %s", name, {k: v for k, v in report.__dict__.items() if k != "warnings"}
        )
        return report

    def _recount_own(self, statement: Statement, identity: str, report: IngestReport) -> None:
        """A statement marked booked by this very file: a delivery of it cut off after its
        mark (before the host heard it finished) may never have reported it. What it booked,
        from its lines' rows, for the file's report (failure32 #2: a "skipped" report with 0
        lines stood for a file that booked every line)."""
        banking = self.repos.banking
        outcomes = banking.line_outcomes(statement.account, identity, self._identities(statement))
        before = report.booked_before_the_cut or {}
        figures = {"lines": len(statement.lines)} | {
            what: outcomes.count(what) for what in ("booked", "suggested", "unmatched", "returned")
        }
        report.booked_before_the_cut = {k: before.get(k, 0) + v for k, v in figures.items()}

    def _statement_done(self, account: str, identity: str, source: StatementSource) -> bool:
        return self._done_by(account, identity, source) is not None

    def _done_by(self, account: str, identity: str, source: StatementSource) -> str | None:
        """The name of the file whose mark says the statement was booked whole before (None:
        not booked whole; the mark read once, also for the file's report). The bank's
        statement is done only when a file not written by a client marked it: a client's
        upload with the same identity
        (sequence, day, balances, line count: all in the client's online banking) is no proof
        the bank's lines were read (attack10 F2); its lines are read one by one, each booked
        unless the very same transaction was. A client's upload is done when the bank's
        statement or the client's own upload of it was booked."""
        banking = self.repos.banking
        marked_by = banking.statement_done_by(account, identity)
        if marked_by is not None and not source_of(marked_by).client_written:
            return marked_by
        if not source.client_written:
            return None
        return banking.statement_done_by(account, mark_identity(identity, source))

    def _upload_day(self, source: StatementSource) -> date | None:
        """The day a client-written file's earlier lines are booked on: the upload's (the
        file's arrival, Europe/Amsterdam); None for the bank's files (each line its own)."""
        return amsterdam_date(self.clock.now()) if source.client_written else None

    def _owners(
        self, agency_id: str, statements: list[Statement], source: StatementSource
    ) -> tuple[list[tuple[Statement, AccountOwner]], list[tuple[Statement, StatementError]]]:
        """Each statement with its account's owner, or with why it has none here: a file
        splits along its statements as if each had come alone, so one unknown account
        neither books nor blocks another account's statement."""
        owned: list[tuple[Statement, AccountOwner]] = []
        refused: list[tuple[Statement, StatementError]] = []
        for statement in statements:
            try:
                owned.append((statement, self._owner(agency_id, statement, source)))
            except StatementError as exc:
                refused.append((statement, exc))
        return owned, refused

    def _owner(self, agency_id: str, statement: Statement, source: StatementSource) -> AccountOwner:
        owner = self.repos.banking.owner(statement.account)
        if source.client_scoped:
            # an upload for one client books that client's own accounts only (not another
            # client's, not the pooled account) and proves no claim (statement_sources)
            if (
                owner is None
                or owner.agency_id != agency_id
                or not owner.client_id
                or (owner.client_id != source.client_id)
            ):
                why = not_an_iban(statement) if owner is None else None
                raise StatementError(
                    f"account {statement.account} is not a verified account of the client this "
                    "file was uploaded for; a client's upload books only its own accounts"
                    + (f": {why}" if why else CLIENT_ACCOUNT_NEXT)
                )
            return owner
        if (owner is None or owner.agency_id != agency_id) and not source.uploaded:
            # a claimed account proven by this very file (a debit, a transfer out of it, with
            # the claim's code); only a file the bank delivered is evidence, an uploaded one
            # is written by its uploader
            proven = AccountOwnership(self.repos).verify_by_statement(
                agency_id, statement, self.clock.now()
            )
            owner = proven or owner
        elif (
            owner is not None
            and owner.client_id is None
            and owner.agency_id == agency_id
            and not source.uploaded
        ):
            # a credit on one of the agency's own accounts FROM a claimed account with its
            # code: the holder made that transfer (nobody else can), so it proves the claim;
            # never on a client's account, whose client wrote the description (attack9 F2)
            AccountOwnership(self.repos).verify_by_transfers(owner, statement, self.clock.now())
        if owner is None or owner.agency_id != agency_id:
            # another agency's account looks exactly like an unknown one from here
            why = not_an_iban(statement)  # a bank's own id no client can register
            if why:  # not nobody's: no client can have it, whoever holds it (misc16 #3)
                raise StatementError(UNROUTABLE.format(account=statement.account, why=why))
            if pending := self._pending(agency_id, statement.account):
                raise StatementError(pending)
            raise StatementError(NOBODYS.format(account=statement.account, agency=agency_id))
        return owner

    def _pending(self, agency_id: str, account: str) -> str | None:
        """What to do with a statement of ``account`` when the agency registered it for one of
        its clients and it waits for proof, else None."""
        claims = [
            c for c in AccountOwnership(self.repos).claims(account) if c.agency_id == agency_id
        ]
        for claim in claims:
            found = self.repos.clients.get(claim.client_id)
            if found is None:
                continue
            number = found[0].number
            how = PENDING_HOW[claim.confirmable].format(client=number)
            return PENDING.format(account=account, client=number, code=claim.code, how=how)
        return None

    # -- one statement -----------------------------------------------------------------------
    def _ingest_statement(
        self,
        statement: Statement,
        owner: AccountOwner,
        name: str,
        report: IngestReport,
        mark: Row,
        source: StatementSource,
        closed: ClosingSeen,
        *,
        checked: bool = True,
    ) -> tuple[str, Row | None]:
        """Book the statement's lines, then ``mark`` it booked whole with its closing balance:
        both in the transaction that settles its last window's lines when that window is the
        last thing written (``"marked"``: two requests a statement less than writes of their
        own, and they still land only after every line is settled), else in one of their own
        after (``"booked"``). ``"skipped"``: its lines were claimed before and the statement
        was marked done (where marks are kept, when ``checked`` is False: its mark was not
        read first, or where they were kept before, ``statement_done_before``). With the
        outcome the closing balance row written with the mark (None: none written).
        ``closed``: the account's last closing balance as read for this statement."""
        if refuse_foreign_currency(self, statement, owner, name, report):
            # not euros: on the agency's action list for a person, nothing booked
            self.repos.banking.write_marks([mark])
            return "booked", None
        plans: PlanMemo = {}  # the agency plans this file's lines quote, read once
        clients = self._clients_for(owner, statement, plans)
        scope = clients[0] if owner.client_id else None
        closing = self._check_balances(
            statement, owner, scope, name, report, closed.last, mark=mark.rk,
            day_marks=closed.marks,
        )  # fmt: skip
        marks = [mark] + ([closing] if closing is not None else [])
        self._report_warnings(statement, owner, scope, name, report)
        lookups = self._lookups(clients, pooled=owner.client_id is None, plans=plans)
        settings = self._settings(clients, pooled=owner.client_id is None)
        lines = list(zip(statement.lines, self._identities(statement), strict=True))
        written = source.client_written
        as_read = partial(_as_read, upload_day=self._upload_day(source))
        # where each line sits (statement and index, the balance before it): an identical
        # line of another statement is another transfer, not this one seen again
        identity, span, number = (
            statement.identity(),
            span_of(statement),
            statement_number(statement),
        )
        places = {
            line_id: Where(f"{identity}:{n}", before, span if before is not None else None, number)
            for n, ((_, line_id), before) in enumerate(
                zip(lines, balances_before(statement), strict=True)
            )
        }

        paired: set[str] = set()  # stored lines found to be lines of this statement

        def one(line: StatementLine, line_id: str) -> None:
            """The one-line path: claim (or find the earlier claim of) the line, finish it."""
            claimed = self._claim(
                statement.account, line, line_id, places[line_id], paired, report, written
            )
            if claimed is None:
                return  # seen in an earlier (overlapping) statement
            record, doubt = claimed
            if doubt:  # its twin was read before and nothing tells them apart: a person's
                result = LineMatch(0, line.amount, (), (), (TWIN_UNKNOWN,), None)
                self._list(
                    statement.account, as_read(line), record.line_id, record, result,
                    clients, owner, report, written,
                )  # fmt: skip
                return
            self._line(
                statement, as_read(line), record.line_id, record, lookups, clients, owner,
                report, settings, written=written,
            )  # fmt: skip

        banking = self.repos.banking

        def claimed_before() -> bool:
            """The statement's first window found a line of it claimed before: booked whole
            before (skipped), or its lines one at a time."""
            identity = statement.identity()
            if not checked and self._statement_done(statement.account, identity, source):
                return True  # its mark was not read (the last closing balance showed it
                # unmarked): marked meanwhile by another delivery, skipped as one is
            if banking.statement_done_before(statement.account, identity):
                # booked whole before its mark moved: a statement sent again, as before
                banking.write_marks([mark])  # where it is looked for now
                return True
            return False

        for start in range(0, len(lines), self.window):
            chunk = lines[start : start + self.window]
            report.lines += len(chunk)
            # a client's digest of ledger debtors for the window, read (or built) before its
            # lines are claimed: a build's write is no point between the claim and the
            # window's reads where another delivery could book the lines first (a pooled
            # account's window reads each client's when it first reads one of its debtors)
            seen = (
                {c.client_id: self.payments.ledger.ledger.ledger_debtors(c.client_id)
                 for c in clients}
                if self.window > 1 and len(clients) == 1
                else {}
            )  # fmt: skip
            if self.window == 1:  # every line on its own
                for line, line_id in chunk:
                    one(line, line_id)
                continue
            records = [
                banking.unclaimed(line_id, time_ordered_id(self.clock.now()), places[line_id])
                for _, line_id in chunk
            ]
            # the window matches its lines, then claims them with what it decided for them
            # (a line claimed before sends its lines to the one-line path, after the checks
            # of the statement's first claim, claimed_before)
            window = StatementWindow(
                self, statement, clients, owner, lookups, settings, report,
                lambda line, line_id: one(line, line_id), ledger_debtors=seen, written=written,
                claimed_before=claimed_before if start == 0 else None,
            )  # fmt: skip
            window.prefetch([as_read(line) for line, _ in chunk])
            for (line, line_id), record in zip(chunk, records, strict=True):
                window.line(as_read(line), line_id, record)
            final = start + self.window >= len(lines)
            flushed = window.flush(marks if final else [])
            if window.skipped:
                report.lines -= len(chunk)
                return "skipped", None
            if flushed:
                return "marked", closing
        self.repos.banking.write_marks(marks)
        return "booked", closing

    def _identities(self, statement: Statement) -> list[str]:
        """Each line's identity (:func:`line_identities`); a line banks27 re-dated, or one
        whose kenmerk of zeros leftover33 no longer reads, that was stored under a former identity
        (booked, or half-way, before that deploy) keeps that one: under the new one it would
        be booked again (review27 F4). One read per former identity of such a line only (a
        return back-valued weeks before New Year, an ICS line), none for the others."""
        ids = line_identities(statement)
        for n, olds in enumerate(former_identities(statement)):
            for old in olds:
                if self.repos.banking.line(statement.account, old) is not None:
                    ids[n] = old
                    break
        return ids

    def _claim(
        self,
        account: str,
        line: StatementLine,
        line_id: str,
        where: Where,
        paired: set[str],
        report: IngestReport,
        written: bool = False,
    ) -> tuple[LineRecord, bool] | None:
        """Claim the line under its identity, or under the next free occurrence of it when
        the one stored there is another transfer (an identical line of the day's previous
        statement or page: :func:`twin_of`). ``None``: the line itself was
        settled before (a redelivery, an overlapping statement). True with the record: the
        line was claimed, but one stored under its identity could be the same transfer or
        another (no balance to tell by, or stored before places were kept): not booked by
        itself, but listed for a person, never dropped. ``paired``: the stored lines an
        earlier line of this statement was found to be; each is one line's twin only. A line
        a client's upload left ``held`` (a return, for the bank's word) is finished by a file
        the client did not write (``written`` False)."""
        base, _, first = line_id.rpartition("-")
        doubt = False
        for n in range(int(first), int(first) + MAX_TWINS):
            record, fresh = self.repos.banking.claim_line_or_find(
                account, f"{base}-{n}", line.amount, line.booking_date,
                time_ordered_id(self.clock.now()), where,
            )  # fmt: skip
            if record is None:  # gone between the claim and the read: claim it again
                return self._claim(account, line, line_id, where, paired, report, written)
            if fresh:
                return record, doubt
            if record.line_id in paired:
                continue
            twin = twin_of(record.where, where, line.bank_reference)
            unfinished = record.status in ("pending", "booking") or (
                record.status == HELD and not written
            )
            if twin is Twin.UNKNOWN and (unfinished or not line.is_credit or line.is_return):
                twin = Twin.SAME  # as before places were kept: nothing booked twice
            if twin is Twin.SAME:
                paired.add(record.line_id)
                # an earlier delivery of this very line that stopped half-way: finish it as
                # that one would have, for a person where an earlier twin left a doubt
                return (record, doubt) if unfinished else None
            doubt = doubt or twin is Twin.UNKNOWN
        message = (
            f"a line of {format_eur_nl(line.amount)} on {line.booking_date.isoformat()} "
            f"has more than {MAX_TWINS} identical lines on the account that day; not read"
        )
        log.warning("statement line not read: %d identical lines", MAX_TWINS)
        report.warnings.append(message)
        return None

    @staticmethod
    def _settings(clients: list[Client], *, pooled: bool = False) -> MatchSettings:
        """The client's own thresholds; on a pooled account the strictest of the clients that
        allow matching there, when there are any: one let in by a line quoting its code holds
        that line only (``match_line``'s ``code_only``), not the other clients' lines. A
        client with automatic booking switched off gets suggestions only."""
        allowing = [c for c in clients if c.allow_third_party_matching]
        return strictest([settings_of(c) for c in (allowing if pooled and allowing else clients)])

    def _clients_for(
        self, owner: AccountOwner, statement: Statement | None = None, plans: PlanMemo | None = None
    ) -> list[Client]:
        """The clients whose invoices a line of ``statement`` may pay: the account's client,
        or on the agency's pooled account those approved (no sandbox) that allow matching
        there and those whose code a line quotes while the agency holds a case of theirs: the portal and the case
        tell a handed-over debtor to pay there quoting it (newcomer19 F10: an onboarded
        client allows no matching, so every such payment was unmatched, "no client allows
        matching", and booked by hand). ``plans`` gets the agency plans the lines quote (the
        matcher's lookups take them from there)."""
        if owner.client_id:
            found = self.repos.clients.get(owner.client_id)
            return [found[0]] if found else []
        quoted = {
            code
            for line in (statement.lines if statement is not None else ())
            for code in codes_in(" ".join(x for x in (line.remittance, line.reference) if x))
        }
        # a line quoting the reference of the agency's own plan on a case pays that case
        # (its agreement asks no more of the debtor; agencyplan26)
        planned = clients_of_agency_plans(
            self.repos.store,
            owner.agency_id,
            statement.lines if statement is not None else (),
            plans,
        )
        clients, token = [], None
        while True:
            page, token = self.repos.clients.list_for_agency(
                owner.agency_id, page_size=1000, continuation=token
            )
            clients += [
                c
                for c in page
                # a sandbox client's invoices are demo data until the agency approves it
                # (sandbox_gate): never what the agency's money pays (agency21 N4)
                if not c.sandbox
                and (
                    c.allow_third_party_matching
                    or c.client_id in planned
                    or self._case_quoted(c, quoted)
                )
            ]
            if not token:
                return clients

    def _return_clients(self, owner: AccountOwner, clients: list[Client]) -> list[Client]:
        """The clients whose payments a return on ``owner``'s account may undo: on the
        agency's pooled account also every client the agency holds a case of, whether a line
        of this file quotes its code or not: a line that did booked a payment on it there
        (newcomer19 F10), and the bank's return quotes no code (codereview20 F4: the payment
        stayed booked, "without a booked original", and would be paid out)."""
        if owner.client_id is not None:
            return clients
        have = {c.client_id for c in clients}
        more: list[Client] = []
        for client_id in sorted({c.client_id for c in self.repos.cases.list(owner.agency_id)}):
            found = None if client_id in have else self.repos.clients.get(client_id)
            if found is not None and found[0].agency_id == owner.agency_id:
                more.append(found[0])
        return clients + more

    def _case_quoted(self, client: Client, quoted: set[str]) -> bool:
        if client_code(client.client_id) not in quoted:
            return False
        cases = self.repos.cases.of_client(client.agency_id, client.client_id)
        return any(case.status == "open" for case in cases)

    def _lookups(
        self, clients: list[Client], *, pooled: bool, plans: PlanMemo | None = None
    ) -> Lookups:
        for c in clients:
            ensure_match_index(self.repos, c.client_id)
        parts = [ClientLookups(self.repos, c, prefixed=pooled) for c in clients]
        for part in parts:  # the plans read already to choose the clients are not read again
            part.plans_by_reference.update(
                (key, plan)
                for key, plan in (plans or {}).items()
                if key[0] == part.client.client_id
            )
        if not pooled and parts:
            return parts[0]
        return PooledLookups(parts, self._handed_over(clients))

    def _handed_over(self, clients: list[Client]) -> dict[str, frozenset[str]]:
        """Of the clients a line quoting their code let in (no third-party matching), the
        invoices of the agency's open cases: their code opens those only (agency21 N2)."""
        return {
            c.client_id: frozenset(
                number
                for case in self.repos.cases.of_client(c.agency_id, c.client_id)
                if case.status == "open"
                for number in case.invoice_numbers
            )
            for c in clients
            if not c.allow_third_party_matching
        }

    def _totals_for(
        self, clients: list[Client], on: date
    ) -> Callable[[Sequence[OpenInvoice]], dict[str, int]]:
        """The injected open-total provider for one line, keys as the matcher knows them.

        The matcher asks several times per line (invoices named, the payer's invoices, those
        of the amount, the final candidates), mostly about the same debtors: each debtor's
        totals are asked of the provider once per line (with every invoice of that debtor
        seen so far), so a line reads a debtor's claims once, not once per question. Per line,
        not per file: a booking changes what the next line sees."""
        by_id = {c.client_id: c for c in clients}
        known: dict[tuple[str, str], dict[str, int]] = {}  # (client, debtor) -> totals
        asked: dict[tuple[str, str], dict[str, OpenInvoice]] = {}

        def totals(invoices: Sequence[OpenInvoice]) -> dict[str, int]:
            out: dict[str, int] = {}
            groups: dict[tuple[str, str], list[OpenInvoice]] = {}
            for inv in invoices:
                client_id = inv.number.split(_SEP)[0] if _SEP in inv.number else ""
                groups.setdefault((client_id, inv.debtor), []).append(inv)
            for key, invs in groups.items():
                client_id = key[0]
                client = by_id.get(client_id) if client_id else (clients[0] if clients else None)
                if client is None:
                    out.update({i.number: i.open_amount for i in invs})
                    continue
                have = known.get(key, {})
                if any(i.number not in have for i in invs):
                    seen = asked.setdefault(key, {})
                    seen.update({i.number: i for i in invs})
                    prefix = f"{client_id}{_SEP}" if client_id else ""
                    local = [
                        replace(
                            i,
                            number=i.number[len(prefix) :],
                            debtor=i.debtor[len(prefix) :]
                            if i.debtor.startswith(prefix)
                            else i.debtor,
                        )
                        for i in seen.values()
                    ]
                    found = self.open_totals(client, local, on)
                    have = known[key] = {prefix + k: v for k, v in found.items()}
                out.update({i.number: have[i.number] for i in invs if i.number in have})
            return out

        return totals

    def _asked_for(self, clients: list[Client], on: date) -> AskedTotals | None:
        """What letters whose term still runs asked for the matcher's invoices (newcomer17
        F7), keys as the matcher knows them; None when the open totals are not the ledger's."""
        provider = getattr(self.open_totals, "asked", None)
        if provider is None:
            return None
        by_id = {c.client_id: c for c in clients}

        def asked(invoices: Sequence[OpenInvoice]) -> dict[str, Asked]:
            groups: dict[str, list[OpenInvoice]] = {}
            for inv in invoices:
                client_id = inv.number.split(_SEP)[0] if _SEP in inv.number else ""
                groups.setdefault(client_id, []).append(inv)
            out: dict[str, Asked] = {}
            for client_id, invs in groups.items():
                client = by_id.get(client_id) if client_id else (clients[0] if clients else None)
                if client is None:
                    continue
                prefix = f"{client_id}{_SEP}" if client_id else ""
                local = [
                    replace(i, number=i.number[len(prefix) :], debtor=i.debtor.removeprefix(prefix))
                    for i in invs
                ]
                found: dict[str, Asked] = provider(client, local, on)
                out.update(
                    {prefix + k: replace(v, letter=prefix + v.letter) for k, v in found.items()}
                )
            return out

        return asked

    def _line(
        self,
        statement: Statement,
        line: StatementLine,
        line_id: str,
        record: LineRecord,
        lookups: Lookups,
        clients: list[Client],
        owner: AccountOwner,
        report: IngestReport,
        settings: MatchSettings,
        *,
        written: bool = False,
    ) -> None:
        """One line, booked or listed. ``written``: the statement is the client's own upload
        (statement_sources: its payers are its word, its returns undo only its own)."""
        banking = self.repos.banking
        account = statement.account
        if record.status == "booking" and record.client_id and record.payment_id:
            # an earlier attempt wrote its booking down and stopped: finish exactly that one
            client = next((c for c in clients if c.client_id == record.client_id), None)
            if client is not None:
                # a window's booking whose payment row landed: what the window writes after
                # it may be missing, and the booking path does not write it for a payment
                # it finds (statements_redo); one read, on a redelivery only
                landed = (
                    self.repos.payments.get(client.client_id, record.payment_id)
                    if record.booked_at is not None
                    else None
                )
                if (
                    landed is not None
                    and not landed.reversed
                    and refused(self.repos, client.client_id, landed)  # a credit came between
                ):
                    landed = self.payments.reverse(client, record.payment_id, UNDONE)
                if landed is not None and landed.reversed:
                    # the window undid this booking (its invoice was credited, withdrawn or
                    # paid otherwise meanwhile): the undoing finished (idempotent) and the
                    # line a person's, as if that had come first
                    self.payments.reverse(client, record.payment_id, UNDONE)
                    result = LineMatch(0, line.amount, (), (), (UNDONE,), None)
                    self._list(
                        account, line, line_id, record, result, clients, owner, report, written
                    )
                    return
                # a window's booking is finished by ``redo_window_booking`` below (its own
                # log line's id), a line's own by the booking path
                numbers = list(record.invoices)
                booked = self._book(client, line, line_id, record.payment_id, numbers,
                                    received_by=owner.received_by, written=written,
                                    finish=record.booked_at is None,
                                    designated=self._designation_of(client, line, numbers,
                                                                    record),
                                    )  # fmt: skip
                if booked.reversed:  # an invoice refused it (credited meanwhile): undone
                    result = LineMatch(0, line.amount, (), (), (UNDONE,), None)
                    self._list(
                        account, line, line_id, record, result, clients, owner, report, written
                    )
                    return
                if landed is not None and record.booked_at is not None:
                    redo_window_booking(self.repos, client, line, landed, record.booked_at,
                                        written=written)  # fmt: skip
                elif record.booked_at is not None and refused(self.repos, client.client_id, booked):
                    # the window died before its payment row, and a credit came between its
                    # read and its ledger write: booked now on the ledger it wrote, undone
                    self.payments.reverse(client, record.payment_id, UNDONE)
                    result = LineMatch(0, line.amount, (), (), (UNDONE,), None)
                    self._list(
                        account, line, line_id, record, result, clients, owner, report, written
                    )
                    return
                report.booked += 1
                banking.settle_line(
                    account,
                    record,
                    "booked",
                    client_id=client.client_id,
                    payment_id=record.payment_id,
                    amount=line.amount,
                    booked_on=line.booking_date,
                )
                return
        if names_batch(line) or may_be_own_collection(line):
            # a direct-debit file's sum, one of its collections, or another batch's sum: no
            # debtor's payment (a part of another batch is matched per payer below)
            batch_status = self._collection_credit(account, line, record, clients, owner)
            if batch_status is not None:
                banking.settle_line(account, record, batch_status, client_id=None,
                                    payment_id=None, amount=line.amount,
                                    booked_on=line.booking_date)  # fmt: skip
                return
        if line.amount > 0 and line.is_return:
            # money in that undoes a debit or comes back: booked again or listed, never dropped
            status, client_id, payment_id = credit_back(
                self, account, line, line_id, record, clients, owner, report, written
            )
            banking.settle_line(account, record, status, client_id=client_id,
                                payment_id=payment_id, amount=line.amount,
                                booked_on=line.booking_date)  # fmt: skip
            return
        if line.amount <= 0 or line.is_return:
            status = "debit"
            if line.is_return:
                returning = self._return_clients(owner, clients)
                status = self._returned(line, returning, owner, written, line_id, record.action_id)
            report.returned += status == "returned"
            banking.settle_line(
                account,
                record,
                status,
                client_id=None,
                payment_id=None,
                amount=line.amount,
                booked_on=line.booking_date,
            )
            return
        if not clients:
            result = LineMatch(0, line.amount, (), (), (NO_CLIENT_MATCHES,), None)
        else:
            totals = self._totals_for(clients, line.booking_date)
            asked = self._asked_for(clients, line.booking_date)
            code_only = lookups.code_only if isinstance(lookups, PooledLookups) else None
            handed = lookups.handed if isinstance(lookups, PooledLookups) else None
            result = match_line(0, line, lookups, settings, totals, asked, code_only, handed)
        if result.booked and result.best is not None:
            client, numbers = self._split(result, {c.client_id: c for c in clients}, clients)
            if self._index_agrees(client, result):
                payment_id = "bank-" + line_id
                # decided before the booking and written down with it: a redelivery after
                # the ledger took the money stores this, not a designation read from claims
                # that hold it already (returns14 #3)
                plans = plan_designation(self.repos.store, client.client_id, line, [
                    (i.number.split(_SEP)[-1], i.debtor.split(_SEP)[-1])
                    for i in result.best.invoices
                ])  # fmt: skip
                named = self._designation(line, result, totals, plans)
                intent, mine = banking.write_intent(
                    account,
                    record,
                    client_id=client.client_id,
                    payment_id=payment_id,
                    invoices=numbers,
                    amount=line.amount,
                    booked_on=line.booking_date,
                    designated=named,
                )
                if not mine:  # another delivery is at this line: follow what it wrote
                    if intent.status in ("pending", "booking"):
                        self._line(statement, line, line_id, intent, lookups, clients, owner,
                                   report, settings, written=written)  # fmt: skip
                    return
                into = owner.received_by
                if self._book(
                    client, line, line_id, payment_id, numbers, received_by=into,
                    written=written, designated=named,
                ).reversed:  # fmt: skip
                    # an invoice refused the booking (credited or paid otherwise between the
                    # match and the write): the booking path undid it; the line is a person's
                    undone = LineMatch(0, line.amount, (), (), (UNDONE,), None)
                    self._list(
                        account, line, line_id, intent, undone, clients, owner, report, written
                    )
                    return
                report.booked += 1
                banking.settle_line(  # under the ETag of the booking written down
                    account,
                    intent,
                    "booked",
                    client_id=client.client_id,
                    payment_id=payment_id,
                    amount=line.amount,
                    booked_on=line.booking_date,
                )
                return
            result = replace(
                result,
                booked=(),
                suggested=tuple((a, result.best.score) for a in result.booked),
                reasons=(*result.reasons, "not booked: the invoice changed since it was indexed"),
            )
        self._list(account, line, line_id, record, result, clients, owner, report, written)

    def _list(
        self,
        account: str,
        line: StatementLine,
        line_id: str,
        record: LineRecord,
        result: LineMatch,
        clients: list[Client],
        owner: AccountOwner,
        report: IngestReport,
        written: bool = False,
    ) -> None:
        """The line on the action list (a suggestion, or an unmatched credit), then settled.
        ``written``: a line of the client's own upload (its item says so: statement_sources)."""
        banking = self.repos.banking
        client_of = {c.client_id: c for c in clients}
        target = self._action_scope(result, client_of, clients, owner)
        kind, title, detail = self.action_for(account, line, line_id, result, written)
        self.note_quoted(detail, line, clients, target)
        self._add_action(target, kind, title, detail, action_id=record.action_id,
                         debtor_number=quoted_debtor(detail, target))  # fmt: skip
        report.suggested += bool(result.suggested)
        report.unmatched += not result.suggested
        settled = banking.settle_line(  # under the ETag of the claim this decision was made on
            account,
            record,
            "suggested" if result.suggested else "unmatched",
            client_id=None,
            payment_id=None,
            amount=line.amount,
            booked_on=line.booking_date,
        )
        if not settled and record.action_id:
            self._withdraw_if_booked(account, line_id, target, record.action_id)

    def _withdraw_if_booked(self, account: str, line_id: str, scope: str, action_id: str) -> None:
        """The line changed while this delivery decided it needs a person: when another
        delivery booked it meanwhile, the item just added is resolved (a line is never both
        booked and on the action list); otherwise the other writer's outcome stands."""
        now = self.repos.banking.line(account, line_id)
        if now is None or now.status not in ("booking", "booked"):
            return
        found = self.repos.actions.get(scope, action_id)
        if found is None or found[0].status is not ActionStatus.OPEN:
            return
        item, etag = found
        resolved = replace(
            item,
            status=ActionStatus.RESOLVED,
            resolved_at=self.clock.now(),
            resolution="booked by another delivery of the statement",
        )
        try:
            self.repos.actions.save(resolved, etag or "*")
        except PreconditionFailed:
            pass  # staff took it up meanwhile: theirs

    @staticmethod
    def action_for(
        account: str, line: StatementLine, line_id: str, result: LineMatch, written: bool = False
    ) -> tuple[str, str, dict[str, object]]:
        """The action item of a line not booked: its kind, title and what staff need.
        ``written``: the line is of a file the client uploaded: a person's confirmation books
        it as such (its payer the client's word, :data:`CLIENT_WRITTEN`), and says so."""
        detail: dict[str, object] = {
            "account": account,
            "line_id": line_id,
            "amount": line.amount,
            "date": line.booking_date.isoformat(),
            "payer_iban": line.counterparty_iban,
            "payer_name": line.counterparty_name,
            "remittance": line.remittance,
            # what the payer quoted: the key to the invoice (a kenmerk of one paid already is
            # the commonest unmatched credit, a second payment) and to a later return
            "reference": line.reference,
            "end_to_end_id": line.end_to_end_id,
            # the bank's own reference: a person's confirm keeps the reference the automatic
            # booking would (model.line_reference), also of a line without an end-to-end id
            "bank_reference": line.bank_reference,
            "reasons": list(result.reasons),
            "suggestions": [
                {
                    "invoice": a.invoice_number.split(_SEP)[-1],
                    "client_id": a.invoice_number.split(_SEP)[0]
                    if _SEP in a.invoice_number
                    else None,
                    "amount": a.amount,
                    "score": score,
                    # whose invoice it is: the item is filed under the one debtor of all its
                    # suggestions (statement_references.quoted_debtor; newcomer27 F5)
                    "debtor": a.debtor.split(_SEP)[-1] if a.debtor else None,
                }
                for a, score in result.suggested
            ],
        }
        if line.charges:
            # what the bank kept of the credit (``amount`` is what the payer sent): booked
            # with the payment when a person confirms it, for settlement to show
            detail["charges"] = line.charges
        if written:
            detail[CLIENT_WRITTEN] = True
            detail["reasons"] = [*result.reasons, UPLOADED_REASON]
        if result.not_handed:
            # money for an invoice the client kept, on the agency's account: its own kind, so
            # the agency's list, its count and the item's page say what to do (booked24)
            return CLIENT_MONEY, f"Client's money on the agency's account: {format_eur_nl(line.amount)}", detail  # fmt: skip
        kind = "payment_suggestion" if result.suggested else "unmatched_credit"
        title = f"{'Check' if result.suggested else 'Unmatched'} payment of {format_eur_nl(line.amount)}"
        first = _double_of(line_id)
        if first is not None and line.is_credit and TWIN_UNKNOWN not in result.reasons:
            detail["double_of"] = first
            uploaded = [UPLOADED_REASON] if written else []
            detail["reasons"] = [*result.reasons, *uploaded, DOUBLE]
            title = f"Possible double payment of {format_eur_nl(line.amount)}"
        return kind, title, detail

    def _book(
        self,
        client: Client,
        line: StatementLine,
        line_id: str,
        payment_id: str,
        numbers: list[str],
        *,
        received_by: Receiver,
        reference: str | None = None,
        written: bool = False,
        finish: bool = True,
        designated: list[str] | None = None,
        act_of: Payment | None = None,
    ) -> Payment:
        """Book the line's money on these invoices, remembered under ``reference`` (a return
        names it; the line's own end-to-end id unless the line restores an earlier payment);
        ``designated``: those of them the debtor designated (:meth:`_designation`; None: all);
        ``act_of``: the payment the line restores (its debtor's act, see ``PaymentService.book``);
        ``received_by``: whose account the statement is (:attr:`AccountOwner.received_by`).
        On the client's own account the line takes the place of a receipt the client's sync
        booked of the same money (failure11 F5), or a person is asked whether it is."""
        if received_by is Receiver.CLIENT:
            from shared.services.client_receipts import bank_takes_the_place

            bank_takes_the_place(self.repos, self.payments, client, numbers, line.amount,
                                 line.booking_date, payment_id, self.clock.now())  # fmt: skip
        payment = self.payments.book(
            client,
            payment_id=payment_id,
            amount=line.amount,
            received_on=line.booking_date,
            source=PaymentSource.BANK,
            invoice_numbers=numbers,
            external_id=line_id,
            payer_iban=line.counterparty_iban,
            return_reference=reference or line.end_to_end_id,
            received_by=received_by,
            client_written=written,
            # a credit the bank kept its charges of: a return sends back what arrived
            received=received_of(line),
            bank_charges=line.charges,
            finish=finish,
            designated=designated,
            act_of=act_of,
            reference=line_reference(line),
        )
        by_payer = payer_ref(line, payment, written)
        if by_payer is not None and not payment.reversed:
            # a return quoting no end-to-end id finds it by its payer (statement_returns);
            # a redelivery writes the same row again
            self.repos.banking.remember_payment(client.client_id, by_payer)
        return payment

    @staticmethod
    def _designation(
        line: StatementLine,
        result: LineMatch,
        totals: Callable[[Sequence[OpenInvoice]], dict[str, int]],
        through_plans: frozenset[str] = frozenset(),
    ) -> list[str]:
        """The debtor's designation of a line the matcher booked (6:43 lid 1): the invoices
        his text names, or those whose open total the amount is to the cent; none when the
        matcher found them by his account or amount only (:func:`line_designation`). The
        totals the matcher compared, read once per line already; ``through_plans``: the
        invoices of the plans whose own reference the line carries (plan_designation.py)."""
        assert result.best is not None
        booked = {a.invoice_number for a in result.booked}
        chosen = [i for i in result.best.invoices if i.number in booked]
        figures = totals(chosen)
        local = [replace(i, number=i.number.split(_SEP)[-1]) for i in chosen]
        by_local = {
            i.number.split(_SEP)[-1]: c for i in chosen if (c := figures.get(i.number)) is not None
        }
        return list(line_designation(line, local, by_local, through_plans))

    def _designation_of(
        self, client: Client, line: StatementLine, numbers: list[str], record: LineRecord
    ) -> list[str]:
        """:meth:`_designation` of a line whose booking an earlier delivery wrote down and did
        not finish: as written down with it; read again from its invoices for a booking
        written down before designations were (their claims may hold its money already)."""
        if record.designated is not None:
            return list(record.designated)
        stored = self.repos.invoices.get_many(client.client_id, numbers)
        invoices = [
            OpenInvoice(n, stored[n].invoice.debtor_number, "", stored[n].invoice.open_amount,
                        stored[n].invoice.payment_reference)
            for n in dict.fromkeys(numbers) if n in stored
        ]  # fmt: skip
        totals = self.open_totals(client, invoices, line.booking_date)
        plans = plan_designation(self.repos.store, client.client_id, line,
                                 [(i.number, i.debtor) for i in invoices])  # fmt: skip
        return list(line_designation(line, invoices, totals, plans))

    def _index_agrees(self, client: Client, result: LineMatch) -> bool:
        """The invoices about to be booked are still open as the index said (one read): an
        index left stale by a crash is repaired here and the line suggested instead."""
        assert result.best is not None
        local = [
            replace(i, number=i.number.split(_SEP)[-1], debtor=i.debtor.split(_SEP)[-1])
            for i in result.best.invoices
        ]
        stored = self.repos.invoices.get_many(client.client_id, [i.number for i in local])
        stale = [
            i
            for i in local
            if i.number not in stored or indexed_open(stored[i.number].invoice) != i.open_amount
        ]
        if not stale:
            return True
        self.repos.invoices.match_index.repair(
            client.client_id, stale, [stored[i.number].invoice for i in stale if i.number in stored]
        )
        return False

    def _split(
        self, result: LineMatch, client_of: dict[str, Client], clients: list[Client]
    ) -> tuple[Client, list[str]]:
        keys = [a.invoice_number for a in result.booked]
        if _SEP not in keys[0]:
            return clients[0], keys
        client_id = keys[0].split(_SEP)[0]
        return client_of[client_id], [k.split(_SEP, 1)[1] for k in keys]

    def _action_scope(
        self,
        result: LineMatch,
        client_of: dict[str, Client],
        clients: list[Client],
        owner: AccountOwner,
    ) -> str:
        """The list a line needing a person goes on: the account's client's; on the agency's
        pooled account the one client whose invoices alone are suggested, else the agency's.
        Money on the agency's account that two clients could claim is the agency's to assign,
        never one client's by the order of their random ids (attack10 F5)."""
        if owner.client_id is not None:
            return owner.client_id
        if result.not_handed:
            return agency_scope(owner.agency_id)  # money for the client on the agency's account
        keys = [a.invoice_number for a, _ in result.suggested]
        if result.best is not None:
            keys += [i.number for i in result.best.invoices]
        named = {k.split(_SEP)[0] for k in keys if _SEP in k}
        if len(named) == 1 and all(_SEP in k for k in keys) and next(iter(named)) in client_of:
            return named.pop()
        return agency_scope(owner.agency_id)

    # a payment plan's direct debit coming back (wired in the container): True when it was
    # one of a plan's collections, booked yet or not (shared/services/plans/service.py)
    plan_returns: Callable[[Client, str, str], bool] | None = None

    def _returned_payment(
        self, client: Client, line: StatementLine, remembered: list[PaymentRef]
    ) -> tuple[list[str], bool]:
        """The payments under the return's end-to-end id that it can undo: the same amount (what
        the payer sent, or what arrived of a credit the bank kept charges of: a return sends
        back the money that moved), and the same payer's account when both are known; not
        undone yet. ``done``: one that fits was undone already (the return was handled before)."""
        iban = (line.counterparty_iban or "").replace(" ", "").upper()
        fitting: list[str] = []
        done = False
        for ref in remembered:
            payment = self.repos.payments.get(client.client_id, ref.payment_id)
            if payment is None or abs(line.amount) not in (payment.amount, ref.received):
                continue
            if iban and ref.payer_iban and ref.payer_iban != iban:
                continue
            if payment.reversed:
                done = True
            else:
                fitting.append(payment.payment_id)
        return fitting, done

    # the end-to-end ids of a client's direct-debit file (MsgId, sequence), wired in the
    # container (DirectDebitDesk.collections_of_file): empty when the client never sent it
    collection_file: Callable[[Client, str, str], list[str]] | None = None

    # the invoice a structured reference names, whatever its state (wired in the container:
    # shared/services/statement_references.py); None: not known
    # (client id, reference[, {client id: its search index built}]) -> the invoice
    quoted_invoice: Callable[..., Invoice | None] | None = None

    def note_quoted(
        self,
        detail: dict[str, object],
        line: StatementLine,
        clients: list[Client],
        target: str,
        built: dict[str, bool] | None = None,
    ) -> None:
        """An unmatched credit quoting the reference of a paid, credited or withdrawn
        invoice says so on its item (a second payment, to refund or book knowingly). The item
        is ``target``'s: on a client's list only that client's invoices are named (a pooled
        account serves competitors: attack5 finding 6); on the agency's own list each
        client's, with the client. ``built``: the window's memo of which clients' search
        indexes are built."""
        suggestions = detail.get("suggestions")
        on_agency_list = is_agency_scope(target)
        if isinstance(suggestions, list) and not on_agency_list:
            detail["suggestions"] = [
                s for s in suggestions
                if not isinstance(s, dict) or s.get("client_id") in (None, target)
            ]  # fmt: skip
        for client in clients:
            if not on_agency_list and client.client_id != target:
                continue
            invoice, note = None, None
            if line.reference and self.quoted_invoice is not None:
                invoice = (
                    self.quoted_invoice(client.client_id, line.reference)
                    if built is None
                    else self.quoted_invoice(client.client_id, line.reference, built)
                )
                note = quoted_reason(invoice, line.reference) if invoice is not None else None
            if note is None and not suggestions:
                invoice, note = self._quoted_number(client, line.remittance)
            if invoice is not None and note is not None:
                detail["quoted_invoice"] = invoice.number
                # the closed invoice's debtor is the payer to refund or to book on: named so
                # staff need not look him up (newcomer26 F3); the item names no one else's
                detail["quoted_debtor"] = invoice.debtor_number
                if on_agency_list:
                    detail["quoted_client"] = client.number
                    note = f"{note} (client {client.number})"
                reasons = detail.get("reasons")
                detail["reasons"] = [*(reasons if isinstance(reasons, list) else []), note]
                return

    def _quoted_number(self, client: Client, text: str | None) -> tuple[Invoice | None, str | None]:
        """A closed invoice of the client whose number the payer wrote in his description
        (the matching index holds open invoices only): "2026-0196" of an invoice the same
        debtor paid online an hour before. One point read for each of at most
        :data:`QUOTED_NUMBERS_READ` words with a digit; the number must be written whole."""
        words = [w.strip(".,;:()") for w in (text or "").split()]
        tried = 0
        for word in words:
            # a word that can be a key at all (no '/', '#', '?': Table Storage refuses them)
            if (
                len(word) < 4
                or not _NUMBER_WORD.fullmatch(word)
                or not any(ch.isdigit() for ch in word)
            ):
                continue
            if tried == QUOTED_NUMBERS_READ:
                break
            tried += 1
            found = self.repos.invoices.get(client.client_id, word)
            if found is None or found.invoice.status not in CLOSED:
                continue
            return found.invoice, quoted_number_reason(found.invoice)
        return None, None

    # a plan's collection whose return the bank reversed, told on the plan's timeline; wired
    # in the container (statement_credits_back.note_collection_restored)
    plan_restored: RestoredNote | None = None

    # whether an end-to-end id is one of the client's plans' collections, wired in the
    # container (DirectDebitDesk.plan_of): a credit of it is the collection, booked by law
    # on its collection date, never a payment to match
    own_collection: Callable[[Client, str], bool] | None = None

    def _collection_credit(
        self,
        account: str,
        line: StatementLine,
        record: LineRecord,
        clients: list[Client],
        owner: AccountOwner,
    ) -> str | None:
        """``collected`` for a credit of our own direct debits (a batch of our file, booked
        as one sum or split per collection, or one collection on its own); a batch of someone
        else's booked as one sum is listed (``batch``); None: match it as a payment."""
        own = own_collection_file(line.batch_id) if names_batch(line) else None
        if own is not None and self.collection_file is not None:
            for client in clients:
                if self.collection_file(client, own.message_id, own.sequence):
                    return "collected"
        if line.end_to_end_id and may_be_own_collection(line) and self.own_collection is not None:
            for client in clients:
                if self.own_collection(client, line.end_to_end_id):
                    return "collected"
        if is_batch_credit(line):
            return self._batch_credit(account, line, record, clients, owner)
        return None

    def _batch_credit(
        self,
        account: str,
        line: StatementLine,
        record: LineRecord,
        clients: list[Client],
        owner: AccountOwner,
    ) -> str:
        """A batch credit (/PREF/, Btch/PmtInfId) that is none of our own direct-debit files
        (those are ``collected``: :meth:`_collection_credit`) goes on the list as what it is,
        never as a payment to book on an invoice."""
        self._add_action(
            owner.action_list,
            "collection_batch",
            f"Batch credit of {format_eur_nl(line.amount)} ({line.batch_id}): the sum of a "
            "direct-debit file, not one debtor's payment; do not book it on an invoice",
            {
                "account": account,
                "amount": line.amount,
                "date": line.booking_date.isoformat(),
                "batch_id": line.batch_id,
                "remittance": line.remittance,
                "reasons": ["a batch booking: no direct-debit file of Inning's with this id"],
            },
            action_id=record.action_id,
        )
        return "batch"

    def _returned(
        self,
        line: StatementLine,
        clients: list[Client],
        owner: AccountOwner,
        written: bool = False,
        line_id: str | None = None,
        action_id: str | None = None,
    ) -> str:
        """A return (storno, R-transaction): the payment it names undone. ``written``: a file
        the client uploaded, which undoes only payments its own uploads booked; a payment
        the bank's file booked (or a plan's collection) is never reopened on the client's
        word: the agency is told (attack10 F7). No payment under its end-to-end id (most
        Dutch transfers quote none): found by the payer's account (statement_returns)."""
        reason = line.return_reason or "reversal"
        # the end-to-end id; in a free-text return (ING unstructured) it stands untagged among
        # the words: each candidate is looked up, only an id we sent can match
        ids = [line.end_to_end_id] if line.end_to_end_id else id_candidates(line.remittance)
        if self.plan_returns is not None and not written:
            undo_restored(self, line, clients, ids)  # a collection a reversal put back
            for e2e in ids:
                for client in clients:
                    if self.plan_returns(client, e2e, line.return_reason or "NARR"):
                        return "returned"
        for e2e in ids:
            for client in clients:
                remembered = self.repos.banking.payments_for(client.client_id, e2e)
                if written and any(not r.client_written for r in remembered):
                    self._client_return(line, reason, e2e, remembered, owner)
                    return HELD
                if not remembered:
                    continue
                fitting, done = self._returned_payment(client, line, remembered)
                if len(fitting) == 1:
                    self.payments.reverse(
                        client, fitting[0], f"returned by the bank ({reason})", line.booking_date
                    )
                elif not done:
                    # the id is the payer's own text: another payment may carry it too; a
                    # person decides rather than a guess reopening another debtor's invoice
                    # (on the pooled account the agency: the line is on its account, and the
                    # same text may name another client's payment)
                    self._add_action(
                        owner.action_list,
                        "unmatched_return",
                        f"Returned payment of {format_eur_nl(abs(line.amount))} ({reason}): "
                        f"end-to-end id {e2e} names {len(fitting) or 'no'} "
                        "payment(s) of that amount and account",
                        {"amount": line.amount, "end_to_end_id": e2e,
                         "payer_iban": line.counterparty_iban, "remittance": line.remittance,
                         "payments": [r.payment_id for r in remembered]},
                    )  # fmt: skip
                return "returned"
        if clients or owner.client_id is None:
            by_payer = returned_by_payer(
                self, line, line_id, clients, owner, reason, written, action_id
            )
            if by_payer is not None:
                return by_payer
            self._add_action(
                owner.action_list,
                "unmatched_return",
                NO_ORIGINAL.format(amount=format_eur_nl(abs(line.amount)), reason=reason),
                {
                    "amount": line.amount,
                    "date": line.booking_date.isoformat(),
                    "return_reason": reason,
                    "end_to_end_id": line.end_to_end_id,
                    "payer_name": line.counterparty_name,
                    "remittance": line.remittance,
                },
                action_id=action_id,
            )
        return "returned"

    def _client_return(
        self,
        line: StatementLine,
        reason: str,
        e2e: str,
        remembered: list[PaymentRef],
        owner: AccountOwner,
    ) -> None:
        """A client-written return naming a payment the bank's file booked: on the agency's
        list, nothing undone (the agency's costs and share ride on that payment)."""
        self._add_action(
            agency_scope(owner.agency_id),
            "unmatched_return",
            CLIENT_RETURN.format(amount=format_eur_nl(abs(line.amount)), reason=reason),
            {"amount": line.amount,
             "date": line.booking_date.isoformat(), "end_to_end_id": e2e,
             "payer_iban": line.counterparty_iban, "remittance": line.remittance,
             "payments": [r.payment_id for r in remembered]},
        )  # fmt: skip

    def _tell_dated(self, statement: Statement, owner: AccountOwner, name: str, day: date) -> None:
        """The agency's item for the credits of a client's upload dated before the upload's
        ``day`` that this upload booked (on that day: a payment of the line received then;
        one the bank's file booked before keeps its day and is not named). Keyed by the file
        and the statement: a redelivery adds it once."""
        if owner.client_id is None:
            return
        dated: list[str] = []
        for line, line_id in zip(statement.lines, self._identities(statement), strict=True):
            if line.amount <= 0 or line.is_return or line.booking_date >= day:
                continue
            payment = self.repos.payments.get(owner.client_id, "bank-" + line_id)
            if payment is None or payment.reversed or payment.received_on != day:
                continue
            on = ", ".join(payment.designated) or payment.payment_id
            dated.append(f"{line.booking_date.isoformat()}: {format_eur_nl(line.amount)} ({on})")
        if not dated:
            return
        digest = hashlib.sha256(f"{name}\0{statement.identity()}".encode()).hexdigest()[:40]
        self._add_action(
            agency_scope(owner.agency_id),
            "client_dated_payments",
            DATED.format(count=len(dated), file=name, account=statement.account, day=day),
            {"account": statement.account, "file": name, "date": day.isoformat(), "lines": dated},
            action_id=f"dated-{digest}",
        )

    def _check_balances(
        self,
        statement: Statement,
        owner: AccountOwner,
        scope: Client | None,
        name: str,
        report: IngestReport,
        last: LastClosing | _Unread | None = UNREAD,
        *,
        mark: str | None = None,
        day_marks: frozenset[str] | None = None,
    ) -> Row | None:
        """The balance checks; the closing balance to record with the statement's mark.
        ``last``: the account's last closing balance as the caller read it (read here when
        not given); ``mark`` and ``day_marks``: see ``BankingRepository.closing_row``."""
        target = scope.client_id if scope else agency_scope(owner.agency_id)
        diff = statement.balance_difference()
        if diff not in (None, 0):
            assert statement.opening is not None and statement.closing is not None
            message = f"Statement {name} for {statement.account}: opening + lines differs from closing by {format_eur_nl(diff or 0)}"
            report.warnings.append(message)
            # one item per statement, keyed by it: a redelivery after a crash before the
            # statement's mark (or the same statement in another file) adds none again; the
            # figures a person checks against the bank's own statement, in cents
            key = _statement_key(statement)
            self._add_action(
                target,
                "balance_mismatch",
                message,
                {
                    "account": statement.account,
                    "statement": statement.statement_id or statement.sequence or "",
                    "file": name,
                    "opening": statement.opening.amount,
                    "entries": sum(x.moved for x in statement.lines),
                    "line_count": len(statement.lines),
                    "closing": statement.closing.amount,
                    "difference": diff,
                },
                action_id=f"balance-{key}",
            )
        if isinstance(last, _Unread):
            last = self.repos.banking.last_closing(statement.account)
        opening = statement.opening
        if (
            last is not None
            and opening is not None
            and _follows(opening, last)
            and opening.amount != last.amount
            # the statement before it booked beside an older one, whose closing landed last
            and not self.repos.banking.marked_closing(
                statement.account, opening.amount, last.on, opening.on
            )
        ):
            message = (
                f"Opening balance of {statement.account} on {opening.on} is "
                f"{format_eur_nl(opening.amount)}, the last statement closed at "
                f"{format_eur_nl(last[0])}: a statement may be missing"
            )
            report.warnings.append(message)
            self._add_action(
                target, "missing_statement", message, {"account": statement.account},
                action_id=f"missing-{_statement_key(statement)}",
            )  # fmt: skip
        # without one (its statement_warning says so) what opening + lines imply: the next
        # day's opening is compared with that, not with the day before (newcomer12 #2)
        implied = None if statement.closing else implied_closing(statement)
        closing = statement.closing or implied
        if closing is None:
            return None
        # over the closing just read (not read twice), written with the mark; an implied one
        # keeps the opening it was implied from (_follows)
        source = (opening.amount, opening.on) if implied is not None and opening else None
        return self.repos.banking.closing_row(
            statement.account, closing.amount, closing.on, last, implied_from=source,
            mark=mark, day_marks=day_marks,
        )  # fmt: skip

    def _add_action(
        self,
        scope: str,
        kind: str,
        title: str,
        detail: dict[str, object],
        *,
        action_id: str | None = None,
        debtor_number: str | None = None,
    ) -> None:
        """``action_id`` fixed by the caller: a retried line adds its item once."""
        now = self.clock.now()
        try:
            self.repos.actions.add(
                ActionItem(
                    client_id=scope,
                    action_id=action_id or time_ordered_id(now),
                    kind=kind,
                    title=title,
                    created_at=now,
                    detail=detail,
                    debtor_number=debtor_number,
                )
            )
        except Conflict:
            if action_id is None:
                raise
            # added by an earlier attempt, which may have died before counting it on the
            # Today page: the sums are counted again on the next read (redelivery only)
            self.repos.invoices.figures.forget(scope)

    def _report_warnings(
        self,
        statement: Statement,
        owner: AccountOwner,
        scope: Client | None,
        name: str,
        report: IngestReport,
    ) -> None:
        """Oddities the parser repaired or skipped (a stray byte, a damaged transaction): the
        rest is booked, the problem lines go on the action list."""
        if not statement.warnings:
            return
        report.warnings += list(statement.warnings)
        target = scope.client_id if scope else agency_scope(owner.agency_id)
        self._add_action(
            target,
            "statement_warning",
            f"Statement {name} for {statement.account}: {len(statement.warnings)} problem(s) "
            "in the file; the other lines were booked",
            {"account": statement.account, "file": name, "problems": list(statement.warnings)},
            action_id=f"warning-{_statement_key(statement)}",
        )

    def _quarantine(
        self, name: str, data: bytes, agency_id: str, error: StatementError
    ) -> IngestReport:
        report = {
            "file": name,
            "received_at": self.clock.now().isoformat(),
            "bytes": len(data),
            **error.as_dict(),
        }
        scope = (
            agency_scope(agency_id)
            if agency_id and self.repos.agencies.get(agency_id)
            else agency_scope("_unknown")
        )
        # the item first, keyed by the file, then the copy, then the inbox delete: a worker
        # dying (or a write timing out) anywhere leaves the file in the inbox, and the
        # blob trigger's redelivery finishes the steps, adding the item once; deleted first,
        # the redelivery found no blob and nobody was ever told (failure6 #9)
        action_id = self._refusal_id(scope, name, data)
        self._add_action(
            scope, "statement_quarantined", f"Statement file {name} refused: {error}", report,
            action_id=action_id,
        )  # fmt: skip
        self._remember_refusal(agency_id, data, scope, action_id)
        self._keep(name, data, report)
        self._mark_client_written(name, data, agency_id)
        self.files.delete(INBOX, name)
        log.warning("statement %s quarantined: %s", name, error)
        return IngestReport(name, "quarantined", error=error.as_dict())

    def _quarantine_statement(
        self,
        name: str,
        data: bytes,
        agency_id: str,
        refused: list[tuple[Statement, StatementError]],
        booked: int,
    ) -> None:
        """The statements of a file held back, its others booked: one copy of the file (sent
        again once the account is registered, only those statements are new: the others are
        marked booked) with a report listing them, and one item naming the accounts and the
        file and saying what to do: however many statements a file holds back, one copy and
        one item (attack10 F4). Keyed by the file, so a redelivered file adds no item, even
        once staff resolved it (failure10 #6); the file uploaded anew is a new name."""
        source = source_of(name)
        accounts = list(dict.fromkeys(statement.account for statement, _ in refused))
        named = ", ".join(accounts[:MAX_HELD_NAMED]) + (
            f" and {len(accounts) - MAX_HELD_NAMED} more" if len(accounts) > MAX_HELD_NAMED else ""
        )
        held = f"{name}.held-back"
        report: dict[str, object] = {
            "file": name,
            "accounts": accounts[:MAX_HELD_LISTED],
            "held_back": len(refused),
            "received_at": self.clock.now().isoformat(),
            "bytes": len(data),
        }
        if source.client_id is not None:
            found = self.repos.clients.get(source.client_id)
            mine = found is not None and found[0].agency_id == agency_id
            report["client"] = found[0].number if found is not None and mine else source.client_id
            text = HELD_BACK_CLIENT.format(
                count=len(refused), file=name, client=report["client"], accounts=named,
                booked=booked,
            )  # fmt: skip
        elif all(whys := [not_an_iban(statement) for statement, _ in refused]):
            text = HELD_BACK_UNROUTABLE.format(
                count=len(refused), file=name, accounts=named, booked=booked, why=whys[0]
            )
        else:
            text = HELD_BACK.format(count=len(refused), file=name, accounts=named, booked=booked)
        scope = agency_scope(agency_id)
        self._add_action(
            scope, "statement_quarantined", text, report,
            action_id=_file_id(held, data),
        )  # fmt: skip
        self._remember_refusal(agency_id, data, scope, _file_id(held, data))
        # why each was refused (a bank's own account id says how to export it instead): for
        # the operator reading the quarantine, in the report beside the copy
        why = list(dict.fromkeys(e.reason for _, e in refused))[:MAX_HELD_NAMED]
        self._keep(held, data, {**report, "error": "; ".join(why), "errors": why})
        self._mark_client_written(name, data, agency_id)
        log.warning("%d statement(s) of %s quarantined, the others booked", len(refused), name)

    def _mark_client_written(self, name: str, data: bytes, agency_id: str) -> None:
        """Remember a refused file a client uploaded by its bytes: the same file sent again
        through the agency's API is refused, never booked (attack10
        F3: a client's forged statement of the pooled account, re-uploaded by the agency as a
        held-back item once advised, was booked)."""
        source = source_of(name)
        if source.client_id is None or not agency_id:
            return
        self.files.put(QUARANTINE, _written_by_client(agency_id, data), name.encode())

    def _refuse_client_written(self, name: str, data: bytes, agency_id: str) -> None:
        source = source_of(name)
        if source.client_id is not None or not source.uploaded:
            # the client's own upload books its own accounts only, again; the same bytes
            # from the bank's delivery are the bank's word (a client may have downloaded
            # the very file the bank sends)
            return
        if self.files.exists(QUARANTINE, _written_by_client(agency_id, data)):
            raise StatementError(
                "the file is one uploaded for a client and refused there: the client's writing, "
                "not the bank's, it is not booked through the agency; book the accounts it "
                "names from the bank's own statement"
            )

    def _keep(self, name: str, data: bytes, report: dict[str, object]) -> None:
        """The refused bytes in the quarantine under ``name``, its report beside them."""
        self.files.put(QUARANTINE, name, data)
        self.files.put(
            QUARANTINE,
            name + ".error.json",
            json.dumps(report, indent=2).encode(),
            content_type="application/json",
        )

    def _remember_refusal(self, agency_id: str, data: bytes, scope: str, action_id: str) -> None:
        """Which items refused these bytes, so that the same file booked later (uploaded again
        under another name once the account was registered) closes them (newcomer16b F4: the
        item kept asking to upload a file that was booked). Kept per agency: another agency's
        identical file never touches this one's items."""
        if not agency_id or scope != agency_scope(agency_id):
            return  # the "_unknown" agency's items: no agency ever books that file
        where = _refused_bytes(agency_id, data)
        known = json.loads(self.files.get(QUARANTINE, where) or b"[]")
        if action_id not in known:
            self.files.put(QUARANTINE, where, json.dumps([*known, action_id]).encode(),
                           content_type="application/json")  # fmt: skip

    def _resolve_refusals(self, agency_id: str, data: bytes, name: str) -> None:
        """The same bytes booked whole now: every item that refused them, still open, is
        resolved naming the file that booked them (staff who took one up keep theirs: an ETag
        conflict leaves it)."""
        where = _refused_bytes(agency_id, data)
        stored = self.files.get(QUARANTINE, where)
        if stored is None:
            return
        scope = agency_scope(agency_id)
        for action_id in json.loads(stored):
            found = self.repos.actions.get(scope, action_id)
            if found is None or found[0].status is ActionStatus.RESOLVED:
                continue
            item, etag = found
            resolved = replace(
                item,
                status=ActionStatus.RESOLVED,
                resolved_at=self.clock.now(),
                resolution=f"the same file was booked when received again as {name} (Inning)",
            )
            try:
                self.repos.actions.save(resolved, etag or "*")
            except PreconditionFailed:
                return  # changed meanwhile: the marker stays for the next delivery to finish
        self.files.delete(QUARANTINE, where)

    def _refusal_id(self, scope: str, name: str, data: bytes) -> str:
        """The refused file's item: the same name and bytes give the same id, so a redelivery
        adds it once. When that item was resolved already, the file came again (uploaded
        anew after the account was added, and refused again): a new item, never none."""
        action_id = _file_id(name, data)
        found = self.repos.actions.get(scope, action_id)
        if found is not None and found[0].status is ActionStatus.RESOLVED:
            return f"{action_id}-{time_ordered_id(self.clock.now())}"
        return action_id


def _written_by_client(agency_id: str, data: bytes) -> str:
    """Where the quarantine remembers the bytes of a refused file a client uploaded: beside
    the agencies' folders, so no listing of refused files shows it as one."""
    return f"client-written/{agency_id}/{hashlib.sha256(data).hexdigest()}"


def _refused_bytes(agency_id: str, data: bytes) -> str:
    """Where the quarantine remembers the items that refused a file's bytes: beside the
    agencies' folders, as :func:`_written_by_client`, so no listing of refused files shows it."""
    return f"refused-bytes/{agency_id}/{hashlib.sha256(data).hexdigest()}"


def _file_id(name: str, data: bytes) -> str:
    """A refused file's item: the same name and bytes, the same id."""
    return "refused-" + hashlib.sha256(name.encode() + b"\0" + data).hexdigest()[:40]


def _no_agency(agency_id: str) -> StatementError:
    return StatementError(
        f"the file must be uploaded to statements/<agency id>/; {agency_id or '(none)'} is no agency"
    )


def _parse(data: bytes) -> list[Statement]:
    """The parsers refuse what they cannot read (:class:`StatementError`); a file must end in
    quarantine with a report, never in a crash loop of the blob trigger."""
    return parse_statement_file(data)


MAX_TEXT = 1000  # a remittance text is 140 characters in SEPA; more is kept out of storage


def _unmarked(statement: Statement, seen: ClosingSeen, identities: set[str]) -> bool:
    """Whether the account's last closing balance as read shows the statement (under any of
    its mark ``identities``) never marked: every mark of a statement with a closing balance
    (the bank's, or one its opening and lines imply) is written with that balance unless the
    last one is of a later day, the last one is only ever replaced by one of its day or a
    later day's, and one of its day names the marks of that day (``closing_row``). So a
    statement closing after it was never marked, nor one closing on its day whose mark it
    does not name. A statement in another currency is marked without a balance
    (``refuse_foreign_currency``): never so."""
    if foreign_currency(statement) is not None:
        return False
    closing = statement.closing or implied_closing(statement)
    last = seen.last
    if closing is None:
        return False
    if last is None or closing.on > last.on:
        return True
    return (
        closing.on == last.on
        and seen.marks is not None
        and not seen.marks & {statement_rk(i) for i in identities}
    )


def _follows(opening: Balance, last: LastClosing) -> bool:
    """Whether a statement opening so comes after the account's last closing, to be compared
    with it. A later day always; the same day only after a closing implied by a day without
    one (dated its last line, and ABN AMRO dates the next :60F: that same day: a day that
    lost one of its lines is seen there), unless this is that day's statement again (its
    opening the one the closing was implied from: a redelivery or the day in another file)."""
    if opening.on > last.on:
        return True
    source = last.implied_from
    return source is not None and opening.on == last.on and (opening.amount, opening.on) != source


def _statement_key(statement: Statement) -> str:
    """A statement's items' key: one item of a kind per statement, however often a crash
    before its mark makes its delivery run again (or the same statement comes in another
    file)."""
    return hashlib.sha256(f"{statement.account}\0{statement.identity()}".encode()).hexdigest()[:40]


def _double_of(line_id: str) -> str | None:
    """The identity of the line this one is the same as in every field (the occurrence before
    it, :func:`line_identities`), None for a line's first occurrence."""
    base, _, n = line_id.rpartition("-")
    return f"{base}-{int(n) - 1}" if base and n.isdigit() and int(n) > 1 else None


def _as_read(line: StatementLine, upload_day: date | None) -> StatementLine:
    """The line as it is booked: clipped; in a file the client uploaded (``upload_day``) a
    line dated before the upload is booked on the upload's day (statement_sources)."""
    line = _clipped(line)
    if upload_day is not None and line.booking_date < upload_day:
        return replace(line, booking_date=upload_day)
    return line


def _clipped(line: StatementLine) -> StatementLine:
    if len(line.remittance or "") <= MAX_TEXT and len(line.counterparty_name or "") <= 140:
        return line
    return replace(
        line,
        remittance=(line.remittance or "")[:MAX_TEXT] or None,
        counterparty_name=(line.counterparty_name or "")[:140] or None,
    )
