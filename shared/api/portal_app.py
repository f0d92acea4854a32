"""The debtor portal over HTTP: server-rendered, no JavaScript, strict headers.

``/p/{token}`` is the link in messages: it checks the token, puts it in an HttpOnly cookie
scoped to the portal and redirects to ``/portal``, so the token is in no later URL, in no
Referer (there is none: ``no-referrer``) and in no page. ``/p/{token}/pay`` does the same and
goes straight to Mollie for everything open: the payment link. Every form carries a CSRF
token bound to the session.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from urllib.parse import quote, unquote, urlencode

from jinja2 import DictLoader, Environment, select_autoescape
from markupsafe import Markup, escape

from shared.adapters.mollie import MollieError
from shared.api.http import ApiRequest, ApiResponse
from shared.api.outage import (
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_TEXT,
    is_outage,
    storage_down,
    unavailable_text,
)
from shared.api.pages import cookies, security_headers, source_address
from shared.api.pages import form as read_form
from shared.api.portal_figures import components, invoice_figures, shown
from shared.api.portal_reminders import reminder_page
from shared.api.portal_text import TEXT, refused
from shared.clock import amsterdam_date
from shared.domain.day_shown import day_shown
from shared.domain.invoices import Invoice
from shared.domain.ledger.model import Amounts
from shared.domain.money import format_eur_en, format_eur_nl
from shared.domain.parties import Client
from shared.domain.phone import phone_shown
from shared.domain.plans.pay_online import payable_online
from shared.domain.plans.plan import PaymentPlan
from shared.domain.plans.progress import InstallmentStatus
from shared.domain.plans.schedule import PlanMethod
from shared.domain.portal.tokens import (
    PortalAccess,
    TokenError,
    TokenExpired,
    csrf_ok,
    csrf_token,
)
from shared.domain.references import betalingskenmerk
from shared.domain.references.epc_qr import CreditTransfer, EpcQrError, qr_svg
from shared.domain.references.iban import mask
from shared.domain.sentence_end import end_once
from shared.services.container import Services
from shared.services.errors import Invalid, NotFound
from shared.services.portal import (
    MAX_POSTPONEMENT_DAYS,
    HandedOver,
    Overview,
    StandingHeld,
    TermNotice,
    Throttled,
    transfer_text,
)
from shared.services.sandbox_gate import NotApproved

log = logging.getLogger("inning.portal")

COOKIE = "inning_portal"
LANG_COOKIE = "inning_lang"
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

BASE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title or heading }}</title>
<style nonce="{{ nonce }}">
:root{--brand:{{ brand }};--on-brand:{{ on_brand }};--accent:{{ accent }}}
*{box-sizing:border-box}body{margin:0;font:1rem/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f7f7f7}
header{background:var(--brand);color:var(--on-brand);padding:1rem}header img{max-height:3rem;max-width:12rem;display:block;margin-bottom:.5rem}
main{max-width:44rem;margin:0 auto;padding:1rem}section{background:#fff;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:.4rem .25rem;border-bottom:1px solid #ddd}
td.amount,th.amount{text-align:right;white-space:nowrap}
button{font:inherit;background:var(--brand);color:var(--on-brand);border:0;border-radius:.4rem;padding:.75rem 1rem;min-height:44px;cursor:pointer}
button.secondary{background:#fff;color:#1a1a1a;border:2px solid var(--brand)}
input,select,textarea{font:inherit;width:100%;padding:.5rem;border:1px solid #767676;border-radius:.3rem;min-height:44px}
label{display:block;margin:.5rem 0 .25rem;font-weight:600}
td label,fieldset label{display:inline;font-weight:400}input[type=checkbox]{width:auto;min-height:auto;transform:scale(1.4);margin:.6rem}
thead th{font-size:.85rem}.scroll{overflow-x:auto;position:relative;max-width:100%}
:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
.notice{border-left:.4rem solid var(--accent);padding:.75rem;background:#fff}
.error{border-left-color:#b00020}
a{color:#0b4f8a}footer{font-size:.9rem;color:#444;padding:1rem;text-align:center}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.inv{border-bottom:1px solid #ddd;padding:.25rem 0 .5rem}.inv-head{margin:.25rem 0}.muted{color:#444;font-size:.9rem}
dl.fig{margin:0}.inv-head label{display:inline}dl.fig div{display:flex;justify-content:space-between;gap:1rem;padding:.1rem 0}dl.fig dt{font-weight:400}
dl.fig dd{margin:0;text-align:right;white-space:nowrap}dl.fig div.open{border-top:1px solid #ddd;font-weight:700}
p.total{display:flex;justify-content:space-between;gap:1rem;font-size:1.1rem;flex-wrap:wrap}
</style>
{% if refresh %}<meta http-equiv="refresh" content="{{ refresh }}">{% endif %}
</head><body>
<header>{% if logo %}<img src="{{ logo }}" alt="{{ client_name }}">{% endif %}<strong>{{ client_name }}</strong></header>
<main id="main">{% block main %}{% endblock %}</main>
<footer>{% if footer %}{{ footer }}<br>{% endif %}{% if lang_switch %}<a href="{{ lang_switch }}" lang="{{ other_lang }}" hreflang="{{ other_lang }}">{{ t.language }}</a>{% endif %}</footer>
</body></html>"""

