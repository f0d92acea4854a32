"""The agency's payment plans on a case, on the console's case page (agencyplan26 made them
API-only): the agency's people see them and make, start, pause, resume, end or delete one
there, and move an installment (plans27), through the service of ``/v1/cases/{case}/plans`` (:class:`AgencyPlans`) and with that
route's authorisation; a client's people read them (the route refuses their key a change,
``plan_of_agency``), so they are offered no step. Each form posts to the case page with the
console's CSRF token and ``do=plan_<step>``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote

from shared.adapters.tables.cases_repo import Case
from shared.api.console.permits import allows, require
from shared.api.console.refusal_text import refusal
from shared.api.console.shell import Desk, templates, words
from shared.api.http import ApiResponse
from shared.clock import amsterdam_today
from shared.domain.access import Scope
from shared.domain.money import AmountError, parse_amount
from shared.domain.plans.plan import PaymentPlan, PlanStatus
from shared.domain.plans.schedule import Period, PlanMethod, ScheduledInstallment
from shared.services.errors import ConflictingUpdate, Invalid, NotFound, NotPermitted
from shared.services.plans.agency_plans import AgencyPlans
from shared.services.plans.service import PlanRequest

# the steps a plan's status allows, as the service allows them
STEPS: dict[PlanStatus, tuple[str, ...]] = {
    PlanStatus.DRAFT: ("activate", "delete"),
    PlanStatus.ACTIVE: ("pause", "cancel"),
    PlanStatus.DUE: ("pause", "cancel"),
    PlanStatus.OVERDUE: ("pause", "cancel"),
    PlanStatus.PAUSED: ("resume", "cancel"),
}
# an installment moves in a draft or a running plan (``PlanService.postpone``): its own form
POSTPONES = frozenset({PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.DUE, PlanStatus.OVERDUE})
_WITH_REASON = ("pause", "cancel")
Render = Callable[[str, int], ApiResponse]


def _desk(desk: Desk) -> AgencyPlans:
    return AgencyPlans(desk.services.repos, desk.services.plans)


def _own_client(desk: Desk) -> str | None:
    p = desk.principal
    return p.client_id if p.scope is Scope.CLIENT else None


def may_plan(desk: Desk, case: Case) -> bool:
    """The agency's person with the route's right; a client's person only reads."""
    return (
        case.status == "open"
        and _own_client(desk) is None
        and allows(desk, "POST", f"/v1/cases/{case.case_id}/plans", case.client_id)
    )


def shown(desk: Desk, case: Case) -> dict[str, Any]:
    """The case page's context for its plans section."""
    try:
        plans = _desk(desk).of_case(desk.agency_id, case.case_id, _own_client(desk))
    except NotFound:  # the client gone: the case page shows the case without its plans
        plans = []
    may = may_plan(desk, case)
    today = amsterdam_today(desk.services.clock)
    return {
        "plans": sorted(plans, key=lambda p: p.created_at, reverse=True),
        "may_plan": may,
        "plan_steps": {p.plan_id: STEPS.get(p.status, ()) if may else () for p in plans},
        # the installments still to pay, each one the postpone form can move (plans27: an
        # agency plan's installment moved only through the API)
        "plan_moves": {p.plan_id: _open_installments(p, today) if may else [] for p in plans},
    }


def _open_installments(plan: PaymentPlan, today: date) -> list[ScheduledInstallment]:
    """The installments the postpone form offers: those not yet paid, of a draft or a
    running plan (as ``PlanService.postpone`` allows)."""
    if plan.status not in POSTPONES:
        return []
    unpaid = {s.number for s in plan.installments(today) if s.paid < s.amount}
    return [i for i in plan.schedule if i.number in unpaid and i.number not in plan.skipped]


