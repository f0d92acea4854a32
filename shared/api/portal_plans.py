"""The debtor's own payment plan in the portal: ``/api/portal/plan`` shows the debtor's plans
and what the client's rules offer, ``plan/preview`` the schedule of a choice (a GET: it
changes nothing), ``plan/accept`` makes the plan (with the mandate for a direct debit), and
``plan/postpone`` asks to move one installment. The forms post with the session's CSRF
token, like every other portal form; the pages share the portal's layout and headers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from jinja2 import DictLoader
from markupsafe import escape

from shared.api import portal_app
from shared.api.http import ApiRequest, ApiResponse
from shared.api.pages import form as read_form
from shared.api.portal_plans_text import PLAN_TEXT
from shared.api.portal_text import Dutch, reason, refused
from shared.clock import amsterdam_today
from shared.domain.day_shown import day_shown
from shared.domain.interest_words import interest_word
from shared.domain.money import (
    AmountError,
    Cents,
    format_eur_en,
    format_eur_nl,
    parse_written_amount,
)
from shared.domain.plans.pay_online import payable_online
from shared.domain.plans.plan import RUNNING, PaymentPlan
from shared.domain.plans.schedule import PlanMethod, ScheduledInstallment
from shared.domain.portal.tokens import PortalAccess, csrf_ok, csrf_token
from shared.domain.references import betalingskenmerk
from shared.domain.references.iban import mask
from shared.services.errors import Invalid, NotFound
from shared.services.plans.self_service import (
    MandateSigning,
    PlanChoice,
    PortalPlans,
    shown_digest,
)

if TYPE_CHECKING:
    from shared.api.portal_app import PortalApp

PLANS = """{% extends "base" %}{% block main %}
<h1>{{ p.title }}</h1>
{% if notice %}<p class="notice{% if error %} error{% endif %}" role="status">{{ notice }}</p>{% endif %}
{% for plan in plans %}<section aria-labelledby="plan-{{ loop.index }}-h">
<h2 id="plan-{{ loop.index }}-h">{{ p.your_plan }}</h2>
<p>{{ p.plan_status.format(status=plan.status) }}</p>
{% if plan.freezes_interest %}<p>{{ p.interest_frozen }}</p>{% endif %}
<p>{{ plan.how }}</p>
<div class="scroll" role="region" tabindex="0" aria-label="{{ p.your_plan }}"><table><caption class="visually-hidden">{{ p.your_plan }}</caption>
<thead><tr><th scope="col">{{ p.number }}</th><th scope="col">{{ p.due }}</th><th scope="col" class="amount">{{ p.amount_col }}</th><th scope="col" class="amount">{{ p.paid }}</th><th scope="col">{{ p.status }}</th></tr></thead>
<tbody>{% for i in plan.installments %}<tr><td>{{ i.number }}</td><td>{{ i.due }}</td><td class="amount">{{ i.amount }}</td><td class="amount">{{ i.paid }}</td><td>{{ i.status }}</td></tr>{% endfor %}</tbody>
<tfoot><tr><th scope="row" colspan="2">{{ p.total }}</th><td class="amount"><strong>{{ plan.total }}</strong></td><td class="amount"><strong>{{ plan.paid }}</strong></td><td></td></tr></tfoot>
</table></div>
{% if plan.pay %}<h3 id="pay-{{ loop.index }}-h">{{ p.pay_h }}</h3>
<form method="post" action="/api/portal/plan/pay" aria-labelledby="pay-{{ loop.index }}-h"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="plan" value="{{ plan.plan_id }}"><input type="hidden" name="installment" value="{{ plan.pay.number }}">
<p><button type="submit">{{ plan.pay.label }}</button></p><p>{{ p.pay_note }}</p></form>{% endif %}
{% if plan.postponable %}<h3 id="pp-{{ loop.index }}-h">{{ p.postpone }}</h3>
<form method="post" action="/api/portal/plan/postpone" aria-labelledby="pp-{{ loop.index }}-h"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="plan" value="{{ plan.plan_id }}">
<label for="pp-{{ loop.index }}-n">{{ p.postpone_which }}</label><select id="pp-{{ loop.index }}-n" name="installment">{% for i in plan.postponable %}<option value="{{ i.number }}">{{ i.number }} ({{ i.due }})</option>{% endfor %}</select>
<label for="pp-{{ loop.index }}-to">{{ p.postpone_to }}</label><input type="date" id="pp-{{ loop.index }}-to" name="to" min="{{ tomorrow }}" required>
<label for="pp-{{ loop.index }}-r">{{ p.postpone_reason }}</label><textarea id="pp-{{ loop.index }}-r" name="reason" rows="2" maxlength="1000"></textarea>
<p><button type="submit" class="secondary">{{ p.postpone_send }}</button></p></form>{% endif %}
</section>{% endfor %}
{% if offer %}<section aria-labelledby="offer-h"><h2 id="offer-h">{{ p.title }}</h2>
<p>{{ offer.intro }}</p>
<form method="get" action="/api/portal/plan/preview">
<fieldset><legend>{{ p.how }}</legend>
<div><input type="radio" name="by" value="count" id="by-count"{% if offer.by != "amount" %} checked{% endif %}> <label for="by-count">{{ p.by_count }}</label></div>
<label for="count">{{ p.count }}</label><select id="count" name="installments">{% for n in offer.counts %}<option{% if n == offer.suggested %} selected{% endif %}>{{ n }}</option>{% endfor %}</select>
<div><input type="radio" name="by" value="amount" id="by-amount"{% if offer.by == "amount" %} checked{% endif %}> <label for="by-amount">{{ p.by_amount }}</label></div>
<label for="amount">{{ offer.amount_label }}</label><input id="amount" name="amount" inputmode="decimal" autocomplete="off" value="{{ offer.amount }}">
</fieldset>
<fieldset><legend>{{ p.method }}</legend>{% for m in offer.methods %}
<div><input type="radio" name="method" value="{{ m }}" id="m-{{ m }}"{% if m == offer.method or (loop.first and offer.method not in offer.methods) %} checked{% endif %}> <label for="m-{{ m }}">{{ p[m] }}</label></div>{% endfor %}</fieldset>
<p><button type="submit">{{ p.show }}</button></p></form></section>
{% elif not plans %}<p>{{ p.no_offer }}</p>{% endif %}
<p><a href="/api/portal">{{ p.back }}</a></p>
{% endblock %}"""

PREVIEW = """{% extends "base" %}{% block main %}
<h1>{{ p.schedule }}</h1>
{% if notice %}<p class="notice error" role="status">{{ notice }}</p>{% endif %}
<section aria-labelledby="sum-h"><h2 id="sum-h">{{ p.total }}: {{ total }}</h2>
<p>{{ covers }}</p>
<p>{{ p.interest_frozen }}</p>
<table><caption class="visually-hidden">{{ p.total }}</caption><tbody>
<tr><th scope="row">{{ p.principal }}</th><td class="amount">{{ principal }}</td></tr>
<tr><th scope="row">{{ p.costs }}</th><td class="amount">{{ costs }}</td></tr>
<tr><th scope="row">{{ interest_label }}</th><td class="amount">{{ interest }}</td></tr>
<tr><th scope="row">{{ p.total }}</th><td class="amount"><strong>{{ total }}</strong></td></tr></tbody></table>
<p>{{ p.method }}: {{ p[method] }}</p></section>
<section aria-labelledby="sch-h"><h2 id="sch-h">{{ p.schedule }}</h2>
<div class="scroll" role="region" tabindex="0" aria-label="{{ p.schedule }}"><table><caption class="visually-hidden">{{ p.schedule }}</caption>
<thead><tr><th scope="col">{{ p.number }}</th><th scope="col">{{ p.due }}</th><th scope="col" class="amount">{{ p.amount_col }}</th></tr></thead>
<tbody>{% for i in schedule %}<tr><td>{{ i.number }}</td><td>{{ i.due }}</td><td class="amount">{{ i.amount }}</td></tr>{% endfor %}</tbody></table></div>
<p>{{ p.terms }}</p></section>
<section aria-labelledby="ok-h"><h2 id="ok-h">{{ p.accept }}</h2>
<form method="post" action="/api/portal/plan/accept"><input type="hidden" name="csrf" value="{{ csrf }}">
<input type="hidden" name="method" value="{{ method }}"><input type="hidden" name="by" value="{{ by }}">
<input type="hidden" name="installments" value="{{ installments }}"><input type="hidden" name="amount" value="{{ amount }}">
<input type="hidden" name="shown" value="{{ shown }}">
{% if method == "direct_debit" and via_mollie %}<h3>{{ p.mandate }}</h3><p>{{ p.mollie_first }}</p>
{% elif method == "direct_debit" %}<h3>{{ p.mandate }}</h3>
<label for="iban">{{ p.iban }}</label><input id="iban" name="iban" autocomplete="off" required value="{{ iban }}">
<label for="holder">{{ p.holder }}</label><input id="holder" name="holder" autocomplete="name" required value="{{ holder }}">
<p id="mandate-text">{{ mandate_text }}</p><input type="hidden" name="mandate_text" value="{{ mandate_text }}">
<div><input type="checkbox" name="consent" value="yes" id="consent" aria-describedby="mandate-text" required> <label for="consent">{{ p.agree_mandate }}</label></div>{% endif %}
<p><button type="submit">{{ p.accept }}</button></p></form>
<p><a href="/api/portal/plan">{{ p.change }}</a></p></section>
{% endblock %}"""

loader = portal_app._env.loader
assert isinstance(loader, DictLoader)
loader.mapping = {**loader.mapping, "plans": PLANS, "plan_preview": PREVIEW}


class PortalPlanPages:
    def __init__(self, app: PortalApp) -> None:
        self.app = app
        self.desk = app.services.portal_plans

    def handle(
        self, req: ApiRequest, access: PortalAccess, token: str, rest: list[str]
    ) -> ApiResponse:
        if req.method == "POST":
            form = read_form(req, max_fields=portal_app.PORTAL_FORM_FIELDS)  # bounded
            if not csrf_ok(self.app.keys, token, _one(form, "csrf")):
                return self.app._form_expired(req, access)
            return self._post(req, access, rest, form)
        if rest == []:
            return self._plans(req, access)
        if rest == ["preview"]:
            query = {k: [v] for k, v in req.query.items()}
            try:
                return self._preview(req, access, query)
            except Invalid as exc:  # the choice shown again as he made it (debtor24 D4)
                notice = self._error(req, exc, access)
                return self._plans(req, access, notice, status=400, typed=req.query)
        return self.app._not_found(req, access)

    # -- pages -------------------------------------------------------------------------------
    def _money(self, lang: str) -> Any:
        return format_eur_nl if lang == "nl" else format_eur_en

    def _plans(
        self,
        req: ApiRequest,
        access: PortalAccess,
        notice: str = "",
        status: int = 200,
        typed: Mapping[str, str] | None = None,
    ) -> ApiResponse:
        view = self.desk.view(access)
        lang = self.app._lang(req, view.debtor.language.value)
        p, money = PLAN_TEXT[lang], self._money(lang)
        today = amsterdam_today(self.app.services.clock)
        done = req.query.get("done", "")
        if not notice and f"done_{done}" in p:
            notice = p[f"done_{done}"]
        offer = None
        if view.offer is not None:
            o = view.offer
            typed = typed or {}
            count = typed.get("installments", "")
            offer = {
                "intro": p["offer_intro"].format(total=money(o.total), client=view.client.name,
                                                 min_count=o.min_count, max_count=o.max_count,
                                                 start=day_shown(o.start, lang)),
                "counts": list(range(o.min_count, o.max_count + 1)),
                "suggested": int(count) if count.isdigit() and o.min_count <= int(count) <= o.max_count
                             else min(o.max_count, max(o.min_count, 3)),
                "by": typed.get("by", "count"), "method": typed.get("method", ""),
                # his text, escaped: no full stop of the page's sentences added to it
                "amount": escape(typed.get("amount", "")[:40]),
                "amount_label": p["amount"].format(min=money(o.min_amount), max=money(o.max_amount)),
                "methods": [m.value for m in o.methods],
            }  # fmt: skip
        plans = [self._plan_lines(plan, view, today, lang) for plan in view.plans]
        return self.app._page(
            "plans", status, lang, view.client, title=p["title"], p=p, plans=plans, offer=offer,
            notice=notice, error=status >= 400, csrf=self._csrf(req),
            tomorrow=date.fromordinal(today.toordinal() + 1).isoformat(), here=req,
        )  # fmt: skip

    def _plan_lines(
        self, plan: PaymentPlan, view: PortalPlans, today: date, lang: str
    ) -> dict[str, Any]:
        p, money = PLAN_TEXT[lang], self._money(lang)
        states = plan.installments(today)
        iban = view.client_iban
        # a plan over an invoice the agency collects now (made before that was refused) is
        # neither paid nor moved here: the overview says whom to pay (codereview17 F2)
        theirs = sorted(view.handed_over.intersection(plan.invoice_numbers))
        how = (
            p["handed_over"].format(invoices=", ".join(theirs))
            if theirs
            else p["collected"].format(iban=mask(plan.mandate.iban))
            if plan.method is PlanMethod.DIRECT_DEBIT and plan.mandate
            else p["no_account"].format(client=view.client.name)
            if not iban  # no account of the client's own (heldplan31)
            else p["reference"].format(iban=iban, client=view.client.name,
                                       reference=betalingskenmerk.display(plan.payment_reference))
        )  # fmt: skip
        lines = [
            {"number": s.number, "due": day_shown(s.due_date, lang), "amount": money(s.amount),
             "paid": money(s.paid), "status": p[f"is_{s.status.value}"]}
            for s in states
        ]  # fmt: skip
        postponable = (
            [line for s, line in zip(states, lines, strict=True) if s.paid < s.amount]
            if plan.status in RUNNING and not theirs
            else []
        )
        # the server decides again on the click
        payable = None if theirs else payable_online(plan, today)
        pay = (
            {"number": payable.number,
             "label": p["pay"].format(number=payable.number, amount=money(payable.open))}
            if payable is not None
            else None
        )  # fmt: skip
        return {
            "plan_id": plan.plan_id, "status": p[f"st_{plan.status.value}"], "how": how, "pay": pay,
            "installments": lines, "total": money(plan.total), "paid": money(plan.paid),
            "postponable": postponable, "freezes_interest": plan.freezes_interest,
        }  # fmt: skip

    def _preview(
        self,
        req: ApiRequest,
        access: PortalAccess,
        form: dict[str, list[str]],
        notice: str = "",
        status: int = 200,
    ) -> ApiResponse:
        choice = _choice(form)
        view, schedule = self.desk.preview(access, choice)
        lang = self.app._lang(req, view.debtor.language.value)
        p, money = PLAN_TEXT[lang], self._money(lang)
        mandate_text = (
            p["mandate_text"].format(creditor=view.client.name, creditor_id=view.creditor_id)
            if view.creditor_id
            else ""
        )
        return self.app._page(
            "plan_preview", status, lang, view.client, title=p["schedule"], p=p, notice=notice,
            covers=p["covers"].format(invoices=", ".join(view.invoice_numbers)),
            principal=money(view.owed.principal), costs=money(view.owed.costs + view.owed.costs_vat),
            interest=money(view.owed.interest), total=money(sum(i.amount for i in schedule)),
            interest_label=interest_word(view.interest_rules, lang),  # law15 F2
            schedule=_lines(schedule, money, lambda d: day_shown(d, lang)), method=choice.method.value,
            by=_one(form, "by") or "count", installments=_one(form, "installments"),
            amount=_one(form, "amount"), csrf=self._csrf(req), mandate_text=mandate_text,
            iban=_one(form, "iban"), holder=_one(form, "holder"), via_mollie=view.via_mollie,
            shown=shown_digest(view.debtor.number, view.invoice_numbers, choice.method, schedule),
            here=req,
        )  # fmt: skip

    # -- forms -------------------------------------------------------------------------------
    def _post(
        self, req: ApiRequest, access: PortalAccess, rest: list[str], form: dict[str, list[str]]
    ) -> ApiResponse:
        if rest == ["accept"]:
            try:
                choice = _choice(form)
            except Invalid as exc:  # an edited form (its preview refuses it): his plans, why
                return self._plans(req, access, self._error(req, exc, access), status=400)
            signing = None
            # through Mollie the first payment in Mollie's checkout signs the mandate
            mollie = choice.method is PlanMethod.DIRECT_DEBIT and self.desk.view(access).via_mollie
            if choice.method is PlanMethod.DIRECT_DEBIT and not mollie:
                signing = MandateSigning(
                    iban=_one(form, "iban"), name=_one(form, "holder"),
                    consent_text=_one(form, "mandate_text"), agreed=_one(form, "consent") == "yes",
                )  # fmt: skip
            try:
                if signing is not None:
                    self._check_mandate_text(req, access, signing)
                plan = self.desk.accept(access, choice, signing)
            except (Invalid, NotFound) as exc:
                if getattr(exc, "code", None) == "plan_accept_under_way":
                    # the first click is making the plan: his plans, where it shows up
                    return self._plans(req, access, self._error(req, exc, access), status=409)
                try:
                    notice = self._error(req, exc, access)
                    return self._preview(req, access, form, notice, status=400)
                except Invalid:
                    return self._plans(req, access, self._error(req, exc, access), status=400)
            started = plan.status.value != "draft"
            checkout = (
                self.desk.first_payment_url(access, plan.plan_id) if started and mollie else None
            )
            if checkout:
                return self.app._redirect(checkout)  # Mollie's checkout: pay and sign
            return self.app._redirect(
                f"/api/portal/plan?done={'plan_started' if started else 'plan_requested'}"
            )
        if rest == ["pay"]:
            # the installment's amount is the server's: the form names only the installment
            try:
                number = int(_one(form, "installment"))
            except ValueError:
                invalid = Invalid("choose an installment")
                return self._plans(req, access, self._error(req, invalid, access), 400)
            try:
                checkout = self.desk.pay_installment(
                    access, _one(form, "plan"), number,
                    self.app.services.settings.public_base_url,
                )  # fmt: skip
            except (Invalid, NotFound) as exc:
                status = 404 if isinstance(exc, NotFound) else 400
                return self._plans(req, access, self._error(req, exc, access), status=status)
            return self.app._redirect(checkout)
        if rest == ["postpone"]:
            to = portal_app.typed_date(_one(form, "to"))  # 15-12-2026 too (debtor24 D5)
            try:
                number = int(_one(form, "installment"))
            except ValueError:
                to = None
            if to is None:
                invalid = Invalid("choose an installment and a date")
                return self._plans(req, access, self._error(req, invalid, access), 400)
            try:
                granted = self.desk.postpone(
                    access, _one(form, "plan"), number, to, _one(form, "reason")
                )
            except (Invalid, NotFound) as exc:
                # a plan that is not the debtor's (or no plan at all) is not found, not refused
                status = 404 if isinstance(exc, NotFound) else 400
                return self._plans(req, access, self._error(req, exc, access), status=status)
            done = "plan_postponed" if granted else "plan_postpone_requested"
            return self.app._redirect(f"/api/portal/plan?done={done}")
        return self.app._not_found(req, access)

    def _check_mandate_text(
        self, req: ApiRequest, access: PortalAccess, signing: MandateSigning
    ) -> None:
        """The text the debtor agreed to must be the text we show, in either language: the
        timeline keeps it as the mandate's wording."""
        view = self.desk.view(access)
        shown = {
            PLAN_TEXT[lang]["mandate_text"].format(
                creditor=view.client.name, creditor_id=view.creditor_id
            )
            for lang in PLAN_TEXT
        }
        if signing.consent_text not in shown:
            raise Invalid("the mandate text was changed; reload the page", field="consent")

    def _csrf(self, req: ApiRequest) -> str:
        return csrf_token(self.app.keys, self.app._cookies(req).get(portal_app.COOKIE, ""))

    def _error(self, req: ApiRequest, exc: Exception, access: PortalAccess) -> str:
        """A refusal in the page's language: the debtor's own, as the pages choose it."""
        _, debtor = self.desk.portal.parties(access)
        lang = self.app._lang(req, debtor.language.value)
        return PLAN_TEXT[lang]["error"].format(reason=refused(lang, exc, _PLAN_REASONS_NL))


