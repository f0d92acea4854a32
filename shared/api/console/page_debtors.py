"""Debtors: the client's debtors a page at a time, found by name or number (the search index of
:mod:`shared.services.console_search`), each linking to its dossier."""

from __future__ import annotations

from shared.api.console import code_text  # noqa: F401 - the |word filter
from shared.api.console.lists import searched  # and the list macros
from shared.api.console.shell import PAGE_SIZE, Desk, page, templates, words
from shared.api.http import ApiResponse
from shared.domain.people.authorisation import Action
from shared.domain.search.keys import DebtorBy
from shared.services.errors import NotFound

DEBTORS = """{% extends "shell" %}{% from "list-macros" import search, pager %}{% block main %}
{{ search(desk, t, choices, by, q, "deb", base) }}
{% if may_upload %}<p id="deb-new" class="muted">{{ t.deb_new_hint }} <a href="{{ desk.url('/upload') }}">{{ t.upload_nav }}</a></p>{% endif %}
<section aria-labelledby="deb-h"><h2 id="deb-h">{{ t.deb_list }}</h2>
{% if found.items %}<div class="scroll" role="region" tabindex="0" aria-label="{{ t.deb_list }}"><table><caption class="visually-hidden">{{ t.deb_list }}</caption>
<thead><tr><th scope="col">{{ t.deb_number }}</th><th scope="col">{{ t.deb_name }}</th><th scope="col">{{ t.deb_kind }}</th>
<th scope="col">{{ t.deb_segment }}</th><th scope="col">{{ t.deb_contact }}</th></tr></thead><tbody>
{% for d in found.items %}<tr><td><a href="{{ desk.url('/dossier/' + d.number|segment) }}">{{ d.number }}</a></td>
<td>{{ d.name }}</td><td>{{ t['deb_kind_' + d.kind.value] }}</td><td>{{ d.segment|word('segment') }}</td>
<td>{{ d.emails|join(', ') }}{% if d.mobile %}{% if d.emails %}, {% endif %}{{ d.mobile }}{% endif %}</td></tr>{% endfor %}
</tbody></table></div>{% else %}<p>{{ t.list_none }}</p>{% endif %}
{{ pager(desk, t, found, q, by, after) }}</section>{% endblock %}"""

templates(**{"debtors": DEBTORS})

words(
    nl={"deb_nav": "Debiteuren", "deb_title": "Debiteuren", "deb_list": "Debiteuren van deze opdrachtgever",
        "deb_number": "Nummer", "deb_name": "Naam", "deb_kind": "Soort", "deb_segment": "Groep",
        "deb_contact": "Contact", "deb_kind_b2b": "Zakelijk", "deb_kind_b2c": "Consument",
        "deb_by_name": "Naam", "deb_by_number": "Debiteurnummer",
        "deb_new_hint": "Een nieuwe debiteur maakt u aan met zijn eerste factuur: lees die in met de kolommen Naam en Soort (en e-mail en adres) en het inlezen maakt de debiteur aan."},
    en={"deb_nav": "Debtors", "deb_title": "Debtors", "deb_list": "This client's debtors",
        "deb_number": "Number", "deb_name": "Name", "deb_kind": "Kind", "deb_segment": "Segment",
        "deb_contact": "Contact", "deb_kind_b2b": "Business", "deb_kind_b2c": "Consumer",
        "deb_by_name": "Name", "deb_by_number": "Debtor number",
        "deb_new_hint": "A new debtor is created with its first invoice: upload it with the columns Naam (name) and Soort (kind), and e-mail and address, and the upload creates the debtor."},
)  # fmt: skip

CHOICES = [(DebtorBy.NAME.value, "deb_by_name"), (DebtorBy.NUMBER.value, "deb_by_number")]


@page("debtors", nav="deb_nav", order=40)
def debtors(desk: Desk, rest: list[str]) -> ApiResponse:
    if rest or desk.req.method == "POST":
        raise NotFound("no such debtors page")
    client_id, search = desk.client.client_id, desk.services.console_search
    asked = searched(desk, DebtorBy, DebtorBy.NAME, lambda q, by, token: search.debtors(
        client_id, q, by, page_size=PAGE_SIZE, token=token))  # fmt: skip
    return desk.render("debtors", "deb_title", found=asked.found, q=asked.q, by=asked.by,
                       after=asked.after, choices=CHOICES,
                       may_upload=desk.may(Action.WRITE))  # fmt: skip
