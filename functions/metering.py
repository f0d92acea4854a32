"""The usage meter's month: on the 1st a UTC timer (``USAGE_MONTH_SCHEDULE``) puts one message
per client on ``usage-month``; each opens the Amsterdam month for that client (carries the
open invoices in, and into the month that just ended). Never on start-up or deploy."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("usage_month_open")
@bp.timer_trigger(arg_name="timer", schedule="%USAGE_MONTH_SCHEDULE%", run_on_startup=False)
def usage_month_open(timer: func.TimerRequest, context: func.Context) -> None:
    from shared import bootstrap

    bootstrap.services().managed_invoices.fan_out()


@bp.function_name("open_usage_month")
@bp.queue_trigger(arg_name="msg", queue_name="usage-month", connection="AzureWebJobsStorage")
def open_usage_month(msg: func.QueueMessage, context: func.Context) -> None:
    from shared import bootstrap
    from shared.services.queue_jobs import open_usage_month as work

    work(bootstrap.services(), msg.get_body())  # records the cause, for its poison item
