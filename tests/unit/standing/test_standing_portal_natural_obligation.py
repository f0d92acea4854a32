"""standing13 #1 in the portal: after a clean slate (art. 358 lid 1 Fw) or an akkoord (art.
160 Fw) the claims of the ruling are natural obligations (art. 6:3 BW): the page says they
are no longer claimed, in nl and en, and offers no payment for them; a claim that arose after
the ruling is asked as ever; a payment made anyway (a transfer) is booked on the claim.

The portal world: D1's F1 300.00 and F2 200.00 (invoiced 1-1-2025), no interest charged
(the client's rule), today 2-3-2026; WSNP since 1-3-2026, ended the same day."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import invoice_row
from tests.unit.payments.test_portal import Browser
from tests.unit.plans.test_portal_plans import portal  # noqa: F401

URL = "/v1/clients/C1/debtors/D1/standing"


def _enter(world, app) -> Browser:
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    browser = Browser(app)
    token = world.services.portal.links.token(client_id, "D1")
    assert browser.go("GET", f"/p/{token}").status == 303
    return browser


def _ended(world, reason: str) -> None:
    a = world.agency_a
    standing = "wsnp" if reason == "clean_slate" else "bankrupt"
    assert a.call("POST", URL, {"standing": standing, "since": "2026-03-01"}).status == 200
    assert a.call("POST", URL, {"standing": "normal", "reason": reason}).status == 200


@pytest.mark.parametrize("reason", ["clean_slate", "akkoord"])
def test_the_portal_says_a_natural_obligation_is_no_longer_claimed(portal, reason):  # noqa: F811
    world, app = portal
    _ended(world, reason)
    browser = _enter(world, app)
    dutch = browser.page(lang="nl")
    word = "de schone lei" if reason == "clean_slate" else "het akkoord"
    assert "Niet meer te vorderen" in dutch
    assert f"F1 (€ 300,00): na {word} kunnen wij dit bedrag niet meer van u vorderen" in dutch
    assert f"F2 (€ 200,00): na {word} kunnen wij dit bedrag niet meer van u vorderen" in dutch
    assert "Betaalt u het toch, dan is dat geen onverschuldigde betaling" in dutch
    assert 'action="/api/portal/pay"' not in dutch  # no pay button, no amount to transfer
    assert "U hoeft niets te betalen: wij vorderen niets meer van u." in dutch
    english = browser.page(lang="en")
    assert "No longer claimed" in english
    assert "F1 (EUR 300.00): after the" in english and "we can no longer claim" in english
    # nor is it paid through the portal by hand or by "pay everything"
    assert browser.post("/portal/pay", invoice=["F1"]).status == 400
    assert world.services.portal.payable(_access(world)) == []
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    token = world.services.portal.links.token(client_id, "D1")
    everything = Browser(app).go("GET", f"/p/{token}/pay")  # the letters' "pay now" link
    assert everything.status == 303 and everything.headers["Location"] == "/api/portal"


def _access(world):
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    token = world.services.portal.links.token(client_id, "D1")
    return world.services.portal.links.check(token)


def test_a_claim_after_the_ruling_is_asked_beside_it(portal):  # noqa: F811
    world, app = portal
    a = world.agency_a
    row = invoice_row("F3", "D1", amount="80.00", invoice_date="2026-03-02", due_date="2026-03-02")
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status == 200
    _ended(world, "clean_slate")
    page = _enter(world, app).page(lang="en")
    assert 'action="/api/portal/pay"' in page and 'name="invoice" value="F3"' in page
    assert 'name="invoice" value="F1"' not in page and 'name="invoice" value="F2"' not in page
    assert world.services.portal.payable(_access(world)) == ["F3"]


def test_a_transfer_made_anyway_is_booked_on_the_natural_obligation(portal):  # noqa: F811
    """100.00 by transfer for F1 on 2-3: booked, 200.00 of it left (6:3 lid 2, 6:5 BW)."""
    world, app = portal
    _ended(world, "clean_slate")
    client = world.services.access.client_for(
        world.services.access.authenticate(world.agency_a.key), "C1"
    )
    world.services.payments.book(client, payment_id="p1", amount=10_000,
                                 received_on=date(2026, 3, 2), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    assert "F1 (EUR 200.00): after the clean slate" in _enter(world, app).page(lang="en")
