"""A Microsoft Graph stand-in for mail: the identity platform's client-credentials token,
``sendMail``, and a mailbox's inbox read the documented way (delta rounds, messages,
attachments, reply). It enforces what the documentation says a client must do, so a client
that takes a shortcut fails here as it would against Graph:

- every Graph call needs ``Authorization: Bearer <a token this stand-in issued>`` (401);
- the first delta request of a round names ``$select`` (the stand-in answers only the
  selected properties, ``id`` always); a ``@odata.nextLink`` / ``@odata.deltaLink`` is used as
  given: adding query options to it is refused (400); ``$filter`` and ``$search`` are not
  supported on a messages delta (400); ``Prefer: odata.maxpagesize`` sets the page size;
- an expired state token answers 410 ``syncStateNotFound``; the test expires them;
- the test can throttle: 429 with ``Retry-After`` for the next n Graph calls;
- ``internetMessageHeaders`` and ``uniqueBody`` only when selected on a GET of one message;
- a file attachment's ``contentBytes`` with its GET, its raw bytes at ``/$value``; item and
  reference attachments have no ``$value`` (400 here); ``$select`` on the attachment list
  leaves ``contentBytes`` out;
- ``reply`` answers 202 and files the answer in the conversation (In-Reply-To, References);
- the test can lose answers: ``lose_answers`` sendMail requests are sent (in ``sent`` and in
  Sent Items) but the connection closes without a response; ``gateway_errors`` are sent and
  answered 504 (a gateway that timed out after Exchange took the mail); ``sent_items_lag``
  Sent Items queries do not show a sent mail yet (Exchange files the copy after sending);
- sent mail is kept in Sent Items with its ``internetMessageId``, which
  ``mailFolders/sentitems/messages?$filter=internetMessageId eq '...'`` finds;
- a REST request of more than 4 MB (``REQUEST_LIMIT``, 4 MiB here) answers 413
  ``RequestEntityTooLarge`` (learn.microsoft.com/graph/use-the-api), sendMail included, however
  its attachments are split: several attachments under 3 MB each still make one request;
- a draft (``POST /users/{id}/messages``), its attachments one by one: a file by ``POST
  .../messages/{id}/attachments`` (the request limit applies), or by ``createUploadSession``
  (``AttachmentItem`` with attachmentType ``file``, name and size; a file under 3 MB answers 400
  ``ErrorAttachmentSizeShouldNotBeLessThanMinimumSize``, over 150 MB 400) whose pre-authenticated
  ``uploadUrl`` takes PUTs of ``Content-Range: bytes {start}-{end}/{size}`` in order: each at
  most 4 MB, ``Content-Length`` the range's length, the size the session's, the start the
  ``nextExpectedRanges`` value (else 416 with it); an ``Authorization`` header there is
  refused (401); a PUT answers 200 with ``nextExpectedRanges: ["{next}"]``, the last one 201
  with ``Location`` (the attachment is then on the draft); ``POST .../messages/{id}/send``
  answers 202 (it takes no request body) and moves the draft to Sent Items: it is no draft
  any more, so a second ``send`` or a ``DELETE`` of its id answers 404 ``ErrorItemNotFound``;
  ``DELETE`` removes a draft (204); ``lose_answers`` and ``gateway_errors`` (sent, then
  answered ``gateway_status``, 504 unless a test sets 503) apply to that send as to sendMail;
  ``refuse_sends`` (statuses: 429 with ``Retry-After``, 503, ...) answers the next sends
  (sendMail or a draft's) with nothing sent, the draft left as it was; ``lose_draft_answers``
  draft creations are made but their answer is lost;
- Drafts, filtered the one way a client may ask here (as Sent Items):
  ``mailFolders/drafts/messages?$filter=internetMessageId eq '...'``;
- a mail over the sending mailbox's maximum message size answers 413
  ``ErrorMessageSizeExceeded`` at its send (sendMail, or a draft's ``send``) and is not sent:
  Exchange Online's default ``MaxSendSize`` of 35 MB (``MESSAGE_LIMIT``, MiB here), or the
  mailbox's own (``message_limits``, an administrator may set it lower), measured as the mail
  travels: its attachments base64-encoded, with its text and HTML bodies;
- ``sendMail`` takes ``application/json`` (a ``message``) or ``text/plain`` (base64 MIME):
  MIME that is not base64 answers 400 ``ErrorMimeContentInvalidBase64String``, another
  content type 415.
"""

