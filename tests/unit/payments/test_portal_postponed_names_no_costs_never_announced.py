"""texts26: the portal's own postponement said "Hebt u op die datum niet betaald, dan gaat de
incasso verder, met de incassokosten die wij u eerder hebben aangekondigd" to every debtor,
also to one who was never announced any costs (no 14-day letter, no costs on his claims): he
read of costs nobody had told him of. Now that clause is said only where costs were announced
(a 14-day term running, or costs on an invoice); a debtor without says that collection goes on."""

from __future__ import annotations

from datetime import timedelta

from shared.clock import amsterdam_date
from tests.unit.payments.conftest import shop  # noqa: F401
from tests.unit.payments.test_portal import enter, portal  # noqa: F401


def _postponed(world, app, invoice: str):  # type: ignore[no-untyped-def]
    """D1 granted 10 days on ``invoice`` in the portal; the page he is sent back to."""
    browser = enter(world, app)
    today = amsterdam_date(world.clock.now())
    until = (today + timedelta(days=10)).isoformat()
    granted = browser.post("/portal/postpone", invoice=[invoice], until=until, reason="salaris")
    assert granted.headers["Location"].endswith("done=postponed")
    return browser, browser.page("/portal/", done="postponed")


def test_a_postponement_without_announced_costs_names_none(portal):  # type: ignore[no-untyped-def]  # noqa: F811
    world, _, app = portal
    browser, page = _postponed(world, app, "F1")
    assert "Incassokosten" not in page  # none charged, no 14-day term running
    assert "Uw uitstel is toegekend." in page
    assert "Hebt u op die datum niet betaald, dan gaat de incasso verder." in page
    assert "incassokosten die wij u eerder hebben aangekondigd" not in page  # was said
    english = browser.page("/portal/", done="postponed", lang="en")
    assert "If you have not paid by that date, collection continues." in english
    assert "collection costs we announced" not in english


def test_a_postponement_inside_a_14_day_term_still_names_the_announced_costs(portal):  # type: ignore[no-untyped-def]  # noqa: F811
    from tests.unit.api.conftest import invoice_row

    world, _, app = portal
    row = invoice_row("T1", "D1", amount="500.00", fourteen_day_letter_on="2025-03-15")
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status == 200
    _, page = _postponed(world, app, "T1")
    assert "dan gaat de incasso verder, met de incassokosten die wij u eerder hebben aangekondigd" in page  # fmt: skip
