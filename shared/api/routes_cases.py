"""/v1/cases: the cases handed over by the clients' workflows to their agency, and withdrawing
one: the agency (an agency key) or the client itself (a client key, its own cases only)."""

from __future__ import annotations

from dataclasses import asdict

from pydantic import Field

from shared.adapters.tables.cases_repo import Case
from shared.api import schemas
from shared.api.common import principal, validate_body
from shared.api.documents import list_of
from shared.api.http import ApiResponse, NotFoundError
from shared.api.responses import CaseDossierOut, CaseOut
from shared.api.router import Context, Route, Router
from shared.domain.access import Scope
from shared.services.container import Services
from shared.services.portal import agency_transfer_text


class WithdrawIn(schemas.Strict):
    reason: str = Field(min_length=3, max_length=1000)


def _out(case: Case, *, dossier: bool = False) -> dict[str, object]:
    """The case as answered, with what the debtor quotes paying it to the agency's account
    (the portal asks the same: the client's code names the client, newcomer17b F5); none once
    withdrawn: the debtor pays the client again (codereview18 F5)."""
    body = {k: v for k, v in asdict(case).items() if dossier or k != "dossier"}
    numbers = list(case.invoice_numbers)
    quote = agency_transfer_text(case.client_id, case.debtor_number, numbers)
    return {**body, "transfer_quote": quote if case.status == "open" else None}


def register(router: Router, services: Services) -> None:
    def reach(ctx: Context) -> tuple[str, str | None]:
        """(agency, client or None): an agency key reaches the agency's cases, a client key
        only its own client's; another's case answers 404 like one that does not exist."""
        p = principal(ctx)
        return p.agency_id, p.client_id if p.scope is Scope.CLIENT else None

    def list_cases(ctx: Context) -> ApiResponse:
        agency_id, client_id = reach(ctx)
        cases = services.repos.cases.list(agency_id)
        return ApiResponse(
            body={
                "items": [_out(c) for c in cases if client_id is None or c.client_id == client_id]
            }
        )

    def get_case(ctx: Context) -> ApiResponse:
        agency_id, client_id = reach(ctx)
        found = services.repos.cases.get(agency_id, ctx.params["case"])
        if found is None or (client_id is not None and found[0].client_id != client_id):
            raise NotFoundError(f"case {ctx.params['case']} not found")
        return ApiResponse(body=_out(found[0], dossier=True))

    def withdraw(ctx: Context) -> ApiResponse:
        agency_id, client_id = reach(ctx)
        body = validate_body(ctx.request, WithdrawIn)
        case = services.dunning.cases.withdraw(
            agency_id, ctx.params["case"], body.reason, principal(ctx).key_id, client_id=client_id
        )
        return ApiResponse(body=_out(case))

    tag = "cases"
    router.add(
        Route(
            "GET",
            "/v1/cases",
            list_cases,
            "Cases handed over to the agency (a client key: its own)",
            tag,
            response=list_of(CaseOut),
        )
    )
    router.add(
        Route(
            "GET",
            "/v1/cases/{case}",
            get_case,
            "One case with its dossier",
            tag,
            response=CaseDossierOut,
        )
    )
    router.add(
        Route(
            "POST",
            "/v1/cases/{case}/withdraw",
            withdraw,
            "Withdraw a case (teruggetrokken), by the agency or the client; both get an e-mail",
            tag,
            body=WithdrawIn,
            response=CaseOut,
            errors={
                409: "The case changed meanwhile; try again",
                422: "The case was withdrawn already (field: status)",
            },
            example={"reason": "Client settled with the debtor"},
        )
    )
