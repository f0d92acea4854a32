"""The cases handed over to the agency (review console7 F4: API-only before): the agency's
people see every case of the agency, a client's people their own client's, as ``GET
/v1/cases`` answers an agency key and a client key. One case shows what was handed over (the
snapshot taken then: invoices and amounts) with a link to the debtor's dossier, and may be
withdrawn (teruggetrokken) with a reason, by the agency or by the client, through the
service of ``POST /v1/cases/{case}/withdraw`` and with its authorisation (a reader is not
offered it, review console7 F9). Both sides get an e-mail; withdrawing is confirmed on the
form, as it gives the debtor's invoices back to the client's own dunning."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from shared.adapters.tables.cases_repo import Case
from shared.api.console import case_plans
from shared.api.console.permits import allows, require
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, page, page_of, templates, words
from shared.api.http import ApiResponse
from shared.domain.access import Scope
from shared.domain.invoices import CLOSED
from shared.domain.money import AmountError, parse_amount
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.portal import agency_transfer_text


@page("cases", nav="case_nav", order=38)
def cases(desk: Desk, rest: list[str]) -> ApiResponse:
    match rest:
        case []:
            return _list(desk)
        case [case_id]:
            case = _case(desk, case_id)
            if desk.req.method == "POST":
                if desk.field("do").startswith("plan_"):  # the agency's plans (cases26)
                    return case_plans.act(
                        desk, case, lambda note, code: _one(desk, case, note, code)
                    )
                return _withdraw(desk, case)
            return _one(desk, case)
    return desk.message(404, desk.t["not_found"])


def _own_client(desk: Desk) -> str | None:
    """None for the agency's people (every case of the agency), else their client."""
    p = desk.principal
    return p.client_id if p.scope is Scope.CLIENT else None


def _case(desk: Desk, case_id: str) -> Case:
    """The case, in this person's reach (another's answers 404, as the API)."""
    found = desk.services.repos.cases.get(desk.agency_id, case_id)
    own = _own_client(desk)
    if found is None or (own is not None and found[0].client_id != own):
        raise NotFound(f"case {case_id} not found")
    return found[0]


def _list(desk: Desk) -> ApiResponse:
    own = _own_client(desk)
    status = "withdrawn" if desk.query("status") == "withdrawn" else "open"
    listed = sorted(
        (c for c in desk.services.repos.cases.list(desk.agency_id)
         if (own is None or c.client_id == own) and c.status == status),
        key=lambda c: c.created_at, reverse=True,
    )  # fmt: skip
    return desk.render("cases", "case_title", rows=page_of(listed, desk.page_number()),
                       status_shown=status, client_name=_client_names(desk))  # fmt: skip


def _client_names(desk: Desk) -> dict[str, str]:
    return {c.client_id: c.name for c in desk.choices}


def _may_withdraw(desk: Desk, case: Case) -> bool:
    return allows(desk, "POST", f"/v1/cases/{case.case_id}/withdraw", case.client_id)


def _one(desk: Desk, case: Case, notice: str = "", status: int = 200) -> ApiResponse:
    shot: dict[str, Any] = case.dossier or {}
    # the snapshot is the case as handed over; beside it each invoice as it stands now (one
    # batch read), or a case its debtor paid in full read "lopend" with the old amounts and
    # nothing said it was done (agency21 F5)
    now = desk.services.repos.invoices.get_many(case.client_id, list(case.invoice_numbers))
    invoices = [
        {**i, "open_cents": _cents(i.get("open")), "now": now.get(str(i.get("number")))}
        for i in shot.get("invoices", [])
        if isinstance(i, dict)
    ]
    settled = bool(now) and all(s.invoice.status in CLOSED for s in now.values())
    amounts = {k: _cents(v) for k, v in (shot.get("amounts") or {}).items()}
    return desk.render(
        "case", desk.t["case_one"].format(debtor=case.debtor_number), status, notice=notice,
        error=status >= 400, case=case, invoices=invoices, amounts=amounts, settled=settled,
        client_name=_client_names(desk).get(case.client_id, case.client_id),
        debtor_name=(shot.get("debtor") or {}).get("name", ""),
        may_withdraw=case.status == "open" and _may_withdraw(desk, case),
        dossier_link=case.client_id in _client_names(desk),
        # what the debtor quotes paying the agency: the client's code names the client on
        # the account all the agency's clients share (newcomer17b F5), as the portal asks
        quote=agency_transfer_text(case.client_id, case.debtor_number, list(case.invoice_numbers)),
        **case_plans.shown(desk, case),
    )  # fmt: skip