OVERVIEW = """{% extends "base" %}{% block main %}{% macro route_block(t, routes, client) %}<h3>{{ t.dispute_routes.format(client=client.name) }}</h3><ul>
{% for text, procedure in routes %}<li>{{ text }}{% if procedure %} {% if procedure.startswith(('https://', 'http://')) and ' ' not in procedure %}<a href="{{ procedure }}" rel="noopener">{{ procedure }}</a>{% else %}{{ procedure }}{% endif %}{% endif %}</li>{% endfor %}</ul>{% endmacro %}
<h1>{{ t.title }}</h1>
{% if notice %}<p class="notice{% if error %} error{% endif %}" role="status">{{ notice }}</p>{% endif %}
<p>{{ t.greeting.format(name=debtor.name) }}</p>
{% if term %}<p class="notice" id="term">{{ term }}</p>{% endif %}
{% for plan in plans %}<section aria-labelledby="pl-{{ loop.index }}-h" class="plan"><h2 id="pl-{{ loop.index }}-h">{{ t.plan_title }}</h2>
{% if plan.next %}<p class="total"><strong>{{ plan.next }}</strong></p><p>{{ plan.how }}</p>
{% if plan.pay %}<form method="post" action="/api/portal/plan/pay"><input type="hidden" name="csrf" value="{{ csrf }}"><input type="hidden" name="plan" value="{{ plan.pay.plan_id }}"><input type="hidden" name="installment" value="{{ plan.pay.number }}">
<p><button type="submit">{{ plan.pay.label }}</button></p><p class="muted">{{ t.plan_pay_note }}</p></form>{% endif %}
{% if plan.qr %}<figure>{{ plan.qr|safe }}<figcaption>{{ t.plan_qr }}</figcaption></figure>{% endif %}{% else %}<p>{{ t.plan_done }}</p>{% endif %}
<p>{{ plan.covers }}</p><p><a href="/api/portal/plan">{{ t.plan_open }}</a></p></section>{% endfor %}
{% if lines %}<p>{{ t.intro.format(client=client.name) }}</p>
<section aria-labelledby="pay-h"><h2 id="pay-h" class="visually-hidden">{{ t.pay_selected }}</h2>
<form method="post" action="/api/portal/pay">
<input type="hidden" name="csrf" value="{{ csrf }}">
{% for line in lines %}<div class="inv">
<p class="inv-head"><input type="checkbox" name="invoice" value="{{ line.number }}" id="inv-{{ loop.index }}" checked> <label for="inv-{{ loop.index }}"><strong>{{ line.number }}</strong></label>{% if line.number in pdfs %} &middot; <a href="/api/portal/invoice/{{ line.number|segment }}">{{ t.pdf }}<span class="visually-hidden"> {{ line.number }}</span></a>{% endif %}<br><span class="muted">{{ t.due_on.format(due=line.due) }}</span></p>
<dl class="fig">{% for row in line.rows %}<div><dt>{{ row.label }}</dt><dd>{{ row.amount }}</dd></div>{% endfor %}
<div class="open"><dt>{{ t.open }}</dt><dd>{{ line.amount }}</dd></div></dl></div>{% endfor %}
<p class="total" id="total">{{ t.total_due }} <strong>{{ total }}</strong></p>
{% for line in lines %}<input type="hidden" name="shown" value="{{ line.number }}">{% endfor %}<input type="hidden" name="shown_total" value="{{ total_cents }}">
<p><button type="submit" name="all" value="yes">{{ t.pay_amount.format(amount=total) }}</button></p>
{% if lines|length > 1 %}<p><button type="submit" class="secondary">{{ t.pay_chosen }}</button></p>{% endif %}
<p>{{ pay_note }}</p>
</form></section>
{% if iban %}<section aria-labelledby="tr-h"><h2 id="tr-h">{{ t.transfer }}</h2>
<p>{{ t.transfer_amount.format(amount=total, iban=iban, client=client.name) }}</p>
<p>{% if reference %}{{ t.transfer_quote_reference }}: <strong>{{ reference }}</strong>{% else %}{{ t.transfer_quote_text }}: <strong>{{ description }}</strong>{% endif %}</p>
{% if qr %}<figure>{{ qr|safe }}<figcaption>{{ t.qr }}</figcaption></figure>{% endif %}
</section>{% endif %}{% endif %}
{% if on_hold %}<section aria-labelledby="oh-h"><h2 id="oh-h">{{ t.on_hold }}</h2><ul>{% for text in on_hold %}<li>{{ text }}</li>{% endfor %}</ul></section>{% endif %}
{% if not_claimable %}<section aria-labelledby="nc-h"><h2 id="nc-h">{{ t.not_claimable }}</h2><ul>{% for text in not_claimable %}<li>{{ text }}</li>{% endfor %}</ul><p>{{ t.not_claimable_note }}</p></section>{% endif %}
{% if handed_over %}<section aria-labelledby="ho-h"><h2 id="ho-h">{{ t.handed_over }}</h2>{% for h in handed_over %}<div class="handed-over">{% for text in h %}<p>{{ text }}</p>{% endfor %}</div>{% endfor %}</section>{% endif %}
{% if not lines and not plans %}<p>{% if disputed %}{{ t.nothing_disputed.format(numbers=disputed) }}{% elif not_claimable %}{{ t.nothing_claimed }}{% elif handed_over %}{{ t.nothing_handed_over }}{% else %}{{ t.nothing }}{% endif %}</p>{% endif %}
{% if lines %}<section aria-labelledby="plan-h"><h2 id="plan-h">{{ t.plan }}</h2><p><a href="/api/portal/plan">{{ t.plan_link }}</a></p></section>
<section aria-labelledby="pp-h"><h2 id="pp-h">{{ t.postpone }}</h2>
<form method="post" action="/api/portal/postpone"><input type="hidden" name="csrf" value="{{ csrf }}">
<fieldset><legend>{{ t.invoice }}</legend>{% for line in lines %}
<div><input type="checkbox" name="invoice" value="{{ line.number }}" id="pp-{{ loop.index }}"{% if typed.form == "postpone" and line.number in typed.invoices %} checked{% endif %}> <label for="pp-{{ loop.index }}">{{ line.number }}</label></div>{% endfor %}</fieldset>
<label for="pp-until">{{ t.postpone_until }}</label><input type="date" id="pp-until" name="until" min="{{ tomorrow }}" max="{{ latest }}"{% if typed.form == "postpone" %} value="{{ typed.until }}"{% endif %} required>
<label for="pp-reason">{{ t.reason }}</label><textarea id="pp-reason" name="reason" rows="3" maxlength="1000">{% if typed.form == "postpone" %}{{ typed.reason }}{% endif %}</textarea>
<p><button type="submit" class="secondary">{{ t.postpone_send }}</button></p></form></section>{% endif %}
{% if disputable %}<section aria-labelledby="dp-h"><h2 id="dp-h">{{ t.dispute }}</h2>
<form method="post" action="/api/portal/dispute"><input type="hidden" name="csrf" value="{{ csrf }}">
<label for="dp-inv">{{ t.invoice }}</label><select id="dp-inv" name="invoice">{% for number in disputable %}<option{% if typed.form == "dispute" and number == typed.invoice %} selected{% endif %}>{{ number }}</option>{% endfor %}</select>
<label for="dp-reason">{{ t.dispute_reason }}</label><textarea id="dp-reason" name="reason" rows="3" maxlength="1000" required>{% if typed.form == "dispute" %}{{ typed.reason }}{% endif %}</textarea>
<p><button type="submit" class="secondary">{{ t.dispute_send }}</button></p></form>{{ route_block(t, routes, client) }}</section>
{% elif disputed %}<section aria-labelledby="dp-h"><h2 id="dp-h">{{ t.dispute }}</h2>{{ route_block(t, routes, client) }}</section>{% endif %}
<section aria-labelledby="ms-h"><h2 id="ms-h">{{ t.message.format(client=client.name) }}</h2>
<form method="post" action="/api/portal/message"><input type="hidden" name="csrf" value="{{ csrf }}">
<label for="ms-text">{{ t.message_text }}</label><textarea id="ms-text" name="text" rows="4" maxlength="4000" required>{% if typed.form == "message" %}{{ typed.text }}{% endif %}</textarea>
<p><button type="submit" class="secondary">{{ t.message_send }}</button></p></form>
{% if client.contact_email or client.contact_phone %}<h3>{{ t.contact }}</h3><p>{% if client.contact_email %}<a href="mailto:{{ client.contact_email }}">{{ client.contact_email }}</a><br>{% endif %}{% if client.contact_phone %}<a href="tel:{{ client.contact_phone }}">{{ client.contact_phone | phone }}</a>{% endif %}</p>{% endif %}
</section>
{% endblock %}"""

