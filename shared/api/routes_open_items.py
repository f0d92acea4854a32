"""/v1/clients/{client}/reports/open-items: the open-items list with its ageing on a day, as
JSON or CSV (shared/services/reports/open_items.py says what it reads)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from shared.api.common import iso_day, principal
from shared.api.http import ApiResponse, BadRequest, attachment
from shared.api.router import Context, Query, Route, Router
from shared.clock import amsterdam_date
from shared.domain.ageing import BUCKET_NAMES, ItemStatus, Open, OpenItems, Total
from shared.domain.money import format_cents
from shared.services.container import Services
from shared.services.reports.open_items import MAX_DAYS_AHEAD, to_csv

Bucket = Literal["not_due", "1_30", "31_60", "61_90", "91_180", "over_180"]
assert set(Bucket.__args__) == set(BUCKET_NAMES)  # type: ignore[attr-defined]


class OpenAmountsOut(BaseModel):
    principal: str
    costs: str = Field(description="Collection costs open (WIK staffel or agreed)")
    costs_vat: str = Field(description="VAT on the costs, only when the client cannot deduct VAT")
    interest: str = Field(description="Interest open, accrued up to the report's day")
    total: str


class OpenItemOut(OpenAmountsOut):
    debtor: str
    debtor_name: str
    invoice: str
    invoice_date: date
    due_date: date
    days_overdue: int = Field(description="Days past the due date on the report's day; 0 or "
                              "less: not overdue (due on the day itself is not overdue)")  # fmt: skip
    bucket: Bucket
    status: ItemStatus = Field(
        description="The first that applies: handed_over, disputed, payment_plan (a running "
        "plan holds it), paused (or a promise to pay) until a day not yet past, in_dunning (a "
        "workflow step taken), open"
    )


class TotalOut(OpenAmountsOut):
    items: int


class BucketOut(TotalOut):
    bucket: Bucket


class DebtorTotalOut(TotalOut):
    debtor: str
    debtor_name: str
    oldest_days_overdue: int


class OpenItemsOut(BaseModel):
    on: date = Field(description="The day the list is for (Europe/Amsterdam)")
    items: list[OpenItemOut] = Field(description="By debtor, then due date")
    buckets: list[BucketOut] = Field(
        description="Every bucket of days overdue, oldest last, empty ones too: not_due (0 or "
        "less), 1_30, 31_60, 61_90, 91_180, over_180"
    )
    debtors: list[DebtorTotalOut] = Field(description="Each debtor with something open")
    total: TotalOut


def _amounts(o: Open) -> dict[str, str]:
    return {"principal": format_cents(o.principal), "costs": format_cents(o.costs),
            "costs_vat": format_cents(o.costs_vat), "interest": format_cents(o.interest),
            "total": format_cents(o.total)}  # fmt: skip


def _total(t: Total) -> dict[str, object]:
    return {"items": t.items, **_amounts(t.open)}


def body_of(report: OpenItems) -> dict[str, object]:
    return {
        "on": report.on.isoformat(),
        "items": [
            {"debtor": i.debtor_number, "debtor_name": i.debtor_name, "invoice": i.invoice_number,
             "invoice_date": i.invoice_date.isoformat(), "due_date": i.due_date.isoformat(),
             "days_overdue": i.days_overdue, "bucket": i.bucket, "status": i.status.value,
             **_amounts(i.open)}
            for i in report.items
        ],
        "buckets": [{"bucket": name, **_total(t)} for name, t in report.buckets.items()],
        "debtors": [
            {"debtor": d.debtor_number, "debtor_name": d.debtor_name,
             "oldest_days_overdue": d.oldest_days_overdue, **_total(d.total)}
            for d in report.debtors
        ],
        "total": _total(report.total),
    }  # fmt: skip


def register(router: Router, services: Services) -> None:
    def open_items(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        # a parameter sent empty is refused, not read as left out: ``?on=`` from a form whose
        # day was not filled in would otherwise answer today's list as if it were asked for
        fmt = ctx.request.query.get("format", "json")
        if fmt not in ("json", "csv"):
            raise BadRequest("format must be json or csv", field="format")
        today = amsterdam_date(services.clock.now())
        given = ctx.request.query.get("on")
        try:
            on = today if given is None else iso_day(given)
        except ValueError:
            raise BadRequest("on must be a date such as 2025-03-31", field="on") from None
        if on > today + timedelta(days=MAX_DAYS_AHEAD):
            raise BadRequest(f"on is at most {MAX_DAYS_AHEAD} days after today", field="on")
        report = services.open_items.report(client, on)
        if fmt == "csv":
            name = f"open-items-{client.number}-{on.isoformat()}.csv"
            return ApiResponse(raw=to_csv(report).encode(), content_type="text/csv",
                               headers={"Content-Disposition": attachment(name)})  # fmt: skip
        return ApiResponse(body=body_of(report))

    router.add(
        Route(
            "GET",
            "/v1/clients/{client}/reports/open-items",
            open_items,
            "Open items with their ageing on a day (?on=, ?format=json|csv)",
            "reports",
            response=OpenItemsOut,
            also_produces=("text/csv",),
            query=[
                Query(
                    "on",
                    "The day (Europe/Amsterdam), at most 366 days ahead; default today",
                    type="date",
                    example="2025-03-31",
                ),
                Query(
                    "format",
                    "json (default) or csv: one row per open invoice",
                    enum=("json", "csv"),
                ),
            ],
            errors={
                400: "on is not a date or more than 366 days ahead, or format is not json or csv"
            },
            description=(
                "Every invoice open now (open, partially paid, disputed) dated on or before "
                "the day, with what is open of it as the claim ledger has it that day: "
                "principal, collection costs, VAT on them and interest accrued to the day. "
                "Credited, withdrawn and paid invoices are not on it. Totals per bucket of "
                "days overdue and per debtor are sums of the items."
            ),
        )
    )
