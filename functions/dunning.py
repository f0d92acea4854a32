"""The daily dunning run: a UTC timer fans out one queue message per client; a queue trigger
runs one client. The schedule is an app setting (``DUNNING_SCHEDULE``); the run works out the
Amsterdam business date itself, and never runs on start-up or deploy."""

from __future__ import annotations

import json
from datetime import date

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("daily_dunning")
@bp.timer_trigger(arg_name="timer", schedule="%DUNNING_SCHEDULE%", run_on_startup=False)
def daily_dunning(timer: func.TimerRequest) -> None:
    from shared import bootstrap

    bootstrap.services().dunning.fan_out()


@bp.function_name("run_dunning_client")
@bp.queue_trigger(arg_name="msg", queue_name="dunning-run", connection="AzureWebJobsStorage")
def run_dunning_client(msg: func.QueueMessage) -> None:
    from shared import bootstrap

    job = json.loads(msg.get_body())
    bootstrap.services().dunning.run_client(
        str(job["client_id"]),
        date.fromisoformat(str(job["date"])),
        int(job.get("shard", 0)),
        int(job.get("shards", 1)),
    )


@bp.function_name("drain_dunning_poison")
@bp.queue_trigger(arg_name="msg", queue_name="dunning-run-poison", connection="AzureWebJobsStorage")
def drain_dunning_poison(msg: func.QueueMessage) -> None:
    from shared import bootstrap

    bootstrap.services().dunning.drain_poison(msg.get_body())