EXPIRED = """{% extends "base" %}{% block main %}{% for x in texts %}
<section lang="{{ x.lang }}" aria-labelledby="ex-{{ loop.index }}-h"><h{{ 1 if loop.first else 2 }} id="ex-{{ loop.index }}-h">{{ x.heading }}</h{{ 1 if loop.first else 2 }}>
<p class="notice" role="status">{{ x.text }}</p><p>{{ x.how }}</p>
{% if client.contact_email or client.contact_phone %}<p>{% if client.contact_email %}<a href="mailto:{{ client.contact_email }}">{{ client.contact_email }}</a><br>{% endif %}{% if client.contact_phone %}<a href="tel:{{ client.contact_phone }}">{{ client.contact_phone | phone }}</a>{% endif %}</p>{% endif %}
</section>{% endfor %}{% endblock %}"""

MESSAGE = """{% extends "base" %}{% block main %}<h1>{{ heading }}</h1><p class="notice" role="status">{{ text }}</p>
{% if back %}<p><a href="/api/portal">{{ t.back }}</a></p>{% endif %}{% endblock %}"""


def _routes(t: Mapping[str, str], client: Client) -> list[tuple[str, str]]:
    """What the debtor can do if the client rejects his dispute (wki27; the rejected notice's
    ROUTE in :mod:`shared.services.dispute_ending`): each a sentence and, for the complaint
    procedure, the procedure itself (a link when it is a web address)."""
    name = client.name
    committee = client.disputes_committee
    complaint = (
        (t["route_complaints"].format(client=name), client.complaint_procedure)
        if client.complaint_procedure
        else (t["route_contact"].format(client=name), "")
    )
    lines = [(t["route_keep"], ""), complaint]
    if committee:
        lines.append((t["route_committee"].format(client=name, committee=committee), ""))
    elif committee is None:  # not recorded: said conditionally; affiliated with none: nothing
        lines.append((t["route_committee_if"].format(client=name), ""))
    lines.append((t["route_court"].format(client=name), ""))
    return lines


