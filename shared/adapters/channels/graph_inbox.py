"""Reading a client's mailbox through Microsoft Graph: the inbox's delta query, one
message's headers and bodies, its attachments, and answering it in its own thread.

Documented behaviour this follows (learn.microsoft.com/graph/delta-query-messages,
/graph/api/message-delta, /graph/api/attachment-get, /graph/api/message-reply):
- ``GET /users/{mailbox}/mailFolders/inbox/messages/delta`` with ``$select`` starts a round;
  pages carry ``@odata.nextLink`` until the last, which carries ``@odata.deltaLink``; the
  next round starts from that link as given (it encodes the query). Deleted or moved messages
  come back as entries with ``@removed``. ``Prefer: odata.maxpagesize`` sets the page size.
- An expired or unknown sync state answers 410 Gone (``syncStateNotFound``,
  ``resyncRequired``): the round starts again from the beginning.
- Throttling answers 429 with ``Retry-After`` (seconds).
- ``internetMessageHeaders`` and ``uniqueBody`` are only returned when selected, on a GET of
  the message.
- A file attachment's ``contentBytes`` comes with ``GET .../attachments/{id}``; its raw bytes
  with ``.../$value`` (used above 3 MB). Item attachments (an attached Outlook item) and
  reference attachments (a link to a cloud file) have no bytes of their own.
- ``POST /users/{mailbox}/messages/{id}/reply`` answers in the message's conversation (202)."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from shared.adapters.channels.http_errors import call, raise_for, retry_after
from shared.domain.inbound.mail import ReceivedMail
from shared.domain.inbound.text import html_to_text
from shared.domain.messaging import TransientSendError

DELTA_SELECT = (
    "id,internetMessageId,subject,from,receivedDateTime,hasAttachments,conversationId,isDraft"
)
DETAIL_SELECT = "internetMessageHeaders,body,uniqueBody"
PAGE_SIZE = 50
MAX_PAGES = 200  # pages per round (10,000 messages); the round resumes from there next run
IMMUTABLE_ID = 'IdType="ImmutableId"'
INLINE_LIMIT = 3 * 1024 * 1024  # contentBytes in JSON up to here; above, the raw $value
MAX_ATTACHMENT = 35 * 1024 * 1024  # Exchange Online's largest message; above it is not ours to keep
MAX_THROTTLE_WAIT = 30.0  # wait this long for a 429 in the run; longer ends the mailbox's turn


class DeltaLoop(Exception):
    """Graph handed back a nextLink it handed before in the same round: reading on would loop."""


class DeltaExpired(Exception):
    """Graph no longer knows the sync state (410): start the round again."""


class MessageGone(Exception):
    """The message was deleted or moved between the delta page and reading it (404): its
    removal (or its arrival in another folder) is the mailbox's business, not ours."""


class MailboxThrottled(TransientSendError):
    """Graph asked us to wait longer than a run should: try this mailbox on the next run."""


@dataclass(frozen=True)
class DeltaPage:
    items: list[dict[str, Any]]  # messages (removed ones left out)
    next_link: str | None
    delta_link: str | None


@dataclass(frozen=True)
class FetchedAttachment:
    attachment_id: str
    name: str
    content_type: str
    size: int
    data: bytes | None  # None: skipped (see ``skipped``)
    skipped: str | None = None


