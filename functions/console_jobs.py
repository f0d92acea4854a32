"""Queue trigger: the console's long work (a large invoice upload, a report over a long
range). The message names the client and the job; the job service resumes from the job's
checkpoint, so a redelivered message finishes or does nothing (shared/services/console_jobs.py).
"""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("console_job")
@bp.queue_trigger(arg_name="msg", queue_name="console-jobs", connection="AzureWebJobsStorage")
def console_job(msg: func.QueueMessage, context: func.Context) -> None:
    from shared import bootstrap

    services = bootstrap.services()
    body = msg.get_body()
    with services.poison.watch("console-jobs", body):  # the cause, for the poison item
        services.console_jobs.run_message(body)
