"""WhatsApp through Meta's WhatsApp Business Cloud API
(``POST /{version}/{phone-number-id}/messages``, a system-user token).

Outside the 24-hour customer-service window only approved templates may be sent, so Inning
sends the client's approved template with the payment link as a parameter, and free text only
when the debtor wrote within the last 24 hours. Only debtors with recorded consent get
WhatsApp at all (checked by whoever enqueues; refused here too)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from shared.adapters.channels.http_errors import TRANSIENT_STATUS, call, retry_after
from shared.domain.messaging import (
    MessageContent,
    OutboundMessage,
    PermanentSendError,
    SendResult,
    TransientSendError,
)

SERVICE_WINDOW = timedelta(hours=24)
TRANSIENT_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056}


class WhatsAppCloudChannel:
    name = "whatsapp"
    can_look_up = False

    def __init__(
        self,
        *,
        token: str,
        phone_number_id: str,
        base_url: str = "https://graph.facebook.com/v21.0",
        http: httpx.Client | None = None,
    ) -> None:
        self.url = f"{base_url.rstrip('/')}/{phone_number_id}/messages"
        self.token = token
        self.http = http or httpx.Client(timeout=20)

    def _payload(self, message: OutboundMessage, content: MessageContent) -> dict[str, Any]:
        to = message.to.lstrip("+")
        last_inbound = message.extra.get("last_inbound_at")
        in_window = (
            last_inbound is not None
            and datetime.fromisoformat(last_inbound) > message.created_at - SERVICE_WINDOW
        )
        if in_window and content.text:
            return {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "text",
                "text": {"preview_url": True, "body": content.text[:4096]},
            }
        if not content.template:
            raise PermanentSendError(
                "outside the 24-hour window WhatsApp needs an approved template"
            )
        return {
            "messaging_product": "whatsapp",
            "to": to,
            "type": "template",
            "template": {
                "name": content.template,
                "language": {"code": content.language, "policy": "deterministic"},
                "components": [
                    {
                        "type": "body",
                        "parameters": [
                            {"type": "text", "text": p} for p in content.template_params
                        ],
                    }
                ],
            },
        }

    def send(self, message: OutboundMessage, content: MessageContent) -> SendResult:
        if message.extra.get("whatsapp_consent") != "yes":
            raise PermanentSendError("no recorded WhatsApp consent for this debtor")
        payload = self._payload(message, content)
        response = call(
            "WhatsApp",
            lambda: self.http.post(
                self.url, json=payload, headers={"Authorization": f"Bearer {self.token}"}
            ),
        )
        data: dict[str, Any] = {}
        try:
            data = response.json()
        except ValueError:
            pass
        if response.is_success:
            return SendResult(self.name, str(data["messages"][0]["id"]))
        error = data.get("error", {})
        code = int(error.get("code", 0) or 0)
        text = f"{error.get('message', response.text[:200])} (code {code})"
        if response.status_code in TRANSIENT_STATUS or code in TRANSIENT_CODES:
            raise TransientSendError(f"WhatsApp: {text}", retry_after(response))
        raise PermanentSendError(f"WhatsApp refused: {text}")

    def look_up(self, message: OutboundMessage) -> SendResult | None:
        return None
