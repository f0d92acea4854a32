"""Inbound mail: the debtors' e-mails that reached the client's mailbox, unlinked first
(paged by the repository's continuation), one message with its text (escaped, never the
sender's HTML) and attachments (downloaded through the console under the same client, never
by blob name), the candidate debtors, and the link form: to one or several debtors, register
only or also create an action, optionally with a template answer (which pauses the debtors).
All through :mod:`shared.services.inbound.linking`, as the API's ``/inbound-mail`` routes.

``/api/console/mail`` (``?after=<continuation>``), ``/mail/<id>``, ``/mail/<id>/attachments/<n>``.
The dossier's timeline links a filed e-mail here by the start of its key."""

from __future__ import annotations

from urllib.parse import quote

from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, page, templates, words
from shared.api.http import ApiResponse
from shared.api.sender_files import sender_file_headers, served_type
from shared.services.errors import ConflictingUpdate, Invalid, NotFound

MAIL_PAGE = 25


@page("mail", nav="mail_nav", order=64)
def mail(desk: Desk, rest: list[str]) -> ApiResponse:
    try:
        if not rest:
            return _list(desk)
        if desk.req.method == "POST" and len(rest) == 1:
            return _link(desk, rest[0])
        if desk.req.method == "GET" and len(rest) == 1:
            return _one(desk, rest[0])
        if desk.req.method == "GET" and len(rest) == 3 and rest[1] == "attachments":
            if not rest[2].isdigit():
                raise NotFound("no such attachment")
            name, kind, data = desk.services.inbound_mail.attachment(
                desk.client, _full_key(desk, rest[0]), int(rest[2])
            )
            # the sender's file under the app's origin: an inert type, sandboxed (attack33)
            got = desk.download(data, name, served_type(kind))
            got.headers = sender_file_headers(got.headers)
            return got
    except NotFound:
        return desk.message(404, desk.t["not_found"])
    except Invalid as exc:
        return desk.message(422, refusal(exc, desk.lang))
    return desk.message(404, desk.t["not_found"])


def _full_key(desk: Desk, key: str) -> str:
    return desk.services.inbound_mail.get_by_entry(desk.client, key).key


def _list(desk: Desk) -> ApiResponse:
    from shared.ports.tables import StorageError

    after = desk.query("after") or None
    try:
        items, more = desk.services.inbound_mail.listing(
            desk.client, state=None, page_size=MAIL_PAGE, continuation=after
        )
    except (
        StorageError,
        Invalid,
    ):  # an edited or stale continuation: the first page, as the lists do
        after = None
        items, more = desk.services.inbound_mail.listing(
            desk.client, state=None, page_size=MAIL_PAGE, continuation=None
        )
    return desk.render("mail-list", "mail_title", items=items, more=more, after=after)


def _one(desk: Desk, key: str, notice: str = "", status: int = 200) -> ApiResponse:
    found = desk.services.inbound_mail.get_by_entry(desk.client, key)
    from shared.domain.people.authorisation import Action

    return desk.render("mail-one", found.subject or desk.t["mail_no_subject"], status,
                       notice=notice, error=status >= 400, m=found,
                       answers=desk.services.inbound_mail.templates(),
                       may_write=desk.may(Action.WRITE))  # fmt: skip


def _link(desk: Desk, key: str) -> ApiResponse:
    from shared.services.inbound.linking import LinkRequest

    service = desk.services.inbound_mail
    found = service.get_by_entry(desk.client, key)  # another client's message: 404 first
    if desk.field("do") != "link":
        raise Invalid("unknown action", code="unknown_action")
    typed = [n.strip() for n in desk.field("more").replace(";", ",").split(",") if n.strip()]
    debtors = tuple(dict.fromkeys([*desk.fields("debtors"), *typed]))
    answer = desk.field("template") or None
    request = LinkRequest(debtors[:50], desk.field("action") == "1", answer,
                          desk.field("note")[:2000] or None)  # fmt: skip
    try:
        service.link(desk.client, found.key, request, desk.principal.key_id)
    except (Invalid, ConflictingUpdate) as exc:
        return _one(desk, found.key, desk.t["mail_error"].format(reason=refusal(exc, desk.lang)),
                    409 if isinstance(exc, ConflictingUpdate) else 422)  # fmt: skip
    return desk.redirect(f"/mail/{quote(found.key, safe='')}", done="mail_linked")


