"""The debtor's dossier: details and segment, every claim from the claim ledger (principal,
costs, VAT on costs, interest charged; paid, credited, waived, written off; open: each row and
the totals row add up, see :mod:`dossier_claims`), payment plans, the portal link, and the
timeline of the contact log (system entries behind a toggle). Pause, resume, promise, dispute
and a note by hand go through the same services as the API's routes; so do the work on a
claim (credit, withdraw, keep chasing, waive: :mod:`dossier_claim_work`) and a new payment
plan (:mod:`page_plans`), each offered only to whom its API route allows.

``/api/console/dossier/<debtor number>``; the debtors list (another page) links here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import quote

from shared.api.console import (  # noqa: F401 - code_text: the |word filter
    code_text,
    contact_text,
    dossier_acknowledgement,
    dossier_claim_work,
    dossier_claims,
    dossier_hand,
    dossier_letters,
    dossier_payment,
    dossier_segment,
    dossier_standing,
    page_plans,
)
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import PAGES, Desk, page, page_of, templates, words
from shared.api.http import ApiResponse
from shared.domain.records import ContactEntry
from shared.services.errors import ConflictingUpdate, Invalid, NotFound


@page("dossier", order=30)
def dossier(desk: Desk, rest: list[str]) -> ApiResponse:
    service = desk.services.dossier
    if not rest:  # the dossiers are found through the debtors list
        return desk.redirect("/debtors" if "debtors" in PAGES else "/today")
    if len(rest) == 2 and rest[1] == "portal":
        if desk.req.method != "POST":  # a link to it (another site's too) opens nothing
            return desk.redirect("/dossier/" + quote(rest[0], safe=""))
        return _portal(desk, rest[0])
    if len(rest) == 3 and rest[1] == "acknowledgement":  # a message marked as his erkenning
        service.debtor(desk.client, rest[0])  # another client's debtor: 404 before anything
        return dossier_acknowledgement.page(desk, rest[0], rest[2])
    if len(rest) == 3 and rest[1] == "letter" and desk.req.method == "GET":  # as it was sent
        service.debtor(desk.client, rest[0])  # another client's debtor: 404 before anything
        return dossier_letters.page(desk, rest[0], rest[2])
    if len(rest) == 3 and rest[1] == "payment":  # a payment's designation corrected (6:43)
        service.debtor(desk.client, rest[0])  # another client's debtor: 404 before anything
        return dossier_payment.page(desk, rest[0], rest[2])
    if len(rest) != 1:
        return desk.message(404, desk.t["not_found"])
    number = rest[0]
    if desk.req.method == "POST":
        return _act(desk, number)
    return _show(desk, number)


def _portal(desk: Desk, number: str) -> ApiResponse:
    """``/dossier/<number>/portal``: to the debtor's portal, for a person who may write (the
    portal acts as the debtor; a reader must not get that power through a link), recorded
    on the debtor's contact log. The dossier's button posts here (with the page's CSRF
    token), so the signed portal link itself is never in a console page, and neither a
    copied console link nor another site's (SameSite=Lax sends the session on a GET) opens
    it or writes the debtor's log in the person's name (attack24 F6)."""
    from shared.api.pages import new_nonce, redirect, security_headers
    from shared.domain.people.authorisation import Action

    desk.require(Action.WRITE)
    link = desk.services.dossier.open_portal(desk.client, number, desk.principal.key_id)
    return redirect(link, security_headers(new_nonce(), secure=desk.secure))


def show(desk: Desk, number: str, notice: str = "", status: int = 200) -> ApiResponse:
    """The dossier (with ``notice``: an error's way back from a form)."""
    return _show(desk, number, notice, status)


def _show(desk: Desk, number: str, notice: str = "", status: int = 200) -> ApiResponse:
    service = desk.services.dossier
    found = service.open(desk.client, number)
    system = desk.query("system") == "1"
    entries = page_of(
        service.timeline(desk.client, number, include_system=system), desk.page_number()
    )
    today = desk.services.ledger.today()
    may_write = _may_write(desk)
    hand = dossier_hand.hand_context(desk, number) if may_write else {}
    return desk.render(
        "dossier-hand" if may_write else "dossier",
        f"{found.debtor.name} ({found.debtor.number})",
        status,
        notice=notice,
        error=status >= 400,
        d=found,
        debtor=found.debtor,
        entries=entries,
        system=system,
        claims=dossier_claims.claims_table(found.invoices, found.claims),
        paused=found.debtor.pause is not None and found.debtor.pause.active_on(today),
        today=today.isoformat(),
        open_invoices=[i for i in found.invoices if i.open_amount],
        # an agency collects these until their case is withdrawn (services/handed_over.py)
        handed=[i.number for i in found.invoices if i.handed_over_to and i.open_amount],
        may_write=may_write,
        **hand,
        **dossier_claim_work.work_context(desk, found.invoices, found.claims),
        **page_plans.new_plan_context(desk, found.invoices),
        **dossier_acknowledgement.timeline_context(desk, number),
        **dossier_letters.timeline_context(desk, number, entries.items),
        **dossier_standing.context(desk, found.debtor),
        **dossier_payment.context(desk, number),
        **_words(desk),
        author_of=_authors(desk, entries.items),
    )


def _words(desk: Desk) -> dict[str, object]:
    """Codes and the services' English summaries in the page's language (at display time:
    what is stored, and what the API returns, stays as it is)."""
    lang = desk.lang
    return {
        "summary_of": lambda text: contact_text.summary(text, lang),
        "reason_of": lambda text: contact_text.channel_reason(text, lang),
    }


def _authors(desk: Desk, entries: list[ContactEntry]) -> Callable[[ContactEntry], str]:
    """Who did what, by entry: the services record a console person as ``user:<id>`` (the
    API's principal), which says nothing to a colleague, so by name or e-mail address; the
    debtor in the page's language; an API key by its label; a plan's agreement (written
    without an author) by who agreed it (review debtor6 #11). Read at display time: the
    stored entries stay as they were written. "" when no person, key or debtor acted."""
    people = {
        f"user:{u.user_id}": u.name or u.email
        for u in desk.services.action_desk.assignees(desk.agency_id, desk.client.client_id)
    }
    service = desk.services.timeline_authors
    recorded = service.authors(desk.client, entries)
    keys = service.key_labels(desk.client, recorded.values())
    lang = desk.lang
    return lambda e: (
        contact_text.author(recorded[e.entry_id], lang, people, keys)
        if e.entry_id in recorded
        else ""
    )


def _may_write(desk: Desk) -> bool:
    from shared.domain.people.authorisation import Action

    return desk.may(Action.WRITE)


def _day(text: str, required: bool) -> date | None:
    if not text:
        if required:
            raise Invalid("a date is needed (YYYY-MM-DD)", field="until", code="date_needed")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("a date is YYYY-MM-DD", field="until", code="date_shape") from None


def _act(desk: Desk, number: str) -> ApiResponse:
    client = desk.client
    author = desk.principal.key_id
    do = desk.field("do")
    service = desk.services.dossier
    debtor = service.debtor(client, number)  # another client's debtor: 404 before anything
    try:
        if do in ("promise", "dispute"):
            invoice = desk.field("invoice")
            mine = desk.services.repos.invoices.get(client.client_id, invoice)
            if mine is None or mine.invoice.debtor_number != debtor.number:
                raise Invalid(f"invoice {invoice} is not this debtor's", field="invoice",
                              code="invoice_not_debtors", params={"invoice": invoice})  # fmt: skip
        if do == "pause":
            reason = desk.field("reason")
            if not reason:
                raise Invalid("a pause needs a reason", field="reason", code="pause_no_reason")
            desk.services.dunning.pause_debtor(client, number, reason,
                                               _day(desk.field("until"), False), author)  # fmt: skip
        elif do == "resume":
            desk.services.dunning.resume_debtor(client, number, author)
        elif do == "promise":
            desk.services.dunning.change_invoice(client, desk.field("invoice"),
                                                 promise_until=_day(desk.field("until"), True),
                                                 author=author)  # fmt: skip
        elif do == "dispute":
            desk.services.invoice_status.dispute(client, desk.field("invoice"),
                                                 desk.field("reason"), author)  # fmt: skip
        elif do == "standing":  # deceased, bankrupt, WSNP, or normal again
            dossier_standing.act(desk, number)
        elif do == "note":
            service.add_note(client, number, desk.field("text"), author)
        elif do == "segment":
            dossier_segment.act(desk, debtor)
        elif do == "hand":  # a message by hand: its own redirect (when it will go)
            return dossier_hand.send(desk, number)
        elif do in dossier_claim_work.ROUTES:  # credit, withdraw, keep chasing, waive
            return dossier_claim_work.act(desk, number, do)
        else:
            raise Invalid("unknown action", field="do", code="unknown_action")
    except (Invalid, ValueError) as exc:
        return _show(desk, number, desk.t["dos_error"].format(reason=refusal(exc, desk.lang)), 422)
    except ConflictingUpdate as exc:
        return _show(desk, number, desk.t["dos_error"].format(reason=refusal(exc, desk.lang)), 409)
    except NotFound:
        return desk.message(404, desk.t["not_found"])
    return desk.redirect(f"/dossier/{quote(number, safe='')}", done=f"dos_{do}")


DOSSIER = """{% extends "shell" %}{% from "pager" import pager %}{% block main %}
{% macro notes(inv) %}{% for r, c in inv.credit_notes %}<br><span class="muted">{{ t.dos_credit_note }} {{ r }}: {{ desk.money(c) }}</span>{% endfor %}{% if inv.credited_by %}<br><span class="muted">{{ t.dos_credit_note }} {{ inv.credited_by[0] }}: {{ desk.money(inv.credited_by[1]) }}</span>{% endif %}{% endmacro %}
{% macro settled(f) %}{% if claims.show_waived %}<td class="num">{{ desk.money(f.waived) }}</td>{% endif %}{% if claims.show_written_off %}<td class="num">{{ desk.money(f.written_off) }}</td>{% endif %}{% endmacro %}
{% set action = desk.url('/dossier/' + debtor.number|segment) %}
<div class="grid">
<section aria-labelledby="d-h"><h2 id="d-h">{{ t.dos_details }}</h2><dl>
<dt>{{ t.dos_number }}</dt><dd>{{ debtor.number }} · {{ debtor.kind|word('debtor_kind') }}</dd>
<dt>{{ t.dos_segment }}</dt><dd><span class="badge">{{ debtor.segment|word('segment') }}</span>{% if debtor.workflow_override %} · {{ debtor.workflow_override }}{% endif %}
{% if may_write %}<form method="post" action="{{ action }}" class="inline"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><label for="seg-new" class="visually-hidden">{{ t.dos_segment_new }}</label><input id="seg-new" name="segment" value="{{ '' if debtor.segment == 'default' else debtor.segment }}" maxlength="50" aria-describedby="seg-hint"> <button type="submit" class="secondary" name="do" value="segment">{{ t.dos_segment_change }}</button></form><span id="seg-hint" class="muted">{{ t.dos_segment_hint }}</span>{% endif %}</dd>
{% if debtor.emails %}<dt>{{ t.email }}</dt><dd>{{ debtor.emails|join(', ') }}</dd>{% endif %}
{% if debtor.mobile %}<dt>{{ t.dos_mobile }}</dt><dd>{{ debtor.mobile }}{% if debtor.whatsapp_consent %} · <span class="ok">WhatsApp ✓</span>{% endif %}</dd>{% endif %}
{% if debtor.address %}<dt>{{ t.dos_address }}</dt><dd>{{ debtor.address.street }}, {{ debtor.address.postal_code }} {{ debtor.address.city }} {{ debtor.address.country }}</dd>{% endif %}
{% if debtor.kvk_number %}<dt>KvK</dt><dd>{{ debtor.kvk_number }}</dd>{% endif %}
<dt>{{ t.dos_dunning }}</dt><dd>{% if paused %}<span class="red">{{ t.dos_paused }}: {{ debtor.pause.reason }}{% if debtor.pause.until %} ({{ t.dos_until }} {{ debtor.pause.until }}){% endif %}</span>{% else %}{{ t.dos_running }}{% if debtor.pause_ended_on %} ({{ t.dos_pause_ended }} {{ debtor.pause_ended_on }}){% endif %}{% endif %}{% if handed %}<br><strong>{{ t.dos_handed_some.format(invoices=handed|join(', ')) }}</strong> <a href="{{ desk.url('/cases') }}">{{ t.dos_handed_cases }}</a>{% endif %}</dd>
{% if may_write %}<dt>{{ t.dos_portal }}</dt><dd><form method="post" action="{{ desk.url('/dossier/' + debtor.number|segment + '/portal') }}" class="inline"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><button type="submit" class="secondary">{{ t.dos_portal_open }}</button></form> <span class="muted">{{ t.dos_portal_logged }}</span></dd>{% endif %}
</dl></section>
<section aria-labelledby="s-h"><h2 id="s-h">{{ t.dos_sum }}</h2>
<p class="figure">{{ desk.money(claims.total.open) }}</p><p class="muted">{{ t.dos_paid_so_far }} {{ desk.money(claims.total.paid) }}</p></section>
</div>
<section aria-labelledby="c-h"><h2 id="c-h">{{ t.dos_claims }}</h2><div class="scroll" role="region" tabindex="0" aria-label="{{ t.dos_claims }}"><table><caption class="visually-hidden">{{ t.dos_claims_caption }}</caption>
<thead><tr><th scope="col">{{ t.dos_invoice }}</th><th scope="col">{{ t.dos_due }}</th><th scope="col">{{ t.act_status }}</th>
<th scope="col" class="num">{{ t.dos_principal }}</th><th scope="col" class="num">{{ t.dos_costs }}</th><th scope="col" class="num">{{ t.dos_vat }}</th><th scope="col" class="num">{{ t.dos_interest }}</th><th scope="col" class="num">{{ t.dos_paid }}</th><th scope="col" class="num">{{ t.dos_credited }}</th>{% if claims.show_waived %}<th scope="col" class="num">{{ t.dos_waived }}</th>{% endif %}{% if claims.show_written_off %}<th scope="col" class="num">{{ t.dos_written_off }}</th>{% endif %}<th scope="col" class="num">{{ t.dos_open }}</th></tr></thead><tbody>
{% for row in claims.rows %}{% set inv, f = row.invoice, row.figures %}<tr><th scope="row">{{ inv.number }}</th><td>{{ inv.due_date }}</td>
<td>{{ inv.status|word('invoice_status') }}{% if inv.paused_until %} · {{ t.dos_paused }}{% elif inv.pause_ended_on %} · {{ t.dos_pause_ended }} {{ inv.pause_ended_on }}{% endif %}{% if inv.promise_until %} · {{ t.dos_promised }} {{ inv.promise_until }}{% endif %}{% if inv.dispute_reason %} · {{ inv.dispute_reason }}{% endif %}{% if inv.handed_over_to %} · <strong>{{ t.dos_handed_over }}</strong>{% endif %}</td>
<td class="num">{{ desk.money(f.principal) }}</td>{% if row.from_ledger %}<td class="num">{{ desk.money(f.costs) }}</td><td class="num">{{ desk.money(f.costs_vat) }}</td><td class="num">{{ desk.money(f.interest) }}</td>{% else %}<td class="num"></td><td class="num"></td><td class="num"></td>{% endif %}<td class="num">{{ desk.money(f.paid) }}</td><td class="num">{{ desk.money(f.credited) }}{{ notes(inv) }}</td>{{ settled(f) }}<td class="num">{{ desk.money(f.open) }}</td></tr>
{% else %}<tr><td colspan="{{ claims.columns }}">{{ t.dos_no_invoices }}</td></tr>{% endfor %}</tbody>
{% if claims.rows %}{% set f = claims.total %}<tfoot><tr><th scope="row" colspan="3">{{ t.dos_total }}</th><td class="num">{{ desk.money(f.principal) }}</td><td class="num">{{ desk.money(f.costs) }}</td><td class="num">{{ desk.money(f.costs_vat) }}</td><td class="num">{{ desk.money(f.interest) }}</td><td class="num">{{ desk.money(f.paid) }}</td><td class="num">{{ desk.money(f.credited) }}</td>{{ settled(f) }}<td class="num">{{ desk.money(f.open) }}</td></tr></tfoot>{% endif %}</table></div></section>
{% if d.plans %}<section aria-labelledby="p-h"><h2 id="p-h">{{ t.dos_plans }}</h2><div class="scroll" role="region" tabindex="0" aria-label="{{ t.dos_plans }}"><table><caption class="visually-hidden">{{ t.dos_plans }}</caption>
<thead><tr><th scope="col">{{ t.dos_plan }}</th><th scope="col">{{ t.act_status }}</th><th scope="col" class="num">{{ t.dos_total }}</th><th scope="col" class="num">{{ t.dos_paid }}</th><th scope="col">{{ t.dos_installments }}</th></tr></thead><tbody>
{% for p in d.plans %}<tr><th scope="row"><a href="{{ desk.url('/plans/' + p.plan_id|segment) }}">{{ p.plan_id }}</a></th><td>{{ p.status|word('plan_status') }}</td><td class="num">{{ desk.money(p.total) }}</td><td class="num">{{ desk.money(p.paid) }}</td><td>{{ p.schedule|length }} × {{ p.period|word('period') }}</td></tr>{% endfor %}
</tbody></table></div></section>{% endif %}
{% include "dossier-work" %}
{% include "plan-new" %}
{% include "dossier-standing" %}
{% include "dossier-payments" %}
{% if may_write %}<section aria-labelledby="w-h"><h2 id="w-h">{{ t.dos_work }}</h2><div class="grid">
{% if paused %}<form method="post" action="{{ action }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><h3>{{ t.dos_resume }}</h3><p>{{ t.dos_resume_hint }}</p><button type="submit" name="do" value="resume">{{ t.dos_resume }}</button></form>
{% else %}<form method="post" action="{{ action }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><h3>{{ t.dos_pause }}</h3>
<label for="pause-reason">{{ t.dos_reason }}</label><input id="pause-reason" name="reason" required maxlength="200">
<label for="pause-until">{{ t.dos_until_optional }}</label><input id="pause-until" name="until" type="date" min="{{ today }}">
<p><button type="submit" name="do" value="pause">{{ t.dos_pause }}</button></p></form>{% endif %}
{% if open_invoices %}<form method="post" action="{{ action }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><h3>{{ t.dos_promise }}</h3>
<label for="promise-invoice">{{ t.dos_invoice }}</label><select id="promise-invoice" name="invoice">{% for i in open_invoices %}<option value="{{ i.number }}">{{ i.number }} · {{ desk.money(i.open_amount) }}</option>{% endfor %}</select>
<label for="promise-until">{{ t.dos_promise_until }}</label><input id="promise-until" name="until" type="date" required min="{{ today }}">
<p><button type="submit" name="do" value="promise">{{ t.dos_promise }}</button></p></form>
<form method="post" action="{{ action }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><h3>{{ t.dos_dispute }}</h3>
<label for="dispute-invoice">{{ t.dos_invoice }}</label><select id="dispute-invoice" name="invoice">{% for i in open_invoices if i.status.value != 'disputed' %}<option value="{{ i.number }}">{{ i.number }}</option>{% endfor %}</select>
<label for="dispute-reason">{{ t.dos_reason }}</label><input id="dispute-reason" name="reason" required maxlength="500">
<p><button type="submit" name="do" value="dispute">{{ t.dos_dispute }}</button></p></form>{% endif %}
<form method="post" action="{{ action }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><h3>{{ t.dos_note }}</h3>
<label for="note-text">{{ t.dos_note_text }}</label><textarea id="note-text" name="text" required maxlength="2000"></textarea>
<p><button type="submit" name="do" value="note">{{ t.dos_note_add }}</button></p></form>
</div></section>
{#- HAND MESSAGE (branch `handmsg`, not merged yet): the form to send a message by hand by
    e-mail, SMS or WhatsApp with quick texts goes into this block, beside the buttons above.
    It posts to this page with do=<its value>; add the value to the page's post handler. -#}
{% block hand_message %}{% endblock %}
{% endif %}
<section aria-labelledby="t-h"><h2 id="t-h">{{ t.dos_timeline }}</h2>
<p>{% if system %}<a href="{{ desk.url('/dossier/' + debtor.number|segment) }}">{{ t.dos_hide_system }}</a>{% else %}<a href="{{ desk.url('/dossier/' + debtor.number|segment, system=1) }}">{{ t.dos_show_system }}</a>{% endif %}</p>
<div class="scroll" role="region" tabindex="0" aria-label="{{ t.dos_timeline }}"><table><caption class="visually-hidden">{{ t.dos_timeline }}</caption>
<thead><tr><th scope="col">{{ t.dos_when }}</th><th scope="col">{{ t.act_kind }}</th><th scope="col">{{ t.dos_what }}</th><th scope="col">{{ t.dos_by }}</th></tr></thead><tbody>
{% for e in entries.items %}<tr><td>{{ e.at|local }}</td><td><span class="badge">{{ e.kind|word('contact_kind') }}</span>{% if e.channel %} · {{ e.channel|word('channel') }}{% endif %}{% set by = author_of(e) %}{% if e.system and not by %} · <span class="muted">{{ t.dos_system }}</span>{% endif %}</td>
<td>{{ summary_of(e.summary) }}{% if e.entry_id.startswith('mail-') and 'mail' in pages %} <a href="{{ desk.url('/mail/' + e.entry_id[5:]|segment) }}">{{ t.dos_open_mail }}</a>{% endif %}{% if e.invoice_numbers %} <span class="muted">({{ e.invoice_numbers|join(', ') }})</span>{% endif %}{% if e.entry_id in letter_ids %} <a href="{{ desk.url('/dossier/' + debtor.number|segment + '/letter/' + e.entry_id|segment) }}">{{ t.dos_open_letter }}</a>{% endif %}{% if ack_markable(e) %}{% set m = ack_marks.get(e.entry_id) %}{% if m or ack_may %} <a href="{{ desk.url('/dossier/' + debtor.number|segment + '/acknowledgement/' + e.entry_id|segment) }}">{% if m %}{{ t.ack_link_marked.format(invoices=m.invoices|join(', ')) }}{% else %}{{ t.ack_link }}{% endif %}</a>{% endif %}{% endif %}</td><td>{{ by }}</td></tr>
{% else %}<tr><td colspan="4">{{ t.dos_no_entries }}</td></tr>{% endfor %}</tbody></table></div>
{{ pager(desk, entries) }}</section>
{% endblock %}"""

templates(dossier=DOSSIER)

words(
    nl={"dos_details": "Gegevens", "dos_number": "Debiteurnummer", "dos_segment": "Debiteurgroep",
        "dos_segment_new": "Nieuwe debiteurgroep", "dos_segment_change": "Groep wijzigen",
        "dos_segment_hint": "De regels op de pagina Workflows kiezen de workflow naar deze groep; leeg: standaard.",
        "done_dos_segment": "De debiteurgroep is gewijzigd.",
        "dos_mobile": "Mobiel", "dos_address": "Adres", "dos_dunning": "Incasso",
        "dos_paused": "gepauzeerd", "dos_until": "tot", "dos_running": "loopt",
        "dos_handed_over": "overgedragen aan het incassobureau",
        "dos_handed_some": "{invoices} overgedragen aan het incassobureau: betaling, uitstel en een regeling daarvan lopen via het bureau.",
        "dos_handed_cases": "Naar de zaken",
        "dos_pause_ended": "pauze beëindigd op",
        "dos_portal": "Portaal", "dos_portal_open": "Open het portaal van de debiteur",
        "dos_portal_logged": "(u handelt daar als de debiteur; het openen komt in de tijdlijn)",
        "dos_sum": "Totaal openstaand (hoofdsom, kosten en rente)", "dos_paid_so_far": "Betaald tot nu toe:",
        "dos_claims": "Vorderingen", "dos_claims_caption": "Vorderingen per factuur: hoofdsom, incassokosten, btw, rente, betaald, gecrediteerd, kwijtgescholden en afgeboekt (als een vordering dat heeft) en open, met de totalen",
        "dos_invoice": "Factuur", "dos_due": "Vervaldatum", "dos_principal": "Hoofdsom",
        "dos_costs": "Incassokosten", "dos_vat": "Btw op kosten", "dos_interest": "Rente",
        "dos_paid": "Betaald", "dos_open": "Open", "dos_promised": "toezegging tot",
        "dos_no_invoices": "Geen facturen.", "dos_plans": "Betalingsregelingen", "dos_plan": "Regeling",
        "dos_total": "Totaal", "dos_installments": "Termijnen", "dos_work": "Behandelen",
        "dos_pause": "Incasso pauzeren", "dos_resume": "Incasso hervatten",
        "dos_resume_hint": "De workflow gaat weer verder voor alle facturen.", "dos_reason": "Reden",
        "dos_until_optional": "Tot en met (leeg: tot hervatten)", "dos_promise": "Betaaltoezegging",
        "dos_promise_until": "Betaalt uiterlijk", "dos_dispute": "Betwisting vastleggen",
        "dos_note": "Notitie", "dos_note_text": "Tekst", "dos_note_add": "Notitie toevoegen",
        "dos_timeline": "Tijdlijn", "dos_show_system": "Toon ook systeemregels",
        "dos_hide_system": "Verberg systeemregels", "dos_when": "Wanneer", "dos_what": "Wat",
        "dos_by": "Door", "dos_system": "systeem", "dos_no_entries": "Nog niets gebeurd.",
        "dos_error": "Niet gelukt: {reason}",
        "done_dos_pause": "De incasso is gepauzeerd.", "done_dos_resume": "De incasso is hervat.",
        "done_dos_promise": "De betaaltoezegging is vastgelegd.", "done_dos_dispute": "De betwisting is vastgelegd.",
        "done_dos_note": "De notitie is toegevoegd.", "dos_open_mail": "Open de e-mail",
        "dos_credited": "Gecrediteerd", "dos_credit_note": "creditnota",
        "dos_waived": "Kwijtgescholden", "dos_written_off": "Afgeboekt"},
    en={"dos_details": "Details", "dos_number": "Debtor number", "dos_segment": "Segment",
        "dos_segment_new": "New segment", "dos_segment_change": "Change segment",
        "dos_segment_hint": "The rules on the Workflows page choose the workflow by this segment; blank: the default.",
        "done_dos_segment": "The segment is changed.",
        "dos_mobile": "Mobile", "dos_address": "Address", "dos_dunning": "Dunning",
        "dos_paused": "paused", "dos_until": "until", "dos_running": "running",
        "dos_handed_over": "handed over to the collection agency",
        "dos_handed_some": "{invoices} handed over to the collection agency: their payment, postponement and any plan go through the agency.",
        "dos_handed_cases": "To the cases",
        "dos_pause_ended": "pause ended on",
        "dos_portal": "Portal", "dos_portal_open": "Open the debtor's portal",
        "dos_portal_logged": "(there you act as the debtor; opening it is put on the timeline)",
        "dos_sum": "Total open (principal, costs and interest)", "dos_paid_so_far": "Paid so far:",
        "dos_claims": "Claims", "dos_claims_caption": "Claims per invoice: principal, collection costs, VAT, interest, paid, credited, waived and written off (where a claim has them) and open, with the totals",
        "dos_invoice": "Invoice", "dos_due": "Due", "dos_principal": "Principal",
        "dos_costs": "Collection costs", "dos_vat": "VAT on costs", "dos_interest": "Interest",
        "dos_paid": "Paid", "dos_open": "Open", "dos_promised": "promised until",
        "dos_no_invoices": "No invoices.", "dos_plans": "Payment plans", "dos_plan": "Plan",
        "dos_total": "Total", "dos_installments": "Installments", "dos_work": "Work on it",
        "dos_pause": "Pause dunning", "dos_resume": "Resume dunning",
        "dos_resume_hint": "The workflow carries on for every invoice.", "dos_reason": "Reason",
        "dos_until_optional": "Until (empty: until resumed)", "dos_promise": "Promise to pay",
        "dos_promise_until": "Pays by", "dos_dispute": "Record a dispute",
        "dos_note": "Note", "dos_note_text": "Text", "dos_note_add": "Add the note",
        "dos_timeline": "Timeline", "dos_show_system": "Show system entries too",
        "dos_hide_system": "Hide system entries", "dos_when": "When", "dos_what": "What",
        "dos_by": "By", "dos_system": "system", "dos_no_entries": "Nothing happened yet.",
        "dos_error": "Not done: {reason}",
        "done_dos_pause": "Dunning is paused.", "done_dos_resume": "Dunning is resumed.",
        "done_dos_promise": "The promise to pay is recorded.", "done_dos_dispute": "The dispute is recorded.",
        "done_dos_note": "The note is added.", "dos_open_mail": "Open the e-mail",
        "dos_credited": "Credited", "dos_credit_note": "credit note",
        "dos_waived": "Waived", "dos_written_off": "Written off"},
)  # fmt: skip
