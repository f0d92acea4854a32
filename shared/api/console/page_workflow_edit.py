"""The workflow editor (``/workflows/edit``) and the segment rules' editor (``/workflows/rules``):
what the API's ``PUT …/workflows/{id}``, ``…/activate`` and ``PUT …/segment-rules`` do, in forms,
through the same checks (:mod:`shared.services.dunning_setup`). Saving a running workflow keeps
it running only when the new version passes the activation checks; otherwise nothing is saved
and the page says why, so an edit never stops a client's dunning by surprise."""

from __future__ import annotations

from typing import Any

from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, templates, words
from shared.api.console.workflow_form import (
    RULE_FIELDS,
    STEP_FIELDS,
    FormError,
    Row,
    blank_step,
    bundle_days_from,
    posted_rows,
    rule_rows,
    rules_from,
    step_rows,
    steps_from,
)
from shared.api.http import ApiResponse
from shared.domain.dunning.workflow import StepChannel, Workflow
from shared.domain.parties import Client
from shared.domain.people.authorisation import Action
from shared.services.dunning_setup import (
    FALLBACKS,
    LETTER_BY,
    MAX_BUNDLE_DAYS,
    NotActivatable,
    WorkflowChanged,
    language_gaps,
)
from shared.services.errors import Invalid, NotFound

