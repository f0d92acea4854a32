"""The embedded default channel: nothing leaves the building. The message content is already
stored (``messages`` container) and the outbox record says "sent via outbox", so the local
outbox page shows exactly what would have gone out."""

from __future__ import annotations

from shared.domain.messaging import MessageContent, OutboundMessage, SendResult


class OutboxChannel:
    name = "outbox"
    can_look_up = True

    def send(self, message: OutboundMessage, content: MessageContent) -> SendResult:
        return SendResult("outbox", message.reference, parts=1)

    def look_up(self, message: OutboundMessage) -> SendResult | None:
        return SendResult("outbox", message.reference)
