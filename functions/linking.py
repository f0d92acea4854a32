"""Where a client's administrator lands after linking an account: Microsoft's admin consent
(Office 365) and Mollie Connect's authorisation redirect back here with the ``state`` Inning
issued; the services check it and record the link. The answer is a short page for a person,
in the browser's language (shared/api/console/link_text.py)."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


def _page(
    req: func.HttpRequest, provider: str, refused: Exception | None = None
) -> func.HttpResponse:
    from shared.api.console.link_text import callback_page

    status, doc = callback_page(provider, req.headers.get("accept-language"), refused)
    return func.HttpResponse(doc, status_code=status, mimetype="text/html",
                             headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})  # fmt: skip


@bp.function_name("link_office365_callback")
@bp.route(route="link/office365/callback", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def link_office365_callback(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    from shared import bootstrap
    from shared.domain.messaging import PermanentSendError, TransientSendError
    from shared.services.errors import ServiceError
    from shared.services.linking.office365 import SignInRedirect

    try:
        done = bootstrap.services().office365.callback(dict(req.params))
    except (ServiceError, PermanentSendError, TransientSendError) as exc:
        return _page(req, "office365", exc)
    if isinstance(done, SignInRedirect):  # consent given: the administrator signs in next
        return func.HttpResponse(status_code=302, headers={
            "Location": done.url, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})  # fmt: skip
    return _page(req, "office365")


@bp.function_name("link_mollie_callback")
@bp.route(route="link/mollie/callback", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def link_mollie_callback(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    from shared import bootstrap
    from shared.adapters.mollie import MollieError
    from shared.services.errors import ServiceError

    try:
        bootstrap.services().mollie_accounts.callback(dict(req.params))
    except (ServiceError, MollieError) as exc:
        return _page(req, "mollie", exc)
    return _page(req, "mollie")


@bp.function_name("prune_mollie_credentials")
@bp.timer_trigger(arg_name="timer", schedule="%BACKUP_SCHEDULE%", run_on_startup=False)
def prune_mollie_credentials(timer: func.TimerRequest, context: func.Context) -> None:
    """Nightly (with the backup's schedule): the kept credential of a Mollie account a
    client replaced or unlinked goes once no payment made with it can change any more
    (shared/services/linking/mollie_retention.py). Only names are logged."""
    from shared import bootstrap

    bootstrap.services().mollie_retention.sweep()
