"""The client's sending mailbox (sender33; shared/services/sending_mailbox.py).

``GET /v1/clients/{c}/contact/verification``: whether the contact e-mail is the From of the
client's mail (``verified``), what it goes from meanwhile (``sends_from``: the agency's
mailbox), and whether a code is waiting. ``PUT /v1/clients/{c}/contact`` with another address
makes it unverified and mails a code to it from the agency's mailbox.
``POST /v1/clients/{c}/contact/verification`` ``{"code": "123456"}``: the code back (an admin:
the agency's key or the client's admin); ``POST …/contact/verification/code``: a new code (at
most 5 a day); ``POST …/contact/verification/agency`` ``{"contact_email"}``: the agency's word that the
address it checked is the client's (an agency key or person; audited as ``sender_verified``;
refused when a client's admin has set another meanwhile, small33).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from shared.api.common import admin_only, agency_only, principal, validate_body
from shared.api.http import ApiResponse
from shared.api.router import Context, Route, Router
from shared.api.schemas import Strict
from shared.services.container import Services
from shared.services.people.admin import actor_of


class SenderCodeIn(Strict):
    code: str = Field(min_length=1, max_length=20)


class SenderAgencyIn(Strict):
    """The address staff checked (small33): a client's admin may have set another meanwhile."""

    contact_email: str = Field(min_length=1, max_length=254)


class SenderStatusOut(Strict):
    contact_email: str | None
    verified: bool
    sends_from: str | None
    code_sent: bool
    code_expires_at: datetime | None
    attempts_left: int | None


def register(router: Router, services: Services) -> None:
    def status(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        return ApiResponse(body=services.sending_mailbox.status(client))

    def verify(ctx: Context) -> ApiResponse:
        p = principal(ctx)
        client = services.access.client_for(p, ctx.params["client"])
        body = validate_body(ctx.request, SenderCodeIn)
        updated = services.sending_mailbox.verify(client, body.code, actor_of(p))
        return ApiResponse(body=services.sending_mailbox.status(updated))

    def new_code(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        updated = services.sending_mailbox.send_code(client)
        return ApiResponse(status=202, body=services.sending_mailbox.status(updated))

    def by_agency(ctx: Context) -> ApiResponse:
        p = principal(ctx)
        client = services.access.client_for(p, ctx.params["client"])
        body = validate_body(ctx.request, SenderAgencyIn)
        updated = services.sending_mailbox.mark_verified(client, actor_of(p), body.contact_email)
        return ApiResponse(body=services.sending_mailbox.status(updated))

    tag = "parties"
    path = "/v1/clients/{client}/contact/verification"
    router.add(Route("GET", path, status,
                     "Whether the contact e-mail is verified as the client's sending mailbox, and "
                     "what its mail goes from until it is", tag, response=SenderStatusOut,
                     only=admin_only))  # fmt: skip
    router.add(Route("POST", path, verify,
                     "Verify the contact e-mail with the code mailed to it (an admin key or person)",
                     tag, body=SenderCodeIn, response=SenderStatusOut, only=admin_only,
                     example={"code": "123456"},
                     errors={422: "sender_code_wrong, sender_code_expired, sender_code_none (5 "
                                  "wrong tries void a code), sender_code_stale, "
                                  "sender_already_verified"}))  # fmt: skip
    router.add(Route("POST", f"{path}/code", new_code,
                     "Mail a new code to the contact e-mail from the agency's mailbox",
                     tag, response=SenderStatusOut, only=admin_only, status=202,
                     errors={422: "sender_codes_today (5 a day), sender_no_agency_mailbox, sender_sandbox, "
                                  "sender_already_verified"}))  # fmt: skip
    router.add(Route("POST", f"{path}/agency", by_agency,
                     "The agency marks the contact e-mail verified (agency key or person; "
                     "audited): the address it checked, refused unless it is the current one",
                     tag, body=SenderAgencyIn, response=SenderStatusOut, only=agency_only,
                     example={"contact_email": "debiteuren@delinde.example"},
                     errors={422: "sender_code_stale (contact_email is not the client's contact "
                                  "e-mail now)"}))  # fmt: skip
