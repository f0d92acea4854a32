"""HTTP trigger for the integration API under ``/api/v1``. Authentication is Inning's own
(per-client and per-agency API keys), so the Functions key check is off for this route."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import azure.functions as func

if TYPE_CHECKING:
    from shared.api.app import IntegrationApi
    from shared.api.http import ApiRequest

bp = func.Blueprint()  # type: ignore[no-untyped-call]

_lock = threading.Lock()
_api: IntegrationApi | None = None

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def api() -> IntegrationApi:
    from shared import bootstrap
    from shared.api.app import IntegrationApi

    global _api
    with _lock:
        if _api is None or _api.services is not bootstrap.services():
            _api = IntegrationApi(bootstrap.services())
        return _api


def to_api_request(req: func.HttpRequest) -> ApiRequest:
    from shared.api.http import ApiRequest

    path = "/v1/" + req.route_params.get("path", "")
    return ApiRequest(
        method=req.method,
        path=path,
        headers={k.lower(): v for k, v in req.headers.items()},
        query=dict(req.params),
        body=req.get_body() or b"",
    )


@bp.function_name("integration_api")
@bp.route(
    route="v1/{*path}",
    methods=["GET", "POST", "PUT", "DELETE", "PATCH"],
    auth_level=func.AuthLevel.ANONYMOUS,
)
def integration_api(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    from shared.api.router import internal_error

    try:
        response = api().handle(to_api_request(req))
    except Exception:  # before the router could answer (settings, wiring): the same envelope
        response = internal_error(req.method, req.url)
    return func.HttpResponse(
        body=response.encoded(),
        status_code=response.status,
        headers={**SECURITY_HEADERS, **response.headers},
        mimetype=response.content_type,
        charset="utf-8",
    )
