"""The sender for a channel without provider credentials outside local development.

Locally such a channel delivers to the embedded outbox, so a developer sees what would have
gone out. In production the same fallback would be a black hole: a reminder "sent" that no
debtor ever receives while the dunning clock runs on. So there every message on such a
channel fails permanently: the messaging service marks it failed, logs it on the contact log
and puts it on the action list, and the metric ``inning.messages.unconfigured_channel`` raises
the ``channel-unconfigured`` alert (infra/app/alerts.bicep)."""

from __future__ import annotations

import logging

from shared.domain.messaging import (
    Channel,
    MessageContent,
    OutboundMessage,
    PermanentSendError,
    SendResult,
)
from shared.telemetry import metrics
from shared.telemetry.context import log_extra

# which settings switch a channel on (shared/adapters/channels/factory.py)
REQUIRED: dict[Channel, str] = {
    Channel.EMAIL: "GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET (and a linked mailbox or GRAPH_TENANT_ID)",
    Channel.SMS: "CM_PRODUCT_TOKEN",
    Channel.WHATSAPP: "WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID",
    Channel.LETTER: "PINGEN_CLIENT_ID, PINGEN_CLIENT_SECRET and PINGEN_ORGANISATION_ID",
    Channel.ROBOCALL: "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_CALLER_ID",
}

log = logging.getLogger("inning.messaging")


class UnconfiguredChannel:
    can_look_up = False

    def __init__(self, channel: Channel, environment: str) -> None:
        self.channel = channel
        self.environment = environment
        self.name = f"unconfigured-{channel.value}"

    def send(self, message: OutboundMessage, content: MessageContent) -> SendResult:
        metrics.count("inning.messages.unconfigured_channel", channel=self.channel.value)
        log.error(
            "no %s provider configured in %s: message %s failed",
            self.channel.value,
            self.environment,
            message.key,
            extra=log_extra({"client_id": message.client_id, "message_id": message.key}),
        )
        raise PermanentSendError(
            f"no {self.channel.value} provider is configured ({self.environment}): set "
            f"{REQUIRED.get(self.channel, 'its credentials')}; the message was not sent"
        )

    def look_up(self, message: OutboundMessage) -> SendResult | None:
        return None


def refuse_missing(
    senders: dict[Channel, object], environment: str
) -> dict[Channel, UnconfiguredChannel]:
    """Senders for every channel that has none, outside local development."""
    if environment == "local":
        return {}
    return {c: UnconfiguredChannel(c, environment) for c in Channel if c not in senders}
