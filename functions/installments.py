"""Payment plans: the daily installment timer fans out one queue message per plan that needs
attention; the queue trigger works that plan. Schedules come from app settings.

Both stop while a restore's money hold stands: the plan service reads it once per run
(shared/services/plans/run_hold.py)."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("installment_run")
@bp.timer_trigger(arg_name="timer", schedule="%INSTALLMENT_SCHEDULE%", run_on_startup=False)
def installment_run(timer: func.TimerRequest, context: func.Context) -> None:
    from shared import bootstrap

    bootstrap.services().plans.fan_out()


@bp.function_name("process_installments")
@bp.queue_trigger(arg_name="msg", queue_name="installments", connection="AzureWebJobsStorage")
def process_installments(msg: func.QueueMessage, context: func.Context) -> None:
    from shared import bootstrap
    from shared.services.queue_jobs import process_installments as work

    work(bootstrap.services(), msg.get_body())  # records the cause, for its poison item
