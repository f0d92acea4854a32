"""The chosen client's linked accounts: its own Office 365 mailbox (the tenant and the mailbox
Inning sends from) and its own Mollie account, as ``GET /v1/clients/{c}/links`` shows them.
Everyone who may read the client sees them; unlinking the mailbox is for those who may link
it (MANAGE_BANK_ACCOUNTS, as the API's ``…/links`` writes: the client's admin and its agency's
admin), through the same service as ``DELETE /v1/clients/{c}/links/office365``."""

from __future__ import annotations

from shared.api.console.shell import Desk, page, templates, words
from shared.api.http import ApiResponse
from shared.domain.people.authorisation import Action
from shared.services.errors import NotFound
from shared.services.people.admin import actor_of

LINKS = """{% extends "shell" %}{% block main %}
<section aria-labelledby="ln-o365-h"><h2 id="ln-o365-h">{{ t.ln_o365 }}</h2>
{% if graph %}<dl><dt>{{ t.ln_mailbox }}</dt><dd><code>{{ graph.mailbox or '-' }}</code></dd>
<dt>{{ t.ln_tenant }}</dt><dd><code>{{ graph.tenant_id }}</code></dd>
<dt>{{ t.ln_since }}</dt><dd>{{ graph.linked_at|local }}</dd></dl>
{% if can_unlink %}<form method="post" action="{{ desk.url('/links') }}">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="office365_unlink"><p class="muted">{{ t.ln_unlink_hint }}</p>
<p><button type="submit" class="danger">{{ t.ln_unlink }}</button></p></form>{% endif %}
{% else %}<p>{{ t.ln_o365_none }}</p>{% endif %}</section>
<section aria-labelledby="ln-mollie-h"><h2 id="ln-mollie-h">{{ t.ln_mollie }}</h2>
{% if mollie %}<dl><dt>{{ t.ln_mode }}</dt><dd>{{ t['ln_mode_' + mollie.mode] }}{% if mollie.testmode %} ({{ t.ln_test }}){% endif %}</dd>
<dt>{{ t.ln_since }}</dt><dd>{{ mollie.linked_at|local }}</dd></dl>{% else %}<p>{{ t.ln_mollie_none }}</p>{% endif %}</section>
{% endblock %}"""

templates(links=LINKS)

words(
    nl={"ln_nav": "Koppelingen", "ln_title": "Gekoppelde accounts", "ln_o365": "Eigen Office 365-mailbox",
        "ln_mailbox": "Mailbox", "ln_tenant": "Tenant (organisatie)", "ln_since": "Gekoppeld sinds",
        "ln_o365_none": "Geen eigen mailbox gekoppeld: e-mail gaat via de mailbox van de incassopartij (of de outbox).",
        "ln_unlink": "Mailbox ontkoppelen",
        "ln_unlink_hint": "Na ontkoppelen gaat nieuwe e-mail weer via de mailbox van de incassopartij (of de outbox). Wat al verstuurd is, wordt niet opnieuw verstuurd.",
        "ln_mollie": "Eigen Mollie-account", "ln_mode": "Manier", "ln_mode_connect": "Mollie Connect",
        "ln_mode_api_key": "API-sleutel", "ln_test": "testmodus", "ln_mollie_none": "Geen eigen Mollie-account gekoppeld.",
        "done_ln_unlinked": "De mailbox is ontkoppeld."},
    en={"ln_nav": "Links", "ln_title": "Linked accounts", "ln_o365": "Own Office 365 mailbox",
        "ln_mailbox": "Mailbox", "ln_tenant": "Tenant (organisation)", "ln_since": "Linked since",
        "ln_o365_none": "No mailbox of its own linked: e-mail goes through the agency's mailbox (or the outbox).",
        "ln_unlink": "Unlink mailbox",
        "ln_unlink_hint": "After unlinking, new e-mail goes through the agency's mailbox (or the outbox) again. What was sent already is not sent again.",
        "ln_mollie": "Own Mollie account", "ln_mode": "Mode", "ln_mode_connect": "Mollie Connect",
        "ln_mode_api_key": "API key", "ln_test": "test mode", "ln_mollie_none": "No Mollie account of its own linked.",
        "done_ln_unlinked": "The mailbox has been unlinked."},
)  # fmt: skip


@page("links", nav="ln_nav", order=91,
      post_action={"office365_unlink": Action.MANAGE_BANK_ACCOUNTS, "": Action.MANAGE_BANK_ACCOUNTS})  # fmt: skip
def links(desk: Desk, rest: list[str]) -> ApiResponse:
    if rest:
        raise NotFound("no such page")
    client = desk.client
    if desk.req.method == "POST":
        if desk.field("do") != "office365_unlink":
            raise NotFound("no such form")
        desk.services.office365.unlink(client.client_id, actor_of(desk.principal))
        return desk.redirect("/links", done="ln_unlinked")
    accounts = desk.services.linked_accounts
    return desk.render(
        "links", "ln_title", graph=accounts.graph(client.client_id),
        mollie=accounts.mollie(client.client_id), can_unlink=desk.may(Action.MANAGE_BANK_ACCOUNTS),
    )  # fmt: skip
