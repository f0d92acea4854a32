"""/v1/clients/{client}/settlements: the client's own settlement statements (PDF, CSV) of
approved runs, for the client's admin key and admins (``action_for_request``:
MANAGE_SETTLEMENTS, the finance permission, reads too) and the agency. The agency's
``/v1/settlements`` stays the agency's: a run holds every client's figures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from shared.api.common import principal
from shared.api.http import ApiResponse
from shared.api.router import Context, Route, Router
from shared.api.routes_settlements import ClientSettlementOut, settlement_out
from shared.services.container import Services
from shared.services.settlement.client_statements import (
    ClientStatement,
    statement_file,
    statements_of,
)


class ClientStatementOut(ClientSettlementOut):
    run_on: date
    approved_at: datetime | None


class ClientStatementsOut(BaseModel):
    items: list[ClientStatementOut] = Field(
        description="The client's statements of the newest approved runs, newest first"
    )


def _link(client_number: str, settlement_id: str, ext: str) -> str:
    return (
        f"/api/v1/clients/{client_number}/settlements/{settlement_id}/files/{settlement_id}.{ext}"
    )


def statement_out(client_number: str, found: ClientStatement) -> dict[str, Any]:
    s = found.settlement
    return {
        **settlement_out(s),
        "pdf": _link(client_number, s.settlement_id, "pdf") if s.pdf else None,
        "csv": _link(client_number, s.settlement_id, "csv") if s.csv else None,
        "run_on": found.run.run_on.isoformat(),
        "approved_at": found.run.approved_at,
    }


def register(router: Router, services: Services) -> None:
    def listing(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        found = statements_of(services.settlements, client)
        return ApiResponse(body={"items": [statement_out(client.number, f) for f in found]})

    def get_file(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        name = ctx.params["name"]
        data, content_type = statement_file(
            services.settlements, client, ctx.params["settlement"], name
        )
        return ApiResponse(raw=data, content_type=content_type,
                           headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip

    tag = "settlements"
    router.add(Route("GET", "/v1/clients/{client}/settlements", listing,
                     "The client's own settlement statements (afdrachtspecificaties) of approved "
                     "runs, newest first, with their figures and links to the PDF and CSV "
                     "(an admin client key, or the agency's)", tag, response=ClientStatementsOut,
                     description="The statement a payout's remittance names (\"Afdracht "
                     "R20261203-... periode ...\"): what was received, the commission and VAT on "
                     "the fee, what was kept for the agency and the payout. Runs awaiting the "
                     "agency's approval are not listed."))  # fmt: skip
    router.add(Route("GET", "/v1/clients/{client}/settlements/{settlement}/files/{name}",
                     get_file, "One of the client's statements as PDF or CSV "
                     "(`{settlement}.pdf`, `{settlement}.csv`)", tag,
                     errors={404: "No such statement of this client in an approved run"}))  # fmt: skip
