"""wki27 (debtorplan26 put them into the rejected notice only): the portal's dispute section
said how to dispute an invoice and nothing of what the debtor can do if the client rejects
it. Now it names his routes, in his language: go on disputing, the client's complaint
procedure (or, not recorded, a complaint to the client), the client's geschillencommissie by
name (not recorded: "if it is affiliated"; none: nothing), the kantonrechter up to EUR 25,000
without a lawyer, and that a disputed claim is enforced only through the court. A debtor whose
every invoice is disputed still sees them."""

from __future__ import annotations

import html

from tests.unit.dunning.test_daily_run import engine  # noqa: F401
from tests.unit.payments.conftest import shop  # noqa: F401
from tests.unit.payments.test_portal import enter, portal  # noqa: F401


def _routes(page: str) -> str:
    text = html.unescape(page)
    start = (
        text.index("bezwaar af?") if "bezwaar af?" in text else text.index("reject your dispute?")
    )
    return text[start : text.index("</ul>", start)]


def test_the_dispute_section_names_the_routes_in_dutch(portal):  # noqa: F811
    world, _, app = portal
    routes = _routes(enter(world, app).page())
    assert "U mag de factuur blijven betwisten" in routes
    assert "U kunt een klacht indienen bij Client C1." in routes
    assert "Is Client C1 aangesloten bij een geschillencommissie" in routes
    assert "kantonrechter, waar u geen advocaat nodig hebt" in routes
    assert "kan Client C1 betaling alleen via de rechter afdwingen" in routes


def test_and_in_english_with_the_clients_procedure_and_committee(portal):  # noqa: F811
    world, _, app = portal
    world.agency_a.call("POST", "/v1/clients", {"items": [{
        "number": "C1", "complaint_procedure": "https://c1.example/complaints",
        "disputes_committee": "De Geschillencommissie Thuiswinkel"}]})  # fmt: skip
    page = enter(world, app).page(lang="en")
    assert '<a href="https://c1.example/complaints" rel="noopener">' in page
    routes = _routes(page)
    assert "You can file a complaint under the complaint procedure of Client C1:" in routes
    assert "Client C1 is affiliated with De Geschillencommissie Thuiswinkel" in routes
    assert "If Client C1 is affiliated" not in routes
    assert "subdistrict court (kantonrechter), where you need no lawyer" in routes


def test_a_client_with_no_committee_names_none_and_a_text_is_no_link(portal):  # noqa: F811
    world, _, app = portal
    world.agency_a.call("POST", "/v1/clients", {"items": [{
        "number": "C1", "complaint_procedure": "javascript:alert(1)", "disputes_committee": ""}]})  # fmt: skip
    page = enter(world, app).page()
    routes = _routes(page)
    assert "geschillencommissie" not in routes
    assert "klachtenregeling van Client C1: javascript:alert(1)" in routes
    assert 'href="javascript' not in page


def test_a_debtor_with_every_invoice_disputed_still_sees_them(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    for number in ("F1", "F2"):
        assert (
            browser.post("/portal/dispute", invoice=number, reason="nooit geleverd").status == 303
        )
    assert "U mag de factuur blijven betwisten" in _routes(browser.page())