from __future__ import annotations

import base64
import email
import itertools
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.policy import default as default_policy
from typing import Any
from urllib.parse import quote, unquote

from tests.support.stand_in import Received, Reply

SECRET = "s3cret"
DEFAULT_PAGE = 10
REQUEST_LIMIT = 4 * 1024 * 1024  # Graph REST requests: 4 MB
UPLOAD_MIN = 3_000_000  # an upload session is for files of 3 MB to 150 MB
UPLOAD_MAX = 150_000_000
PUT_LIMIT = 4 * 1024 * 1024  # "upload ranges of bytes (up to 4 MB each time)"
MESSAGE_LIMIT = 35 * 1024 * 1024  # Exchange Online's default maximum message size


@dataclass
class Mailbox:
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> full message
    log: list[tuple[int, str, bool]] = field(default_factory=list)  # (seq, id, removed)
    sent: list[dict[str, Any]] = field(default_factory=list)  # what left this mailbox
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> draft message


@dataclass
class UploadSession:
    address: str
    draft_id: str
    name: str
    content_type: str
    size: int
    received: bytearray = field(default_factory=bytearray)


class GraphStandIn:
    def __init__(self, tenants: tuple[str, ...] = ("agency-tenant",)) -> None:
        self.tenants = set(tenants)
        self.base = ""
        self.mailboxes: dict[str, Mailbox] = {}
        self.tokens: set[str] = set()
        self.throttle_next = 0
        self.throttle_seconds = 1
        self.expired: set[str] = set()
        self.unknown_users: set[str] = set()  # addresses that are no user of the tenant
        self.stuck_next_link = False  # a faulty server: the nextLink of a page is the one asked
        self.vanish_on_read: set[str] = set()  # deleted right after the delta page listed them
        self.lose_answers = 0  # sendMail requests taken whose answer is lost
        self.gateway_errors = 0  # sendMail requests taken and answered 504
        self.gateway_status = 504  # what those are answered (a gateway's 503 after the send)
        self.refuse_sends: list[int] = []  # the next sends answered so, nothing sent
        self.lose_draft_answers = 0  # drafts made whose answer is lost
        self.sent_items_lag = 0  # Sent Items queries that do not show the sent mail yet
        self.seq = itertools.count(1)
        self.states: dict[str, tuple[str, int, int, tuple[str, ...]]] = {}
        self.sessions: dict[str, UploadSession] = {}
        self.largest_request = 0  # the largest body a client sent to Graph (a test reads it)
        self.message_limits: dict[str, int] = {}  # a mailbox's own maximum message size
        self.lock = threading.RLock()

    # -- what a test does -------------------------------------------------------------------
    def mailbox(self, address: str) -> Mailbox:
        with self.lock:
            return self.mailboxes.setdefault(address.lower(), Mailbox())

    def deliver(self, address: str, message: dict[str, Any]) -> str:
        """A message arrives in the mailbox's inbox (a Graph message resource, with
        ``attachments`` as Graph lists them, contentBytes included)."""
        with self.lock:
            box = self.mailbox(address)
            message = dict(message)
            message.setdefault("id", "AAMk" + uuid.uuid4().hex)
            message.setdefault("receivedDateTime", _now())
            message.setdefault("isDraft", False)
            message.setdefault("hasAttachments", bool(message.get("attachments")))
            box.messages[message["id"]] = message
            box.log.append((next(self.seq), message["id"], False))
            return str(message["id"])

    def remove(self, address: str, message_id: str) -> None:
        with self.lock:
            box = self.mailbox(address)
            box.messages.pop(message_id, None)
            box.log.append((next(self.seq), message_id, True))

    def expire_states(self) -> None:
        with self.lock:
            self.expired.update(self.states)

    # -- the protocol -----------------------------------------------------------------------
    def __call__(self, r: Received) -> Reply:
        with self.lock:
            return self._answer(r)

    def _answer(self, r: Received) -> Reply:
        parts = [unquote(p) for p in r.path.split("/") if p]
        if len(parts) >= 2 and parts[0] in self.tenants and parts[1] in ("v2.0", "oauth2"):
            return self._identity(r, parts[0])
        self.largest_request = max(self.largest_request, len(r.body))
        if parts[:1] == ["upload"] and len(parts) == 2:
            return self._upload(r, parts[1])
        if parts[:1] != ["v1.0"]:
            return _error(404, "ResourceNotFound", "no such resource")
        if len(r.body) > REQUEST_LIMIT:
            return _error(
                413, "RequestEntityTooLarge", f"The request of {len(r.body)} bytes is too large"
            )
        auth = r.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return _error(401, "InvalidAuthenticationToken", "Access token is empty or invalid.")
        if self.throttle_next > 0:
            self.throttle_next -= 1
            return Reply(429, {"error": {"code": "ApplicationThrottled", "message": "Too many requests"}},
                         {"Retry-After": str(self.throttle_seconds)})  # fmt: skip
        if len(parts) < 3 or parts[1] != "users":
            return _error(404, "ResourceNotFound", "no such resource")
        if parts[2].lower() in self.unknown_users:
            # what Graph answers for an address that is no mailbox of the tenant
            return _error(404, "ErrorInvalidUser", f"The requested user '{parts[2]}' is invalid.")
        box = self.mailbox(parts[2])
        rest = parts[3:]
        q = {k: v[0] for k, v in r.query.items()}
        if rest == ["sendMail"] and r.method == "POST":
            return self._send_mail(parts[2], box, r)
        if rest == ["messages"] and r.method == "POST":
            return self._draft(box, r)
        if len(rest) >= 2 and rest[0] == "messages" and rest[1] in box.drafts:
            return self._on_draft(parts[2], box, rest[1], rest[2:], r)
        if rest == ["mailFolders", "inbox", "messages", "delta"] and r.method == "GET":
            return self._delta(parts[2], box, r, q)
        if rest == ["mailFolders", "sentitems", "messages"] and r.method == "GET":
            return self._sent_items(box, q)
        if rest == ["mailFolders", "drafts", "messages"] and r.method == "GET":
            return self._drafts(box, q)
        if rest == ["mailFolders", "inbox", "messages"] and r.method == "GET":
            return Reply(
                200, {"value": [_pick(m, q.get("$select")) for m in box.messages.values()]}
            )
        if len(rest) >= 2 and rest[0] == "messages":
            message = box.messages.get(rest[1])
            if message is None or rest[1] in self.vanish_on_read:
                return _error(
                    404, "ErrorItemNotFound", "The specified object was not found in the store."
                )
            if len(rest) == 2 and r.method == "GET":
                return Reply(200, _pick(message, q.get("$select"), one=True))
            if rest[2:] == ["reply"] and r.method == "POST":
                return self._reply(box, message, r)
            if rest[2:3] == ["attachments"] and r.method == "GET":
                return self._attachments(message, rest[3:], q)
        return _error(400, "BadRequest", f"unsupported request {r.method} {r.path}")

    def _identity(self, r: Received, tenant: str) -> Reply:
        if r.path.endswith("/.well-known/openid-configuration"):
            return Reply(body={"token_endpoint": f"{self.base}/{tenant}/oauth2/v2.0/token",
                               "authorization_endpoint": f"{self.base}/{tenant}/oauth2/v2.0/authorize",
                               "issuer": f"{self.base}/{tenant}/v2.0"})  # fmt: skip
        form = r.form()
        if form.get("client_secret") != SECRET:
            return Reply(
                401,
                {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret",
                },
            )
        if form.get("grant_type") != "client_credentials" or not form.get("scope", "").endswith(
            "/.default"
        ):
            return Reply(
                400, {"error": "invalid_request", "error_description": "client credentials only"}
            )
        token = "tok-" + uuid.uuid4().hex
        self.tokens.add(token)
        return Reply(body={"token_type": "Bearer", "expires_in": 3599, "access_token": token})

    def _delta(self, address: str, box: Mailbox, r: Received, q: dict[str, str]) -> Reply:
        if "$filter" in q or "$search" in q:
            return _error(
                400, "ErrorInvalidUrlQuery", "$filter and $search are not supported on delta"
            )
        page = DEFAULT_PAGE
        prefer = r.headers.get("prefer", "")
        if "odata.maxpagesize=" in prefer:
            page = max(1, int(prefer.split("odata.maxpagesize=")[1].split(",")[0]))
        token = q.get("$skiptoken") or q.get("$deltatoken")
        if token is not None:
            if set(q) - {"$skiptoken", "$deltatoken"}:
                return _error(400, "BadRequest", "use the nextLink or deltaLink as given")
            if token in self.expired or token not in self.states:
                return _error(410, "syncStateNotFound", "The sync state generation is not found.")
            owner, since, offset, select = self.states[token]
            if owner != address:
                return _error(400, "BadRequest", "the state belongs to another mailbox")
        else:
            if "$select" not in q:
                return _error(
                    400,
                    "BadRequest",
                    "this stand-in insists on $select (Graph returns everything otherwise)",
                )
            select = tuple(s.strip() for s in q["$select"].split(","))
            since, offset = 0, 0
        top = max([s for s, _, _ in box.log], default=0)
        # the changes of this round: every id changed after ``since``, its latest state
        changed: dict[str, bool] = {}
        for seq, mid, removed in box.log:
            if seq > since:
                changed.pop(mid, None)
                changed[mid] = removed
        items = list(changed.items())
        chunk = items[offset : offset + page]
        value = [
            {"id": mid, "@removed": {"reason": "deleted"}}
            if removed
            else _pick(box.messages[mid], ",".join(select))
            for mid, removed in chunk
        ]
        state = uuid.uuid4().hex
        link = f"{self.base}/v1.0/users/{quote(address)}/mailFolders/inbox/messages/delta"
        if offset + page < len(items) and self.stuck_next_link and q.get("$skiptoken"):
            return Reply(
                200, {"value": value, "@odata.nextLink": f"{link}?$skiptoken={q['$skiptoken']}"}
            )
        if offset + page < len(items):
            self.states[state] = (address, since, offset + page, select)
            return Reply(200, {"value": value, "@odata.nextLink": f"{link}?$skiptoken={state}"})
        self.states[state] = (address, top, 0, select)
        return Reply(200, {"value": value, "@odata.deltaLink": f"{link}?$deltatoken={state}"})

    def _attachments(self, message: dict[str, Any], rest: list[str], q: dict[str, str]) -> Reply:
        attachments = message.get("attachments") or []
        if not rest:
            select = q.get("$select")
            return Reply(200, {"value": [_attachment(a, select) for a in attachments]})
        found = next((a for a in attachments if a["id"] == rest[0]), None)
        if found is None:
            return _error(404, "ErrorItemNotFound", "attachment not found")
        if rest[1:] == ["$value"]:
            if not str(found.get("@odata.type", "")).endswith("fileAttachment"):
                return _error(400, "ErrorInvalidRequest", "$value is for file attachments here")
            return Reply(200, base64.b64decode(found["contentBytes"]),
                         {"Content-Type": found.get("contentType", "application/octet-stream")})  # fmt: skip
        return Reply(200, _attachment(found, None))

    def _draft(self, box: Mailbox, r: Received) -> Reply:
        m = r.json()
        draft_id = "AAMkDraft" + uuid.uuid4().hex
        box.drafts[draft_id] = {**m, "id": draft_id, "isDraft": True,
                                "attachments": [_file(a) for a in m.get("attachments") or []]}  # fmt: skip
        if self.lose_draft_answers > 0:
            self.lose_draft_answers -= 1
            return Reply(lost=True)
        return Reply(201, {"id": draft_id, "isDraft": True, "subject": m.get("subject", "")})

    def _on_draft(
        self, address: str, box: Mailbox, draft_id: str, rest: list[str], r: Received
    ) -> Reply:
        draft = box.drafts[draft_id]
        if not rest and r.method == "DELETE":
            del box.drafts[draft_id]
            return Reply(204)
        if rest == ["attachments"] and r.method == "POST":
            a = r.json()
            if (
                not str(a.get("@odata.type", "")).endswith("fileAttachment")
                or "contentBytes" not in a
            ):
                return _error(400, "ErrorInvalidRequest", "a fileAttachment with contentBytes")
            draft["attachments"].append(_file(a))
            return Reply(201, {"id": "AAMkAtt" + uuid.uuid4().hex, "name": a.get("name")})
        if rest == ["attachments", "createUploadSession"] and r.method == "POST":
            item = r.json().get("AttachmentItem") or {}
            size = item.get("size")
            if (
                item.get("attachmentType") != "file"
                or not item.get("name")
                or not isinstance(size, int)
            ):
                return _error(
                    400,
                    "ErrorInvalidRequest",
                    "AttachmentItem needs attachmentType file, name and size",
                )
            if size < UPLOAD_MIN:
                return _error(400, "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
                              "Attachment size must be at least 3 MB: POST it to attachments")  # fmt: skip
            if size > UPLOAD_MAX:
                return _error(400, "ErrorAttachmentSizeShouldNotBeGreaterThanMaximumSize",
                              "Attachment size must be at most 150 MB")  # fmt: skip
            token = uuid.uuid4().hex
            self.sessions[token] = UploadSession(
                address,
                draft_id,
                item["name"],
                item.get("contentType") or "application/octet-stream",
                size,
            )
            return Reply(201, {"uploadUrl": f"{self.base}/upload/{token}",
                               "expirationDateTime": "2030-01-01T00:00:00Z", "nextExpectedRanges": ["0-"]})  # fmt: skip
        if rest == ["send"] and r.method == "POST":
            if r.body:
                return _error(400, "ErrorInvalidRequest", "send takes no request body")
            if (refused := self._refuse_send()) is not None:
                return refused
            size = _encoded_size(draft.get("body", {}).get("content", ""), draft["attachments"])
            if (too_large := self._too_large(address, size)) is not None:
                return too_large
            del box.drafts[draft_id]
            box.sent.append({
                "subject": draft.get("subject", ""),
                "to": draft["toRecipients"][0]["emailAddress"]["address"],
                "internetMessageId": draft.get("internetMessageId") or f"<{uuid.uuid4().hex}@stand.in>",
                "in_reply_to": None, "text": draft.get("body", {}).get("content", ""),
                "attachments": [(name, data) for name, _, data in draft["attachments"]],
            })  # fmt: skip
            return self._answer_send()
        return _error(400, "BadRequest", f"unsupported request {r.method} {r.path}")

    def _upload(self, r: Received, token: str) -> Reply:
        session = self.sessions.get(token)
        if session is None:
            return _error(404, "ItemNotFound", "the upload session does not exist or expired")
        if "authorization" in r.headers:
            # the URL is pre-authenticated: Graph refuses a bearer token on it
            return _error(
                401, "InvalidAuthenticationToken", "no Authorization header on the upload URL"
            )
        if r.method != "PUT":
            return _error(405, "MethodNotAllowed", "PUT ranges of bytes")
        if len(r.body) > PUT_LIMIT:
            return _error(413, "RequestEntityTooLarge", "up to 4 MB each time")
        try:
            unit, _, spec = r.headers["content-range"].partition(" ")
            span, _, total = spec.partition("/")
            first, _, last = span.partition("-")
            start, end, size = int(first), int(last), int(total)
        except (KeyError, ValueError):
            return _error(400, "InvalidContentRange", "Content-Range: bytes {start}-{end}/{size}")
        declared = int(r.headers.get("content-length", "-1"))
        if unit != "bytes" or size != session.size or end < start or end >= size:
            return _error(
                400,
                "InvalidContentRange",
                f"the range {spec!r} is not of this {session.size}-byte file",
            )
        if declared != len(r.body) or end - start + 1 != len(r.body):
            return _error(400, "InvalidContentLength", "Content-Length must be the range's length")
        expected = len(session.received)
        if start != expected:
            return Reply(416, {"error": {"code": "InvalidRange", "message": f"expected {expected}"},
                               "nextExpectedRanges": [str(expected)]})  # fmt: skip
        session.received.extend(r.body)
        if len(session.received) < session.size:
            return Reply(200, {"expirationDateTime": "2030-01-01T00:00:00Z",
                               "nextExpectedRanges": [str(len(session.received))]})  # fmt: skip
        del self.sessions[token]
        box = self.mailbox(session.address)
        attachment_id = "AAMkAtt" + uuid.uuid4().hex
        box.drafts[session.draft_id]["attachments"].append(
            (session.name, session.content_type, bytes(session.received))
        )
        location = f"{self.base}/v1.0/users/{quote(session.address)}/messages/{session.draft_id}/attachments/{attachment_id}"
        return Reply(201, None, {"Location": location})

    def _too_large(self, address: str, size: int) -> Reply | None:
        """413 for a mail over the mailbox's maximum message size (``size``: as it travels,
        :func:`_encoded_size` of a JSON message, a MIME message's own bytes)."""
        limit = self.message_limits.get(address.lower(), MESSAGE_LIMIT)
        if size <= limit:
            return None
        return _error(413, "ErrorMessageSizeExceeded",
                      f"The message exceeds the maximum supported size ({size} > {limit}).")  # fmt: skip

    def _answer_send(self) -> Reply:
        if self.lose_answers > 0:
            self.lose_answers -= 1
            return Reply(lost=True)
        if self.gateway_errors > 0:
            self.gateway_errors -= 1
            return _error(self.gateway_status, "UnknownError", "gateway error after the send")
        return Reply(202)

    def _refuse_send(self) -> Reply | None:
        """A send Graph answers without sending (throttled, busy): nothing changes."""
        if not self.refuse_sends:
            return None
        status = self.refuse_sends.pop(0)
        headers = {"Retry-After": str(self.throttle_seconds)} if status in (429, 503) else {}
        return Reply(status, {"error": {"code": "ApplicationThrottled" if status == 429 else "ServiceUnavailable",
                                        "message": "not sent: try again later"}}, headers)  # fmt: skip

    def _send_mail(self, address: str, box: Mailbox, r: Received) -> Reply:
        if (malformed := _malformed_send_mail(r)) is not None:
            return malformed
        if (refused := self._refuse_send()) is not None:
            return refused
        if r.headers.get("content-type", "").startswith("text/plain"):
            mime = email.message_from_bytes(base64.b64decode(r.body), policy=default_policy)
            headers = {k.lower(): str(v) for k, v in mime.items()}
            body = mime.get_body(preferencelist=("plain",))
            files = [
                (p.get_filename(), p.get_payload(decode=True)) for p in mime.iter_attachments()
            ]
            sent = {"subject": headers.get("subject", ""), "to": headers.get("to", ""),
                    "internetMessageId": headers.get("message-id") or f"<{uuid.uuid4().hex}@stand.in>",
                    "in_reply_to": headers.get("in-reply-to"), "text": body.get_content() if body else "",
                    "attachments": files, "reply_to": headers.get("reply-to")}  # fmt: skip
        else:
            m = r.json()["message"]
            sent = {"subject": m.get("subject", ""), "to": m["toRecipients"][0]["emailAddress"]["address"],
                    "internetMessageId": m.get("internetMessageId") or f"<{uuid.uuid4().hex}@stand.in>",
                    "in_reply_to": None, "text": m.get("body", {}).get("content", ""),
                    "attachments": [(n, d) for n, _, d in (_file(a) for a in m.get("attachments") or [])],
                    "reply_to": ((m.get("replyTo") or [{}])[0].get("emailAddress") or {}).get("address")}  # fmt: skip
        if r.headers.get("content-type", "").startswith("text/plain"):
            size = len(base64.b64decode(r.body))  # the MIME message as it travels
        else:
            m = r.json()["message"]
            posted = [_file(a) for a in m.get("attachments") or []]
            size = _encoded_size(str(m.get("body", {}).get("content", "")), posted)
        if (too_large := self._too_large(address, size)) is not None:
            return too_large
        box.sent.append(sent)
        return self._answer_send()

    def _drafts(self, box: Mailbox, q: dict[str, str]) -> Reply:
        """Drafts, filtered as Sent Items are (by ``internetMessageId``)."""
        mid = _message_id_filter(q)
        if isinstance(mid, Reply):
            return mid
        found = [d for d in box.drafts.values() if d.get("internetMessageId") == mid]
        return Reply(200, {"value": [_pick(d, q.get("$select")) for d in found]})

    def _sent_items(self, box: Mailbox, q: dict[str, str]) -> Reply:
        """Sent Items, filtered the one way a client may ask here: ``internetMessageId eq
        '<id>'`` (an OData string literal, quotes doubled)."""
        mid = _message_id_filter(q)
        if isinstance(mid, Reply):
            return mid
        if self.sent_items_lag > 0:  # Exchange has not filed the copy yet
            self.sent_items_lag -= 1
            return Reply(200, {"value": []})
        found = [m for m in box.sent if m.get("internetMessageId") == mid]
        return Reply(200, {"value": [{"id": f"AAMk{i}", "internetMessageId": m["internetMessageId"]}
                                     for i, m in enumerate(found)]})  # fmt: skip

    def _reply(self, box: Mailbox, original: dict[str, Any], r: Received) -> Reply:
        payload = r.json()
        if "comment" not in payload and "message" not in payload:
            return _error(400, "ErrorInvalidRequest", "a reply needs a comment or a message")
        headers = {
            h["name"].lower(): h["value"] for h in original.get("internetMessageHeaders", [])
        }
        references = " ".join(
            x for x in (headers.get("references", ""), original.get("internetMessageId", "")) if x
        )
        box.sent.append({
            "subject": "RE: " + str(original.get("subject", "")),
            "to": original["from"]["emailAddress"]["address"],
            "internetMessageId": f"<{uuid.uuid4().hex}@stand.in>",
            "in_reply_to": original.get("internetMessageId"), "references": references,
            "conversationId": original.get("conversationId"), "text": payload.get("comment", ""),
            "reply_to_id": original["id"],
        })  # fmt: skip
        return Reply(202)


