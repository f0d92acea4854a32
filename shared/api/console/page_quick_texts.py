"""Quick texts (snelteksten): the client's short texts per channel, created, changed and
deleted through the by-hand service's quick-text use cases (the API's ``/quick-texts``
routes call the same). Saving checks a quick text as a template is checked (syntax, unknown
variables, the channel's layout); the reason is shown beside the field it concerns, with the
line. A saved quick text shows its sample rendering and the warnings that do not block it
(an SMS's parts, characters outside the GSM alphabet).

``/api/console/quick-texts`` (``?channel=sms``), ``/quick-texts/new``, ``/quick-texts/<id>``."""

from __future__ import annotations

from typing import Any

from shared.api.console import code_text  # noqa: F401 - the |word filter
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, page, templates, words
from shared.api.http import ApiResponse
from shared.domain.conversations.quick_texts import HAND_CHANNELS, QuickText
from shared.domain.messaging import Channel
from shared.services.errors import Invalid, NotFound


@page("quick-texts", nav="qt_nav", order=62)
def quick_texts(desk: Desk, rest: list[str]) -> ApiResponse:
    if len(rest) > 1:
        return desk.message(404, desk.t["not_found"])
    if desk.req.method == "POST":
        return _post(desk, rest[0] if rest else None)
    if not rest:
        return _list(desk)
    if rest[0] == "new":
        return _form(desk, None, _blank(desk))
    try:
        qt = desk.services.by_hand.quick_text(desk.client.client_id, rest[0])
    except NotFound:
        return desk.message(404, desk.t["not_found"])
    return _form(desk, rest[0], qt)


def _channel(text: str) -> Channel | None:
    return next((c for c in HAND_CHANNELS if c.value == text), None)


def _blank(desk: Desk) -> QuickText:
    return QuickText("", _channel(desk.query("channel")) or Channel.SMS, "", "", desk.lang)


def _list(desk: Desk) -> ApiResponse:
    chosen = _channel(desk.query("channel"))
    items = desk.services.by_hand.quick_texts(desk.client.client_id, chosen)
    groups = [(c, [q for q in items if q.channel is c]) for c in HAND_CHANNELS
              if chosen is None or c is chosen]  # fmt: skip
    return desk.render("quick-texts", "qt_title", groups=groups, chosen=chosen,
                       channels=HAND_CHANNELS, may_write=_may_write(desk))  # fmt: skip


def _may_write(desk: Desk) -> bool:
    from shared.domain.people.authorisation import Action

    return desk.may(Action.WRITE)


def _form(desk: Desk, qt_id: str | None, qt: QuickText, status: int = 200,
          errors: dict[str, str] | None = None) -> ApiResponse:  # fmt: skip
    check: Any = None
    if qt_id is not None and not errors:
        try:  # the saved text's sample and warnings, as saving found them
            check = desk.services.by_hand.check_quick_text(desk.client.client_id, qt)
        except Invalid as exc:
            errors = {exc.field or "text": refusal(exc, desk.lang)}
    return desk.render("quick-text", "qt_edit" if qt_id else "qt_new", status,
                       notice=desk.t["qt_not_saved"] if status >= 400 else "", error=status >= 400,
                       qt=qt, qt_id=qt_id, errors=errors or {}, check=check,
                       channels=HAND_CHANNELS, may_write=_may_write(desk),
                       wa_templates=[t.name for t in desk.services.by_hand.whatsapp_templates(desk.client.client_id)],
                       said=lambda w: refusal(w, desk.lang))  # fmt: skip


def _post(desk: Desk, qt_id: str | None) -> ApiResponse:
    service = desk.services.by_hand
    client_id = desk.client.client_id
    do = desk.field("do")
    if qt_id == "new":
        qt_id = None
    try:
        if qt_id:  # another client's (or no) quick text: not found before anything
            service.quick_text(client_id, qt_id)
        if do == "delete" and qt_id:
            service.delete_quick_text(client_id, qt_id)
            return desk.redirect("/quick-texts", done="qt_deleted")
        if do != "save":
            raise NotFound("no such action")
        channel = _channel(desk.field("channel"))
        qt = QuickText(
            qt_id or desk.field("quick_text_id"), channel or Channel.SMS, desk.field("name"),
            (desk.form.get("text") or [""])[0], desk.field("language") or "nl",
            desk.field("subject"), desk.field("whatsapp_template") or None,
        )  # fmt: skip
    except NotFound:
        return desk.message(404, desk.t["not_found"])
    except Invalid as exc:
        return desk.message(422, refusal(exc, desk.lang))
    try:
        if channel is None:
            raise Invalid("choose e-mail, SMS, WhatsApp or letter", field="channel",
                          code="qt_choose_channel")  # fmt: skip
        if qt_id:
            service.update_quick_text(client_id, qt)
        else:
            service.create_quick_text(client_id, qt)
    except Invalid as exc:
        return _form(desk, qt_id, qt, 422, {exc.field or "text": refusal(exc, desk.lang)})
    except NotFound:
        return desk.message(404, desk.t["not_found"])
    return desk.redirect(f"/quick-texts/{qt.quick_text_id}", done="qt_saved")


