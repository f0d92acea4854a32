"""Every morning, on the dunning schedule: are the statutory interest rates in force current?
When the newest is older than seven months every agency gets an action item (once per stale
table) and the log a warning. First, a table a deploy put in force (a newer shipped row) is
settled: its claims' restatement queued as an upload's. And a rate table's upload restates the
claims per client, one message per client on ``rate-restatement``
(shared.services.rate_restatement)."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("check_statutory_rates")
@bp.timer_trigger(arg_name="timer", schedule="%DUNNING_SCHEDULE%", run_on_startup=False)
def check_statutory_rates(timer: func.TimerRequest, context: func.Context) -> None:
    from shared import bootstrap

    rates = bootstrap.services().statutory_rates
    rates.settle()
    rates.check()


@bp.function_name("restate_client_rates")
@bp.queue_trigger(arg_name="msg", queue_name="rate-restatement", connection="AzureWebJobsStorage")
def restate_client_rates(msg: func.QueueMessage, context: func.Context) -> None:
    from shared import bootstrap
    from shared.services.queue_jobs import restate_client_rates as work

    work(bootstrap.services(), msg.get_body())  # records the cause, for its poison item
