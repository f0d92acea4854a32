"""Review newcomer8 finding 1: the daily run holds a claim that may have prescribed until a
person decides, but the portal listed it, ticked, in its total, payable at once and in a plan.
A debtor is never asked to pay a claim that may be time-barred (docs/law.md, Prescription)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.api.portal_app import PortalApp
from shared.domain.portal.tokens import PortalAccess
from shared.services.errors import NotFound
from tests.support.page_words import words
from tests.unit.api.conftest import invoice_row
from tests.unit.payments.test_portal import enter


@pytest.fixture
def old_claim(shop):
    world, client = shop
    # the shop's client C1: D1 (a consumer) owes F1 (121.00) and F2 (50.00), today 20-3-2025
    reply = world.agency_a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {
            "items": [
                invoice_row(
                    "OUD-1", "D1", invoice_date="2019-01-01", due_date="2019-01-31", amount="75.00"
                )
            ]
        },
    )
    assert reply.status == 200 and not reply.body["errors"], reply.body
    return world, client


def test_a_claim_past_its_prescription_date_is_not_asked_in_the_portal(old_claim):
    world, client = old_claim
    portal = world.services.portal
    browser = enter(world, PortalApp(world.services))
    page = browser.page()
    assert "OUD-1" not in words(page) and "F1" in words(page)
    me = PortalAccess(client.client_id, "D1", 0, world.clock.now() + timedelta(days=1))
    overview = portal.overview(me)
    assert [i.number for i in overview.invoices] == ["F1", "F2"]
    assert sorted(portal.payable(me)) == ["F1", "F2"]
    with pytest.raises(NotFound):
        portal.pay(me, ["OUD-1"], "http://localhost:7071")
    plans = world.services.portal_plans.view(me)
    assert "OUD-1" not in plans.invoice_numbers