def act(desk: Desk, case: Case, render: Render) -> ApiResponse:
    """A posted ``do=plan_<step>``: the step through the service, then back to the case page
    (``done``); a refusal shows the case page with the reason (422, or 409 on a race)."""
    step = desk.field("do").removeprefix("plan_")
    require(desk, "POST", f"/v1/cases/{case.case_id}/plans", case.client_id)
    author = desk.principal.key_id
    try:
        if _own_client(desk) is not None:
            raise NotPermitted(desk.t["cp_agency_only"], field="plan", code="plan_of_agency")
        plans, agency_id = _desk(desk), desk.agency_id
        if step == "create":
            plans.create(agency_id, case.case_id, _request(desk), author)
        else:
            plan_id = desk.field("plan")
            reason = desk.field("reason")
            if step in _WITH_REASON and not 3 <= len(reason) <= 500:
                raise Invalid(desk.t["cp_say_reason"], field="reason")
            if step in ("cancel", "delete") and desk.field("confirm") != "yes":
                raise Invalid(desk.t["case_say_confirm"], field="confirm")
            if step == "activate":
                plans.activate(agency_id, case.case_id, plan_id, author)
            elif step == "delete":
                plans.delete(agency_id, case.case_id, plan_id)
            elif step == "pause":
                plans.pause(agency_id, case.case_id, plan_id, reason, author)
            elif step == "resume":
                plans.resume(agency_id, case.case_id, plan_id, author)
            elif step == "cancel":
                plans.cancel(agency_id, case.case_id, plan_id, reason, author)
            elif step == "postpone":
                plans.postpone(agency_id, case.case_id, plan_id, _move(desk), author)
            else:
                raise Invalid("unknown action", field="do", code="unknown_action")
    except (Invalid, NotFound) as exc:  # NotPermitted is an Invalid
        return render(desk.t["case_error"].format(reason=refusal(exc, desk.lang)), 422)
    except ConflictingUpdate as exc:
        return render(desk.t["case_error"].format(reason=refusal(exc, desk.lang)), 409)
    return desk.redirect(f"/cases/{quote(case.case_id, safe='')}", done=f"case_plan_{step}",
                         client=case.client_id if len(desk.choices) > 1 else None)  # fmt: skip


def _move(desk: Desk) -> tuple[int, date, bool]:
    """The postpone form as ``POST /v1/cases/{case}/plans/{plan}/postpone`` takes it: the
    installment, its new day, and whether the later ones move with it."""
    number = desk.field("number")
    if not number.isdigit():
        raise Invalid(desk.t["cp_say_number"], field="number")
    try:
        to = date.fromisoformat(desk.field("to"))
    except ValueError:
        raise Invalid(desk.t["cp_say_to"], field="to") from None
    return int(number), to, desk.field("shift_later") == "yes"


def _request(desk: Desk) -> PlanRequest:
    """The create form as ``POST /v1/cases/{case}/plans`` takes its body: every invoice the
    case still collects, the whole claim, by transfer to the agency."""
    try:
        start = date.fromisoformat(desk.field("start"))
    except ValueError:
        raise Invalid(desk.t["cp_say_start"], field="start") from None
    count, amount = desk.field("installments"), desk.field("installment_amount")
    if not count and not amount:
        raise Invalid(desk.t["cp_say_size"], field="installments")
    if count and not (count.isdigit() and 1 <= int(count) <= 120):
        raise Invalid(desk.t["cp_say_size"], field="installments")
    try:
        cents = parse_amount(amount) if amount else None
    except AmountError:
        raise Invalid(desk.t["cp_say_size"], field="installment_amount") from None
    period = desk.field("period") or "month"
    if period not in ("week", "month", "quarter"):
        raise Invalid("unknown period", field="period")
    return PlanRequest(
        debtor_number="", invoice_numbers=(), include_costs=True, method=PlanMethod.TRANSFER,
        start=start, period=Period(period), installments=int(count) if count else None,
        installment_amount=cents,
    )  # fmt: skip


