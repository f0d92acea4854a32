"""Provider delivery callbacks: verified the way each provider offers, then mapped onto the
outbox record (idempotently, by the provider's message id)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from shared.domain.messaging import (
    CALLBACK_REFERENCE,
    Channel,
    OutboxStatus,
    TransientSendError,
)
from shared.services.messaging import MessagingService

CM_STATUS = {
    "0": None,
    "1": OutboxStatus.FAILED,
    "2": OutboxStatus.DELIVERED,
    "3": OutboxStatus.FAILED,
}
WHATSAPP_STATUS = {
    "delivered": OutboxStatus.DELIVERED,
    "read": OutboxStatus.READ,
    "failed": OutboxStatus.FAILED,
}
TWILIO_STATUS = {
    "completed": OutboxStatus.DELIVERED,
    "busy": OutboxStatus.FAILED,
    "no-answer": OutboxStatus.FAILED,
    "failed": OutboxStatus.FAILED,
    "canceled": OutboxStatus.FAILED,
}
# Twilio's answering-machine verdicts (``AnsweredBy``) other than "human": a voicemail box, a
# fax, or no verdict. The debt may reach the debtor only: not reached, whatever CallStatus says
NOT_A_PERSON = frozenset({
    "machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax",
    "unknown",
})  # fmt: skip


class CallbackRejected(Exception):
    """Not from the provider (bad signature or token): answered 401/403, changes nothing."""


class MalformedCallback(ValueError):
    """Signed, but not shaped as the provider documents: answered 400."""


def _payload(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise MalformedCallback("the body is not JSON") from exc
    if not isinstance(payload, dict):
        raise MalformedCallback("the body is not a JSON object")
    return payload


def _inbound_text(inbound: dict[str, Any]) -> str:
    """What the person wrote or chose: a text's body, a button's or list reply's title, a
    media caption (documented shapes of ``messages[]`` in the Cloud API webhook)."""
    kind = inbound.get("type")
    if kind == "text":
        return str(inbound.get("text", {}).get("body", ""))
    if kind == "button":
        return str(inbound.get("button", {}).get("text", ""))
    if kind == "interactive":
        reply = inbound.get("interactive", {})
        chosen = reply.get("button_reply") or reply.get("list_reply") or {}
        return str(chosen.get("title", ""))
    media = inbound.get(str(kind), {})
    return str(media.get("caption", "")) if isinstance(media, dict) else ""


def _sent_at(timestamp: Any) -> datetime | None:
    """Meta's ``timestamp``: seconds since the epoch, as a string."""
    try:
        return datetime.fromtimestamp(int(str(timestamp)), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _whatsapp_failure(error: dict[str, Any]) -> str | None:
    """A failure reported later (``statuses[].errors[]``): Meta's title, the code, and what
    it means for the person reading the action list (131047 often arrives this way)."""
    from shared.adapters.channels.whatsapp_cloud import REASONS

    title = error.get("title") or error.get("message")
    try:
        code = int(error.get("code", 0) or 0)
    except (TypeError, ValueError):
        code = 0
    if not code:
        return str(title) if title else None
    meaning = REASONS.get(code)
    return f"{title or 'failed'} (code {code})" + (f": {meaning}" if meaning else "")


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


class CallbackService:
    def __init__(
        self,
        messaging: MessagingService,
        *,
        token: str,
        whatsapp_secret: str = "",
        twilio_token: str = "",
        pingen_secret: str = "",
    ) -> None:
        self.messaging = messaging
        self.token = token
        self.whatsapp_secret = whatsapp_secret
        self.twilio_token = twilio_token
        self.pingen_secret = pingen_secret

    def cm(self, token: str, fields: Mapping[str, str]) -> int:
        """CM.com status report (configured to call ``/api/callbacks/cm/<token>``)."""
        if not _same(token, self.token):
            raise CallbackRejected("bad token")
        status = CM_STATUS.get(str(fields.get("STATUS", fields.get("status", ""))))
        reference = str(fields.get("REFERENCE", fields.get("reference", "")))
        if status is None or not reference:
            return 0
        detail = str(fields.get("STATUSDESCRIPTION", fields.get("statusDescription", ""))) or None
        return int(self.messaging.record_status("cm", reference, status, detail))

    def whatsapp(self, body: bytes, signature: str) -> int:
        """Meta webhook: ``X-Hub-Signature-256: sha256=<HMAC of the body with the app secret>``."""
        expected = (
            "sha256=" + hmac.new(self.whatsapp_secret.encode(), body, hashlib.sha256).hexdigest()
        )
        if not self.whatsapp_secret or not _same(signature, expected):
            raise CallbackRejected("bad signature")
        try:
            return self._whatsapp(_payload(body))
        except (AttributeError, TypeError, KeyError) as exc:
            raise MalformedCallback(f"not a WhatsApp webhook: {type(exc).__name__}") from exc

    def _whatsapp(self, payload: dict[str, Any]) -> int:
        updated = 0
        for entry in payload.get("entry", []):
            for change in entry.get("changes", []):
                for inbound in change.get("value", {}).get("messages", []):
                    # any message the person sends opens the 24-hour window, not only text
                    updated += self.messaging.whatsapp_inbound(
                        str(inbound.get("from", "")),
                        _inbound_text(inbound),
                        at=_sent_at(inbound.get("timestamp")),
                        message_id=str(inbound.get("id", "")),
                        kind=str(inbound.get("type", "text")),
                        replied_to=str((inbound.get("context") or {}).get("id", "")),
                    )
                for status in change.get("value", {}).get("statuses", []):
                    mapped = WHATSAPP_STATUS.get(status.get("status", ""))
                    if mapped is not None:
                        errors = status.get("errors") or [{}]
                        detail = (
                            _whatsapp_failure(errors[0]) if mapped is OutboxStatus.FAILED else None
                        )
                        updated += self._report(
                            "whatsapp", str(status["id"]), mapped, detail,
                            str(status.get("biz_opaque_callback_data") or ""),
                        )  # fmt: skip
        return updated

    def _report(
        self, provider: str, provider_id: str, status: OutboxStatus, detail: str | None,
        reference: str,
    ) -> bool:  # fmt: skip
        """A provider's report by its id; when that id is unknown (the answer to our send was
        lost: the record is known by our reference only), by the ``reference`` the provider
        returns with it, whose record then remembers the provider's id (failure7 #3)."""
        if self.messaging.record_status(provider, provider_id, status, detail):
            return True
        if not reference.startswith("inn-") or not provider_id:
            return False
        if not self.messaging.adopt_provider_id(provider, reference, provider_id):
            return False
        return self.messaging.record_status(provider, provider_id, status, detail)

    def twilio(self, url: str, form: Mapping[str, str], signature: str) -> int:
        """``X-Twilio-Signature``: base64 HMAC-SHA1 of the URL plus the sorted form fields."""
        data = url + "".join(f"{k}{form[k]}" for k in sorted(form))
        expected = base64.b64encode(
            hmac.new(self.twilio_token.encode(), data.encode(), hashlib.sha1).digest()
        ).decode()
        if not self.twilio_token or not _same(signature, expected):
            raise CallbackRejected("bad signature")
        sid, call_status = form.get("CallSid", ""), form.get("CallStatus", "")
        answered_by = form.get("AnsweredBy", "")
        reference = parse_qs(urlsplit(url).query).get(CALLBACK_REFERENCE, [""])[0]
        if answered_by in NOT_A_PERSON:
            # the asynchronous verdict comes while the call is still in its neutral opening
            # (no CallStatus): end it before the message; the final report says it again
            detail = f"answered by {answered_by}: not reached, the call ended before the message"
            if not call_status and not self._told_before(sid):
                # (a verdict posted again finds the call ended and recorded: not ended twice)
                detail += self._end_call(sid)
            return int(self._report("twilio", sid, OutboxStatus.FAILED, detail, reference))
        mapped = TWILIO_STATUS.get(call_status)
        if mapped is None:
            return 0  # a verdict "human" on its own: the call goes on, its end reports it
        return int(self._report("twilio", sid, mapped, call_status, reference))

    def _told_before(self, sid: str) -> bool:
        """The call's record says not delivered already: a report of it came before."""
        ref = self.messaging.outbox.by_provider_id("twilio", sid) if sid else None
        found = self.messaging.outbox.get(*ref) if ref is not None else None
        return found is not None and found[0].status is OutboxStatus.FAILED

    def _end_call(self, sid: str) -> str:
        """Hang up a call a machine took; what went wrong, to add to the record's reason."""
        sender = self.messaging.senders.get(Channel.ROBOCALL)
        end_call = getattr(sender, "end_call", None)
        if end_call is None or not sid:
            return " (could not hang up: no Twilio channel)"
        try:
            return "" if end_call(sid) else " (the call had ended)"
        except TransientSendError as exc:
            return f" (could not hang up: {exc})"

    def pingen(self, body: bytes, signature: str) -> int:
        """Pingen webhook: ``Signature`` = hex HMAC-SHA256 of the body with the signing key."""
        expected = hmac.new(self.pingen_secret.encode(), body, hashlib.sha256).hexdigest()
        if not self.pingen_secret or not _same(signature, expected):
            raise CallbackRejected("bad signature")
        try:
            return self._pingen(_payload(body))
        except (AttributeError, TypeError, KeyError) as exc:
            raise MalformedCallback(f"not a Pingen webhook: {type(exc).__name__}") from exc

    def _pingen(self, payload: dict[str, Any]) -> int:
        data = payload.get("data", {})
        kind = data.get("type", "")
        letter = data.get("relationships", {}).get("letter", {}).get("data", {}).get("id")
        if not letter:
            return 0
        reason = data.get("attributes", {}).get("reason")
        mapped = {
            "webhook_sent": OutboxStatus.SENT,
            "webhook_delivered": OutboxStatus.DELIVERED,
            "webhook_undeliverable": OutboxStatus.UNDELIVERABLE,
            "webhook_issues": OutboxStatus.FAILED,
        }.get(kind)
        if mapped is None:
            return 0
        if self.messaging.record_status("pingen", str(letter), mapped, reason):
            return 1
        # a letter whose create answer was lost is known by our reference only (the record
        # is UNCERTAIN): Pingen says whose letter it is, and its id is remembered from now on
        sender = self.messaging.senders.get(Channel.LETTER)
        reference_of = getattr(sender, "reference_of", None)
        reference = reference_of(str(letter)) if reference_of is not None else None
        if not reference or not self.messaging.adopt_provider_id("pingen", reference, str(letter)):
            return 0
        return int(self.messaging.record_status("pingen", str(letter), mapped, reason))
