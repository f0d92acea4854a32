"""Workflows: a client's workflows with their steps in order, the segment rules that choose a
workflow for each debtor (first match wins), and copying a workflow within the client or, for
the agency's people, to another of the agency's clients (:mod:`shared.services.dunning_setup`)."""

from __future__ import annotations

from typing import Any

from shared.api.console.page_workflow_edit import activate_workflow, edit_rules, edit_workflow
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, Forbidden, page, templates, words
from shared.api.http import ApiResponse
from shared.domain.parties import Client
from shared.domain.people.authorisation import Action
from shared.services.errors import Invalid, NotFound

WORKFLOWS = """{% extends "shell" %}{% block main %}
{% if problems %}<section class="notice error" aria-labelledby="wf-problems-h"><h2 id="wf-problems-h">{{ t.wf_not_activated }}</h2>
<ul>{% for p in problems %}<li>{{ p }}</li>{% endfor %}</ul></section>{% endif %}
{% if may_write %}<p><a class="button" href="{{ desk.url('/workflows/edit') }}">{{ t.wf_new }}</a></p>{% endif %}
<section aria-labelledby="wf-rules-h"><h2 id="wf-rules-h">{{ t.wf_rules }}</h2><p>{{ t.wf_rules_intro }}</p>
{% if rules %}<div class="scroll" role="region" tabindex="0" aria-label="{{ t.wf_rules }}"><table><caption class="visually-hidden">{{ t.wf_rules }}</caption>
<thead><tr><th scope="col">#</th><th scope="col">{{ t.wf_segment }}</th><th scope="col">{{ t.wf_kind }}</th>
<th scope="col" class="num">{{ t.wf_min }}</th><th scope="col" class="num">{{ t.wf_max }}</th><th scope="col">{{ t.wf_workflow }}</th></tr></thead><tbody>
{% for r in rules %}<tr><td>{{ loop.index }}</td><td>{{ r.segment or t.wf_any }}</td><td>{{ t['wf_kind_' + r.kind.value] if r.kind else t.wf_any }}</td>
<td class="num">{{ desk.money(r.min_open) if r.min_open is not none else '' }}</td><td class="num">{{ desk.money(r.max_open) if r.max_open is not none else '' }}</td>
<td><a href="#wf-{{ r.workflow_id }}">{{ names.get(r.workflow_id, r.workflow_id) }}</a></td></tr>{% endfor %}
</tbody></table></div>{% else %}<p class="notice error">{{ t.wf_no_rules }}</p>{% endif %}
{% if may_write %}<p><a href="{{ desk.url('/workflows/rules') }}">{{ t.wf_rules_edit }}</a></p>{% endif %}</section>
{% for w in workflows %}<section aria-labelledby="wf-{{ w.workflow_id }}"><h2 id="wf-{{ w.workflow_id }}">{{ w.name }} <span class="badge">{{ t.wf_active if w.active else t.wf_inactive }}</span></h2>
<p class="muted">{{ t.wf_id }}: <code>{{ w.workflow_id }}</code> · {{ t.wf_bundled.format(days=w.bundle_days) if w.bundle_days else t.wf_not_bundled }}</p>
<div class="scroll" role="region" tabindex="0" aria-label="{{ t.wf_steps_of.format(name=w.name) }}"><table><caption class="visually-hidden">{{ t.wf_steps_of.format(name=w.name) }}</caption>
<thead><tr><th scope="col">#</th><th scope="col">{{ t.wf_step }}</th><th scope="col">{{ t.wf_channel }}</th><th scope="col">{{ t.wf_when }}</th>
<th scope="col">{{ t.wf_templates }}</th><th scope="col">{{ t.wf_for }}</th></tr></thead><tbody>
{% for s in w.steps %}<tr><td>{{ loop.index }}</td><td>{{ s.name }}</td><td>{{ t['wf_ch_' + s.channel.value] }}{% if s.fallback %} ({{ t.wf_else }} {{ t['wf_ch_' + s.fallback.value] }}){% endif %}</td>
<td>{{ t['wf_from_' + s.offset_from.value].format(days=s.offset_days) }}</td>
<td>{% for lang, tid in s.templates|dictsort %}<a href="{{ desk.url('/templates/edit', id=tid) }}">{{ tid }}</a> ({{ lang }}){% if not loop.last %}, {% endif %}{% endfor %}</td>
<td>{{ kinds(s) }}{% if s.min_open_amount %}, {{ t.wf_from_amount.format(amount=desk.money(s.min_open_amount)) }}{% endif %}</td></tr>{% endfor %}
</tbody></table></div>
{% if may_write %}<p><a href="{{ desk.url('/workflows/edit', id=w.workflow_id) }}">{{ t.wf_edit }}<span class="visually-hidden"> {{ w.name }}</span></a></p>
{% if not w.active %}<form method="post" action="{{ desk.url('/workflows') }}" class="inline">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="activate"><input type="hidden" name="workflow" value="{{ w.workflow_id }}">
<button type="submit">{{ t.wf_activate }}<span class="visually-hidden"> {{ w.name }}</span></button></form>{% endif %}
<form method="post" action="{{ desk.url('/workflows') }}" class="inline">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="copy"><input type="hidden" name="workflow" value="{{ w.workflow_id }}">
<div><label for="wf-new-{{ loop.index }}">{{ t.wf_copy_name }}</label><input id="wf-new-{{ loop.index }}" name="new_id" value="{{ w.workflow_id }}-kopie"></div>
{% if targets|length > 1 %}<div><label for="wf-to-{{ loop.index }}">{{ t.wf_copy_to }}</label><select id="wf-to-{{ loop.index }}" name="to">
{% for c in targets %}<option value="{{ c.client_id }}"{% if c.client_id == desk.client_id %} selected{% endif %}>{{ c.name }}</option>{% endfor %}</select></div>{% endif %}
<button type="submit" class="secondary">{{ t.wf_copy }}</button></form>{% endif %}
</section>{% else %}<p>{{ t.wf_none }}</p>{% endfor %}
{% endblock %}"""

