"""Bank statement files in, payments booked, staff told what needs a person.

A file arrives as ``statements/<agency id>/<any name>`` (the folder says who uploaded it).
The account inside decides whose statement it is: a client's own account, or the agency's
third-party funds account, whose lines are matched across the agency's clients that allow it.
An account of another agency, an unknown account or a file that does not parse is never
half-booked: the file moves to ``statements-quarantine`` with a JSON report, and an action
item says what to do.

Idempotent at two levels: a file already processed is skipped as a whole (by its SHA-256),
and every line has a stable identity, so overlapping statements book each line once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field

from shared.adapters.tables.banking_repo import AccountOwner, LineRecord
from shared.clock import Clock
from shared.domain.ids import time_ordered_id
from shared.domain.money import format_eur_nl
from shared.domain.parties import Client
from shared.domain.records import ActionItem, PaymentSource
from shared.domain.statements.matching import (
    InvoiceIndex,
    LineMatch,
    MatchSettings,
    OpenInvoice,
    decide,
)
from shared.domain.statements.model import Statement, StatementError, StatementLine, line_identities
from shared.domain.statements.parse import parse_statement_file
from shared.ports.files import FileStore
from shared.services.account_ownership import AccountOwnership
from shared.services.payments import PaymentService
from shared.services.repositories import Repositories

log = logging.getLogger("inning.statements")
INBOX = "statements"
QUARANTINE = "statements-quarantine"
_SEP = "\x1f"  # joins client id and invoice number inside a third-party index


def agency_scope(agency_id: str) -> str:
    """The action-list partition for items that belong to an agency, not one client."""
    return f"@{agency_id}"


@dataclass
class IngestReport:
    name: str
    status: str  # booked | skipped | quarantined
    statements: int = 0
    lines: int = 0
    booked: int = 0
    suggested: int = 0
    unmatched: int = 0
    returned: int = 0
    warnings: list[str] = field(default_factory=list)
    error: dict[str, object] | None = None


class StatementService:
    def __init__(
        self,
        repos: Repositories,
        files: FileStore,
        payments: PaymentService,
        clock: Clock,
    ) -> None:
        self.repos = repos
        self.files = files
        self.payments = payments
        self.clock = clock

    # -- entry point -------------------------------------------------------------------------
    def ingest(self, name: str, data: bytes) -> IngestReport:
        agency_id = name.split("/", 1)[0] if "/" in name else ""
        sha = hashlib.sha256(data).hexdigest()
        try:
            if not agency_id or self.repos.agencies.get(agency_id) is None:
                raise StatementError(
                    f"the file must be uploaded to statements/<agency id>/; {agency_id or '(none)'} is no agency"
                )
            statements = parse_statement_file(data)
            owners = [self._owner(agency_id, s) for s in statements]
        except StatementError as exc:
            return self._quarantine(name, data, agency_id, exc)
        report = IngestReport(name, "booked", statements=len(statements))
        for statement, owner in zip(statements, owners, strict=True):
            if self.repos.banking.file_done(statement.account, sha):
                report.status = "skipped"
                continue
            self._ingest_statement(statement, owner, name, report)
            self.repos.banking.mark_file(statement.account, sha, name, "done", len(statement.lines))
        log.info(
            "statement %s: %s", name, {k: v for k, v in report.__dict__.items() if k != "warnings"}
        )
        return report

    def _owner(self, agency_id: str, statement: Statement) -> AccountOwner:
        owner = self.repos.banking.owner(statement.account)
        if owner is None or owner.agency_id != agency_id:
            # a claimed account proven by this very file (a line with the claim's code)
            proven = AccountOwnership(self.repos).verify_by_statement(
                agency_id, statement, self.clock.now()
            )
            owner = proven or owner
        if owner is None or owner.agency_id != agency_id:
            # another agency's account looks exactly like an unknown one from here
            raise StatementError(
                f"account {statement.account} belongs to no client of agency {agency_id}"
            )
        return owner

    # -- one statement -----------------------------------------------------------------------
    def _ingest_statement(
        self, statement: Statement, owner: AccountOwner, name: str, report: IngestReport
    ) -> None:
        clients = self._clients_for(owner)
        scope = clients[0] if owner.client_id else None
        self._check_balances(statement, owner, scope, name, report)
        index, client_of = self._index(clients, pooled=owner.client_id is None)
        settings = self._settings(clients)
        for line, line_id in zip(statement.lines, line_identities(statement), strict=True):
            report.lines += 1
            record = self.repos.banking.claim_line(
                statement.account, line_id, line.amount, line.booking_date
            )
            if record is None:
                continue  # seen in an earlier (overlapping) statement
            self._line(
                statement, line, line_id, record, index, client_of, clients, owner, report, settings
            )

    @staticmethod
    def _settings(clients: list[Client]) -> MatchSettings:
        """The client's own thresholds; on a pooled account the strictest of its clients."""
        if not clients:
            return MatchSettings()
        return MatchSettings(
            auto_threshold=max(c.auto_book_threshold for c in clients),
            margin=max(c.auto_book_margin for c in clients),
        )

    def _clients_for(self, owner: AccountOwner) -> list[Client]:
        if owner.client_id:
            found = self.repos.clients.get(owner.client_id)
            return [found[0]] if found else []
        clients, token = [], None
        while True:
            page, token = self.repos.clients.list_for_agency(
                owner.agency_id, page_size=1000, continuation=token
            )
            clients += [c for c in page if c.allow_third_party_matching]
            if not token:
                return clients

    def _index(
        self, clients: list[Client], *, pooled: bool
    ) -> tuple[InvoiceIndex, dict[str, Client]]:
        invoices: list[OpenInvoice] = []
        learned: dict[str, set[str]] = {}
        client_of: dict[str, Client] = {}
        for client in clients:
            client_of[client.client_id] = client
            names = self._debtor_names(client)
            for inv in self.repos.invoices.open_invoices(client.client_id):
                key = f"{client.client_id}{_SEP}{inv.number}" if pooled else inv.number
                debtor = f"{client.client_id}{_SEP}{inv.debtor_number}"
                invoices.append(
                    OpenInvoice(
                        number=key,
                        debtor=debtor,
                        debtor_name=names.get(inv.debtor_number, ""),
                        open_amount=inv.open_amount,
                        payment_reference=inv.payment_reference,
                        due_date=inv.due_date,
                    )
                )
            for iban, debtors in self.repos.banking.learned_ibans(client.client_id).items():
                learned.setdefault(iban, set()).update(
                    f"{client.client_id}{_SEP}{d}" for d in debtors
                )
        return InvoiceIndex(invoices, learned), client_of

    def _debtor_names(self, client: Client) -> dict[str, str]:
        names: dict[str, str] = {}
        token = None
        while True:
            debtors, token = self.repos.debtors.list(
                client.client_id, page_size=1000, continuation=token
            )
            names.update({d.number: d.name for d in debtors})
            if not token:
                return names

    def _line(
        self,
        statement: Statement,
        line: StatementLine,
        line_id: str,
        record: LineRecord,
        index: InvoiceIndex,
        client_of: dict[str, Client],
        clients: list[Client],
        owner: AccountOwner,
        report: IngestReport,
        settings: MatchSettings,
    ) -> None:
        settle = self.repos.banking.settle_line
        if line.amount <= 0 or line.is_return:
            status = self._returned(line, clients) if line.is_return else "debit"
            report.returned += status == "returned"
            settle(statement.account, record, status, client_id=None, payment_id=None)
            return
        result = decide(0, line, index.candidates(line), settings, index.remaining)
        if result.booked and result.best is not None:
            client, numbers = self._split(result, client_of, clients)
            payment_id = "bank-" + line_id
            self.payments.book(
                client,
                payment_id=payment_id,
                amount=line.amount,
                received_on=line.booking_date,
                source=PaymentSource.BANK,
                invoice_numbers=numbers,
                external_id=line_id,
                payer_iban=line.counterparty_iban,
                return_reference=line.end_to_end_id,
            )
            index.consume(result.booked)
            report.booked += 1
            settle(
                statement.account,
                record,
                "booked",
                client_id=client.client_id,
                payment_id=payment_id,
            )
            return
        target = self._action_scope(result, client_of, clients, owner)
        detail = {
            "account": statement.account,
            "line_id": line_id,
            "amount": line.amount,
            "date": line.booking_date.isoformat(),
            "payer_iban": line.counterparty_iban,
            "payer_name": line.counterparty_name,
            "remittance": line.remittance,
            "reasons": list(result.reasons),
            "suggestions": [
                {
                    "invoice": a.invoice_number.split(_SEP)[-1],
                    "client_id": a.invoice_number.split(_SEP)[0]
                    if _SEP in a.invoice_number
                    else None,
                    "amount": a.amount,
                    "score": score,
                }
                for a, score in result.suggested
            ],
        }
        kind = "payment_suggestion" if result.suggested else "unmatched_credit"
        title = f"{'Check' if result.suggested else 'Unmatched'} payment of {format_eur_nl(line.amount)}"
        self._add_action(target, kind, title, detail)
        report.suggested += bool(result.suggested)
        report.unmatched += not result.suggested
        settle(
            statement.account,
            record,
            "suggested" if result.suggested else "unmatched",
            client_id=None,
            payment_id=None,
        )

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
        if owner.client_id is not None:
            return owner.client_id
        if result.best is not None:
            first = result.best.invoices[0].number
            if _SEP in first and first.split(_SEP)[0] in client_of:
                return first.split(_SEP)[0]
        return agency_scope(owner.agency_id)

    def _returned(self, line: StatementLine, clients: list[Client]) -> str:
        reason = line.return_reason or "reversal"
        if line.end_to_end_id:
            for client in clients:
                payment_id = self.repos.banking.payment_for(client.client_id, line.end_to_end_id)
                if payment_id:
                    self.payments.reverse(client, payment_id, f"returned by the bank ({reason})")
                    return "returned"
        if clients and line.amount > 0:
            return "returned"  # money returned to us: nothing of ours to reopen
        if clients:
            self._add_action(
                clients[0].client_id,
                "unmatched_return",
                f"Returned payment of {format_eur_nl(abs(line.amount))} ({reason}) without a booked original",
                {
                    "amount": line.amount,
                    "end_to_end_id": line.end_to_end_id,
                    "remittance": line.remittance,
                },
            )
        return "returned"

    def _check_balances(
        self,
        statement: Statement,
        owner: AccountOwner,
        scope: Client | None,
        name: str,
        report: IngestReport,
    ) -> None:
        target = scope.client_id if scope else agency_scope(owner.agency_id)
        diff = statement.balance_difference()
        if diff not in (None, 0):
            message = f"Statement {name} for {statement.account}: opening + lines differs from closing by {format_eur_nl(diff or 0)}"
            report.warnings.append(message)
            self._add_action(
                target,
                "balance_mismatch",
                message,
                {"account": statement.account, "difference": diff},
            )
        last = self.repos.banking.last_closing(statement.account)
        opening = statement.opening
        if (
            last is not None
            and opening is not None
            and opening.on > last[1]
            and opening.amount != last[0]
        ):
            message = (
                f"Opening balance of {statement.account} on {opening.on} is "
                f"{format_eur_nl(opening.amount)}, the last statement closed at "
                f"{format_eur_nl(last[0])}: a statement may be missing"
            )
            report.warnings.append(message)
            self._add_action(target, "missing_statement", message, {"account": statement.account})
        if statement.closing is not None:
            self.repos.banking.record_closing(
                statement.account, statement.closing.amount, statement.closing.on
            )

    def _add_action(self, scope: str, kind: str, title: str, detail: dict[str, object]) -> None:
        now = self.clock.now()
        self.repos.actions.add(
            ActionItem(
                client_id=scope,
                action_id=time_ordered_id(now),
                kind=kind,
                title=title,
                created_at=now,
                detail=detail,
            )
        )

    def _quarantine(
        self, name: str, data: bytes, agency_id: str, error: StatementError
    ) -> IngestReport:
        report = {"file": name, "received_at": self.clock.now().isoformat(), **error.as_dict()}
        self.files.put(QUARANTINE, name, data)
        self.files.put(
            QUARANTINE,
            name + ".error.json",
            json.dumps(report, indent=2).encode(),
            content_type="application/json",
        )
        self.files.delete(INBOX, name)
        scope = (
            agency_scope(agency_id)
            if agency_id and self.repos.agencies.get(agency_id)
            else agency_scope("_unknown")
        )
        self._add_action(
            scope, "statement_quarantined", f"Statement file {name} refused: {error}", report
        )
        log.warning("statement %s quarantined: %s", name, error)
        return IngestReport(name, "quarantined", error=error.as_dict())
