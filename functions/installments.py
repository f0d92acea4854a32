"""Payment plans: the daily installment timer fans out one queue message per plan that needs
attention; the queue trigger works that plan. Schedules come from app settings."""

from __future__ import annotations

import json
from datetime import date

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("installment_run")
@bp.timer_trigger(arg_name="timer", schedule="%INSTALLMENT_SCHEDULE%", run_on_startup=False)
def installment_run(timer: func.TimerRequest) -> None:
    from shared import bootstrap

    bootstrap.services().plans.fan_out()


@bp.function_name("process_installments")
@bp.queue_trigger(arg_name="msg", queue_name="installments", connection="AzureWebJobsStorage")
def process_installments(msg: func.QueueMessage) -> None:
    from shared import bootstrap

    job = json.loads(msg.get_body())
    bootstrap.services().plans.process(
        str(job["client_id"]),
        str(job["plan_id"]),
        date.fromisoformat(job["on"]),
        date.fromisoformat(job.get("row_on") or job["on"]),
    )
