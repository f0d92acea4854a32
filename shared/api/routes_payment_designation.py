"""``PUT /v1/clients/{client}/payments/{payment}/designation``: a person corrects which
invoices a booked payment paid (a bank line confirmed on the wrong invoice, a portal or sync
payment its payer meant for another claim; art. 6:43 lid 1 BW, law13 F5).
shared/services/ledger/redesignation.py books it again as if designated so from its day."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.api.common import plain_record, principal, validate_body
from shared.api.http import ApiResponse, PreconditionFailedError
from shared.api.responses import PaymentOut
from shared.api.router import Context, Route, Router
from shared.api.schemas import Strict
from shared.services.container import Services
from shared.services.ledger.redesignation import REASON_MAX, REASON_MIN, StaleVersion, version_of
from shared.services.people.admin import actor_of


class DesignationIn(Strict):
    invoices: list[str] = Field(
        min_length=1,
        max_length=100,
        description="The invoices of the payment's own debtor it paid, as its payer named them "
        "(its money goes to them first, earliest due first; what they do not take goes on "
        "by 6:43 lid 2)",
    )
    reason: str = Field(
        min_length=REASON_MIN,
        max_length=REASON_MAX,
        description="Why (the remittance named F2, the payer says so): on the audit log",
    )
    payer_word: Literal["asked", "misread"] | None = Field(
        default=None,
        description="The payer's own word for the new designation: `asked` (he asked for it "
        "himself) or `misread` (his remittance named these invoices and was read wrong). "
        "Required to move a payment off invoices its payer designated (6:43 lid 1 BW: the "
        "creditor may not make it serve another debt; refused 422 `designation_payer_own`); "
        "without it only a person's own tick or money nobody designated is corrected. With "
        "it the new designation is the payer's.",
    )


def _if_match(ctx: Context) -> str | None:
    """The version the caller read (``If-Match``); none or ``*``: whatever is stored."""
    value = (ctx.request.header("If-Match") or "").strip()
    return None if value in ("", "*") else value


def register(router: Router, services: Services) -> None:
    def designate(ctx: Context) -> ApiResponse:
        caller = principal(ctx)
        client = services.access.client_for(caller, ctx.params["client"])
        body = validate_body(ctx.request, DesignationIn)
        try:
            done = services.redesignation.redesignate(
                client, ctx.params["payment"], body.invoices, actor_of(caller), body.reason,
                version=_if_match(ctx), payer_word=body.payer_word,
            )  # fmt: skip
        except StaleVersion as exc:
            raise PreconditionFailedError(str(exc)) from None
        version = version_of(done)
        return ApiResponse(body={**plain_record(done), "version": version},
                           headers={"ETag": version})  # fmt: skip

    router.add(
        Route(
            "PUT",
            "/v1/clients/{client}/payments/{payment}/designation",
            designate,
            "Correct the invoices a booked payment paid (its designation)",
            "records",
            body=DesignationIn,
            response=PaymentOut,
            errors={
                404: "No such payment",
                409: "The debtor's claims kept changing; ask again",
                412: "If-Match: the payment was changed (moved or designated) since it was read",
                422: "Not invoices of this client, another debtor's invoices, a payment that "
                "came back or is on no debtor, an invoice credited or withdrawn, or a "
                "payment its payer designated moved without his word (`payer_word`)",
            },
            example={"invoices": ["F-0100"], "reason": "the remittance named F-0100"},
            description="For a payment booked on the wrong invoice (a person's confirm of a "
            "bank line, a portal or sync payment its payer meant for another claim): the "
            "payer's designation holds (6:43 lid 1 BW). The payment is booked again as if it "
            "had named these invoices from the day it was received: taken off the claims it "
            "holds money on, those restated without it (interest runs on, costs as their "
            "14-day term says), then on the named claims by 6:44 (costs, interest, principal), "
            "what they do not take on the debtor's other claims by 6:43 lid 2. Costs a claim "
            "paid inside its term never owed disappear. The invoices and the payment row "
            "follow; a settlement made already is corrected by the next one (`reallocated`), "
            "never rewritten. Only invoices of the payment's own debtor of this client. The "
            "same request again changes nothing. A payment its payer designated himself "
            "(his remittance, a reference, the portal) moves only with `payer_word`. Send the `ETag` of a reply as If-Match to "
            "refuse a correction over a change made since. On the audit log "
            "(payment_redesignated: who, when, from, to). Agency staff and the client's "
            "administrators (reverse_receipts).",
        )
    )
