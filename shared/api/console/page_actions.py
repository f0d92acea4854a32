"""The action list: the work waiting for staff. Filter by kind and assignee (agency people
pick the client in the header), assign to oneself or a colleague, resolve one or many at once,
confirm a suggested bank payment by ticking the invoices it paid, and open the debtor's
dossier. Paged on the server; every change goes through the API's own ActionService."""

from __future__ import annotations

from datetime import date

from shared.api.console import action_decisions, action_text, code_text, task_invoices  # noqa: F401 - code_text: the |word filter
from shared.api.console.permits import allows, client_path, may_resolve, require
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, page, page_of, templates, words
from shared.api.http import ApiResponse
from shared.domain.access import Scope
from shared.domain.records import ActionItem, Payment
from shared.services.actions import CONFIRMABLE
from shared.services.client_receipts import KIND as RECEIPT
from shared.services.errors import ConflictingUpdate, Invalid, ServiceError
from shared.services.request_decisions import CLAIM, DECIDABLE, claim_of
from shared.services.statement_returns import KIND as RETURN
from shared.services.statement_sources import CLIENT_WRITTEN


def _filters(desk: Desk) -> dict[str, str]:
    return {
        "kind": desk.query("kind"),
        "assignee": desk.query("assignee"),
        "status": "resolved" if desk.query("status") == "resolved" else "",
    }


@page("actions", nav="act_nav", order=10)
def actions(desk: Desk, rest: list[str]) -> ApiResponse:
    client = desk.client
    match rest:
        case []:
            return _post_list(desk) if desk.req.method == "POST" else _list(desk)
        case [action_id]:
            item = desk.services.action_desk.get(client.client_id, action_id)
            if desk.req.method == "POST":
                return _post_one(desk, item)
            return _one(desk, item)
    return desk.message(404, desk.t["not_found"])


def _list(desk: Desk, notice: str = "", status: int = 200) -> ApiResponse:
    client_id = desk.client.client_id
    chosen = _filters(desk)
    listed = desk.services.action_desk.listed(
        client_id, kind=chosen["kind"], assignee=chosen["assignee"],
        resolved=chosen["status"] == "resolved",
    )  # fmt: skip
    rows = page_of(listed, desk.page_number())
    done = task_invoices.done_with(desk.services.repos, client_id, rows.items)
    return desk.render(
        "actions",
        "act_title",
        status,
        notice=notice,
        error=status >= 400,
        rows=rows,
        done={k: _states(desk, v) for k, v in done.items()},
        chosen=chosen,
        kinds=sorted(
            set(desk.services.console_figures.action_counts(client_id)) | {chosen["kind"]} - {""}
        ),
        people=desk.services.action_desk.assignees(desk.agency_id, client_id),
        me=desk.signed.user.email,
        may_work=_may_work(desk, "x"),
        **_words(desk),
    )


def _states(desk: Desk, states: dict[str, str]) -> str:
    """``F-1004 betaald, F-1005 overgedragen aan het incassobureau`` in the page's language."""
    return ", ".join(f"{n} {task_invoices.state_word(s, desk.lang)}" for n, s in states.items())


def _may_work(desk: Desk, action_id: str) -> bool:
    """Resolve and assign are shown to whom the API's routes allow them (a reader: no
    buttons, review console7 F9); the posts are authorised again by the shell."""
    return allows(desk, "POST", client_path(desk, f"actions/{action_id}/resolve")) and allows(
        desk, "POST", client_path(desk, f"actions/{action_id}/assign")
    )


def _words(desk: Desk) -> dict[str, object]:
    """The item's kind, title, detail names and matcher reasons in the page's language."""
    lang = desk.lang
    return {
        "resolution_of": lambda text: action_text.resolution(text, lang, _names(desk).get),
        "kind_label": lambda kind: action_text.kind_label(kind, lang),
        "item_title": lambda text: action_text.title(text, lang),
        "detail_label": lambda key: action_text.detail_label(key, lang),
        "reason_of": lambda text: action_text.reason(text, lang),
        "how_of": lambda text: action_text.how(text, lang),
        "case_of": lambda case_id: action_text.case_of(case_id, lang),
        "candidate_of": lambda found: action_text.candidate(found, lang),
        "money_of": lambda key, value: action_text.money_detail(key, value, desk.money),
    }


def _names(desk: Desk) -> dict[str, str]:
    client_id = None if desk.current == "agency-actions" else desk.client_id
    return desk.services.action_desk.names(desk.agency_id, client_id)


