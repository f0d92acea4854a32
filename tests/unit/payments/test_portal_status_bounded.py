# ruff: noqa: F811
"""The portal's return page asked Mollie for the payment's status on every view (provfix32,
attack32's leftover): a link holder reloading it spent the client's Mollie rate limit. What
Mollie said is now kept on the return row: asked again only after ``STATUS_FRESH`` (5 s, the
page's own refresh), never again once final; the debtor sees "paid" one refresh later at most."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.plans.test_plan_mollie import mollie, world  # noqa: F401
from tests.unit.plans.test_portal_plan_pay_mollie import (  # noqa: F401
    checkout_id,
    click,
    enter,
    transfer_plan,
)


def test_the_return_page_asks_mollie_at_most_once_a_refresh(world, mollie, transfer_plan):
    browser = enter(world)
    payment = checkout_id(click(browser, transfer_plan, 1))
    [made] = mollie.posted("oneoff")
    back = "/portal/" + made["redirectUrl"].split("/api/portal/", 1)[1]
    assert mollie.server is not None

    def asked() -> int:
        return sum(r.path == f"/v2/payments/{payment}" for r in mollie.server.received)  # type: ignore[union-attr]

    before = asked()
    for _ in range(50):  # a script reloading the page
        assert "Deze pagina ververst" in browser.page(back)
    assert asked() == before + 1
    mollie.settle(payment, "paid")
    assert "Deze pagina ververst" in browser.page(back)  # within the 5 s just told
    world.clock.at += timedelta(seconds=5)
    assert "Uw betaling is gelukt" in browser.page(back)  # the next refresh
    for _ in range(20):
        world.clock.at += timedelta(minutes=1)
        assert "Uw betaling is gelukt" in browser.page(back)
    assert asked() == before + 2  # paid is final: never asked again


def test_a_throttled_mollie_is_a_503_that_passes_its_wait_on(world, mollie, transfer_plan):
    """Mollie's 429 on the return page or a payment start was a 500; now a 503 with Mollie's
    Retry-After, and the return page shows what Mollie said last while it has that."""
    browser = enter(world)
    checkout_id(click(browser, transfer_plan, 1))
    [made] = mollie.posted("oneoff")
    back = "/portal/" + made["redirectUrl"].split("/api/portal/", 1)[1]
    mollie.throttled = "120"
    first = browser.go("GET", back)  # nothing known yet
    assert first.status == 503 and first.headers["Retry-After"] == "120"
    paying = browser.post("/portal/pay", invoice=["F1"])
    assert paying.status == 503 and paying.headers["Retry-After"] == "120"
    mollie.throttled = None
    # the account is paused for the 120 s Mollie asked (mollie33): the page waits them out
    world.clock.at += timedelta(seconds=120)
    assert "Deze pagina ververst" in browser.page(back)
    mollie.throttled = "120"
    world.clock.at += timedelta(seconds=6)
    assert "Deze pagina ververst" in browser.page(back)  # what Mollie said last
