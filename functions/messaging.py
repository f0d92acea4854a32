"""Queue triggers that deliver messages (one queue per channel) and drain their poison queues
into the action list. Each handler parses the job and calls the messaging service; the
service decides (outbox record, contact hours, limits)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import azure.functions as func

if TYPE_CHECKING:
    from shared.domain.messaging import Channel

from shared.telemetry import metrics

bp = func.Blueprint()  # type: ignore[no-untyped-call]


def _deliver(msg: func.QueueMessage, channel: Channel) -> None:
    from shared import bootstrap

    services = bootstrap.services()
    with services.poison.watch(channel.queue, msg.get_body()):  # the cause, for its poison item
        job = json.loads(msg.get_body())
        outcome = services.messaging.deliver(
            str(job["client_id"]), str(job["key"]), message_id=msg.id
        )
    metrics.delivery(outcome)


def _drain(channel: str, msg: func.QueueMessage) -> None:
    from shared import bootstrap
    from shared.domain.messaging import Channel

    queue = f"{Channel(channel).queue}-poison"
    bootstrap.services().poison.drain_delivered(
        queue, msg.get_body(), message_id=msg.id, inserted_at=msg.insertion_time
    )


@bp.function_name("send_email")
@bp.queue_trigger(arg_name="msg", queue_name="send-email", connection="AzureWebJobsStorage")
def send_email(msg: func.QueueMessage, context: func.Context) -> None:
    from shared.domain.messaging import Channel

    _deliver(msg, Channel.EMAIL)


@bp.function_name("send_sms")
@bp.queue_trigger(arg_name="msg", queue_name="send-sms", connection="AzureWebJobsStorage")
def send_sms(msg: func.QueueMessage, context: func.Context) -> None:
    from shared.domain.messaging import Channel

    _deliver(msg, Channel.SMS)


@bp.function_name("send_whatsapp")
@bp.queue_trigger(arg_name="msg", queue_name="send-whatsapp", connection="AzureWebJobsStorage")
def send_whatsapp(msg: func.QueueMessage, context: func.Context) -> None:
    from shared.domain.messaging import Channel

    _deliver(msg, Channel.WHATSAPP)


@bp.function_name("send_letter")
@bp.queue_trigger(arg_name="msg", queue_name="send-letter", connection="AzureWebJobsStorage")
def send_letter(msg: func.QueueMessage, context: func.Context) -> None:
    from shared.domain.messaging import Channel

    _deliver(msg, Channel.LETTER)


@bp.function_name("send_robocall")
@bp.queue_trigger(arg_name="msg", queue_name="send-robocall", connection="AzureWebJobsStorage")
def send_robocall(msg: func.QueueMessage, context: func.Context) -> None:
    from shared.domain.messaging import Channel

    _deliver(msg, Channel.ROBOCALL)


@bp.function_name("drain_email_poison")
@bp.queue_trigger(arg_name="msg", queue_name="send-email-poison", connection="AzureWebJobsStorage")
def drain_email_poison(msg: func.QueueMessage, context: func.Context) -> None:
    _drain("email", msg)


@bp.function_name("drain_sms_poison")
@bp.queue_trigger(arg_name="msg", queue_name="send-sms-poison", connection="AzureWebJobsStorage")
def drain_sms_poison(msg: func.QueueMessage, context: func.Context) -> None:
    _drain("sms", msg)


@bp.function_name("drain_whatsapp_poison")
@bp.queue_trigger(
    arg_name="msg", queue_name="send-whatsapp-poison", connection="AzureWebJobsStorage"
)
def drain_whatsapp_poison(msg: func.QueueMessage, context: func.Context) -> None:
    _drain("whatsapp", msg)


@bp.function_name("drain_letter_poison")
@bp.queue_trigger(arg_name="msg", queue_name="send-letter-poison", connection="AzureWebJobsStorage")
def drain_letter_poison(msg: func.QueueMessage, context: func.Context) -> None:
    _drain("letter", msg)


@bp.function_name("drain_robocall_poison")
@bp.queue_trigger(
    arg_name="msg", queue_name="send-robocall-poison", connection="AzureWebJobsStorage"
)
def drain_robocall_poison(msg: func.QueueMessage, context: func.Context) -> None:
    _drain("robocall", msg)


@bp.function_name("sweep_outbox")
@bp.timer_trigger(arg_name="timer", schedule="%OUTBOX_SWEEP_SCHEDULE%", run_on_startup=False)
def sweep_outbox(timer: func.TimerRequest, context: func.Context) -> None:
    """Messages still waiting whose job never reached the queue, queued again (sweep19)."""
    from shared import bootstrap

    metrics.outbox_swept(bootstrap.services().outbox_sweep.run())


@bp.function_name("scan_mail_bounces")
@bp.timer_trigger(arg_name="timer", schedule="%BOUNCE_SCAN_SCHEDULE%", run_on_startup=False)
def scan_mail_bounces(timer: func.TimerRequest, context: func.Context) -> None:
    from shared import bootstrap

    bootstrap.services().messaging.scan_bounces()
