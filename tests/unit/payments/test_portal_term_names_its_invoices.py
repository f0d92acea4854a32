"""texts26: inside a 14-day term the portal said "Betaal uiterlijk 02-04-2025 € 504,93; dan
bent u geen incassokosten verschuldigd" above a total to pay of € 625,79 (F1 121,93 without a
letter beside T1 503,86 with one): the debtor could not tell what the € 504,93 was for. Now the
sentence names the invoices the term is for, in both languages."""

from __future__ import annotations

import html
import re

from tests.unit.api.conftest import invoice_row
from tests.unit.payments.conftest import shop  # noqa: F401
from tests.unit.payments.test_portal import enter, portal  # noqa: F401


def _term(page: str) -> str:
    found = re.search(r'<p class="notice" id="term">([^<]*)</p>', page)
    assert found is not None
    return html.unescape(found.group(1))


def test_the_term_sentence_names_the_invoices_it_is_for(portal):  # type: ignore[no-untyped-def]  # noqa: F811
    world, _, app = portal  # 20-03-2025; D1 owes F1 121.00 and F2 50.00 without a letter
    rows = [invoice_row(n, "D1", amount="500.00", fourteen_day_letter_on="2025-03-15")
            for n in ("T1", "T3")]  # fmt: skip
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status == 200
    browser = enter(world, app)
    said = _term(browser.page("/portal/"))
    assert said.startswith("Betaal uiterlijk 02-04-2025 € 1.009,86 voor de facturen T1 en T3; ")
    english = _term(browser.page("/portal/", lang="en"))
    assert english.startswith("Pay EUR 1,009.86 for invoices T1 and T3 by 2 April 2025 at the latest;")  # fmt: skip