def _post_list(desk: Desk) -> ApiResponse:
    """The bulk form: resolve the ticked actions, or assign them (to me or a colleague)."""
    service = desk.services.actions
    scope = desk.client.client_id
    ids = desk.fields("id")
    if not ids:
        return _list(desk, desk.t["act_none_ticked"], 400)
    do = desk.field("do")
    assignee = desk.signed.user.email if do == "assign-me" else desk.field("assignee")
    if do in ("assign", "assign-me") and not _may_assign(desk, assignee):
        return _list(desk, desk.t["act_pick_person"], 400)
    failed: list[str] = []
    undecided: list[str] = []
    for action_id in ids:
        try:
            if do == "resolve" and _is_decision(desk, scope, action_id):
                undecided.append(action_id)  # a debtor waits for a decision, not a tick
            elif do == "resolve":
                service.resolve(scope, action_id, desk.field("resolution") or "resolved",
                                desk.principal.key_id, desk.principal)  # fmt: skip
            elif do in ("assign", "assign-me"):
                service.assign(scope, action_id, assignee)
        except (Invalid, ConflictingUpdate):
            failed.append(action_id)
        except Exception as exc:  # NotFound: another client's id, or gone
            if type(exc).__name__ != "NotFound":
                raise
            failed.append(action_id)
    if failed or undecided:
        notes = [desk.t["act_some_failed"].format(ids=", ".join(failed))] if failed else []
        if undecided:
            notes.append(desk.t["act_decide_each"].format(ids=", ".join(undecided)))
        return _list(desk, " ".join(notes), 409)
    return desk.redirect("/actions", done="act_done", **_filters(desk))


def _is_decision(desk: Desk, scope: str, action_id: str) -> bool:
    found = desk.services.repos.actions.get(scope, action_id)
    return found is not None and found[0].kind in DECIDABLE


def _may_assign(desk: Desk, email: str) -> bool:
    return any(
        p.email == email
        for p in desk.services.action_desk.assignees(desk.agency_id, desk.client.client_id)
    )


def _once_each(suggestions: list[dict[str, object]]) -> list[dict[str, object]]:
    """Each invoice once, at its best score: the matcher offers its three best candidates,
    and a set of invoices (a known payer's whole bill) repeats the single ones, so the form
    offered TF-101 and TF-103 twice to tick (agency21 F6: 0,80 and 0,35 of one invoice)."""
    seen: set[object] = set()
    kept = []
    for s in sorted(suggestions, key=lambda s: -_score(s)):
        if s.get("invoice") not in seen:
            seen.add(s.get("invoice"))
            kept.append(s)
    return kept


def _score(suggestion: dict[str, object]) -> float:
    score = suggestion.get("score")
    return float(score) if isinstance(score, (int, float)) else 0.0


def _one(desk: Desk, item: ActionItem, notice: str = "", status: int = 200) -> ApiResponse:
    offered = item.detail.get("suggestions")
    suggestions = _once_each([
        s
        for s in (offered if isinstance(offered, list) else [])
        if isinstance(s, dict) and s.get("client_id") in (None, item.client_id)
    ])  # fmt: skip
    suggestions = _with_debtors(desk, item.client_id, suggestions)
    open_invoices = []
    if item.kind in CONFIRMABLE and item.debtor_number:
        open_invoices = [
            inv
            for inv in desk.services.repos.invoices.for_debtor(item.client_id, item.debtor_number)
            if inv.open_amount
        ]
    done = task_invoices.done_with(desk.services.repos, item.client_id, [item])
    return desk.render(
        "action",
        action_text.title(item.title, desk.lang),
        status,
        notice=notice,
        error=status >= 400,
        item=item,
        confirmable=item.kind in CONFIRMABLE
        and item.status.value != "resolved"
        and allows(desk, "POST", client_path(desk, f"actions/{item.action_id}/confirm")),
        return_reversible=_return_reversible(desk, item),
        return_payments=_return_payments(desk, item),
        return_agency_only=_return_agency_only(desk, item),
        redatable=_redated_path(desk, item) is not None
        and item.status.value != "resolved"
        and allows(desk, "POST", _redated_path(desk, item) or ""),
        reversible=_reversible(desk, item),
        may_work=_may_work(desk, item.action_id),
        may_resolve=may_resolve(desk, item),
        suggestions=suggestions,
        open_invoices=open_invoices,
        done=_states(desk, done.get(item.action_id, {})),
        people=desk.services.action_desk.assignees(desk.agency_id, item.client_id),
        me=desk.signed.user.email,
        # the flag of a client's upload is shown as its reason, not as "True"
        detail={
            k: v for k, v in item.detail.items() if k not in ("suggestions", CLAIM, CLIENT_WRITTEN)
        },
        **_words(desk),
        **action_decisions.decide_context(desk, item),
    )


def _return_reversible(desk: Desk, item: ActionItem) -> bool:
    """A return no payment was found for: a person may reverse the one it sent back. The
    client's own people only where the item leaves them one to reverse (it names none: they
    may name one of the payer's; it names only the agency's: the agency decides)."""
    return _may_reverse_a_return(desk, item) and not _return_agency_only(desk, item)


