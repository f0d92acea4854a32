"""The local outbox page: what Inning would have sent, when a channel has no provider.
Served only in the local environment (``INNING_ENVIRONMENT=local``)."""

from __future__ import annotations

import html
from datetime import datetime
from typing import TYPE_CHECKING

import azure.functions as func

if TYPE_CHECKING:
    from shared.domain.messaging import OutboundMessage

bp = func.Blueprint()  # type: ignore[no-untyped-call]

STYLE = "body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}"


def _page(title: str, body: str) -> func.HttpResponse:
    doc = f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title><style>{STYLE}</style><h1>{html.escape(title)}</h1>{body}</html>"
    return func.HttpResponse(
        doc,
        mimetype="text/html",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@bp.function_name("outbox_page")
@bp.route(route="outbox/{client?}/{key?}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def outbox_page(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
    from shared import bootstrap

    services = bootstrap.services()
    if services.settings.environment != "local":
        return func.HttpResponse(status_code=404)
    client_id = req.route_params.get("client")
    key = req.route_params.get("key")
    if client_id and key:
        found = services.messaging.outbox.get(client_id, key)
        if found is None:
            return func.HttpResponse(status_code=404)
        message, _ = found
        content = services.messaging.content(client_id, key)
        parts = [
            f"<p>{html.escape(message.channel.value)} to <b>{html.escape(message.to)}</b> &middot; {html.escape(message.status.value)} via {html.escape(message.provider or '-')}</p>"
        ]
        if content.subject:
            parts.append(f"<h2>{html.escape(content.subject)}</h2>")
        parts.append(f"<pre>{html.escape(content.text)}</pre>")
        if content.html:
            parts.append(
                f'<iframe sandbox="" style="width:100%;height:30rem" srcdoc="{html.escape(content.html)}"></iframe>'
            )
        parts += [
            f"<p>Attachment: {html.escape(a.name)} ({len(a.data)} bytes)</p>"
            for a in content.attachments
        ]
        return _page(f"Message {key}", "".join(parts))
    # one list, newest first, whoever it was for: listed client by client, the invitation a
    # newcomer just sent sat below every client's reminders (newcomer32 F3)
    listed: list[tuple[datetime, str, str, OutboundMessage]] = []
    for client in services.repos.clients.all():
        if client_id and client.client_id != client_id:
            continue
        messages, _ = services.messaging.outbox.list(client.client_id, page_size=200)
        listed += [(m.created_at, client.name, client.client_id, m) for m in messages]
    # people's own mail and SMS codes of an agency's staff and of sign-ups (shared.services.people):
    # every agency's, also one without a client yet (its first admin's invitation; newcomer26)
    agencies = set(services.repos.agencies.ids()) | {
        c.agency_id for c in services.repos.clients.all()
    }
    for agency_id in sorted(agencies):
        agency = services.repos.agencies.get(agency_id)
        name = agency.name if agency is not None else agency_id
        for scope, whose in (
            (f"@agency.{agency_id}", "people"),
            (f"@signup.{agency_id}", "sign-up"),
        ):
            if client_id and scope != client_id:
                continue
            messages, _ = services.messaging.outbox.list(scope, page_size=200)
            # the agency's name, not the store's "@agency.noord" (newcomer32 F3)
            listed += [(m.created_at, f"{name} ({whose})", scope, m) for m in messages]
    rows = []
    for _, label, scope, m in sorted(listed, key=lambda row: row[0], reverse=True):
        link = f"/api/outbox/{html.escape(scope)}/{html.escape(m.key)}"
        rows.append(
            f"<tr><td>{m.created_at:%Y-%m-%d %H:%M}</td><td>{html.escape(label)}</td><td>{html.escape(m.channel.value)}</td>"
            f"<td>{html.escape(m.to)}</td><td>{html.escape(m.status.value)}</td><td>{html.escape(m.provider or '')}</td><td><a href='{link}'>open</a></td></tr>"
        )
    table = (
        "<table><tr><th>Created</th><th>For</th><th>Channel</th><th>To</th><th>Status</th><th>Via</th><th></th></tr>"
        + "".join(rows)
        + "</table>"
    )
    return _page("Outbox", table if rows else "<p>Nothing was sent yet.</p>")
