"""Mollie's webhook (HTTP, answered at once), its queued processing, the timer that asks Mollie
about payments whose webhook never got through, and the local payment simulation that drives
the same path when a client has no Mollie key."""

from __future__ import annotations

import html
import json

import azure.functions as func

from shared.telemetry import metrics

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("mollie_webhook")
@bp.route(route="mollie/webhook", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def mollie_webhook(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    from shared import bootstrap

    payment_id = (req.form.get("id") if req.form else None) or ""
    if not bootstrap.services().online_payments.webhook(str(payment_id)):
        import uuid

        from shared.api.http import BadRequest, error_response

        request_id = uuid.uuid4().hex  # the API's one error envelope, as on every route
        refused = error_response(BadRequest("not a Mollie payment id", field="id"), request_id)
        return func.HttpResponse(refused.encoded(), status_code=400, mimetype="application/json",
                                 headers={"X-Request-Id": request_id})  # fmt: skip
    return func.HttpResponse(status_code=200)  # Mollie only needs to know we have it


@bp.function_name("process_mollie_webhook")
@bp.queue_trigger(arg_name="msg", queue_name="mollie-webhook", connection="AzureWebJobsStorage")
def process_mollie_webhook(msg: func.QueueMessage, context: func.Context) -> None:
    from shared import bootstrap

    services = bootstrap.services()
    with services.poison.watch("mollie-webhook", msg.get_body()):  # the cause, if it poisons
        outcome = services.online_payments.process_queued(str(json.loads(msg.get_body())["id"]))
    metrics.webhook("mollie", outcome)


@bp.function_name("reconcile_mollie_payments")
@bp.timer_trigger(arg_name="timer", schedule="%PAYMENT_RECONCILE_SCHEDULE%", run_on_startup=False)
def reconcile_mollie_payments(timer: func.TimerRequest, context: func.Context) -> None:
    """Online payments whose webhook never got through, asked of Mollie (failure7 #4)."""
    from shared import bootstrap

    metrics.payments_reconciled(bootstrap.services().mollie_reconciliation.run())


@bp.function_name("payment_simulation")
@bp.route(
    route="pay/simulate/{payment_id}", methods=["GET", "POST"], auth_level=func.AuthLevel.ANONYMOUS
)
def payment_simulation(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    from shared import bootstrap
    from shared.domain.money import format_eur_nl
    from shared.services.errors import ServiceError
    from shared.services.online_payments import SIMULATED_STATUSES

    services = bootstrap.services()
    if services.settings.environment != "local":
        return func.HttpResponse(status_code=404)
    online = services.online_payments
    payment_id = req.route_params.get("payment_id", "")
    payment = online.simulation.get_payment(payment_id)
    if payment is None:
        return func.HttpResponse(status_code=404)
    if req.method == "POST":
        outcome = (req.form.get("outcome") if req.form else None) or ""
        try:
            target = online.settle_simulated(payment_id, str(outcome))
        except ServiceError as exc:
            return func.HttpResponse(str(exc), status_code=400)
        return func.HttpResponse(status_code=303, headers={"Location": target})
    buttons = "".join(
        f'<button name="outcome" value="{s}">{html.escape(s)}</button> '
        for s in (*SIMULATED_STATUSES, "refunded", "charged_back")
    )
    page = (
        "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content='width=device-width'>"
        "<title>Payment simulation</title><body style='font-family:system-ui;max-width:32rem;margin:2rem auto'>"
        "<p style='background:#b00;color:#fff;padding:.6rem;font-weight:bold'>SIMULATION: no money moves. "
        "This page stands in for Mollie because no Mollie key is configured.</p>"
        f"<h1>{html.escape(payment.description)}</h1><p>Amount: {html.escape(format_eur_nl(payment.amount))}</p>"
        f"<form method=post>{buttons}</form></body></html>"
    )
    return func.HttpResponse(
        page,
        mimetype="text/html",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )
