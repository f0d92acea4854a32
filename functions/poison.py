"""Poison drains for the queues that had none (Mollie webhooks, the blob trigger's), and a
sweep that reads every poison queue raw, so that even a message no trigger can decode ends on
an action list. See ``shared.services.poison``."""

from __future__ import annotations

import azure.functions as func

bp = func.Blueprint()  # type: ignore[no-untyped-call]


@bp.function_name("drain_mollie_webhook_poison")
@bp.queue_trigger(
    arg_name="msg", queue_name="mollie-webhook-poison", connection="AzureWebJobsStorage"
)
def drain_mollie_webhook_poison(msg: func.QueueMessage, context: func.Context) -> None:
    from shared import bootstrap

    bootstrap.services().poison.drain_delivered(
        "mollie-webhook-poison", msg.get_body(), message_id=msg.id, inserted_at=msg.insertion_time
    )


@bp.function_name("drain_blob_trigger_poison")
@bp.queue_trigger(
    arg_name="msg", queue_name="webjobs-blobtrigger-poison", connection="AzureWebJobsStorage"
)
def drain_blob_trigger_poison(msg: func.QueueMessage, context: func.Context) -> None:
    from shared import bootstrap

    bootstrap.services().poison.drain_delivered(
        "webjobs-blobtrigger-poison",
        msg.get_body(),
        message_id=msg.id,
        inserted_at=msg.insertion_time,
    )


@bp.function_name("sweep_poison_queues")
@bp.timer_trigger(arg_name="timer", schedule="%POISON_SWEEP_SCHEDULE%", run_on_startup=False)
def sweep_poison_queues(timer: func.TimerRequest, context: func.Context) -> None:
    from shared import bootstrap

    services = bootstrap.services()
    services.poison.sweep(bootstrap.poison_reader(services.settings))