EDIT = """{% extends "shell" %}{% block main %}
{% if newer %}<section class="notice error" aria-labelledby="wf-newer-h"><h2 id="wf-newer-h">{{ t.wf_changed }}</h2>
<p>{{ t.wf_changed_hint }}</p><ol>{% for s in newer.steps %}<li>{{ s.name }} ({{ t['wf_ch_' + s.channel.value] }}, {{ s.offset_days }} {{ t.wf_days|lower }})</li>{% endfor %}</ol>
<p>{{ t.wf_state }}: <span class="badge">{{ t.wf_active if newer.active else t.wf_inactive }}</span></p></section>{% endif %}
{% if gaps %}<section class="notice" aria-labelledby="wf-gaps-h"><h2 id="wf-gaps-h">{{ t.wf_gaps }}</h2>
<ul>{% for g in gaps %}<li>{{ g }}</li>{% endfor %}</ul></section>{% endif %}
{% if problems %}<section class="notice error" aria-labelledby="wf-problems-h"><h2 id="wf-problems-h">{{ t.wf_not_activatable }}</h2>
<ul>{% for p in problems %}<li>{{ p }}</li>{% endfor %}</ul></section>{% endif %}
<form method="post" action="{{ desk.url('/workflows/edit') }}">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="rows" value="{{ rows|length }}"><input type="hidden" name="was" value="{{ was }}"><input type="hidden" name="etag" value="{{ etag }}">
<div class="card"><div class="inline">
<div><label for="wf-id">{{ t.wf_id }}</label><input id="wf-id" name="workflow_id" value="{{ workflow_id }}" required maxlength="100"{% if was %} readonly aria-describedby="wf-id-hint"{% endif %}></div>
<div><label for="wf-name">{{ t.wf_name }}</label><input id="wf-name" name="name" value="{{ name }}" required maxlength="100"></div></div>
{% if was %}<p id="wf-id-hint" class="muted">{{ t.wf_id_hint }}</p>{% endif %}
<div><label for="wf-bundle">{{ t.wf_bundle_days }}</label><input id="wf-bundle" name="bundle_days" value="{{ bundle_days }}" size="3" inputmode="numeric" aria-describedby="wf-bundle-hint">
<p id="wf-bundle-hint" class="muted">{{ t.wf_bundle_hint.format(limit=max_bundle_days) }}</p></div>
<p>{{ t.wf_state }}: <span class="badge">{{ t.wf_active if active else t.wf_inactive }}</span></p></div>
<div class="scroll" role="region" tabindex="0" aria-label="{{ t.wf_steps }}"><table><caption>{{ t.wf_steps }}</caption>
<thead><tr><th scope="col">{{ t.wf_pos }}</th><th scope="col">{{ t.wf_step }}</th><th scope="col">{{ t.wf_channel }}</th><th scope="col">{{ t.wf_fallback }}</th>
<th scope="col">{{ t.wf_days }}</th><th scope="col">{{ t.wf_counted }}</th><th scope="col">{{ t.wf_templates }} (nl / en)</th><th scope="col">{{ t.wf_for }}</th>
<th scope="col">{{ t.wf_min_amount }}</th><th scope="col">{{ t.wf_letter_by }}</th><th scope="col">{{ t.wf_remove }}</th></tr></thead><tbody>
{% for r in rows %}{% set i = loop.index0 %}{% set n = loop.index %}<tr>
<td><input name="r{{ i }}_pos" value="{{ r.pos }}" size="3" inputmode="numeric" aria-label="{{ t.wf_pos }} ({{ t.wf_row.format(row=n) }})">{% if r.id %}<input type="hidden" name="r{{ i }}_id" value="{{ r.id }}">{% endif %}{% if r.tpl_whatsapp %}<input type="hidden" name="r{{ i }}_tpl_whatsapp" value="{{ r.tpl_whatsapp }}">{% endif %}</td>
<td><input name="r{{ i }}_name" value="{{ r.name }}" maxlength="100" aria-label="{{ t.wf_step }} ({{ t.wf_row.format(row=n) }})"></td>
<td><select name="r{{ i }}_channel" aria-label="{{ t.wf_channel }} ({{ t.wf_row.format(row=n) }})">{% for c in channels %}<option value="{{ c }}"{% if c == r.channel %} selected{% endif %}>{{ t['wf_ch_' + c] }}</option>{% endfor %}</select></td>
<td><select name="r{{ i }}_fallback" aria-label="{{ t.wf_fallback }} ({{ t.wf_row.format(row=n) }})"><option value="">{{ t.wf_no_fallback }}</option>{% for c in fallbacks %}<option value="{{ c }}"{% if c == r.fallback %} selected{% endif %}>{{ t['wf_ch_' + c] }}</option>{% endfor %}</select></td>
<td><input name="r{{ i }}_days" value="{{ r.days }}" size="4" inputmode="numeric" aria-label="{{ t.wf_days }} ({{ t.wf_row.format(row=n) }})"></td>
<td><select name="r{{ i }}_from" aria-label="{{ t.wf_counted }} ({{ t.wf_row.format(row=n) }})">{% for f in ('due_date', 'previous_step') %}<option value="{{ f }}"{% if f == r['from'] %} selected{% endif %}>{{ t['wf_after_' + f] }}</option>{% endfor %}</select></td>
<td>{% for lang in ('nl', 'en') %}<select name="r{{ i }}_tpl_{{ lang }}" aria-label="{{ t.wf_template_in.format(lang=lang) }} ({{ t.wf_row.format(row=n) }})"><option value="">-</option>{% for tid in template_ids %}<option value="{{ tid }}"{% if tid == r['tpl_' + lang] %} selected{% endif %}>{{ tid }}</option>{% endfor %}
{% if r['tpl_' + lang] and r['tpl_' + lang] not in template_ids %}<option value="{{ r['tpl_' + lang] }}" selected>{{ r['tpl_' + lang] }} ({{ t.wf_missing }})</option>{% endif %}</select>{% endfor %}</td>
<td><input type="checkbox" id="r{{ i }}-b2b" name="r{{ i }}_b2b" value="1"{% if r.b2b %} checked{% endif %}><label for="r{{ i }}-b2b" class="inline-label">{{ t.wf_kind_b2b }}</label>
<input type="checkbox" id="r{{ i }}-b2c" name="r{{ i }}_b2c" value="1"{% if r.b2c %} checked{% endif %}><label for="r{{ i }}-b2c" class="inline-label">{{ t.wf_kind_b2c }}</label></td>
<td><input name="r{{ i }}_min" value="{{ r.min }}" size="8" inputmode="decimal" aria-label="{{ t.wf_min_amount }} ({{ t.wf_row.format(row=n) }})"></td>
<td><select name="r{{ i }}_letter_by" aria-label="{{ t.wf_letter_by }} ({{ t.wf_row.format(row=n) }})">{% for c in letter_by %}<option value="{{ c }}"{% if c == r.letter_by %} selected{% endif %}>{{ t['wf_ch_' + c] }}</option>{% endfor %}</select></td>
<td><input type="checkbox" id="r{{ i }}-remove" name="r{{ i }}_remove" value="1"{% if r.remove %} checked{% endif %}><label for="r{{ i }}-remove" class="inline-label">{{ t.wf_remove }}</label></td></tr>{% endfor %}
</tbody></table></div>
<p class="muted">{{ t.wf_edit_hint }}</p>
{% if may_write %}<div class="inline"><button type="submit" name="do" value="activate">{{ t.wf_save_active }}</button>
<button type="submit" name="do" value="save" class="secondary">{{ t.wf_save_inactive }}</button></div>
<p class="muted">{{ t.wf_save_hint }}</p>{% endif %}</form>
<p><a href="{{ desk.url('/workflows') }}">{{ t.wf_back }}</a></p>{% endblock %}"""