LIST = """{% extends "shell" %}{% block main %}
<section aria-labelledby="ml-h"><h2 id="ml-h" class="visually-hidden">{{ t.mail_title }}</h2>
{% if items %}<div class="scroll" role="region" tabindex="0" aria-label="{{ t.mail_title }}"><table><caption class="visually-hidden">{{ t.mail_caption }}</caption>
<thead><tr><th scope="col">{{ t.mail_received }}</th><th scope="col">{{ t.mail_from }}</th><th scope="col">{{ t.mail_subject }}</th><th scope="col">{{ t.mail_state }}</th><th scope="col">{{ t.mail_candidates }}</th></tr></thead><tbody>
{% for m in items %}<tr><td>{{ m.received_at|local }}</td><td>{{ m.sender_name }} &lt;{{ m.sender }}&gt;</td>
<th scope="row"><a href="{{ desk.url('/mail/' + m.key|segment) }}">{{ m.subject or t.mail_no_subject }}</a>{% if m.attachments %} <span class="muted">({{ m.attachments|length }} {{ t.mail_att_short }})</span>{% endif %}</th>
<td>{% if m.linked %}<span class="ok">{{ t.mail_linked }}</span> {{ m.filed_debtors|join(', ') }}{% else %}<span class="red">{{ t.mail_unlinked }}</span>{% endif %}{% if m.kind.value != 'correspondence' %} · <span class="badge">{{ t['mail_kind_' + m.kind.value] }}</span>{% endif %}</td>
<td>{% for c in m.candidates %}{{ c.debtor_number }}{% if c.certain %} ✓{% endif %}{% if not loop.last %}, {% endif %}{% endfor %}</td></tr>{% endfor %}
</tbody></table></div>{% else %}<p>{{ t.mail_none }}</p>{% endif %}
<nav class="pager" aria-label="{{ t.pages }}">{% if after %}<a href="{{ desk.url('/mail') }}">{{ t.mail_first }}</a>{% else %}<span></span>{% endif %}
{% if more %}<a href="{{ desk.url('/mail', after=more) }}">{{ t.next }}</a>{% endif %}</nav></section>
{% endblock %}"""

ONE = """{% extends "shell" %}{% block main %}
<section aria-labelledby="mo-h"><h2 id="mo-h">{{ t.mail_message }}</h2><dl>
<dt>{{ t.mail_from }}</dt><dd>{{ m.sender_name }} &lt;{{ m.sender }}&gt;</dd>
<dt>{{ t.mail_received }}</dt><dd>{{ m.received_at|local }} · {{ m.mailbox }}</dd>
<dt>{{ t.mail_state }}</dt><dd>{% if m.linked %}<span class="ok">{{ t.mail_linked }}</span>{% if m.filed_debtors %}: {% for n in m.filed_debtors %}<a href="{{ desk.url('/dossier/' + n|segment) }}">{{ n }}</a>{% if not loop.last %}, {% endif %}{% endfor %}{% endif %}{% if m.linked_by %} ({{ m.linked_by }}){% endif %}{% else %}<span class="red">{{ t.mail_unlinked }}</span>{% endif %}
{% if m.kind.value != 'correspondence' %} · <span class="badge">{{ t['mail_kind_' + m.kind.value] }}</span>{% endif %}{% if m.answer_key %} · {{ t.mail_answered }}{% endif %}</dd></dl>
<h3>{{ t.mail_text }}</h3><pre>{{ m.fresh_text }}</pre>
{% if m.quoted_text %}<details><summary>{{ t.mail_quoted }}</summary><pre>{{ m.quoted_text }}</pre></details>{% endif %}
{% if m.attachments %}<h3>{{ t.mail_attachments }}</h3><ul>{% for a in m.attachments %}<li>{% if a.blob %}<a href="{{ desk.url('/mail/' + m.key|segment + '/attachments/' + loop.index0|string) }}">{{ a.name }}</a>{% else %}{{ a.name }} <span class="muted">({{ t.mail_not_kept }}: {{ a.skipped }})</span>{% endif %} <span class="muted">{{ a.content_type }}, {{ (a.size / 1024)|round(1) }} KB</span></li>{% endfor %}</ul>{% endif %}
</section>
{% if may_write %}<section aria-labelledby="lk-h"><h2 id="lk-h">{{ t.mail_link }}</h2>
<form method="post" action="{{ desk.url('/mail/' + m.key|segment) }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<fieldset><legend>{{ t.mail_candidates }}</legend>{% for c in m.candidates %}<label><input type="checkbox" name="debtors" value="{{ c.debtor_number }}"{% if c.certain or c.debtor_number in m.filed_debtors %} checked{% endif %}> {{ c.debtor_number }}{% if c.certain %} ({{ t.mail_certain }}){% endif %}: {{ c.reasons|join(', ') }}{% if c.invoice_numbers %} · {{ c.invoice_numbers|join(', ') }}{% endif %}</label>{% else %}<p class="muted">{{ t.mail_no_candidates }}</p>{% endfor %}</fieldset>
<label for="mail-more">{{ t.mail_more }}</label><input id="mail-more" name="more" maxlength="500" aria-describedby="mail-more-hint"><p class="muted" id="mail-more-hint">{{ t.mail_more_hint }}</p>
<fieldset><legend>{{ t.mail_what }}</legend>
<label><input type="radio" name="action" value="0" checked> {{ t.mail_register }}</label>
<label><input type="radio" name="action" value="1"> {{ t.mail_action }}</label></fieldset>
<label for="mail-note">{{ t.mail_note }}</label><input id="mail-note" name="note" maxlength="2000">
{% if m.kind.value == 'correspondence' %}<label for="mail-template">{{ t.mail_answer }}</label><select id="mail-template" name="template" aria-describedby="mail-template-hint"><option value="">{{ t.mail_no_answer }}</option>{% for a in answers %}<option value="{{ a }}">{{ a }}</option>{% endfor %}</select>
<p class="muted" id="mail-template-hint">{{ t.mail_answer_hint }}</p>{% endif %}
<p><button type="submit" name="do" value="link">{{ t.mail_link_button }}</button></p></form></section>{% endif %}
<p><a href="{{ desk.url('/mail') }}">{{ t.mail_back }}</a></p>{% endblock %}"""

