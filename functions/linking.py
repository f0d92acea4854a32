"""Where a client's administrator lands after linking an account: Microsoft's admin consent
(Office 365) and Mollie Connect's authorisation redirect back here with the ``state`` Inning
issued; the services check it and record the link. The answer is a short page for a person."""

from __future__ import annotations

import html

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


def _page(status: int, title: str, text: str) -> func.HttpResponse:
    doc = (f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
           f"<body style='font-family:system-ui;max-width:32rem;margin:2rem auto'><h1>{html.escape(title)}</h1>"
           f"<p>{html.escape(text)}</p></body></html>")  # fmt: skip
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
        return _page(400, "Mailbox not linked", str(exc))
    if isinstance(done, SignInRedirect):  # consent given: the administrator signs in next
        return func.HttpResponse(status_code=302, headers={
            "Location": done.url, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})  # fmt: skip
    return _page(
        200, "Mailbox linked", "Inning now sends this client's e-mail from its own mailbox."
    )


@bp.function_name("link_mollie_callback")
@bp.route(route="link/mollie/callback", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def link_mollie_callback(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    from shared import bootstrap
    from shared.adapters.mollie import MollieError
    from shared.services.errors import ServiceError

    try:
        bootstrap.services().mollie_accounts.callback(dict(req.params))
    except (ServiceError, MollieError) as exc:
        return _page(400, "Mollie account not linked", str(exc))
    return _page(
        200, "Mollie account linked", "Debtors of this client now pay into its own Mollie account."
    )


@bp.function_name("prune_mollie_credentials")
@bp.timer_trigger(arg_name="timer", schedule="%BACKUP_SCHEDULE%", run_on_startup=False)
def prune_mollie_credentials(timer: func.TimerRequest, context: func.Context) -> None:
    """Nightly (with the backup's schedule): the kept credential of a Mollie account a
    client replaced or unlinked goes once no payment made with it can change any more
    (shared/services/linking/mollie_retention.py). Only names are logged."""
    from shared import bootstrap

    bootstrap.services().mollie_retention.sweep()
