"""Payment plans (betalingsregelingen) in the console (review console7 F4: API-only before):
the client's plans by status, one plan with its installments, a new plan made
from the debtor's dossier, and the plan's steps: start a draft (the debtor is sent the
agreement), delete a draft, pause, resume and cancel a running plan.

Each is the service call of the API route ``/v1/clients/{client}/plans…`` that does the same,
authorised as that route (:func:`action_for_request`), so the rules (minimum installment,
longest term, what a plan holds) are the service's only. Starting and cancelling change what
the debtor is asked to pay: both are confirmed on their form. A step this person may not take
is not offered (review console7 F9).

``/api/console/plans`` (list), ``/plans/<id>`` (one); the dossier posts ``do=create`` here."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from shared.api.console import code_text  # noqa: F401 - the |word filter
from shared.api.console.contact_text import plan_reason
from shared.api.console.permits import allows, client_path, require
from shared.api.console.shell import Desk, page, templates, words
from shared.api.http import ApiResponse
from shared.domain.invoices import Invoice
from shared.domain.plans.plan import Consent, PaymentPlan, PlanStatus
from shared.domain.plans.schedule import Period, PlanMethod
from shared.services.errors import ConflictingUpdate, Invalid

RUNNING = (PlanStatus.ACTIVE, PlanStatus.DUE, PlanStatus.OVERDUE,
           PlanStatus.COLLECTION_IN_PROGRESS)  # fmt: skip
# the form's ``do``, the API request doing the same ({p}: the plan's path), and which plan
# statuses offer it
STEPS: dict[str, tuple[str, str, tuple[PlanStatus, ...]]] = {
    "activate": ("POST", "{p}/activate", (PlanStatus.DRAFT,)),
    "delete": ("DELETE", "{p}", (PlanStatus.DRAFT,)),
    "pause": ("POST", "{p}/pause", RUNNING),
    "resume": ("POST", "{p}/resume", (PlanStatus.PAUSED,)),
    "cancel": ("POST", "{p}/cancel", (*RUNNING, PlanStatus.PAUSED)),
}
CONFIRMED = ("activate", "cancel")  # what the debtor is asked to pay changes


@page("plans", nav="plan_nav", order=35)
def plans(desk: Desk, rest: list[str]) -> ApiResponse:
    match rest:
        case [] if desk.req.method == "POST":
            return _create(desk)
        case []:
            return _list(desk)
        case [plan_id] if desk.req.method == "POST":
            return _step(desk, plan_id)
        case [plan_id]:
            return _one(desk, desk.services.plans.get(desk.client, plan_id))
    return desk.message(404, desk.t["not_found"])


def _list(desk: Desk) -> ApiResponse:
    asked = desk.query("status")
    status = next((s for s in PlanStatus if s.value == asked), None)
    listed = sorted(desk.services.plans.of_client(desk.client, status),
                    key=lambda p: p.created_at, reverse=True)  # fmt: skip
    return desk.render("plans", "plan_title", plans=listed, asked=asked,
                       statuses=[s.value for s in PlanStatus])  # fmt: skip


def _one(desk: Desk, plan: PaymentPlan, notice: str = "", status: int = 200) -> ApiResponse:
    today = desk.services.ledger.today()
    path = client_path(desk, f"plans/{plan.plan_id}")
    # the agency's plan on its case is the agency's to change (agencyplan26): read only here
    steps = [
        do for do, (method, tail, when) in STEPS.items()
        if plan.status in when and allows(desk, method, tail.format(p=path)) and plan.agency_id is None
    ]  # fmt: skip
    return desk.render(
        "plan", desk.t["plan_one"].format(debtor=plan.debtor_number), status, notice=notice,
        error=status >= 400, plan=plan, installments=plan.installments(today), steps=steps,
        confirmed=CONFIRMED, why=plan_reason(plan.reason or "", desk.lang),
    )  # fmt: skip


def _step(desk: Desk, plan_id: str) -> ApiResponse:
    do = desk.field("do")
    if do not in STEPS:
        return desk.message(400, desk.t["not_found"])
    method, tail, _ = STEPS[do]
    require(desk, method, tail.format(p=client_path(desk, f"plans/{plan_id}")))
    service = desk.services.plans
    client = desk.client
    plan = service.get(client, plan_id)  # another client's plan: 404 before anything
    author = desk.principal.key_id
    try:
        if do in CONFIRMED and desk.field("confirm") != "yes":
            raise Invalid(desk.t["plan_say_confirm"], field="confirm")
        if do in ("pause", "cancel") and len(desk.field("reason")) < 3:
            raise Invalid(desk.t["plan_say_reason"], field="reason")
        if do == "activate":
            _refuse_held(desk, list(plan.invoice_numbers), but=plan_id)
            service.activate(client, plan_id, author)
        elif do == "delete":
            service.delete(client, plan_id)
            return desk.redirect(f"/dossier/{quote(plan.debtor_number, safe='')}",
                                 done="plan_deleted")  # fmt: skip
        elif do == "pause":
            service.pause(client, plan_id, desk.field("reason")[:1000], author)
        elif do == "resume":
            service.resume(client, plan_id, author)
        else:
            service.cancel(client, plan_id, desk.field("reason")[:1000], author)
    except (Invalid, ValueError) as exc:
        return _one(
            desk,
            service.get(client, plan_id),
            desk.t["plan_error"].format(reason=_said(desk, exc)),
            422,
        )
    except ConflictingUpdate as exc:
        return _one(
            desk,
            service.get(client, plan_id),
            desk.t["plan_error"].format(reason=_said(desk, exc)),
            409,
        )
    return desk.redirect(f"/plans/{quote(plan_id, safe='')}", done=f"plan_{do}")


def _create(desk: Desk) -> ApiResponse:
    """A draft plan from the dossier's form (the API's ``POST plans``): shown to be checked
    and started on its own page."""
    from shared.services.plans.service import PlanRequest

    require(desk, "POST", client_path(desk, "plans"))
    number = desk.field("debtor")
    desk.services.dossier.debtor(desk.client, number)  # another client's debtor: 404
    try:
        invoices = tuple(dict.fromkeys(desk.fields("invoices")))
        if not invoices:
            raise Invalid(desk.t["plan_say_invoices"], field="invoices")
        mine = desk.services.repos.invoices.get_many(desk.client.client_id, list(invoices))
        if set(mine) != set(invoices) or any(
            s.invoice.debtor_number != number for s in mine.values()
        ):
            raise Invalid(desk.t["plan_say_theirs"], field="invoices")
        _refuse_held(desk, list(invoices))
        try:
            start = date.fromisoformat(desk.field("start"))
        except ValueError:
            raise Invalid(desk.t["plan_say_start"], field="start") from None
        agreed_on, agreed_how = _consent(desk)
        try:
            count = int(desk.field("installments"))
            period = Period(desk.field("period"))
        except ValueError:
            raise Invalid(desk.t["plan_say_count"], field="installments") from None
        if not 1 <= count <= 120:
            raise Invalid(desk.t["plan_say_count"], field="installments")
        plan = desk.services.plans.create(desk.client, PlanRequest(
            debtor_number=number, invoice_numbers=invoices,
            include_costs=desk.field("include_costs") == "yes", method=PlanMethod.TRANSFER,
            start=start, period=period, installments=count,
            agreed_on=agreed_on, agreed_how=agreed_how,
        ), desk.principal.key_id)  # fmt: skip
    except (Invalid, ConflictingUpdate, ValueError) as exc:
        from shared.api.console.page_dossier import show

        return show(desk, number, desk.t["plan_error"].format(reason=_said(desk, exc)), 422)
    return desk.redirect(f"/plans/{quote(plan.plan_id, safe='')}", done="plan_created")


def _consent(desk: Desk) -> tuple[date | None, Consent | None]:
    """The day and the way the debtor agreed to the plan, as staff recorded them (the
    service refuses one without the other)."""
    day, how = desk.field("agreed_on").strip(), desk.field("agreed_how").strip()
    try:
        agreed_on = date.fromisoformat(day) if day else None
    except ValueError:
        raise Invalid(desk.t["plan_say_agreed_on"], field="agreed_by_debtor_on") from None
    if how and how not in {c.value for c in Consent if c is not Consent.PORTAL}:
        raise Invalid(desk.t["plan_say_agreed_on"], field="agreed_how")
    return agreed_on, Consent(how) if how else None


def _said(desk: Desk, exc: Exception) -> str:
    """A plan's refusal in the page's language: a coded one by its sentence, the plan rules'
    own (the same words the portal's plan forms translate) by theirs (review console8 #5)."""
    from shared.api.console.refusal_text import refusal
    from shared.api.portal_plans import plan_reason

    return plan_reason(desk.lang, refusal(exc, desk.lang))


def new_plan_context(desk: Desk, invoices: list[Invoice]) -> dict[str, Any]:
    """For the dossier: the invoices a plan can take (open, in collection and not handed
    over: a disputed or paused one is refused by the service), when this person may make a
    plan (the API's ``POST plans``)."""
    if not allows(desk, "POST", client_path(desk, "plans")):
        return {"plannable": []}
    # one an agency collects is refused by the service (invoice_handed_over): not offered
    candidates = [
        i for i in invoices if i.is_collectable and i.open_amount > 0 and not i.handed_over_to
    ]
    held = _held(desk, [i.number for i in candidates])
    # an invoice a running or paused plan holds cannot be in a second one (review console8 #8)
    return {"plannable": [i for i in candidates if i.number not in held]}


def _held(desk: Desk, numbers: list[str], but: str = "") -> dict[str, str]:
    """Invoice -> the plan (running or paused; not ``but``) that holds it."""
    plans = desk.services.plans.plans
    client_id = desk.client.client_id
    out = {n: plans.holding_plan(client_id, n) for n in numbers}
    return {n: p for n, p in out.items() if p and p != but}


def _refuse_held(desk: Desk, numbers: list[str], but: str = "") -> None:
    held = _held(desk, numbers, but)
    if held:
        first = sorted(held)[0]
        raise Invalid(
            desk.t["plan_say_held"].format(invoices=", ".join(sorted(held)), plan=held[first]),
            field="invoices",
        )


NEW = """{% if plannable %}<section aria-labelledby="np-h"><h2 id="np-h">{{ t.plan_new }}</h2>
<form method="post" action="{{ desk.url('/plans') }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><input type="hidden" name="debtor" value="{{ debtor.number }}">
<p>{{ t.plan_new_hint }}</p>
<fieldset><legend>{{ t.plan_invoices }}</legend>{% for i in plannable %}<label><input type="checkbox" name="invoices" value="{{ i.number }}" checked> {{ i.number }} · {{ desk.money(i.open_amount) }}</label>{% endfor %}</fieldset>
<label><input type="checkbox" name="include_costs" value="yes" checked> {{ t.plan_include_costs }}</label>
<div class="inline"><div><label for="np-start">{{ t.plan_start }}</label><input id="np-start" name="start" type="date" required min="{{ today }}"></div>
<div><label for="np-count">{{ t.plan_count }}</label><input id="np-count" name="installments" type="number" min="1" max="120" value="3" required></div>
<div><label for="np-period">{{ t.plan_period }}</label><select id="np-period" name="period">{% for p in ('month', 'week', 'quarter') %}<option value="{{ p }}">{{ p|word('period') }}</option>{% endfor %}</select></div></div>
<fieldset><legend>{{ t.plan_consent }}</legend><p class="muted">{{ t.plan_consent_hint }}</p><div class="inline">
<div><label for="np-agreed">{{ t.plan_agreed_on }}</label><input id="np-agreed" name="agreed_on" type="date" max="{{ today }}"></div>
<div><label for="np-how">{{ t.plan_agreed_how }}</label><select id="np-how" name="agreed_how"><option value="">{{ t.plan_how_none }}</option>{% for h in ('phone', 'email', 'letter', 'in_person') %}<option value="{{ h }}">{{ t['plan_how_' + h] }}</option>{% endfor %}</select></div></div></fieldset>
<p><button type="submit" name="do" value="create">{{ t.plan_make }}</button></p></form></section>{% endif %}"""

LIST = """{% extends "shell" %}{% block main %}
<form method="get" action="{{ base }}/plans" class="card"><div class="inline">
{% if desk.choices|length > 1 %}<input type="hidden" name="client" value="{{ desk.client_id }}">{% endif %}
<div><label for="pl-status">{{ t.act_status }}</label><select id="pl-status" name="status"><option value="">{{ t.act_all }}</option>
{% for s in statuses %}<option value="{{ s }}"{% if s == asked %} selected{% endif %}>{{ s|word('plan_status') }}</option>{% endfor %}</select></div>
<button type="submit">{{ t.act_filter }}</button></div></form>
<p class="muted">{{ t.plan_from_dossier }}</p>
<div class="scroll" role="region" tabindex="0" aria-label="{{ t.plan_title }}"><table><caption class="visually-hidden">{{ t.plan_title }}</caption>
<thead><tr><th scope="col">{{ t.dos_plan }}</th><th scope="col">{{ t.act_debtor }}</th><th scope="col">{{ t.act_status }}</th><th scope="col" class="num">{{ t.dos_total }}</th><th scope="col" class="num">{{ t.dos_paid }}</th><th scope="col">{{ t.dos_installments }}</th></tr></thead><tbody>
{% for p in plans %}<tr><th scope="row"><a href="{{ desk.url('/plans/' + p.plan_id|segment) }}">{{ p.plan_id }}</a></th><td><a href="{{ desk.url('/dossier/' + p.debtor_number|segment) }}">{{ p.debtor_number }}</a></td>
<td>{{ p.status|word('plan_status') }}</td><td class="num">{{ desk.money(p.total) }}</td><td class="num">{{ desk.money(p.paid) }}</td><td>{{ p.schedule|length }} × {{ p.period|word('period') }}</td></tr>
{% else %}<tr><td colspan="6">{{ t.plan_none }}</td></tr>{% endfor %}</tbody></table></div>{% endblock %}"""

ONE = """{% extends "shell" %}{% block main %}
<p><a href="{{ desk.url('/dossier/' + plan.debtor_number|segment) }}">{{ t.plan_back }} {{ plan.debtor_number }}</a> · <a href="{{ desk.url('/plans') }}">{{ t.plan_title }}</a></p>
<section aria-labelledby="pd-h"><h2 id="pd-h">{{ t.act_details }}</h2><dl>
<dt>{{ t.dos_plan }}</dt><dd>{{ plan.plan_id }}</dd>
<dt>{{ t.act_status }}</dt><dd>{{ plan.status|word('plan_status') }}{% if plan.reason %}: {{ why }}{% endif %}</dd>
<dt>{{ t.plan_invoices }}</dt><dd>{{ plan.invoice_numbers|join(', ') }}{% if plan.include_costs %} ({{ t.plan_with_costs }}){% endif %}</dd>
<dt>{{ t.dos_total }}</dt><dd>{{ desk.money(plan.total) }} · {{ t.dos_paid }} {{ desk.money(plan.paid) }} · {{ t.dos_open }} {{ desk.money(plan.open) }}</dd>
<dt>{{ t.plan_reference }}</dt><dd>{{ plan.payment_reference }}</dd>
<dt>{{ t.plan_consent }}</dt><dd>{% if plan.agreed_on %}{{ plan.agreed_on.strftime('%d-%m-%Y') if desk.lang == 'nl' else plan.agreed_on.isoformat() }} ({{ t['plan_how_' + plan.agreed_how.value] }}){% elif plan.mandate %}{{ t.plan_consent_mandate }}{% else %}{{ t.plan_consent_none }}{% endif %}</dd></dl></section>
<section aria-labelledby="pi-h"><h2 id="pi-h">{{ t.dos_installments }}</h2><div class="scroll" role="region" tabindex="0" aria-label="{{ t.dos_installments }}"><table><caption class="visually-hidden">{{ t.dos_installments }}</caption>
<thead><tr><th scope="col">#</th><th scope="col">{{ t.dec_plan_due }}</th><th scope="col" class="num">{{ t.dec_plan_amount }}</th><th scope="col" class="num">{{ t.dos_paid }}</th><th scope="col">{{ t.act_status }}</th></tr></thead><tbody>
{% for i in installments %}<tr><td>{{ i.number }}</td><td>{{ i.due_date.strftime('%d-%m-%Y') if desk.lang == 'nl' else i.due_date.isoformat() }}</td><td class="num">{{ desk.money(i.amount) }}</td><td class="num">{{ desk.money(i.paid) }}</td><td>{{ t['plan_i_' + i.status.value] }}</td></tr>{% endfor %}
</tbody></table></div></section>
{% if steps %}<section aria-labelledby="ps-h"><h2 id="ps-h">{{ t.dos_work }}</h2><div class="grid">
{% for do in steps %}<form method="post" action="{{ desk.url('/plans/' + plan.plan_id|segment) }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
<h3>{{ t['plan_do_' + do] }}</h3><p>{{ t['plan_do_' + do + '_hint'] }}</p>
{% if do in ('pause', 'cancel') %}<label for="ps-{{ do }}-reason">{{ t.dos_reason }}</label><input id="ps-{{ do }}-reason" name="reason" required minlength="3" maxlength="1000">{% endif %}
{% if do in confirmed %}<label><input type="checkbox" name="confirm" value="yes" required> {{ t['plan_confirm_' + do].format(total=desk.money(plan.open)) }}</label>{% endif %}
<p><button type="submit" name="do" value="{{ do }}"{% if do in ('cancel', 'delete') %} class="danger"{% endif %}>{{ t['plan_do_' + do] }}</button></p></form>{% endfor %}
</div></section>{% endif %}
{% endblock %}"""

templates(**{"plans": LIST, "plan": ONE, "plan-new": NEW})

words(
    nl={"plan_say_confirm": "vink het vakje aan om te bevestigen", "plan_say_reason": "geef de reden (minstens 3 tekens)",
        "plan_say_invoices": "vink de facturen aan waarvoor de regeling is", "plan_say_theirs": "de facturen van de regeling moeten van deze debiteur zijn",
        "plan_say_held": "{invoices} zit al in betalingsregeling {plan} (lopend of gepauzeerd): beëindig die regeling eerst, of kies andere facturen",
        "plan_say_start": "kies de dag van de eerste termijn", "plan_say_count": "geef het aantal termijnen (1 tot 120) en hoe vaak",
        "plan_nav": "Regelingen", "plan_title": "Betalingsregelingen", "plan_one": "Betalingsregeling van {debtor}",
        "plan_none": "Geen betalingsregelingen.", "plan_from_dossier": "Een nieuwe regeling maakt u in het dossier van de debiteur.",
        "plan_back": "Dossier", "plan_invoices": "Facturen", "plan_with_costs": "met kosten en rente",
        "plan_reference": "Betalingskenmerk",
        "plan_i_open": "open", "plan_i_due": "te betalen", "plan_i_paid": "betaald", "plan_i_partially_paid": "deels betaald",
        "plan_i_overdue": "te laat", "plan_i_failed": "incasso mislukt", "plan_i_skipped": "vervallen",
        "plan_new": "Betalingsregeling maken", "plan_new_hint": "Eerst een concept: u ziet de termijnen en zet de regeling daarna in gang (de debiteur krijgt dan de overeenkomst).",
        "plan_include_costs": "Kosten en rente in de regeling", "plan_start": "Eerste termijn op",
        "plan_count": "Aantal termijnen", "plan_period": "Elke", "plan_make": "Concept maken",
        "plan_consent": "Instemming van de debiteur",
        "plan_consent_hint": "Alleen een regeling waarmee de debiteur zelf instemde stuit de verjaring (erkenning, art. 3:318 BW). Vul de dag en de manier in als hij al instemde; anders telt pas een termijn die hij betaalt.",
        "plan_agreed_on": "Ingestemd op", "plan_agreed_how": "Hoe",
        "plan_how_none": "(nog niet)", "plan_how_phone": "telefonisch", "plan_how_email": "per e-mail",
        "plan_how_letter": "per brief", "plan_how_in_person": "persoonlijk", "plan_how_portal": "in het portaal",
        "plan_consent_mandate": "machtiging ondertekend",
        "plan_consent_none": "niet vastgelegd: de regeling stuit de verjaring niet (art. 3:318 BW); een betaalde termijn wel",
        "plan_say_agreed_on": "geef een geldige dag en manier waarop de debiteur instemde",
        "plan_do_activate": "Regeling in gang zetten", "plan_do_activate_hint": "De termijnen liggen vast, de facturen gaan uit de aanmaningen en de debiteur krijgt de overeenkomst met het schema.",
        "plan_do_delete": "Concept verwijderen", "plan_do_delete_hint": "Het concept vervalt; de aanmaningen gaan verder waar ze stonden.",
        "plan_do_pause": "Regeling pauzeren", "plan_do_pause_hint": "Er worden geen termijnen meer gevraagd of geïncasseerd tot u de regeling hervat.",
        "plan_do_resume": "Regeling hervatten", "plan_do_resume_hint": "De termijnen lopen weer.",
        "plan_do_cancel": "Regeling beëindigen", "plan_do_cancel_hint": "De regeling stopt; wat nog open is valt terug in de gewone invordering.",
        "plan_confirm_activate": "Ja, de debiteur betaalt {total} in deze termijnen.",
        "plan_confirm_cancel": "Ja, beëindig de regeling: {total} valt terug in de invordering.",
        "plan_error": "Niet gelukt: {reason}",
        "done_plan_created": "Het concept staat klaar: controleer de termijnen en zet de regeling in gang.",
        "done_plan_activate": "De regeling loopt; de debiteur krijgt de overeenkomst.", "done_plan_deleted": "Het concept is verwijderd.",
        "done_plan_pause": "De regeling is gepauzeerd.", "done_plan_resume": "De regeling loopt weer.",
        "done_plan_cancel": "De regeling is beëindigd."},
    en={"plan_say_confirm": "tick the box to confirm", "plan_say_reason": "say why (at least 3 characters)",
        "plan_say_invoices": "tick the invoices the plan is for", "plan_say_theirs": "the plan's invoices must be this debtor's",
        "plan_say_held": "{invoices} is in payment plan {plan} already (running or paused): end that plan first, or choose other invoices",
        "plan_say_start": "choose the day of the first installment", "plan_say_count": "give the number of installments (1 to 120) and how often",
        "plan_nav": "Plans", "plan_title": "Payment plans", "plan_one": "Payment plan of {debtor}",
        "plan_none": "No payment plans.", "plan_from_dossier": "A new plan is made in the debtor's dossier.",
        "plan_back": "Dossier", "plan_invoices": "Invoices", "plan_with_costs": "with costs and interest",
        "plan_reference": "Payment reference",
        "plan_i_open": "open", "plan_i_due": "due", "plan_i_paid": "paid", "plan_i_partially_paid": "partly paid",
        "plan_i_overdue": "overdue", "plan_i_failed": "direct debit failed", "plan_i_skipped": "lapsed",
        "plan_new": "Make a payment plan", "plan_new_hint": "A draft first: you see the installments and then start the plan (the debtor is sent the agreement then).",
        "plan_include_costs": "Costs and interest in the plan", "plan_start": "First installment on",
        "plan_count": "Number of installments", "plan_period": "Every", "plan_make": "Make the draft",
        "plan_consent": "The debtor's consent",
        "plan_consent_hint": "Only a plan the debtor agreed to himself interrupts prescription (an acknowledgement, art. 3:318 BW). Give the day and the way if he agreed already; otherwise only an installment he pays counts.",
        "plan_agreed_on": "Agreed on", "plan_agreed_how": "How",
        "plan_how_none": "(not yet)", "plan_how_phone": "by phone", "plan_how_email": "by e-mail",
        "plan_how_letter": "by letter", "plan_how_in_person": "in person", "plan_how_portal": "in the portal",
        "plan_consent_mandate": "mandate signed",
        "plan_consent_none": "not recorded: the plan does not interrupt prescription (art. 3:318 BW); an installment paid does",
        "plan_say_agreed_on": "give a valid day and way the debtor agreed",
        "plan_do_activate": "Start the plan", "plan_do_activate_hint": "The installments are fixed, the invoices leave the reminders and the debtor is sent the agreement with the schedule.",
        "plan_do_delete": "Delete the draft", "plan_do_delete_hint": "The draft goes; the reminders carry on where they stood.",
        "plan_do_pause": "Pause the plan", "plan_do_pause_hint": "No installment is asked or collected until you resume the plan.",
        "plan_do_resume": "Resume the plan", "plan_do_resume_hint": "The installments run again.",
        "plan_do_cancel": "Cancel the plan", "plan_do_cancel_hint": "The plan stops; what is still open goes back to ordinary collection.",
        "plan_confirm_activate": "Yes, the debtor pays {total} in these installments.",
        "plan_confirm_cancel": "Yes, cancel the plan: {total} goes back to collection.",
        "plan_error": "Not done: {reason}",
        "done_plan_created": "The draft is ready: check the installments and start the plan.",
        "done_plan_activate": "The plan runs; the debtor is sent the agreement.", "done_plan_deleted": "The draft is deleted.",
        "done_plan_pause": "The plan is paused.", "done_plan_resume": "The plan runs again.",
        "done_plan_cancel": "The plan is cancelled."},
)  # fmt: skip