def _pay_note(t: dict[str, str], open_: Amounts) -> str:
    """The pay note names only what is open (no collection costs for a debtor who owes none)."""
    parts = [t[f"part_{c}"] for c in ("principal", "costs", "costs_vat", "interest")
             if getattr(open_, c) > 0]  # fmt: skip
    if not parts:
        return ""
    said = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {t['and']} {parts[-1]}"
    return t["pay_note_parts"].format(parts=said)


def _term_text(
    t: dict[str, str],
    term: TermNotice | None,
    money: Callable[[int], str],
    day: Callable[[date], str],
) -> str:
    if term is None:
        return ""
    vat = t["term_vat"].format(vat=money(term.costs_vat)) if term.costs_vat else ""
    # the invoices the term is for: beside other open invoices its amount is not the page's
    # total, and a debtor could not tell which it was (texts26: "Betaal uiterlijk 02-04-2025
    # € 504,93" under a total of € 625,79)
    *first, last = term.invoice_numbers or ("",)
    numbers = f"{', '.join(first)} {t['and']} {last}" if first else last
    what = t["term_many" if first else "term_one"].format(numbers=numbers)
    return t["term"].format(day=day(term.last_day), amount=money(term.pay_within), what=what,
                            costs=money(term.costs), vat=vat)  # fmt: skip


def _plan(
    t: dict[str, str],
    view: Overview,
    plan: PaymentPlan,
    today: date,
    money: Callable[[int], str],
    day: Callable[[date], str],
) -> dict[str, object]:
    """A running plan on the overview: its next installment first, and how to pay it (the
    plan's own betalingskenmerk, a QR code for that installment only)."""
    states = plan.installments(today)
    covers = t["plan_covers"].format(invoices=", ".join(plan.invoice_numbers))
    nxt = next(
        (s for s in states if s.open > 0 and s.status is not InstallmentStatus.SKIPPED), None
    )
    if nxt is None:
        return {"next": "", "how": "", "qr": "", "covers": covers, "pay": None}
    # paid online through Mollie (shared/services/plans/pay_online.py): the server decides
    # the installment and its amount again when the button is pressed
    payable = payable_online(plan, today)
    pay = (
        {"plan_id": plan.plan_id, "number": payable.number,
         "label": t["plan_pay"].format(number=payable.number, amount=money(payable.open))}
        if payable is not None
        else None
    )  # fmt: skip
    amount = money(nxt.open)
    reference = betalingskenmerk.display(plan.payment_reference)
    iban = view.owed.client_iban  # the client's proven account (debtor_account; iban28)
    qr = ""
    if plan.method is PlanMethod.DIRECT_DEBIT and plan.mandate is not None:
        how = t["plan_debit"].format(amount=amount, iban=mask(plan.mandate.iban))
    elif not iban:  # no account of the client's own: its plan letters wait too (heldplan31)
        how = t["plan_no_account"].format(amount=amount, client=view.client.name)
    else:
        how = t["plan_transfer"].format(amount=amount, iban=iban, client=view.client.name,
                                        reference=reference)  # fmt: skip
        if iban:
            try:
                qr = qr_svg(CreditTransfer(name=view.client.name[:70], iban=iban, amount=nxt.open,
                                           text=f"Betalingskenmerk {reference}"), scale=3)  # fmt: skip
            except EpcQrError:
                qr = ""
    return {"next": t["plan_next"].format(amount=amount, due=day(nxt.due_date), number=nxt.number,
                                          count=len(states)),
            "how": how, "qr": qr, "covers": covers, "pay": pay}  # fmt: skip


class _PageEnvironment(Environment):
    """Jinja with a dict's keys looked up first: the pages read their texts and rows from dicts
    (``t.title``, ``line.number``, about 130 a page), and Jinja's own order tries the attribute
    first, raising and catching an AttributeError for each (a fifth of the page's render). A
    key named like a dict method would be that method under Jinja's order, never text of ours;
    here it is the key."""

    def getattr(self, obj: object, attribute: str) -> object:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def _sentence(value: object) -> object:
    """What a page prints, a sentence ended once: "wat er openstaat bij {client}." of a client
    named "... B.V." read "B.V.." (newcomer20 F6)."""
    # a plain text of words only: the pages mark no HTML safe, and a value without a space
    # (an invoice number a form posts back, a link, a token) is never a sentence
    return end_once(value) if type(value) is str and " " in value else value


_env = _PageEnvironment(
    loader=DictLoader({"base": BASE, "overview": OVERVIEW, "message": MESSAGE, "expired": EXPIRED}),
    autoescape=select_autoescape(default=True, default_for_string=True),
    finalize=_sentence,
)
# a contact phone is stored in E.164 (the tel: link); a debtor reads it as he would dial it
_env.filters["phone"] = phone_shown
# one path segment: Jinja's urlencode keeps "/", and "2025/001" linked to a path of three
_env.filters["segment"] = lambda value: quote(str(value), safe="")

PORTAL_FORM_FIELDS = 2_000  # every invoice shown and ticked; more is not a form of ours


def _on(color: str) -> str:
    """Black or white text, whichever contrasts more with the client's colour (WCAG)."""

    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#000000" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#ffffff"


