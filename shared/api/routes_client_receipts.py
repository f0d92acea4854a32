"""``POST /v1/clients/{client}/payments/{payment}/reverse``: a payment the client's sync
reported (``sync-…``, received by the client) taken off by a person, when the action list asks
whether it is the same money as a line of the client's own account, or the client says it never
came (shared/services/client_receipts.py ``reverse_by_hand``; docs/law.md "The client's sync of a
lower open amount"). The agency's staff and the client's admin (``reverse_receipts``): it
reopens the debtor's claims and moves what the settlement charged the client."""

from __future__ import annotations

from pydantic import Field

from shared.api.common import plain_record, principal, validate_body
from shared.api.http import ApiResponse
from shared.api.responses import PaymentOut
from shared.api.router import Context, Route, Router
from shared.api.schemas import Strict
from shared.services.container import Services
from shared.services.people.admin import actor_of


class ReverseReceiptIn(Strict):
    reason: str = Field(
        min_length=3,
        max_length=1000,
        description="Why it is not the client's receipt (on the contact log and the audit log)",
    )
    action: str | None = Field(
        default=None,
        max_length=200,
        description="The client_receipt item this answers (its action_id): resolved with it. "
        "The receipt's own item is resolved either way",
    )


def register(router: Router, services: Services) -> None:
    def reverse(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        body = validate_body(ctx.request, ReverseReceiptIn)
        caller = principal(ctx)
        reversed_ = services.imports.receipts.reverse_by_hand(
            client, ctx.params["payment"], body.reason, actor_of(caller), body.action,
            caller.key_id,
        )  # fmt: skip
        return ApiResponse(body=plain_record(reversed_))

    router.add(
        Route(
            "POST",
            "/v1/clients/{client}/payments/{payment}/reverse",
            reverse,
            "Reverse a payment the client's sync reported (a client_receipt item's, id sync-...) "
            "by hand",
            "records",
            body=ReverseReceiptIn,
            response=PaymentOut,
            errors={
                404: "No such payment, or no such action item",
                409: "The invoice kept changing; ask again",
                422: "Not a receipt the client's sync reported, or the item is not about it",
            },
            example={"reason": "the bank's line of 21-1 is this money", "action": "a-…"},
            description="For money that is not the client's receipt after all: the bank's "
            "statement of the client's own account booked the same money (the item asks), or "
            "the client's books never had it. The payment is reversed without telling the "
            "debtor: the claims it paid reopen (costs and interest restated as the ledger "
            "rules say), the next settlement takes back the agency's share charged for it, "
            "the receipt's own item and the item named are resolved, and the debtor's contact "
            "log and the audit log (receipt_reversed) say who did it and why. The same "
            "request again answers the reversed payment and changes nothing; a receipt "
            "reversed already (taken back, its place taken by the bank's line) is answered "
            "as it is. Agency staff and the client's administrators (reverse_receipts).",
        )
    )