templates(**{"mail-list": LIST, "mail-one": ONE})

words(
    nl={"mail_nav": "Post", "mail_title": "Binnengekomen e-mail", "mail_caption": "E-mails van debiteuren, niet-gekoppelde eerst",
        "mail_received": "Ontvangen", "mail_from": "Van", "mail_subject": "Onderwerp", "mail_state": "Status",
        "mail_candidates": "Mogelijke debiteuren", "mail_linked": "gekoppeld", "mail_unlinked": "niet gekoppeld",
        "mail_kind_auto_reply": "automatisch antwoord", "mail_kind_non_delivery": "onbestelbaar",
        "mail_kind_correspondence": "bericht", "mail_none": "Geen e-mail.", "mail_first": "Eerste pagina",
        "mail_no_subject": "(geen onderwerp)", "mail_att_short": "bijlage(n)", "mail_message": "Bericht",
        "mail_answered": "beantwoord", "mail_text": "Tekst", "mail_quoted": "Eerdere berichten (geciteerd)",
        "mail_attachments": "Bijlagen", "mail_not_kept": "niet bewaard", "mail_link": "Koppelen",
        "mail_certain": "zeker", "mail_no_candidates": "Geen debiteur gevonden: vul het nummer in.",
        "mail_more": "Andere debiteurnummers", "mail_more_hint": "Gescheiden door komma's.",
        "mail_what": "Wat gebeurt er?", "mail_register": "Alleen vastleggen in het dossier",
        "mail_action": "Ook een actie op de actielijst", "mail_note": "Notitie bij de actie",
        "mail_answer": "Antwoord met sjabloon", "mail_no_answer": "geen antwoord",
        "mail_answer_hint": "Een antwoord pauzeert de incasso van de debiteur(en) (reden: correspondentie).",
        "mail_link_button": "Koppelen", "mail_back": "Terug naar de e-mail", "mail_error": "Niet gelukt: {reason}",
        "done_mail_linked": "De e-mail is gekoppeld."},
    en={"mail_nav": "Mail", "mail_title": "Inbound mail", "mail_caption": "Debtors' e-mails, unlinked first",
        "mail_received": "Received", "mail_from": "From", "mail_subject": "Subject", "mail_state": "State",
        "mail_candidates": "Candidate debtors", "mail_linked": "linked", "mail_unlinked": "not linked",
        "mail_kind_auto_reply": "automatic reply", "mail_kind_non_delivery": "undeliverable",
        "mail_kind_correspondence": "message", "mail_none": "No mail.", "mail_first": "First page",
        "mail_no_subject": "(no subject)", "mail_att_short": "attachment(s)", "mail_message": "Message",
        "mail_answered": "answered", "mail_text": "Text", "mail_quoted": "Earlier messages (quoted)",
        "mail_attachments": "Attachments", "mail_not_kept": "not kept", "mail_link": "Link",
        "mail_certain": "certain", "mail_no_candidates": "No debtor found: type the number.",
        "mail_more": "Other debtor numbers", "mail_more_hint": "Separated by commas.",
        "mail_what": "What happens?", "mail_register": "Register in the dossier only",
        "mail_action": "Also an action on the action list", "mail_note": "Note for the action",
        "mail_answer": "Answer with a template", "mail_no_answer": "no answer",
        "mail_answer_hint": "An answer pauses the debtor's dunning (reason: correspondence).",
        "mail_link_button": "Link", "mail_back": "Back to the mail", "mail_error": "Not done: {reason}",
        "done_mail_linked": "The e-mail is linked."},
)  # fmt: skip
