"""The signed-in console: what every page of the day's work shares.

A page is a function ``(desk, rest) -> ApiResponse`` registered with :func:`page` under the
first segment of its path (``/api/console/<name>/<rest...>``). The shell signs the person in
(a full session, else to the login page), checks the CSRF token of every POST, decides the
client the page works on (a client's people: their own; an agency's: ``?client=`` among the
agency's clients), and refuses by default: a GET needs ``Action.READ`` on that client, a POST
``Action.WRITE`` unless the page asks for more (``post_action``). Pages read and write through
the same services as the API and keep no logic of their own.

Templates and words are registered by the page modules (:func:`templates`, :func:`words`) into
the one Jinja environment and the one ``TEXT`` table, so every page shares the layout, the
navigation and the language switch. No script: the CSP of :mod:`shared.api.pages` forbids it,
and every page works with forms and links alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import DictLoader, Environment, select_autoescape

from shared.api.console.clock_text import local_time
from shared.api.console.text import TEXT
from shared.api.http import ApiRequest, ApiResponse, attachment
from shared.api.pages import html, new_nonce, redirect, security_headers
from shared.domain.access import Scope
from shared.domain.money import format_eur_en, format_eur_nl
from shared.domain.parties import Client
from shared.domain.people.authorisation import Action, Target, UserPrincipal, may
from shared.services.container import Services
from shared.services.people.signin import Signed

BASE = "/api/console"
PAGE_SIZE = 50


class Forbidden(Exception):
    """The person's role or tenant does not reach what the page asked for (a 403 page)."""


# -- registry ------------------------------------------------------------------------------------
Handler = Callable[["Desk", list[str]], ApiResponse]


@dataclass(frozen=True)
class PageSpec:
    name: str  # the first path segment
    handler: Handler
    nav: str | None  # the TEXT key of its navigation label; None: not in the navigation
    order: int  # place in the navigation
    # what a POST needs, by the form's ``do`` field ("" for any other); WRITE when absent
    post_action: Mapping[str, Action] = field(default_factory=dict)
    get_action: Action = Action.READ
    agency_only: bool = False  # a page of the agency itself (no client chosen needed)


PAGES: dict[str, PageSpec] = {}