SECTION = """<section aria-labelledby="cp-h"><h2 id="cp-h">{{ t.cp_title }}</h2>
{% if plans %}<div class="scroll" role="region" tabindex="0" aria-label="{{ t.cp_title }}"><table><caption class="visually-hidden">{{ t.cp_title }}</caption>
<thead><tr><th scope="col">{{ t.cp_made }}</th><th scope="col">{{ t.act_status }}</th><th scope="col" class="num">{{ t.cp_total }}</th><th scope="col" class="num">{{ t.cp_paid }}</th><th scope="col">{{ t.cp_terms }}</th><th scope="col">{{ t.cp_reference }}</th></tr></thead><tbody>
{% for p in plans %}<tr><th scope="row">{{ p.created_at|local('%Y-%m-%d') }}</th><td>{{ p.status.value|word('plan_status') }}{% if p.reason %}: {{ p.reason }}{% endif %}</td><td class="num">{{ desk.money(p.total) }}</td><td class="num">{{ desk.money(p.paid) }}</td><td>{{ p.schedule|length }} × {{ p.period.value|word('period') }}</td><td>{{ p.payment_reference }}</td></tr>{% endfor %}
</tbody></table></div>
{% for p in plans %}{% if plan_steps[p.plan_id] %}<form method="post" action="{{ desk.url('/cases/' + case.case_id|segment, client=case.client_id if desk.choices|length > 1 else none) }}" class="card" aria-label="{{ t.cp_steps }} {{ p.created_at|local('%Y-%m-%d') }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="plan" value="{{ p.plan_id }}">
<p>{{ t.cp_steps }} {{ p.created_at|local('%Y-%m-%d') }} ({{ p.status.value|word('plan_status') }})</p>
{% if 'pause' in plan_steps[p.plan_id] or 'cancel' in plan_steps[p.plan_id] %}<label for="cp-reason-{{ loop.index }}">{{ t.dos_reason }}</label><input id="cp-reason-{{ loop.index }}" name="reason" maxlength="500">{% endif %}
{% if 'cancel' in plan_steps[p.plan_id] or 'delete' in plan_steps[p.plan_id] %}<label><input type="checkbox" name="confirm" value="yes"> {{ t.cp_confirm }}</label>{% endif %}
<p>{% for s in plan_steps[p.plan_id] %}<button type="submit" name="do" value="plan_{{ s }}"{% if s in ('cancel', 'delete') %} class="danger"{% endif %}>{{ t['cp_' + s] }}</button> {% endfor %}</p></form>{% endif %}
{% if plan_moves[p.plan_id] %}<form method="post" action="{{ desk.url('/cases/' + case.case_id|segment, client=case.client_id if desk.choices|length > 1 else none) }}" class="card" aria-label="{{ t.cp_move }} {{ p.created_at|local('%Y-%m-%d') }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="plan" value="{{ p.plan_id }}">
<p>{{ t.cp_move }} ({{ t.cp_steps }} {{ p.created_at|local('%Y-%m-%d') }})</p>
<label for="cp-number-{{ loop.index }}">{{ t.cp_number }}</label><select id="cp-number-{{ loop.index }}" name="number">{% for i in plan_moves[p.plan_id] %}<option value="{{ i.number }}">{{ i.number }}: {{ i.due_date.isoformat() }}, {{ desk.money(i.amount) }}</option>{% endfor %}</select>
<label for="cp-to-{{ loop.index }}">{{ t.cp_to }}</label><input id="cp-to-{{ loop.index }}" name="to" type="date" required>
<label><input type="checkbox" name="shift_later" value="yes" checked> {{ t.cp_shift_later }}</label>
<p><button type="submit" name="do" value="plan_postpone">{{ t.cp_postpone }}</button></p></form>{% endif %}{% endfor %}
{% else %}<p>{{ t.cp_none }}</p>{% endif %}
{% if may_plan %}<form method="post" action="{{ desk.url('/cases/' + case.case_id|segment, client=case.client_id if desk.choices|length > 1 else none) }}" class="card" aria-labelledby="cp-new-h"><input type="hidden" name="csrf" value="{{ csrf }}">
<h3 id="cp-new-h">{{ t.cp_new }}</h3><p>{{ t.cp_new_hint }}</p>
<label for="cp-start">{{ t.cp_start }}</label><input id="cp-start" name="start" type="date" required>
<label for="cp-count">{{ t.cp_count }}</label><input id="cp-count" name="installments" inputmode="numeric" pattern="[0-9]*">
<label for="cp-amount">{{ t.cp_amount }}</label><input id="cp-amount" name="installment_amount" inputmode="decimal">
<label for="cp-period">{{ t.cp_period }}</label><select id="cp-period" name="period">{% for q in ('month', 'week', 'quarter') %}<option value="{{ q }}">{{ q|word('period') }}</option>{% endfor %}</select>
<p><button type="submit" name="do" value="plan_create">{{ t.cp_create }}</button></p></form>{% endif %}
</section>"""