class GraphInbox:
    def __init__(
        self,
        token: Callable[[], str],
        graph_url: str,
        http: httpx.Client,
        sleep: Callable[[float], None] = time.sleep,
        forget_token: Callable[[], None] | None = None,
    ) -> None:
        self.token = token
        # drops the cached token: a 401 (a token Graph no longer takes) is answered once with
        # a new one, as the mail channel does (graph_mail._GraphAuth)
        self.forget_token = forget_token
        self.graph_url = graph_url.rstrip("/")
        self.http = http
        self.sleep = sleep

    def _get(
        self,
        url: str,
        params: dict[str, str] | None = None,
        prefer: str | None = None,
        one_message: bool = False,
    ) -> httpx.Response:
        for _ in range(4):
            # immutable ids: a message moved between folders keeps its id, so an answer
            # linked later still finds it (learn.microsoft.com/graph/outlook-immutable-id)
            preferred = ", ".join(p for p in (prefer, IMMUTABLE_ID) if p)

            def get(token: str, preferred: str = preferred) -> httpx.Response:
                headers = {"Authorization": f"Bearer {token}", "Prefer": preferred}
                return self.http.get(url, params=params, headers=headers)

            response = self._with_token(get)
            if response.status_code == 429:
                wait = retry_after(response) or 1.0
                if wait > MAX_THROTTLE_WAIT:
                    raise MailboxThrottled("Graph throttles this mailbox", wait)
                self.sleep(wait)
                continue
            if response.status_code == 410:
                raise DeltaExpired(response.text[:300])
            # only the GET of one message: a 404 on the delta query (an unknown user, a
            # mailbox without Exchange) is the mailbox's trouble, not a deleted message
            if response.status_code == 404 and one_message:
                raise MessageGone(response.text[:300])
            raise_for("Graph", response)
            return response
        raise MailboxThrottled("Graph keeps throttling this mailbox", MAX_THROTTLE_WAIT)

    def _mailbox(self, mailbox: str) -> str:
        return f"{self.graph_url}/users/{quote(mailbox, safe='')}"

    # -- the inbox's changes ---------------------------------------------------------------
    def delta(self, mailbox: str, link: str | None) -> Iterator[DeltaPage]:
        """The pages of one round, from ``link`` (a stored nextLink or deltaLink) or from the
        beginning. Each page says where to resume; the last carries the deltaLink."""
        url = link or f"{self._mailbox(mailbox)}/mailFolders/inbox/messages/delta"
        params = None if link else {"$select": DELTA_SELECT}
        followed = {url}
        for _ in range(MAX_PAGES):
            data = self._get(url, params, prefer=f"odata.maxpagesize={PAGE_SIZE}").json()
            items = [i for i in data.get("value", []) if "@removed" not in i]
            next_link = data.get("@odata.nextLink")
            delta_link = data.get("@odata.deltaLink")
            if next_link and next_link in followed:
                raise DeltaLoop("Graph returned a nextLink it had returned before in this round")
            yield DeltaPage(items, next_link, delta_link)
            if not next_link:
                return
            followed.add(next_link)
            url, params = next_link, None
        # a round this long ends here; the link saved with the last page resumes it next run

    def read(self, mailbox: str, item: dict[str, Any]) -> ReceivedMail:
        """The message with its headers and bodies (one GET)."""
        graph_id = str(item["id"])
        detail = self._get(
            f"{self._mailbox(mailbox)}/messages/{quote(graph_id, safe='')}",
            {"$select": DETAIL_SELECT},
            one_message=True,
        ).json()
        headers = {
            str(h.get("name", "")).lower(): str(h.get("value", ""))
            for h in detail.get("internetMessageHeaders") or []
        }
        sender = (item.get("from") or {}).get("emailAddress") or {}
        unique = detail.get("uniqueBody")
        return ReceivedMail(
            mailbox=mailbox,
            graph_id=graph_id,
            internet_message_id=str(
                item.get("internetMessageId") or headers.get("message-id") or ""
            ),
            received_at=_instant(item.get("receivedDateTime")),
            sender=str(sender.get("address", "")).lower(),
            sender_name=str(sender.get("name", "")),
            subject=str(item.get("subject") or ""),
            body_text=_text(detail.get("body")),
            unique_text=_text(unique) if unique else None,
            headers=headers,
            conversation_id=item.get("conversationId"),
            has_attachments=bool(item.get("hasAttachments")),
        )

    def attachments(self, mailbox: str, graph_id: str) -> list[FetchedAttachment]:
        base = f"{self._mailbox(mailbox)}/messages/{quote(graph_id, safe='')}/attachments"
        listing = self._get(base, {"$select": "id,name,contentType,size,isInline"}).json()
        found: list[FetchedAttachment] = []
        for a in listing.get("value", []):
            kind = str(a.get("@odata.type", ""))
            name, size = str(a.get("name") or "attachment"), int(a.get("size") or 0)
            ctype = str(a.get("contentType") or "application/octet-stream")
            aid = str(a["id"])
            if kind.endswith("itemAttachment"):
                found.append(
                    FetchedAttachment(
                        aid,
                        name,
                        ctype,
                        size,
                        None,
                        "an attached Outlook item (open it in Outlook)",
                    )
                )
                continue
            if kind.endswith("referenceAttachment"):
                found.append(
                    FetchedAttachment(
                        aid, name, ctype, size, None, "a link to a cloud file, not a file"
                    )
                )
                continue
            if size > MAX_ATTACHMENT:
                found.append(
                    FetchedAttachment(
                        aid,
                        name,
                        ctype,
                        size,
                        None,
                        f"larger than {MAX_ATTACHMENT // (1024 * 1024)} MB",
                    )
                )
                continue
            if size <= INLINE_LIMIT:
                body = self._get(f"{base}/{quote(aid, safe='')}").json()
                data = base64.b64decode(body.get("contentBytes") or "")
            else:
                data = self._get(f"{base}/{quote(aid, safe='')}/$value").content
            found.append(FetchedAttachment(aid, name, ctype, size, data))
        return found

    # -- answering --------------------------------------------------------------------------
    def reply(self, mailbox: str, graph_id: str, text: str, reference: str) -> None:
        """Answer the message in its own conversation, from the mailbox it reached (202).
        Graph sets In-Reply-To and References itself."""
        payload = {
            "message": {
                "internetMessageHeaders": [{"name": "x-inning-reference", "value": reference}]
            },
            "comment": text,
        }
        response = self._with_token(
            lambda token: self.http.post(
                f"{self._mailbox(mailbox)}/messages/{quote(graph_id, safe='')}/reply",
                json=payload,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            ),
            final=True,
        )
        raise_for("Graph", response, final=True)

    def _with_token(
        self, send: Callable[[str], httpx.Response], *, final: bool = False
    ) -> httpx.Response:
        """``send(token)``, once more with a new token when Graph answers 401 (it processed
        nothing then, so this is safe on a reply too)."""
        response = call("Graph", lambda: send(self.token()), final=final)
        if response.status_code == 401 and self.forget_token is not None:
            self.forget_token()
            response = call("Graph", lambda: send(self.token()), final=final)
        return response


def _text(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    content = str(body.get("content") or "")
    return html_to_text(content) if str(body.get("contentType", "")).lower() == "html" else content


def _instant(value: Any) -> datetime:
    if not value:
        return datetime.now(UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)


def inbox_for(sender: object, mailbox: str) -> GraphInbox | None:
    """The inbox reader for ``mailbox`` from the e-mail sender in use: the client's own
    tenant (per-tenant consent) or the app-wide Graph registration; None when e-mail does not
    go through Graph (local development without a stand-in)."""
    from shared.adapters.channels.graph_mail import GraphMailChannel
    from shared.adapters.channels.graph_tenants import PerTenantGraphMail

    channel: GraphMailChannel | None = None
    if isinstance(sender, PerTenantGraphMail):
        tenant = sender.links.tenant_of_mailbox(mailbox) or sender.default_tenant
        channel = sender.channel(tenant) if tenant else None
    elif isinstance(sender, GraphMailChannel):
        channel = sender
    if channel is None:
        return None
    return GraphInbox(
        channel._token, channel.graph_url, channel.http, forget_token=channel._forget_token
    )
