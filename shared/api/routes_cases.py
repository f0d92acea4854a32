"""/v1/cases: the agency's cases handed over by its clients' workflows, and withdrawing one."""

from __future__ import annotations

from dataclasses import asdict

from pydantic import Field

from shared.api import schemas
from shared.api.common import require_agency, validate_body
from shared.api.documents import list_of
from shared.api.http import ApiResponse, NotFoundError
from shared.api.responses import CaseDossierOut, CaseOut
from shared.api.router import Context, Route, Router
from shared.services.container import Services


class WithdrawIn(schemas.Strict):
    reason: str = Field(min_length=3, max_length=1000)


def register(router: Router, services: Services) -> None:
    def list_cases(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        cases = services.repos.cases.list(agency.agency_id)
        return ApiResponse(
            body={"items": [{k: v for k, v in asdict(c).items() if k != "dossier"} for c in cases]}
        )

    def get_case(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        found = services.repos.cases.get(agency.agency_id, ctx.params["case"])
        if found is None:
            raise NotFoundError(f"case {ctx.params['case']} not found")
        return ApiResponse(body=asdict(found[0]))

    def withdraw(ctx: Context) -> ApiResponse:
        agency = require_agency(ctx)
        body = validate_body(ctx.request, WithdrawIn)
        case = services.dunning.cases.withdraw(
            agency.agency_id, ctx.params["case"], body.reason, agency.key_id
        )
        return ApiResponse(body={k: v for k, v in asdict(case).items() if k != "dossier"})

    tag = "cases"
    router.add(
        Route(
            "GET",
            "/v1/cases",
            list_cases,
            "Cases handed over to this agency (agency key)",
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
            "Withdraw a case (teruggetrokken); the client is told",
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
