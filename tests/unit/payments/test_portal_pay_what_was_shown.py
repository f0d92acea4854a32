"""newcomer16 #3: the overview's "Betaal € 300,30" (pay everything shown) started a Mollie
payment of € 1.201,19 when an invoice of € 900,00 was imported after the page was shown: the
button took everything open at the click. It now pays the invoices its page showed at the
amount on it, and a page older than a change is refused and shown again."""

from __future__ import annotations

import re
from datetime import timedelta

from shared.domain.money import format_eur_nl
from tests.unit.api.conftest import invoice_row
from tests.unit.payments.conftest import claim_total
from tests.unit.payments.test_portal import enter
from tests.unit.payments.test_portal import portal as portal


def _pay_form(page: str) -> dict[str, object]:
    """What the main pay button posts, read off the page as a browser sends it."""
    form = re.search(r'<form method="post" action="/api/portal/pay">(.*?)</form>', page, re.S)
    assert form is not None
    html = form.group(1)
    total = re.search(r'name="shown_total" value="([^"]*)"', html)
    return {
        "csrf": re.findall(r'name="csrf" value="([^"]*)"', html)[0],
        "invoice": re.findall(r'name="invoice" value="([^"]*)"[^>]*checked', html),
        "shown": re.findall(r'name="shown" value="([^"]*)"', html),
        "shown_total": total.group(1) if total else "",
        "all": "yes",
    }


def _payments(world) -> int:  # type: ignore[no-untyped-def]
    """How many payments the Mollie stand-in was asked for."""
    from shared.services.online_payments import SIMULATED

    return len(list(world.services.repos.store.query(SIMULATED, pk="sim").rows))


def test_an_invoice_imported_after_the_page_is_not_in_the_payment(portal):  # type: ignore[no-untyped-def]
    world, _, app = portal
    browser = enter(world, app)
    page = browser.page()
    shown = claim_total(world, "F1") + claim_total(world, "F2")
    assert f"Betaal {format_eur_nl(shown)}" in page
    form = _pay_form(page)
    world.agency_a.call("POST", "/v1/clients/C1/invoices",
                        {"items": [invoice_row("F3", "D1", amount="900.00")]})  # fmt: skip
    response = browser.go("POST", "/portal/pay", form)
    assert response.status == 303
    payment = world.services.online_payments.simulation.get_payment(
        response.headers["Location"].rsplit("/", 1)[1]
    )
    assert payment.amount == shown  # the button's amount, not 900.00 more
    assert "F3" not in payment.description
    # the page now shows F3, and its button says so
    again = browser.page()
    assert f"Betaal {format_eur_nl(shown + claim_total(world, 'F3'))}" in again


def test_a_page_older_than_a_change_is_shown_again_not_paid(portal):  # type: ignore[no-untyped-def]
    world, _, app = portal
    browser = enter(world, app)
    form = _pay_form(browser.page())
    before = _payments(world)
    # F2 withdrawn by the client meanwhile: no longer asked, so the page is old
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices/F2/withdraw",
                               {"reason": "vergissing"}).status == 200  # fmt: skip
    refused = browser.go("POST", "/portal/pay", form)
    text = refused.encoded().decode()
    assert refused.status == 400
    assert "wat er openstaat is veranderd sinds u de pagina opende" in text
    assert f"Betaal {format_eur_nl(claim_total(world, 'F1'))}" in text  # the page as it is now
    assert _payments(world) == before
    # the same invoices a day on, their interest grown: the amount on the button is old
    browser = enter(world, app)
    form = _pay_form(browser.page())
    world.clock.at += timedelta(days=30)
    older = browser.go("POST", "/portal/pay", form)
    assert older.status == 400 and "sinds u de pagina opende" in older.encoded().decode()
    assert _payments(world) == before
    # a form without the page's picture (a page from before it, a hand-made post) is shown again
    bare = {k: v for k, v in form.items() if k not in ("shown", "shown_total")}
    hand_made = browser.go("POST", "/portal/pay", bare)
    assert hand_made.status == 400 and "sinds u de pagina opende" in hand_made.encoded().decode()
    assert _payments(world) == before