LIST = """{% extends "shell" %}{% block main %}
<nav aria-label="{{ t.qt_channels }}"><ul class="inline"><li><a href="{{ desk.url('/quick-texts') }}"{% if not chosen %} aria-current="page"{% endif %}>{{ t.qt_all }}</a></li>
{% for c in channels %}<li><a href="{{ desk.url('/quick-texts', channel=c.value) }}"{% if chosen == c %} aria-current="page"{% endif %}>{{ t['hand_ch_' + c.value] }}</a></li>{% endfor %}</ul></nav>
{% if may_write %}<p><a class="button" href="{{ desk.url('/quick-texts/new', channel=chosen.value if chosen else '') }}">{{ t.qt_new }}</a></p>{% endif %}
{% for c, items in groups %}<section aria-labelledby="qt-{{ c.value }}"><h2 id="qt-{{ c.value }}">{{ t['hand_ch_' + c.value] }}</h2>
{% if items %}<div class="scroll" role="region" tabindex="0" aria-label="{{ t['hand_ch_' + c.value] }}"><table><caption class="visually-hidden">{{ t.qt_caption.format(channel=t['hand_ch_' + c.value]) }}</caption>
<thead><tr><th scope="col">{{ t.qt_name }}</th><th scope="col">{{ t.qt_id }}</th><th scope="col">{{ t.qt_language }}</th><th scope="col">{{ t.qt_text }}</th></tr></thead><tbody>
{% for q in items %}<tr><th scope="row"><a href="{{ desk.url('/quick-texts/' + q.quick_text_id) }}">{{ q.name }}</a></th><td>{{ q.quick_text_id }}</td><td>{{ q.language|word('language') }}</td><td>{{ (q.subject + ' · ' if q.subject else '') + q.text[:120] }}{% if q.whatsapp_template %} <span class="badge">{{ q.whatsapp_template }}</span>{% endif %}</td></tr>{% endfor %}
</tbody></table></div>{% else %}<p class="muted">{{ t.qt_none }}</p>{% endif %}</section>{% endfor %}
{% endblock %}"""

