"""/v1/clients/{client}/plans: payment plans (betalingsregelingen) built by staff, and the
client's rules for them."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field, model_validator

from shared.api import schemas
from shared.api.common import cents_text, principal, validate_body
from shared.api.http import ApiResponse, BadRequest, Unprocessable
from shared.api.router import Context, Query, Route, Router
from shared.clock import amsterdam_today
from shared.domain.money import cents_from_decimal
from shared.domain.plans.plan import Consent, PaymentPlan, PlanStatus
from shared.domain.plans.schedule import Period, PlanMethod
from shared.domain.references import bic as bic_shape
from shared.services.container import Services


class InstallmentIn(schemas.Strict):
    due_date: date
    amount: schemas.Amount


class PlanIn(schemas.Strict):
    debtor: schemas.ExternalNumber
    invoices: list[schemas.ExternalNumber] = Field(min_length=1, max_length=200)
    include_costs: bool = True
    method: Literal["transfer", "direct_debit"] = "transfer"
    start: date
    period: Literal["week", "month", "quarter"] = "month"
    installments: int | None = Field(default=None, ge=1, le=120)
    installment_amount: schemas.Amount | None = None
    schedule: list[InstallmentIn] | None = Field(default=None, min_length=1, max_length=120)
    # the debtor's own consent (art. 3:318 BW): only a plan he agreed to acknowledges its
    # claims and interrupts their prescription; a plan without it is the creditor's offer
    agreed_by_debtor_on: date | None = Field(
        default=None,
        description="The day the debtor agreed to this plan himself (with agreed_how); "
        "without it the plan does not interrupt prescription (art. 3:318 BW)",
    )
    agreed_how: Literal["phone", "email", "letter", "in_person"] | None = Field(
        default=None, description="How the debtor gave his consent (with agreed_by_debtor_on)"
    )

    @model_validator(mode="after")
    def _one_way(self) -> PlanIn:
        one_way(self)
        return self


# a postponement's own refusals (field ``to``; PlanService.moved), in both plan routes' documents
MOVE_REFUSED = (
    "plan_move_passes_next: the installment would pass the next one (shift the later ones too); "
    "plan_move_past_term: the plan would run past its term (the client's max_term_months from "
    "its start, or its last date when it already runs longer); moved_collection_notice: a "
    "direct debit inside its notice term"
)


def one_way(body: Any) -> None:
    """A plan body gives its schedule one way: a number, an amount, or the installments."""
    given = [x is not None for x in (body.installments, body.installment_amount, body.schedule)]
    if sum(given) != 1:
        raise ValueError("give exactly one of installments, installment_amount or schedule")


class ReasonIn(schemas.Strict):
    reason: str = Field(min_length=3, max_length=1000)


class PostponeIn(schemas.Strict):
    to: date
    shift_later: bool = False


class MandateIn(schemas.Strict):
    mandate_id: str = Field(min_length=1, max_length=35, pattern=r"^[A-Za-z0-9/\-?:().,'+]+$")
    signed_on: date
    iban: str = Field(min_length=15, max_length=34)
    name: str = Field(min_length=1, max_length=70)
    bic: str | None = Field(default=None, pattern=bic_shape.PATTERN)


class RulesIn(schemas.Strict):
    min_installment: schemas.Amount | None = None
    max_term_months: int | None = Field(default=None, ge=1, le=120)
    portal_min_total: schemas.Amount | None = None
    tolerance_amount: schemas.Amount | None = None
    tolerance_days: int | None = Field(default=None, ge=0, le=365)
    early_recalculation: bool | None = None
    early_threshold_days: int | None = Field(default=None, ge=0, le=365)
    reminder_channel: Literal["email", "letter", "none"] | None = None
    reminder_offset_days: int | None = Field(default=None, ge=-60, le=60)
    prenotification_days: int | None = Field(default=None, ge=1, le=30)
    self_service: Literal["automatic", "staff"] | None = None
    creditor_id: str | None = Field(default=None, max_length=35)
    debtor_postpone_days: int | None = Field(default=None, ge=0, le=62)
    direct_debit_via: Literal["file", "mollie"] | None = None


def plan_out(plan: PaymentPlan, today: date) -> dict[str, Any]:
    return {
        "plan_id": plan.plan_id,
        "status": plan.status.value,
        "debtor": plan.debtor_number,
        "invoices": list(plan.invoice_numbers),
        "include_costs": plan.include_costs,
        "method": plan.method.value,
        "start": plan.start.isoformat(),
        "period": plan.period.value,
        "total": cents_text(plan.total),
        "paid": cents_text(plan.paid),
        "open": cents_text(plan.open),
        "payment_reference": plan.payment_reference,
        "reason": plan.reason,
        # whose plan: the client's own, or the collection agency's on its case (agencyplan26)
        "party": "agency" if plan.agency_id else "client",
        # the debtor's own consent (None: none recorded, no acknowledgement, 3:318 BW)
        "agreed_by_debtor_on": plan.agreed_on.isoformat() if plan.agreed_on else None,
        "agreed_how": plan.agreed_how.value if plan.agreed_how else None,
        "mandate": {"mandate_id": plan.mandate.mandate_id, "signed_on": plan.mandate.signed_on.isoformat(),
                    "status": plan.mandate.status}
        if plan.mandate
        else None,
        "collected_via": plan.rules.direct_debit_via if plan.method.value == "direct_debit" else None,
        "direct_debits": [
            {"installment": d.number, "attempt": d.attempt, "collection_date": d.collection_date.isoformat(),
             "amount": cents_text(d.amount), "end_to_end_id": d.end_to_end_id, "state": d.state.value,
             "reason": d.reason, "via": d.via, "first": d.first}
            for d in plan.debits
        ],
        "installments": [
            {"number": s.number, "due_date": s.due_date.isoformat(), "amount": cents_text(s.amount),
             "paid": cents_text(s.paid), "status": s.status.value}
            for s in plan.installments(today)
        ],
    }  # fmt: skip


def _request(body: PlanIn) -> Any:
    from shared.services.plans.service import PlanRequest

    return PlanRequest(
        debtor_number=body.debtor, invoice_numbers=tuple(dict.fromkeys(body.invoices)),
        include_costs=body.include_costs, method=PlanMethod(body.method), **schedule_of(body),
    )  # fmt: skip


def schedule_of(body: Any) -> dict[str, Any]:
    """A plan body's start, period, schedule and the debtor's consent, as ``PlanRequest``
    takes them (the client's body and the agency's case body alike)."""
    return dict(
        start=body.start, period=Period(body.period), installments=body.installments,
        installment_amount=cents_from_decimal(body.installment_amount) if body.installment_amount else None,
        schedule=tuple((i.due_date, cents_from_decimal(i.amount)) for i in body.schedule or ()),
        agreed_on=body.agreed_by_debtor_on,
        agreed_how=Consent(body.agreed_how) if body.agreed_how else None,
    )  # fmt: skip


def installment_number(ctx: Context) -> int:
    """The ``{n}`` of an installment's route: 1 to 120, else 400."""
    raw = ctx.params["n"]
    if not raw.isdigit() or not 1 <= int(raw) <= 120:
        raise BadRequest("the installment number must be a whole number from 1 to 120")
    return int(raw)


