"""The agency's own action list: what belongs to the agency and to no one client: a bank file
refused before any client was found (an account no client has, a file that does not parse), a
pooled account's credit or foreign-currency statement, the settlement run's approval, a payout
that is blocked or money to claim back, the holiday table running out. Only agency people see
it; a refused morning file that nobody sees means a day of payments not booked and debtors who
paid reminded (review newcomer5, finding 2). Changes go through the API's ActionService, as on
the client's action list.

A settlement run awaiting approval is approved on its item (review console7 F2), through the
service the API's ``POST /v1/settlements/{id}/approve`` uses, by agency people with the
settlement permission only, with what to check first: per client the figures and the
statements (PDF, CSV), and the transfer file (pain.001). Closing such an item without
approving says that it approves nothing."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from shared.api.console import (  # noqa: F401 - code_text: the |word filter
    action_text,
    code_text,
    signup_decision,
)
from shared.api.console.case_first_letter import first_letter
from shared.api.console.clock_text import local_time
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, Forbidden, page, page_of, templates, words
from shared.api.http import ApiResponse
from shared.clock import amsterdam_date
from shared.domain.people.authorisation import Action
from shared.domain.records import ActionItem
from shared.domain.statements.client_code import client_code
from shared.services.actions import CONFIRMABLE
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.portal import agency_transfer_text
from shared.services.statement_returns import CLIENT_MONEY
from shared.services.wki_registration_status import registration_ended

log = logging.getLogger(__name__)

RUN = "settlement_approval"  # the run's item: approved here, not ticked off
# the kinds that stop money: shown in red on Today
# what holds money up: a refused statement, a settlement, and the client's money on the
# agency's account, which is the client's until paid on to it (booked24)
URGENT = frozenset(
    {"statement_quarantined", "settlement_blocked", "settlement_approval", CLIENT_MONEY}
)


def scope_of(desk: Desk) -> str:
    from shared.domain.scopes import agency_scope

    return agency_scope(desk.agency_id)


@dataclass(frozen=True)
class AgencyWaiting:
    """What Today says of the agency's list: how many wait, how many hold money up, the
    oldest few."""

    count: int
    urgent: int
    first: list[ActionItem]


def waiting(desk: Desk, shown: int = 5) -> AgencyWaiting:
    """Counted from the scope's waiting sums (one small read, as the client's Today), not by
    reading every item: a pooled account's credits can pile up; only the first few are read
    (one more, to know whether that is all of them).

    An item and its change of the sums are two writes, so a crash in between leaves the sums
    off (failure6 #2: a refused statement hidden, or a resolved one counted red for good). The
    few items read check them: when they are all the waiting items, they are the count, and
    sums that say otherwise are counted again; when there are more, sums below what was read
    are counted again. Sums off above the few shown are what the list's recount is for."""
    scope = scope_of(desk)
    figures = desk.services.console_figures
    counts = figures.action_counts(scope)
    read = list(islice(desk.services.action_desk.listed(scope), shown + 1))
    if len(read) <= shown:
        seen = Counter(item.kind for item in read)
        if seen != Counter(counts):
            _recount(desk, scope)  # heals the stored sums for every later view
        counts = dict(seen)
    elif sum(counts.values()) < len(read) and _recount(desk, scope):
        counts = figures.action_counts(scope)
    return AgencyWaiting(
        sum(counts.values()), sum(n for kind, n in counts.items() if kind in URGENT), read[:shown]
    )


def _recount(desk: Desk, scope: str) -> bool:
    """Count the scope's sums again; a view is still shown when that fails (storage trouble:
    the next view tries again)."""
    try:
        desk.services.console_figures.recount(scope)
    except Exception:  # the page shows what it read; the sums stay as they were
        log.warning("waiting sums of %s not counted again", scope, exc_info=True)
        return False
    return True


@page("agency-actions", nav="ag_nav", order=11, agency_only=True,
      post_action={"resolve": Action.WRITE, "assign-me": Action.WRITE,
                   "recount": Action.WRITE, "approve-run": Action.MANAGE_SETTLEMENTS,
                   **signup_decision.POSTS})  # fmt: skip
def agency_actions(desk: Desk, rest: list[str]) -> ApiResponse:
    match rest:
        case []:
            return _post_list(desk) if desk.req.method == "POST" else _list(desk)
        case [action_id]:
            item = desk.services.action_desk.get(scope_of(desk), action_id)
            if desk.req.method == "POST":
                return _post_one(desk, item)
            return _one(desk, item)
        case [action_id, "files", name] if desk.req.method == "GET":
            # the payout file and every client's statement: what the API gives only with the
            # settlement permission, reads too (attack8 finding 5)
            desk.require_agency(Action.MANAGE_SETTLEMENTS)
            item = desk.services.action_desk.get(scope_of(desk), action_id)
            run_id = str(item.detail.get("run_id") or "")
            if item.kind != RUN or not run_id:
                return desk.message(404, desk.t["not_found"])
            data, content_type = desk.services.settlements.file(desk.agency_id, run_id, name)
            return desk.download(data, f"{run_id}-{name}", content_type)
    return desk.message(404, desk.t["not_found"])


def _words(desk: Desk) -> dict[str, object]:
    from shared.api.console.page_actions import _words as client_words

    return {**client_words(desk), "instant_of": _instant}


def _instant(text: str) -> str:
    """A report's stored instant (ISO, UTC) as the page's other times read: Europe/Amsterdam
    (newcomer16 #6: "2026-12-02T14:19:32.653521+00:00" beside "Aangemaakt 2026-12-02 15:19");
    a text that is no instant as it is."""
    try:
        return local_time(datetime.fromisoformat(text))
    except ValueError:
        return text


def _list(desk: Desk, notice: str = "", status: int = 200) -> ApiResponse:
    resolved = desk.query("status") == "resolved"
    listed = desk.services.action_desk.listed(scope_of(desk), resolved=resolved)
    return desk.render(
        "agency-actions", "ag_title", status, notice=notice, error=status >= 400,
        rows=page_of(listed, desk.page_number()), resolved=resolved, **_words(desk),
        may_work=_may_work(desk),
    )  # fmt: skip


def _post_list(desk: Desk) -> ApiResponse:
    if desk.field("do") == "recount":
        # Today's count of this list is kept as running sums; a crash between an item's
        # write and its change leaves them off until counted again (failure6 #2)
        desk.services.console_figures.recount(scope_of(desk))
        return desk.redirect("/agency-actions", done="today_recounted")
    ids = desk.fields("id")
    if not ids:
        return _list(desk, desk.t["act_none_ticked"], 400)
    runs = [a for a in ids if desk.field("do") == "resolve" and _is_run(desk, a)]
    failed = [a for a in ids if a not in runs and not _do(desk, a)]
    if failed or runs:
        notes = [desk.t["act_some_failed"].format(ids=", ".join(failed))] if failed else []
        if runs:
            notes.append(desk.t["ag_run_each"].format(ids=", ".join(runs)))
        return _list(desk, " ".join(notes), 409)
    return desk.redirect("/agency-actions", done="act_done")


def _do(desk: Desk, action_id: str, *, bulk: bool = True) -> bool:
    service = desk.services.actions
    note = desk.field("resolution")
    try:
        if desk.field("do") == "resolve":
            if _is_run(desk, action_id):
                if bulk or not _may_settle(desk):
                    # a run is approved on its own page, its figures in sight, and closed
                    # only by whom may approve it: closed by anyone else, the item would leave
                    # the admins' list and the clients' money wait unpaid (attack8 finding 5)
                    return False
                note = f"closed without approving: {note}" if note else "closed without approving"
            service.resolve(scope_of(desk), action_id, note or "resolved", desk.principal.key_id,
                            desk.principal)  # fmt: skip
        elif desk.field("do") == "assign-me":
            service.assign(scope_of(desk), action_id, desk.signed.user.email)
        else:
            return False
    except (Invalid, ConflictingUpdate, NotFound):
        return False
    return True


def _is_run(desk: Desk, action_id: str) -> bool:
    found = desk.services.repos.actions.get(scope_of(desk), action_id)
    return found is not None and found[0].kind == RUN


def _one(desk: Desk, item: ActionItem, notice: str = "", status: int = 200) -> ApiResponse:
    may_work = _may_work(desk) and (item.kind != RUN or _may_settle(desk))
    return desk.render(
        "agency-action", action_text.title(item.title, desk.lang), status, notice=notice,
        error=status >= 400, item=item, run=_run(desk, item), **_words(desk),
        signup=signup_decision.signup_of(desk, item),
        first_letter=_first_letter(desk, item),
        detail={k: v for k, v in item.detail.items() if k != "suggestions"},
        suggestions=_suggested(desk, item),
        may_work=may_work,
        confirmable=may_work and item.kind in CONFIRMABLE and item.status.value != "resolved",
    )  # fmt: skip


def _first_letter(desk: Desk, item: ActionItem) -> list[str]:
    """What the law asks of the agency's first letter on a new case (lawyer26 F1; Inning sends
    the debtor no hand-over notice): read from the case's dossier while the item waits."""
    case_id = item.detail.get("case_id")
    if item.kind != "new_case" or item.status.value == "resolved" or not isinstance(case_id, str):
        return []
    found = desk.services.repos.cases.get(desk.agency_id, case_id)
    if found is None or found[0].status != "open":
        return []
    case = found[0]
    agency = desk.services.repos.agencies.get(desk.agency_id)
    quote = agency_transfer_text(case.client_id, case.debtor_number, list(case.invoice_numbers))
    return first_letter(case.dossier, amsterdam_date(desk.services.clock.now()), desk.lang,
                        agency_iban=agency.third_party_iban if agency else None, quote=quote,
                        register=agency.wki_register_number if agency else None,
                        register_ended=registration_ended(agency, amsterdam_date(desk.services.clock.now())))  # fmt: skip


def _suggested(desk: Desk, item: ActionItem) -> list[dict[str, object]]:
    """The invoices a pooled line's item suggests, each with its client as the confirm form
    asks for it (the number) and as the reasons name it (the code). The item keeps the
    client's internal id: shown as it was kept, the page read "{'invoice': 'F-0001',
    'client_id': 'cl1d33ff8e54b2', 'amount': 12100, 'score': 1.0}" (reasons20). A client of
    another agency is never named (an item is the agency's own; its ids are its clients')."""
    offered = item.detail.get("suggestions")
    shown: list[dict[str, object]] = []
    for s in offered if isinstance(offered, list) else []:
        if not isinstance(s, dict):
            continue
        client_id = s.get("client_id")
        found = desk.services.repos.clients.get(client_id) if isinstance(client_id, str) else None
        client = found[0] if found is not None and found[0].agency_id == desk.agency_id else None
        shown.append({
            "invoice": s.get("invoice"), "amount": s.get("amount"), "score": s.get("score"),
            "client": client.number if client else None, "client_name": client.name if client else None,
            "code": client_code(client.client_id) if client else None,
        })  # fmt: skip
    return shown


def _confirm(desk: Desk, item: ActionItem) -> ApiResponse:
    """A payment on the agency's pooled account booked on the invoices of the client the
    agency's person names (the line could be several clients' or none's: attack10 F5)."""
    invoices = [n.strip() for n in desk.field("other").replace(";", ",").split(",") if n.strip()]
    try:
        client = desk.services.access.client_for(desk.principal, desk.field("for_client").strip())
        desk.services.actions.confirm_for_agency(
            desk.agency_id, client, item.action_id, invoices, desk.principal.key_id
        )
    except (Invalid, ConflictingUpdate, NotFound) as exc:
        return _one(desk, item, desk.t["act_error"].format(reason=refusal(exc, desk.lang)), 409)
    return desk.redirect(f"/agency-actions/{item.action_id}", done="act_done")


def _run(desk: Desk, item: ActionItem) -> dict[str, object] | None:
    """The run of a settlement item, with its statements and files, for checking before it
    is approved (None for another kind, or a run no longer there)."""
    if item.kind != RUN or not item.detail.get("run_id") or not _may_settle(desk):
        return None
    try:
        run, settlements = desk.services.settlements.run(desk.agency_id, str(item.detail["run_id"]))
    except NotFound:
        return None
    return {"run": run, "settlements": settlements,
            "may_approve": _may_settle(desk)}  # fmt: skip


def _may_settle(desk: Desk) -> bool:
    return _may(desk, Action.MANAGE_SETTLEMENTS)


def _may_work(desk: Desk) -> bool:
    """Resolve, assign and recount are writes: a reader of the agency sees no buttons for
    them (review console7 F9); the shell authorises the posts again."""
    return _may(desk, Action.WRITE)


def _may(desk: Desk, action: Action) -> bool:
    try:
        desk.require_agency(action)
    except Forbidden:
        return False
    return True


def _post_one(desk: Desk, item: ActionItem) -> ApiResponse:
    if desk.field("do") == "approve-run":
        return _approve(desk, item)
    if desk.field("do") == "confirm":
        return _confirm(desk, item)
    if desk.field("do") in signup_decision.POSTS:
        return signup_decision.decide(
            desk, item, lambda text, status: _one(desk, item, text, status)
        )
    if not _do(desk, item.action_id, bulk=False):
        return _one(desk, item, desk.t["act_some_failed"].format(ids=item.action_id), 409)
    return desk.redirect(f"/agency-actions/{item.action_id}", done="act_done")


def _approve(desk: Desk, item: ActionItem) -> ApiResponse:
    """The API's approval of the run as a whole (idempotent; it resolves this item)."""
    desk.require_agency(Action.MANAGE_SETTLEMENTS)
    run_id = str(item.detail.get("run_id") or "")
    if item.kind != RUN or not run_id:
        return _one(desk, item, desk.t["not_found"], 400)
    try:
        desk.services.settlements.approve(desk.agency_id, run_id, desk.principal.key_id)
    except (Invalid, ConflictingUpdate) as exc:
        return _one(desk, item, desk.t["act_error"].format(reason=refusal(exc, desk.lang)), 409)
    return desk.redirect(f"/agency-actions/{item.action_id}", done="run_approved")


LIST = """{% extends "shell" %}{% from "pager" import pager %}{% block main %}
<p>{{ t.ag_hint }}</p>
<form method="get" action="{{ base }}/agency-actions" class="card"><div class="inline">
<div><label for="f-status">{{ t.act_status }}</label><select id="f-status" name="status"><option value="">{{ t.act_waiting }}</option>
<option value="resolved"{% if resolved %} selected{% endif %}>{{ t.act_resolved }}</option></select></div>
<button type="submit">{{ t.act_filter }}</button></div></form>
<form method="post" action="{{ desk.url('/agency-actions') }}"><input type="hidden" name="csrf" value="{{ csrf }}">
<div class="scroll" role="region" tabindex="0" aria-label="{{ t.ag_caption }}"><table><caption>{{ t.ag_caption }}</caption>
<thead><tr><th scope="col"><span class="visually-hidden">{{ t.act_tick }}</span></th><th scope="col">{{ t.act_created }}</th><th scope="col">{{ t.act_kind }}</th><th scope="col">{{ t.act_what }}</th><th scope="col">{{ t.act_assignee }}</th></tr></thead><tbody>
{% for a in rows.items %}<tr><td>{% if may_work %}<input type="checkbox" name="id" value="{{ a.action_id }}" id="tick-{{ loop.index }}"><label class="visually-hidden" for="tick-{{ loop.index }}">{{ t.act_tick }}: {{ item_title(a.title) }}</label>{% endif %}</td>
<td>{{ a.created_at|local('%Y-%m-%d') }}</td><td><span class="badge">{{ kind_label(a.kind) }}</span></td>
<td><a href="{{ desk.url('/agency-actions/' + a.action_id) }}">{{ item_title(a.title) }}</a></td><td>{{ a.assigned_to or '' }}</td></tr>
{% else %}<tr><td colspan="5">{{ t.act_empty }}</td></tr>{% endfor %}</tbody></table></div>
{{ pager(desk, rows) }}
{% if may_work and not resolved and rows.items %}<fieldset class="card"><legend>{{ t.act_ticked }}</legend><div class="inline">
<div><label for="b-resolution">{{ t.act_resolution }}</label><input id="b-resolution" name="resolution" maxlength="200"></div>
<button type="submit" name="do" value="resolve">{{ t.act_resolve_ticked }}</button>
<button class="secondary" type="submit" name="do" value="assign-me">{{ t.act_assign_me }}</button></div></fieldset>{% endif %}
</form>
{% if may_work and not resolved %}<form method="post" action="{{ desk.url('/agency-actions') }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="do" value="recount">
<p class="muted">{{ t.ag_recount_hint }}</p><button class="secondary" type="submit">{{ t.today_recount }}</button></form>{% endif %}{% endblock %}"""

ONE = """{% extends "shell" %}{% block main %}
<p><a href="{{ desk.url('/agency-actions') }}">{{ t.ag_back }}</a></p>
<section><h2>{{ t.act_details }}</h2><dl>
<dt>{{ t.act_kind }}</dt><dd><span class="badge">{{ kind_label(item.kind) }}</span></dd>
<dt>{{ t.act_status }}</dt><dd>{{ item.status|word('action_status') }}{% if item.resolution %}: {{ resolution_of(item.resolution) }}{% endif %}</dd>
<dt>{{ t.act_created }}</dt><dd>{{ item.created_at|local }}</dd>
<dt>{{ t.act_assignee }}</dt><dd>{{ item.assigned_to or '-' }}</dd>
{% for k, v in detail.items() %}{% if v not in (none, '', []) %}<dt>{{ detail_label(k) }}</dt><dd>{% if k == 'amount' and v is number %}{{ desk.money(v) }}{% elif k == 'received_at' and v is string %}{{ instant_of(v) }}{% elif k == 'how' and v is string %}{{ how_of(v) }}{% elif k == 'case_id' and v is string %}{{ case_of(v) }}{% elif k in ('error', 'errors') %}{% for r in ([v] if v is string else v) %}{{ item_title(r) }}{% if not loop.last %}; {% endif %}{% endfor %}{% elif k == 'reasons' and v is sequence and v is not string %}{% for r in v %}{{ reason_of(r) }}{% if not loop.last %}; {% endif %}{% endfor %}{% elif v is sequence and v is not string %}{{ v|join('; ') }}{% else %}{{ v }}{% endif %}</dd>{% endif %}{% endfor %}
{% if suggestions %}<dt>{{ t.ag_suggestions }}</dt><dd><ul>{% for s in suggestions %}<li>{{ s.invoice }}{% if s.client %} · {{ t.ag_of_client }} {{ s.client }} {{ s.client_name }} ({{ s.code }}){% endif %}{% if s.amount is number %} · {{ desk.money(s.amount) }}{% endif %}{% if s.score is number %} · {{ t.act_score }} {{ '%.2f'|format(s.score)|replace('.', ',') if desk.lang == 'nl' else '%.2f'|format(s.score) }}{% endif %}</li>{% endfor %}</ul></dd>{% endif %}
</dl></section>
{% if item.kind == 'client_money' and item.status.value != 'resolved' %}<section class="notice warning" aria-labelledby="cm-h"><h2 id="cm-h">{{ t.ag_client_money_title }}</h2>
<p>{{ t.ag_client_money_whose }}</p><p>{{ t.ag_client_money_how }}</p></section>{% endif %}
{% if first_letter %}<section class="notice warning" aria-labelledby="fl-h"><h2 id="fl-h">{{ t.ag_first_letter_title }}</h2>
{% for p in first_letter %}<p>{{ p }}</p>{% endfor %}</section>{% endif %}
{% if run %}{% set r = run.run %}<section aria-labelledby="run-h"><h2 id="run-h">{{ t.ag_run_title.format(run=r.run_id) }}</h2>
<p>{{ t.ag_run_status }}: {{ t['ag_run_' + r.status.value] }}{% if r.approved_at %} ({{ r.approved_at|local }}){% endif %} · {{ t.ag_run_payout }}: {{ desk.money(r.payout_total) }} · {{ t.ag_run_transfers }}: {{ r.transfer_count }}</p>
<div class="scroll" role="region" tabindex="0" aria-label="{{ t.ag_run_statements }}"><table><caption>{{ t.ag_run_statements }}</caption>
<thead><tr><th scope="col">{{ t.ag_run_client }}</th><th scope="col" class="num">{{ t.ag_run_received }}</th><th scope="col" class="num">{{ t.ag_run_to_agency }}</th><th scope="col" class="num">{{ t.ag_run_commission }}</th><th scope="col" class="num">{{ t.ag_run_fee_vat }}</th><th scope="col" class="num">{{ t.ag_run_payout }}</th><th scope="col">{{ t.ag_run_account }}</th><th scope="col">{{ t.ag_run_files }}</th></tr></thead><tbody>
{% for s in run.settlements %}{% set f = s.totals %}<tr><th scope="row">{{ s.client_number }} {{ s.client_name }}</th>
<td class="num">{% if f %}{{ desk.money(f.received) }}{% endif %}</td><td class="num">{% if f %}{{ desk.money(f.to_agency) }}{% endif %}</td><td class="num">{% if f %}{{ desk.money(f.commission) }}{% endif %}</td><td class="num">{% if f %}{{ desk.money(f.fee_vat) }}{% endif %}</td><td class="num">{% if f %}{{ desk.money(f.payout) }}{% endif %}</td>
<td>{{ s.payout_iban }}</td><td>{% if s.pdf and s.csv %}<a href="{{ desk.url('/agency-actions/' + item.action_id + '/files/' + s.settlement_id + '.pdf') }}">PDF<span class="visually-hidden"> {{ s.client_number }}</span></a> · <a href="{{ desk.url('/agency-actions/' + item.action_id + '/files/' + s.settlement_id + '.csv') }}">CSV<span class="visually-hidden"> {{ s.client_number }}</span></a>{% endif %}</td></tr>
{% else %}<tr><td colspan="8">{{ t.ag_run_none }}</td></tr>{% endfor %}</tbody></table></div>
{% if r.transfer_file %}<p><a href="{{ desk.url('/agency-actions/' + item.action_id + '/files/pain.001.xml') }}">{{ t.ag_run_pain }}</a></p>{% endif %}
{% if r.status.value == 'awaiting_approval' %}{% if run.may_approve %}<form method="post" action="{{ desk.url('/agency-actions/' + item.action_id) }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}">
<p>{{ t.ag_run_approve_hint }}</p><button type="submit" name="do" value="approve-run">{{ t.ag_run_approve }}</button></form>
{% else %}<p class="notice warning">{{ t.ag_run_not_yours }}</p>{% endif %}{% endif %}</section>{% endif %}
{% include "agency-signup" %}
{% if confirmable %}<section><h2>{{ t.act_confirm_title }}</h2><p>{{ t.ag_confirm_hint }}</p>
<form method="post" action="{{ desk.url('/agency-actions/' + item.action_id) }}"><input type="hidden" name="csrf" value="{{ csrf }}"><div class="inline">
<div><label for="c-client">{{ t.ag_confirm_client }}</label><input id="c-client" name="for_client" maxlength="100" required></div>
<div><label for="c-other">{{ t.act_invoices }}</label><input id="c-other" name="other" maxlength="400" required></div>
<button type="submit" name="do" value="confirm">{{ t.act_confirm }}</button></div></form></section>{% endif %}
{% if may_work and item.status.value != 'resolved' %}<section><h2>{{ t.act_work }}</h2>
<form method="post" action="{{ desk.url('/agency-actions/' + item.action_id) }}"><input type="hidden" name="csrf" value="{{ csrf }}"><div class="inline">
<button class="secondary" type="submit" name="do" value="assign-me">{{ t.act_assign_me }}</button></div></form>
<form method="post" action="{{ desk.url('/agency-actions/' + item.action_id) }}"><input type="hidden" name="csrf" value="{{ csrf }}"><div class="inline">
{% if run %}<p class="muted">{{ t.ag_run_close_hint }}</p>{% endif %}
<div><label for="o-resolution">{{ t.act_resolution }}</label><input id="o-resolution" name="resolution" maxlength="200"></div>
<button {% if run %}class="secondary" {% endif %}type="submit" name="do" value="resolve">{{ t.ag_run_close if run else t.act_resolve }}</button></div></form></section>{% endif %}
{% endblock %}"""

templates(**{"agency-actions": LIST, "agency-action": ONE})

words(
    nl={"ag_nav": "Bureau-acties", "ag_title": "Acties van het incassobureau",
        "ag_hint": "Wat bij het bureau hoort en bij geen opdrachtgever: geweigerde bankafschriften, betalingen op een gezamenlijke rekening, de afdrachtrun, de feestdagentabel.",
        "ag_caption": "Acties van het bureau, oudste eerst", "ag_back": "Terug naar de bureau-acties",
        "today_agency": "Acties van het bureau", "today_agency_urgent": "{n} wachten, waarvan {urgent} geld tegenhouden (een geweigerd afschrift, een afdracht of geld van een opdrachtgever).",
        "ag_client_money_title": "Wat te doen",
        "ag_first_letter_title": "Uw eerste brief aan de debiteur",
        "ag_client_money_whose": "Dit geld staat op de derdengeldenrekening van het bureau, maar het hoort bij een factuur die de opdrachtgever niet aan het bureau overdroeg: het is van de opdrachtgever, niet van het bureau. Het gaat niet vanzelf mee in de afdracht en er gaat geen provisie over.",
        "ag_client_money_how": "Maak het bedrag over aan de opdrachtgever en sluit daarna deze actie met een notitie (bijvoorbeeld de datum van de overboeking). Draagt de opdrachtgever de factuur alsnog over, boek de betaling dan hieronder op die factuur.",
        "ag_recount_hint": "Het aantal op Vandaag wordt bijgehouden bij elke wijziging; tel opnieuw als het niet lijkt te kloppen.",
        "ag_run_title": "Afdrachtrun {run}", "ag_run_status": "Status",
        "ag_run_awaiting_approval": "wacht op goedkeuring", "ag_run_approved": "goedgekeurd", "ag_run_building": "wordt opgebouwd",
        "ag_run_payout": "Uit te betalen", "ag_run_transfers": "Overboekingen", "ag_run_statements": "Afrekeningen per opdrachtgever",
        "ag_run_client": "Opdrachtgever", "ag_run_received": "Ontvangen", "ag_run_to_agency": "Voor het bureau",
        "ag_run_commission": "Provisie", "ag_run_fee_vat": "Btw op provisie", "ag_run_account": "Rekening",
        "ag_run_files": "Afrekening", "ag_run_none": "Geen afrekeningen in deze run.",
        "ag_run_pain": "Betaalbestand (pain.001) downloaden",
        "ag_run_approve": "Afdracht goedkeuren",
        "ag_run_approve_hint": "Controleer de bedragen, de afrekeningen en het betaalbestand. Na goedkeuring mag het betaalbestand naar de bank; de run wordt als geheel goedgekeurd.",
        "ag_run_not_yours": "Alleen wie bij het bureau afdrachten mag beheren kan deze run goedkeuren.",
        "ag_run_close": "Sluiten zonder goedkeuren",
        "ag_run_close_hint": "Sluit de actie zonder de run goed te keuren: er gaat dan geen afdracht naar de bank.",
        "ag_run_each": "Niet afgehandeld: {ids}. Een afdrachtrun wordt op de eigen pagina goedgekeurd.",
        "done_run_approved": "De afdrachtrun is goedgekeurd.",
        "ag_confirm_client": "Opdrachtgever (nummer)",
        "ag_suggestions": "Voorgestelde facturen", "ag_of_client": "opdrachtgever",
        "ag_confirm_hint": "Geld op de derdengeldenrekening van het bureau: kies de opdrachtgever voor wie het is en de facturen (gescheiden door komma's)."},
    en={"ag_nav": "Agency actions", "ag_title": "The agency's actions",
        "ag_hint": "What belongs to the agency and to no client: refused bank statements, payments on a pooled account, the settlement run, the holiday table.",
        "ag_caption": "The agency's actions, oldest first", "ag_back": "Back to the agency actions",
        "today_agency": "The agency's actions", "today_agency_urgent": "{n} waiting, {urgent} of them holding money up (a refused statement, a settlement or a client's money).",
        "ag_client_money_title": "What to do",
        "ag_first_letter_title": "Your first letter to the debtor",
        "ag_client_money_whose": "This money is on the agency's third-party account, but it belongs with an invoice the client did not hand over to the agency: it is the client's, not the agency's. It is not part of a settlement by itself, and no commission is taken on it.",
        "ag_client_money_how": "Transfer the amount to the client, then close this item with a note (the day of the transfer, say). Should the client hand the invoice over after all, book the payment on that invoice below.",
        "ag_recount_hint": "The count on Today is kept up to date on every change; count again if it looks wrong.",
        "ag_run_title": "Settlement run {run}", "ag_run_status": "Status",
        "ag_run_awaiting_approval": "awaiting approval", "ag_run_approved": "approved", "ag_run_building": "being built",
        "ag_run_payout": "To pay out", "ag_run_transfers": "Transfers", "ag_run_statements": "Statements per client",
        "ag_run_client": "Client", "ag_run_received": "Received", "ag_run_to_agency": "For the agency",
        "ag_run_commission": "Commission", "ag_run_fee_vat": "VAT on the fee", "ag_run_account": "Account",
        "ag_run_files": "Statement", "ag_run_none": "No statements in this run.",
        "ag_run_pain": "Download the transfer file (pain.001)",
        "ag_run_approve": "Approve the settlement",
        "ag_run_approve_hint": "Check the amounts, the statements and the transfer file. Once approved, the transfer file may go to the bank; the run is approved as a whole.",
        "ag_run_not_yours": "Only agency people who manage settlements can approve this run.",
        "ag_run_close": "Close without approving",
        "ag_run_close_hint": "Closes the item without approving the run: no payout goes to the bank.",
        "ag_run_each": "Not resolved: {ids}. A settlement run is approved on its own page.",
        "done_run_approved": "The settlement run is approved.",
        "ag_confirm_client": "Client (number)",
        "ag_suggestions": "Suggested invoices", "ag_of_client": "client",
        "ag_confirm_hint": "Money on the agency's third-party account: choose the client it is for and the invoices (separated by commas)."},
)  # fmt: skip
