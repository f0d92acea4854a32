# ruff: noqa: F811
"""A plan installment paid online from the portal, through the real Mollie client against the
local Mollie (tests/support/mollie_stand_in.py, which enforces the documented API and its
``Idempotency-Key``): a one-off checkout payment in the client's account (its own linked
account first), one payment however often the debtor clicks, booked once when Mollie says
paid, and open to pay again after a refund took the money back."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from shared.adapters.tables.keys import encode
from shared.api.portal_app import PortalApp
from shared.services.mollie_pause import DEFAULT_PAUSE
from shared.services.plans.pay_online import pending_key
from shared.services.portal import RETURNS
from tests.support.mollie_stand_in import mollie_world
from tests.unit.payments.test_portal import Browser
from tests.unit.plans.test_plan_mollie import (  # noqa: F401
    booked,
    mollie,
    plan_of,
    the_client,
    webhook,
    world,
)
from tests.unit.plans.test_plan_service import BASE, make

OWN_KEY = "test_OwnAccountOfTheClient000000000"


@pytest.fixture
def own():
    with mollie_world() as account:
        account.api_key = OWN_KEY
        account.first_id = 500
        yield account


@pytest.fixture
def transfer_plan(world) -> str:
    a = world.agency_a
    plan_id: str = make(a, method="transfer", start="2026-01-31", installments=3).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    return plan_id


def enter(world) -> Browser:
    browser = Browser(PortalApp(world.services))
    token = world.services.portal.links.token(the_client(world).client_id, "D1")
    assert browser.go("GET", f"/p/{token}").status == 303
    return browser


def click(browser: Browser, plan_id: str, number: int) -> Any:
    return browser.post("/portal/plan/pay", plan=plan_id, installment=str(number))


def checkout_id(response: Any) -> str:
    assert response.status == 303, response.raw
    found = re.search(r"token=(tr_\w+)$", response.headers["Location"])
    assert found is not None, response.headers["Location"]
    return found.group(1)


def installments(world, plan_id: str) -> list[tuple[str, str]]:
    return [(i["status"], i["paid"]) for i in plan_of(world, plan_id)["installments"]]


def test_one_checkout_payment_per_installment_booked_once(world, mollie, transfer_plan):
    browser = enter(world)
    first = checkout_id(click(browser, transfer_plan, 1))
    [made] = mollie.posted("oneoff")
    assert made["id"] == first and made["amount"] == {"currency": "EUR", "value": "100.00"}
    assert made["webhookUrl"].endswith("/api/mollie/webhook")
    assert re.search(r"/api/portal/return/[\w-]+$", made["redirectUrl"])
    assert made["metadata"]["plan"] == transfer_plan and made["metadata"]["installment"] == 1
    # the debtor clicks again and reloads: the open checkout, no second payment at Mollie
    assert checkout_id(click(browser, transfer_plan, 1)) == first
    assert checkout_id(click(enter(world), transfer_plan, 1)) == first
    assert mollie.created == 1
    # the return page asks Mollie, not the redirect
    back = "/portal/" + made["redirectUrl"].split("/api/portal/", 1)[1]
    assert "Deze pagina ververst" in browser.page(back)
    mollie.settle(first, "paid")
    world.clock.at += timedelta(seconds=5)  # the page's next refresh (status kept 5 s)
    assert "Uw betaling is gelukt" in browser.page(back)
    assert webhook(world, first, times=3) == ["paid", "paid", "paid"]
    payment = booked(world, first)
    assert payment is not None and payment.amount == 10_000 and not payment.reversed
    assert installments(world, transfer_plan)[0] == ("paid", "100.00")
    assert mollie.created == 1


def test_a_refunded_installment_is_open_to_pay_again(world, mollie, transfer_plan):
    browser = enter(world)
    first = checkout_id(click(browser, transfer_plan, 1))
    mollie.settle(first, "paid")
    assert webhook(world, first) == ["paid"]
    assert installments(world, transfer_plan)[0] == ("paid", "100.00")
    mollie.refund(first)
    assert webhook(world, first) == ["refund"]
    assert installments(world, transfer_plan)[0][1] == "0.00"
    # Mollie still says "paid" (refunded): the booking taken back lets a new payment start
    second = checkout_id(click(browser, transfer_plan, 1))
    assert second != first and mollie.created == 2


def test_the_clients_own_linked_account_takes_the_payment(world, mollie, own, transfer_plan):
    accounts = world.services.mollie_accounts
    accounts.api_url = own.url  # at Mollie the same URL; the stand-in has its own
    link = accounts.set_api_key(the_client(world).client_id, own.api_key)
    browser = enter(world)
    paid = checkout_id(click(browser, transfer_plan, 1))
    assert paid in own.payments and paid not in mollie.payments
    row = world.store.get("MolliePayments", encode(paid), "p")
    assert row is not None and row.data["Account"] == f"linked:{link.account}"
    assert row.data["InstallmentPlan"] == transfer_plan and row.data["Installment"] == 1
    own.settle(paid, "paid")
    assert webhook(world, paid) == ["paid"]
    assert installments(world, transfer_plan)[0] == ("paid", "100.00")


def test_a_lost_answer_and_an_outage_make_no_second_payment(world, mollie, transfer_plan):
    """Mollie makes the payment but its answer is lost: the debtor is told to try again, and
    the next click's key (the same) finds that payment instead of making another. While Mollie
    is down the click is refused in the debtor's language, nothing made."""
    browser = enter(world)
    mollie.lose_response.append("POST")
    lost = click(browser, transfer_plan, 1)
    assert lost.status == 400 and "de betaling kon niet worden gestart" in lost.raw.decode()
    assert mollie.created == 1
    mollie.down = True
    assert click(browser, transfer_plan, 1).status == 400
    mollie.down = False
    world.clock.at += DEFAULT_PAUSE  # the 503 paused the account a minute (mollie33)
    found = checkout_id(click(browser, transfer_plan, 1))
    assert mollie.created == 1 and found == next(iter(mollie.payments))
    assert world.store.get("MolliePayments", encode(found), "p") is not None


def test_an_outage_after_the_payment_was_made_is_a_refusal_not_an_error(
    world, mollie, transfer_plan
):
    """The payment exists (the debtor comes back from the checkout, reloads) and Mollie is down
    when the click asks its status: a refusal in the debtor's language, no second payment; once
    Mollie answers, the click goes to the same checkout (failure8 #8: it was a 500)."""
    browser = enter(world)
    first = checkout_id(click(browser, transfer_plan, 1))
    mollie.down = True
    again = click(browser, transfer_plan, 1)
    assert again.status == 400 and "de betaling kon niet worden gestart" in again.raw.decode()
    mollie.down = False
    world.clock.at += DEFAULT_PAUSE  # the 503 paused the account a minute (mollie33)
    assert checkout_id(click(browser, transfer_plan, 1)) == first and mollie.created == 1


def test_a_refusal_by_mollie_lets_the_next_click_start_afresh(world, mollie, transfer_plan):
    browser = enter(world)
    right = mollie.api_key
    mollie.api_key = "test_SomeoneElsesKey0000000000000"  # Mollie answers 401
    refused = click(browser, transfer_plan, 1)
    assert refused.status == 400 and mollie.created == 0
    # nothing was made: the claim (and its key) goes, the next click asks with a new key
    claim = pending_key(transfer_plan, 1)
    assert world.store.get(RETURNS, the_client(world).client_id, claim) is None
    mollie.api_key = right
    checkout_id(click(browser, transfer_plan, 1))
    assert mollie.created == 1
