"""/v1/cases/{case}/plans: the collection agency's payment plans on its open cases
(agencyplan26). An agency key makes, starts, pauses, resumes and ends them; the client's key
reads those of its own cases (their status), and changes none (403 ``plan_of_agency``)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field, model_validator

from shared.api import schemas
from shared.api.common import principal, validate_body
from shared.api.http import ApiResponse
from shared.api.router import Context, Route, Router
from shared.api.routes_plans import (
    MOVE_REFUSED,
    InstallmentIn,
    PostponeIn,
    ReasonIn,
    installment_number,
    one_way,
    plan_out,
    schedule_of,
)
from shared.clock import amsterdam_today
from shared.domain.access import Principal, Scope
from shared.domain.plans.schedule import PlanMethod
from shared.services.container import Services
from shared.services.errors import NotPermitted


class CasePlanIn(schemas.Strict):
    # none: every invoice of the case the agency still collects
    invoices: list[schemas.ExternalNumber] | None = Field(
        default=None, min_length=1, max_length=200
    )
    start: date
    period: Literal["week", "month", "quarter"] = "month"
    installments: int | None = Field(default=None, ge=1, le=120)
    installment_amount: schemas.Amount | None = None
    schedule: list[InstallmentIn] | None = Field(default=None, min_length=1, max_length=120)
    agreed_by_debtor_on: date | None = None
    agreed_how: Literal["phone", "email", "letter", "in_person"] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> CasePlanIn:
        one_way(self)
        return self


def _request(body: CasePlanIn) -> Any:
    from shared.services.plans.service import PlanRequest

    # the case's debtor (AgencyPlans.create); the whole claim by transfer to the agency
    return PlanRequest(
        debtor_number="", invoice_numbers=tuple(dict.fromkeys(body.invoices or ())),
        include_costs=True, method=PlanMethod.TRANSFER, **schedule_of(body),
    )  # fmt: skip


def of_agency(who: Any) -> None:
    """The changing routes' role declaration: only the agency changes its plans; a client's key
    or person (it may read them) gets 403 ``plan_of_agency`` before the router reads the case,
    the installment number or the body, so its answer is the same whatever it sent (people27
    L1)."""
    if not isinstance(who, Principal) or who.scope is Scope.CLIENT:
        raise NotPermitted(
            "the agency's payment plan on a case is made and changed by the agency; the "
            "client reads it",
            field="plan",
            code="plan_of_agency",
        )


def register(router: Router, services: Services) -> None:
    from shared.services.plans.agency_plans import AgencyPlans

    def desk() -> AgencyPlans:
        return AgencyPlans(services.repos, services.plans)

    def today() -> date:
        return amsterdam_today(services.clock)

    def reader(ctx: Context) -> tuple[str, str | None]:
        p = principal(ctx)
        return p.agency_id, p.client_id if p.scope is Scope.CLIENT else None

    def agency(ctx: Context) -> str:
        """The agency whose plan it is; the route's declaration (``only=of_agency``) refused
        a client before this is asked."""
        return principal(ctx).agency_id

    def author(ctx: Context) -> str:
        return f"key {principal(ctx).key_id}"

    def out(plan: Any, case: str) -> dict[str, Any]:
        return {**plan_out(plan, today()), "case": case}

    def create(ctx: Context) -> ApiResponse:
        agency_id = agency(ctx)
        body = validate_body(ctx.request, CasePlanIn)
        case = ctx.params["case"]
        plan = desk().create(agency_id, case, _request(body), author(ctx))
        return ApiResponse(status=201, body=out(plan, case))

    def list_plans(ctx: Context) -> ApiResponse:
        agency_id, client_id = reader(ctx)
        case = ctx.params["case"]
        plans = desk().of_case(agency_id, case, client_id)
        return ApiResponse(body={"items": [out(p, case) for p in plans]})

    def get_plan(ctx: Context) -> ApiResponse:
        agency_id, client_id = reader(ctx)
        case = ctx.params["case"]
        client, plan = desk().get(agency_id, case, ctx.params["plan"], client_id)
        body = out(plan, case)
        body["timeline"] = services.plans.timeline(client, plan.plan_id)
        return ApiResponse(body=body)

    def activate(ctx: Context) -> ApiResponse:
        case = ctx.params["case"]
        plan = desk().activate(agency(ctx), case, ctx.params["plan"], author(ctx))
        return ApiResponse(body=out(plan, case))

    def delete_plan(ctx: Context) -> ApiResponse:
        desk().delete(agency(ctx), ctx.params["case"], ctx.params["plan"])
        return ApiResponse(status=204)

    def pause(ctx: Context) -> ApiResponse:
        agency_id = agency(ctx)
        body = validate_body(ctx.request, ReasonIn)
        case = ctx.params["case"]
        plan = desk().pause(agency_id, case, ctx.params["plan"], body.reason, author(ctx))
        return ApiResponse(body=out(plan, case))

    def resume(ctx: Context) -> ApiResponse:
        case = ctx.params["case"]
        plan = desk().resume(agency(ctx), case, ctx.params["plan"], author(ctx))
        return ApiResponse(body=out(plan, case))

    def cancel(ctx: Context) -> ApiResponse:
        agency_id = agency(ctx)
        body = validate_body(ctx.request, ReasonIn)
        case = ctx.params["case"]
        plan = desk().cancel(agency_id, case, ctx.params["plan"], body.reason, author(ctx))
        return ApiResponse(body=out(plan, case))

    def postpone(ctx: Context) -> ApiResponse:
        agency_id = agency(ctx)
        body = validate_body(ctx.request, PostponeIn)
        case = ctx.params["case"]
        move = (installment_number(ctx), body.to, body.shift_later)
        plan = desk().postpone(agency_id, case, ctx.params["plan"], move, author(ctx))
        return ApiResponse(body=out(plan, case))

    base = "/v1/cases/{case}/plans"
    tag = "cases"
    refused = {403: "a client's key (plan_of_agency): the agency makes and changes its plans"}
    state = {409: "the plan's status does not allow this (e.g. it is no longer a draft)"}
    for route in (
        Route("POST", base, create, "The agency's payment plan on its open case (a draft)", tag, only=of_agency,
              body=CasePlanIn, status=201,
              errors={**refused, 422: "case_not_open, plan_invoice_not_in_case, "
                      "plan_invoice_not_handed_over, agency_no_third_party_account, "
                      "plan_start_past_term (the start past the client's max_term_months from "
                      "today) or a plan rule broken (the field is named)"},
              description="Over the case's invoices (all it still collects when `invoices` is "
              "left out), the whole claim as the case books it, paid by transfer to the agency's "
              "third-party account under the plan's own payment_reference."),
        Route("GET", base, list_plans, "The agency's plans on the case (a client key: read only)", tag),
        Route("GET", base + "/{plan}", get_plan, "One of the agency's plans on the case, with its timeline",
              tag),
        Route("DELETE", base + "/{plan}", delete_plan, "Delete a draft", tag, only=of_agency, status=204,
              errors={**refused, **state}),
        Route("POST", base + "/{plan}/activate", activate, "Start the draft: the agreement goes to the debtor",
              tag, only=of_agency, errors={**refused, **state, 422: "case_not_open: the case was withdrawn; "
                                   "agency_no_third_party_account"}),
        Route("POST", base + "/{plan}/pause", pause, "Pause a running plan (reason required)", tag, only=of_agency,
              body=ReasonIn, errors={**refused, **state, 422: "a reason starting with 'dispute:' "
                                     "(plan_reason_reserved): the words of a dispute's own pause"}),
        Route("POST", base + "/{plan}/resume", resume, "Resume a paused plan", tag, only=of_agency,
              errors={**refused, **state}),
        Route("POST", base + "/{plan}/cancel", cancel, "End the plan: the agency collects the rest",
              tag, only=of_agency, body=ReasonIn, errors={**refused, **state}),
        Route("POST", base + "/{plan}/installments/{n}/postpone", postpone,
              "Move an installment, optionally the later ones too (the debtor gets the new schedule)",
              tag, only=of_agency, body=PostponeIn,
              errors={**refused, **state, 400: "the installment number is not a whole number from 1 to 120",
                      422: MOVE_REFUSED}),
    ):  # fmt: skip
        router.add(route)
