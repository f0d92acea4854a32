"""Robocalls through Twilio's Programmable Voice (``POST /2010-04-01/Accounts/{sid}/Calls.json``
with TwiML ``<Say>``): a text-to-speech message in Dutch or English, the result reported back
on the status callback.

A debt may not be told to anyone but the debtor, and a voicemail box is heard by others: every
call asks for Twilio's answering-machine detection (``MachineDetection=Enable``, asynchronous,
its verdict ``AnsweredBy`` posted to our callback). The call opens with a neutral sentence and
a pause that outlast the detection (``MachineDetectionTimeout``); on a machine, a fax or an
undecided answer the callback ends the call (:meth:`TwilioVoiceChannel.end_call`) before the
message, and the message counts as not delivered (``shared.services.callbacks``)."""

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
# says nothing about a debt: all a voicemail box can record before the call is ended
OPENING = {
    "nl": "Goedendag, dit is een automatisch bericht. Een ogenblik alstublieft.",
    "en": "Hello, this is an automated message. One moment please.",
}
# Twilio gives its verdict within this many seconds of the answer ("unknown" when it cannot
# tell; documented range 3-59, default 30); the opening (about 4 s spoken) and the pause
# after it keep the message back until the verdict has come and the call could be ended
DETECTION_SECONDS = 5
HOLD_SECONDS = 5
# Twilio refuses a ``Twiml`` parameter of more characters (error 32018,
# twilio.com/docs/api/errors/32018)
TWIML_LIMIT = 4000


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
        if not self.status_callback:
            # without a callback nobody hears a machine's verdict, and the debt would be
            # spoken into whatever voicemail box takes the call
            raise PermanentSendError(
                "robocalls need the status callback (INNING_CALLBACK_TOKEN and the public URL) "
                "for answering-machine detection"
            )
        language = VOICES.get(content.language, "nl-NL")
        opening = OPENING.get(content.language, OPENING["nl"])
        say = f'<Say language="{language}">{escape(content.text)}</Say>'
        start = (
            f'<Response><Say language="{language}">{escape(opening)}</Say>'
            f'<Pause length="{HOLD_SECONDS}"/>{say}'
        )
        # the message said twice, or once where twice passes Twilio's limit
        twiml = f'{start}<Pause length="1"/>{say}</Response>'
        if len(twiml) > TWIML_LIMIT:
            twiml = f"{start}</Response>"
        if len(twiml) > TWIML_LIMIT:
            raise PermanentSendError(
                f"the robocall text is too long for Twilio ({len(twiml)} characters of TwiML, "
                f"at most {TWIML_LIMIT})"
            )
        # our reference on the callback URL (Twilio signs the URL with it): a call whose
        # create answer was lost, known by that reference only, still gets its result
        joiner = "&" if "?" in self.status_callback else "?"
        callback = (
            f"{self.status_callback}{joiner}{urlencode({CALLBACK_REFERENCE: message.reference})}"
        )
        form = {
            "To": message.to,
            "From": self.caller_id,
            "Twiml": twiml,
            "StatusCallback": callback,
            "StatusCallbackEvent": "completed",
            "MachineDetection": "Enable",
            "MachineDetectionTimeout": str(DETECTION_SECONDS),
            "AsyncAmd": "true",
            "AsyncAmdStatusCallback": callback,
        }
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

    def end_call(self, call_sid: str) -> bool:
        """Hang up a call in progress (``Status=completed`` on the call): a machine answered.
        False when Twilio would not (the call had ended already); a network failure raises
        ``TransientSendError``."""
        url = f"{self.url.removesuffix('.json')}/{call_sid}.json"
        response = call(
            "Twilio", lambda: self.http.post(url, data={"Status": "completed"}, auth=self.auth)
        )
        return response.is_success

    def look_up(self, message: OutboundMessage) -> SendResult | None:
        return None