RULES = """{% extends "shell" %}{% block main %}
<p>{{ t.wf_rules_intro }}</p>
<form method="post" action="{{ desk.url('/workflows/rules') }}">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="rows" value="{{ rows|length }}">
<div class="scroll" role="region" tabindex="0" aria-label="{{ t.wf_rules }}"><table><caption>{{ t.wf_rules }}</caption>
<thead><tr><th scope="col">{{ t.wf_pos }}</th><th scope="col">{{ t.wf_workflow }}</th><th scope="col">{{ t.wf_kind }}</th><th scope="col">{{ t.wf_segment }}</th>
<th scope="col">{{ t.wf_min }}</th><th scope="col">{{ t.wf_max }}</th><th scope="col">{{ t.wf_remove }}</th></tr></thead><tbody>
{% for r in rows %}{% set i = loop.index0 %}{% set n = loop.index %}<tr>
<td><input name="r{{ i }}_pos" value="{{ r.pos }}" size="3" inputmode="numeric" aria-label="{{ t.wf_pos }} ({{ t.wf_row.format(row=n) }})"></td>
<td><select name="r{{ i }}_workflow" aria-label="{{ t.wf_workflow }} ({{ t.wf_row.format(row=n) }})"><option value="">-</option>{% for w in workflows %}<option value="{{ w.workflow_id }}"{% if w.workflow_id == r.workflow %} selected{% endif %}>{{ w.name }}{% if not w.active %} ({{ t.wf_inactive }}){% endif %}</option>{% endfor %}</select></td>
<td><select name="r{{ i }}_kind" aria-label="{{ t.wf_kind }} ({{ t.wf_row.format(row=n) }})"><option value="">{{ t.wf_any }}</option>{% for k in ('b2b', 'b2c') %}<option value="{{ k }}"{% if k == r.kind %} selected{% endif %}>{{ t['wf_kind_' + k] }}</option>{% endfor %}</select></td>
<td><input name="r{{ i }}_segment" value="{{ r.segment }}" maxlength="100" aria-label="{{ t.wf_segment }} ({{ t.wf_row.format(row=n) }})"></td>
<td><input name="r{{ i }}_min" value="{{ r.min }}" size="8" inputmode="decimal" aria-label="{{ t.wf_min }} ({{ t.wf_row.format(row=n) }})"></td>
<td><input name="r{{ i }}_max" value="{{ r.max }}" size="8" inputmode="decimal" aria-label="{{ t.wf_max }} ({{ t.wf_row.format(row=n) }})"></td>
<td><input type="checkbox" id="r{{ i }}-remove" name="r{{ i }}_remove" value="1"{% if r.remove %} checked{% endif %}><label for="r{{ i }}-remove" class="inline-label">{{ t.wf_remove }}</label></td></tr>{% endfor %}
</tbody></table></div>
<p class="muted">{{ t.wf_rules_hint }}</p>
{% if may_write %}<button type="submit" name="do" value="save">{{ t.wf_rules_save }}</button>{% endif %}</form>
<p><a href="{{ desk.url('/workflows') }}">{{ t.wf_back }}</a></p>{% endblock %}"""

