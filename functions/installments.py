"""Payment plans: the daily installment timer fans out one queue message per plan that needs
attention; the queue trigger works that plan. Schedules come from app settings.

Both stop while a restore's money hold stands (shared/services/operations/money_hold.py):
the direct-debit files and Mollie collections made since the restored night are unknown to
the restored tables, and an installment would be collected again. A plan's message dropped
under the hold is queued again by the first timer after the operator's confirm."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("installment_run")
@bp.timer_trigger(arg_name="timer", schedule="%INSTALLMENT_SCHEDULE%", run_on_startup=False)
def installment_run(timer: func.TimerRequest, context: func.Context) -> None:
    from shared import bootstrap
    from shared.services.operations.money_hold import MoneyHold

    services = bootstrap.services()
    if MoneyHold.of(services.repos, services.clock).stops("installment_run"):
        return
    services.plans.fan_out()


@bp.function_name("process_installments")
@bp.queue_trigger(arg_name="msg", queue_name="installments", connection="AzureWebJobsStorage")
def process_installments(msg: func.QueueMessage, context: func.Context) -> None:
    from shared import bootstrap
    from shared.services.operations.money_hold import MoneyHold
    from shared.services.queue_jobs import process_installments as work

    services = bootstrap.services()
    if MoneyHold.of(services.repos, services.clock).stops("process_installments"):
        return
    work(services, msg.get_body())  # records the cause, for its poison item