def _may_reverse_a_return(desk: Desk, item: ActionItem) -> bool:
    path = client_path(desk, f"actions/{item.action_id}/reverse-payment")
    return item.kind == RETURN and item.status.value != "resolved" and allows(desk, "POST", path)


def _return_agency_only(desk: Desk, item: ActionItem) -> bool:
    """The item names payments and every one left is the agency's to reverse (the client's
    admin is told so instead of offered a form the service refuses)."""
    if _by_agency(desk) or not _may_reverse_a_return(desk, item):
        return False
    return bool(_named_payments(desk, item)) and not _return_payments(desk, item)


def _return_payments(desk: Desk, item: ActionItem) -> list[Payment]:
    """The booked payments the return may undo, as they stand now (its payer, its amount),
    those the service would let this person reverse (statement_returns: a payment on the
    agency's account, or booked by the bank's file on a return the client uploaded, is the
    agency's)."""
    found = _named_payments(desk, item)
    if _by_agency(desk):
        return found
    returns = desk.services.returns
    return [p for p in found if returns.clients_to_reverse(item, desk.client, p)]


def _named_payments(desk: Desk, item: ActionItem) -> list[Payment]:
    """The booked payments the return may undo, as they stand now (not reversed)."""
    return desk.services.returns.candidates(item) if item.kind == RETURN else []


def _by_agency(desk: Desk) -> bool:
    return desk.principal.scope is Scope.AGENCY


def _reverse_return(desk: Desk, item: ActionItem) -> ApiResponse | None:
    """The payment chosen on a return's item reversed, and the item resolved."""
    require(desk, "POST", client_path(desk, f"actions/{item.action_id}/reverse-payment"))
    chosen = desk.field("payment") or desk.field("other_payment")
    note = desk.field("note")
    if not chosen:
        return _one(desk, item, desk.t["act_return_no_payment"], 400)
    if len(note) < 3:
        return _one(desk, item, desk.t["act_redate_no_reason"], 400)
    try:
        desk.services.returns.reverse(
            item.client_id, item.action_id, desk.client, chosen, note, desk.principal.key_id,
            desk.signed.user.user_id, by_agency=_by_agency(desk),
        )  # fmt: skip
    except Invalid as exc:  # not this payment, or not this person's: said in the page's words
        return _one(desk, item, refusal(exc, desk.lang), 422)
    return None


def _redated_path(desk: Desk, item: ActionItem) -> str | None:
    """The API route that books a client's receipt again on its day, for its item."""
    payment_id = item.detail.get("payment_id")
    if item.kind != RECEIPT or not isinstance(payment_id, str):
        return None
    return client_path(desk, f"payments/{payment_id}/received-on")


def _redate(desk: Desk, item: ActionItem) -> ApiResponse | None:
    """The receipt booked again on the day the client's books give, and its item resolved
    (a bad day: the page again with the refusal)."""
    path = _redated_path(desk, item)
    if path is None:
        return _one(desk, item, desk.t["not_found"], 400)
    require(desk, "POST", path)
    try:
        day = date.fromisoformat(desk.field("received_on"))
    except ValueError:
        return _one(desk, item, desk.t["act_redate_no_day"], 400)
    reason = desk.field("reason")
    if len(reason) < 3:
        return _one(desk, item, desk.t["act_redate_no_reason"], 400)
    again = desk.services.imports.receipts.book_on_its_day(
        desk.client, str(item.detail["payment_id"]), day, reason, desk.signed.user.user_id
    )
    desk.services.actions.resolve(
        item.client_id, item.action_id,
        f"booked again as received by the client on {again.received_on.isoformat()}: {reason}",
        desk.principal.key_id,
    )  # fmt: skip
    return None


def _reversed_path(desk: Desk, item: ActionItem) -> str | None:
    """The API route that takes a client's receipt off by hand, for an item about one."""
    payment_id = item.detail.get("payment_id")
    if item.kind != RECEIPT or not isinstance(payment_id, str):
        return None
    return client_path(desk, f"payments/{payment_id}/reverse")


def _reversible(desk: Desk, item: ActionItem) -> bool:
    """The button is shown on a waiting item whose receipt stands, to whom the route allows
    it (the agency's staff, the client's admin)."""
    path = _reversed_path(desk, item)
    if path is None or item.status.value == "resolved" or not allows(desk, "POST", path):
        return False
    found = desk.services.repos.payments.get(item.client_id, str(item.detail["payment_id"]))
    return found is not None and not found.reversed


