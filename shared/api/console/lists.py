"""What the console's searchable lists share (debtors, invoices): the search form and the pager
of a key range, which follows the storage's continuation token forward (``after``) and goes
back to the first page (a token cannot be walked backwards; the first page is one link away)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar
from urllib.parse import quote

from shared.api.console.shell import ENV, Desk, templates, words
from shared.ports.tables import StorageError
from shared.services.console_search import Found

T = TypeVar("T")
K = TypeVar("K", bound=StrEnum)

# a number as one path segment (a debtor "K/12" links to /dossier/K%2F12)
ENV.filters["segment"] = lambda value: quote(str(value), safe="")

LIST_MACROS = """{% macro search(desk, t, choices, by, q, prefix, base) %}
<form method="get" action="{{ base }}{{ desk.path }}" class="card" role="search">
{% if desk.choices|length > 1 %}<input type="hidden" name="client" value="{{ desk.client_id }}">{% endif %}
{% if 'lang' in desk.req.query %}<input type="hidden" name="lang" value="{{ desk.lang }}">{% endif %}
<div class="inline"><div><label for="{{ prefix }}-q">{{ t.list_search }}</label>
<input id="{{ prefix }}-q" name="q" value="{{ q }}" type="search" autocomplete="off"></div>
<div><label for="{{ prefix }}-by">{{ t.list_by }}</label><select id="{{ prefix }}-by" name="by">
{% for value, key in choices %}<option value="{{ value }}"{% if value == by %} selected{% endif %}>{{ t[key] }}</option>{% endfor %}
</select></div><button type="submit">{{ t.list_find }}</button></div></form>
{% endmacro %}
{% macro pager(desk, t, found, q, by, after) %}{% if found.next or after %}<nav class="pager" aria-label="{{ t.pages }}">
{% if after %}<a href="{{ desk.url(desk.path, q=q, by=by) }}">{{ t.list_first }}</a>{% else %}<span></span>{% endif %}
{% if found.next %}<a href="{{ desk.url(desk.path, q=q, by=by, after=found.next) }}">{{ t.next }}</a>{% else %}<span></span>{% endif %}
</nav>{% endif %}{% endmacro %}"""

templates(**{"list-macros": LIST_MACROS})

words(
    nl={"list_search": "Zoeken", "list_by": "Zoeken op", "list_find": "Zoek",
        "list_first": "Eerste pagina", "list_none": "Niets gevonden."},
    en={"list_search": "Search", "list_by": "Search by", "list_find": "Find",
        "list_first": "First page", "list_none": "Nothing found."},
)  # fmt: skip


@dataclass(frozen=True)
class Searched(Generic[T]):
    """What a list page was asked for and found: the typed words, the field searched, the
    token the page was opened with (None: the first page) and the page found."""

    q: str
    by: str
    after: str | None
    found: Found[T]


def searched(
    desk: Desk, kinds: type[K], default: K, find: Callable[[str, K, str | None], Found[T]]
) -> Searched[T]:
    """Read the search form (``q``, ``by``, ``after``) and find the page; a token from an old
    or edited link starts again from the first page instead of failing."""
    q = desk.query("q")[:100]
    try:
        by = kinds(desk.query("by", default.value))
    except ValueError:
        by = default
    after = desk.query("after") or None
    try:
        found = find(q, by, after)
    except StorageError:
        after, found = None, find(q, by, None)
    return Searched(q, by.value, after, found)