templates(case_plans=SECTION)

words(
    nl={"cp_title": "Betalingsregelingen van het incassobureau", "cp_none": "Geen betalingsregeling op deze zaak.",
        "cp_made": "Gemaakt op", "cp_total": "Totaal", "cp_paid": "Betaald", "cp_terms": "Termijnen",
        "cp_reference": "Betalingskenmerk", "cp_steps": "Regeling van", "cp_confirm": "Ja, ik weet het zeker.",
        "cp_activate": "Starten", "cp_delete": "Concept verwijderen", "cp_pause": "Pauzeren",
        "cp_resume": "Hervatten", "cp_cancel": "Beëindigen", "cp_new": "Nieuwe betalingsregeling",
        "cp_new_hint": "Over alle facturen die de zaak nog int, de hele vordering, te betalen aan het incassobureau. Eerst een concept: de debiteur krijgt de afspraak bij het starten.",
        "cp_start": "Eerste termijn op", "cp_count": "Aantal termijnen", "cp_amount": "Of: bedrag per termijn",
        "cp_period": "Elke", "cp_create": "Concept maken",
        "cp_say_reason": "geef een reden (3 tot 500 tekens)", "cp_say_start": "geef de datum van de eerste termijn",
        "cp_say_size": "geef het aantal termijnen (1 tot 120) of een bedrag per termijn",
        "cp_agency_only": "de betalingsregeling op een zaak maakt en wijzigt het incassobureau",
        "done_case_plan_create": "Het concept van de betalingsregeling is gemaakt.",
        "done_case_plan_activate": "De betalingsregeling is gestart; de debiteur krijgt de afspraak.",
        "done_case_plan_delete": "Het concept is verwijderd.", "done_case_plan_pause": "De betalingsregeling is gepauzeerd.",
        "done_case_plan_resume": "De betalingsregeling loopt weer.", "done_case_plan_cancel": "De betalingsregeling is beëindigd.",
        "cp_move": "Termijn verzetten", "cp_number": "Termijn", "cp_to": "Nieuwe datum",
        "cp_shift_later": "De latere termijnen schuiven mee", "cp_postpone": "Verzetten",
        "cp_say_number": "kies de termijn", "cp_say_to": "geef de nieuwe datum",
        "done_case_plan_postpone": "De termijn is verzet; de debiteur krijgt het nieuwe schema."},
    en={"cp_title": "The agency's payment plans", "cp_none": "No payment plan on this case.",
        "cp_made": "Made on", "cp_total": "Total", "cp_paid": "Paid", "cp_terms": "Installments",
        "cp_reference": "Payment reference", "cp_steps": "Plan of", "cp_confirm": "Yes, I am sure.",
        "cp_activate": "Start", "cp_delete": "Delete the draft", "cp_pause": "Pause",
        "cp_resume": "Resume", "cp_cancel": "End", "cp_new": "New payment plan",
        "cp_new_hint": "Over every invoice the case still collects, the whole claim, paid to the agency. A draft first: the debtor gets the agreement when it starts.",
        "cp_start": "First installment on", "cp_count": "Number of installments", "cp_amount": "Or: amount per installment",
        "cp_period": "Every", "cp_create": "Make the draft",
        "cp_say_reason": "say why (3 to 500 characters)", "cp_say_start": "give the first installment's date",
        "cp_say_size": "give the number of installments (1 to 120) or an amount per installment",
        "cp_agency_only": "the agency makes and changes the payment plan on a case",
        "done_case_plan_create": "The draft payment plan is made.",
        "done_case_plan_activate": "The payment plan started; the debtor gets the agreement.",
        "done_case_plan_delete": "The draft is deleted.", "done_case_plan_pause": "The payment plan is paused.",
        "done_case_plan_resume": "The payment plan runs again.", "done_case_plan_cancel": "The payment plan has ended.",
        "cp_move": "Move an installment", "cp_number": "Installment", "cp_to": "New date",
        "cp_shift_later": "The later installments move with it", "cp_postpone": "Move",
        "cp_say_number": "choose the installment", "cp_say_to": "give the new date",
        "done_case_plan_postpone": "The installment is moved; the debtor gets the new schedule."},
)  # fmt: skip