templates(**{"workflows": WORKFLOWS})

words(
    nl={"wf_nav": "Workflows", "wf_title": "Workflows", "wf_rules": "Debiteurgroepen en hun workflow",
        "wf_rules_intro": "De eerste regel die bij een debiteur past, kiest de workflow. Een debiteur waarbij geen regel past, krijgt niets: de actielijst meldt hem.",
        "wf_segment": "Debiteurgroep", "wf_kind": "Soort", "wf_min": "Vanaf open", "wf_max": "Tot open",
        "wf_workflow": "Workflow", "wf_any": "alle", "wf_kind_b2b": "zakelijk", "wf_kind_b2c": "consument",
        "wf_no_rules": "Geen regels: geen debiteur krijgt een workflow, dus er gaat niets uit (de actielijst meldt wie wacht). Een regel zonder voorwaarden (alle soorten, geen bedragen) geeft elke debiteur die workflow.",
        "wf_active": "actief", "wf_inactive": "niet actief", "wf_id": "Naam in Inning",
        "wf_bundled": "Bundelen: {days} dagen (de facturen van een debiteur die binnen zoveel dagen aan dezelfde stap toe zijn, gaan samen in één bericht)",
        "wf_not_bundled": "Bundelen: uit",
        "wf_steps_of": "Stappen van {name}", "wf_step": "Stap", "wf_channel": "Kanaal", "wf_when": "Wanneer",
        "wf_templates": "Sjablonen", "wf_for": "Voor", "wf_else": "anders",
        "wf_ch_email": "e-mail", "wf_ch_sms": "SMS", "wf_ch_whatsapp": "WhatsApp", "wf_ch_letter": "brief",
        "wf_ch_robocall": "belcomputer", "wf_ch_staff_task": "taak voor een medewerker",
        "wf_ch_fourteen_day_letter": "veertiendagenbrief", "wf_ch_handover": "overdracht aan incassopartij",
        "wf_from_due_date": "{days} dagen na de vervaldatum", "wf_from_previous_step": "{days} dagen na de vorige stap",
        "wf_from_amount": "vanaf {amount} open", "wf_copy_name": "Naam van de kopie", "wf_copy_to": "Naar opdrachtgever",
        "wf_copy": "Kopiëren", "wf_none": "Deze opdrachtgever heeft nog geen workflows.",
        "done_wf_copied": "De workflow is gekopieerd (niet actief tot hij wordt geactiveerd).",
        "wf_not_activated": "De workflow kan niet actief worden"},
    en={"wf_nav": "Workflows", "wf_title": "Workflows", "wf_rules": "Debtor segments and their workflow",
        "wf_rules_intro": "The first rule that fits a debtor chooses the workflow. A debtor no rule fits gets nothing: the action list names him.",
        "wf_segment": "Segment", "wf_kind": "Kind", "wf_min": "From open", "wf_max": "Up to open",
        "wf_workflow": "Workflow", "wf_any": "any", "wf_kind_b2b": "business", "wf_kind_b2c": "consumer",
        "wf_no_rules": "No rules: no debtor gets a workflow, so nothing is sent (the action list names who waits). A rule without conditions (any kind, no amounts) gives every debtor that workflow.",
        "wf_active": "active", "wf_inactive": "not active", "wf_id": "Name in Inning",
        "wf_bundled": "Bundling: {days} days (a debtor's invoices due for the same step within that many days go together in one message)",
        "wf_not_bundled": "Bundling: off",
        "wf_steps_of": "Steps of {name}", "wf_step": "Step", "wf_channel": "Channel", "wf_when": "When",
        "wf_templates": "Templates", "wf_for": "For", "wf_else": "else",
        "wf_ch_email": "e-mail", "wf_ch_sms": "SMS", "wf_ch_whatsapp": "WhatsApp", "wf_ch_letter": "letter",
        "wf_ch_robocall": "robocall", "wf_ch_staff_task": "task for staff",
        "wf_ch_fourteen_day_letter": "14-day letter", "wf_ch_handover": "handover to the agency",
        "wf_from_due_date": "{days} days after the due date", "wf_from_previous_step": "{days} days after the previous step",
        "wf_from_amount": "from {amount} open", "wf_copy_name": "Name of the copy", "wf_copy_to": "To client",
        "wf_copy": "Copy", "wf_none": "This client has no workflows yet.",
        "done_wf_copied": "The workflow has been copied (not active until it is activated).",
        "wf_not_activated": "The workflow cannot be activated"},
)  # fmt: skip


