"""debtor24 D4, the plan form: an amount per installment the offer refuses is shown again with
what is offered, and the form as the debtor filled it in.

Before: "Dat lukte niet: dit bedrag per termijn valt buiten wat wordt aangeboden", the form
below it back on "In een aantal termijnen" with the amount field empty, so a second "Bekijk
het schema" after typing a new amount showed a schedule by count."""

from __future__ import annotations

import re

from tests.unit.plans.test_portal_plan_refusals import _notice
from tests.unit.plans.test_portal_plans import enter, portal  # noqa: F401


def test_a_refused_amount_says_what_is_offered_and_keeps_the_choice(portal):  # noqa: F811
    world, app = portal
    browser = enter(world, app)
    offered = browser.go("GET", "/portal/plan")
    bounds = re.search(
        r"Bedrag per termijn \(van (€ [\d.,]+) tot (€ [\d.,]+)\)", offered.raw.decode()
    )
    assert bounds is not None
    got = browser.go("GET", "/portal/plan/preview",
                     query={"method": "transfer", "by": "amount", "amount": "1,00"})  # fmt: skip
    assert got.status == 400
    notice = _notice(got.raw)
    assert notice == (
        "Dat lukte niet: dit bedrag per termijn valt buiten wat wordt aangeboden: "
        f"kies van {bounds[1]} tot {bounds[2]}"
    )
    page = got.raw.decode()
    assert 'id="by-amount" checked>' in page and 'id="by-count" checked>' not in page
    assert 'name="amount" inputmode="decimal" autocomplete="off" value="1,00">' in page
    counted = browser.go("GET", "/portal/plan/preview",
                         query={"method": "transfer", "by": "count", "installments": "99"})  # fmt: skip
    assert 'id="by-count" checked>' in counted.raw.decode()


def test_an_english_page_says_what_is_offered_too():
    from shared.api.portal_plans import plan_reason

    said = "the amount is outside what is offered (EUR 28.60 to EUR 1410.08)"
    assert plan_reason("en", said) == said
    assert plan_reason("nl", said).endswith("kies van € 28,60 tot € 1.410,08")