class PortalApp:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.portal = services.portal
        self.keys = services.portal.links.keys
        self.secure = services.settings.public_base_url.startswith("https://")

    # -- plumbing ------------------------------------------------------------------------------
    def _headers(self, nonce: str) -> dict[str, str]:
        return security_headers(
            nonce, secure=self.secure, form_action="'self' https://www.mollie.com"
        )

    def _redirect(self, to: str, cookie: str | None = None) -> ApiResponse:
        headers = {**self._headers(secrets.token_urlsafe(8)), "Location": to}
        if cookie is not None:
            headers["Set-Cookie"] = cookie
        return ApiResponse(status=303, headers=headers, raw=b"", content_type="text/plain")

    def _session_cookie(self, token: str) -> str:
        secure = "; Secure" if self.secure else ""
        days = self.services.settings.portal_token_days
        return f"{COOKIE}={token}; Path=/api/portal; HttpOnly; SameSite=Lax; Max-Age={days * 86400}{secure}"

    def _page(
        self,
        name: str,
        status: int = 200,
        lang: str = "nl",
        client: object = None,
        **context: object,
    ) -> ApiResponse:
        nonce = secrets.token_urlsafe(16)
        style = getattr(client, "house_style", None)
        brand = style.primary_color if style and COLOR.match(style.primary_color) else "#1f4e79"
        accent = style.accent_color if style and COLOR.match(style.accent_color) else "#f2a900"
        logo = style.logo_url if style and (style.logo_url or "").startswith("https://") else None
        other = "en" if lang == "nl" else "nl"
        body = _env.get_template(name).render(
            nonce=nonce, lang=lang, t=TEXT[lang], client=client, brand=brand, on_brand=_on(brand), accent=accent,
            logo=logo, client_name=getattr(client, "name", "Inning"), footer=getattr(style, "footer_text", None),
            other_lang=other,  # the switch's word is the other language's: read out in it (WCAG 3.1.2)
            lang_switch=_switch(other, context.pop("here", None)) if client is not None and not context.pop("lang_switch_off", False) else None, **context,
        )  # fmt: skip
        return ApiResponse(
            status=status, headers=self._headers(nonce), raw=body.encode(), content_type="text/html"
        )

    def _denied(self, lang: str, throttled: bool = False) -> ApiResponse:
        t = TEXT[lang]
        return self._page("message", 429 if throttled else 403, lang, heading=t["denied_title"],
                          text=t["throttled"] if throttled else t["denied"], back=False)  # fmt: skip

    def _expired(self, req: ApiRequest, access: PortalAccess) -> ApiResponse:
        """A link we signed, run out: the client's name and how to reach it for a new link, in
        the debtor's language and the other one below it (the page may be read by someone
        whose language the old link does not tell). A revoked link, or one whose client or
        debtor is gone, gets the generic page."""
        found = self.services.portal.repos.clients.get(access.client_id)
        debtor = self.services.portal.repos.debtors.get(access.client_id, access.debtor_number)
        current = self.services.portal.links.generation(access.client_id, access.debtor_number)
        if found is None or debtor is None or current != access.generation:
            return self._denied(self._lang(req))
        client = found[0]
        lang = self._lang(req, debtor[0].language.value)
        texts = []
        for one in (lang, "en" if lang == "nl" else "nl"):
            t = TEXT[one]
            if client.contact_email and client.contact_phone:
                how = t["expired_new"].format(
                    email=client.contact_email, phone=phone_shown(client.contact_phone)
                )
            elif client.contact_email:
                how = t["expired_new_email"].format(email=client.contact_email)
            elif client.contact_phone:
                how = t["expired_new_phone"].format(phone=phone_shown(client.contact_phone))
            else:
                how = t["expired_new_none"].format(client=client.name)
            texts.append({"lang": one, "heading": t["expired_title"],
                          "text": t["expired"].format(client=client.name), "how": how})  # fmt: skip
        return self._page("expired", 403, lang, client, heading=texts[0]["heading"], texts=texts,
                          lang_switch_off=True)  # fmt: skip

    @staticmethod
    def _cookies(req: ApiRequest) -> dict[str, str]:
        return cookies(req)

    @staticmethod
    def _source(req: ApiRequest) -> str:
        return source_address(req)

    def _lang(self, req: ApiRequest, debtor_lang: str = "nl") -> str:
        chosen = req.query.get("lang") or self._cookies(req).get(LANG_COOKIE) or debtor_lang
        return chosen if chosen in TEXT else "nl"

    def _debtor_lang(self, req: ApiRequest, access: PortalAccess) -> str:
        """The page's language for a debtor known by the session: the one chosen on the page,
        else the debtor's own (one read, on the pages that do not read the debtor anyway)."""
        chosen = req.query.get("lang") or self._cookies(req).get(LANG_COOKIE)
        if chosen in TEXT:
            return str(chosen)
        try:
            return self._lang(req, self.portal.parties(access)[1].language.value)
        except NotFound:
            return self._lang(req)

    def _not_found(self, req: ApiRequest, access: PortalAccess | None = None) -> ApiResponse:
        lang = self._lang(req) if access is None else self._debtor_lang(req, access)
        t = TEXT[lang]
        return self._page("message", 404, lang, heading=t["not_found_title"], text=t["not_found"],
                          back=access is not None)  # fmt: skip

    def _form_expired(self, req: ApiRequest, access: PortalAccess) -> ApiResponse:
        """A failed CSRF check: in practice a form left open past a new link (another session)."""
        lang = self._debtor_lang(req, access)
        t = TEXT[lang]
        return self._page("message", 403, lang, heading=t["expired_form_title"],
                          text=t["expired_form"], back=True)  # fmt: skip

    # -- routes --------------------------------------------------------------------------------
    def handle(self, req: ApiRequest) -> ApiResponse:
        parts = [unquote(p) for p in req.path.split("/") if p]
        try:
            if (reminder := reminder_page(self, req, parts)) is not None:
                return reminder  # the reminder behind an SMS link (portal_reminders)
            if parts[:1] == ["p"] and len(parts) in (2, 3) and req.method == "GET":
                return self._enter(req, parts[1], pay=parts[2:] == ["pay"])
            if parts[:1] == ["portal"]:
                return self._session(req, parts[1:])
        except Throttled:
            return self._denied(self._lang(req), throttled=True)
        except NotApproved:  # a sandbox client's portal is closed (sandbox_gate)
            lang = self._lang(req)
            t = TEXT[lang]
            return self._page("message", 403, lang, heading=t["sandbox_title"], text=t["sandbox"],
                              back=False)  # fmt: skip
        except StandingHeld:  # the debtor died, went bankrupt, is in the WSNP
            lang = self._lang(req)
            t = TEXT[lang]
            return self._page("message", 403, lang, heading=t["standing_title"],
                              text=t["standing"], back=False)  # fmt: skip
        except TokenExpired as expired:
            return self._expired(req, expired.access)
        except (TokenError, NotFound):  # NotFound: the debtor is gone, the link with it
            return self._denied(self._lang(req))
        except MollieError as exc:
            if not exc.transient:
                raise
            # Mollie out of reach, or throttling the client's account (429): a 503 that passes
            # on how long Mollie asked to wait, not a 500; a browser or script waits as long
            lang = self._lang(req)
            text = unavailable_text(lang, exc.retry_after, self.services.clock.now())
            page = self._page("message", 503, lang, heading="503", text=text, back=True)
            page.headers["Retry-After"] = str(math.ceil(exc.retry_after or RETRY_AFTER_SECONDS))
            log.warning("mollie unavailable %s %s: %s", req.method, req.path, exc)
            return page
        except Exception as exc:
            if not is_outage(exc):
                raise
            lang = self._lang(req)
            page = self._page(
                "message", 503, lang, heading="503", text=UNAVAILABLE_TEXT[lang], back=True
            )
            return storage_down(req, page)
        return self._not_found(req)

    def _enter(self, req: ApiRequest, token: str, pay: bool) -> ApiResponse:
        access = self.portal.enter(token, self._source(req))
        cookie = self._session_cookie(token)
        checkout = None
        if pay:
            try:
                checkout = self.portal.pay_everything(
                    access, self.services.settings.public_base_url
                )
            except Invalid:
                # no payment to start here (the day's payments started, the client has no
                # Mollie account, ...): the page, which says how to transfer; a link in a
                # letter was a 500 (attack32)
                checkout = None
        return self._redirect(checkout or "/api/portal", cookie)

    def _session(self, req: ApiRequest, rest: list[str]) -> ApiResponse:
        token = self._cookies(req).get(COOKIE, "")
        if not rest and req.method == "GET":  # the overview: its reads beside the token's
            access, view = self.portal.enter_overview(token, self._source(req))
            return self._overview(req, access, view=view)
        access = self.portal.enter(token, self._source(req))
        if rest[:1] == ["plan"]:  # the debtor's own payment plan: shared/api/portal_plans.py
            from shared.api.portal_plans import PortalPlanPages

            return PortalPlanPages(self).handle(req, access, token, rest[1:])
        if req.method == "POST":
            # bounded: the portal is open to anyone with a link (a field per invoice: 1,000)
            form = read_form(req, max_fields=PORTAL_FORM_FIELDS)
            if not csrf_ok(self.keys, token, (form.get("csrf") or [""])[0]):
                return self._form_expired(req, access)
            return self._post(req, access, rest, form)
        if rest[:1] == ["invoice"] and len(rest) == 2:
            try:
                pdf = self.portal.invoice_pdf(access, rest[1])
            except NotFound:
                return self._not_found(req, access)
            headers = {
                **self._headers("-"),
                "Content-Disposition": f'inline; filename="{re.sub(r"[^A-Za-z0-9._-]", "_", rest[1])}.pdf"',
            }
            return ApiResponse(headers=headers, raw=pdf, content_type="application/pdf")
        if rest[:1] == ["return"] and len(rest) == 2:
            return self._status(req, access, rest[1])
        if rest:
            return self._not_found(req, access)
        return self._overview(req, access)

    def _overview(
        self,
        req: ApiRequest,
        access: PortalAccess,
        notice: str = "",
        error: bool = False,
        status: int = 200,
        refusal: Exception | None = None,
        view: Overview | None = None,
        typed: Mapping[str, object] | None = None,
    ) -> ApiResponse:
        view = view or self.portal.overview(access)
        lang = self._lang(req, view.debtor.language.value)
        t = TEXT[lang]
        if refusal is not None:  # a form's refusal, in the language of the page it is shown on
            notice = t["error"].format(reason=refused(lang, refusal))
        money = format_eur_nl if lang == "nl" else format_eur_en
        today = amsterdam_date(self.services.clock.now())  # the debtor's date, not UTC's

        def day(on: date) -> str:
            return day_shown(on, lang)

        def line(i: Invoice) -> dict[str, object]:
            figures = invoice_figures(
                i, view.claims.get(i.number), view.interest_kinds.get(i.number)
            )
            return {"number": i.number, "due": day(i.due_date), "rows": shown(figures, t, money),
                    "amount": money(figures.open)}  # fmt: skip

        payable = view.payable
        lines = [line(i) for i in payable]
        done = req.query.get("done", "")
        if not notice and f"done_{done}" in t:
            # "with the costs we announced" only to a debtor who was announced costs: a 14-day
            # term running or costs on a claim (texts26: said to every debtor)
            announced = view.term is not None or any(c.open.costs for c in view.claims.values())
            notice = t.get(f"done_{done}_no_costs", "") if not announced else ""
            notice = notice or t[f"done_{done}"]
        total = money(view.total)
        response = self._page(
            "overview", status, lang, view.client, title=t["title"], debtor=view.debtor,
            lines=lines, pdfs=view.pdfs, disputed=", ".join(view.disputed), total=total, total_cents=view.total,
            pay_note=_pay_note(t, components(view.claims, {i.number for i in payable})),
            iban=view.owed.client_iban, reference=view.owed.betalingskenmerk, qr=view.owed.qr_svg,
            description=transfer_text(view.debtor.number, [i.number for i in payable]),
            term=_term_text(t, view.term, money, day), plans=[_plan(t, view, p, today, money, day) for p in view.plans],
            on_hold=[t["on_hold_disputed"].format(number=i.number, amount=money(view.claims[i.number].open.total if i.number in view.claims else i.open_amount))
                     for i in view.disputed_invoices],
            not_claimable=[t[f"not_claimable_{how.value}"].format(number=i.number, amount=money(view.claims[i.number].open.total if i.number in view.claims else i.open_amount))
                           for i, how in view.not_claimable],
            handed_over=[_handed_over(t, view.client, h, money, day(today), day) + _agency_plan(t, h, money, day, today)
                         for h in view.handed_over],
            disputable=[i.number for i in view.invoices], routes=_routes(t, view.client),
            csrf=csrf_token(self.keys, self._cookies(req).get(COOKIE, "")), notice=notice, error=error,
            tomorrow=(today + timedelta(days=1)).isoformat(), latest=(today + timedelta(days=MAX_POSTPONEMENT_DAYS)).isoformat(),
            typed=typed or {},
        )  # fmt: skip
        if req.query.get("lang") in TEXT:
            response.headers["Set-Cookie"] = (
                f"{LANG_COOKIE}={req.query['lang']}; Path=/api/portal; SameSite=Lax; Max-Age=31536000"
            )
        return response

    def _post(
        self, req: ApiRequest, access: PortalAccess, rest: list[str], form: dict[str, list[str]]
    ) -> ApiResponse:
        def one(name: str) -> str:
            return (form.get(name) or [""])[0]

        action = rest[0] if rest else ""
        try:
            if action == "pay":
                base = self.services.settings.public_base_url
                if one("all") == "yes":
                    # the main button pays everything the page showed, at the amount on it:
                    # the invoices its form sent, never what is open at the click (newcomer16
                    # #3); a page from before these fields is shown again
                    numbers = form.get("shown", [])
                    shown = _cents(one("shown_total"))
                    return self._redirect(self.portal.pay_shown(access, numbers, shown, base))
                return self._redirect(self.portal.pay(access, form.get("invoice", []), base))
            if action == "postpone":
                until = typed_date(one("until"))
                if until is None:
                    raise Invalid("choose a date", code="choose_date")
                done = self.portal.postpone(access, form.get("invoice", []), until, one("reason"))
                return self._redirect(f"/api/portal?done={done}")
            if action == "dispute":
                self.portal.dispute(access, one("invoice"), one("reason"))
                return self._redirect("/api/portal?done=disputed")
            if action == "message":
                self.portal.message(access, one("text"))
                return self._redirect("/api/portal?done=message")
        except (Invalid, NotFound) as exc:
            # translated once the page knows the debtor's own language (final4 #10); the
            # form shown again as he filled it in (debtor24 D4: his reason was gone)
            return self._overview(
                req, access, error=True, status=400, refusal=exc, typed=_typed(action, form)
            )
        return self._not_found(req, access)

    def _status(self, req: ApiRequest, access: PortalAccess, back: str) -> ApiResponse:
        client, debtor = self.portal.parties(access)
        lang = self._lang(req, debtor.language.value)
        t = TEXT[lang]
        try:
            status = self.portal.payment_status(access, client, back)
        except NotFound:
            return self._page("message", 404, lang, client, heading=t["not_found_title"],
                              text=t["not_found"], back=True)  # fmt: skip
        text = {"paid": t["status_paid"], "open": t["status_open"], "pending": t["status_open"],
                "authorized": t["status_open"]}.get(status, t["status_failed"])  # fmt: skip
        return self._page("message", 200, lang, client, title=t["status_title"], heading=t["status_title"],
                          text=text, back=True, refresh=5 if status in ("open", "pending", "authorized") else None,
                          payment_status=status)  # fmt: skip


