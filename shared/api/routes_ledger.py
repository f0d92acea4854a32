"""The claim ledger: an invoice's claim and a debtor's claims on a day, waivers, write-offs."""

from __future__ import annotations

from datetime import date, timedelta

from shared.api import schemas_ledger
from shared.api.common import cents_text, iso_day, principal, validate_body
from shared.api.http import ApiResponse, BadRequest
from shared.api.router import Context, Route, Router
from shared.domain.law.interest_rates import commercial_margin
from shared.domain.ledger.model import COMPONENTS, Amounts, ClaimFigures, Component, InterestRule
from shared.domain.money import Cents, cents_from_decimal
from shared.services.container import Services
from shared.services.reports.open_items import MAX_DAYS_AHEAD

ON = {
    "on": "The day the figures are for, YYYY-MM-DD, at most 366 days ahead (default: today in "
    "Amsterdam)"
}
ON_ERRORS = {400: "on is not a date or more than 366 days ahead"}


def _components(a: Amounts) -> dict[str, str]:
    return {c.value: cents_text(a.of(c)) for c in COMPONENTS}


def claim_out(f: ClaimFigures) -> dict[str, object]:
    return _out(
        f.on, f.charged, f.paid, f.waived, f.written_off, f.open,
        f.costs_owed_from, f.interest_from, f.interest_rule.value, invoice=f.invoice_number,
        warnings=f.warnings, contract_date=f.contract_date,
        margin=commercial_margin(f.contract_date) if f.interest_rule is InterestRule.COMMERCIAL else None,
        credited=f.credited, paid_before_handover=f.paid_before_handover,
        recovered=f.recovered if f.is_written_off else None,
    )  # fmt: skip


def _out(
    on: date,
    charged: Amounts,
    paid: Amounts,
    waived: Amounts,
    written_off: Amounts,
    open_: Amounts,
    costs_owed_from: date | None,
    interest_from: date | None,
    rule: str,
    invoice: str | None = None,
    warnings: tuple[str, ...] = (),
    contract_date: date | None = None,
    margin: str | None = None,
    credited: Amounts | None = None,
    paid_before_handover: Cents = 0,
    recovered: Amounts | None = None,
) -> dict[str, object]:
    return schemas_ledger.ClaimOut(
        invoice=invoice, on=on, **_components(charged),
        paid=schemas_ledger.ComponentsOut(**_components(paid)),
        waived=schemas_ledger.ComponentsOut(**_components(waived)),
        written_off=schemas_ledger.ComponentsOut(**_components(written_off)),
        credited=schemas_ledger.ComponentsOut(**_components(credited or Amounts())),
        paid_before_handover=cents_text(paid_before_handover),
        recovered=None if recovered is None
        else schemas_ledger.ComponentsOut(**_components(recovered)),
        written_off_claim=recovered is not None,
        open=schemas_ledger.OpenOut(**_components(open_), total=cents_text(open_.total)),
        costs_owed_from=costs_owed_from, interest_from=interest_from, interest_rule=rule,
        warnings=list(warnings), contract_date=contract_date, commercial_margin=margin,
    ).model_dump(mode="json", exclude={*(["invoice"] if invoice is None else []),
                                       *(["recovered"] if recovered is None else [])})  # fmt: skip


def debtor_out(debtor: str, on: date, claims: list[ClaimFigures]) -> dict[str, object]:
    zero = Amounts()

    def total(pick: str) -> Amounts:
        out = zero
        for f in claims:
            out = out.plus(getattr(f, pick))
        return out

    rules = {f.interest_rule.value for f in claims}
    owed = [f.costs_owed_from for f in claims if f.costs_owed_from]
    starts = [f.interest_from for f in claims if f.interest_from]
    body = _out(
        on, total("charged"), total("paid"), total("waived"), total("written_off"),
        total("open"), min(owed) if owed else None, min(starts) if starts else None,
        rules.pop() if len(rules) == 1 else ("mixed" if rules else "none"),
        warnings=tuple(dict.fromkeys(w for f in claims for w in f.warnings)),
        credited=total("credited"), paid_before_handover=sum(f.paid_before_handover for f in claims),
    )  # fmt: skip
    return {"debtor": debtor, **body, "claims": [claim_out(f) for f in claims]}


def _on(ctx: Context, today: date) -> date | None:
    """The day a claim's figures are asked for: any day up to a year ahead (a payoff quote);
    9999-12-31 answered a 500 from the interest's calendar."""
    raw = ctx.request.query.get("on")
    if not raw:
        return None
    try:
        on = iso_day(raw)
    except ValueError:
        raise BadRequest("on must be a date, YYYY-MM-DD", field="on") from None
    if on > today + timedelta(days=MAX_DAYS_AHEAD):
        raise BadRequest(f"on is at most {MAX_DAYS_AHEAD} days after today", field="on")
    return on


def register(router: Router, services: Services) -> None:
    def invoice_claim(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        return ApiResponse(
            body=claim_out(
                services.ledger.claim(
                    client, ctx.params["invoice"], _on(ctx, services.ledger.today())
                )
            )
        )

    def debtor_claim(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        on = _on(ctx, services.ledger.today()) or services.ledger.today()
        claims = services.ledger.debtor_open_claims(client, ctx.params["debtor"], on)
        return ApiResponse(body=debtor_out(ctx.params["debtor"], on, claims))

    def waive(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        body = validate_body(ctx.request, schemas_ledger.WaiveIn)
        figures = services.ledger.waive(
            client, ctx.params["invoice"], Component(body.component),
            cents_from_decimal(body.amount), body.reason, author=principal(ctx).key_id,
            stop_interest=body.stop_interest,
        )  # fmt: skip
        return ApiResponse(body=claim_out(figures))

    def write_off(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        body = validate_body(ctx.request, schemas_ledger.WriteOffIn)
        figures = services.ledger.write_off(
            client, ctx.params["invoice"], body.reason, author=principal(ctx).key_id
        )
        return ApiResponse(body=claim_out(figures))

    tag = "ledger"
    invoice = "/v1/clients/{client}/invoices/{invoice}"
    router.add(
        Route(
            "GET", invoice + "/claim", invoice_claim,
            "The invoice's claim on a day: charged, paid, waived, credited and open per component",
            tag, response=schemas_ledger.ClaimOut, query=ON, errors=ON_ERRORS,
        )
    )  # fmt: skip
    router.add(
        Route(
            "GET", "/v1/clients/{client}/debtors/{debtor}/claim", debtor_claim,
            "A debtor's open claims on a day, summed, with each claim", tag,
            response=schemas_ledger.DebtorClaimOut, query=ON, errors=ON_ERRORS,
        )
    )  # fmt: skip
    router.add(
        Route(
            "POST", invoice + "/waive", waive,
            "Waive part of the collection costs or interest (reason on the contact log); "
            "interest goes on accruing unless `stop_interest` gives up the interest to come",
            tag,
            body=schemas_ledger.WaiveIn, response=schemas_ledger.ClaimOut,
        )
    )  # fmt: skip
    router.add(
        Route(
            "POST", invoice + "/write-off", write_off,
            "Write the claim off as uncollectable (reason on the contact log)", tag,
            body=schemas_ledger.WriteOffIn, response=schemas_ledger.ClaimOut,
        )
    )  # fmt: skip
