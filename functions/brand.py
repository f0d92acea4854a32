"""HTTP trigger serving a client's house-style images to mail readers (``/api/brand/...``):
anonymous, immutable (the name carries the image's hash), never a script-capable type
(:mod:`shared.services.house_style`)."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("brand_images")
@bp.route(route="brand/{client}/{name}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def brand_images(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    from shared import bootstrap

    found = bootstrap.services().house_style_images.image(
        req.route_params.get("client", ""), req.route_params.get("name", "")
    )
    if found is None:
        return func.HttpResponse("not found", status_code=404, mimetype="text/plain")
    data, content_type = found
    return func.HttpResponse(
        body=data,
        status_code=200,
        mimetype=content_type,
        headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'",
        },
    )
