"""The settlement run (afdracht): a UTC timer fans out one queue message per agency; a queue
trigger runs one agency. The schedule is an app setting (``SETTLEMENT_SCHEDULE``); the run
works out the Amsterdam date itself, and never runs on start-up or deploy."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("settlement_run")
@bp.timer_trigger(arg_name="timer", schedule="%SETTLEMENT_SCHEDULE%", run_on_startup=False)
def settlement_run(timer: func.TimerRequest, context: func.Context) -> None:
    from shared import bootstrap

    bootstrap.services().settlement_runs.fan_out()


@bp.function_name("run_settlement_agency")
@bp.queue_trigger(arg_name="msg", queue_name="settlement-run", connection="AzureWebJobsStorage")
def run_settlement_agency(msg: func.QueueMessage, context: func.Context) -> None:
    from shared import bootstrap
    from shared.services.queue_jobs import run_settlement_agency as work

    work(bootstrap.services(), msg.get_body())  # records the cause, for its poison item