def _malformed_send_mail(r: Received) -> Reply | None:
    """sendMail takes ``Content-Type: application/json`` (a ``message`` object) or
    ``text/plain`` (the MIME message base64-encoded; else 400 "Invalid base64 string for MIME
    content"), learn.microsoft.com/graph/api/user-sendmail; any other type 415
    (learn.microsoft.com/graph/errors)."""
    kind = r.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "text/plain":
        try:
            base64.b64decode(r.body, validate=True)
        except ValueError:
            return _error(400, "ErrorMimeContentInvalidBase64String",
                          "Invalid base64 string for MIME content.")  # fmt: skip
        return None
    if kind != "application/json":
        return _error(415, "UnsupportedMediaType", f"unsupported content type {kind!r}")
    try:
        payload = json.loads(r.body)
    except ValueError:
        return _error(400, "BadRequest", "the request body is not JSON")
    if not isinstance(payload, dict) or not isinstance(payload.get("message"), dict):
        return _error(400, "ErrorInvalidRequest", "sendMail needs a message")
    return None


def _message_id_filter(q: dict[str, str]) -> str | Reply:
    """The id of ``$filter=internetMessageId eq '<id>'`` (an OData string literal, quotes
    doubled), or the 400 Graph answers a filter this stand-in does not take."""
    wanted = q.get("$filter", "")
    prefix = "internetMessageId eq '"
    if not wanted.startswith(prefix) or not wanted.endswith("'"):
        return _error(400, "ErrorInvalidUrlQueryFilter", f"unsupported filter {wanted!r}")
    literal = wanted[len(prefix) : -1]
    if "'" in literal.replace("''", ""):
        return _error(400, "BadRequest", "invalid OData string literal")
    return literal.replace("''", "'")


