"""WhatsApp templates: how Inning fills each template the client had approved by Meta (its
approved name, languages, one expression per body parameter ``{{1}}``, ``{{2}}`` ..., and the
fixed part of the URL button whose variable is the payment link's tail). Read and saved through
the by-hand service's use cases, as the API's ``PUT /v1/clients/{client}/whatsapp-templates/
{template}`` does; the save-time checks (the same as the API's, rendering
the parameters for a sample debtor) are shown beside the field they concern.

``/api/console/whatsapp-templates``, ``/whatsapp-templates/new``, ``/whatsapp-templates/<name>``."""

from __future__ import annotations

import re

from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, page, templates, words
from shared.api.http import ApiResponse
from shared.domain.conversations.whatsapp import WhatsappTemplate
from shared.domain.people.authorisation import Action
from shared.services.errors import Invalid

FIELDS = ("name", "languages", "body_params", "url_button_base", "url_button_index")

LIST = """{% extends "shell" %}{% block main %}
<p>{{ t.wat_intro }}</p>
{% if may_write %}<p><a class="button" href="{{ desk.url('/whatsapp-templates/new') }}">{{ t.wat_new }}</a></p>{% endif %}
<section aria-labelledby="wat-h"><h2 id="wat-h">{{ t.wat_list }}</h2>
{% if items %}<div class="scroll" role="region" tabindex="0" aria-labelledby="wat-h"><table><caption class="visually-hidden">{{ t.wat_list }}</caption>
<thead><tr><th scope="col">{{ t.wat_name }}</th><th scope="col">{{ t.wat_languages }}</th><th scope="col">{{ t.wat_params }}</th><th scope="col">{{ t.wat_button }}</th></tr></thead><tbody>
{% for w in items %}<tr><th scope="row"><a href="{{ desk.url('/whatsapp-templates/' + w.name) }}">{{ w.name }}</a></th><td>{{ w.languages|join(', ') }}</td>
<td>{% for p in w.body_params %}<div><code>{{ '{{' ~ loop.index ~ '}}' }}</code> = <code>{{ p }}</code></div>{% endfor %}</td>
<td>{% if w.url_button_base %}{{ t.wat_button_n.format(n=w.url_button_index) }}: <code>{{ w.url_button_base }}</code>…{% else %}<span class="muted">{{ t.wat_no_button }}</span>{% endif %}</td></tr>{% endfor %}
</tbody></table></div>{% else %}<p class="muted">{{ t.wat_none }}</p>{% endif %}</section>{% endblock %}"""

FORM = """{% extends "shell" %}{% block main %}
{% macro problem(name) %}{% if errors.get(name) %}<p class="red" id="err-{{ name }}">{{ errors[name] }}</p>{% endif %}{% endmacro %}
{% macro described(name, hint='') %}{% if errors.get(name) %} aria-invalid="true" aria-describedby="err-{{ name }}{{ ' ' + hint if hint }}"{% elif hint %} aria-describedby="{{ hint }}"{% endif %}{% endmacro %}
<form method="post" action="{{ desk.url('/whatsapp-templates/' + (saved or 'new')) }}" class="card">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<label for="wat-name">{{ t.wat_name }}</label><input id="wat-name" name="name" value="{{ form.name }}" maxlength="512" required{% if saved %} readonly{% endif %}{{ described('name', 'wat-name-hint') }}>
<p class="muted" id="wat-name-hint">{{ t.wat_name_hint }}</p>{{ problem('name') }}
<label for="wat-languages">{{ t.wat_languages }}</label><input id="wat-languages" name="languages" value="{{ form.languages }}" maxlength="200" required{{ described('languages', 'wat-languages-hint') }}>
<p class="muted" id="wat-languages-hint">{{ t.wat_languages_hint }}</p>{{ problem('languages') }}
<label for="wat-params">{{ t.wat_params }}</label><textarea id="wat-params" name="body_params" rows="6"{{ described('body_params', 'wat-params-hint') }}>{{ form.body_params }}</textarea>
<p class="muted" id="wat-params-hint">{{ t.wat_params_hint }}</p>{{ problem('body_params') }}
<label for="wat-button">{{ t.wat_button }}</label><input id="wat-button" name="url_button_base" value="{{ form.url_button_base }}" maxlength="500"{{ described('url_button_base', 'wat-button-hint') }}>
<p class="muted" id="wat-button-hint">{{ t.wat_button_hint }}</p>{{ problem('url_button_base') }}
<label for="wat-index">{{ t.wat_index }}</label><input id="wat-index" name="url_button_index" value="{{ form.url_button_index }}" inputmode="numeric" pattern="[0-9]"{{ described('url_button_index') }}>{{ problem('url_button_index') }}
{% for name, reason in errors.items() if name not in fields %}<p class="red">{{ name }}: {{ reason }}</p>{% endfor %}
{% if may_write %}<p><button type="submit">{{ t.wat_save }}</button></p>{% endif %}</form>
<p><a href="{{ desk.url('/whatsapp-templates') }}">{{ t.wat_back }}</a></p>{% endblock %}"""

templates(**{"whatsapp-templates": LIST, "whatsapp-template": FORM})