templates(**{"workflow-edit": EDIT, "workflow-rules": RULES})

words(
    nl={"wf_edit_title": "Workflow bewerken", "wf_new": "Nieuwe workflow", "wf_edit": "Bewerken",
        "wf_gaps": "Let op: niet elke stap heeft een tekst in elke taal",
        "wf_bundle_days": "Bundelen (dagen)",
        "wf_bundle_hint": "0 of leeg: uit. Met 1 tot en met {limit} gaan de facturen van een debiteur die binnen zoveel dagen aan dezelfde stap toe zijn samen in één bericht; een factuur nooit vóór haar vervaldatum.",
        "wf_name": "Naam", "wf_id_hint": "De naam in Inning blijft; kopieer de workflow voor een andere naam.",
        "wf_state": "Nu", "wf_steps": "Stappen", "wf_pos": "Volgorde", "wf_fallback": "Anders (geen contactgegevens)",
        "wf_no_fallback": "geen", "wf_days": "Dagen", "wf_counted": "Geteld vanaf",
        "wf_after_due_date": "de vervaldatum", "wf_after_previous_step": "de vorige stap",
        "wf_template_in": "Sjabloon ({lang})", "wf_missing": "bestaat niet", "wf_min_amount": "Vanaf open bedrag",
        "wf_letter_by": "14-dagenbrief per", "wf_remove": "Verwijderen", "wf_row": "Regel {row}",
        "wf_edit_hint": "Een nieuwe stap vult u in een lege regel in; de volgorde bepaalt de nummers. Negatieve dagen: vóór de vervaldatum.",
        "wf_save_active": "Opslaan en activeren", "wf_save_inactive": "Opslaan als niet actief",
        "wf_save_hint": "Opslaan en activeren controleert eerst de workflow; lukt dat niet, dan blijft alles zoals het was. Een workflow die niet actief is, stuurt niets.",
        "wf_not_activatable": "De workflow kan zo niet actief worden; er is niets opgeslagen",
        "wf_err_name": "een stap heeft een naam nodig", "wf_err_days": "vul het aantal dagen in als heel getal",
        "wf_err_choice": "kies een waarde uit de lijst", "wf_err_amount": "een bedrag als 250,00 (zonder punten)",
        "wf_err_no_steps": "Een workflow heeft minstens één stap.",
        "wf_activate": "Activeren", "wf_rules_edit": "Regels bewerken", "wf_rules_title": "Debiteurgroepen bewerken",
        "wf_rules_hint": "Lege regels tellen niet. Een debiteur waarbij geen regel past, krijgt geen workflow: er gaat niets naar hem uit en de actielijst meldt hem.",
        "wf_rules_save": "Regels opslaan", "wf_back": "Terug naar de workflows",
        "done_wf_saved": "De workflow is opgeslagen en actief.", "done_wf_saved_inactive": "De workflow is opgeslagen (niet actief).",
        "done_wf_activated": "De workflow is actief.", "done_wf_rules": "De regels zijn opgeslagen.",
        "wf_exists": "Er is al een workflow met deze naam in Inning; bewerk die, of kies een andere naam.",
        "wf_changed": "Iemand anders heeft deze workflow intussen opgeslagen; uw wijziging is niet opgeslagen",
        "wf_changed_hint": "Zo ziet de workflow er nu uit. Uw regels staan hieronder zoals u ze invulde: neem over wat u van de nieuwe versie wilt houden en sla opnieuw op."},
    en={"wf_edit_title": "Edit workflow", "wf_new": "New workflow", "wf_edit": "Edit",
        "wf_gaps": "Note: not every step has a text in every language",
        "wf_bundle_days": "Bundling (days)",
        "wf_bundle_hint": "0 or blank: off. With 1 to {limit}, a debtor's invoices due for the same step within that many days go together in one message; an invoice never before its due date.",
        "wf_name": "Name", "wf_id_hint": "The name in Inning stays; copy the workflow for another name.",
        "wf_state": "Now", "wf_steps": "Steps", "wf_pos": "Order", "wf_fallback": "Else (no contact details)",
        "wf_no_fallback": "none", "wf_days": "Days", "wf_counted": "Counted from",
        "wf_after_due_date": "the due date", "wf_after_previous_step": "the previous step",
        "wf_template_in": "Template ({lang})", "wf_missing": "does not exist", "wf_min_amount": "From open amount",
        "wf_letter_by": "14-day letter by", "wf_remove": "Remove", "wf_row": "Row {row}",
        "wf_edit_hint": "Fill in a blank row for a new step; the order decides the numbers. Negative days: before the due date.",
        "wf_save_active": "Save and activate", "wf_save_inactive": "Save as not active",
        "wf_save_hint": "Save and activate checks the workflow first; if it does not pass, everything stays as it was. A workflow that is not active sends nothing.",
        "wf_not_activatable": "The workflow cannot become active like this; nothing was saved",
        "wf_err_name": "a step needs a name", "wf_err_days": "enter the number of days as a whole number",
        "wf_err_choice": "choose a value from the list", "wf_err_amount": "an amount such as 250.00 (no thousands separators)",
        "wf_err_no_steps": "A workflow has at least one step.",
        "wf_activate": "Activate", "wf_rules_edit": "Edit rules", "wf_rules_title": "Edit debtor segments",
        "wf_rules_hint": "Blank rows do not count. A debtor no rule fits gets no workflow: nothing is sent to him and the action list names him.",
        "wf_rules_save": "Save rules", "wf_back": "Back to the workflows",
        "done_wf_saved": "The workflow has been saved and is active.", "done_wf_saved_inactive": "The workflow has been saved (not active).",
        "done_wf_activated": "The workflow is active.", "done_wf_rules": "The rules have been saved.",
        "wf_exists": "A workflow with this name in Inning exists already; edit it, or choose another name.",
        "wf_changed": "Someone else saved this workflow meanwhile; your change was not saved",
        "wf_changed_hint": "This is the workflow as it is now. Your rows are below as you entered them: take over what you want to keep of the new version and save again."},
)  # fmt: skip

