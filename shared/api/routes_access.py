"""/v1/keys: issue, list, rotate and revoke API keys."""

from __future__ import annotations

from collections.abc import Callable

from shared.api import schemas
from shared.api.common import principal, validate_body
from shared.api.documents import list_of
from shared.api.http import ApiError, ApiResponse, Unauthorized
from shared.api.router import Context, Route, Router
from shared.domain.access import ApiKey, Principal, Scope
from shared.services.container import Services
from shared.services.errors import Forbidden, Invalid, NotFound
from shared.services.people.minted_while_ending import revoke_if_issuer_ended


def key_out(key: ApiKey, text: str | None = None) -> dict[str, object]:
    return schemas.KeyOut(
        key_id=key.key_id, scope=key.scope.value, client_id=key.client_id, label=key.label,
        created_at=key.created_at, expires_at=key.expires_at, revoked_at=key.revoked_at, key=text,
        admin=key.admin,
    ).model_dump(mode="json")  # fmt: skip


class KeyRefused(ApiError):
    """The calling key may not do this to keys (it is running out); it says so, as it is its own."""

    status, code = 403, "forbidden"


def _own_limit(action: Callable[[], ApiResponse]) -> ApiResponse:
    try:
        return action()
    except Forbidden as exc:
        raise KeyRefused(str(exc)) from exc


def register(router: Router, services: Services) -> None:
    def list_keys(ctx: Context) -> ApiResponse:
        return ApiResponse(
            body={"items": [key_out(k) for k in services.access.list_keys(principal(ctx))]}
        )

    def create_key(ctx: Context) -> ApiResponse:
        return _own_limit(lambda: _create_key(ctx))

    def _create_key(ctx: Context) -> ApiResponse:
        p = principal(ctx)
        body = validate_body(ctx.request, schemas.KeyIn)
        if p.scope is Scope.CLIENT and body.scope == "agency":
            raise NotFound("not found")
        if body.admin and body.scope == "agency":
            raise Invalid(
                "an agency key is an admin already; admin is for client keys", field="admin"
            )
        if body.admin and not p.is_admin:
            raise NotFound("not found")  # as for an agency key: not within this key's reach
        client_id = None
        if body.scope == "client":
            if body.client is None:
                raise Invalid("a client key needs the client number", field="client")
            client_id = services.access.client_for(p, body.client).client_id
        key, text = services.access.issue(
            scope=Scope(body.scope),
            agency_id=p.agency_id,
            client_id=client_id,
            label=body.label,
            admin=body.admin,
            issuer=p,
        )
        return _unless_issuer_ended(p, key, text)

    def _unless_issuer_ended(issuer: Principal, key: ApiKey, text: str) -> ApiResponse:
        """The new key, unless its person's access ended while it was made (sec28): then it
        is revoked and the caller gets the 401 its session or key gets from now on."""
        people = services.people.kit.people
        now = services.clock.now()
        if revoke_if_issuer_ended(people, services.repos, issuer, key, now):
            raise Unauthorized("this session or key was ended while the key was made")
        return ApiResponse(status=201, body=key_out(key, text))

    def rotate(ctx: Context) -> ApiResponse:
        def run() -> ApiResponse:
            key, text = services.access.rotate(principal(ctx), ctx.params["key_id"])
            return _unless_issuer_ended(principal(ctx), key, text)

        return _own_limit(run)

    def revoke(ctx: Context) -> ApiResponse:
        return ApiResponse(
            body=key_out(services.access.revoke(principal(ctx), ctx.params["key_id"]))
        )

    tag = "access"
    router.add(
        Route(
            "GET",
            "/v1/keys",
            list_keys,
            "API keys this key may manage",
            tag,
            response=list_of(schemas.KeyOut),
        )
    )
    router.add(
        Route(
            "POST",
            "/v1/keys",
            create_key,
            "Issue a key (shown once)",
            tag,
            body=schemas.KeyIn,
            response=schemas.KeyOut,
            status=201,
            example={"scope": "client", "client": "BAKKERIJ", "label": "boekhouding"},
        )
    )
    router.add(
        Route(
            "POST",
            "/v1/keys/{key_id}/rotate",
            rotate,
            "New key; the old one works 24 h more",
            tag,
            response=schemas.KeyOut,
            status=201,
        )
    )
    router.add(
        Route(
            "DELETE",
            "/v1/keys/{key_id}",
            revoke,
            "Revoke a key at once",
            tag,
            response=schemas.KeyOut,
        )
    )
