"""Work on one claim from the dossier (review console7 F4: this was API-only): credit the
invoice (all of it, or part of its principal by a credit note), withdraw it from collection,
keep chasing a disputed one (the dispute ends), and let costs or interest go (waive).

Each is the API route's own service call (``invoices/{n}/credit``, ``/withdraw``,
``/resolve-dispute``, ``invoices/{n}/waive``) with that route's authorisation
(:func:`action_for_request`: waiving is an admin's, the rest the daily work), and each is on
the contact log with who did it, as through the API. A step that changes what the debtor owes
is shown first with its figures and done only when confirmed (a second POST carrying
``confirm=yes``); a form that comes back without it never changes anything.

A disputed invoice whose dispute waits on the action list is decided there (the debtor is
told, the item resolved): the dossier links to it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from shared.api.console.code_text import word
from shared.api.console.permits import allows, client_path, require
from shared.api.console.shell import Desk, templates, words
from shared.api.http import ApiResponse
from shared.domain.invoices import CLOSED, Invoice, InvoiceStatus
from shared.domain.ledger.model import Component
from shared.domain.money import AmountError, Cents, parse_amount
from shared.services.errors import Invalid

# the form's ``do`` and the API route (under invoices/{n}/) that does the same
ROUTES = {"credit": "credit", "withdraw": "withdraw", "keep-chasing": "resolve-dispute",
          "waive": "waive"}  # fmt: skip
CONFIRMED = ("credit", "withdraw", "waive")  # change what is owed: shown, then confirmed
WAIVABLE = (Component.COSTS, Component.INTEREST)  # as the API's WaiveIn


def work_context(desk: Desk, invoices: list[Invoice], claims: dict[str, Any]) -> dict[str, Any]:
    """What the dossier offers on its claims, to this person: each step only when the API
    route allows it (review console7 F9), on the invoices it can apply to."""
    sample = "invoices/x/"
    may = {
        do: allows(desk, "POST", client_path(desk, sample + route)) for do, route in ROUTES.items()
    }
    # a dispute waiting on the action list is decided there (the debtor told, the item
    # resolved): its invoice is not credited, withdrawn or chased past it from here
    disputes = _open_disputes(desk, invoices) if may["keep-chasing"] else {}
    free = [i for i in invoices if i.number not in disputes]
    live = [i for i in free if i.status not in CLOSED]
    return {
        "work": {
            "may": may,
            "creditable": [i for i in free if i.status not in (InvoiceStatus.CREDITED, InvoiceStatus.WITHDRAWN)]
            if may["credit"]
            else [],
            "withdrawable": live if may["withdraw"] else [],
            "disputed": [i for i in free if i.status is InvoiceStatus.DISPUTED]
            if may["keep-chasing"]
            else [],
            "disputes": disputes,
            "waivable": [
                i for i in invoices if i.number in claims
                and any(claims[i.number].open.of(c) for c in WAIVABLE)
            ]
            if may["waive"]
            else [],
            "components": [c.value for c in WAIVABLE],
        }
    }  # fmt: skip


def _open_disputes(desk: Desk, invoices: list[Invoice]) -> dict[str, str]:
    """Disputed invoice -> its dispute item waiting for a decision."""
    disputed = {i.number for i in invoices if i.status is InvoiceStatus.DISPUTED}
    if not disputed:
        return {}
    waiting = desk.services.action_desk.listed(
        desk.client.client_id, kind="dispute", assignee="", resolved=False
    )
    return {n: a.action_id for a in waiting for n in a.invoice_numbers if n in disputed}


def act(desk: Desk, number: str, do: str) -> ApiResponse:
    """``do`` in :data:`ROUTES` on the form's invoice of debtor ``number``: authorised as the
    API route, shown for confirmation unless confirmed, then done (Invalid goes back to the
    dossier with the reason, the page's error path)."""
    client = desk.client
    invoice_number = desk.field("invoice")
    stored = desk.services.repos.invoices.get(client.client_id, invoice_number)
    if stored is None or stored.invoice.debtor_number != number:
        raise Invalid(desk.t["work_not_theirs"].format(invoice=invoice_number), field="invoice")
    require(desk, "POST", client_path(desk, f"invoices/{invoice_number}/{ROUTES[do]}"))
    _still_open_to(desk, do, stored.invoice)
    step = _step(desk, do, stored.invoice)
    if do in CONFIRMED and desk.field("confirm") != "yes":
        return _confirm(desk, number, do, stored.invoice, step)
    author = desk.principal.key_id
    if do == "credit":
        note = step["note"]
        if note is None:
            desk.services.invoice_status.credit(client, invoice_number, author=author)
        else:
            desk.services.invoice_status.credit_part(client, invoice_number, note, author=author)
    elif do == "withdraw":
        desk.services.invoice_status.withdraw(client, invoice_number, author=author)
    elif do == "keep-chasing":
        # a consumer is sent the notice (or held until a person resumes the invoice)
        desk.services.dispute_ending.end(client, invoice_number, author)
    else:
        desk.services.ledger.waive(client, invoice_number, step["component"], step["cents"],
                                   step["reason"], author=author,
                                   stop_interest=step["stop_interest"])  # fmt: skip
    return desk.redirect(f"/dossier/{quote(number, safe='')}", done=f"work_{do}")


def _still_open_to(desk: Desk, do: str, invoice: Invoice) -> None:
    """The server refuses what the dossier no longer offers (review console8 #6): a form
    opened before the debtor disputed, or in a second tab, must not decide a dispute past
    its action item (the debtor would never be told) nor withdraw a credited invoice."""
    if do == "waive":
        return
    waiting = _open_disputes(desk, [invoice])
    if invoice.number in waiting:
        raise Invalid(
            desk.t["work_decide_there"].format(
                invoice=invoice.number, link=desk.url("/actions/" + waiting[invoice.number])
            ),
            field="invoice",
        )
    if do == "credit":
        gone = invoice.status in (InvoiceStatus.CREDITED, InvoiceStatus.WITHDRAWN)
    elif do == "withdraw":
        gone = invoice.status in CLOSED
    else:
        gone = invoice.status is not InvoiceStatus.DISPUTED
    if gone and _unfinished_repeat(desk, do, invoice):
        return
    if gone:
        raise Invalid(
            desk.t["work_gone"].format(
                invoice=invoice.number,
                status=word("invoice_status", invoice.status.value, desk.lang),
            ),
            field="invoice",
        )


def _unfinished_repeat(desk: Desk, do: str, invoice: Invoice) -> bool:
    """The same credit or withdrawal again while what follows it is unfinished (failure9 #3:
    a storage fault after the invoice's save left the case or the plan behind): the service
    repeats only the follow-ups, each keyed, so the form sent again finishes them."""
    repeat = (do, invoice.status) in (
        ("credit", InvoiceStatus.CREDITED),
        ("withdraw", InvoiceStatus.WITHDRAWN),
    )
    if not repeat:
        return False
    holders = _holders(desk, invoice)
    return bool(holders["case"] or holders["plan"] is not None)


def _holders(desk: Desk, invoice: Invoice) -> dict[str, Any]:
    """What holds the invoice and follows the step (review console8 #2, #4): its running or
    paused plan, and whether a case at the agency holds it."""
    from shared.domain.plans.plan import HOLDS_DUNNING

    plans = desk.services.plans
    plan_id = plans.plans.holding_plan(desk.client.client_id, invoice.number)
    found = plans.plans.get(desk.client.client_id, plan_id) if plan_id else None
    plan = found[0] if found and found[0].status in HOLDS_DUNNING else None
    return {"plan": plan, "case": invoice.handed_over_to is not None}


def _step(desk: Desk, do: str, invoice: Invoice) -> dict[str, Any]:
    """The form read as the API's body would be: refused as the API refuses it."""
    from shared.services.invoice_status import CreditNote

    if do == "credit":
        amount = desk.field("amount")
        reference = desk.field("reference")
        if not amount:  # no amount: the whole invoice, as the API without a body
            return {"note": None}
        if not reference:
            raise Invalid(desk.t["work_say_number"], field="reference")
        if len(reference) > 35:
            raise Invalid(desk.t["work_say_reference"], field="reference")
        # a correction of the invoice (the part never owed) or a discount from today (6:160
        # BW: the interest and costs owed up to today stay; law15c F1), as the API's ``kind``
        kind = desk.field("kind") or "correction"
        if kind not in ("correction", "discount"):
            raise Invalid(desk.t["work_say_kind"], field="kind")
        return {"note": CreditNote(_cents(desk, amount), reference, desk.field("reason") or None,
                                   discount=kind == "discount")}  # fmt: skip
    if do == "waive":
        try:
            component = Component(desk.field("component"))
        except ValueError:
            raise Invalid(desk.t["work_say_component"], field="component") from None
        if component not in WAIVABLE:
            raise Invalid(desk.t["work_say_component"], field="component")
        reason = desk.field("reason")
        if len(reason) < 3:
            raise Invalid(desk.t["work_say_reason"], field="reason")
        # giving up the interest to come is the person's explicit choice (6:119 BW: a waiver
        # of the accrued interest alone leaves it running, law15c F2)
        stop = desk.field("stop_interest") == "yes"
        if stop and component is not Component.INTEREST:
            raise Invalid(desk.t["work_stop_interest_only"], field="stop_interest")
        return {
            "component": component,
            "cents": _cents(desk, desk.field("amount")),
            "reason": reason[:1000],
            "stop_interest": stop,
        }
    return {}


def _cents(desk: Desk, text: str) -> Cents:
    try:
        cents = parse_amount(text)
    except AmountError:
        raise Invalid(desk.t["work_say_amount"].format(text=text[:20]), field="amount") from None
    if cents <= 0:
        raise Invalid(desk.t["work_say_above_zero"], field="amount")
    return cents


def _confirm(
    desk: Desk, number: str, do: str, invoice: Invoice, step: dict[str, Any]
) -> ApiResponse:
    """The step with its figures, to be confirmed (or not) by the person."""
    claims = desk.services.ledger.open_claims(desk.client, [invoice.number])
    figures = claims.get(invoice.number)
    return desk.render(
        "dossier-confirm", desk.t["work_confirm_title"], 200,
        number=number, do=do, invoice=invoice, figures=figures, step=step,
        **(_holders(desk, invoice) if do != "waive" else {"plan": None, "case": False}),
        fields={k: desk.field(k) for k in ("invoice", "amount", "reference", "reason", "component",
                                           "stop_interest", "kind")
                if desk.field(k)},
    )  # fmt: skip


WORK = """{% set w = work %}{% set action = desk.url('/dossier/' + debtor.number|segment) %}
{% if w.creditable or w.withdrawable or w.disputed or w.disputes or w.waivable %}<section aria-labelledby="work-h"><h2 id="work-h">{{ t.work_title }}</h2>
{% if w.disputes %}<p>{{ t.work_disputes }}</p><ul>{% for n, a in w.disputes.items() %}<li><a href="{{ desk.url('/actions/' + a) }}">{{ t.work_decide.format(invoice=n) }}</a></li>{% endfor %}</ul>{% endif %}
<div class="grid">
{% if w.disputed %}<form method="post" action="{{ action }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><h3>{{ t.work_keep }}</h3><p>{{ t.work_keep_hint }}</p>
<label for="keep-invoice">{{ t.dos_invoice }}</label><select id="keep-invoice" name="invoice">{% for i in w.disputed %}<option value="{{ i.number }}">{{ i.number }} · {{ i.dispute_reason or '' }}</option>{% endfor %}</select>
<p><button type="submit" name="do" value="keep-chasing">{{ t.work_keep }}</button></p></form>{% endif %}
{% if w.creditable %}<form method="post" action="{{ action }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><h3>{{ t.work_credit }}</h3><p>{{ t.work_credit_hint }}</p>
<label for="credit-invoice">{{ t.dos_invoice }}</label><select id="credit-invoice" name="invoice">{% for i in w.creditable %}<option value="{{ i.number }}">{{ i.number }} · {{ desk.money(i.amount) }}</option>{% endfor %}</select>
<label for="credit-amount">{{ t.work_credit_amount }}</label><input id="credit-amount" name="amount" inputmode="decimal" maxlength="20">
<label for="credit-reference">{{ t.work_credit_reference }}</label><input id="credit-reference" name="reference" maxlength="35">
<label for="credit-kind">{{ t.work_credit_kind }}</label><select id="credit-kind" name="kind"><option value="correction">{{ t.work_kind_correction }}</option><option value="discount">{{ t.work_kind_discount }}</option></select>
<label for="credit-reason">{{ t.dos_reason }}</label><input id="credit-reason" name="reason" maxlength="1000">
<p><button type="submit" name="do" value="credit">{{ t.work_credit_next }}</button></p></form>{% endif %}
{% if w.withdrawable %}<form method="post" action="{{ action }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><h3>{{ t.work_withdraw }}</h3><p>{{ t.work_withdraw_hint }}</p>
<label for="withdraw-invoice">{{ t.dos_invoice }}</label><select id="withdraw-invoice" name="invoice">{% for i in w.withdrawable %}<option value="{{ i.number }}">{{ i.number }} · {{ desk.money(i.open_amount) }}</option>{% endfor %}</select>
<p><button type="submit" name="do" value="withdraw">{{ t.work_withdraw_next }}</button></p></form>{% endif %}
{% if w.waivable %}<form method="post" action="{{ action }}" class="card"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}"><h3>{{ t.work_waive }}</h3><p>{{ t.work_waive_hint }}</p>
<label for="waive-invoice">{{ t.dos_invoice }}</label><select id="waive-invoice" name="invoice">{% for i in w.waivable %}<option value="{{ i.number }}">{{ i.number }}</option>{% endfor %}</select>
<label for="waive-component">{{ t.work_component }}</label><select id="waive-component" name="component">{% for c in w.components %}<option value="{{ c }}">{{ t['work_c_' + c] }}</option>{% endfor %}</select>
<label for="waive-amount">{{ t.work_amount }}</label><input id="waive-amount" name="amount" inputmode="decimal" required maxlength="20">
<label for="waive-reason">{{ t.dos_reason }}</label><input id="waive-reason" name="reason" required minlength="3" maxlength="1000">
<p><input type="checkbox" id="waive-stop" name="stop_interest" value="yes"> <label for="waive-stop">{{ t.work_stop_interest }}</label></p>
<p><button type="submit" name="do" value="waive">{{ t.work_waive_next }}</button></p></form>{% endif %}
</div></section>{% endif %}"""

CONFIRM = """{% extends "shell" %}{% block main %}
<section aria-labelledby="cf-h"><h2 id="cf-h">{{ t['work_' + do] }}: {{ invoice.number }}</h2>
{% if figures %}{% set o = figures.open %}<dl>
<dt>{{ t.dos_principal }}</dt><dd>{{ desk.money(o.principal) }}</dd><dt>{{ t.dos_costs }}</dt><dd>{{ desk.money(o.costs) }}</dd>
<dt>{{ t.dos_vat }}</dt><dd>{{ desk.money(o.costs_vat) }}</dd><dt>{{ t.dos_interest }}</dt><dd>{{ desk.money(o.interest) }}</dd>
<dt>{{ t.work_open_now }}</dt><dd><strong>{{ desk.money(o.total) }}</strong></dd></dl>{% endif %}
<p class="notice warning">{% if do == 'credit' and step.note and step.note.discount %}{{ t.work_confirm_discount.format(amount=desk.money(step.note.cents), invoice=invoice.number, reference=step.note.reference) }}{% elif do == 'credit' and step.note %}{{ t.work_confirm_credit_part.format(amount=desk.money(step.note.cents), invoice=invoice.number, reference=step.note.reference) }}{% elif do == 'credit' %}{{ t.work_confirm_credit.format(invoice=invoice.number) }}{% elif do == 'withdraw' %}{{ t.work_confirm_withdraw.format(invoice=invoice.number) }}{% else %}{{ t.work_confirm_waive.format(amount=desk.money(step.cents), what=t['work_c_' + step.component.value], invoice=invoice.number) }}{% if step.stop_interest %} {{ t.work_confirm_stop_interest }}{% endif %}{% endif %}</p>
{% if plan %}<p class="notice">{{ (t.work_plan_follows_paused if plan.status.value == 'paused' else t.work_plan_follows).format(invoice=invoice.number, open=desk.money(plan.open)) }} <a href="{{ desk.url('/plans/' + plan.plan_id) }}">{{ t.work_plan_link }}</a></p>{% endif %}
{% if case %}<p class="notice">{{ (t.work_case_lowered if do == 'credit' and step.note else t.work_case_follows).format(invoice=invoice.number) }}</p>{% endif %}
<form method="post" action="{{ desk.url('/dossier/' + number|segment) }}"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="client" value="{{ desk.client_id }}">
{% for k, v in fields.items() %}<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}<input type="hidden" name="confirm" value="yes">
<p><button type="submit" class="danger" name="do" value="{{ do }}">{{ t['work_' + do + '_yes'] }}</button> <a class="button secondary" href="{{ desk.url('/dossier/' + number|segment) }}">{{ t.work_cancel }}</a></p></form></section>
{% endblock %}"""

templates(**{"dossier-work": WORK, "dossier-confirm": CONFIRM})

words(
    nl={"work_not_theirs": "factuur {invoice} is niet van deze debiteur", "work_say_reference": "een creditnotanummer is hoogstens 35 tekens",
        "work_say_component": "kies incassokosten of rente", "work_say_reason": "geef de reden (minstens 3 tekens)",
        "work_say_amount": "{text} is geen bedrag: schrijf het als 125,00", "work_say_above_zero": "het bedrag moet boven 0 liggen",
        "work_say_number": "een creditnota voor een deel van de factuur heeft een nummer nodig",
        "work_title": "Vordering behandelen",
        "work_disputes": "Betwistingen die op een besluit wachten (de debiteur krijgt daar bericht):",
        "work_decide": "Betwisting van {invoice} beslissen: crediteren, intrekken of doorgaan met innen",
        "work_keep": "Doorgaan met innen", "work_keep_hint": "De betwisting is ongegrond: de factuur staat weer open. Een consument krijgt daarvan bericht en de aanmaningen gaan 14 dagen later verder; is hij niet te bereiken, dan wacht de factuur tot u hem heeft ingelicht en haar hervat. Bij een bedrijf gaan de aanmaningen meteen verder.",
        "work_credit": "Factuur crediteren", "work_credit_hint": "Zonder bedrag wordt de hele factuur gecrediteerd (kosten en rente vervallen mee). Met een bedrag en creditnotanummer alleen dat deel van de hoofdsom: als correctie (nooit verschuldigd) of als korting vanaf vandaag.",
        "work_credit_amount": "Bedrag (leeg: de hele factuur)", "work_credit_reference": "Creditnotanummer (nodig bij een bedrag)",
        "work_credit_next": "Crediteren…",
        "work_withdraw": "Factuur intrekken", "work_withdraw_hint": "De factuur gaat uit de invordering; er gaan geen herinneringen meer uit.",
        "work_withdraw_next": "Intrekken…",
        "work_waive": "Kosten of rente kwijtschelden", "work_waive_hint": "Laat een deel van de incassokosten of de rente vallen (bijvoorbeeld bij een schikking); de reden komt in het contactlog.",
        "work_component": "Wat", "work_c_costs": "incassokosten", "work_c_interest": "rente", "work_amount": "Bedrag",
        "work_waive_next": "Kwijtschelden…",
        "work_confirm_title": "Bevestigen", "work_open_now": "Nu open",
        "work_confirm_credit": "Factuur {invoice} wordt helemaal gecrediteerd: de debiteur hoeft de factuur met kosten en rente niet meer te betalen. Wat er al op betaald is gaat naar andere openstaande facturen of wordt een terug te betalen bedrag.",
        "work_confirm_credit_part": "Creditnota {reference}: {amount} van de hoofdsom van {invoice} wordt gecrediteerd; de rente over dat deel vervalt en de kosten volgen de lagere hoofdsom.",
        "work_confirm_discount": "Korting {reference}: {amount} van de hoofdsom van {invoice} vervalt vanaf vandaag; de rente en incassokosten die tot vandaag verschuldigd waren blijven staan.",
        "work_credit_kind": "Soort (alleen bij een bedrag)", "work_kind_correction": "Correctie: de factuur was te hoog (dat deel was nooit verschuldigd)",
        "work_kind_discount": "Korting vanaf vandaag (rente en kosten tot nu blijven)", "work_say_kind": "kies correctie of korting",
        "work_confirm_withdraw": "Factuur {invoice} wordt ingetrokken: Inning int het openstaande bedrag niet meer.",
        "work_confirm_waive": "{amount} aan {what} op {invoice} wordt kwijtgescholden.",
        "work_stop_interest": "En geen rente meer vanaf vandaag (een finale regeling; alleen bij rente). Zonder dit loopt de rente door zolang de vordering openstaat.",
        "work_confirm_stop_interest": "Vanaf vandaag loopt er geen rente meer op deze vordering.",
        "work_stop_interest_only": "alleen een kwijtschelding van rente kan de verdere rente stoppen",
        "work_credit_yes": "Ja, crediteren", "work_withdraw_yes": "Ja, intrekken", "work_waive_yes": "Ja, kwijtschelden",
        "work_cancel": "Annuleren",
        "work_decide_there": "de betwisting van {invoice} wacht op een besluit op de actielijst: beslis daar ({link}, of de link onder Vordering behandelen), dan krijgt de debiteur bericht",
        "work_gone": "factuur {invoice} is intussen {status}: dit kan er niet meer mee; herlaad het dossier",
        "work_plan_follows": "Factuur {invoice} zit in een lopende betalingsregeling (nu open {open}). De regeling volgt meteen: ze wordt verlaagd tot wat nog verschuldigd is, of beëindigd als er niets meer open staat; de debiteur krijgt het nieuwe schema.",
        "work_plan_follows_paused": "Factuur {invoice} zit in een gepauzeerde betalingsregeling (nu open {open}). De regeling volgt meteen: ze wordt verlaagd tot wat nog verschuldigd is en blijft gepauzeerd, of wordt beëindigd als er niets meer open staat; de debiteur krijgt het nieuwe schema.",
        "work_plan_link": "Naar de regeling",
        "work_case_follows": "Factuur {invoice} is overgedragen aan het incassobureau. De factuur gaat uit de zaak en het bureau krijgt bericht (op de actielijst en per e-mail); blijft er in de zaak niets te innen, dan wordt de zaak ingetrokken.",
        "work_case_lowered": "Factuur {invoice} is overgedragen aan het incassobureau. Het bureau krijgt bericht (op de actielijst en per e-mail) dat er minder open staat en int niet meer dan dat.",
        "done_work_credit": "De factuur is gecrediteerd.", "done_work_withdraw": "De factuur is ingetrokken.",
        "done_work_keep-chasing": "De betwisting is beëindigd: de factuur staat weer open.",
        "done_work_waive": "Het bedrag is kwijtgescholden."},
    en={"work_not_theirs": "invoice {invoice} is not this debtor's", "work_say_reference": "a credit note's number is at most 35 characters",
        "work_say_component": "choose collection costs or interest", "work_say_reason": "say why (at least 3 characters)",
        "work_say_amount": "{text} is not an amount: write it as 125.00", "work_say_above_zero": "the amount must be above 0",
        "work_say_number": "a credit note for part of the invoice needs its number",
        "work_title": "Work on a claim",
        "work_disputes": "Disputes waiting for a decision (the debtor is told there):",
        "work_decide": "Decide the dispute on {invoice}: credit, withdraw or keep chasing",
        "work_keep": "Keep chasing", "work_keep_hint": "The dispute is unfounded: the invoice is open again. A consumer is told and the reminders carry on 14 days later; if he cannot be reached, the invoice waits until you have told him and resume it. For a business the reminders carry on at once.",
        "work_credit": "Credit the invoice", "work_credit_hint": "Without an amount the whole invoice is credited (its costs and interest go too). With an amount and a credit note number only that part of the principal: as a correction (never owed) or as a discount from today.",
        "work_credit_amount": "Amount (empty: the whole invoice)", "work_credit_reference": "Credit note number (needed with an amount)",
        "work_credit_next": "Credit…",
        "work_withdraw": "Withdraw the invoice", "work_withdraw_hint": "The invoice leaves collection; no more reminders go out.",
        "work_withdraw_next": "Withdraw…",
        "work_waive": "Waive costs or interest", "work_waive_hint": "Let part of the collection costs or the interest go (a settlement, say); the reason goes on the contact log.",
        "work_component": "What", "work_c_costs": "collection costs", "work_c_interest": "interest", "work_amount": "Amount",
        "work_waive_next": "Waive…",
        "work_confirm_title": "Confirm", "work_open_now": "Open now",
        "work_confirm_credit": "Invoice {invoice} is credited in full: the debtor no longer owes the invoice, its costs or its interest. What was paid on it goes to other open invoices or becomes an amount to refund.",
        "work_confirm_credit_part": "Credit note {reference}: {amount} of the principal of {invoice} is credited; the interest on that part goes and the costs follow the lower principal.",
        "work_confirm_discount": "Discount {reference}: {amount} of the principal of {invoice} is let go from today; the interest and collection costs owed up to today stay.",
        "work_credit_kind": "Kind (with an amount only)", "work_kind_correction": "Correction: the invoice was too high (that part was never owed)",
        "work_kind_discount": "Discount from today (interest and costs so far stay)", "work_say_kind": "choose correction or discount",
        "work_confirm_withdraw": "Invoice {invoice} is withdrawn: Inning no longer collects what is open.",
        "work_confirm_waive": "{amount} of the {what} on {invoice} is waived.",
        "work_stop_interest": "And no interest from today on (a final settlement; interest only). Without it the interest runs on while the claim is open.",
        "work_confirm_stop_interest": "From today no interest accrues on this claim.",
        "work_stop_interest_only": "only a waiver of interest can stop further interest",
        "work_credit_yes": "Yes, credit", "work_withdraw_yes": "Yes, withdraw", "work_waive_yes": "Yes, waive",
        "work_cancel": "Cancel",
        "work_decide_there": "the dispute on {invoice} waits for a decision on the action list: decide it there ({link}, or the link under Work on a claim), so the debtor is told",
        "work_gone": "invoice {invoice} is {status} meanwhile: this cannot be done to it any more; reload the dossier",
        "work_plan_follows": "Invoice {invoice} is in a running payment plan (open now {open}). The plan follows at once: lowered to what is still owed, or ended when nothing is open; the debtor gets the new schedule.",
        "work_plan_follows_paused": "Invoice {invoice} is in a paused payment plan (open now {open}). The plan follows at once: lowered to what is still owed and still paused, or ended when nothing is open; the debtor gets the new schedule.",
        "work_plan_link": "To the plan",
        "work_case_follows": "Invoice {invoice} was handed over to the collection agency. It leaves the case and the agency is told (on its action list and by e-mail); a case with nothing left to collect is withdrawn.",
        "work_case_lowered": "Invoice {invoice} was handed over to the collection agency. The agency is told (on its action list and by e-mail) that less is open and collects no more than that.",
        "done_work_credit": "The invoice is credited.", "done_work_withdraw": "The invoice is withdrawn.",
        "done_work_keep-chasing": "The dispute is ended: the invoice is open again.",
        "done_work_waive": "The amount is waived."},
)  # fmt: skip
