"""Robocalls through Twilio's Programmable Voice (``POST /2010-04-01/Accounts/{sid}/Calls.json``
with TwiML ``<Say>``): a text-to-speech message in Dutch or English, the result reported back
on the status callback."""

from __future__ import annotations

from urllib.parse import urlencode
from xml.sax.saxutils import escape

import httpx

from shared.adapters.channels.http_errors import (
    TRANSIENT_STATUS,
    UNCERTAIN_STATUS,
    call,
    retry_after,
)
from shared.domain.messaging import (
    CALLBACK_REFERENCE,
    MessageContent,
    OutboundMessage,
    PermanentSendError,
    SendResult,
    TransientSendError,
    UncertainSendError,
)

VOICES = {"nl": "nl-NL", "en": "en-GB"}


class TwilioVoiceChannel:
    name = "twilio"
    can_look_up = False

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        caller_id: str,
        status_callback: str | None = None,
        base_url: str = "https://api.twilio.com",
        http: httpx.Client | None = None,
    ) -> None:
        self.url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Calls.json"
        self.auth = (account_sid, auth_token)
        self.caller_id = caller_id
        self.status_callback = status_callback
        self.http = http or httpx.Client(timeout=20)

    def send(self, message: OutboundMessage, content: MessageContent) -> SendResult:
        language = VOICES.get(content.language, "nl-NL")
        twiml = f'<Response><Say language="{language}">{escape(content.text)}</Say><Pause length="1"/><Say language="{language}">{escape(content.text)}</Say></Response>'
        form = {"To": message.to, "From": self.caller_id, "Twiml": twiml}
        if self.status_callback:
            # our reference on the callback URL (Twilio signs the URL with it): a call whose
            # create answer was lost, known by that reference only, still gets its result
            joiner = "&" if "?" in self.status_callback else "?"
            callback = f"{self.status_callback}{joiner}{urlencode({CALLBACK_REFERENCE: message.reference})}"
            form.update(StatusCallback=callback, StatusCallbackEvent="completed")
        response = call(
            "Twilio", lambda: self.http.post(self.url, data=form, auth=self.auth), final=True
        )
        data = (
            response.json()
            if response.headers.get("content-type", "").startswith("application/json")
            else {}
        )
        if response.is_success:
            return SendResult(self.name, str(data["sid"]))
        text = f"{data.get('message', response.text[:200])} (code {data.get('code')})"
        if response.status_code in UNCERTAIN_STATUS and data.get("code") is None:
            # a gateway's failure, not Twilio's own error (that names a code): it may dial
            raise UncertainSendError(f"Twilio answered {response.status_code}: {text}")
        if response.status_code in TRANSIENT_STATUS:
            raise TransientSendError(f"Twilio: {text}", retry_after(response))
        raise PermanentSendError(f"Twilio refused: {text}")

    def look_up(self, message: OutboundMessage) -> SendResult | None:
        return None
