# ruff: noqa: F811
"""Paying again reuses the still-open checkout, and two clicks at once make one payment
(mollie33), against the local Mollie (Idempotency-Key enforced, ``expiresAt`` given):
- the overview's pay button claimed nothing before asking Mollie: two tabs clicking at once
  each made a Mollie payment (and spent two of the debtor's payments of the day). The row
  that remembers the payment (``PortalReturns`` ``open|…``) is now claimed first, under its
  ETag, with an Idempotency-Key the second click sends too: one payment;
- a checkout past Mollie's ``expiresAt`` is not reused (and for invoices not asked about):
  a new payment is made, as for one Mollie reports expired, failed or canceled."""

from __future__ import annotations

from datetime import timedelta

from shared.adapters.tables.keys import encode
from tests.unit.plans.test_plan_mollie import mollie, the_client, world  # noqa: F401
from tests.unit.plans.test_portal_plan_pay_mollie import (  # noqa: F401
    checkout_id,
    click,
    enter,
    transfer_plan,
)

BASE = "https://inning.example"


def _access(world):
    links = world.services.portal.links
    return links.check(links.token(the_client(world).client_id, "D1"))


def _spent(world, access) -> int:
    portal = world.services.portal
    today = f"{world.clock.now() + timedelta(hours=1):%Y%m%d}"  # Amsterdam's day (winter)
    return int(portal.counters.count("PortalThrottle", portal._debtor_key(access), f"pay|{today}"))


def test_two_tabs_paying_at_once_make_one_mollie_payment(world, mollie, monkeypatch):
    portal = world.services.portal
    online = portal.online
    access = _access(world)
    real = online.start
    second: list[str] = []

    def start(*args, **kwargs):
        if not second:  # while the first tab's Mollie call is under way, the second tab clicks
            second.append("")
            second[0] = portal.pay(access, ["F1"], BASE)
        return real(*args, **kwargs)

    monkeypatch.setattr(online, "start", start)
    first = portal.pay(access, ["F1"], BASE)
    assert first == second[0]
    assert mollie.created == 1 and len(mollie.posted("oneoff")) == 1
    assert _spent(world, access) == 1
    # and the payment is remembered once, with the key both clicks sent
    payment = first.rsplit("=", 1)[1]
    assert world.store.get("MolliePayments", encode(payment), "p") is not None
    monkeypatch.setattr(online, "start", real)
    assert portal.pay(access, ["F1"], BASE) == first  # a third click: the same checkout
    assert mollie.created == 1


def test_a_checkout_past_its_expiry_is_not_reused_nor_asked_about(world, mollie):
    portal = world.services.portal
    access = _access(world)
    mollie.expires_at = (world.clock.now() + timedelta(minutes=15)).isoformat()
    first = portal.pay(access, ["F1"], BASE)
    payment = first.rsplit("=", 1)[1]
    assert mollie.server is not None

    def asked() -> int:
        assert mollie.server is not None
        return len(mollie.server.requests("GET", f"/payments/{payment}"))

    world.clock.at += timedelta(minutes=10)
    assert portal.pay(access, ["F1"], BASE) == first and asked() == 1  # open: reused
    world.clock.at += timedelta(minutes=6)  # past expiresAt (the stand-in still says open)
    again = portal.pay(access, ["F1"], BASE)
    assert again != first and asked() == 1 and mollie.created == 2


def test_an_installments_checkout_past_its_expiry_is_not_reused(world, mollie, transfer_plan):
    browser = enter(world)
    mollie.expires_at = (world.clock.now() + timedelta(minutes=15)).isoformat()
    first = checkout_id(click(browser, transfer_plan, 1))
    world.clock.at += timedelta(minutes=10)
    assert checkout_id(click(browser, transfer_plan, 1)) == first
    world.clock.at += timedelta(minutes=6)
    assert checkout_id(click(browser, transfer_plan, 1)) != first
    assert mollie.created == 2
