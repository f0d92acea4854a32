"""A debtor's message marked as his acknowledgement of named invoices, from the dossier's
timeline (ack11 #1; art. 3:318 BW): ``/dossier/<debtor>/acknowledgement/<message>`` shows the
message and the debtor's invoices to tick; marking, changing and taking back the mark are the
API route's service calls (``…/debtors/{debtor}/messages/{message}/acknowledgement``) with that
route's authorisation (:func:`action_for_request`: an administrator's legal decision, as
recording an interruption; attack13b G2). Inning does not read the
words itself: the page says so."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from shared.api.console.permits import allows, client_path, require
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, templates, words
from shared.api.http import ApiResponse
from shared.domain.law.acknowledgement import MessageMark, from_the_debtor
from shared.domain.records import ContactEntry
from shared.services.errors import Invalid, NotFound


def _route(desk: Desk, number: str, message: str = "x") -> str:
    return client_path(
        desk, f"debtors/{quote(number, safe='')}/messages/{quote(message, safe='')}/acknowledgement"
    )


def timeline_context(desk: Desk, number: str) -> dict[str, Any]:
    """What the timeline shows on the debtor's messages: the marks (who may see the dossier
    may read them) and whether this person may mark."""
    marks = desk.services.message_acknowledgements.marks(desk.client.client_id, number)
    return {
        "ack_marks": marks,
        "ack_may": allows(desk, "PUT", _route(desk, number)),
        "ack_markable": from_the_debtor,
    }


def page(desk: Desk, number: str, message: str) -> ApiResponse:
    """GET shows the message and the form; POST marks (``do=mark``, ``invoices``) or takes
    the mark back (``do=unmark``)."""
    service = desk.services.message_acknowledgements
    client = desk.client
    entry = desk.services.repos.contacts.entry(client.client_id, number, message)
    if entry is None or not from_the_debtor(entry):
        return desk.message(404, desk.t["not_found"])
    back = f"/dossier/{quote(number, safe='')}"
    if desk.req.method == "POST":
        require(desk, "PUT", _route(desk, number, message))
        do = desk.field("do")
        try:
            if do == "mark":
                service.mark(client, number, message, desk.fields("invoices"),
                             desk.principal.key_id)  # fmt: skip
            elif do == "unmark":
                service.unmark(client, number, message, desk.principal.key_id)
            else:
                raise Invalid("unknown action", field="do", code="unknown_action")
        except Invalid as exc:
            text = desk.t["dos_error"].format(reason=refusal(exc, desk.lang))
            return _show(desk, number, entry, text, 422)
        except NotFound:
            return desk.message(404, desk.t["not_found"])
        return desk.redirect(back, done=f"ack_{do}")
    return _show(desk, number, entry)


def _show(
    desk: Desk, number: str, entry: ContactEntry, notice: str = "", status: int = 200
) -> ApiResponse:
    from shared.api.console import contact_text

    marks = desk.services.message_acknowledgements.marks(desk.client.client_id, number)
    mark: MessageMark | None = marks.get(entry.entry_id)
    invoices = desk.services.repos.invoices.for_debtor(desk.client.client_id, number)
    return desk.render(
        "dossier-acknowledgement",
        "ack_title",
        status,
        notice=notice,
        error=status >= 400,
        entry=entry,
        summary=contact_text.summary(entry.summary, desk.lang),
        mark=mark,
        invoices=sorted(i.number for i in invoices),
        may=allows(desk, "PUT", _route(desk, number, entry.entry_id)),
        back=f"/dossier/{quote(number, safe='')}",
        action=f"/dossier/{quote(number, safe='')}/acknowledgement/{quote(entry.entry_id, safe='')}",
    )


PAGE = """{% extends "shell" %}{% block main %}
<p><a href="{{ desk.url(back) }}">{{ t.ack_back }}</a></p>
<section aria-labelledby="m-h"><h2 id="m-h">{{ t.ack_message }}</h2><dl>
<dt>{{ t.ack_received }}</dt><dd>{{ entry.at|local }}{% if entry.channel %} · {{ entry.channel|word('channel') }}{% endif %}</dd>
<dt>{{ t.dos_what }}</dt><dd>{{ summary }}</dd>
<dt>{{ t.ack_status }}</dt><dd>{% if mark %}{{ t.ack_marked.format(invoices=mark.invoices|join(', '), day=mark.received_on.strftime('%d-%m-%Y')) }}{% else %}{{ t.ack_not_marked }}{% endif %}</dd>
</dl><p class="muted">{{ t.ack_hint }}</p></section>
{% if may %}<section aria-labelledby="f-h"><h2 id="f-h">{{ t.ack_form }}</h2>
<form method="post" action="{{ desk.url(action) }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<fieldset><legend>{{ t.ack_which }}</legend>
{% for n in invoices %}<label><input type="checkbox" name="invoices" value="{{ n }}"{% if mark and n in mark.invoices %} checked{% endif %}> {{ n }}</label>
{% else %}<p>{{ t.dos_no_invoices }}</p>{% endfor %}</fieldset>
<p><button type="submit" name="do" value="mark">{{ t.ack_mark }}</button></p></form>
{% if mark %}<form method="post" action="{{ desk.url(action) }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<p>{{ t.ack_unmark_hint }}</p><p><button type="submit" name="do" value="unmark" class="secondary">{{ t.ack_unmark }}</button></p></form>{% endif %}
</section>{% else %}<p class="muted">{{ t.ack_admin_only }}</p>{% endif %}
{% endblock %}"""

templates(**{"dossier-acknowledgement": PAGE})

words(
    nl={"ack_title": "Bericht van de debiteur als erkenning", "ack_back": "Terug naar het dossier",
        "ack_message": "Het bericht", "ack_received": "Ontvangen", "ack_status": "Erkenning",
        "ack_marked": "gemarkeerd als erkenning van {invoices}; telt vanaf {day} (de dag van ontvangst)",
        "ack_not_marked": "niet gemarkeerd: het bericht stuit de verjaring niet",
        "ack_hint": "Inning leest de tekst niet zelf. Erkent de debiteur hierin een schuld (\"ik weet dat ik moet betalen\"), markeer het bericht dan als erkenning van de facturen die het betreft (art. 3:318 BW): de verjaring van die facturen, en geen andere, wordt gestuit op de dag waarop het bericht binnenkwam.",
        "ack_form": "Markeren als erkenning", "ack_which": "Welke facturen erkent de debiteur in dit bericht?",
        "ack_mark": "Markeren als erkenning", "ack_unmark": "Markering intrekken",
        "ack_unmark_hint": "Een vergissing? Na het intrekken telt het bericht niet meer voor de verjaring; dat komt in de tijdlijn en het auditlog.",
        "ack_admin_only": "Een beheerder markeert een bericht als erkenning (een juridische beslissing, zoals een stuiting vastleggen).",
        "ack_link": "Als erkenning markeren", "ack_link_marked": "Erkenning van {invoices}",
        "done_ack_mark": "Het bericht is gemarkeerd als erkenning.",
        "done_ack_unmark": "De markering als erkenning is ingetrokken."},
    en={"ack_title": "The debtor's message as an acknowledgement", "ack_back": "Back to the dossier",
        "ack_message": "The message", "ack_received": "Received", "ack_status": "Acknowledgement",
        "ack_marked": "marked as an acknowledgement of {invoices}; counts from {day} (the day it was received)",
        "ack_not_marked": "not marked: the message does not interrupt prescription",
        "ack_hint": "Inning does not read the text itself. If the debtor acknowledges a debt in it (\"I know I have to pay\"), mark the message as an acknowledgement of the invoices it is about (art. 3:318 BW): prescription of those invoices, and no others, is interrupted on the day the message came in.",
        "ack_form": "Mark as an acknowledgement", "ack_which": "Which invoices does the debtor acknowledge in this message?",
        "ack_mark": "Mark as an acknowledgement", "ack_unmark": "Take the mark back",
        "ack_unmark_hint": "A mistake? Once taken back the message no longer counts for prescription; the timeline and the audit log say so.",
        "ack_admin_only": "An administrator marks a message as an acknowledgement (a legal decision, as recording an interruption).",
        "ack_link": "Mark as an acknowledgement", "ack_link_marked": "Acknowledgement of {invoices}",
        "done_ack_mark": "The message is marked as an acknowledgement.",
        "done_ack_unmark": "The mark as an acknowledgement is taken back."},
)  # fmt: skip
