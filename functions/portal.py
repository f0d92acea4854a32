"""HTTP triggers for the debtor portal: ``/api/p/{token}`` (the link in messages) and
``/api/portal/...`` (the pages behind it). Debtors do not log in, so the Functions key check
is off; the signed link is the credential (see :mod:`shared.api.portal_app`)."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


def _serve(req: func.HttpRequest, path: str) -> func.HttpResponse:
    from shared import bootstrap
    from shared.api.http import ApiRequest
    from shared.api.portal_app import PortalApp

    response = PortalApp(bootstrap.services()).handle(
        ApiRequest(
            method=req.method,
            path=path,
            headers={k.lower(): v for k, v in req.headers.items()},
            query=dict(req.params),
            body=req.get_body() or b"",
        )
    )
    return func.HttpResponse(
        body=response.encoded(),
        status_code=response.status,
        headers=response.headers,
        mimetype=response.content_type,
        charset="utf-8",
    )


@bp.function_name("portal_link")
# a catch-all: the SMS reminder link is /p/{token}/reminder/{id}, four segments (attack32)
@bp.route(route="p/{token}/{*rest}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def portal_link(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    rest = req.route_params.get("rest")
    return _serve(req, f"/p/{req.route_params['token']}" + (f"/{rest}" if rest else ""))


@bp.function_name("portal_pages")
@bp.route(route="portal/{*rest}", methods=["GET", "POST"], auth_level=func.AuthLevel.ANONYMOUS)
def portal_pages(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    return _serve(req, "/portal/" + req.route_params.get("rest", ""))
