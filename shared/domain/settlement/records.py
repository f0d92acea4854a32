"""What a settlement run leaves behind: the run (one per agency per run date, approved as a
whole because it has one transfer file) and, per client, the settlement it made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from shared.domain.money import Cents
from shared.domain.settlement.agreement import Recipient
from shared.domain.settlement.statement import StatementTotals


class RunStatus(StrEnum):
    BUILDING = "building"  # claiming payments, writing statements (continued after a crash)
    AWAITING_APPROVAL = "awaiting_approval"  # files written, on the agency's action list
    APPROVED = "approved"


class SettlementStatus(StrEnum):
    CLAIMING = "claiming"
    COMPLETE = "complete"


@dataclass(frozen=True)
class SettlementRun:
    agency_id: str
    run_id: str
    run_on: date  # the Amsterdam date the run settles up to
    created_at: datetime
    action_id: str  # its item on the agency's action list
    status: RunStatus = RunStatus.BUILDING
    settlement_ids: tuple[str, ...] = ()
    payout_total: Cents = 0
    transfer_count: int = 0
    transfer_file: str | None = None  # blob name of the pain.001, when anything is paid out
    message_id: str | None = None
    approved_at: datetime | None = None
    approved_by: str | None = None
    # one worker builds a run at a time: it holds a lease, renewed after each client
    leased_until: datetime | None = None
    lease_holder: str | None = None
    # clients paid too much before (their net is negative): no transfer, claimed back
    owed_total: Cents = 0
    owed_count: int = 0


@dataclass(frozen=True)
class ClientSettlement:
    agency_id: str
    settlement_id: str  # also the transfer's EndToEndId
    run_id: str
    client_id: str
    client_number: str
    client_name: str
    period: str
    created_at: datetime
    carried_in: Cents
    previous_settlement_id: str | None
    payout_iban: str
    payout_name: str
    payout_bic: str | None
    commission_bp: int
    fee_vat_bp: int
    status: SettlementStatus = SettlementStatus.CLAIMING
    totals: StatementTotals | None = None
    payment_count: int = 0
    reversal_count: int = 0
    pdf: str | None = None  # blob names
    csv: str | None = None
    # the agreement's vat_on_costs_kept (with the costs going to the agency) when the
    # settlement started; stored settlements from before the setting read False
    vat_on_costs_kept: bool = False
    # the agreement's bank_charges_by when the settlement started (older rows: the agency)
    bank_charges_by: Recipient = Recipient.AGENCY
    # the agreement's vat_on_bank_charges when the settlement started (older rows: False,
    # as they were computed)
    vat_on_bank_charges: bool = False
    # the agreement's recipients when the settlement started: the split its payments were
    # settled with, and the one a later correction of them keeps (law17 S1b); None on rows
    # stored before it was kept (a correction then reads the split off the payment's lines)
    recipients: dict[str, Recipient] | None = None
    # the agreement's vat_on_interest_kept (with the interest going to the agency) when the
    # settlement started; stored settlements from before the setting read False (computed so)
    vat_on_interest_kept: bool = False
    # the payments received before the agreement that this statement and the client's
    # statements before it listed (each listed once; rows stored before it: none)
    before_shown: tuple[str, ...] = ()
    # the agreement's commission_on_direct when the settlement started: its payments and a
    # later correction of them keep it (older rows: True, as they were computed)
    commission_on_direct: bool = True


@dataclass(frozen=True)
class SettlementBalance:
    """Where a client stands between runs: the negative net carried forward and the last
    period settled (a client is due once per period)."""

    agency_id: str
    client_id: str
    carried: Cents = 0
    last_period: str | None = None
    last_settlement_id: str | None = None