def _handed_over(
    t: Mapping[str, str],
    client: Client,
    h: HandedOver,
    money: Callable[[int], str],
    today: str,
    day: Callable[[date], str],
) -> list[str]:
    """What the overview says of invoices a collection agency collects: which, what is open
    on them as the case's claim books it, that the agency writes to him (the client's reminders
    stop), and that they are paid to the agency (its third-party account, when known), not
    here."""
    numbers = ", ".join(i.number for i in h.invoices)
    said = [t["handed_over_text"].format(numbers=numbers, agency=h.agency, client=client.name)]
    # a plan of the agency's running says what it still asks instead: its interest is frozen
    if h.open is not None and h.open.total > 0 and h.plan is None:
        o = h.open
        costs = money(o.costs + o.costs_vat)
        if o.costs_vat:
            costs = t["handed_over_costs_vat"].format(costs=costs, vat=money(o.costs_vat))
        said.append(t["handed_over_open"].format(
            day=today, total=money(o.total), principal=money(o.principal), costs=costs,
            interest=money(o.interest), agency=h.agency,
        ))  # fmt: skip
    said.append(t["handed_over_letter"].format(agency=h.agency, client=client.name))
    if h.register and h.register_ended:  # never an ended entry as if valid (wki28)
        said.append(t["handed_over_register_ended"].format(
            agency=h.agency, number=h.register, until=day(h.register_ended)))  # fmt: skip
    elif h.register:  # whom he deals with, as the agency's letters name it (art. 2, 13 Wki)
        said.append(t["handed_over_register"].format(agency=h.agency, number=h.register))
    if h.iban:
        said.append(
            t["handed_over_pay"].format(iban=h.iban, agency=h.agency, reference=h.reference)
        )
    if h.email:
        said.append(t["handed_over_ask"].format(agency=h.agency, email=h.email))
    else:
        said.append(t["handed_over_ask_plain"].format(agency=h.agency))
    return said


