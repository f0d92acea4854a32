"""The debtor portal over HTTP: server-rendered, no JavaScript, strict headers.

``/p/{token}`` is the link in messages: it checks the token, puts it in an HttpOnly cookie
scoped to the portal and redirects to ``/portal``, so the token is in no later URL, in no
Referer (there is none: ``no-referrer``) and in no page. ``/p/{token}/pay`` does the same and
goes straight to Mollie for everything open: the payment link. Every form carries a CSRF
token bound to the session.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta
from urllib.parse import unquote

from jinja2 import DictLoader, Environment, select_autoescape

from shared.api.http import ApiRequest, ApiResponse
from shared.api.outage import UNAVAILABLE_TEXT, is_outage, storage_down
from shared.api.pages import cookies, security_headers, source_address
from shared.api.pages import form as read_form
from shared.api.portal_reminders import reminder_page
from shared.api.portal_text import TEXT, reason
from shared.clock import amsterdam_date
from shared.domain.invoices import Invoice
from shared.domain.ledger.model import Amounts
from shared.domain.money import format_eur_en, format_eur_nl
from shared.domain.portal.tokens import PortalAccess, TokenError, csrf_ok, csrf_token
from shared.services.container import Services
from shared.services.errors import Invalid, NotFound
from shared.services.portal import MAX_POSTPONEMENT_DAYS, Throttled

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
thead th{font-size:.85rem}.scroll{overflow-x:auto}
:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
.notice{border-left:.4rem solid var(--accent);padding:.75rem;background:#fff}
.error{border-left-color:#b00020}
a{color:#0b4f8a}footer{font-size:.9rem;color:#444;padding:1rem;text-align:center}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
</style>
{% if refresh %}<meta http-equiv="refresh" content="{{ refresh }}">{% endif %}
</head><body>
<header>{% if logo %}<img src="{{ logo }}" alt="{{ client_name }}">{% endif %}<strong>{{ client_name }}</strong></header>
<main id="main">{% block main %}{% endblock %}</main>
<footer>{% if footer %}{{ footer }}<br>{% endif %}{% if lang_switch %}<a href="{{ lang_switch }}">{{ t.language }}</a>{% endif %}</footer>
</body></html>"""

