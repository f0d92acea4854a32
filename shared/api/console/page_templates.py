"""Templates: a client's message templates, an editor with the list of variables beside it, the
save-time checks shown beside the line they concern, a preview for a chosen debtor (a POST that
renders on the server, nothing saved), and copying a template within the client or, for the
agency's people, to another of its clients (:mod:`shared.services.dunning_setup`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from shared.api.console import code_text  # noqa: F401 - the |word filter
from shared.api.console.page_workflows import copy_target, copy_targets
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, page, templates, words
from shared.api.http import ApiResponse
from shared.domain.dunning.templates import MessageTemplate, TemplateError
from shared.domain.parties import Client
from shared.domain.people.authorisation import Action
from shared.services.dunning_setup import Problem, template_variables
from shared.services.errors import Invalid, NotFound

LIST = """{% extends "shell" %}{% block main %}
<p><a class="button" href="{{ desk.url('/templates/edit') }}">{{ t.tpl_new }}</a></p>
<section aria-labelledby="tpl-h"><h2 id="tpl-h">{{ t.tpl_list }}</h2>
{% if items %}<div class="scroll" role="region" tabindex="0" aria-label="{{ t.tpl_list }}"><table><caption class="visually-hidden">{{ t.tpl_list }}</caption>
<thead><tr><th scope="col">{{ t.tpl_id }}</th><th scope="col">{{ t.tpl_language }}</th><th scope="col">{{ t.tpl_subject }}</th>
<th scope="col">{{ t.tpl_14 }}</th>{% if may_write %}<th scope="col">{{ t.tpl_copy }}</th>{% endif %}</tr></thead><tbody>
{% for tid, tpl in items %}<tr><td><a href="{{ desk.url('/templates/edit', id=tid) }}">{{ tid }}</a></td><td>{{ tpl.language|word('language') }}</td>
<td>{{ tpl.subject }}</td><td>{{ t.tpl_yes if tpl.fourteen_day_letter else '' }}</td>
{% if may_write %}<td><form method="post" action="{{ desk.url('/templates') }}" class="inline">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<input type="hidden" name="do" value="copy"><input type="hidden" name="template" value="{{ tid }}">
<div><label for="tpl-new-{{ loop.index }}">{{ t.tpl_copy_name }}</label><input id="tpl-new-{{ loop.index }}" name="new_id" value="{{ tid }}-kopie"></div>
{% if targets|length > 1 %}<div><label for="tpl-to-{{ loop.index }}">{{ t.wf_copy_to }}</label><select id="tpl-to-{{ loop.index }}" name="to">
{% for c in targets %}<option value="{{ c.client_id }}"{% if c.client_id == desk.client_id %} selected{% endif %}>{{ c.name }}</option>{% endfor %}</select></div>{% endif %}
<button type="submit" class="secondary">{{ t.tpl_copy }}<span class="visually-hidden"> {{ tid }}</span></button></form></td>{% endif %}</tr>{% endfor %}
</tbody></table></div>{% else %}<p>{{ t.tpl_none }}</p>{% endif %}</section>{% endblock %}"""

EDIT = """{% extends "shell" %}{% block main %}
<form method="post" action="{{ desk.url('/templates/edit') }}">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<div class="grid"><div class="card">
<label for="tpl-id">{{ t.tpl_id }}</label><input id="tpl-id" name="template_id" value="{{ template_id }}" required>
<label for="tpl-lang">{{ t.tpl_language }}</label><select id="tpl-lang" name="language">
{% for l in ('nl', 'en') %}<option value="{{ l }}"{% if l == tpl.language %} selected{% endif %}>{{ l }}</option>{% endfor %}</select>
<label for="tpl-subject">{{ t.tpl_subject }}</label><input id="tpl-subject" name="subject" value="{{ tpl.subject }}"{% if problem and problem.part == 'subject' %} aria-describedby="tpl-problem" aria-invalid="true"{% endif %}>
<label for="tpl-text">{{ t.tpl_text }}</label><textarea id="tpl-text" name="text" rows="14"{% if problem and problem.part == 'text' %} aria-describedby="tpl-problem" aria-invalid="true"{% endif %}>{{ tpl.text }}</textarea>
<label for="tpl-html">{{ t.tpl_html }}</label><textarea id="tpl-html" name="html" rows="6"{% if problem and problem.part == 'html' %} aria-describedby="tpl-problem" aria-invalid="true"{% endif %}>{{ tpl.html or '' }}</textarea>
<p><input type="checkbox" id="tpl-14" name="fourteen_day_letter" value="1"{% if tpl.fourteen_day_letter %} checked{% endif %}><label for="tpl-14" class="inline-label">{{ t.tpl_14 }}</label></p>
</div><aside class="card" aria-labelledby="tpl-vars-h"><h2 id="tpl-vars-h">{{ t.tpl_variables }}</h2><p>{{ t.tpl_variables_intro }}</p>
<ul>{% for v in variables %}<li><code>{{ '{{ ' + v + ' }}' }}</code></li>{% endfor %}</ul>
<p>{{ t.tpl_filters }}</p></aside></div>
{% if problem %}<section class="notice error" id="tpl-problem" aria-labelledby="tpl-check-h"><h2 id="tpl-check-h">{{ t.tpl_check }}</h2>
{% if lines %}<ol class="lines">{% for line in lines %}<li{% if loop.index == problem.line %} id="tpl-line" class="problem"{% endif %}><code>{{ line }}</code>{% if loop.index == problem.line %} <strong class="red">&#8592; {{ t.tpl_line.format(line=problem.line) }}: {{ problem.reason }}</strong>{% endif %}</li>{% endfor %}</ol>
{% else %}<p><strong class="red">{{ t['tpl_part_' + problem.part] if ('tpl_part_' + problem.part) in t else problem.part }}: {{ problem.reason }}</strong></p>{% endif %}</section>{% endif %}
<div class="card"><div class="inline"><div><label for="tpl-debtor">{{ t.tpl_debtor }}</label><input id="tpl-debtor" name="debtor" value="{{ debtor }}" aria-describedby="tpl-debtor-hint"></div>
<button type="submit" name="do" value="preview" class="secondary">{{ t.tpl_preview }}</button>{% if may_write %}<button type="submit" name="do" value="save">{{ t.tpl_save }}</button>{% endif %}</div>
<p id="tpl-debtor-hint" class="muted">{{ t.tpl_debtor_hint }}</p></div></form>
{% if preview %}<section aria-labelledby="tpl-prev-h"><h2 id="tpl-prev-h">{{ t.tpl_preview_of.format(debtor=debtor or t.tpl_sample) }}</h2>
<p><strong>{{ t.tpl_subject }}:</strong> {{ preview.subject }}</p><pre>{{ preview.text }}</pre>
{% if preview.html %}<details><summary>{{ t.tpl_html }}</summary><pre>{{ preview.html }}</pre></details>{% endif %}</section>{% endif %}
<p><a href="{{ desk.url('/templates') }}">{{ t.tpl_back }}</a></p>{% endblock %}"""

templates(**{"templates-list": LIST, "template-edit": EDIT})

words(
    nl={"tpl_nav": "Sjablonen", "tpl_title": "Sjablonen", "tpl_edit_title": "Sjabloon bewerken",
        "tpl_list": "Sjablonen van deze opdrachtgever", "tpl_new": "Nieuw sjabloon", "tpl_id": "Naam",
        "tpl_language": "Taal", "tpl_subject": "Onderwerp", "tpl_text": "Tekst", "tpl_html": "HTML (e-mail, optioneel)",
        "tpl_14": "Veertiendagenbrief", "tpl_yes": "ja", "tpl_copy": "Kopiëren", "tpl_copy_name": "Naam van de kopie",
        "tpl_none": "Deze opdrachtgever heeft nog geen sjablonen.", "tpl_variables": "Variabelen",
        "tpl_variables_intro": "Zet een variabele tussen dubbele accolades. Bij invoices[] hoort een lus: {% for i in invoices %}…{% endfor %}.",
        "tpl_filters": "Filters: |money voor bedragen, |date voor datums.",
        "tpl_check": "Controle bij opslaan", "tpl_line": "regel {line}",
        "tpl_part_subject": "Onderwerp", "tpl_part_text": "Tekst", "tpl_part_html": "HTML",
        "tpl_part_language": "Taal", "tpl_part_template": "Sjabloon",
        "tpl_debtor": "Voorbeeld voor debiteur (nummer)",
        "tpl_debtor_hint": "Leeg: een voorbeelddebiteur. Het voorbeeld slaat niets op.",
        "tpl_preview": "Voorbeeld", "tpl_save": "Opslaan", "tpl_preview_of": "Voorbeeld voor {debtor}",
        "tpl_sample": "een voorbeelddebiteur", "tpl_back": "Terug naar de sjablonen",
        "done_tpl_saved": "Het sjabloon is opgeslagen.", "done_tpl_copied": "Het sjabloon is gekopieerd.",
        "tpl_unknown_debtor": "Die debiteur bestaat niet bij deze opdrachtgever."},
    en={"tpl_nav": "Templates", "tpl_title": "Templates", "tpl_edit_title": "Edit template",
        "tpl_list": "This client's templates", "tpl_new": "New template", "tpl_id": "Name",
        "tpl_language": "Language", "tpl_subject": "Subject", "tpl_text": "Text", "tpl_html": "HTML (e-mail, optional)",
        "tpl_14": "14-day letter", "tpl_yes": "yes", "tpl_copy": "Copy", "tpl_copy_name": "Name of the copy",
        "tpl_none": "This client has no templates yet.", "tpl_variables": "Variables",
        "tpl_variables_intro": "Put a variable between double braces. invoices[] needs a loop: {% for i in invoices %}…{% endfor %}.",
        "tpl_filters": "Filters: |money for amounts, |date for dates.",
        "tpl_check": "Check on saving", "tpl_line": "line {line}",
        "tpl_part_subject": "Subject", "tpl_part_text": "Text", "tpl_part_html": "HTML",
        "tpl_part_language": "Language", "tpl_part_template": "Template",
        "tpl_debtor": "Preview for debtor (number)",
        "tpl_debtor_hint": "Empty: a sample debtor. A preview saves nothing.",
        "tpl_preview": "Preview", "tpl_save": "Save", "tpl_preview_of": "Preview for {debtor}",
        "tpl_sample": "a sample debtor", "tpl_back": "Back to the templates",
        "done_tpl_saved": "The template has been saved.", "done_tpl_copied": "The template has been copied.",
        "tpl_unknown_debtor": "That debtor does not exist at this client."},
)  # fmt: skip


@page("templates", nav="tpl_nav", order=51, post_action={"preview": Action.READ})
def message_templates(desk: Desk, rest: list[str]) -> ApiResponse:
    client = desk.client
    post = desk.req.method == "POST"
    if rest == ["edit"]:
        return _edit_post(desk, client) if post else _edit_get(desk, client)
    if rest:
        raise NotFound("no such templates page")
    if post:
        if desk.field("do") != "copy":
            raise NotFound("no such action")
        try:
            desk.services.dunning_setup.copy_template(
                client, desk.field("template"), copy_target(desk), desk.field("new_id")
            )
        except Invalid as exc:
            return _list(desk, client, 422, notice=refusal(exc, desk.lang), error=True)
        return desk.redirect("/templates", done="tpl_copied")
    return _list(desk, client)


def _list(desk: Desk, client: Client, status: int = 200, **extra: Any) -> ApiResponse:
    items = sorted(desk.services.repos.dunning.templates(client.client_id).items())
    return desk.render(
        "templates-list", "tpl_title", status, items=items, may_write=desk.may(Action.WRITE),
        targets=copy_targets(desk), **extra,
    )  # fmt: skip


def _edit_get(desk: Desk, client: Client) -> ApiResponse:
    template_id = desk.query("id")
    if template_id:
        template = desk.services.repos.dunning.templates(client.client_id).get(template_id)
        if template is None:
            raise NotFound(f"template {template_id} not found")
    else:
        template = MessageTemplate(desk.lang, "", "")
    return _editor(desk, template_id, template)


def _edit_post(desk: Desk, client: Client) -> ApiResponse:
    template_id = desk.field("template_id")
    template = MessageTemplate(
        language=desk.field("language") or "nl",
        subject=desk.field("subject"),
        text=(desk.form.get("text") or [""])[0].replace("\r\n", "\n"),
        html=(desk.form.get("html") or [""])[0].replace("\r\n", "\n").strip() or None,
        fourteen_day_letter=desk.field("fourteen_day_letter") == "1",
    )
    setup = desk.services.dunning_setup
    debtor = desk.field("debtor")
    if desk.field("do") == "preview":
        try:
            preview = setup.preview(client, template, debtor or None)
        except TemplateError as exc:
            return _editor(desk, template_id, template, 422, Problem(exc.part, exc.line, exc.reason),
                           debtor=debtor)  # fmt: skip
        except NotFound:
            return _editor(desk, template_id, template, 404, debtor=debtor,
                           notice=desk.t["tpl_unknown_debtor"], error=True)  # fmt: skip
        return _editor(desk, template_id, template, debtor=debtor, preview=preview)
    if desk.field("do") != "save":
        raise NotFound("no such action")
    problem = setup.check(template, client)
    if problem is None:
        try:
            setup.save_template(client, template_id, template)
        except Invalid as exc:
            return _editor(
                desk, template_id, template, 422, notice=refusal(exc, desk.lang), error=True
            )
        except TemplateError as exc:  # the check and the save disagree only under a race
            problem = Problem(exc.part, exc.line, exc.reason)
    if problem is not None:
        return _editor(desk, template_id, template, 422, problem, debtor=debtor)
    return desk.redirect("/templates/edit", id=template_id, done="tpl_saved")


def _editor(desk: Desk, template_id: str, template: MessageTemplate, status: int = 200,
            problem: Problem | None = None, **extra: Any) -> ApiResponse:  # fmt: skip
    source = {"subject": template.subject, "text": template.text, "html": template.html or ""}
    lines = source.get(problem.part, "").split("\n") if problem and problem.line else []
    if problem and problem.line and problem.line > len(lines):
        lines = []  # a line the source does not have: the problem is shown for the whole part
    extra.setdefault("debtor", "")
    if problem is not None:  # the check's English said in the page's language, line kept
        problem = replace(problem, reason=refusal(problem.reason, desk.lang))
    if problem and "notice" not in extra:
        part = desk.t.get(f"tpl_part_{problem.part}", problem.part)
        where = desk.t["tpl_line"].format(line=problem.line) if problem.line else part
        extra.update(notice=f"{desk.t['tpl_check']}: {where}: {problem.reason}", error=True)
    return desk.render(
        "template-edit", "tpl_edit_title", status, template_id=template_id, tpl=template,
        variables=template_variables(template.language), problem=problem, lines=lines,
        may_write=desk.may(Action.WRITE), **extra,
    )  # fmt: skip