def copy_target(desk: Desk) -> Client:
    """The client a copy goes to: the page's own, or (agency people only) another client of
    the agency on which the person may write."""
    wanted = desk.field("to") or desk.client_id
    if wanted == desk.client_id:
        return desk.client
    if not desk.agency_level:
        raise Forbidden(desk.t["forbidden"])
    for client in desk.choices:
        if client.client_id == wanted:
            desk.require(Action.WRITE, client.client_id)
            return client
    raise NotFound("client not found")


def copy_targets(desk: Desk) -> list[Client]:
    """Where this person may copy to: the agency's clients for its people, else the own."""
    return list(desk.choices) if desk.agency_level else [desk.client]


@page("workflows", nav="wf_nav", order=50)
def workflows(desk: Desk, rest: list[str]) -> ApiResponse:
    client = desk.client
    if rest == ["edit"]:
        return edit_workflow(desk, client)
    if rest == ["rules"]:
        return edit_rules(desk, client)
    if rest:
        raise NotFound("no such workflows page")
    if desk.req.method == "POST" and desk.field("do") == "activate":
        answer = activate_workflow(desk, client)
        if isinstance(answer, list):
            return _show(desk, client, 422, problems=answer)
        return answer
    if desk.req.method == "POST":
        if desk.field("do") != "copy":
            raise NotFound("no such action")
        try:
            desk.services.dunning_setup.copy_workflow(
                client, desk.field("workflow"), copy_target(desk), desk.field("new_id")
            )
        except Invalid as exc:
            return _show(desk, client, 422, notice=refusal(exc, desk.lang), error=True)
        return desk.redirect("/workflows", done="wf_copied")
    return _show(desk, client)


def _show(desk: Desk, client: Client, status: int = 200, **extra: Any) -> ApiResponse:
    repo = desk.services.repos.dunning
    flows = sorted(repo.workflows(client.client_id).values(), key=lambda w: w.name.lower())

    def kinds(step: object) -> str:
        chosen = sorted(k.value for k in getattr(step, "debtor_kinds", ()))
        return ", ".join(desk.t[f"wf_kind_{k}"] for k in chosen)

    return desk.render(
        "workflows", "wf_title", status, workflows=flows, rules=repo.rules(client.client_id),
        names={w.workflow_id: w.name for w in flows}, kinds=kinds,
        may_write=desk.may(Action.WRITE), targets=copy_targets(desk),
        problems=extra.pop("problems", []), **extra,
    )  # fmt: skip