def register(router: Router, services: Services) -> None:
    def client_of(ctx: Context):  # type: ignore[no-untyped-def]
        return services.access.client_for(principal(ctx), ctx.params["client"])

    def author(ctx: Context) -> str:
        return f"key {principal(ctx).key_id}"

    def today() -> date:
        return amsterdam_today(services.clock)

    def create(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        plan = services.plans.create(
            client, _request(validate_body(ctx.request, PlanIn)), author(ctx)
        )
        return ApiResponse(status=201, body=plan_out(plan, today()))

    def list_plans(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        raw = ctx.request.query.get("status")
        try:
            status = PlanStatus(raw) if raw else None
        except ValueError:
            raise BadRequest(
                f"status must be one of {', '.join(s.value for s in PlanStatus)}"
            ) from None
        return ApiResponse(
            body={"items": [plan_out(p, today()) for p in services.plans.of_client(client, status)]}
        )

    def get_plan(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        plan = services.plans.get(client, ctx.params["plan"])
        out = plan_out(plan, today())
        out["timeline"] = services.plans.timeline(client, plan.plan_id)
        return ApiResponse(body=out)

    def put_plan(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        body = _request(validate_body(ctx.request, PlanIn))
        return ApiResponse(
            body=plan_out(
                services.plans.update(client, ctx.params["plan"], body, author(ctx)), today()
            )
        )

    def delete_plan(ctx: Context) -> ApiResponse:
        services.plans.delete(client_of(ctx), ctx.params["plan"])
        return ApiResponse(status=204)

    def activate(ctx: Context) -> ApiResponse:
        plan = services.plans.activate(client_of(ctx), ctx.params["plan"], author(ctx))
        return ApiResponse(body=plan_out(plan, today()))

    def pause(ctx: Context) -> ApiResponse:
        body = validate_body(ctx.request, ReasonIn)
        plan = services.plans.pause(client_of(ctx), ctx.params["plan"], body.reason, author(ctx))
        return ApiResponse(body=plan_out(plan, today()))

    def resume(ctx: Context) -> ApiResponse:
        plan = services.plans.resume(client_of(ctx), ctx.params["plan"], author(ctx))
        return ApiResponse(body=plan_out(plan, today()))

    def cancel(ctx: Context) -> ApiResponse:
        body = validate_body(ctx.request, ReasonIn)
        plan = services.plans.cancel(client_of(ctx), ctx.params["plan"], body.reason, author(ctx))
        return ApiResponse(body=plan_out(plan, today()))

    def put_mandate(ctx: Context) -> ApiResponse:
        from shared.domain.plans.plan import Mandate
        from shared.domain.references.iban import iban_error, normalise
        from shared.domain.sepa_xml import SepaFileError, check_id, sepa_name_error

        client = client_of(ctx)
        body = validate_body(ctx.request, MandateIn)
        if (error := iban_error(body.iban)) is not None:
            raise Unprocessable(error, details=[{"field": "iban", "message": error}])
        if (error := sepa_name_error(body.name)) is not None:  # its SEPA form goes to the bank
            raise Unprocessable(error, details=[{"field": "name", "message": error}])
        try:  # the pain.008 writes it as MndtId: an id the EPC refuses fails the day's file
            check_id(body.mandate_id, "mandate_id")
        except SepaFileError as exc:
            raise Unprocessable(
                str(exc), details=[{"field": "mandate_id", "message": str(exc)}]
            ) from None
        if body.signed_on > today():
            raise Unprocessable("a mandate cannot be signed in the future",
                                details=[{"field": "signed_on", "message": "in the future"}])  # fmt: skip
        mandate = Mandate(
            body.mandate_id, body.signed_on, normalise(body.iban), body.name, body.bic
        )
        plan = services.plans.set_mandate(client, ctx.params["plan"], mandate, author(ctx))
        return ApiResponse(body=plan_out(plan, today()))

    number = installment_number

    def postpone(ctx: Context) -> ApiResponse:
        body = validate_body(ctx.request, PostponeIn)
        plan = services.plans.postpone(client_of(ctx), ctx.params["plan"], number(ctx), body.to,
                                       body.shift_later, author(ctx))  # fmt: skip
        return ApiResponse(body=plan_out(plan, today()))

    def retry(ctx: Context) -> ApiResponse:
        plan = services.plans.retry(client_of(ctx), ctx.params["plan"], number(ctx), author(ctx))
        return ApiResponse(body=plan_out(plan, today()))

    def rules_out(rules: Any) -> dict[str, Any]:
        return {
            "min_installment": cents_text(rules.min_installment), "max_term_months": rules.max_term_months,
            "portal_min_total": cents_text(rules.portal_min_total), "tolerance_amount": cents_text(rules.tolerance_amount),
            "tolerance_days": rules.tolerance_days, "early_recalculation": rules.early_recalculation,
            "early_threshold_days": rules.early_threshold_days, "reminder_channel": rules.reminder_channel.value,
            "reminder_offset_days": rules.reminder_offset_days, "prenotification_days": rules.prenotification_days,
            "self_service": rules.self_service.value, "creditor_id": rules.creditor_id,
            "debtor_postpone_days": rules.debtor_postpone_days, "direct_debit_via": rules.direct_debit_via,
        }  # fmt: skip

    def get_rules(ctx: Context) -> ApiResponse:
        return ApiResponse(body=rules_out(services.plans.rules(client_of(ctx))))

    def put_rules(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        body = validate_body(ctx.request, RulesIn).model_dump(exclude_none=True)
        changes: dict[str, object] = {
            k: cents_from_decimal(v)
            if k in ("min_installment", "portal_min_total", "tolerance_amount")
            else v
            for k, v in body.items()
        }
        return ApiResponse(body=rules_out(services.plans.set_rules(client, changes)))

    def status_report(ctx: Context) -> ApiResponse:
        client = client_of(ctx)  # another tenant's client is a 404 before the body is looked at
        body = ctx.request.body
        if not body:
            raise BadRequest("the body must be the bank's pain.002 status report (XML)")
        result = services.plan_status_reports.ingest(client, body)
        return ApiResponse(body={
            "original_message_id": result.original_message_id, "group_status": result.group_status,
            "rejected": result.rejected,
            "failed": [{"plan_id": p, "installment": n, "reason": r} for p, n, r in result.failed],
            "unknown": result.unknown,
        })  # fmt: skip

    base = "/v1/clients/{client}/plans"
    n_bad = {400: "the installment number is not a whole number from 1 to 120"}
    state = {409: "the plan's status does not allow this (e.g. it is no longer a draft)"}
    # a Mollie plan's payment made now waits for the operator's confirm after a restore
    held = {409: "the plan's status does not allow this, or (restore_hold) a Mollie plan's "
            "payment is held since a backup was restored until the operator confirms the bank "
            "reconciled: ask again after that"}  # fmt: skip
    statuses = tuple(s.value for s in PlanStatus)
    for route in (
        Route("POST", base, create, "Build a payment plan (a draft)", "plans", body=PlanIn, status=201,
              errors={422: "a client rule is broken or an invoice cannot be in a plan (the field is named; "
                      "invoice_handed_over: a collection agency collects it; plan_start_past_term: the start is past "
                      "the client's max_term_months from today)"}),
        Route("GET", base, list_plans, "Payment plans, optionally by status", "plans",
              query=[Query("status", "Only plans in this status", enum=statuses)],
              errors={400: "status is not one of the plan statuses"}),
        Route("GET", base + "/{plan}", get_plan, "One plan with its installments and timeline", "plans"),
        Route("PUT", base + "/{plan}", put_plan, "Change a draft plan", "plans", body=PlanIn,
              errors={**state, 422: "a client rule is broken or an invoice cannot be in a plan (the field is "
                      "named; invoice_handed_over: a collection agency collects it; plan_start_past_term: the start "
                      "is past the client's max_term_months from today)"}),
        Route("DELETE", base + "/{plan}", delete_plan, "Delete a draft plan", "plans", status=204, errors=state),
        Route("PUT", base + "/{plan}/mandate", put_mandate, "Record the SEPA mandate of a draft direct-debit plan",
              "plans", body=MandateIn, errors=state),
        Route("POST", base + "/{plan}/activate", activate, "Approve a draft: the installments freeze", "plans",
              errors={**held, 422: "a direct debit's first collection is too soon for the pre-notification, "
                      "or an invoice was handed over to a collection agency since the draft was made "
                      "(invoice_handed_over)"}),
        Route("POST", base + "/{plan}/pause", pause, "Pause a running plan (reason required)", "plans",
              body=ReasonIn, errors={**state, 422: "a reason starting with 'dispute:' "
                                     "(plan_reason_reserved): the words of a dispute's own pause"}),
        Route("POST", base + "/{plan}/resume", resume, "Resume a paused plan", "plans",
              errors={**state, 422: "an invoice of the plan is disputed (plan_invoice_disputed): a "
                      "plan the dispute paused resumes by itself when it ends"}),
        Route("POST", base + "/{plan}/cancel", cancel, "Cancel a plan: dunning resumes where it stood", "plans",
              body=ReasonIn, errors=state),
        Route("POST", base + "/{plan}/installments/{n}/postpone", postpone,
              "Move an installment, optionally the later ones too", "plans", body=PostponeIn,
              errors={**n_bad, **state, 422: MOVE_REFUSED}),
        Route("POST", base + "/{plan}/installments/{n}/retry", retry, "Collect a failed installment again",
              "plans", errors={**n_bad, **held}),
        Route("POST", "/v1/clients/{client}/direct-debits/status-reports", status_report,
              "Read the bank's pain.002 status report (the XML file as sent) on a direct-debit file", "plans",
              consumes="application/octet-stream",
              errors={400: "the body is empty", 422: "not a pain.002 status report we can read"},
              description="Every rejected collection (RJCT, per collection, per block or the whole "
              "file) fails its installment with the bank's reason code; a collection already booked "
              "has its payment reversed. Staff get an action item and can retry."),
        Route("GET", "/v1/clients/{client}/plan-rules", get_rules, "The client's rules for payment plans", "plans"),
        Route("PUT", "/v1/clients/{client}/plan-rules", put_rules, "Change the rules (new plans only)", "plans",
              body=RulesIn),
    ):  # fmt: skip
        router.add(route)
