"""A template's HTML is checked for links elsewhere (people27 F8) in its raw source and as
text; an ``href`` the browser reads differently from its source passed both: a character
reference in the scheme ("&#104;ttps://…"), a tab or line break the URL parser drops
("ht&#9;tps://…"), "&sol;&sol;host" or a backslash the browser reads as a slash
("\\\\host"). Each is what a client's staff key could put under "Betaal hier" to send the
debtor's money elsewhere with no account named (attack33). Attribute values are now read as
a browser opens them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.dunning.foreign_links import foreign_hosts, hosts_in
from tests.unit.dunning.test_fourteen_day_letter_sent_late import _world
from tests.unit.dunning.test_template_foreign_iban import _put, _staff_key

HIDDEN = [
    '<a href="&#104;ttps://tikkie.pro/pay/x">Betaal hier</a>',
    '<a href="&#x68;&#x74;&#x74;&#x70;&#x73;&#x3a;&#x2f;&#x2f;pay.evil.pro">Betaal hier</a>',
    '<a href="ht&#9;tps://tikkie.me/pay/x">Betaal hier</a>',
    '<a href="ht\ntps://pay.evil.io/x">Betaal hier</a>',
    "<a href='ht\ttps://pay.evil.pro'>Betaal hier</a>",
    "<a href=&#104;ttps://pay.evil.io/x>Betaal hier</a>",
    '<a href="\\\\pay.evil.pro">Betaal hier</a>',
    '<a href="/\\pay.evil.pro">Betaal hier</a>',
    '<a href="&sol;&sol;pay.evil.pro">Betaal hier</a>',
    '<a href="&#47;/pay.evil.pro/x">Betaal hier</a>',
    '<meta http-equiv="refresh" content="0;url=&#104;ttps://pay.evil.pro">',
]


@pytest.mark.parametrize("html", HIDDEN)
def test_a_link_hidden_in_an_attribute_is_found(html: str) -> None:
    assert foreign_hosts([html], ["bakkerij.nl"]) != [], html


def test_own_links_and_the_qr_codes_namespace_stay_own() -> None:
    own = (
        '<a href="https://www.bakkerij.nl/voorwaarden?a=1&amp;b=2">Voorwaarden</a>'
        '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1"/></svg>'
        '<img src="https://inning.example/api/brand/logo.png" alt="Bakkerij &amp; Zn">'
        '<p title="Tom &amp; Jerry">Zie bijlage</p>'
    )
    assert (
        foreign_hosts([own], ["bakkerij.nl"], ["https://inning.example/api/brand/logo.png"]) == []
    )
    assert hosts_in(['<p class="x">Betaal {{ total }} &amp; dank</p>']) == []


def test_a_template_hiding_a_link_in_its_html_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    _world(world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01")
    staff = _staff_key(world)
    for html in HIDDEN:
        put = _put(staff, "Betaal {{ total|money }}.", html=html)
        assert put.status == 422, (html, put.body)
        [detail] = put.body["error"]["details"]
        assert detail["code"] == "tpl_foreign_link", detail
