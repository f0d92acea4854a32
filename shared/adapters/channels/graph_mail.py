"""E-mail through Microsoft Graph ``sendMail``, app-only (OAuth 2.0 client credentials with
MSAL), sending as the client's own mailbox so that replies reach the client.

A mail whose whole ``sendMail`` request fits Graph's 4 MB request limit goes in one request,
attachments inline. Any other (a file of 3 MB or more, or several smaller ones that together
pass the limit: two scanned invoices of 2.5 MB made a 6.7 MB request, refused 413) goes as
Graph documents for large attachments: a draft, then each attachment on its own (a file
under 3 MB by one POST, a larger one by an upload session in ranges of 3.2 MB, a multiple of
320 KiB), then ``send``. Graph answers 202 without a
message id; a mail whose answer was lost (a timeout, a 504 from a gateway) may have gone out.
Graph keeps a sent mail in the mailbox's Sent Items with the ``internetMessageId`` we gave it,
and the message list can be filtered on it: :meth:`GraphMailChannel.confirm` finds it there.
Not finding it proves nothing (Exchange files the copy once it has processed the send), so a
mail never found becomes a question for a person, never a second mail.

A mail also has to fit the sending mailbox's maximum message size (Exchange Online's default
``MaxSendSize`` 35 MB, which an administrator may set lower; a mail leaving Microsoft's
datacenters counts its attachments base64-encoded, a third larger). Graph refuses a larger one
at the send (413 ``ErrorMessageSizeExceeded``). A mail whose encoded size passes
``message_limit``, or that Graph refused so, goes without its attachments and says where they
are instead (``MessageContent.attachments_at``: the debtor's portal page), rather than not at
all: a reminder or an e-mailed 14-day letter is not held back by the invoice PDFs it carries.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Generator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from html import escape
from typing import Any

import httpx
import msal

from shared.adapters.channels.http_errors import call, raise_for
from shared.domain.inbound.answers import outbound_message_id
from shared.domain.inbound.recognise import reads_as_bounce
from shared.domain.messaging import (
    Attachment,
    MessageContent,
    OutboundMessage,
    PermanentSendError,
    SendError,
    SendResult,
    TransientSendError,
    UncertainSendError,
)

# a file of this size or more goes by an upload session (Graph: "between 3 MB and 150 MB"; a
# smaller one is refused there), a smaller one by one POST, whose base64 then stays under 4 MB
INLINE_LIMIT = 3_000_000
# Graph's limit on one REST request ("4 MB"; 413 RequestEntityTooLarge above it)
REQUEST_LIMIT = 4 * 1024 * 1024
CHUNK = 10 * 320 * 1024
# Exchange Online's default maximum message size (MaxSendSize "35 MB"), measured as the mail
# travels: its attachments base64-encoded (learn.microsoft.com/office365/servicedescriptions/
# exchange-online-service-description/exchange-online-limits)
MESSAGE_LIMIT = 35 * 1024 * 1024
# what a mail without its attachments says instead, in its language
LEFT_OUT = {
    "nl": (
        "De bijlagen ({files}) zijn te groot om per e-mail mee te sturen. {where}",
        "U vindt de facturen op uw persoonlijke pagina: {link}",
        "Beantwoord deze e-mail als u ze wilt ontvangen.",
    ),
    "en": (
        "The attachments ({files}) are too large to send by e-mail. {where}",
        "You will find the invoices on your personal page: {link}",
        "Reply to this e-mail if you would like to receive them.",
    ),
}


class MessageTooLarge(PermanentSendError):
    """Graph refused the mail for the mailbox's message size limit (413
    ``ErrorMessageSizeExceeded``): nothing was sent."""


class GraphMailChannel:
    name = "graph"
    can_look_up = False

    def __init__(
        self,
        *,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        authority_host: str = "https://login.microsoftonline.com",
        graph_url: str = "https://graph.microsoft.com/v1.0",
        http: httpx.Client | None = None,
        msal_http_client: Any = None,
        message_limit: int = MESSAGE_LIMIT,
    ) -> None:
        self.graph_url = graph_url.rstrip("/")
        self.message_limit = message_limit
        self.http = http or httpx.Client(timeout=30)
        self.scope = [graph_url.split("/v1.0")[0].rstrip("/") + "/.default"]
        kwargs: dict[str, Any] = {}
        if msal_http_client is not None:
            kwargs["http_client"] = msal_http_client
        self._auth = _GraphAuth(self)
        self.app = msal.ConfidentialClientApplication(
            client_id,
            client_credential=client_secret,
            authority=f"{authority_host.rstrip('/')}/{tenant_id}",
            instance_discovery=False,
            **kwargs,
        )

    def _token(self) -> str:
        """MSAL keeps the token in its cache until it expires."""
        try:
            result = self.app.acquire_token_for_client(scopes=self.scope)
        except Exception as exc:  # network trouble reaching the identity platform
            raise TransientSendError(f"token request failed: {exc}") from exc
        if "access_token" not in result:
            error = result.get("error", "unknown")
            if error in ("invalid_client", "unauthorized_client", "invalid_request"):
                raise PermanentSendError(
                    f"Graph credentials refused: {result.get('error_description', error)}"
                )
            raise TransientSendError(f"no Graph token: {result.get('error_description', error)}")
        return str(result["access_token"])

    def _forget_token(self) -> None:
        """Drops the cached token, so that the next :meth:`_token` asks for a new one."""
        cache = self.app.token_cache
        for item in list(cache.search(msal.TokenCache.CredentialType.ACCESS_TOKEN)):
            cache.remove_at(item)

    def _headers(self) -> dict[str, str]:
        # the token comes with ``auth=self._auth``, which renews it once on a 401
        return {"Content-Type": "application/json"}

    def _message(
        self, message: OutboundMessage, content: MessageContent, inline: Sequence[Attachment]
    ) -> dict[str, Any]:
        body = (
            {"contentType": "HTML", "content": content.html}
            if content.html
            else {"contentType": "Text", "content": content.text}
        )
        out: dict[str, Any] = {
            "subject": content.subject,
            "body": body,
            "toRecipients": [{"emailAddress": {"address": message.to}}],
            "internetMessageHeaders": [{"name": "x-inning-reference", "value": message.reference}],
            # our own Message-ID, so that the debtor's answer finds its way back (In-Reply-To)
            "internetMessageId": outbound_message_id(
                message.client_id, message.key, message.sender
            ),
            "attachments": [_file_attachment(a) for a in inline],
        }
        if message.reply_to:
            out["replyTo"] = [{"emailAddress": {"address": message.reply_to}}]
        return out

    def send(self, message: OutboundMessage, content: MessageContent) -> SendResult:
        if not message.sender:
            raise PermanentSendError("the client has no sending mailbox configured")
        mailbox = f"{self.graph_url}/users/{message.sender}"
        if message.extra.get("graph_reply_to") and message.sandbox_of is None:
            # an answer to a debtor's mail: in that mail's own conversation, from its mailbox
            # (a sandboxed client's answer goes to its sandbox address as a new mail instead)
            from shared.adapters.channels.graph_inbox import GraphInbox

            GraphInbox(
                self._token, self.graph_url, self.http, forget_token=self._forget_token
            ).reply(
                message.sender, message.extra["graph_reply_to"], content.text, message.reference
            )
            return SendResult(self.name, message.reference)
        if content.attachments and _encoded_size(content) > self.message_limit:
            content = without_attachments(content)  # Graph would refuse it at the send
        try:
            return self._send(mailbox, message, content)
        except MessageTooLarge:
            if not content.attachments:
                raise  # the text alone is too large: a person decides
            # the mailbox's own limit is lower than ours: nothing went, so again without them
            return self._send(mailbox, message, without_attachments(content))

    def _send(self, mailbox: str, message: OutboundMessage, content: MessageContent) -> SendResult:
        large = any(len(a.data) >= INLINE_LIMIT for a in content.attachments)
        if not large and content.html and content.text:
            # both an HTML and a plain-text part: only MIME carries multipart/alternative
            mime = base64.b64encode(_mime(message, content))
            if len(mime) <= REQUEST_LIMIT:
                headers = {**self._headers(), "Content-Type": "text/plain"}
                response = call(
                    "Graph",
                    lambda: self.http.post(
                        f"{mailbox}/sendMail", content=mime, headers=headers, auth=self._auth
                    ),
                    final=True,
                )
                _refuse_too_large(response)
                raise_for("Graph", response, final=True)
                return SendResult(self.name, message.reference)
        elif not large:
            payload = {
                "message": self._message(message, content, content.attachments),
                "saveToSentItems": True,
            }
            body = json.dumps(payload).encode()
            if len(body) <= REQUEST_LIMIT:
                response = call(
                    "Graph",
                    lambda: self.http.post(
                        f"{mailbox}/sendMail",
                        content=body,
                        headers=self._headers(),
                        auth=self._auth,
                    ),
                    final=True,
                )
                _refuse_too_large(response)
                raise_for("Graph", response, final=True)
                return SendResult(self.name, message.reference)
        return self._send_as_draft(mailbox, message, content)

    def _send_as_draft(
        self, mailbox: str, message: OutboundMessage, content: MessageContent
    ) -> SendResult:
        """A draft with our ``internetMessageId`` (so :meth:`confirm` finds the sent mail as it
        finds one sent by ``sendMail``), its attachments added one request each, then sent.

        No draft of ours stays in the client's Drafts (the debtor's letter and invoices, ready
        for anyone to send by hand): one whose attachment or send was refused is deleted, and
        the deletion is the proof that it did not go (a draft that is gone had been sent, so
        that failure is uncertain, never retried); drafts an earlier attempt could not delete
        (its creation's answer lost, its worker stopped between the draft and its send, the
        deletion itself refused) carry the same ``internetMessageId``, and the next attempt
        deletes them before it makes its own. Only a send whose answer was lost keeps its
        draft: Exchange may be sending it (:meth:`confirm` deletes it if it is still there)."""
        self._discard_left(mailbox, message)
        try:
            draft = call(
                "Graph",
                lambda: self.http.post(
                    f"{mailbox}/messages",
                    json=self._message(message, content, []),
                    headers=self._headers(),
                    auth=self._auth,
                ),
            )
        except TransientSendError:
            self._discard_left(mailbox, message, best_effort=True)  # made, its answer lost
            raise
        raise_for("Graph", draft)
        draft_id = str(draft.json()["id"])
        try:
            for attachment in content.attachments:
                if len(attachment.data) >= INLINE_LIMIT:
                    self._upload(mailbox, draft_id, attachment)
                else:
                    self._attach(mailbox, draft_id, attachment)
        except (TransientSendError, PermanentSendError):
            self._discard(mailbox, draft_id)
            raise
        sent = call(
            "Graph",
            lambda: self.http.post(
                f"{mailbox}/messages/{draft_id}/send", headers=self._headers(), auth=self._auth
            ),
            final=True,
        )
        try:
            _refuse_too_large(sent)  # not sent: the draft goes, a smaller mail follows
            raise_for("Graph", sent, final=True)
        except (TransientSendError, PermanentSendError) as refused:
            self._withdraw(mailbox, draft_id, refused)
            raise
        return SendResult(self.name, draft_id)

    def _attach(self, mailbox: str, draft_id: str, attachment: Attachment) -> None:
        item = _file_attachment(attachment)
        response = call(
            "Graph",
            lambda: self.http.post(
                f"{mailbox}/messages/{draft_id}/attachments",
                json=item,
                headers=self._headers(),
                auth=self._auth,
            ),
        )
        _refuse_too_large(response)
        raise_for("Graph", response)

    def _upload(self, mailbox: str, draft_id: str, attachment: Attachment) -> None:
        """An upload session, its ranges PUT in order where Graph's ``nextExpectedRanges``
        says to go on (the upload URL is pre-authenticated: no token on it)."""
        size = len(attachment.data)
        item = {
            "AttachmentItem": {
                "attachmentType": "file",
                "name": attachment.name,
                "size": size,
                "contentType": attachment.content_type,
            }
        }
        session = call(
            "Graph",
            lambda: self.http.post(
                f"{mailbox}/messages/{draft_id}/attachments/createUploadSession",
                json=item,
                headers=self._headers(),
                auth=self._auth,
            ),
        )
        _refuse_too_large(session)
        raise_for("Graph", session)
        upload_url = str(session.json()["uploadUrl"])
        start, puts = 0, 0
        while start < size:
            puts += 1
            if puts > 2 * (size // CHUNK + 2):
                raise TransientSendError(f"Graph upload of {attachment.name} does not advance")
            chunk = attachment.data[start : start + CHUNK]
            headers = {
                "Content-Range": f"bytes {start}-{start + len(chunk) - 1}/{size}",
                "Content-Length": str(len(chunk)),
            }
            part = call(
                "Graph",
                lambda chunk=chunk, headers=headers: self.http.put(
                    upload_url, content=chunk, headers=headers
                ),
            )
            if part.status_code == 416:  # Graph wants another range: go on where it says
                start = _next_expected(part, start)
                continue
            raise_for("Graph upload", part)
            if part.status_code == 201:  # the last range: the file is on the draft
                return
            start = _next_expected(part, start + len(chunk))

    def _discard(self, mailbox: str, draft_id: str) -> None:
        try:
            self.http.delete(
                f"{mailbox}/messages/{draft_id}", headers=self._headers(), auth=self._auth
            )
        except (httpx.HTTPError, TransientSendError, PermanentSendError):
            pass  # the next attempt deletes it (_discard_left); the failure here is raised

    def _withdraw(self, mailbox: str, draft_id: str, refused: SendError) -> None:
        """A draft whose send Graph refused (429, 503, 413, another 4xx), deleted: deleted,
        it can never go out, so the refusal stands; already gone (404), it was sent after
        all (a 503 from a gateway that had passed the send on): uncertain, so the service
        asks Sent Items and never sends a second mail. A deletion that fails leaves the
        refusal as it is (the draft, still unsent, goes with the next attempt's sweep)."""
        try:
            gone = self.http.delete(
                f"{mailbox}/messages/{draft_id}", headers=self._headers(), auth=self._auth
            )
        except (httpx.HTTPError, TransientSendError, PermanentSendError):
            return
        if gone.status_code == 404:
            raise UncertainSendError(
                f"{refused}; yet the draft is gone from Drafts: it may have been sent"
            ) from refused

    def _discard_left(
        self, mailbox: str, message: OutboundMessage, *, best_effort: bool = False
    ) -> None:
        """Deletes the drafts of this mail still in Drafts (found by our
        ``internetMessageId``): none of them was sent, as a sent draft leaves Drafts.
        ``best_effort``: a failure to ask or delete is let pass (the
        next attempt, or :meth:`confirm`, asks again)."""
        wanted = outbound_message_id(message.client_id, message.key, message.sender)
        url = f"{mailbox}/mailFolders/drafts/messages"
        params = {"$filter": f"internetMessageId eq '{_literal(wanted)}'", "$select": "id"}
        try:
            found = call(
                "Graph",
                lambda: self.http.get(url, params=params, headers=self._headers(), auth=self._auth),
            )
            raise_for("Graph", found)
            left = [str(d["id"]) for d in found.json().get("value", [])]
        except (TransientSendError, PermanentSendError):
            if best_effort:
                return
            raise
        for draft_id in left:
            self._discard(mailbox, draft_id)

    def look_up(self, message: OutboundMessage) -> SendResult | None:
        return None

    def can_confirm(self, message: OutboundMessage) -> bool:
        """A reply keeps Graph's own Message-ID: nothing of ours to find in Sent Items."""
        return bool(message.sender) and not message.extra.get("graph_reply_to")

    def confirm(self, message: OutboundMessage) -> SendResult | None:
        """The mail as filed in the sender's Sent Items (found: it went out); ``None`` when it
        is not there (yet). Needs Mail.Read (application), as reading answers does."""
        if not self.can_confirm(message):
            return None
        wanted = outbound_message_id(message.client_id, message.key, message.sender)
        url = f"{self.graph_url}/users/{message.sender}/mailFolders/sentitems/messages"
        params = {
            "$filter": f"internetMessageId eq '{_literal(wanted)}'",
            "$select": "id,sentDateTime",
        }
        response = call(
            "Graph",
            lambda: self.http.get(url, params=params, headers=self._headers(), auth=self._auth),
        )
        raise_for("Graph", response)
        if response.json().get("value", []):
            return SendResult(self.name, message.reference)
        # not sent (yet): a draft of it still in Drafts never went (a worker stopped between
        # the draft and its send, a send whose answer was lost before Exchange took it), and
        # deleted it never will: nobody sends that outdated copy by hand from the Drafts
        self._discard_left(f"{self.graph_url}/users/{message.sender}", message, best_effort=True)
        return None

    def bounces(self, mailbox: str, since: datetime) -> list[tuple[str, str, str, dict[str, str]]]:
        """(our reference, reason, the report's sender, its headers) for every non-delivery
        report that reached ``mailbox`` since ``since``. Exchange Online returns an NDR to the
        sending mailbox with the original message's headers in its body, so our
        ``X-Inning-Reference`` identifies the message that bounced; mail without it is left
        alone. A report's own headers (the receiving system's ``Authentication-Results``) come
        with a GET of that message only: one more request per report, never per message."""
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        url: str | None = f"{self.graph_url}/users/{mailbox}/mailFolders/inbox/messages"
        params: dict[str, str] | None = {
            "$filter": f"receivedDateTime ge {stamp}",
            "$select": "subject,body,receivedDateTime,from",
            "$top": "50",
        }
        found: list[tuple[str, str, str, dict[str, str]]] = []
        while url:
            response = call(
                "Graph",
                lambda u=url, p=params: self.http.get(
                    u, params=p, headers=self._headers(), auth=self._auth
                ),
            )
            raise_for("Graph", response)
            data = response.json()
            for item in data.get("value", []):
                # only what the mail system wrote: a debtor can paste our reference into a
                # reply, and a "bounce" would tell that his 14-day letter never reached him
                sender, subject = _from_address(item), str(item.get("subject") or "")
                if not reads_as_bounce(sender, subject):
                    continue
                body = str(item.get("body", {}).get("content", ""))
                match = _REFERENCE.search(_strip_tags(body))
                if match:
                    headers = self._headers_of(mailbox, str(item.get("id") or ""))
                    found.append((match.group(1), subject or "undeliverable", sender, headers))
            url = data.get("@odata.nextLink")
            params = None
        return found

    def _headers_of(self, mailbox: str, message_id: str) -> dict[str, str]:
        """A message's internet headers by lower-case name (repeated ones joined)."""
        if not message_id:
            return {}
        url = f"{self.graph_url}/users/{mailbox}/messages/{message_id}"
        params = {"$select": "internetMessageHeaders"}
        response = call(
            "Graph",
            lambda: self.http.get(url, params=params, headers=self._headers(), auth=self._auth),
        )
        raise_for("Graph", response)
        headers: dict[str, str] = {}
        for h in response.json().get("internetMessageHeaders") or []:
            name = str(h.get("name", "")).lower()
            value = str(h.get("value", ""))
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return headers


class _GraphAuth(httpx.Auth):
    """The MSAL token on every Graph request. MSAL serves it from its cache until the expiry
    the identity platform gave, but Graph may refuse it sooner (401
    ``InvalidAuthenticationToken``: revoked, the clock of the host ahead, a secret rotated):
    the request then goes once more with a new token, rather than the mail failing for good.
    Safe on a send too: Graph processed nothing it answered 401
    (learn.microsoft.com/graph/errors). A second 401 stands (permanent)."""

    def __init__(self, channel: GraphMailChannel) -> None:
        self.channel = channel

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.channel._token()}"
        response = yield request
        if response.status_code == 401:
            self.channel._forget_token()
            request.headers["Authorization"] = f"Bearer {self.channel._token()}"
            yield request


