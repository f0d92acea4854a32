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
  ``mailFolders/sentitems/messages?$filter=internetMessageId eq '...'`` finds.
"""

from __future__ import annotations

import base64
import email
import itertools
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


@dataclass
class Mailbox:
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> full message
    log: list[tuple[int, str, bool]] = field(default_factory=list)  # (seq, id, removed)
    sent: list[dict[str, Any]] = field(default_factory=list)  # what left this mailbox


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
        self.sent_items_lag = 0  # Sent Items queries that do not show the sent mail yet
        self.seq = itertools.count(1)
        self.states: dict[str, tuple[str, int, int, tuple[str, ...]]] = {}
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
        if parts[:1] != ["v1.0"]:
            return _error(404, "ResourceNotFound", "no such resource")
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
            return self._send_mail(box, r)
        if rest == ["mailFolders", "inbox", "messages", "delta"] and r.method == "GET":
            return self._delta(parts[2], box, r, q)
        if rest == ["mailFolders", "sentitems", "messages"] and r.method == "GET":
            return self._sent_items(box, q)
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

    def _send_mail(self, box: Mailbox, r: Received) -> Reply:
        if r.headers.get("content-type", "").startswith("text/plain"):
            mime = email.message_from_bytes(base64.b64decode(r.body), policy=default_policy)
            headers = {k.lower(): str(v) for k, v in mime.items()}
            body = mime.get_body(preferencelist=("plain",))
            sent = {"subject": headers.get("subject", ""), "to": headers.get("to", ""),
                    "internetMessageId": headers.get("message-id") or f"<{uuid.uuid4().hex}@stand.in>",
                    "in_reply_to": headers.get("in-reply-to"), "text": body.get_content() if body else ""}  # fmt: skip
        else:
            m = r.json()["message"]
            sent = {"subject": m.get("subject", ""), "to": m["toRecipients"][0]["emailAddress"]["address"],
                    "internetMessageId": m.get("internetMessageId") or f"<{uuid.uuid4().hex}@stand.in>",
                    "in_reply_to": None, "text": m.get("body", {}).get("content", "")}  # fmt: skip
        box.sent.append(sent)
        if self.lose_answers > 0:
            self.lose_answers -= 1
            return Reply(lost=True)
        if self.gateway_errors > 0:
            self.gateway_errors -= 1
            return _error(504, "UnknownError", "gateway timeout")
        return Reply(202)

    def _sent_items(self, box: Mailbox, q: dict[str, str]) -> Reply:
        """Sent Items, filtered the one way a client may ask here: ``internetMessageId eq
        '<id>'`` (an OData string literal, quotes doubled)."""
        wanted = q.get("$filter", "")
        prefix = "internetMessageId eq '"
        if not wanted.startswith(prefix) or not wanted.endswith("'"):
            return _error(400, "ErrorInvalidUrlQueryFilter", f"unsupported filter {wanted!r}")
        literal = wanted[len(prefix) : -1]
        if "'" in literal.replace("''", ""):
            return _error(400, "BadRequest", "invalid OData string literal")
        mid = literal.replace("''", "'")
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


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}})


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