def _reverse(desk: Desk, item: ActionItem) -> ApiResponse | None:
    """The client's receipt the item names taken off by hand, and the item resolved (no
    reason given: the page again saying so)."""
    path = _reversed_path(desk, item)
    if path is None:
        return _one(desk, item, desk.t["not_found"], 400)
    require(desk, "POST", path)
    reason = desk.field("reason")
    if len(reason) < 3:
        return _one(desk, item, desk.t["act_redate_no_reason"], 400)
    desk.services.imports.receipts.reverse_by_hand(
        desk.client, str(item.detail["payment_id"]), reason, desk.signed.user.user_id,
        item.action_id, desk.principal.key_id,
    )  # fmt: skip
    return None


def _with_debtors(
    desk: Desk, client_id: str, suggestions: list[dict[str, object]]
) -> list[dict[str, object]]:
    """Each suggested invoice with its debtor's name and number: two close invoice numbers of
    the same amount are told apart by whose they are (two reads, whatever the count)."""
    numbers = [str(s.get("invoice")) for s in suggestions if s.get("invoice")]
    if not numbers:
        return suggestions
    invoices = desk.services.repos.invoices.get_many(client_id, numbers)
    debtors = desk.services.repos.debtors.get_many(
        client_id, sorted({x.invoice.debtor_number for x in invoices.values()})
    )
    out = []
    for s in suggestions:
        stored = invoices.get(str(s.get("invoice")))
        number = stored.invoice.debtor_number if stored else None
        found = debtors.get(number) if number else None
        out.append({**s, "debtor": number, "debtor_name": found[0].name if found else None})
    return out


def _post_one(desk: Desk, item: ActionItem) -> ApiResponse:
    service = desk.services.actions
    do = desk.field("do")
    author = desk.principal.key_id
    try:
        if do == "confirm":
            ticked = desk.fields("invoice") + [
                n.strip() for n in desk.field("other").replace(";", ",").split(",") if n.strip()
            ]
            service.confirm_payment(desk.client, item.action_id, ticked, author,
                                    by_agency=desk.principal.scope is Scope.AGENCY)  # fmt: skip
        elif do == "resolve":
            note = desk.field("resolution")
            taken = claim_of(item)
            if taken is not None:  # what was carried out stands; the rest is not done
                note = f"closed with {taken['do']} not finished" + (f": {note}" if note else "")
            elif item.kind in DECIDABLE:  # says what it is: nothing was decided
                note = f"closed without a decision: {note}" if note else "closed without a decision"
            service.resolve(item.client_id, item.action_id, note or "resolved", author,
                            desk.principal)  # fmt: skip
        elif do in ("assign", "assign-me"):
            assignee = desk.signed.user.email if do == "assign-me" else desk.field("assignee")
            if not _may_assign(desk, assignee):
                return _one(desk, item, desk.t["act_pick_person"], 400)
            service.assign(item.client_id, item.action_id, assignee)
        elif do == "redate":
            refused = _redate(desk, item)
            if refused is not None:
                return refused
        elif do == "reverse":
            refused = _reverse(desk, item)
            if refused is not None:
                return refused
        elif do == "reverse-payment":
            refused = _reverse_return(desk, item)
            if refused is not None:
                return refused
        elif do in action_decisions.DECISIONS:  # a debtor's request: grant, refuse, end, plan
            try:
                action_decisions.decide(desk, item, do)
            except ServiceError as exc:
                said = action_decisions.refusal_text(desk, exc)
                if said is None:
                    raise
                fresh = desk.services.action_desk.get(item.client_id, item.action_id)
                return _one(desk, fresh, said, 409)
            return desk.redirect(f"/actions/{item.action_id}", done="dec_done")
        else:
            return _one(desk, item, desk.t["not_found"], 400)
    except Invalid as exc:
        return _one(desk, item, desk.t["act_error"].format(reason=refusal(exc, desk.lang)), 422)
    except ConflictingUpdate as exc:
        return _one(desk, item, desk.t["act_error"].format(reason=refusal(exc, desk.lang)), 409)
    return desk.redirect(f"/actions/{item.action_id}", done="act_done")


