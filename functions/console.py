"""HTTP trigger for the console's pages under ``/api/console/`` (sign-in and the account;
see :mod:`shared.api.console.app`). People sign in with Inning's own accounts, so the
Functions key check is off."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("console_pages")
@bp.route(route="console/{*rest}", methods=["GET", "POST"], auth_level=func.AuthLevel.ANONYMOUS)
def console_pages(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    from shared import bootstrap
    from shared.api.console.app import ConsoleApp
    from shared.api.http import ApiRequest

    response = ConsoleApp(bootstrap.services()).handle(
        ApiRequest(
            method=req.method,
            path="/" + req.route_params.get("rest", ""),
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