def _agency_plan(
    t: Mapping[str, str],
    h: HandedOver,
    money: Callable[[int], str],
    day: Callable[[date], str],
    today: date,
) -> list[str]:
    """The agency's own payment plan over the handed-over invoices (agencyplan26): that it
    is the agency's, what it still asks, the next installment and what to quote paying it to
    the agency (its own betalingskenmerk, which the agency's account books on the plan)."""
    plan = h.plan
    if plan is None:
        return []
    said = [t["handed_over_plan"].format(agency=h.agency, total=money(plan.total),
                                         n=len(plan.schedule), open=money(plan.open))]  # fmt: skip
    upcoming = next(
        (
            s
            for s in plan.installments(today)
            if s.open > 0 and s.status is not InstallmentStatus.SKIPPED
        ),
        None,
    )
    if upcoming is not None:
        said.append(t["handed_over_plan_next"].format(
            number=upcoming.number, amount=money(upcoming.open), due=day(upcoming.due_date),
        ))  # fmt: skip
    if h.iban:
        said.append(t["handed_over_plan_pay"].format(
            iban=h.iban, agency=h.agency, reference=betalingskenmerk.display(plan.payment_reference),
        ))  # fmt: skip
    return said


def _typed(action: str, form: Mapping[str, list[str]]) -> dict[str, object]:
    """What the debtor typed in the form refused, to fill it in again. Marked safe once
    escaped: a text is his, never a sentence of ours to end with a full stop (``_sentence``)."""

    def one(name: str) -> Markup:
        return escape((form.get(name) or [""])[0])

    if action == "postpone":
        until = typed_date((form.get("until") or [""])[0])
        return {"form": action, "invoices": form.get("invoice", []), "reason": one("reason"),
                "until": until.isoformat() if until else ""}  # fmt: skip
    if action == "dispute":
        return {
            "form": action,
            "invoice": (form.get("invoice") or [""])[0],
            "reason": one("reason"),
        }
    if action == "message":
        return {"form": action, "text": one("text")}
    return {}


