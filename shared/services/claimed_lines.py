"""A statement line a person's confirm claimed and never booked (failure12 F1).

A confirm writes its booking down on the line (client, invoices, payment id) before it books;
a worker that dies between the two leaves the line ``booking`` and the money on no invoice.
Nothing redelivers a confirm, so whoever next meets the claim finishes it exactly as that
confirm would have: a colleague's confirm of the line (refused after, truthfully "booked"),
the same confirm repeated, or the daily run of the client the claim names once the claim is
older than a confirm could take."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from shared.adapters.tables.banking_repo import LineRecord
from shared.clock import Clock
from shared.domain.records import ActionItem, ActionStatus, PaymentSource
from shared.domain.scopes import agency_scope
from shared.services.errors import Invalid
from shared.services.payments import PaymentService
from shared.services.repositories import Repositories
from shared.services.statement_sources import CLIENT_WRITTEN
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.actions")

# the items a person confirms a bank payment on (their detail names the statement line)
CONFIRMABLE_KINDS = ("payment_suggestion", "unmatched_credit")
# a confirm books within seconds of its claim: one still ``booking`` after this has stopped
LEASE = timedelta(minutes=15)


class ClaimedLines:
    def __init__(self, repos: Repositories, payments: PaymentService, clock: Clock) -> None:
        self.repos = repos
        self.payments = payments
        self.clock = clock

    def finish(self, item: ActionItem, claim: LineRecord) -> bool:
        """Book what ``claim`` wrote down on the statement line of ``item`` (its client, its
        invoices, its payment id) as the confirm that wrote it would have, and mark the line
        booked. False when that cannot be done (the claim names no invoices, its client is
        gone): the line stays claimed, and whoever asked says so."""
        detail = item.detail
        account = str(detail["account"])
        found = self.repos.clients.get(claim.client_id) if claim.client_id else None
        owner = self.repos.banking.owner(account)
        if found is None or owner is None or not claim.invoices or claim.booked_at is not None:
            return False  # (booked_at: a statement window's booking, its redelivery's to finish)
        client = found[0]
        amount, received_on = int(str(detail["amount"])), date.fromisoformat(str(detail["date"]))
        try:
            payment = self.payments.book(
                client,
                payment_id=claim.payment_id or "bank-" + claim.line_id,
                amount=amount,
                received_on=received_on,
                source=PaymentSource.BANK,
                invoice_numbers=list(claim.invoices),
                external_id=claim.line_id,
                payer_iban=str(detail["payer_iban"]) if detail.get("payer_iban") else None,
                received_by=owner.received_by,
                client_written=detail.get(CLIENT_WRITTEN) is True,
                bank_charges=int(str(detail.get("charges") or 0)),
            )
        except Invalid:
            log.warning(
                "a claimed statement line cannot be booked as claimed",
                extra=log_extra({"action_id": item.action_id, "line_id": claim.line_id}),
            )
            return False
        if claim.status != "booked":  # under the claim's ETag: a writer since keeps its word
            self.repos.banking.settle_line(
                account, claim, "booked", client_id=client.client_id,
                payment_id=payment.payment_id, amount=amount, booked_on=received_on,
            )  # fmt: skip
        return True

    def sweep(self, client_id: str, agency_id: str) -> int:
        """The daily run's look at the client's claims: an open confirmable item, on the
        client's list or the agency's, whose line is claimed for this client and still
        ``booking`` after :data:`LEASE` is booked as claimed and closed; one whose line is
        booked for it (a colleague's refused confirm finished it) is closed. One that cannot
        be booked stays open on its list. Returns how many items it closed."""
        closed = 0
        for scope in (client_id, agency_scope(agency_id)):
            for item in self._waiting(scope):
                closed += self._sweep_one(client_id, item)
        return closed

    def _waiting(self, scope: str) -> list[ActionItem]:
        out: list[ActionItem] = []
        for kind in CONFIRMABLE_KINDS:
            for status in (ActionStatus.OPEN, ActionStatus.ASSIGNED):
                continuation: str | None = None
                while True:
                    items, continuation = self.repos.actions.list(
                        scope, status=status, kind=kind, continuation=continuation
                    )
                    out.extend(items)
                    if continuation is None:
                        break
        return out

    def _sweep_one(self, client_id: str, item: ActionItem) -> int:
        account, line_id = item.detail.get("account"), item.detail.get("line_id")
        if not account or not line_id:
            return 0
        record = self.repos.banking.line(str(account), str(line_id))
        if record is None or record.client_id != client_id or not record.invoices:
            return 0
        if record.status == "booking":
            started = record.claimed_at
            if started is not None and self.clock.now() - started < LEASE:
                return 0  # a confirm may still be on its way
            if not self.finish(item, record):
                # the item stays open on its list, where people see it
                log.warning(
                    "a claimed statement line could not be booked: its item stays open",
                    extra=log_extra({"action_id": item.action_id, "client_id": client_id}),
                )
                return 0
            how = "a confirm claimed the line and stopped; booked as claimed"
        elif record.status == "booked":
            how = "the line was booked already"
        else:
            return 0
        resolution = f"booked on {', '.join(record.invoices)}: {how} (daily run)"
        done = self.repos.actions.resolve_if_open(
            item.client_id, item.action_id, resolution, self.clock.now()
        )
        if done:
            log.info(
                "a claimed statement line booked and its item closed",
                extra=log_extra({"action_id": item.action_id, "client_id": client_id}),
            )
        return int(done)