LIST = """{% extends "shell" %}{% from "pager" import pager %}{% block main %}
<form method="get" action="{{ base }}/actions" class="card"><div class="inline">
{% if desk.choices|length > 1 %}<input type="hidden" name="client" value="{{ desk.client_id }}">{% endif %}
<div><label for="f-kind">{{ t.act_kind }}</label><select id="f-kind" name="kind"><option value="">{{ t.act_all }}</option>
{% for k in kinds %}<option value="{{ k }}"{% if k == chosen.kind %} selected{% endif %}>{{ kind_label(k) }}</option>{% endfor %}</select></div>
<div><label for="f-assignee">{{ t.act_assignee }}</label><select id="f-assignee" name="assignee"><option value="">{{ t.act_anyone }}</option>
{% for p in people %}<option value="{{ p.email }}"{% if p.email == chosen.assignee %} selected{% endif %}>{{ p.name or p.email }}</option>{% endfor %}</select></div>
<div><label for="f-status">{{ t.act_status }}</label><select id="f-status" name="status"><option value="">{{ t.act_waiting }}</option>
<option value="resolved"{% if chosen.status == 'resolved' %} selected{% endif %}>{{ t.act_resolved }}</option></select></div>
<button type="submit">{{ t.act_filter }}</button></div></form>
<form method="post" action="{{ desk.url('/actions', **chosen) }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<div class="scroll" role="region" tabindex="0" aria-label="{{ t.act_caption }}"><table><caption>{{ t.act_caption }}</caption>
<thead><tr><th scope="col"><span class="visually-hidden">{{ t.act_tick }}</span></th><th scope="col">{{ t.act_created }}</th><th scope="col">{{ t.act_kind }}</th><th scope="col">{{ t.act_what }}</th><th scope="col">{{ t.act_debtor }}</th><th scope="col">{{ t.act_assignee }}</th></tr></thead><tbody>
{% for a in rows.items %}<tr><td>{% if may_work %}<input type="checkbox" name="id" value="{{ a.action_id }}" id="tick-{{ loop.index }}"><label class="visually-hidden" for="tick-{{ loop.index }}">{{ t.act_tick }}: {{ item_title(a.title) }}</label>{% endif %}</td>
<td>{{ a.created_at|local('%Y-%m-%d') }}</td><td><span class="badge">{{ kind_label(a.kind) }}</span></td>
<td><a href="{{ desk.url('/actions/' + a.action_id) }}">{{ item_title(a.title) }}</a>{% if a.action_id in done %}<br><span class="muted">{{ t.act_task_since }} {{ done[a.action_id] }}</span>{% endif %}</td>
<td>{% if a.debtor_number %}<a href="{{ desk.url('/dossier/' + a.debtor_number|segment) }}">{{ a.debtor_number }}</a>{% endif %}</td>
<td>{{ a.assigned_to or '' }}</td></tr>
{% else %}<tr><td colspan="6">{{ t.act_empty }}</td></tr>{% endfor %}</tbody></table></div>
{{ pager(desk, rows) }}
{% if may_work and chosen.status != 'resolved' and rows.items %}<fieldset class="card"><legend>{{ t.act_ticked }}</legend><div class="inline">
<div><label for="b-resolution">{{ t.act_resolution }}</label><input id="b-resolution" name="resolution" maxlength="200"></div>
<button type="submit" name="do" value="resolve">{{ t.act_resolve_ticked }}</button>
<button class="secondary" type="submit" name="do" value="assign-me">{{ t.act_assign_me }}</button>
<div><label for="b-assignee">{{ t.act_assign_to }}</label><select id="b-assignee" name="assignee"><option value="">-</option>
{% for p in people %}<option value="{{ p.email }}">{{ p.name or p.email }}</option>{% endfor %}</select></div>
<button class="secondary" type="submit" name="do" value="assign">{{ t.act_assign }}</button></div></fieldset>{% endif %}
</form>{% endblock %}"""