CHANNELS = [c.value for c in StepChannel]


def edit_workflow(desk: Desk, client: Client) -> ApiResponse:
    if desk.req.method != "POST":
        workflow_id = desk.query("id")
        read = (
            desk.services.repos.dunning.workflow(client.client_id, workflow_id)
            if workflow_id
            else None
        )
        if workflow_id and read is None:
            raise NotFound(f"workflow {workflow_id} not found")
        found, etag = read if read else (None, "")
        return _editor(desk, client, found, step_rows(found, desk.lang), etag=etag,
                       workflow_id=workflow_id, name=found.name if found else "",
                       bundle_days=str(found.bundle_days) if found else "0")  # fmt: skip
    rows = posted_rows(desk.field, desk.field("rows"), STEP_FIELDS)
    was = desk.field("was")
    workflow_id = was or desk.field("workflow_id")
    name = desk.field("name")
    # None: a page from before the field (the stored value stays)
    posted_bundle = desk.field("bundle_days") if "bundle_days" in desk.form else None
    bundle = {"bundle_days": posted_bundle or ""}  # shown again as typed when refused
    found = _workflow(desk, client, was) if was else None
    if was and found is None:
        raise NotFound(f"workflow {was} not found")
    # the version the page showed ("" for a new one): saved only over that one
    etag = desk.field("etag") if was else ""
    if not was and _workflow(desk, client, workflow_id) is not None:
        return _editor(desk, client, None, rows, 409, workflow_id=workflow_id, name=name,
                       notice=desk.t["wf_exists"], error=True, etag="", **bundle)  # fmt: skip
    activate = desk.field("do") == "activate"
    if desk.field("do") not in ("activate", "save"):
        raise NotFound("no such action")
    try:
        steps = steps_from(rows, desk.t)
        saved = desk.services.dunning_setup.save_workflow(
            client,
            workflow_id,
            name,
            steps,
            activate=activate,
            etag=etag,
            bundle_days=bundle_days_from(posted_bundle),
        )
    except WorkflowChanged:
        # someone saved since this page was read: shown the newer version beside the person's
        # rows as typed; saving again saves them over the version now shown
        now = desk.services.repos.dunning.workflow(client.client_id, workflow_id)
        newer, newer_etag = now if now else (None, "")
        return _editor(desk, client, newer, rows, 409, workflow_id=workflow_id, name=name,
                       newer=newer, etag=newer_etag, **bundle)  # fmt: skip
    except NotActivatable as exc:
        return _editor(desk, client, found, rows, 422, workflow_id=workflow_id, name=name,
                       problems=[refusal(p, desk.lang) for p in exc.errors], etag=etag, **bundle)  # fmt: skip
    except (FormError, Invalid) as exc:
        return _editor(desk, client, found, rows, 422, workflow_id=workflow_id, name=name,
                       notice=refusal(exc, desk.lang), error=True, etag=etag, **bundle)  # fmt: skip
    workflow = saved.workflow
    done = "wf_saved" if workflow.active else "wf_saved_inactive"
    return desk.redirect("/workflows/edit", id=workflow.workflow_id, done=done)