_WRITTEN_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def typed_date(text: str) -> date | None:
    """A date a form sent: ISO from a date picker, or as a Dutch debtor writes it (15-12-2026,
    15/12/2026, 15.12.2026) where the browser shows the field as text (debtor24 D5: "kies een
    datum" for 15-12-2026); None for anything else."""
    written = _WRITTEN_DATE.fullmatch(text.strip())
    try:
        if written is None:
            return date.fromisoformat(text.strip())
        return date(int(written[3]), int(written[2]), int(written[1]))
    except ValueError:
        return None


def _cents(text: str) -> int | None:
    """The amount a form says it showed (cents, as the page wrote it); None when it says none
    (a page from before the field) or something no page writes."""
    return int(text) if text.isdigit() and len(text) <= 15 else None


def _switch(other: str, here: object) -> str:
    """The language switch's link: the page shown (``here``: its GET request), its query kept
    and ``lang`` replaced, so the debtor stays on his plan or its schedule (newcomer15b #5);
    the overview for any other page (a form's answer cannot be fetched again)."""
    if isinstance(here, ApiRequest) and here.method == "GET" and here.path.startswith("/portal"):
        query = {k: v for k, v in here.query.items() if k != "lang"} | {"lang": other}
        return f"/api{quote(here.path)}?{urlencode(query)}"
    return f"/api/portal?lang={other}"