words(
    nl={"wat_nav": "WhatsApp-templates", "wat_title": "WhatsApp-templates",
        "wat_intro": "Buiten het 24-uursvenster mag alleen een door Meta goedgekeurd template worden verstuurd. Beschrijf hier hoe Inning elk goedgekeurd template vult.",
        "wat_new": "Template beschrijven", "wat_edit": "WhatsApp-template", "wat_list": "Beschreven templates",
        "wat_name": "Goedgekeurde naam", "wat_name_hint": "Precies zoals bij Meta: kleine letters, cijfers en liggende streepjes.",
        "wat_languages": "Goedgekeurde talen", "wat_languages_hint": "Taalcodes gescheiden door komma's, bijvoorbeeld nl, en_US.",
        "wat_params": "Parameters van de tekst", "wat_params_hint": "Eén expressie per regel: regel 1 vult {{1}}, regel 2 {{2}}; bijvoorbeeld debtor.name of total|money.",
        "wat_button": "Vaste deel van de URL-knop", "wat_button_hint": "De goedgekeurde URL vóór de variabele; de rest van de betaallink wordt de parameter. Leeg: geen knop.",
        "wat_index": "Positie van de knop (0–9)", "wat_button_n": "Knop {n}", "wat_no_button": "geen knop",
        "wat_none": "Nog geen templates beschreven.", "wat_save": "Opslaan", "wat_back": "Terug naar de WhatsApp-templates",
"wat_not_saved": "Niet opgeslagen: zie de reden bij het veld.",
        "wat_bad_index": "een cijfer van 0 tot en met 9", "done_wat_saved": "Het WhatsApp-template is opgeslagen."},
    en={"wat_nav": "WhatsApp templates", "wat_title": "WhatsApp templates",
        "wat_intro": "Outside the 24-hour window only a template approved by Meta may be sent. Describe here how Inning fills each approved template.",
        "wat_new": "Describe a template", "wat_edit": "WhatsApp template", "wat_list": "Described templates",
        "wat_name": "Approved name", "wat_name_hint": "Exactly as at Meta: lower-case letters, digits and underscores.",
        "wat_languages": "Approved languages", "wat_languages_hint": "Language codes separated by commas, for example nl, en_US.",
        "wat_params": "Body parameters", "wat_params_hint": "One expression per line: line 1 fills {{1}}, line 2 {{2}}; for example debtor.name or total|money.",
        "wat_button": "Fixed part of the URL button", "wat_button_hint": "The approved URL before the variable; the rest of the payment link becomes the parameter. Empty: no button.",
        "wat_index": "Position of the button (0–9)", "wat_button_n": "Button {n}", "wat_no_button": "no button",
        "wat_none": "No templates described yet.", "wat_save": "Save", "wat_back": "Back to the WhatsApp templates",
"wat_not_saved": "Not saved: see the reason beside the field.",
        "wat_bad_index": "a digit from 0 to 9", "done_wat_saved": "The WhatsApp template is saved."},
)  # fmt: skip


@page("whatsapp-templates", nav="wat_nav", order=63)
def whatsapp_templates(desk: Desk, rest: list[str]) -> ApiResponse:
    if len(rest) > 1:
        return desk.message(404, desk.t["not_found"])
    known = {t.name: t for t in desk.services.by_hand.whatsapp_templates(desk.client.client_id)}
    name = rest[0] if rest and rest[0] != "new" else None
    if name is not None and name not in known:
        return desk.message(404, desk.t["not_found"])  # another client's, or none
    if desk.req.method == "POST":
        return _save(desk, name)
    if not rest:
        return desk.render("whatsapp-templates", "wat_title", items=list(known.values()),
                           may_write=desk.may(Action.WRITE))  # fmt: skip
    blank = {"name": "", "languages": desk.lang, "body_params": "", "url_button_base": "",
             "url_button_index": "0"}  # fmt: skip
    return _form(desk, name, _as_form(known[name]) if name else blank)


def _as_form(t: WhatsappTemplate) -> dict[str, str]:
    return {"name": t.name, "languages": ", ".join(t.languages),
            "body_params": "\n".join(t.body_params), "url_button_base": t.url_button_base or "",
            "url_button_index": str(t.url_button_index)}  # fmt: skip


def _form(desk: Desk, saved: str | None, form: dict[str, str], status: int = 200,
          errors: dict[str, str] | None = None) -> ApiResponse:  # fmt: skip
    return desk.render("whatsapp-template", "wat_edit" if saved else "wat_new", status,
                       notice=desk.t["wat_not_saved"] if errors else "", error=bool(errors),
                       form=form, saved=saved, errors=errors or {}, fields=FIELDS,
                       may_write=desk.may(Action.WRITE))  # fmt: skip


def _save(desk: Desk, saved: str | None) -> ApiResponse:
    form = {f: desk.field(f) for f in FIELDS}
    form["body_params"] = (desk.form.get("body_params") or [""])[0]
    if saved:
        form["name"] = saved  # the name is the template's identity: edited, it is another one
    index = form["url_button_index"] or "0"
    if not re.fullmatch(r"[0-9]", index):
        return _form(desk, saved, form, 422, {"url_button_index": desk.t["wat_bad_index"]})
    definition = WhatsappTemplate(
        form["name"],
        tuple(code.strip() for code in form["languages"].split(",") if code.strip()),
        tuple(line.strip() for line in form["body_params"].splitlines() if line.strip()),
        form["url_button_base"] or None,
        int(index),
    )
    try:
        desk.services.by_hand.save_whatsapp_template(desk.client.client_id, definition)
    except Invalid as exc:
        # the body parameters are checked as one rendered text: its problems are theirs
        field = "body_params" if exc.field == "text" else exc.field or "template"
        return _form(desk, saved, form, 422, {field: refusal(exc, desk.lang)})
    return desk.redirect(f"/whatsapp-templates/{definition.name}", done="wat_saved")