def _literal(value: str) -> str:
    """An OData string literal's content (quotes doubled)."""
    return value.replace("'", "''")


def _refuse_too_large(response: httpx.Response) -> None:
    """Graph's answer for a mail over the mailbox's maximum message size."""
    if response.status_code != 413:
        return
    try:
        code = str((response.json().get("error") or {}).get("code", ""))
    except (ValueError, AttributeError):
        code = ""
    if code == "ErrorMessageSizeExceeded":
        raise MessageTooLarge(f"Graph refused (413): {code}: over the mailbox's message size")


def _encoded_size(content: MessageContent) -> int:
    """The mail's size as Exchange measures it against the limit: the attachments
    base64-encoded, and the text and HTML bodies."""
    body = len(content.text.encode()) + len((content.html or "").encode())
    return body + sum(4 * ((len(a.data) + 2) // 3) for a in content.attachments)


def without_attachments(content: MessageContent) -> MessageContent:
    """The mail without its attachments, saying so: which files, and where they are
    (``attachments_at``, the debtor's portal page) or how to ask for them."""
    lead, there, ask = LEFT_OUT.get(content.language, LEFT_OUT["nl"])
    files = ", ".join(a.name for a in content.attachments)
    where = there.format(link=content.attachments_at) if content.attachments_at else ask
    note = lead.format(files=files, where=where)
    html = content.html
    if html is not None:
        paragraph = f"<p>{escape(note)}</p>"
        html = (
            html.replace("</body>", paragraph + "</body>", 1)
            if "</body>" in html
            else html + paragraph
        )
    return replace(content, text=f"{content.text}\n\n{note}", html=html, attachments=())


def _file_attachment(a: Attachment) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.fileAttachment",
        "name": a.name,
        "contentType": a.content_type,
        "contentBytes": base64.b64encode(a.data).decode(),
    }


def _next_expected(response: httpx.Response, default: int) -> int:
    """Where Graph wants the next range to start: an Outlook upload session's
    ``nextExpectedRanges`` holds one value, "{start}" (or "{start}-")."""
    try:
        ranges = response.json().get("nextExpectedRanges") or []
        return int(str(ranges[0]).split("-")[0]) if ranges else default
    except (ValueError, AttributeError):
        return default


_REFERENCE = re.compile(r"X-Inning-Reference:\s*(inn-[^\s<>\"]+)", re.IGNORECASE)


def _from_address(item: dict[str, Any]) -> str:
    sender = item.get("from") or {}
    address = sender.get("emailAddress", {}).get("address") if isinstance(sender, dict) else None
    return str(address or "")


def _strip_tags(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ")


def _mime(message: OutboundMessage, content: MessageContent) -> bytes:
    mail = EmailMessage()
    mail["From"] = message.sender or ""
    mail["To"] = message.to
    if message.reply_to:
        mail["Reply-To"] = message.reply_to
    mail["Subject"] = content.subject
    mail["X-Inning-Reference"] = message.reference
    mail["Message-ID"] = outbound_message_id(message.client_id, message.key, message.sender)
    if message.extra.get("in_reply_to"):
        mail["In-Reply-To"] = message.extra["in_reply_to"]
        mail["References"] = message.extra.get("references") or message.extra["in_reply_to"]
    mail.set_content(content.text)
    mail.add_alternative(content.html or "", subtype="html")
    for a in content.attachments:
        maintype, _, subtype = a.content_type.partition("/")
        mail.add_attachment(
            a.data, maintype=maintype, subtype=subtype or "octet-stream", filename=a.name
        )
    return mail.as_bytes(policy=SMTP)