def _eur_nl(amount: str) -> str:
    """``1234.50`` (format_cents) as a Dutch amount: ``1.234,50``."""
    units, _, cents = amount.partition(".")
    return f"{int(units):,}".replace(",", ".") + "," + cents


# The plan forms' refusals (this module, plans/self_service.py, domain/plans/offer.py,
# schedule.py and rules.py, references/iban.py) in Dutch for a Dutch page; the portal's
# shared ones (shared/api/portal_text.py) answer the rest.
_PLAN_REASONS_NL: tuple[tuple[re.Pattern[str], Dutch], ...] = (
    (re.compile(r"no such plan"), "deze betalingsregeling is niet gevonden"),
    (re.compile(r"choose a way of paying"), "kies een manier van betalen"),
    (re.compile(r"this way of paying is not offered"), "deze manier van betalen wordt niet aangeboden"),
    (re.compile(r"give the amount per installment, e\.g\. 50,00"),
     "vul het bedrag per termijn in, bijvoorbeeld 50,00"),
    (re.compile(r"choose the number of installments"), "kies het aantal termijnen"),
    (re.compile(r"choose a number of installments or an amount"),
     "kies een aantal termijnen of een bedrag per termijn"),
    (re.compile(r"choose (\d+) to (\d+) installments"), r"kies \1 tot \2 termijnen"),
    (re.compile(r"choose an installment and a date"), "kies een termijn en een datum"),
    (re.compile(r"choose an installment"), "kies een termijn"),
    (re.compile(r"the amount is outside what is offered \(EUR (\d+\.\d\d) to EUR (\d+\.\d\d)\)"),
     lambda m: "dit bedrag per termijn valt buiten wat wordt aangeboden: kies van "
               f"€ {_eur_nl(m[1])} tot € {_eur_nl(m[2])}"),
    (re.compile(r"the amount is outside what is offered"),
     "dit bedrag per termijn valt buiten wat wordt aangeboden"),
    (re.compile(r"that pays everything at once"), "met dit bedrag betaalt u alles in één keer"),
    (re.compile(r"the installment amount must be positive"),
     "het bedrag per termijn moet meer dan nul zijn"),
    (re.compile(r"this amount needs (\d+) installments \(at most (\d+)\)"),
     r"dit bedrag vraagt \1 termijnen (ten hoogste \2)"),
    (re.compile(r"installment (\d+) is below the minimum of EUR (-?\d+\.\d\d)"),
     lambda m: f"termijn {m[1]} is lager dan het minimum van € {_eur_nl(m[2])}"),
    (re.compile(r"the plan runs past the maximum term of (\d+) months"),
     r"de regeling loopt langer dan de maximale looptijd van \1 maanden"),
    (re.compile(r"an installment falls before the start"), "een termijn valt vóór de begindatum"),
    (re.compile(r"a plan cannot start in the past"),
     "een regeling kan niet in het verleden beginnen"),
    (re.compile(r"invoice (.+) is already in plan (.+)"), r"factuur \1 zit al in regeling \2"),
    (re.compile(r"the mandate text was changed; reload the page"),
     "de tekst van de machtiging is gewijzigd; laad de pagina opnieuw"),
    (re.compile(r"not an IBAN \(expected country code, two check digits and the account number\)"),
     "dit is geen IBAN (verwacht: landcode, twee controlecijfers en het rekeningnummer)"),
    (re.compile(r"IBAN country (\w+) is not a SEPA country"), r"IBAN-land \1 is geen SEPA-land"),
    (re.compile(r"an IBAN from (\w+) has (\d+) characters, this one (\d+)"),
     r"een IBAN uit \1 heeft \2 tekens, deze \3"),
    (re.compile(r"IBAN check digits do not match \(a typo\?\)"),
     "de controlecijfers van de IBAN kloppen niet (een tikfout?)"),
)  # fmt: skip


def plan_reason(lang: str, text: str) -> str:
    """A plan form's refusal in the page's language (known ones; then the portal's own)."""
    return reason(lang, text, _PLAN_REASONS_NL)


def _one(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0]


def _choice(form: dict[str, list[str]]) -> PlanChoice:
    try:
        method = PlanMethod(_one(form, "method") or "transfer")
    except ValueError:
        raise Invalid("choose a way of paying", field="method") from None
    if _one(form, "by") == "amount":
        try:
            # as the page writes its own bounds: "€ 1.628,76" (newcomer18 F7)
            amount: Cents = parse_written_amount(_one(form, "amount"))
        except AmountError:
            raise Invalid("give the amount per installment, e.g. 50,00", field="amount") from None
        return PlanChoice(method, amount=amount, shown=_one(form, "shown"))
    try:
        return PlanChoice(method, count=int(_one(form, "installments")), shown=_one(form, "shown"))
    except ValueError:
        raise Invalid("choose the number of installments", field="installments") from None


def _lines(schedule: list[ScheduledInstallment], money: Any, day: Any) -> list[dict[str, str]]:
    return [
        {"number": str(i.number), "due": day(i.due_date), "amount": money(i.amount)}
        for i in schedule
    ]