def page(
    name: str,
    *,
    nav: str | None = None,
    order: int = 100,
    post_action: Mapping[str, Action] | None = None,
    get_action: Action = Action.READ,
    agency_only: bool = False,
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if name in PAGES and PAGES[name].handler is not handler:
            raise ValueError(f"console page {name!r} registered twice")
        PAGES[name] = PageSpec(name, handler, nav, order, dict(post_action or {}), get_action,
                               agency_only)  # fmt: skip
        return handler

    return register


def navigation() -> list[PageSpec]:
    return sorted((p for p in PAGES.values() if p.nav), key=lambda p: (p.order, p.name))


# -- templates and words --------------------------------------------------------------------------
SHELL = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} - Inning</title>
<style nonce="{{ nonce }}">
*{box-sizing:border-box}body{margin:0;font:1rem/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f4f5f7}
a{color:#0b4f8a}:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.5rem;z-index:9}
header{background:#1f4e79;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;justify-content:space-between;align-items:center}
header a{color:#fff}header form{display:inline}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .9rem}
nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
main{max-width:76rem;margin:0 auto;padding:1rem}
section,.card{background:#fff;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr))}
.figure{font-size:1.6rem;font-weight:700;margin:.25rem 0}
label{display:block;margin:.5rem 0 .25rem;font-weight:600}
input,select,textarea{font:inherit;width:100%;padding:.45rem;border:1px solid #767676;border-radius:.3rem;min-height:44px;background:#fff}
input[type=checkbox],input[type=radio]{width:auto;min-height:auto;margin:.2rem}
textarea{min-height:8rem;font-family:ui-monospace,monospace}
.inline{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}.inline>*{flex:1 1 10rem}.inline button{flex:0 0 auto;max-width:100%}
button,.button{font:inherit;background:#1f4e79;color:#fff;border:0;border-radius:.4rem;padding:.5rem 1rem;min-height:44px;cursor:pointer;display:inline-block;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:#1f4e79;border:2px solid #1f4e79}
button.danger{background:#b00020}
.notice{border-left:.4rem solid #1f4e79;padding:.75rem;background:#fff;margin:0 0 1rem}
.error{border-left-color:#b00020}.warning{border-left-color:#a15c00}.critical{border-left-color:#b00020}
.red,.negative{color:#b00020;font-weight:600}.ok{color:#1b6e20;font-weight:600}.muted{color:#595959}
table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:.4rem .35rem;border-bottom:1px solid #ddd;font-size:.92rem;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tfoot th,tfoot td{font-weight:600;border-top:2px solid #1a1a1a}
td.num .muted{white-space:normal;font-size:.85rem}
h1,h2,dd{overflow-wrap:anywhere}.scroll{overflow-x:auto;position:relative;max-width:100%}.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.pager{display:flex;gap:1rem;justify-content:space-between;margin:.5rem 0}
.badge{display:inline-block;border-radius:1rem;padding:0 .6rem;font-size:.85rem;background:#e8eef5;color:#1a1a1a}
code,pre{font-family:ui-monospace,monospace;overflow-wrap:anywhere}pre{white-space:pre-wrap;background:#f4f5f7;padding:.5rem;border-radius:.3rem}
svg{max-width:100%;height:auto}
@media (max-width:40rem){th,td{font-size:.85rem}main{padding:.5rem}}
</style></head><body>
<a class="skip" href="#main">{{ t.skip }}</a>
<header><strong><a href="{{ desk.url('/today') if 'today' in pages else desk.url('/account') }}">Inning</a></strong>
<nav aria-label="{{ t.navigation }}"><ul>{% for p in navigation if (not p.agency_only or desk.agency_level) and (p.get_action.value == 'read' or desk.may(p.get_action)) %}<li><a href="{{ desk.url('/' + p.name) }}"{% if p.name == current %} aria-current="page"{% endif %}>{{ t[p.nav] }}</a></li>{% endfor %}
<li><a href="{{ base }}/account">{{ t.account }}</a></li></ul></nav>
<div>{% if desk.choices|length > 1 %}<form method="get" action="{{ base }}/{{ current }}"><label class="visually-hidden" for="client-pick">{{ t.client }}</label>
<select id="client-pick" name="client">{% for c in desk.choices %}<option value="{{ c.client_id }}"{% if c.client_id == desk.client_id %} selected{% endif %}>{{ c.name }}</option>{% endfor %}</select>
<button class="secondary" type="submit">{{ t.choose }}</button></form>{% endif %}
<a href="{{ desk.url(desk.path, lang=other) }}" lang="{{ other }}">{{ t.language }}</a>
<form method="post" action="{{ base }}/logout"><input type="hidden" name="csrf" value="{{ csrf }}"><button class="secondary" type="submit">{{ t.logout }}</button></form></div></header>
<main id="main"><h1>{{ title }}</h1>
{% if notice %}<p class="notice{% if error %} error{% endif %}" role="{{ 'alert' if error else 'status' }}">{{ notice }}</p>{% endif %}
{% block main %}{% endblock %}</main></body></html>"""

# a pager for server-side paging: ``{% from "pager" import pager %}{{ pager(desk, rows) }}``
PAGER = """{% macro pager(desk, rows) %}{% if rows.previous is not none or rows.next is not none %}<nav class="pager" aria-label="{{ desk.t.pages }}">
{% if rows.previous is not none %}<a href="{{ desk.url(desk.path, page=rows.previous) }}">{{ desk.t.previous }}</a>{% else %}<span></span>{% endif %}
<span>{{ desk.t.page_of.format(page=rows.number + 1) }}</span>
{% if rows.next is not none %}<a href="{{ desk.url(desk.path, page=rows.next) }}">{{ desk.t.next }}</a>{% else %}<span></span>{% endif %}</nav>{% endif %}{% endmacro %}"""

MESSAGE = """{% extends "shell" %}{% block main %}{% if link %}<p><a href="{{ link }}">{{ link_text }}</a></p>{% endif %}{% endblock %}"""

TEMPLATES: dict[str, str] = {"shell": SHELL, "pager": PAGER, "desk-message": MESSAGE}
ENV = Environment(
    loader=DictLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
# a number or id as one path segment (a debtor "K/12" or "D1?client=x" stays one segment)
ENV.filters["segment"] = lambda value: quote(str(value), safe="")

ENV.filters["local"] = local_time


def templates(**named: str) -> None:
    """Add a page module's templates (each ``{% extends "shell" %}``)."""
    for name, text in named.items():
        if name in TEMPLATES and TEMPLATES[name] != text:
            raise ValueError(f"console template {name!r} defined twice")
        TEMPLATES[name] = text


def words(nl: Mapping[str, str], en: Mapping[str, str]) -> None:
    """Add a page module's words; both languages must have the same keys."""
    if set(nl) != set(en):
        raise ValueError(f"console words differ between nl and en: {sorted(set(nl) ^ set(en))}")
    for lang, more in (("nl", nl), ("en", en)):
        for key, value in more.items():
            if TEXT[lang].get(key, value) != value:
                raise ValueError(f"console word {key!r} defined twice ({lang})")
        TEXT[lang].update(more)


words(
    nl={"skip": "Naar de inhoud", "navigation": "Hoofdmenu",
        "client": "Opdrachtgever", "choose": "Kies", "pages": "Pagina's", "previous": "Vorige",
        "next": "Volgende", "page_of": "Pagina {page}", "forbidden": "U hebt geen toegang tot deze pagina of actie.",
        "not_found": "Dit bestaat niet (meer), of is niet voor u zichtbaar.",
        "no_client": "Kies eerst een opdrachtgever.", "msg_400": "Ongeldig verzoek",
        "msg_403": "Geen toegang", "msg_404": "Pagina niet gevonden", "msg_failed": "Niet gelukt"},
    en={"skip": "Skip to content", "navigation": "Main menu",
        "client": "Client", "choose": "Choose", "pages": "Pages", "previous": "Previous",
        "next": "Next", "page_of": "Page {page}", "forbidden": "You have no access to this page or action.",
        "not_found": "This does not exist (any more), or is not yours to see.",
        "no_client": "Choose a client first.", "msg_400": "Invalid request",
        "msg_403": "No access", "msg_404": "Page not found", "msg_failed": "Not done"},
)  # fmt: skip


# -- paging --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rows:
    """One page of a list: ``items``, the page ``number`` (0-based), and the numbers of the
    previous and next pages (None at either end)."""

    items: list[Any]
    number: int
    previous: int | None
    next: int | None


def page_of(items: Iterable[Any], number: int, size: int = PAGE_SIZE) -> Rows:
    """Take page ``number`` from an iterator, reading one item past it to know whether there is
    a next page (so a lazy query stops early on the first pages)."""
    number = max(0, number)
    start = number * size
    taken: list[Any] = []
    iterator: Iterator[Any] = iter(items)
    for index, item in enumerate(iterator):
        if index < start:
            continue
        if len(taken) == size:
            return Rows(taken, number, number - 1 if number else None, number + 1)
        taken.append(item)
    return Rows(taken, number, number - 1 if number else None, None)


# -- the desk: one signed-in request ---------------------------------------------------------------
@dataclass
class Desk:
    """A signed-in person's request to a console page, with what every page needs."""

    services: Services
    req: ApiRequest
    signed: Signed
    lang: str
    current: str  # the page's name
    secure: bool
    form: dict[str, list[str]] = field(default_factory=dict)
    choices: list[Client] = field(default_factory=list)  # the clients this person may pick
    client_id: str | None = None  # the client the page works on

    # -- who ---------------------------------------------------------------------------------
    @property
    def principal(self) -> UserPrincipal:
        return self.signed.user.principal(self.signed.session.key)

    @property
    def agency_id(self) -> str:
        return self.signed.user.agency_id

    @property
    def agency_level(self) -> bool:
        return self.principal.scope is Scope.AGENCY

    @property
    def csrf(self) -> str:
        return self.signed.session.csrf

    @property
    def t(self) -> dict[str, str]:
        return TEXT[self.lang]

    @property
    def path(self) -> str:
        return "/" + "/".join(p for p in self.req.path.split("/") if p)

    @property
    def client(self) -> Client:
        """The chosen client (a page that needs one); Forbidden when there is none."""
        for c in self.choices:
            if c.client_id == self.client_id:
                return c
        raise Forbidden(self.t["no_client"])

    def money(self, cents: int) -> str:
        return format_eur_nl(cents) if self.lang == "nl" else format_eur_en(cents)

    def day(self, day: date | None) -> str:
        """A day as the page's language writes it (20-11-2026; 2026-11-20); empty: none."""
        if day is None:
            return ""
        return f"{day:%d-%m-%Y}" if self.lang == "nl" else day.isoformat()

    # -- authorisation -------------------------------------------------------------------------
    def may(self, action: Action, client_id: str | None = None) -> bool:
        """May this person do ``action`` on the client (the chosen one by default)?"""
        target = Target(self.agency_id, client_id if client_id is not None else self.client_id)
        return may(self.principal, action, target)

    def require(self, action: Action, client_id: str | None = None) -> None:
        if not self.may(action, client_id):
            raise Forbidden(self.t["forbidden"])

    def require_agency(self, action: Action) -> None:
        """For the agency's own pages (its clients, broadcasts): agency people only."""
        if not (self.agency_level and may(self.principal, action, Target(self.agency_id, None))):
            raise Forbidden(self.t["forbidden"])

    # -- forms ---------------------------------------------------------------------------------
    def field(self, name: str) -> str:
        return (self.form.get(name) or [""])[0].strip()

    def fields(self, name: str) -> list[str]:
        return [v for v in self.form.get(name, []) if v]

    def query(self, name: str, default: str = "") -> str:
        return self.req.query.get(name, default)

    def page_number(self) -> int:
        try:
            return max(0, int(self.query("page", "0")))
        except ValueError:
            return 0

    # -- answers -------------------------------------------------------------------------------
    def url(self, path: str, **params: object) -> str:
        """A console link that keeps the chosen client and an explicit language."""
        keep: dict[str, object] = {}
        if self.client_id and len(self.choices) > 1:
            keep["client"] = self.client_id
        if "lang" in self.req.query:
            keep["lang"] = self.lang
        keep.update({k: v for k, v in params.items() if v is not None and v != ""})
        target = path if path.startswith(BASE) else BASE + path
        return target + ("?" + urlencode(keep) if keep else "")

    def render(self, template: str, title: str, status: int = 200, *, notice: str = "",
               error: bool = False, **context: Any) -> ApiResponse:  # fmt: skip
        """A page in the shell; ``title`` is a TEXT key or, when absent, the words themselves."""
        nonce = new_nonce()
        if not notice and (done := self.query("done")) and f"done_{done}" in self.t:
            notice = self.t[f"done_{done}"]
        body = ENV.get_template(template).render(
            desk=self, t=self.t, lang=self.lang, other="en" if self.lang == "nl" else "nl",
            nonce=nonce, csrf=self.csrf, base=BASE, current=self.current, pages=PAGES,
            navigation=navigation(), title=self.t.get(title, title), notice=notice, error=error,
            **context,
        )  # fmt: skip
        return html(body, security_headers(nonce, secure=self.secure), status)

    def redirect(self, path: str, **params: object) -> ApiResponse:
        """After a POST: 303 to the page to show (``done=<key>`` shows TEXT["done_<key>"])."""
        return redirect(self.url(path, **params), security_headers(new_nonce(), secure=self.secure))

    def download(self, data: bytes, filename: str, content_type: str) -> ApiResponse:
        headers = security_headers(new_nonce(), secure=self.secure)
        headers["Content-Disposition"] = attachment(filename)
        return ApiResponse(status=200, headers=headers, raw=data, content_type=content_type)

    def message(self, status: int, text: str) -> ApiResponse:
        """``text`` as the notice under a short heading for its status: the sentence stood as
        the heading and again as the notice (newcomer33)."""
        heading = _MESSAGE_HEADINGS.get(status, "msg_failed")
        return self.render("desk-message", heading, status, notice=text, error=status >= 400)


# the heading over a desk message, by its status (any other: "not done")
_MESSAGE_HEADINGS = {400: "msg_400", 403: "msg_403", 404: "msg_404"}


def choose_client(
    services: Services, signed: Signed, asked: str | None
) -> tuple[list[Client], str | None]:
    """The clients this person may pick and the one the page works on. A client's people have
    their own client only (``asked`` is ignored: the key, not the request, decides); an
    agency's people pick among the agency's clients, the first by name when none is asked."""
    user = signed.user
    if user.client_id is not None:
        found = services.repos.clients.get(user.client_id)
        return ([found[0]] if found else []), user.client_id
    clients: list[Client] = []
    continuation: str | None = None
    while True:
        batch, continuation = services.repos.clients.list_for_agency(
            user.agency_id, continuation=continuation
        )
        clients.extend(batch)
        if not continuation:
            break
    clients.sort(key=lambda c: c.name.lower())
    ids = {c.client_id for c in clients}
    if asked and asked in ids:
        return clients, asked
    return clients, clients[0].client_id if clients else None