def _cents(text: object) -> int | None:
    try:
        return parse_amount(str(text))
    except AmountError:
        return None


def _withdraw(desk: Desk, case: Case) -> ApiResponse:
    require(desk, "POST", f"/v1/cases/{case.case_id}/withdraw", case.client_id)
    reason = desk.field("reason")
    try:
        if desk.field("do") != "withdraw":
            raise Invalid("unknown action", field="do", code="unknown_action")
        if desk.field("confirm") != "yes":
            raise Invalid(desk.t["case_say_confirm"], field="confirm")
        if not 3 <= len(reason) <= 1000:
            raise Invalid(desk.t["case_say_reason"], field="reason")
        desk.services.dunning.cases.withdraw(desk.agency_id, case.case_id, reason,
                                             desk.principal.key_id, client_id=_own_client(desk))  # fmt: skip
    except Invalid as exc:
        return _one(desk, case, desk.t["case_error"].format(reason=refusal(exc, desk.lang)), 422)
    except ConflictingUpdate as exc:
        return _one(desk, case, desk.t["case_error"].format(reason=refusal(exc, desk.lang)), 409)
    return desk.redirect(f"/cases/{quote(case.case_id, safe='')}", done="case_withdrawn",
                         client=case.client_id if case.client_id in _client_names(desk) else None)  # fmt: skip


LIST = """{% extends "shell" %}{% from "pager" import pager %}{% block main %}
<nav aria-label="{{ t.case_which }}"><ul class="inline"><li><a href="{{ desk.url('/cases') }}"{% if status_shown == 'open' %} aria-current="true"{% endif %}>{{ t.case_open }}</a></li>
<li><a href="{{ desk.url('/cases', status='withdrawn') }}"{% if status_shown == 'withdrawn' %} aria-current="true"{% endif %}>{{ t.case_withdrawn }}</a></li></ul></nav>
<div class="scroll" role="region" tabindex="0" aria-label="{{ t.case_title }}"><table><caption class="visually-hidden">{{ t.case_title }}</caption>
<thead><tr><th scope="col">{{ t.case_handed }}</th><th scope="col">{{ t.client }}</th><th scope="col">{{ t.act_debtor }}</th><th scope="col">{{ t.act_invoices }}</th><th scope="col">{{ t.act_status }}</th></tr></thead><tbody>
{% for c in rows.items %}<tr><td><a href="{{ desk.url('/cases/' + c.case_id|segment, client=c.client_id if c.client_id in client_name else none) }}">{{ c.created_at|local('%Y-%m-%d') }}</a></td>
<td>{{ client_name.get(c.client_id, c.client_id) }}</td><td>{{ c.debtor_number }}</td><td>{{ c.invoice_numbers|join(', ') }}</td><td>{{ t['case_' + c.status] }}</td></tr>
{% else %}<tr><td colspan="5">{{ t.case_none }}</td></tr>{% endfor %}</tbody></table></div>
{{ pager(desk, rows) }}{% endblock %}"""

