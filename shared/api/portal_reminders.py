"""The reminder behind an SMS link, on the debtor portal.

An SMS "with a link to the reminder that was also sent by post or e-mail" carries
``/api/p/{token}/reminder/{id}``: like every portal link it checks the debtor's token, puts
it in the portal cookie and redirects, here to ``/api/portal/reminder/{id}``, which shows that
one message as it was sent: the letter's PDF, or the e-mail as a page. Only a letter or e-mail
of the debtor the token belongs to is shown (any other id is "not found").

The e-mail's HTML was rendered from the client's own template; it is served under a policy
that runs nothing (no script, a sandboxed document, no forms, images only over https), so
whatever the template held cannot act on the portal.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from shared.api.http import ApiRequest, ApiResponse
from shared.domain.messaging import Channel, OutboxStatus
from shared.domain.portal.tokens import PortalAccess
from shared.services.conversations.by_hand import key_of_reminder
from shared.services.errors import NotFound

if TYPE_CHECKING:
    from shared.api.portal_app import PortalApp

SHOWN = (Channel.LETTER, Channel.EMAIL)
NOT_SHOWN = (OutboxStatus.FAILED, OutboxStatus.BOUNCED, OutboxStatus.UNDELIVERABLE)
EMAIL_POLICY = (
    "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; sandbox; "
    "form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)


def reminder_page(app: PortalApp, req: ApiRequest, parts: list[str]) -> ApiResponse | None:
    """The response when the path is one of the reminder routes, else ``None``."""
    if req.method != "GET":
        return None
    if len(parts) == 4 and parts[0] == "p" and parts[2] == "reminder":
        app.portal.enter(parts[1], app._source(req))  # a bad token ends here (denied page)
        return app._redirect(
            f"/api/portal/reminder/{quote(parts[3], safe='')}", app._session_cookie(parts[1])
        )
    if len(parts) == 3 and parts[:2] == ["portal", "reminder"]:
        from shared.api.portal_app import COOKIE

        access = app.portal.enter(app._cookies(req).get(COOKIE, ""), app._source(req))
        try:
            return _document(app, access, parts[2])
        except NotFound:
            return app._not_found(req, access)
    return None


def _document(app: PortalApp, access: PortalAccess, link_id: str) -> ApiResponse:
    from shared.adapters.tables.keys import InvalidKey

    messaging = app.services.messaging
    if len(link_id) > 700:  # no key of ours is that long; Table Storage keys stop at 1 KiB
        raise NotFound("no such reminder")
    try:
        key = key_of_reminder(link_id)
        found = messaging.outbox.get(access.client_id, key)
    except (InvalidKey, ValueError) as exc:
        raise NotFound("no such reminder") from exc
    if found is None:
        raise NotFound("no such reminder")
    message = found[0]
    if (
        message.debtor_number != access.debtor_number
        or message.channel not in SHOWN
        or message.status in NOT_SHOWN
    ):
        raise NotFound("no such reminder")  # another debtor's, or not a reminder: same answer
    try:
        content = messaging.content(access.client_id, key)
    except LookupError as exc:
        raise NotFound("no such reminder") from exc
    base = app._headers("-")
    if message.channel is Channel.LETTER:
        pdf = next((a for a in content.attachments if a.content_type == "application/pdf"), None)
        if pdf is None:
            raise NotFound("no such reminder")
        name = re.sub(r"[^A-Za-z0-9._-]", "_", pdf.name)
        headers = {**base, "Content-Disposition": f'inline; filename="{name}"'}
        return ApiResponse(headers=headers, raw=pdf.data, content_type="application/pdf")
    title = html.escape(content.subject or "E-mail")
    if content.html:
        page = content.html
    else:
        page = (
            f'<!doctype html><html lang="{html.escape(content.language)}"><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body><h1>{title}</h1>"
            f'<pre style="white-space:pre-wrap;font:1rem/1.5 system-ui,sans-serif">{html.escape(content.text)}</pre>'
            "</body></html>"
        )
    headers = {**base, "Content-Security-Policy": EMAIL_POLICY}
    return ApiResponse(headers=headers, raw=page.encode(), content_type="text/html")