def _pick(message: dict[str, Any], select: str | None, one: bool = False) -> dict[str, Any]:
    hidden = {"attachments", "internetMessageHeaders", "uniqueBody"}
    if not select:
        return {k: v for k, v in message.items() if k not in hidden}
    wanted = {s.strip() for s in select.split(",")} | {"id"}
    if not one:
        wanted -= {"internetMessageHeaders", "uniqueBody"}  # only on a GET of one message
    return {k: v for k, v in message.items() if k in wanted}


def _attachment(a: dict[str, Any], select: str | None) -> dict[str, Any]:
    out = {k: v for k, v in a.items()}
    if select:
        wanted = {s.strip() for s in select.split(",")} | {"id", "@odata.type"}
        out = {k: v for k, v in out.items() if k in wanted}
    return out


def _encoded_size(body: str, files: list[tuple[str, str, bytes]]) -> int:
    """A message's size as it travels: its body and its files base64-encoded."""
    return len(body.encode()) + sum(len(base64.b64encode(data)) for _, _, data in files)


def _file(a: dict[str, Any]) -> tuple[str, str, bytes]:
    """(name, content type, bytes) of a fileAttachment as a client posted it."""
    return (
        str(a.get("name", "")),
        str(a.get("contentType", "")),
        base64.b64decode(a["contentBytes"]),
    )


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}})


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