ONE = """{% extends "shell" %}{% block main %}
<p><a href="{{ desk.url('/actions') }}">{{ t.act_back }}</a></p>
{% if done %}<p class="notice">{{ t.act_task_moot.format(states=done) }}</p>{% endif %}
<section><h2>{{ t.act_details }}</h2><dl>
<dt>{{ t.act_kind }}</dt><dd><span class="badge">{{ kind_label(item.kind) }}</span></dd>
<dt>{{ t.act_status }}</dt><dd>{{ item.status|word('action_status') }}{% if item.resolution %}: {{ resolution_of(item.resolution) }}{% endif %}</dd>
<dt>{{ t.act_created }}</dt><dd>{{ item.created_at|local }}</dd>
<dt>{{ t.act_assignee }}</dt><dd>{{ item.assigned_to or '-' }}</dd>
{% if item.debtor_number %}<dt>{{ t.act_debtor }}</dt><dd><a href="{{ desk.url('/dossier/' + item.debtor_number|segment) }}">{{ t.act_open_dossier }} {{ item.debtor_number }}</a></dd>{% endif %}
{% if item.invoice_numbers %}<dt>{{ t.act_invoices }}</dt><dd>{{ item.invoice_numbers|join(', ') }}</dd>{% endif %}
{% for k, v in detail.items() %}{% if v not in (none, '', []) %}<dt>{{ detail_label(k) }}</dt><dd>{% if k == 'amount' %}{{ desk.money(v) }}{% elif k == 'method' %}{{ v|word('plan_method') }}{% elif k == 'case_id' and v is string %}{{ case_of(v) }}{% elif money_of(k, v) is not none %}{{ money_of(k, v) }}{% elif k == 'reasons' and v is sequence and v is not string %}{% for r in v %}{{ reason_of(r) }}{% if not loop.last %}; {% endif %}{% endfor %}{% elif k == 'candidates' and v is sequence and v is not string %}{% for c in v %}{{ candidate_of(c) }}{% if not loop.last %}; {% endif %}{% endfor %}{% elif v is sequence and v is not string %}{{ v|join('; ') }}{% else %}{{ v }}{% endif %}</dd>{% endif %}{% endfor %}
</dl></section>
{% if confirmable %}<section><h2>{{ t.act_confirm_title }}</h2><p>{{ t.act_confirm_hint }}</p>
<form method="post" action="{{ desk.url('/actions/' + item.action_id) }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<fieldset><legend>{{ t.act_invoices }}</legend>
{% for s in suggestions %}<div><input type="checkbox" name="invoice" value="{{ s.invoice }}" id="inv-s-{{ loop.index }}"><label for="inv-s-{{ loop.index }}" class="inline-label">{{ s.invoice }} · {% if s.debtor %}{{ s.debtor_name or s.debtor }} ({{ s.debtor }}) · {% endif %}{{ desk.money(s.amount) }} · {{ t.act_score }} {{ '%.2f'|format(s.score)|replace('.', ',') if desk.lang == 'nl' else '%.2f'|format(s.score) }}</label></div>{% endfor %}
{% for inv in open_invoices %}{% if inv.number not in suggestions|map(attribute='invoice')|list %}<div><input type="checkbox" name="invoice" value="{{ inv.number }}" id="inv-o-{{ loop.index }}"><label for="inv-o-{{ loop.index }}">{{ inv.number }} · {{ desk.money(inv.open_amount) }}</label></div>{% endif %}{% endfor %}
</fieldset>
<label for="c-other">{{ t.act_other }}</label><input id="c-other" name="other" maxlength="400">
<p><button type="submit" name="do" value="confirm">{{ t.act_confirm }}</button></p></form></section>{% endif %}
{% if redatable %}<section><h2>{{ t.act_redate_title }}</h2><p>{{ t.act_redate_hint }}</p>
<form method="post" action="{{ desk.url('/actions/' + item.action_id) }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><div class="inline">
<div><label for="r-day">{{ t.act_redate_day }}</label><input type="date" id="r-day" name="received_on" required value="{{ detail.date }}"></div>
<div><label for="r-reason">{{ t.act_redate_reason }}</label><input id="r-reason" name="reason" minlength="3" maxlength="1000" required></div>
<button type="submit" name="do" value="redate">{{ t.act_redate }}</button></div></form></section>{% endif %}
{% if reversible %}<section><h2>{{ t.act_reverse_title }}</h2><p>{{ t.act_reverse_hint }}</p>
<form method="post" action="{{ desk.url('/actions/' + item.action_id) }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><div class="inline">
<div><label for="v-reason">{{ t.act_redate_reason }}</label><input id="v-reason" name="reason" minlength="3" maxlength="1000" required></div>
<button class="secondary" type="submit" name="do" value="reverse">{{ t.act_reverse }}</button></div></form></section>{% endif %}
{% if return_reversible %}<section><h2>{{ t.act_return_title }}</h2><p>{{ t.act_return_hint }}</p>
<form method="post" action="{{ desk.url('/actions/' + item.action_id) }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
{% if return_payments %}<fieldset><legend>{{ t.act_return_which }}</legend>
{% for p in return_payments %}<div><input type="radio" name="payment" value="{{ p.payment_id }}" id="rp-{{ loop.index }}"{% if loop.length == 1 %} checked{% endif %}><label for="rp-{{ loop.index }}" class="inline-label">{{ p.received_on.strftime('%d-%m-%Y') if desk.lang == 'nl' else p.received_on.isoformat() }} · {{ desk.money(p.amount) }} · {{ (p.designated or p.booked_to or ())|join(', ') }} · {{ p.payment_id }}</label></div>{% endfor %}
</fieldset>{% else %}<p>{{ t.act_return_none }}</p>{% endif %}
<label for="rp-other">{{ t.act_return_other }}</label><input id="rp-other" name="other_payment" maxlength="200">
<label for="rp-note">{{ t.act_redate_reason }}</label><input id="rp-note" name="note" minlength="3" maxlength="1000" required>
<p><button type="submit" name="do" value="reverse-payment" class="danger">{{ t.act_return }}</button></p></form></section>{% elif return_agency_only %}<p class="muted">{{ t.act_return_agency }}</p>{% endif %}
{% include "action-decide" %}
{% if may_work and item.status.value != 'resolved' %}<section><h2>{{ t.act_work }}</h2>
<form method="post" action="{{ desk.url('/actions/' + item.action_id) }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><div class="inline">
<div><label for="o-assignee">{{ t.act_assign_to }}</label><select id="o-assignee" name="assignee">{% for p in people %}<option value="{{ p.email }}"{% if p.email == item.assigned_to %} selected{% endif %}>{{ p.name or p.email }}</option>{% endfor %}</select></div>
<button class="secondary" type="submit" name="do" value="assign">{{ t.act_assign }}</button>
<button class="secondary" type="submit" name="do" value="assign-me">{{ t.act_assign_me }}</button></div></form>
{% if may_resolve %}<form method="post" action="{{ desk.url('/actions/' + item.action_id) }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><div class="inline">
{% if decide %}<p class="muted">{{ t.dec_close_hint }}</p>{% endif %}
<div><label for="o-resolution">{{ t.act_resolution }}</label><input id="o-resolution" name="resolution" maxlength="200"></div>
<button {% if decide %}class="secondary" {% endif %}type="submit" name="do" value="resolve">{{ t.dec_close if decide else t.act_resolve }}</button></div></form>{% else %}<p class="muted">{{ t.act_ruling_decider }}</p>{% endif %}</section>{% endif %}
{% endblock %}"""

