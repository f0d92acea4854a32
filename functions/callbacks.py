"""Provider delivery callbacks (HTTP). Each is verified as its provider offers (shared token,
HMAC signature); a forged or unknown callback changes nothing."""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlsplit

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]
log = logging.getLogger("inning.callbacks")


@bp.function_name("provider_callback")
@bp.route(
    route="callbacks/{provider}/{token?}",
    methods=["GET", "POST"],
    auth_level=func.AuthLevel.ANONYMOUS,
)
def provider_callback(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    from shared import bootstrap
    from shared.services.callbacks import CallbackRejected

    services = bootstrap.services()
    callbacks = services.callbacks
    provider = req.route_params.get("provider", "")
    token = req.route_params.get("token", "")
    body = req.get_body() or b""
    try:
        if provider == "whatsapp" and req.method == "GET":
            expected = services.settings.providers.get("WHATSAPP_VERIFY_TOKEN", "")
            given = req.params.get("hub.verify_token", "")
            if (
                req.params.get("hub.mode") == "subscribe"
                and expected
                and hmac.compare_digest(given, expected)
            ):
                return func.HttpResponse(req.params.get("hub.challenge", ""), status_code=200)
            return func.HttpResponse(status_code=403)
        if provider == "cm":
            fields = dict(req.params) | (dict(req.form) if req.form else {})
            callbacks.cm(token, fields)
        elif provider == "whatsapp":
            callbacks.whatsapp(body, req.headers.get("X-Hub-Signature-256", ""))
        elif provider == "twilio":
            # Twilio signs the URL as it called it, query included (our reference rides on it)
            query = urlsplit(req.url).query
            url = f"{services.settings.public_base_url}/api/callbacks/twilio/{token}"
            url += f"?{query}" if query else ""
            callbacks.twilio(url, dict(req.form), req.headers.get("X-Twilio-Signature", ""))
        elif provider == "pingen":
            callbacks.pingen(body, req.headers.get("Signature", ""))
        else:
            return func.HttpResponse(status_code=404)
    except CallbackRejected as exc:
        log.warning("rejected %s callback: %s", provider, exc)
        return func.HttpResponse(status_code=401)
    except (ValueError, KeyError) as exc:
        return func.HttpResponse(f"malformed callback: {exc}", status_code=400)
    return func.HttpResponse(status_code=200)
