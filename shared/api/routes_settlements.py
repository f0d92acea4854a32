"""/v1/settlements, /v1/settlement-defaults and /v1/clients/{client}/settlement-agreement: settlement to clients
(afdracht). Agency keys only: a client key does not learn these routes exist (404), so it
can neither read another client's payout nor approve a transfer file."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from shared.api import schemas
from shared.api.common import agency_only, require_agency, validate_body
from shared.api.http import ApiResponse
from shared.api.router import Context, Route, Router
from shared.domain.money import format_cents
from shared.domain.settlement.agreement import (
    COMPONENTS,
    DEFAULT_RECIPIENTS,
    AgreementError,
    Frequency,
    Recipient,
    SettlementAgreement,
    SettlementDefaults,
)
from shared.domain.settlement.records import ClientSettlement, SettlementRun
from shared.domain.settlement.statement import EXACT_RESTS
from shared.services.container import Services
from shared.services.errors import Invalid


class AgreementIn(schemas.Strict):
    payout_iban: str = Field(min_length=15, max_length=40, description="The client's account")
    payout_name: str = Field(min_length=1, max_length=70, description="Account holder")
    payout_bic: str | None = Field(default=None, description="Optional inside SEPA")
    frequency: Literal["daily", "weekly", "monthly"] = "monthly"
    recipients: dict[Literal["principal", "costs", "costs_vat", "interest"], Literal["client", "agency"]] = Field(
        default_factory=dict,
        description="Who receives each component; unnamed ones: principal and interest to the "
        "client, costs and costs_vat to the agency",
    )  # fmt: skip
    commission_percent: Decimal = Field(default=Decimal(0), ge=0, le=100, max_digits=5,
                                        decimal_places=2, description="On the client's part")  # fmt: skip
    fee_vat_percent: Decimal = Field(default=Decimal(21), ge=0, le=100, max_digits=5,
                                     decimal_places=2, description="VAT on the commission")  # fmt: skip
    vat_on_costs_kept: bool = Field(
        default=True,
        description="The collection costs the agency keeps are part of its fee: VAT on them "
        "too (for a client that cannot deduct VAT, the costs_vat the debtor paid is that VAT)",
    )
    vat_on_interest_kept: bool = Field(
        default=True,
        description="The statutory interest the agency keeps (recipients interest: agency) is "
        "part of its fee as the costs are: VAT on it too (art. 8 Wet OB 1968)",
    )
    starts_on: date | None = Field(
        default=None,
        description="The day the agreement started: payments received before it are not "
        "settled and carry no commission (listed once on the agency's action list). Left out: "
        "the day the agreement was first set; an agreement set again keeps its day",
    )
    bank_charges_by: Literal["agency", "client"] | None = Field(
        default=None,
        description="Who bears what the bank of the third-party account keeps of a debtor's "
        "payment as its charges (the debtor is credited what he sent): the agency, or the "
        "client, set off against its payout as a line of its own; left out or null: as the "
        "agency's default says (PUT /v1/settlement-defaults; the agency when it set none)",
    )
    vat_on_bank_charges: bool = Field(
        default=True,
        description="The bank charges passed on to the client are the agency's recharge of "
        "its own account's costs, part of its taxable fee (art. 8 lid 5 Wet OB): VAT on "
        "them too (only with bank_charges_by client)",
    )
    commission_on_direct_payments: bool = Field(
        default=True,
        description="The commission is charged on money debtors paid the client itself (its "
        "own account, its own Mollie, a plan's direct debit), as on money collected on the "
        "third-party account; false: not on that money (the agreement's choice; the "
        "statement says which applies)",
    )


Euros = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", description="Euros, two decimals")]


class AgreementOut(BaseModel):
    client: str
    payout_iban: str
    payout_name: str
    payout_bic: str | None
    frequency: Literal["daily", "weekly", "monthly"]
    recipients: dict[str, Literal["client", "agency"]]
    commission_percent: str
    fee_vat_percent: str
    vat_on_costs_kept: bool
    vat_on_interest_kept: bool
    bank_charges_by: Literal["agency", "client"] = Field(
        description="Who bears the bank charges: the agreement's own choice, else the "
        "agency's default"
    )
    bank_charges_by_agreement: Literal["agency", "client"] | None = Field(
        default=None,
        description="The agreement's own choice; null: it follows the agency's default",
    )
    vat_on_bank_charges: bool
    starts_on: date | None = Field(
        default=None,
        description="The day the agreement started (payments received before it are not "
        "settled); null: an agreement stored before the day was kept, settling every payment",
    )
    commission_on_direct_payments: bool = True


class SettlementDefaultsIn(schemas.Strict):
    bank_charges_by: Literal["agency", "client"] = Field(
        description="Who bears the third-party account's bank charges under every agreement "
        "of the agency that does not say so itself"
    )


class SettlementDefaultsOut(BaseModel):
    bank_charges_by: Literal["agency", "client"]


class FiguresOut(BaseModel):
    """received + received_direct + reversed + corrected + carried_in + repaid = to_agency +
    commission + fee_vat + kept_by_client + bank_charges_to_client + payout + carried_out"""

    received: Euros = Field(description="Collected on the agency's third-party account")
    reversed: Euros
    to_agency: Euros
    to_client: Euros
    commission: Euros
    fee_vat: Euros
    carried_in: Euros
    net: Euros
    payout: Euros
    carried_out: Euros
    fee_vat_from_debtor: Euros = Field(
        description="The part of fee_vat the debtors paid as costs_vat (not in to_agency)"
    )
    corrected: Euros = Field(
        description="Money settled before that the ledger has since moved (a credit note, a "
        "correction): what it adds or takes back"
    )
    repaid: Euros = Field(
        default="0.00",
        description="What the client repaid by bank transfer of a negative balance "
        "(POST /v1/clients/{client}/settlement-repayments): it meets carried_in",
    )
    received_direct: Euros = Field(
        default="0.00",
        description="What debtors paid the client itself (its own account, its own Mollie, a "
        "plan's direct debit): settled for commission and the agency's components, never paid "
        "out",
    )
    kept_by_client: Euros = Field(
        default="0.00",
        description="What the lines of money the client received itself add up to (received_"
        "direct with its corrections and reversals): the client holds it, so it comes off the net",
    )
    bank_charges: Euros = Field(
        default="0.00",
        description="What the bank of the third-party account kept of these payments as its "
        "charges: received is what the debtors paid, this much less arrived",
    )
    bank_charges_to_client: Euros = Field(
        default="0.00",
        description="The part of bank_charges the agreement has the client bear (set off "
        "against the payout); the rest the agency bears",
    )
    before_agreement: Euros = Field(
        default="0.00",
        description="Payments received on the third-party account before the settlement "
        "agreement started, listed once on this statement: not settled, outside the sum above",
    )
    before_agreement_direct: Euros = Field(
        default="0.00",
        description="Payments the client received itself before the agreement started, listed "
        "once on this statement: not settled, outside the sum above",
    )


class ClientSettlementOut(BaseModel):
    id: str = Field(description="Also the transfer's EndToEndId")
    client: str
    client_name: str
    period: str
    status: Literal["claiming", "complete"]
    payout_iban: str
    payments: int
    reversals: int
    figures: FiguresOut | None
    pdf: str | None = Field(description="Link to the statement as PDF")
    csv: str | None = Field(description="Link to the statement as CSV")


class SettlementRunOut(BaseModel):
    id: str
    run_on: date
    status: Literal["building", "awaiting_approval", "approved"]
    statements: int
    payouts: int
    payout_total: Euros
    created_at: datetime
    approved_at: datetime | None
    approved_by: str | None
    pain001: str | None = Field(description="Link to the pain.001.001.09 transfer file")
    message_id: str | None
    owed_total: Euros = Field(
        description="What clients owe back (paid too much before, or owing the agency its share "
        "of money they received themselves; their net is negative: no "
        "transfer, set off against their next payout, on the action list to claim back)"
    )
    owing_clients: int


class SettlementRunDetailOut(SettlementRunOut):
    settlements: list[ClientSettlementOut]


class SettlementRunsOut(BaseModel):
    items: list[SettlementRunOut]


def _bp(value: Decimal) -> int:
    return int(value * 100)


def _percent(bp: int) -> str:
    return f"{bp // 100}.{bp % 100:02d}"


def agreement_out(a: SettlementAgreement, client_number: str, default: Recipient) -> dict[str, Any]:
    return {
        "client": client_number,
        "payout_iban": a.payout_iban,
        "payout_name": a.payout_name,
        "payout_bic": a.payout_bic,
        "frequency": a.frequency.value,
        "recipients": {c: a.recipient(c).value for c in COMPONENTS},
        "commission_percent": _percent(a.commission_bp),
        "fee_vat_percent": _percent(a.fee_vat_bp),
        "vat_on_costs_kept": a.vat_on_costs_kept,
        "vat_on_interest_kept": a.vat_on_interest_kept,
        "bank_charges_by": a.charges_borne_by(default).value,
        "bank_charges_by_agreement": a.bank_charges_by.value if a.bank_charges_by else None,
        "vat_on_bank_charges": a.vat_on_bank_charges,
        "starts_on": a.starts_on.isoformat() if a.starts_on else None,
        "commission_on_direct_payments": a.commission_on_direct,
    }


def _link(run_id: str, name: str) -> str:
    return f"/api/v1/settlements/{run_id}/files/{name}"


def run_out(run: SettlementRun) -> dict[str, Any]:
    return {
        "id": run.run_id,
        "run_on": run.run_on.isoformat(),
        "status": run.status.value,
        "statements": len(run.settlement_ids),
        "payouts": run.transfer_count,
        "payout_total": format_cents(run.payout_total),
        "created_at": run.created_at,
        "approved_at": run.approved_at,
        "approved_by": run.approved_by,
        "pain001": _link(run.run_id, "pain.001.xml") if run.transfer_file else None,
        "message_id": run.message_id,
        "owed_total": format_cents(run.owed_total),
        "owing_clients": run.owed_count,
    }


def settlement_out(s: ClientSettlement) -> dict[str, Any]:
    t = s.totals
    figures = (
        {k: format_cents(v) for k, v in asdict(t).items() if k not in EXACT_RESTS}
        if t is not None
        else None
    )  # StatementTotals' money, each in euros (the rounding's rests are parts of a cent)
    return {
        "id": s.settlement_id,
        "client": s.client_number,
        "client_name": s.client_name,
        "period": s.period,
        "status": s.status.value,
        "payout_iban": s.payout_iban,
        "payments": s.payment_count,
        "reversals": s.reversal_count,
        "figures": figures,
        "pdf": _link(s.run_id, f"{s.settlement_id}.pdf") if s.pdf else None,
        "csv": _link(s.run_id, f"{s.settlement_id}.csv") if s.csv else None,
    }


def register(router: Router, services: Services) -> None:
    def put_agreement(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        client = services.access.client_for(agency, ctx.params["client"])
        body = validate_body(ctx.request, AgreementIn)
        recipients = dict(DEFAULT_RECIPIENTS)
        recipients.update({k: Recipient(v) for k, v in body.recipients.items()})
        try:
            agreement = SettlementAgreement(
                client_id=client.client_id,
                agency_id=client.agency_id,
                payout_iban=body.payout_iban,
                payout_name=body.payout_name,
                payout_bic=body.payout_bic,
                frequency=Frequency(body.frequency),
                recipients=recipients,
                commission_bp=_bp(body.commission_percent),
                fee_vat_bp=_bp(body.fee_vat_percent),
                vat_on_costs_kept=body.vat_on_costs_kept,
                vat_on_interest_kept=body.vat_on_interest_kept,
                bank_charges_by=Recipient(body.bank_charges_by) if body.bank_charges_by else None,
                vat_on_bank_charges=body.vat_on_bank_charges,
                starts_on=body.starts_on,
                commission_on_direct=body.commission_on_direct_payments,
            )
        except AgreementError as exc:
            raise Invalid(str(exc), field=exc.field) from None
        saved = services.settlements.set_agreement(client, agreement)
        return ApiResponse(body=agreement_out(saved, client.number, _default(client.agency_id)))

    def get_agreement(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        client = services.access.client_for(agency, ctx.params["client"])
        agreement = services.settlements.agreement(client)
        return ApiResponse(body=agreement_out(agreement, client.number, _default(client.agency_id)))

    def _default(agency_id: str) -> Recipient:
        return services.settlements.defaults(agency_id).bank_charges_by

    def put_defaults(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        body = validate_body(ctx.request, SettlementDefaultsIn)
        saved = services.settlements.set_defaults(
            SettlementDefaults(agency.agency_id, bank_charges_by=Recipient(body.bank_charges_by))
        )
        return ApiResponse(body={"bank_charges_by": saved.bank_charges_by.value})

    def get_defaults(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        return ApiResponse(body={"bank_charges_by": _default(agency.agency_id).value})

    def list_runs(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        runs = services.settlements.runs(agency.agency_id)
        return ApiResponse(body={"items": [run_out(r) for r in runs]})

    def get_run(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        run, settlements = services.settlements.run(agency.agency_id, ctx.params["settlement"])
        return ApiResponse(
            body={**run_out(run), "settlements": [settlement_out(s) for s in settlements]}
        )

    def get_file(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        run_id, name = ctx.params["settlement"], ctx.params["name"]
        data, content_type = services.settlements.file(agency.agency_id, run_id, name)
        return ApiResponse(raw=data, content_type=content_type,
                           headers={"Content-Disposition": f'attachment; filename="{run_id}-{name}"'})  # fmt: skip

    def approve(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        run = services.settlements.approve(
            agency.agency_id, ctx.params["settlement"], agency.key_id
        )
        return ApiResponse(body=run_out(run))

    tag = "settlements"
    router.add(Route("PUT", "/v1/clients/{client}/settlement-agreement", put_agreement,
                     "Set the client's settlement agreement: recipients per component, commission, "
                     "VAT on the fee, payout account, frequency (agency key)", tag, only=agency_only, body=AgreementIn,
                     response=AgreementOut))  # fmt: skip
    router.add(Route("GET", "/v1/clients/{client}/settlement-agreement", get_agreement,
                     "The client's settlement agreement (agency key)", tag, only=agency_only, response=AgreementOut))  # fmt: skip
    router.add(Route("PUT", "/v1/settlement-defaults", put_defaults,
                     "Set once who bears the third-party account's bank charges under the "
                     "agency's agreements that do not say so themselves (agency key)", tag, only=agency_only,
                     body=SettlementDefaultsIn, response=SettlementDefaultsOut))  # fmt: skip
    router.add(Route("GET", "/v1/settlement-defaults", get_defaults,
                     "The agency's defaults for its settlement agreements (agency key)", tag, only=agency_only,
                     response=SettlementDefaultsOut))  # fmt: skip
    router.add(Route("GET", "/v1/settlements", list_runs,
                     "Settlement runs, newest first (agency key)", tag, only=agency_only, response=SettlementRunsOut))  # fmt: skip
    router.add(Route("GET", "/v1/settlements/{settlement}", get_run,
                     "One run: per client the figures and links to the PDF and CSV statements; "
                     "the link to the pain.001.001.09 transfer file", tag, only=agency_only,
                     response=SettlementRunDetailOut))  # fmt: skip
    router.add(Route("GET", "/v1/settlements/{settlement}/files/{name}", get_file,
                     "A statement (PDF, CSV) or the transfer file (pain.001.xml)", tag, only=agency_only))  # fmt: skip
    router.add(Route("POST", "/v1/settlements/{settlement}/approve", approve,
                     "Approve the run (its transfer file may go to the bank); idempotent", tag, only=agency_only,
                     response=SettlementRunOut,
                     errors={409: "restore_hold: payouts are held after a restore of a backup "
                             "until the operator's `inning restore-hold confirm`"}))  # fmt: skip

    # a client's repayment of a negative settlement (its own module: its own reason to change)
    from shared.api import routes_settlement_repayments

    routes_settlement_repayments.register(router, services)

    # the client's own statements (its own module: a client's reach, not the agency's runs)
    from shared.api import routes_client_statements

    routes_client_statements.register(router, services)