FORM = """{% extends "shell" %}{% block main %}
{% macro problem(name) %}{% if errors.get(name) %}<p class="red" id="err-{{ name }}">{{ errors[name] }}</p>{% endif %}{% endmacro %}
{% macro described(name) %}{% if errors.get(name) %} aria-invalid="true" aria-describedby="err-{{ name }}"{% endif %}{% endmacro %}
<form method="post" action="{{ desk.url('/quick-texts/' + (qt_id or 'new')) }}" class="card">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<label for="qt-id">{{ t.qt_id }}</label><input id="qt-id" name="quick_text_id" value="{{ qt.quick_text_id }}" maxlength="64" pattern="[A-Za-z0-9_-]{1,64}"{% if qt_id %} readonly{% endif %}{{ described('quick_text_id') }}>{{ problem('quick_text_id') }}
<label for="qt-channel">{{ t.hand_channel }}</label><select id="qt-channel" name="channel"{{ described('channel') }}>{% for c in channels %}<option value="{{ c.value }}"{% if c == qt.channel %} selected{% endif %}>{{ t['hand_ch_' + c.value] }}</option>{% endfor %}</select>{{ problem('channel') }}
<label for="qt-name">{{ t.qt_name }}</label><input id="qt-name" name="name" value="{{ qt.name }}" maxlength="200"{{ described('name') }}>{{ problem('name') }}
<label for="qt-language">{{ t.qt_language }}</label><select id="qt-language" name="language"{{ described('language') }}>{% for l in ('nl', 'en') %}<option value="{{ l }}"{% if l == qt.language %} selected{% endif %}>{{ l }}</option>{% endfor %}</select>{{ problem('language') }}
<label for="qt-subject">{{ t.qt_subject }}</label><input id="qt-subject" name="subject" value="{{ qt.subject }}" maxlength="300"{{ described('subject') }}>{{ problem('subject') }}
<label for="qt-text">{{ t.qt_text }}</label><textarea id="qt-text" name="text"{{ described('text') }}>{{ qt.text }}</textarea>{{ problem('text') }}
<p class="muted">{{ t.qt_variables }}</p>
<label for="qt-wa">{{ t.qt_wa }}</label><select id="qt-wa" name="whatsapp_template"{{ described('whatsapp_template') }}><option value="">{{ t.hand_none }}</option>{% for name in wa_templates %}<option value="{{ name }}"{% if name == qt.whatsapp_template %} selected{% endif %}>{{ name }}</option>{% endfor %}</select>{{ problem('whatsapp_template') }}
{% for name, reason in errors.items() if name not in ('quick_text_id', 'channel', 'name', 'language', 'subject', 'text', 'whatsapp_template') %}<p class="red">{{ reason }}</p>{% endfor %}
{% if may_write %}<p><button type="submit" name="do" value="save">{{ t.qt_save }}</button></p>{% endif %}</form>
{% if check %}<section aria-labelledby="qt-sample"><h2 id="qt-sample">{{ t.qt_sample }}</h2>
{% if check.sample.subject %}<p><strong>{{ check.sample.subject }}</strong></p>{% endif %}<pre>{{ check.sample.text }}</pre>
{% if check.sms_parts %}<p>{{ t.qt_parts.format(parts=check.sms_parts) }}</p>{% endif %}
{% for w in check.warnings %}<p class="notice warning">{{ said(w) }}</p>{% endfor %}</section>{% endif %}
{% if qt_id and may_write %}<form method="post" action="{{ desk.url('/quick-texts/' + qt_id) }}" class="card">
<input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<button class="danger" type="submit" name="do" value="delete">{{ t.qt_delete }}</button></form>{% endif %}
<p><a href="{{ desk.url('/quick-texts', channel=qt.channel.value) }}">{{ t.qt_back }}</a></p>{% endblock %}"""

templates(**{"quick-texts": LIST, "quick-text": FORM})

words(
    nl={"qt_nav": "Snelteksten", "qt_title": "Snelteksten", "qt_channels": "Kanalen", "qt_all": "Alle",
        "qt_new": "Nieuwe sneltekst", "qt_edit": "Sneltekst wijzigen", "qt_caption": "Snelteksten voor {channel}",
        "qt_name": "Naam", "qt_id": "Code", "qt_language": "Taal", "qt_text": "Tekst", "qt_subject": "Onderwerp (e-mail en brief)",
        "qt_none": "Nog geen snelteksten.", "qt_wa": "WhatsApp-template buiten het 24-uursvenster",
        "qt_variables": "Dezelfde variabelen als de sjablonen, plus {{ reminder_link }}.",
        "qt_save": "Opslaan", "qt_delete": "Verwijderen", "qt_back": "Terug naar de snelteksten",
        "qt_sample": "Voorbeeld", "qt_parts": "Deze sms kost {parts} deel/delen.",
        "qt_not_saved": "Niet opgeslagen: zie de reden bij het veld.",
        "done_qt_saved": "De sneltekst is opgeslagen.", "done_qt_deleted": "De sneltekst is verwijderd."},
    en={"qt_nav": "Quick texts", "qt_title": "Quick texts", "qt_channels": "Channels", "qt_all": "All",
        "qt_new": "New quick text", "qt_edit": "Change a quick text", "qt_caption": "Quick texts for {channel}",
        "qt_name": "Name", "qt_id": "Code", "qt_language": "Language", "qt_text": "Text", "qt_subject": "Subject (e-mail and letter)",
        "qt_none": "No quick texts yet.", "qt_wa": "WhatsApp template outside the 24-hour window",
        "qt_variables": "The same variables as the templates, plus {{ reminder_link }}.",
        "qt_save": "Save", "qt_delete": "Delete", "qt_back": "Back to the quick texts",
        "qt_sample": "Sample", "qt_parts": "This SMS costs {parts} part(s).",
        "qt_not_saved": "Not saved: see the reason beside the field.",
        "done_qt_saved": "The quick text is saved.", "done_qt_deleted": "The quick text is deleted."},
)  # fmt: skip
