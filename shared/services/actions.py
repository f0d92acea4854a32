"""Working the action list: assign, resolve, and confirm a suggested bank payment."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.clock import Clock
from shared.domain.parties import Client
from shared.domain.records import ActionItem, ActionStatus, PaymentSource
from shared.domain.scopes import agency_scope
from shared.ports.tables import PreconditionFailed
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.payments import PaymentService
from shared.services.repositories import Repositories
from shared.services.statement_sources import CLIENT_WRITTEN

CONFIRMABLE = {"payment_suggestion", "unmatched_credit"}


class ActionService:
    def __init__(self, repos: Repositories, payments: PaymentService, clock: Clock) -> None:
        self.repos = repos
        self.payments = payments
        self.clock = clock

    def _open(self, scope: str, action_id: str) -> tuple[ActionItem, str]:
        found = self.repos.actions.get(scope, action_id)
        if found is None:
            raise NotFound(f"action {action_id} not found")
        item, etag = found
        if item.status is ActionStatus.RESOLVED:
            raise Invalid(
                f"action {action_id} is resolved already", field="status", code="action_resolved"
            )
        assert etag is not None
        return item, etag

    def _save(self, item: ActionItem, etag: str) -> ActionItem:
        try:
            self.repos.actions.save(item, etag)
        except PreconditionFailed as exc:
            raise ConflictingUpdate(
                f"action {item.action_id} changed meanwhile; reload it"
            ) from exc
        return item

    def assign(self, scope: str, action_id: str, assignee: str) -> ActionItem:
        item, etag = self._open(scope, action_id)
        return self._save(replace(item, status=ActionStatus.ASSIGNED, assigned_to=assignee), etag)

    def resolve(self, scope: str, action_id: str, resolution: str, author: str) -> ActionItem:
        item, etag = self._open(scope, action_id)
        resolved = replace(
            item,
            status=ActionStatus.RESOLVED,
            resolved_at=self.clock.now(),
            resolution=f"{resolution} ({author})",
        )
        return self._save(resolved, etag)

    def confirm_payment(
        self,
        client: Client,
        action_id: str,
        invoices: list[str],
        author: str,
        *,
        by_agency: bool = False,
    ) -> ActionItem:
        """Staff say which invoices a bank payment was for: book it, learn the payer's IBAN.

        Money on an account the client does not hold (the agency's pooled third-party
        account) is the agency's to assign among its clients: only the agency's people
        (``by_agency``) book it, never a client's own staff on an invoice of their own
        choosing (attack10 F5)."""
        item, etag = self._open(client.client_id, action_id)
        return self._confirm(item, etag, client, invoices, author, by_agency=by_agency)

    def confirm_for_agency(
        self, agency_id: str, client: Client, action_id: str, invoices: list[str], author: str
    ) -> ActionItem:
        """The agency's people book a line of the agency's own list (money on its pooled
        account that several of its clients could claim, or none by itself) on invoices of
        the one client they decide it is for."""
        if client.agency_id != agency_id:
            raise NotFound(f"action {action_id} not found")
        item, etag = self._open(agency_scope(agency_id), action_id)
        return self._confirm(item, etag, client, invoices, author, by_agency=True)

    def _confirm(
        self,
        item: ActionItem,
        etag: str,
        client: Client,
        invoices: list[str],
        author: str,
        *,
        by_agency: bool,
    ) -> ActionItem:
        action_id = item.action_id
        if item.kind not in CONFIRMABLE:
            raise Invalid(
                f"action {action_id} is a {item.kind}, not a payment to confirm",
                field="kind",
                code="action_other_kind",
                params={"kind": item.kind},
            )
        stored = self.repos.invoices.get_many(client.client_id, invoices)
        missing = [n for n in invoices if n not in stored]
        if missing or not invoices:
            raise Invalid(
                f"unknown invoices: {', '.join(missing) or '(none given)'}",
                field="invoices",
                code="unknown_invoices" if missing else "no_invoices",
                params={"invoices": ", ".join(missing)},
            )
        detail = item.detail
        line_id = str(detail["line_id"])
        # where the money is follows the statement's account, not what staff tick: a line of
        # the client's own account stays the client's money (settlement pays out none of it)
        owner = self.repos.banking.owner(str(detail["account"]))
        if owner is None or owner.agency_id != client.agency_id:
            raise Invalid(
                f"the account of action {action_id}'s statement line is not known: whose money "
                "it is cannot be told", field="account", code="statement_account_unknown",
            )  # fmt: skip
        if owner.client_id not in (None, client.client_id):
            # another client's own account: its money is never this client's
            raise Invalid(
                f"action {action_id}'s statement line is another client's money",
                field="account", code="statement_account_other_client",
            )  # fmt: skip
        if owner.client_id != client.client_id and not by_agency:
            raise Invalid(
                f"action {action_id}'s statement line is money on the agency's account: the "
                "agency books it", field="account", code="pooled_line_agency_only",
            )  # fmt: skip
        payment = self.payments.book(
            client,
            payment_id="bank-" + line_id,
            amount=int(str(detail["amount"])),
            received_on=date.fromisoformat(str(detail["date"])),
            source=PaymentSource.BANK,
            invoice_numbers=invoices,
            external_id=line_id,
            payer_iban=str(detail["payer_iban"]) if detail.get("payer_iban") else None,
            received_by=owner.received_by,
            # a line of the client's own upload stays the client's word when a person books
            # it: its payer is not learned as paid (statement_sources, attack10 F1)
            client_written=detail.get(CLIENT_WRITTEN) is True,
            bank_charges=int(str(detail.get("charges") or 0)),
        )
        record = self.repos.banking.line(str(detail["account"]), line_id)
        if record is not None:
            self.repos.banking.settle_line(
                str(detail["account"]),
                record,
                "booked",
                client_id=client.client_id,
                payment_id=payment.payment_id,
            )
        resolved = replace(
            item,
            status=ActionStatus.RESOLVED,
            resolved_at=self.clock.now(),
            resolution=f"booked on {', '.join(invoices)} ({author})",
        )
        return self._save(resolved, etag)
