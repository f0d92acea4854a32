"""Recording a client's repayment of a negative settlement (the agency paid it more than the
ledger now says was collected for it; see :mod:`shared.domain.settlement.repayment`).

Recorded once per bank reference: the same reference and amount again answer with what was
recorded (a retried request, a second click); the same reference with another amount is
refused (409), never booked twice or silently changed. The next settlement takes it in as
``repaid``; when the client owes nothing more, the claim-back items on the agency's action
list are resolved (also when only a retry got that far: a crash after recording still closes
them). An agency's act, never a client's: the API and the console let agency finance/admin
principals only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from shared.adapters.tables.settlement_repayments_repo import SettlementRepaymentRepository
from shared.adapters.tables.settlement_repo import SettlementRepository
from shared.clock import Clock, amsterdam_date
from shared.domain.money import Cents, format_eur_nl
from shared.domain.parties import Client
from shared.domain.records import ActionStatus
from shared.domain.scopes import agency_scope
from shared.domain.settlement.repayment import (
    Repayment,
    RepaymentError,
    check_amount,
    check_received_on,
    check_within_owed,
    owed,
    reference_of,
    same,
)
from shared.ports.tables import PreconditionFailed
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.repositories import Repositories
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.settlement")
CLAIM_BACK = "settlement_claim_back"
TURNS = 8  # recordings of one client at once that may come first before we give up


@dataclass(frozen=True)
class Recorded:
    repayment: Repayment
    created: bool  # False: this reference was recorded before (same amount)
    owed: Cents  # what the client still owes back after it (negative: repaid too much)


class SettlementRepayments:
    def __init__(
        self,
        repos: Repositories,
        store: SettlementRepository,
        repayments: SettlementRepaymentRepository,
        clock: Clock,
    ) -> None:
        self.repos = repos
        self.store = store
        self.repayments = repayments
        self.clock = clock

    def owed(self, client: Client) -> Cents:
        """What the client owes back now: its carried negative balance less what it repaid
        that no settlement has taken yet."""
        balance, _ = self.store.balance(client.agency_id, client.client_id)
        return owed(balance.carried, self.repayments.of_client(client.client_id))

    def of_client(self, client: Client) -> list[Repayment]:
        return self.repayments.of_client(client.client_id)

    def record(
        self,
        client: Client,
        *,
        reference: str,
        amount: Cents,
        received_on: date,
        by: str,
        settlement_id: str | None = None,
        note: str = "",
    ) -> Recorded:
        try:
            ref = reference_of(reference)
            check_amount(amount)
        except RepaymentError as exc:
            raise Invalid(str(exc), field=exc.field, code=exc.code, params=exc.params) from None
        settled_on: date | None = None
        if settlement_id is not None:
            found = self.store.settlement(client.agency_id, settlement_id)
            if found is None or found[0].client_id != client.client_id:
                raise NotFound(f"settlement {settlement_id} of client {client.number} not found")
            settled_on = amsterdam_date(found[0].created_at)
        # what cannot be true is refused (attack6 finding 5): a day in the future or before
        # the settlement it repays, and (a new reference) more than the client owes back
        asked = Repayment(
            client.agency_id, client.client_id, ref, amount, received_on, self.clock.now(),
            by, settlement_id, None, note.strip()[:500],
        )  # fmt: skip
        for _ in range(TURNS):
            # read the turn before the figures: a recording landing after this read moves it
            # and makes ours check again (two at once cannot both take what is owed)
            turn = self.repayments.turn(client.client_id)
            try:
                check_received_on(received_on, amsterdam_date(self.clock.now()), settled_on)
                if self.repayments.get(client.client_id, ref) is None:
                    check_within_owed(amount, self.owed(client))
            except RepaymentError as exc:
                raise Invalid(str(exc), field=exc.field, code=exc.code, params=exc.params) from None
            try:
                created = self.repayments.add_in_turn(asked, turn) is not None
                break
            except PreconditionFailed:
                continue
        else:
            raise ConflictingUpdate("repayments of this client keep being recorded; try again")
        if not created:
            held = self.repayments.get(client.client_id, ref)
            if held is None:  # (rows are never deleted)
                raise ConflictingUpdate(f"repayment {ref} changed meanwhile; try again")
            if not same(held[0], asked):
                raise ConflictingUpdate(
                    f"reference {ref} is recorded already for {format_eur_nl(held[0].amount)}, "
                    f"not {format_eur_nl(amount)}: a repayment is recorded once per reference",
                    code="repayment_reference_used",
                    params={"reference": ref, "amount": held[0].amount},
                )
            asked = held[0]
        left = self.owed(client)
        if created:
            log.info("settlement repayment recorded", extra=log_extra(
                {"client_id": client.client_id, "cents": amount, "owed": left}
            ))  # fmt: skip
        if left <= 0:
            self._close_claim_backs(client, ref)
        return Recorded(asked, created, left)

    def _close_claim_backs(self, client: Client, ref: str) -> None:
        """The client owes nothing more: its claim-back items are done."""
        close_claim_backs(
            self.repos, client.agency_id, client.number,
            f"repaid by bank transfer (reference {ref})", self.clock.now(),
        )  # fmt: skip


def close_claim_backs(
    repos: Repositories, agency_id: str, client_number: str, resolution: str, at: datetime
) -> None:
    """Resolve the client's waiting claim-back items on the agency's list (each under the
    ETag it was read with: a person's change stands). Called when the client owes nothing
    back any more: by a repayment, and by a settlement that set the debt off or found it
    repaid meanwhile (failure6 #3)."""
    partition = agency_scope(agency_id)
    for status in (ActionStatus.OPEN, ActionStatus.ASSIGNED):
        continuation: str | None = None
        while True:
            items, continuation = repos.actions.list(
                partition, status=status, kind=CLAIM_BACK, continuation=continuation
            )
            for item in items:
                if item.detail.get("client") == client_number:
                    repos.actions.resolve_if_open(partition, item.action_id, resolution, at)
            if not continuation:
                break
