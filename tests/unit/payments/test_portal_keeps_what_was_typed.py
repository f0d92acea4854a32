"""debtor24 D4 and D5: a refused portal form comes back as the debtor filled it in, and a date
written as a Dutch debtor writes it is read.

Before: a postponement asked without ticking an invoice ("kies minstens één factuur") showed
the overview with the reason, the date and the ticks gone; a dispute's reason, a message's
text the same; and "15-12-2026" typed where the browser shows the date field as text (no date
picker) was refused "kies een datum"."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from shared.api.portal_app import typed_date
from shared.clock import amsterdam_date
from tests.unit.payments.conftest import shop  # noqa: F401
from tests.unit.payments.test_portal import enter, portal  # noqa: F401

REASON = "Ik lig tot half januari in het ziekenhuis & kan niet eerder betalen"


def _textarea(page: str, field_id: str) -> str:
    found = re.search(rf'<textarea id="{field_id}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found is not None
    return html.unescape(found.group(1))


def test_a_refused_postponement_keeps_the_reason_the_date_and_the_ticks(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    until = (amsterdam_date(world.clock.now()) + timedelta(days=10)).isoformat()
    refused = browser.post("/portal/postpone", until=until, reason=REASON)  # no invoice ticked
    page = refused.raw.decode()
    assert refused.status == 400 and "kies minstens één factuur" in page
    assert _textarea(page, "pp-reason") == REASON  # was "", and no full stop of ours added
    assert 'id="pp-until" name="until" min="' in page and f'value="{until}" required' in page
    # a reason too long: the date and the one invoice ticked are there again
    long = browser.post("/portal/postpone", invoice=["F2"], until=until, reason="A" * 1001)
    page = long.raw.decode()
    assert long.status == 400
    assert re.search(r'value="F2" id="pp-\d+" checked>', page)
    assert not re.search(r'value="F1" id="pp-\d+" checked>', page)


def test_a_refused_dispute_and_message_keep_their_text(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    refused = browser.post("/portal/dispute", invoice="F-NONE", reason=REASON)
    page = refused.raw.decode()
    assert refused.status == 400
    assert _textarea(page, "dp-reason") == REASON
    chosen = browser.post("/portal/dispute", invoice="F2", reason="   ")
    assert "<option selected>F2</option>" in chosen.raw.decode()
    # the day's messages used up: the last one typed is still there to copy or send tomorrow
    for _ in range(20):
        sent = browser.post("/portal/message", text="Bel mij terug")
        if sent.status == 400:
            break
    assert sent.status == 400
    assert _textarea(sent.raw.decode(), "ms-text") == "Bel mij terug"


def test_a_date_written_day_first_is_read(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    day = amsterdam_date(world.clock.now()) + timedelta(days=10)
    asked = browser.post("/portal/postpone", invoice=["F2"], until=day.strftime("%d-%m-%Y"))
    assert asked.status == 303, asked.raw.decode()  # was 400 "kies een datum"
    assert typed_date("5/1/2027") == typed_date("05.01.2027") == typed_date("2027-01-05")
    assert typed_date("31-02-2027") is None and typed_date("morgen") is None


def test_the_language_switch_is_read_out_in_its_own_language(portal):  # noqa: F811
    """debtor24 D7: "English" on a Dutch page, "Nederlands" on an English one, carried no lang:
    a Dutch screen reader spoke "English" as a Dutch word (WCAG 3.1.2)."""
    world, _, app = portal
    browser = enter(world, app)
    assert '<a href="/api/portal?lang=en" lang="en" hreflang="en">English</a>' in browser.page()
    english = browser.page(lang="en")
    assert 'lang="nl" hreflang="nl">Nederlands</a>' in english
