"""Read access to what happened: a debtor's contact log, the action list, payments."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from shared.api.common import page_args, principal
from shared.api.http import ApiResponse, BadRequest
from shared.api.router import Context, Route, Router
from shared.domain.records import ActionStatus
from shared.services.container import Services


def _plain(obj: Any) -> dict[str, Any]:
    return {
        k: (v.value if hasattr(v, "value") else v)
        for k, v in asdict(obj).items()
        if k != "client_id"
    }


def register(router: Router, services: Services) -> None:
    def contact_log(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        size, token = page_args(ctx.request)
        include_system = ctx.request.query.get("system", "true") != "false"
        entries, next_token = services.repos.contacts.for_debtor(
            client.client_id, ctx.params["debtor"], include_system=include_system,
            page_size=size, continuation=token,
        )  # fmt: skip
        return ApiResponse(body={"items": [_plain(e) for e in entries], "continuation": next_token})

    def actions(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        size, token = page_args(ctx.request)
        status = None
        if raw := ctx.request.query.get("status"):
            try:
                status = ActionStatus(raw)
            except ValueError:
                raise BadRequest("status must be open, assigned or resolved") from None
        items, next_token = services.repos.actions.list(
            client.client_id, status=status, page_size=size, continuation=token
        )
        return ApiResponse(body={"items": [_plain(a) for a in items], "continuation": next_token})

    def payments(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])
        size, token = page_args(ctx.request)
        items, next_token = services.repos.payments.list(
            client.client_id, page_size=size, continuation=token
        )
        return ApiResponse(body={"items": [_plain(p) for p in items], "continuation": next_token})

    tag = "records"
    router.add(
        Route(
            "GET",
            "/v1/clients/{client}/debtors/{debtor}/contacts",
            contact_log,
            "A debtor's contact log, newest first (?system=false hides system entries)",
            tag,
        )
    )
    router.add(
        Route("GET", "/v1/clients/{client}/actions", actions, "The action list (?status=open)", tag)
    )
    router.add(Route("GET", "/v1/clients/{client}/payments", payments, "Payments received", tag))
