"""WhatsApp through Meta's WhatsApp Business Cloud API
(``POST /{version}/{phone-number-id}/messages``, a system-user token).

Outside the 24-hour customer-service window only approved templates may be sent, so Inning
sends the client's approved template, in the language it was approved in, with its body
parameters and the payment link as the URL button's parameter; free text only when the debtor
wrote within the last 24 hours (the time of the debtor's last message is put on the job when
it is delivered). Only debtors with recorded consent get WhatsApp at all (checked by whoever
enqueues; refused here too).

Meta's error codes decide what happens to a refusal (``error.code`` in the Graph error body):
a throughput or temporary error is retried with back-off; everything else fails the message
with a reason a person can act on (the contact log and the action list show it)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from shared.adapters.channels.http_errors import (
    TRANSIENT_STATUS,
    UNCERTAIN_STATUS,
    call,
    retry_after,
)
from shared.domain.conversations.whatsapp import in_service_window
from shared.domain.messaging import (
    MessageContent,
    OutboundMessage,
    PermanentSendError,
    SendResult,
    TransientSendError,
    UncertainSendError,
)

SERVICE_WINDOW = timedelta(hours=24)
# temporary: unknown/service errors, throughput and pair rate limits, spam rate limit
TRANSIENT_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056}
# what each documented refusal means for the person reading the action list
REASONS = {
    131047: "more than 24 hours since the debtor's last WhatsApp message: only an approved "
    "template may be sent (re-engagement message)",
    131026: "the number cannot receive WhatsApp messages (not on WhatsApp, old app or terms "
    "not accepted)",
    131008: "a required parameter is missing",
    131009: "a parameter value is not valid",
    131051: "message type not supported",
    132000: "the number of template parameters does not match the approved template",
    132001: "the template does not exist in this language (or is not approved)",
    132005: "the template text with its parameters is too long",
    132007: "the template breaks WhatsApp's format character policy",
    132012: "a parameter's format does not match the approved template",
    132015: "the template is paused by WhatsApp (low quality)",
    132016: "the template is disabled by WhatsApp",
    100: "invalid parameter in the request",
    190: "the access token has expired",
}


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
        last = message.extra.get("last_inbound_at")
        # the moment of sending (set by the delivering worker), not of enqueueing: a message
        # deferred past the window's end must not go out as free text
        at = message.extra.get("sending_at")
        in_window = in_service_window(
            datetime.fromisoformat(last) if last else None,
            datetime.fromisoformat(at) if at else message.created_at,
        )
        if in_window and content.text:
            return {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "text",
                "text": {"preview_url": True, "body": content.text[:4096]},
                "biz_opaque_callback_data": message.reference,
            }
        if not content.template:
            # checked before a send by hand too; here because the window may have closed
            # while the message waited for the contact hours
            raise PermanentSendError(f"WhatsApp not sent: {REASONS[131047]}")
        components: list[dict[str, Any]] = []
        if content.template_params:
            components.append(
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": p} for p in content.template_params],
                }
            )
        if content.template_button is not None:
            components.append(
                {
                    "type": "button",
                    "sub_type": "url",
                    "index": str(content.template_button_index),
                    "parameters": [{"type": "text", "text": content.template_button}],
                }
            )
        template: dict[str, Any] = {
            "name": content.template,
            "language": {"code": content.language, "policy": "deterministic"},
        }
        if components:
            template["components"] = components
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "template",
            "template": template,
            # returned in every status webhook: a message whose send answer was lost (known
            # by our reference only) still gets its reports (failure7 #3)
            "biz_opaque_callback_data": message.reference,
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
            final=True,
        )
        data: dict[str, Any] = {}
        try:
            data = response.json()
        except ValueError:
            pass
        if response.is_success:
            return SendResult(self.name, str(data["messages"][0]["id"]))
        error = data.get("error", {}) if isinstance(data, dict) else {}
        code = int(error.get("code", 0) or 0)
        details = (error.get("error_data") or {}).get("details") or error.get("message")
        what = REASONS.get(code) or str(details or response.text[:200])
        text = (
            f"{what} (code {code}" + (f": {details}" if details and details != what else "") + ")"
        )
        if code == 132001 and content.template:
            text = f"template {content.template} in {content.language}: {text}"
        if response.status_code in UNCERTAIN_STATUS and not code:
            # a gateway's failure, not Meta's own answer (that names an error code)
            raise UncertainSendError(f"WhatsApp answered {response.status_code}: {text}")
        if response.status_code in TRANSIENT_STATUS or code in TRANSIENT_CODES:
            raise TransientSendError(f"WhatsApp: {text}", retry_after(response))
        raise PermanentSendError(f"WhatsApp refused: {text}")

    def look_up(self, message: OutboundMessage) -> SendResult | None:
        return None