ONE = """{% extends "shell" %}{% block main %}
<p><a href="{{ desk.url('/cases') }}">{{ t.case_back }}</a>{% if dossier_link %} · <a href="{{ desk.url('/dossier/' + case.debtor_number|segment, client=case.client_id) }}">{{ t.act_open_dossier }} {{ case.debtor_number }}</a>{% endif %}</p>
<section aria-labelledby="cd-h"><h2 id="cd-h">{{ t.act_details }}</h2><dl>
<dt>{{ t.client }}</dt><dd>{{ client_name }}</dd>
<dt>{{ t.act_debtor }}</dt><dd>{{ debtor_name }} ({{ case.debtor_number }})</dd>
<dt>{{ t.case_handed }}</dt><dd>{{ case.created_at|local }}</dd>
<dt>{{ t.act_status }}</dt><dd>{{ t['case_' + case.status] }}{% if case.withdrawn_at %} ({{ case.withdrawn_at|local }}){% endif %}{% if case.withdrawn_reason %}: {{ case.withdrawn_reason }}{% endif %}</dd>
{% if case.status == 'open' %}<dt>{{ t.case_quote }}</dt><dd>{{ quote }}</dd>{% endif %}
{% if settled %}<dt>{{ t.case_now }}</dt><dd id="case-settled">{{ t.case_settled }}</dd>{% endif %}
{% if amounts %}<dt>{{ t.case_amounts }}</dt><dd>{{ t.dos_principal }} {{ desk.money(amounts.principal or 0) }} · {{ t.dos_costs }} {{ desk.money(amounts.costs or 0) }} · {{ t.dos_interest }} {{ desk.money(amounts.interest or 0) }}</dd>{% endif %}
</dl></section>
{% if invoices %}<section aria-labelledby="ci-h"><h2 id="ci-h">{{ t.act_invoices }}</h2><div class="scroll" role="region" tabindex="0" aria-label="{{ t.act_invoices }}"><table><caption class="visually-hidden">{{ t.case_invoices_then }}</caption>
<thead><tr><th scope="col">{{ t.dos_invoice }}</th><th scope="col">{{ t.dos_due }}</th><th scope="col" class="num">{{ t.dos_open }}</th><th scope="col">{{ t.case_now }}</th><th scope="col" class="num">{{ t.case_open_now }}</th></tr></thead><tbody>
{% for i in invoices %}<tr><th scope="row">{{ i.number }}</th><td>{{ i.due_date }}</td><td class="num">{% if i.open_cents is not none %}{{ desk.money(i.open_cents) }}{% endif %}</td><td>{% if i.now %}{{ i.now.invoice.status.value|word('invoice_status') }}{% else %}-{% endif %}</td><td class="num">{% if i.now %}{{ desk.money(i.now.invoice.open_amount) }}{% endif %}</td></tr>{% endfor %}
</tbody></table></div><p class="muted">{{ t.case_invoices_then }}</p></section>{% endif %}
{% include "case_plans" %}
{% if may_withdraw %}<section aria-labelledby="cw-h"><h2 id="cw-h">{{ t.case_withdraw }}</h2>
<form method="post" action="{{ desk.url('/cases/' + case.case_id|segment, client=case.client_id if desk.choices|length > 1 else none) }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}">
<p>{{ t.case_withdraw_hint }}</p>
<label for="cw-reason">{{ t.dos_reason }}</label><input id="cw-reason" name="reason" required minlength="3" maxlength="1000">
<label><input type="checkbox" name="confirm" value="yes" required> {{ t.case_confirm }}</label>
<p><button type="submit" class="danger" name="do" value="withdraw">{{ t.case_withdraw }}</button></p></form></section>{% endif %}
{% endblock %}"""

templates(cases=LIST, case=ONE)

words(
    nl={"case_say_confirm": "vink het vakje aan om te bevestigen", "case_say_reason": "geef de reden van het intrekken (3 tot 1000 tekens)",
        "case_nav": "Zaken", "case_title": "Overgedragen zaken", "case_one": "Zaak van debiteur {debtor}",
        "case_which": "Welke zaken", "case_open": "lopend", "case_withdrawn": "ingetrokken",
        "case_handed": "Overgedragen op", "case_none": "Geen zaken.", "case_back": "Terug naar de zaken",
        "case_amounts": "Bij overdracht", "case_quote": "Omschrijving bij betaling aan het incassobureau", "case_invoices_then": "De facturen zoals ze bij de overdracht waren, en hoe ze nu staan (open: de hoofdsom; het dossier toont kosten en rente).",
        "case_now": "Nu", "case_open_now": "Nu open", "case_settled": "Niets meer open: alle facturen van de zaak zijn betaald, gecrediteerd of ingetrokken.",
        "case_withdraw": "Zaak intrekken",
        "case_withdraw_hint": "De zaak gaat terug naar de opdrachtgever: de facturen vallen weer onder de eigen aanmaningen van de opdrachtgever. Beide kanten krijgen een e-mail.",
        "case_confirm": "Ja, trek de zaak in.", "case_error": "Niet gelukt: {reason}",
        "done_case_withdrawn": "De zaak is ingetrokken."},
    en={"case_say_confirm": "tick the box to confirm", "case_say_reason": "say why the case is withdrawn (3 to 1000 characters)",
        "case_nav": "Cases", "case_title": "Cases handed over", "case_one": "Case of debtor {debtor}",
        "case_which": "Which cases", "case_open": "open", "case_withdrawn": "withdrawn",
        "case_handed": "Handed over on", "case_none": "No cases.", "case_back": "Back to the cases",
        "case_amounts": "When handed over", "case_quote": "To quote when paying the agency", "case_invoices_then": "The invoices as they were when handed over, and as they stand now (open: the principal; the dossier shows costs and interest).",
        "case_now": "Now", "case_open_now": "Open now", "case_settled": "Nothing open any more: every invoice of the case is paid, credited or withdrawn.",
        "case_withdraw": "Withdraw the case",
        "case_withdraw_hint": "The case goes back to the client: its invoices return to the client's own reminders. Both sides get an e-mail.",
        "case_confirm": "Yes, withdraw the case.", "case_error": "Not done: {reason}",
        "done_case_withdrawn": "The case is withdrawn."},
)  # fmt: skip
