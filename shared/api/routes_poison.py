"""Poison items: replay one from any action list; the platform list for the operator agency.

``POST …/actions/{id}/replay`` puts the original message back on the queue it came from (a
statement blob: announces the file again) and resolves the item. The platform list holds what
names no client or agency (undecodable messages, unknown ids); only agency keys of the agency
named by ``INNING_OPERATOR_AGENCY`` see it (everyone else: 404, as for anything out of reach).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from shared.api.common import agency_only, page_args, principal, require_agency
from shared.api.http import ApiResponse
from shared.api.people_auth import REPLAY_REFUSED, ForbiddenError
from shared.api.router import Context, Route, Router
from shared.domain.access import Scope
from shared.domain.scopes import agency_scope
from shared.services.container import Services
from shared.services.errors import NotFound
from shared.services.poison import PLATFORM_SCOPE


def _plain(obj: Any) -> dict[str, Any]:
    return {
        k: (v.value if hasattr(v, "value") else v)
        for k, v in asdict(obj).items()
        if k != "client_id"
    }


REPLAY = {
    409: "the item changed meanwhile",
    422: "resolved already, or its message cannot be replayed (the reason is given)",
}


def register(router: Router, services: Services) -> None:
    def operator(ctx: Context) -> str:
        p = require_agency(ctx)
        if (
            not services.settings.operator_agency
            or p.agency_id != services.settings.operator_agency
        ):
            raise NotFound("not found")
        return p.key_id

    def replay_client(ctx: Context) -> ApiResponse:
        client = services.access.client_for(principal(ctx), ctx.params["client"])  # else 404
        if principal(ctx).scope is Scope.CLIENT:  # the item is on its own list: say why
            raise ForbiddenError(REPLAY_REFUSED)
        item = services.poison.replay(client.client_id, ctx.params["action"], principal(ctx).key_id)
        return ApiResponse(body=_plain(item))

    def replay_agency(ctx: Context) -> ApiResponse:
        p = require_agency(ctx)
        item = services.poison.replay(agency_scope(p.agency_id), ctx.params["action"], p.key_id)
        return ApiResponse(body=_plain(item))

    def platform_actions(ctx: Context) -> ApiResponse:
        operator(ctx)
        size, token = page_args(ctx.request)
        items, next_token = services.repos.actions.list(
            PLATFORM_SCOPE, page_size=size, continuation=token
        )
        return ApiResponse(body={"items": [_plain(a) for a in items], "continuation": next_token})

    def replay_platform(ctx: Context) -> ApiResponse:
        key_id = operator(ctx)
        item = services.poison.replay(PLATFORM_SCOPE, ctx.params["action"], key_id)
        return ApiResponse(body=_plain(item))

    def resolve_platform(ctx: Context) -> ApiResponse:
        key_id = operator(ctx)
        item = services.actions.resolve(PLATFORM_SCOPE, ctx.params["action"], "resolved", key_id)
        return ApiResponse(body=_plain(item))

    tag = "records"
    router.add(Route("POST", "/v1/clients/{client}/actions/{action}/replay", replay_client,
                     "Replay a poison item: its message goes back on its queue", tag, errors=REPLAY))  # fmt: skip
    router.add(Route("POST", "/v1/actions/{action}/replay", replay_agency,
                     "Replay a poison item of the agency's own list", tag, only=agency_only, errors=REPLAY))  # fmt: skip
    router.add(Route("GET", "/v1/platform/actions", platform_actions,
                     "The platform action list: poison naming no client (operator agency)", tag, only=agency_only,
                     paged=True))  # fmt: skip
    router.add(Route("POST", "/v1/platform/actions/{action}/replay", replay_platform,
                     "Replay a platform poison item (operator agency)", tag, only=agency_only, errors=REPLAY))  # fmt: skip
    router.add(Route("POST", "/v1/platform/actions/{action}/resolve", resolve_platform,
                     "Resolve a platform item (operator agency)", tag, only=agency_only, errors=REPLAY))  # fmt: skip