def activate_workflow(desk: Desk, client: Client) -> ApiResponse | list[str]:
    """Activate from the list: the page again, or the reasons it cannot be."""
    try:
        desk.services.dunning_setup.activate_workflow(client, desk.field("workflow"))
    except NotActivatable as exc:
        return [refusal(p, desk.lang) for p in exc.errors]
    return desk.redirect("/workflows", done="wf_activated")


def edit_rules(desk: Desk, client: Client) -> ApiResponse:
    setup = desk.services.dunning_setup
    if desk.req.method != "POST":
        rules = desk.services.repos.dunning.rules(client.client_id)
        return _rules(desk, client, rule_rows(rules, desk.lang))
    if desk.field("do") != "save":
        raise NotFound("no such action")
    rows = posted_rows(desk.field, desk.field("rows"), RULE_FIELDS)
    try:
        setup.save_rules(client, rules_from(rows, desk.t))
    except (FormError, Invalid) as exc:
        return _rules(desk, client, rows, 422, notice=refusal(exc, desk.lang), error=True)
    return desk.redirect("/workflows", done="wf_rules")


def _workflow(desk: Desk, client: Client, workflow_id: str) -> Workflow | None:
    return desk.services.repos.dunning.workflows(client.client_id).get(workflow_id)


def _editor(desk: Desk, client: Client, found: Workflow | None, rows: list[Row],
            status: int = 200, **extra: Any) -> ApiResponse:  # fmt: skip
    if not any(not r["name"] and not r["days"] for r in rows):
        rows = [*rows, blank_step(len(rows) + 1)]  # always room for one more step
    extra.setdefault("problems", [])
    extra.setdefault("newer", None)
    extra.setdefault("bundle_days", "0")
    return desk.render(
        "workflow-edit", "wf_edit_title", status, rows=rows, was=found.workflow_id if found else "",
        gaps=[refusal(g, desk.lang) for g in language_gaps(found)] if found else [],
        active=bool(found and found.active), channels=CHANNELS, max_bundle_days=MAX_BUNDLE_DAYS,
        fallbacks=[c.value for c in FALLBACKS], letter_by=[c.value for c in LETTER_BY],
        template_ids=sorted(desk.services.repos.dunning.templates(client.client_id)),
        may_write=desk.may(Action.WRITE), **extra,
    )  # fmt: skip


def _rules(desk: Desk, client: Client, rows: list[Row], status: int = 200,
           **extra: Any) -> ApiResponse:  # fmt: skip
    flows = sorted(desk.services.repos.dunning.workflows(client.client_id).values(),
                   key=lambda w: w.name.lower())  # fmt: skip
    return desk.render("workflow-rules", "wf_rules_title", status, rows=rows, workflows=flows,
                       may_write=desk.may(Action.WRITE), **extra)  # fmt: skip
