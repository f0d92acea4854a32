"""SMS through CM.com's Business Messaging gateway (``POST /v1.0/message``, product token).

Our own reference travels with each message, so delivery reports find the record by it.
CM's documented error codes decide: authentication, balance, malformed requests and invalid
numbers are permanent; an internal or unknown error is transient.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from shared.adapters.channels.http_errors import (
    TRANSIENT_STATUS,
    UNCERTAIN_STATUS,
    call,
    retry_after,
)
from shared.domain.messaging import (
    MessageContent,
    OutboundMessage,
    PermanentSendError,
    SendResult,
    TransientSendError,
    UncertainSendError,
)
from shared.domain.sms import sms_parts

TRANSIENT_CODES = {500, 999}
# CM's ``from``: a name of at most 11 letters and digits, or a number of at most 16 digits
ALPHANUMERIC_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")
NUMERIC_SENDER = re.compile(r"[0-9]{1,16}")


def sender_problem(sender: str) -> str | None:
    """Why CM would not show ``sender`` as the SMS's sender (None: it would). A sender was
    cut to 11 characters: a 12- to 16-digit number lost its last digits, a reply went to
    another number."""
    if NUMERIC_SENDER.fullmatch(sender) or ALPHANUMERIC_SENDER.fullmatch(sender):
        return None
    if sender.isdigit():
        return f"SMS sender {sender!r} has {len(sender)} digits; CM takes a number of at most 16"
    return (
        f"SMS sender {sender!r} is neither a name of at most 11 letters, digits and spaces nor "
        "a number of at most 16 digits (CM's 'from')"
    )


PERMANENT_MEANING = {
    101: "authentication failed (product token)",
    102: "balance insufficient",
    103: "product token incorrect",
    201: "not all messages were sent",
    202: "request malformed",
    203: "message array incorrect",
    301: "invalid sender",
    302: "invalid recipient",
    303: "invalid phone number",
    304: "invalid body",
    305: "invalid field",
    401: "marked as spam",
    402: "recipient blacklisted",
    403: "rejected",
}


class CmSmsChannel:
    name = "cm"
    can_look_up = False

    def __init__(
        self,
        *,
        product_token: str,
        sender: str,
        base_url: str = "https://gw.cmtelecom.com",
        http: httpx.Client | None = None,
    ) -> None:
        problem = sender_problem(sender)
        if problem:
            raise ValueError(f"CM_SENDER: {problem}")  # at start, not at the first SMS
        self.product_token = product_token
        self.sender = sender
        self.url = base_url.rstrip("/") + "/v1.0/message"
        self.http = http or httpx.Client(timeout=20)

    def send(self, message: OutboundMessage, content: MessageContent) -> SendResult:
        if not message.to.startswith("+"):
            raise PermanentSendError(f"not an E.164 number: {message.to}")
        parts = sms_parts(content.text)
        sender = self.sender
        # a message's own sender is its mailbox for mail (an address, set on every channel's
        # message): an SMS then goes from the configured name; any other must fit as it is
        if message.sender and "@" not in message.sender:
            if problem := sender_problem(message.sender):
                raise PermanentSendError(problem)
            sender = message.sender
        payload: dict[str, Any] = {
            "messages": {
                "authentication": {"producttoken": self.product_token},
                "msg": [
                    {
                        "allowedChannels": ["SMS"],
                        "from": sender,
                        "to": [{"number": "00" + message.to[1:]}],
                        "body": {"type": "auto", "content": content.text},
                        "reference": message.reference,
                        "minimumNumberOfMessageParts": 1,
                        "maximumNumberOfMessageParts": max(parts, 1),
                    }
                ],
            }
        }
        response = call("CM", lambda: self.http.post(self.url, json=payload), final=True)
        data: dict[str, Any] = {}
        try:
            data = response.json()
        except ValueError:
            pass
        code = int(data.get("errorCode", 0) or 0)
        detail = str(data.get("details", ""))
        per_message = (data.get("messages") or [{}])[0] if data.get("messages") else {}
        message_code = int(per_message.get("messageErrorCode", 0) or 0)
        if response.status_code in UNCERTAIN_STATUS and not code:
            # a gateway's failure, not CM's own answer (that names an errorCode): the SMS may
            # be on its way
            raise UncertainSendError(f"CM answered {response.status_code}: {response.text[:200]}")
        if response.status_code in TRANSIENT_STATUS or code in TRANSIENT_CODES:
            raise TransientSendError(
                f"CM answered {response.status_code}/{code}: {detail}", retry_after(response)
            )
        if (
            not response.is_success
            or code
            or message_code
            or per_message.get("status") == "Rejected"
        ):
            failing = message_code or code
            meaning = PERMANENT_MEANING.get(failing, "refused")
            raise PermanentSendError(
                f"CM {meaning} ({failing}): {per_message.get('messageDetails') or detail}"
            )
        return SendResult(
            self.name, message.reference, parts=int(per_message.get("parts", parts) or parts)
        )

    def look_up(self, message: OutboundMessage) -> SendResult | None:
        return None
