"""/v1/clients/{client}/settlement-repayments: a client's repayment of a negative settlement,
recorded by the agency when the client's transfer reaches the third-party account. Agency
keys only (a client key does not learn the route exists: 404); for people, the action is
MANAGE_SETTLEMENTS at agency level (``action_for_request``), an agency finance/admin act."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from shared.api import schemas
from shared.api.common import agency_only, require_agency, validate_body
from shared.api.http import ApiResponse
from shared.api.router import Context, Route, Router
from shared.domain.money import cents_from_decimal, format_cents
from shared.domain.settlement.repayment import Repayment
from shared.services.container import Services
from shared.services.settlement.repayments import Recorded

Euros = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", description="Euros, two decimals")]


class RepaymentIn(schemas.Strict):
    reference: str = Field(min_length=1, max_length=35, description="The bank's reference of the "
                           "client's transfer (end-to-end id or statement reference): recorded "
                           "once per reference")  # fmt: skip
    amount: schemas.Amount
    received_on: date = Field(description="The day it reached the third-party account: not in "
                              "the future, not before the settlement it repays (without one: "
                              "within the last year)")  # fmt: skip
    settlement: str | None = Field(default=None, pattern=r"^R\d{8}-[A-Za-z0-9-]{1,35}$",
                                   description="The settlement whose negative net it repays "
                                   "(its claim-back item's settlement id)")  # fmt: skip
    note: str = Field(default="", max_length=500, pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]*$")


class RepaymentOut(BaseModel):
    reference: str
    amount: Euros
    received_on: date
    settlement: str | None
    settled_in: str | None = Field(description="The settlement that took it into its figures "
                                   "(null: the client's next settlement will)")  # fmt: skip
    recorded_at: datetime
    recorded_by: str
    note: str


class RecordedOut(RepaymentOut):
    created: bool = Field(description="False: this reference was recorded before (same amount)")
    owed: Euros = Field(description="What the client still owes back after it (negative: "
                        "repaid too much; its next settlement pays that out)")  # fmt: skip


class RepaymentsOut(BaseModel):
    owed: Euros
    items: list[RepaymentOut]


def repayment_out(r: Repayment) -> dict[str, Any]:
    return {
        "reference": r.reference,
        "amount": format_cents(r.amount),
        "received_on": r.received_on.isoformat(),
        "settlement": r.settlement_id,
        "settled_in": r.settled_in,
        "recorded_at": r.recorded_at,
        "recorded_by": r.recorded_by,
        "note": r.note,
    }


def recorded_out(done: Recorded) -> dict[str, Any]:
    return {**repayment_out(done.repayment), "created": done.created,
            "owed": format_cents(done.owed)}  # fmt: skip


def register(router: Router, services: Services) -> None:
    def record(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        client = services.access.client_for(agency, ctx.params["client"])
        body = validate_body(ctx.request, RepaymentIn)
        done = services.settlement_repayments.record(
            client,
            reference=body.reference,
            amount=cents_from_decimal(body.amount),
            received_on=body.received_on,
            by=f"key {agency.key_id}",
            settlement_id=body.settlement,
            note=body.note,
        )
        # the same reference and amount again: the same answer (``created`` false)
        return ApiResponse(status=201, body=recorded_out(done))

    def listing(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        client = services.access.client_for(agency, ctx.params["client"])
        desk = services.settlement_repayments
        return ApiResponse(body={"owed": format_cents(desk.owed(client)),
                                 "items": [repayment_out(r) for r in desk.of_client(client)]})  # fmt: skip

    tag = "settlements"
    path = "/v1/clients/{client}/settlement-repayments"
    router.add(Route("POST", path, record,
                     "Record the client's repayment of a negative settlement (agency key): once "
                     "per reference; its next settlement takes it in, and the claim-back item "
                     "closes when nothing is owed", tag, only=agency_only, body=RepaymentIn, response=RecordedOut,
                     status=201,
                     errors={404: "No such client, or no such settlement of the client",
                             409: "This reference was recorded before with another amount",
                             422: "The reference or amount is not acceptable, the amount "
                                  "is more than the client owes back, or received_on is in the "
                                  "future or before the settlement it repays"},
                     example={"reference": "NOTPROVIDED-2026-12", "amount": "120.50",
                              "received_on": "2026-12-01"}))  # fmt: skip
    router.add(Route("GET", path, listing,
                     "The client's repayments of negative settlements and what it still owes "
                     "back (agency key)", tag, only=agency_only, response=RepaymentsOut))  # fmt: skip