OVERVIEW = """{% extends "base" %}{% block main %}
<h1>{{ t.title }}</h1>
{% if notice %}<p class="notice{% if error %} error{% endif %}" role="status">{{ notice }}</p>{% endif %}
<p>{{ t.greeting.format(name=debtor.name) }}</p>
{% if not lines %}<p>{% if disputed %}{{ t.nothing_disputed.format(numbers=disputed) }}{% else %}{{ t.nothing }}{% endif %}</p>{% else %}
<p>{{ t.intro.format(client=client.name) }}</p>
<section aria-labelledby="pay-h"><h2 id="pay-h" class="visually-hidden">{{ t.pay_selected }}</h2>
<form method="post" action="/api/portal/pay">
<input type="hidden" name="csrf" value="{{ csrf }}">
<div class="scroll"><table><caption class="visually-hidden">{{ t.title }}</caption>
<thead><tr><th scope="col">{{ t.choose }}</th><th scope="col">{{ t.invoice }}</th><th scope="col">{{ t.due }}</th><th scope="col" class="amount">{{ t.principal }}</th>{% if costs %}<th scope="col" class="amount">{{ t.costs }}</th>{% endif %}{% if interest %}<th scope="col" class="amount">{{ t.interest }}</th>{% endif %}<th scope="col" class="amount">{{ t.open }}</th></tr></thead>
<tbody>{% for line in lines %}<tr>
<td><input type="checkbox" name="invoice" value="{{ line.number }}" id="inv-{{ loop.index }}" checked></td>
<td><label for="inv-{{ loop.index }}">{{ line.number }}</label>{% if line.number in pdfs %} &middot; <a href="/api/portal/invoice/{{ line.number|urlencode }}">{{ t.pdf }}<span class="visually-hidden"> {{ line.number }}</span></a>{% endif %}</td>
<td>{{ line.due }}</td><td class="amount">{{ line.principal }}</td>{% if costs %}<td class="amount">{{ line.costs }}</td>{% endif %}{% if interest %}<td class="amount">{{ line.interest }}</td>{% endif %}<td class="amount">{{ line.amount }}</td></tr>{% endfor %}</tbody>
<tfoot>
<tr><td></td><th scope="row" colspan="{{ 2 + (1 if costs else 0) + (1 if interest else 0) + 1 }}">{{ t.total }}</th><td class="amount"><strong>{{ total }}</strong></td></tr>
</tfoot></table></div>
<p><button type="submit">{{ t.pay_selected }}</button></p>
{% if costs or interest %}<p>{{ t.pay_note.format(client=client.name) }}</p>{% endif %}
</form></section>
{% if iban %}<section aria-labelledby="tr-h"><h2 id="tr-h">{{ t.transfer }}</h2>
<p>{{ t.transfer_text.format(iban=iban, client=client.name) }}{% if reference %} {{ t.reference }} <strong>{{ reference }}</strong>{% endif %}.</p>
{% if qr %}<figure>{{ qr|safe }}<figcaption>{{ t.qr }}</figcaption></figure>{% endif %}
</section>{% endif %}
<section aria-labelledby="plan-h"><h2 id="plan-h">{{ t.plan }}</h2><p><a href="/api/portal/plan">{{ t.plan_link }}</a></p></section>
<section aria-labelledby="pp-h"><h2 id="pp-h">{{ t.postpone }}</h2>
<form method="post" action="/api/portal/postpone"><input type="hidden" name="csrf" value="{{ csrf }}">
<fieldset><legend>{{ t.invoice }}</legend>{% for line in lines %}
<div><input type="checkbox" name="invoice" value="{{ line.number }}" id="pp-{{ loop.index }}"> <label for="pp-{{ loop.index }}">{{ line.number }}</label></div>{% endfor %}</fieldset>
<label for="pp-until">{{ t.postpone_until }}</label><input type="date" id="pp-until" name="until" min="{{ tomorrow }}" max="{{ latest }}" required>
<label for="pp-reason">{{ t.reason }}</label><textarea id="pp-reason" name="reason" rows="3" maxlength="1000"></textarea>
<p><button type="submit" class="secondary">{{ t.postpone_send }}</button></p></form></section>
<section aria-labelledby="dp-h"><h2 id="dp-h">{{ t.dispute }}</h2>
<form method="post" action="/api/portal/dispute"><input type="hidden" name="csrf" value="{{ csrf }}">
<label for="dp-inv">{{ t.invoice }}</label><select id="dp-inv" name="invoice">{% for line in lines %}<option>{{ line.number }}</option>{% endfor %}</select>
<label for="dp-reason">{{ t.dispute_reason }}</label><textarea id="dp-reason" name="reason" rows="3" maxlength="1000" required></textarea>
<p><button type="submit" class="secondary">{{ t.dispute_send }}</button></p></form></section>
{% endif %}
<section aria-labelledby="ms-h"><h2 id="ms-h">{{ t.message.format(client=client.name) }}</h2>
<form method="post" action="/api/portal/message"><input type="hidden" name="csrf" value="{{ csrf }}">
<label for="ms-text">{{ t.message_text }}</label><textarea id="ms-text" name="text" rows="4" maxlength="4000" required></textarea>
<p><button type="submit" class="secondary">{{ t.message_send }}</button></p></form>
{% if client.contact_email or client.contact_phone %}<h3>{{ t.contact }}</h3><p>{% if client.contact_email %}<a href="mailto:{{ client.contact_email }}">{{ client.contact_email }}</a><br>{% endif %}{% if client.contact_phone %}<a href="tel:{{ client.contact_phone }}">{{ client.contact_phone }}</a>{% endif %}</p>{% endif %}
</section>
{% endblock %}"""

