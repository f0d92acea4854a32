"""/v1/clients/{client}/usage: metering for billing (JSON and CSV)."""

from __future__ import annotations

import re

from shared.api.common import principal
from shared.api.http import ApiResponse, BadRequest, attachment
from shared.api.responses import UsageOut
from shared.api.router import Context, Query, Route, Router
from shared.domain.money import format_cents
from shared.services.container import Services


def register(router: Router, services: Services) -> None:
    def month_of(ctx: Context) -> str:
        month = ctx.request.query.get("month") or f"{services.clock.now():%Y-%m}"
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise BadRequest("month must look like 2025-03")
        return month

    def usage(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        month = month_of(ctx)
        lines = services.usage.month(client, month)
        return ApiResponse(
            body={
                "month": month,
                "items": [
                    {
                        "item": x.item,
                        "count": x.count,
                        "unit_price": f"{x.unit_price:.2f}",
                        "amount": format_cents(x.amount),
                    }
                    for x in lines
                ],
                "total": format_cents(sum(x.amount for x in lines)),
            }
        )

    def usage_csv(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        month = month_of(ctx)
        return ApiResponse(
            raw=services.usage.csv(client, month).encode(),
            content_type="text/csv",
            headers={"Content-Disposition": attachment(f"usage-{client.number}-{month}.csv")},
        )

    month = [Query("month", "The calendar month; default this month", type="month",
                   example="2025-03")]  # fmt: skip
    bad_month = {400: "month does not look like 2025-03"}
    router.add(
        Route(
            "GET",
            "/v1/clients/{client}/usage",
            usage,
            "Messages sent and invoices under management in a month (?month=)",
            "billing",
            response=UsageOut,
            query=month,
            errors=bad_month,
        )
    )
    router.add(
        Route(
            "GET",
            "/v1/clients/{client}/usage.csv",
            usage_csv,
            "The same as CSV",
            "billing",
            produces="text/csv",
            query=month,
            errors=bad_month,
        )
    )
