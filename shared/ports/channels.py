"""The port every delivery channel implements (Graph mail, SMS, WhatsApp, print, voice, and
the embedded outbox)."""

from __future__ import annotations

from typing import Protocol

from shared.domain.messaging import MessageContent, OutboundMessage, SendResult


class ChannelSender(Protocol):
    name: str
    can_look_up: bool  # True when the provider can say whether our reference was sent

    def send(self, message: OutboundMessage, content: MessageContent) -> SendResult:
        """Send, or raise TransientSendError / PermanentSendError."""
        ...

    def look_up(self, message: OutboundMessage) -> SendResult | None:
        """What the provider knows of ``message.reference`` (only when ``can_look_up``)."""
        ...
