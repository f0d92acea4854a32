"""newcomer15b #5: the portal's language switch on the plan page and its schedule keeps the
page (its choice in the query), where it sent the debtor back to the overview and his
schedule was lost."""

from __future__ import annotations

import html
import re

from tests.unit.plans.test_portal_plans import enter
from tests.unit.plans.test_portal_plans import portal as portal


def _switch(page: str) -> str:
    hrefs = [html.unescape(h) for h in re.findall(r'<footer>.*?<a href="([^"]+)"', page, re.S)]
    assert hrefs, page[-800:]
    return hrefs[0]


def test_the_switch_keeps_the_plan_page_and_its_schedule(portal) -> None:  # type: ignore[no-untyped-def]
    world, app = portal
    browser = enter(world, app)
    assert _switch(browser.page("/portal/plan", lang="nl")) == "/api/portal/plan?lang=en"
    preview = browser.page(
        "/portal/plan/preview", by="amount", amount="50", method="transfer", lang="nl"
    )
    switch = _switch(preview)
    assert switch == "/api/portal/plan/preview?by=amount&amount=50&method=transfer&lang=en", switch
    # the link works: the same schedule in English
    path, _, query = switch.removeprefix("/api").partition("?")
    english = browser.page(path, **dict(p.split("=", 1) for p in query.split("&")))
    assert "lang=nl" in _switch(english) and "50.00" in english
    assert _switch(browser.page("/portal/", lang="nl")) == "/api/portal?lang=en"  # as before
