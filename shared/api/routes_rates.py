"""/v1/statutory-rates: the statutory interest rates in force, and uploading a newer table
(agency keys; the table is the law's, the same for every client)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.api.common import agency_only, require_agency
from shared.api.http import ApiResponse, BadRequest
from shared.api.router import Context, Route, Router
from shared.clock import amsterdam_date
from shared.domain.law.interest_rates import rate_table_csv
from shared.services.container import Services
from shared.services.errors import NotFound
from shared.services.rates import RatesInForce


class RateRowOut(BaseModel):
    effective_from: str
    consumer: str = Field(description="Percent per year, art. 6:119 BW")
    commercial: str = Field(description="Percent per year, art. 6:119a BW")


class StatutoryRatesOut(BaseModel):
    version: str = Field(description='"shipped", or the uploaded version in force')
    newest_rate_from: str
    stale: bool = Field(description="The newest rate is older than seven months")
    warning: str | None
    rates: list[RateRowOut]


class StatutoryRatesUploadedOut(StatutoryRatesOut):
    clients_queued: int = Field(
        description="Clients whose claims are restated to the table on the rate-restatement "
        "queue, one message each (again after 20 minutes, for payments booked meanwhile on "
        "the table before); 0 when the table changes no rate"
    )


EXAMPLE_CSV = "effective_from,consumer,commercial\n2026-07-01,4.00,10.15\n"


def rates_out(rates: RatesInForce, services: Services) -> dict[str, object]:
    rows = [
        dict(zip(("effective_from", "consumer", "commercial"), line.split(","), strict=True))
        for line in rate_table_csv(rates.table).splitlines()[1:]
    ]
    today = amsterdam_date(services.clock.now())
    return {**rates.status(today), "rates": rows}


def register(router: Router, services: Services) -> None:
    def show(ctx: Context) -> ApiResponse:
        require_agency(ctx)
        return ApiResponse(body=rates_out(services.statutory_rates.in_force(), services))

    def upload(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        # the table is the platform's, used for every agency's debtors: only the operator's
        # agency changes it (nobody through the API when none is named; the CLI still can)
        operator = services.settings.operator_agency
        if not operator or agency.agency_id != operator:
            raise NotFound("not found")
        if not ctx.request.body:
            raise BadRequest("the body must be the rate table as CSV")
        rates = services.statutory_rates.upload(
            ctx.request.body, author=f"{agency.agency_id}/{agency.key_id}"
        )
        return ApiResponse(body={**rates_out(rates, services),
                                 "clients_queued": rates.clients_queued})  # fmt: skip

    tag = "statutory rates"
    router.add(
        Route(
            "GET",
            "/v1/statutory-rates",
            show,
            "The statutory interest rates in force (agency key)",
            tag,
            only=agency_only,
            response=StatutoryRatesOut,
        )
    )
    router.add(
        Route(
            "PUT",
            "/v1/statutory-rates",
            upload,
            "Upload a newer rate table (the operator agency's key, INNING_OPERATOR_AGENCY); in force within ten minutes everywhere, the claims it changes restated per client on a queue",
            tag,
            only=agency_only,
            consumes="text/csv",
            response=StatutoryRatesUploadedOut,
            errors={
                400: "The body is empty",
                404: "Not the operator agency (INNING_OPERATOR_AGENCY)",
                422: "The table does not parse, changes a published rate, or is implausible",
            },
            description="The CSV has the shipped table's layout "
            "(effective_from,consumer,commercial; percent per year) and must repeat every "
            "shipped row unchanged; it may add later rows. Example row: " + EXAMPLE_CSV,
        )
    )
