"""/v1/statements: upload a bank statement file (agency key); the blob trigger books it.
/v1/clients/{client}/exports: what was received, for the client's own accounting."""

from __future__ import annotations

import re
from datetime import date

from shared.api.common import agency_only, iso_day, principal, require_agency
from shared.api.http import (
    ApiResponse,
    BadRequest,
    PayloadTooLarge,
    UnsupportedMediaType,
    attachment,
)
from shared.api.responses import StatementFileOutList, StatementQueuedOut
from shared.api.router import Context, Query, Route, Router
from shared.services.container import Services
from shared.services.statement_sources import api_prefix
from shared.services.statements import INBOX

MAX_STATEMENT_BYTES = 20 * 1024 * 1024


def _period(ctx: Context) -> tuple[date, date]:
    try:
        start = iso_day(ctx.request.query["from"])
        end = iso_day(ctx.request.query["to"])
    except (KeyError, ValueError):
        raise BadRequest(
            "give the period as ?from=YYYY-MM-DD&to=YYYY-MM-DD (both inclusive)"
        ) from None
    if end < start:
        raise BadRequest("to is before from")
    return start, end


def register(router: Router, services: Services) -> None:
    def upload(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        body = ctx.request.body
        kind = (ctx.request.header("content-type") or "").split(";")[0].strip().lower()
        if kind == "multipart/form-data":
            # `curl -F file=@…` wraps the file in a form: stored as sent it would be quarantined
            # as "neither MT940 nor CAMT.053" (newcomer7 finding 6). `curl --data-binary @file`
            # labels the raw file application/x-www-form-urlencoded: that body is the file.
            raise UnsupportedMediaType(
                "send the statement file itself as the body (Content-Type: "
                "application/octet-stream; curl --data-binary @day.sta), not as a form"
            )
        if not body:
            raise BadRequest("the body must be the statement file (MT940 or CAMT.053)")
        if len(body) > MAX_STATEMENT_BYTES:
            raise PayloadTooLarge("statement files are limited to 20 MiB")
        raw = ctx.request.query.get("name", "statement")
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", raw)[:100] or "statement"
        stamp = services.clock.now().strftime("%Y%m%dT%H%M%S%f")
        # api/: an upload books for the agency's clients but proves no IBAN claim
        name = f"{api_prefix(agency.agency_id)}{stamp}-{safe}"
        services.files.put(INBOX, name, body)
        return ApiResponse(status=202, body={"blob": f"{INBOX}/{name}", "status": "queued"})

    def uploaded(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        files = services.payment_overview.uploaded_statements(agency.agency_id)
        items = [
            {"blob": f"{INBOX}/{f.name}", "name": f.shown, "status": f.status, "lines": f.lines,
             "booked": f.booked, "suggested": f.suggested, "unmatched": f.unmatched,
             "returned": f.returned, "problems": f.problems}
            for f in files
        ]  # fmt: skip
        return ApiResponse(body={"items": items})

    def export_mt940(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        start, end = _period(ctx)
        text = services.exports.mt940(client, start, end)
        filename = f"inning-{client.number}-{start}-{end}.sta"
        return ApiResponse(
            raw=text.encode("ascii", "replace"),
            content_type="text/plain",
            headers={"Content-Disposition": attachment(filename)},
        )

    def export_report(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        start, end = _period(ctx)
        pdf = services.exports.report_pdf(client, start, end)
        return ApiResponse(
            raw=pdf,
            content_type="application/pdf",
            # any printable client number: one file name, header text only (review31)
            headers={
                "Content-Disposition": attachment(f"inning-{client.number}-{start}-{end}.pdf")
            },
        )

    tag = "statements"
    period = [
        Query("from", "First day, inclusive", type="date", required=True, example="2025-01-01"),
        Query("to", "Last day, inclusive", type="date", required=True, example="2025-12-31"),
    ]
    bad_period = {400: "from or to missing, not a date, or to before from"}
    router.add(
        Route(
            "POST",
            "/v1/statements",
            upload,
            "Upload a statement file (?name=); booked asynchronously",
            tag,
            only=agency_only,
            consumes="application/octet-stream",
            status=202,
            response=StatementQueuedOut,
            query=[Query("name", "The file's name, for the report", example="day.sta")],
            errors={
                400: "The body is empty",
                413: "The file is over 20 MiB",
                415: "The file was sent as a form, not as the body",
            },
            description="MT940 or CAMT.053, as the bank delivered it (agency key).",
        )
    )
    router.add(
        Route(
            "GET",
            "/v1/statements",
            uploaded,
            "The statement files uploaded with the API, newest first, and what became of each",
            tag,
            only=agency_only,
            response=StatementFileOutList,
            description="The agency's 50 newest uploads (agency key): lines booked, suggested "
            "and left unmatched (the items on the action lists), returns (booked back, or an "
            "`unmatched_return` item on the action list: newcomer27 F6), or why the file was "
            "refused; the other lines are debits (card payments, bank costs) and lines held "
            "back (newcomer26 F7).",
        )
    )
    router.add(
        Route(
            "GET",
            "/v1/clients/{client}/exports/mt940",
            export_mt940,
            "MT940 of payments received on the agency's third-party account (?from=&to=)",
            tag,
            produces="text/plain",
            query=period,
            errors={
                **bad_period,
                422: "The agency has no third-party account on record "
                "(`export_no_third_party_account`)",
            },
            description="An MT940 file (SWIFT character set) for the client's own ledger: a "
            "statement of the money collected for the client on the agency's third-party "
            "account (`:25:` is that account), opening with what was collected there before the "
            "period, so consecutive periods chain. Payments the client received itself "
            "(`received_by: client`) are left out: they are on its own bank's statements. "
            "Import it into a journal of its own, not the client's bank journal.",
        )
    )
    router.add(
        Route(
            "GET",
            "/v1/clients/{client}/exports/report.pdf",
            export_report,
            "PDF report of the payments received, per invoice, and by whom",
            tag,
            produces="application/pdf",
            query=period,
            errors=bad_period,
            description="Every payment received for the client's invoices in the period, on "
            "the agency's third-party account or by the client itself, with the total received "
            "and each part of it. What is paid out to the client is the settlement's "
            "specification, not this report.",
        )
    )