templates(actions=LIST, action=ONE)

words(
    nl={"act_nav": "Actielijst", "act_title": "Actielijst", "act_kind": "Soort", "act_all": "Alle",
        "act_assignee": "Toegewezen aan", "act_anyone": "Iedereen", "act_status": "Status",
        "act_waiting": "Openstaand", "act_resolved": "Afgehandeld", "act_filter": "Filter",
        "act_caption": "Acties, oudste eerst", "act_tick": "Selecteer", "act_created": "Aangemaakt",
        "act_what": "Actie", "act_debtor": "Debiteur", "act_empty": "Geen acties.",
        "act_ticked": "Geselecteerde acties", "act_resolution": "Afhandeling (toelichting)",
        "act_ruling_decider": "Afhandelen beslist over het geld dat onder het faillissement of "
        "de WSNP binnenkwam (het blijft tot dan op de derdengeldrekening): dat doet een "
        "beheerder, en het incassobureau als het de uitspraak vastlegde.",
        "act_resolve_ticked": "Geselecteerde afhandelen", "act_assign_me": "Aan mij toewijzen",
        "act_assign_to": "Toewijzen aan", "act_assign": "Toewijzen", "act_resolve": "Afhandelen",
        "act_none_ticked": "Selecteer eerst een of meer acties.", "act_pick_person": "Kies een persoon van deze opdrachtgever of de incassopartij.",
        "act_some_failed": "Niet gelukt voor: {ids} (al afgehandeld of intussen gewijzigd).",
        "done_act_done": "Gedaan.", "act_back": "Terug naar de actielijst", "act_details": "Gegevens",
        "act_open_dossier": "Dossier", "act_invoices": "Facturen",
        "act_task_since": "Sinds deze taak:",
        "act_task_moot": "Sinds deze taak: {states}. Voor deze taak valt niets meer te innen; sluit haar af.",
        "act_confirm_title": "Betaling bevestigen", "act_confirm_hint": "Vink de facturen aan die met deze betaling betaald zijn; de betaling wordt erop geboekt en het rekeningnummer van de betaler wordt onthouden.",
        "act_score": "overeenkomst", "act_other": "Andere factuurnummers (komma's ertussen)", "act_confirm": "Betaling boeken",
        "act_work": "Behandelen", "act_error": "Niet gelukt: {reason}",
        "act_decide_each": "Niet afgehandeld: {ids}. Een verzoek of voorstel van een debiteur wordt op de eigen pagina beslist (toekennen, weigeren, goedkeuren).",
        "act_redate_title": "Op de juiste dag boeken", "act_redate_hint": "Geeft de boekhouding van de opdrachtgever een andere dag van ontvangst, dan wordt de betaling teruggeboekt en opnieuw geboekt als ontvangen door de opdrachtgever op die dag (art. 6:44 BW vanaf die dag); de actie wordt afgehandeld.",
        "act_redate_day": "Ontvangen op", "act_redate_reason": "Waarom (bron)", "act_redate": "Op deze dag boeken",
        "act_redate_no_day": "Vul de dag van ontvangst in.", "act_redate_no_reason": "Zeg waarom (minstens 3 tekens).",
        "act_reverse_title": "Ontvangst terugdraaien", "act_reverse_hint": "Is dit geld niet door de opdrachtgever ontvangen (het is dezelfde betaling als de regel van de bank, of de opdrachtgever heeft het nooit gehad), draai de ontvangst dan terug: de vordering gaat weer open (kosten en rente zoals de wet ze geeft), de debiteur krijgt geen bericht, de volgende afdracht corrigeert het aandeel dat de opdrachtgever ervoor betaalde; de actie wordt afgehandeld.",
        "act_reverse": "Ontvangst terugdraaien",
        "act_return_title": "Teruggeboekte betaling terugdraaien",
        "act_return_hint": "De bank heeft dit bedrag teruggeboekt zonder kenmerk waarmee Inning de betaling vond. Kies de geboekte betaling die teruggegaan is: die wordt teruggedraaid zoals bij een herkende terugboeking (de facturen staan weer open, de volgende afdracht verrekent wat al is afgedragen) en de actie wordt afgehandeld. Het staat in het auditlog.",
        "act_return_which": "Geboekte betalingen van deze rekening en dit bedrag",
        "act_return_none": "Geen geboekte betaling van deze rekening en dit bedrag gevonden; vul het betalingsnummer in als u weet welke het is.",
        "act_return_agency": "Het incassobureau draait deze betaling terug: ze kwam binnen op zijn rekening, of het afschrift van zijn bank boekte haar bij een terugboeking uit een bestand dat u uploadde.",
        "act_return_other": "Of een ander betalingsnummer", "act_return": "Betaling terugdraaien",
        "act_return_no_payment": "Kies de betaling die teruggeboekt is."},
    en={"act_nav": "Action list", "act_title": "Action list", "act_kind": "Kind", "act_all": "All",
        "act_assignee": "Assigned to", "act_anyone": "Anyone", "act_status": "Status",
        "act_waiting": "Waiting", "act_resolved": "Resolved", "act_filter": "Filter",
        "act_caption": "Actions, oldest first", "act_tick": "Select", "act_created": "Created",
        "act_what": "Action", "act_debtor": "Debtor", "act_empty": "No actions.",
        "act_ticked": "Selected actions", "act_resolution": "Resolution (note)",
        "act_ruling_decider": "Resolving decides the money received under the bankruptcy or "
        "WSNP (it stays on the third-party account until then): an administrator does, and the "
        "agency where it recorded the ruling.",
        "act_resolve_ticked": "Resolve selected", "act_assign_me": "Assign to me",
        "act_assign_to": "Assign to", "act_assign": "Assign", "act_resolve": "Resolve",
        "act_none_ticked": "Select one or more actions first.", "act_pick_person": "Choose a person of this client or of the agency.",
        "act_some_failed": "Not done for: {ids} (resolved already or changed meanwhile).",
        "done_act_done": "Done.", "act_back": "Back to the action list", "act_details": "Details",
        "act_open_dossier": "Dossier", "act_invoices": "Invoices",
        "act_task_since": "Since this task:",
        "act_task_moot": "Since this task: {states}. There is nothing left to collect for it; close it.",
        "act_confirm_title": "Confirm the payment", "act_confirm_hint": "Tick the invoices this payment paid; it is booked on them and the payer's account number is remembered.",
        "act_score": "score", "act_other": "Other invoice numbers (separated by commas)", "act_confirm": "Book the payment",
        "act_work": "Work on it", "act_error": "Not done: {reason}",
        "act_decide_each": "Not resolved: {ids}. A debtor's request or proposal is decided on its own page (grant, refuse, approve).",
        "act_redate_title": "Book it on its day", "act_redate_hint": "When the client's books give another day of receipt, the payment is reversed and booked again as received by the client on that day (art. 6:44 BW from that day); the item is resolved.",
        "act_redate_day": "Received on", "act_redate_reason": "Why (source)", "act_redate": "Book on this day",
        "act_redate_no_day": "Fill in the day of receipt.", "act_redate_no_reason": "Say why (at least 3 characters).",
        "act_reverse_title": "Reverse the receipt", "act_reverse_hint": "When the client did not receive this money (it is the bank line's payment, or the client never had it), reverse the receipt: the claim opens again (costs and interest as the law gives them), the debtor is not told, the next settlement corrects the share the client was charged for it; the item is resolved.",
        "act_reverse": "Reverse the receipt",
        "act_return_title": "Reverse the returned payment",
        "act_return_hint": "The bank sent this amount back without an id Inning found the payment by. Choose the booked payment that went back: it is reversed as a recognised return would be (its invoices are open again, the next settlement takes back what was paid out) and the item is resolved. It is on the audit log.",
        "act_return_which": "Booked payments of this account and amount",
        "act_return_none": "No booked payment of this account and amount was found; fill in the payment's id if you know which it is.",
        "act_return_agency": "The agency reverses this payment: it arrived on the agency's account, or its bank's statement booked it and the return is of a file you uploaded.",
        "act_return_other": "Or another payment id", "act_return": "Reverse the payment",
        "act_return_no_payment": "Choose the payment that was returned."},
)  # fmt: skip
