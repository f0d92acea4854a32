"""The daily dunning run: a UTC timer fans out one queue message per client; a queue trigger
runs one client. The schedule is an app setting (``DUNNING_SCHEDULE``); the run works out the
Amsterdam business date itself, and never runs on start-up or deploy."""

from __future__ import annotations

import json
from datetime import date

import azure.functions as func

from shared.telemetry import metrics

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("daily_dunning")
@bp.timer_trigger(arg_name="timer", schedule="%DUNNING_SCHEDULE%", run_on_startup=False)
def daily_dunning(timer: func.TimerRequest, context: func.Context) -> None:
    from shared import bootstrap

    bootstrap.services().dunning.fan_out()


@bp.function_name("run_dunning_client")
@bp.queue_trigger(arg_name="msg", queue_name="dunning-run", connection="AzureWebJobsStorage")
def run_dunning_client(msg: func.QueueMessage, context: func.Context) -> None:
    from shared import bootstrap

    services = bootstrap.services()
    with services.poison.watch("dunning-run", msg.get_body()):  # the cause, for its poison item
        job = json.loads(msg.get_body())
        run = services.dunning.run_client(
            str(job["client_id"]),
            date.fromisoformat(str(job["date"])),
            int(job.get("shard", 0)),
            int(job.get("shards", 1)),
            after=str(job["after"]) if job.get("after") else None,  # a follow-up job's
        )
    metrics.dunning_run(run)


@bp.function_name("drain_dunning_poison")
@bp.queue_trigger(arg_name="msg", queue_name="dunning-run-poison", connection="AzureWebJobsStorage")
def drain_dunning_poison(msg: func.QueueMessage, context: func.Context) -> None:
    from shared import bootstrap

    bootstrap.services().poison.drain_delivered(
        "dunning-run-poison", msg.get_body(), message_id=msg.id, inserted_at=msg.insertion_time
    )