MESSAGE = """{% extends "base" %}{% block main %}<h1>{{ heading }}</h1><p class="notice" role="status">{{ text }}</p>
{% if back %}<p><a href="/api/portal">{{ t.back }}</a></p>{% endif %}{% endblock %}"""

_env = Environment(
    loader=DictLoader({"base": BASE, "overview": OVERVIEW, "message": MESSAGE}),
    autoescape=select_autoescape(default=True, default_for_string=True),
)

PORTAL_FORM_FIELDS = 1_000  # a debtor may tick every invoice; more is not a form of ours


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
            lang_switch=f"/api/portal?lang={other}" if client is not None else None, **context,
        )  # fmt: skip
        return ApiResponse(
            status=status, headers=self._headers(nonce), raw=body.encode(), content_type="text/html"
        )

    def _denied(self, lang: str, throttled: bool = False) -> ApiResponse:
        t = TEXT[lang]
        return self._page("message", 429 if throttled else 403, lang, heading=t["denied_title"],
                          text=t["throttled"] if throttled else t["denied"], back=False)  # fmt: skip

    @staticmethod
    def _cookies(req: ApiRequest) -> dict[str, str]:
        return cookies(req)

    @staticmethod
    def _source(req: ApiRequest) -> str:
        return source_address(req)

    def _lang(self, req: ApiRequest, debtor_lang: str = "nl") -> str:
        chosen = req.query.get("lang") or self._cookies(req).get(LANG_COOKIE) or debtor_lang
        return chosen if chosen in TEXT else "nl"

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
        except (TokenError, NotFound):  # NotFound: the debtor is gone, the link with it
            return self._denied(self._lang(req))
        except Exception as exc:
            if not is_outage(exc):
                raise
            lang = self._lang(req)
            page = self._page(
                "message", 503, lang, heading="503", text=UNAVAILABLE_TEXT[lang], back=True
            )
            return storage_down(req, page)
        return self._page(
            "message", 404, self._lang(req), heading="404", text="Not found", back=False
        )

    def _enter(self, req: ApiRequest, token: str, pay: bool) -> ApiResponse:
        access = self.portal.enter(token, self._source(req))
        cookie = self._session_cookie(token)
        checkout = (
            self.portal.pay_everything(access, self.services.settings.public_base_url)
            if pay
            else None
        )
        return self._redirect(checkout or "/api/portal", cookie)

    def _session(self, req: ApiRequest, rest: list[str]) -> ApiResponse:
        token = self._cookies(req).get(COOKIE, "")
        access = self.portal.enter(token, self._source(req))
        if rest[:1] == ["plan"]:  # the debtor's own payment plan: shared/api/portal_plans.py
            from shared.api.portal_plans import PortalPlanPages

            return PortalPlanPages(self).handle(req, access, token, rest[1:])
        if req.method == "POST":
            # bounded: the portal is open to anyone with a link (a field per invoice: 1,000)
            form = read_form(req, max_fields=PORTAL_FORM_FIELDS)
            if not csrf_ok(self.keys, token, (form.get("csrf") or [""])[0]):
                return self._page(
                    "message", 403, self._lang(req), heading="403", text="CSRF", back=True
                )
            return self._post(req, access, rest, form)
        if rest[:1] == ["invoice"] and len(rest) == 2:
            try:
                pdf = self.portal.invoice_pdf(access, rest[1])
            except NotFound:
                return self._page(
                    "message", 404, self._lang(req), heading="404", text="Not found", back=True
                )
            headers = {
                **self._headers("-"),
                "Content-Disposition": f'inline; filename="{re.sub(r"[^A-Za-z0-9._-]", "_", rest[1])}.pdf"',
            }
            return ApiResponse(headers=headers, raw=pdf, content_type="application/pdf")
        if rest[:1] == ["return"] and len(rest) == 2:
            return self._status(req, access, rest[1])
        if rest:
            return self._page(
                "message", 404, self._lang(req), heading="404", text="Not found", back=True
            )
        return self._overview(req, access)

    def _overview(
        self,
        req: ApiRequest,
        access: PortalAccess,
        notice: str = "",
        error: bool = False,
        status: int = 200,
    ) -> ApiResponse:
        view = self.portal.overview(access)
        lang = self._lang(req, view.debtor.language.value)
        money = format_eur_nl if lang == "nl" else format_eur_en
        today = amsterdam_date(self.services.clock.now())  # the debtor's date, not UTC's

        def line(i: Invoice) -> dict[str, str]:
            claim = view.claims.get(i.number)
            open_ = claim.open if claim else Amounts(principal=i.open_amount)
            return {"number": i.number, "due": i.due_date.strftime("%d-%m-%Y") if lang == "nl" else i.due_date.isoformat(),
                    "principal": money(open_.principal), "costs": money(open_.costs + open_.costs_vat),
                    "interest": money(open_.interest), "amount": money(open_.total)}  # fmt: skip

        lines = [line(i) for i in view.invoices]
        costs = sum(c.open.costs + c.open.costs_vat for c in view.claims.values())
        interest = sum(c.open.interest for c in view.claims.values())
        done = req.query.get("done", "")
        if not notice and f"done_{done}" in TEXT[lang]:
            notice = TEXT[lang][f"done_{done}"]
        response = self._page(
            "overview", status, lang, view.client, title=TEXT[lang]["title"], debtor=view.debtor,
            lines=lines, pdfs=view.pdfs, disputed=", ".join(view.disputed), costs=money(costs) if costs else "",
            interest=money(interest) if interest else "", total=money(view.total),
            iban=view.owed.client_iban, reference=view.owed.betalingskenmerk, qr=view.owed.qr_svg,
            csrf=csrf_token(self.keys, self._cookies(req).get(COOKIE, "")), notice=notice, error=error,
            tomorrow=(today + timedelta(days=1)).isoformat(), latest=(today + timedelta(days=MAX_POSTPONEMENT_DAYS)).isoformat(),
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
                return self._redirect(
                    self.portal.pay(
                        access, form.get("invoice", []), self.services.settings.public_base_url
                    )
                )
            if action == "postpone":
                try:
                    until = date.fromisoformat(one("until"))
                except ValueError:
                    raise Invalid("choose a date") from None
                granted = self.portal.postpone(
                    access, form.get("invoice", []), until, one("reason")
                )
                return self._redirect(f"/api/portal?done={'postponed' if granted else 'requested'}")
            if action == "dispute":
                self.portal.dispute(access, one("invoice"), one("reason"))
                return self._redirect("/api/portal?done=disputed")
            if action == "message":
                self.portal.message(access, one("text"))
                return self._redirect("/api/portal?done=message")
        except (Invalid, NotFound) as exc:
            lang = self._lang(req)
            return self._overview(
                req,
                access,
                TEXT[lang]["error"].format(reason=reason(lang, str(exc))),
                error=True,
                status=400,
            )
        return self._page(
            "message", 404, self._lang(req), heading="404", text="Not found", back=True
        )

    def _status(self, req: ApiRequest, access: PortalAccess, back: str) -> ApiResponse:
        client, debtor = self.portal.parties(access)
        lang = self._lang(req, debtor.language.value)
        t = TEXT[lang]
        try:
            status = self.portal.payment_status(access, client, back)
        except NotFound:
            return self._page(
                "message", 404, lang, client, heading="404", text="Not found", back=True
            )
        text = {"paid": t["status_paid"], "open": t["status_open"], "pending": t["status_open"],
                "authorized": t["status_open"]}.get(status, t["status_failed"])  # fmt: skip
        return self._page("message", 200, lang, client, title=t["status_title"], heading=t["status_title"],
                          text=text, back=True, refresh=5 if status in ("open", "pending", "authorized") else None,
                          payment_status=status)  # fmt: skip
