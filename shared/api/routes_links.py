"""/v1/clients/{client}/links: a client's own Office 365 mailbox and Mollie account.

Starting a link answers the URL to send the client's administrator to; the provider then
calls back ``/api/link/<provider>/callback`` (functions/linking.py). An agency key reaches its
clients, a client key only itself; a Mollie API key is written to Key Vault and never read
back through the API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.api.common import principal, validate_body
from shared.api.http import ApiResponse
from shared.api.router import Context, Route, Router
from shared.services.container import Services


class MollieStart(BaseModel):
    model_config = ConfigDict(extra="forbid")
    testmode: bool = False


class MollieKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    api_key: str


def register(router: Router, services: Services) -> None:
    def client_of(ctx: Context) -> Any:
        return services.access.client_for(principal(ctx), ctx.params["client"])

    def show(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        graph = services.linked_accounts.graph(client.client_id)
        mollie = services.linked_accounts.mollie(client.client_id)
        return ApiResponse(body={
            "office365": None if graph is None else {
                "tenant_id": graph.tenant_id, "mailbox": graph.mailbox, "linked_at": graph.linked_at},
            "mollie": None if mollie is None else {
                "mode": mollie.mode, "profile_id": mollie.profile_id, "testmode": mollie.testmode,
                "linked_at": mollie.linked_at},
        })  # fmt: skip

    def office365(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        return ApiResponse(body={"consent_url": services.office365.consent_url(client.client_id)})

    def mollie_connect(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        start = validate_body(ctx.request, MollieStart) if ctx.request.body else MollieStart()
        url = services.mollie_accounts.authorize_url(client.client_id, testmode=start.testmode)
        return ApiResponse(body={"authorize_url": url})

    def mollie_key(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        body = validate_body(ctx.request, MollieKey)
        link = services.mollie_accounts.set_api_key(client.client_id, body.api_key)
        return ApiResponse(
            body={"mode": link.mode, "testmode": link.testmode, "linked_at": link.linked_at}
        )

    def mollie_unlink(ctx: Context) -> ApiResponse:
        client = client_of(ctx)
        services.mollie_accounts.unlink(client.client_id)
        return ApiResponse(status=204)

    def office365_unlink(ctx: Context) -> ApiResponse:
        from shared.services.people.admin import actor_of

        client = client_of(ctx)
        services.office365.unlink(client.client_id, actor_of(principal(ctx)))
        return ApiResponse(status=204)

    base = "/v1/clients/{client}/links"
    router.add(Route("GET", base, show, "The client's linked mailbox and Mollie account", "links"))
    router.add(Route("POST", f"{base}/office365", office365,
                     "Admin consent URL for the client's Office 365 tenant", "links",
                     errors={422: "no Office 365 app registration is configured"}))  # fmt: skip
    router.add(Route("POST", f"{base}/mollie", mollie_connect,
                     "Mollie Connect authorisation URL for the client's own account", "links", body=MollieStart,
                     errors={422: "Mollie Connect is not configured"}))  # fmt: skip
    router.add(Route("PUT", f"{base}/mollie/api-key", mollie_key,
                     "Keep the client's own Mollie API key (in Key Vault)", "links", body=MollieKey,
                     errors={422: "not a Mollie key, or Mollie refuses it"}))  # fmt: skip
    router.add(
        Route(
            "DELETE",
            f"{base}/mollie",
            mollie_unlink,
            "Unlink the client's Mollie account",
            "links",
            status=204,
        )
    )
    # admins of the client or of its agency (MANAGE_BANK_ACCOUNTS, as linking): the agency
    # may start a link for its client, so it may end one (a wrong link, a mailbox dispute)
    router.add(
        Route(
            "DELETE",
            f"{base}/office365",
            office365_unlink,
            "Unlink the client's Office 365 mailbox (its mail goes out as before the link)",
            "links",
            status=204,
            errors={404: "no such client"},
        )
    )
