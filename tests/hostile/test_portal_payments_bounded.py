"""Whoever holds a debtor's portal link cannot start payments without end: every choice of
invoices (2^n of them) or a checkout cancelled at Mollie started one more open payment, each
a Mollie call, rows, and one the reconcile timer asks Mollie about until it expires."""

from __future__ import annotations

from datetime import timedelta
from itertools import combinations

from shared.api.portal_app import PortalApp
from tests.hostile.conftest import record
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.payments.test_portal import Browser, enter
from tests.unit.plans.test_portal_plan_pay_online import enter as enter_plan
from tests.unit.plans.test_portal_plan_pay_online import (  # noqa: F401 - the fixture
    on_plan,
    pay_installment,
    payment_of,
    simulated,
)

PAYMENTS_PER_DAY = 20  # shared.services.portal.PAYMENTS_PER_DAY


def test_payments_a_debtor_starts_in_the_portal_are_bounded_per_day(world):
    a = world.agency_a
    world.clock.at = world.clock.at.replace(year=2025, month=3, day=20, hour=10)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    numbers = [f"F{i}" for i in range(1, 8)]
    rows = [invoice_row(n, "D1") for n in numbers] + [invoice_row("G1", "D2")]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status == 200
    app = PortalApp(world.services)
    browser = enter(world, app)
    # the simulation's payments (its ``key`` rows remember each payment's Idempotency-Key)
    store = world.store._tables["SimulatedPayments"]

    def made() -> int:
        return sum(1 for pk, _ in store if pk == "sim")

    started = made()
    choices = [list(c) for k in (1, 2) for c in combinations(numbers, k)]  # 28 choices
    answers = []
    for chosen in choices:
        reply = browser.post("/portal/pay", invoice=chosen)
        record("portal pay flood", reply.status)
        answers.append(reply.status)
    assert answers[:PAYMENTS_PER_DAY] == [303] * PAYMENTS_PER_DAY, answers
    assert set(answers[PAYMENTS_PER_DAY:]) == {400}, answers
    assert made() - started == PAYMENTS_PER_DAY
    # the payment a choice started is still its checkout: the same choice again is no new one
    again = browser.post("/portal/pay", invoice=choices[0])
    assert again.status == 303 and made() - started == PAYMENTS_PER_DAY
    refused = browser.post("/portal/pay", invoice=choices[-1])
    assert "probeer het morgen opnieuw" in refused.encoded().decode()
    # the payment link (everything open: a choice not paid yet) opens the page instead
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    token = world.services.portal.links.token(client_id, "D1")
    link = browser.go("GET", f"/p/{token}/pay")
    assert (link.status, link.headers["Location"]) == (303, "/api/portal"), link.raw
    other = enter(world, app, "D2")  # another debtor is his own
    assert other.post("/portal/pay", invoice=["G1"]).status == 303
    world.clock.at += timedelta(days=1)  # and the next day D1 may again
    assert browser.post("/portal/pay", invoice=choices[-1]).status == 303


def test_installment_payments_cancelled_at_mollie_count_with_the_days_payments(on_plan):  # noqa: F811
    """A plan's installment has one open payment at a time; cancelled at Mollie's checkout,
    the next click started another, as often as the checkout was cancelled."""
    world, _, plan_id, app = on_plan
    browser = enter_plan(world, app)
    online = world.services.online_payments
    answers = []
    for _ in range(PAYMENTS_PER_DAY + 3):
        reply = pay_installment(browser, plan_id, 1)
        record("portal installment pay flood", reply.status)
        answers.append(reply.status)
        if reply.status == 303:
            online.simulation.settle(payment_of(reply), "canceled")
    assert answers == [303] * PAYMENTS_PER_DAY + [400] * 3, answers
    assert len(simulated(world)) == PAYMENTS_PER_DAY


def test_the_payment_link_of_a_client_without_mollie_opens_the_page(world):
    """A client with no Mollie account (production: no simulation): the payment link in a
    letter was a 500 (``mollie_key_missing`` escaped the link's handler); it opens the page,
    which says how to transfer."""
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", "D1")]})
    world.services.online_payments.allow_simulation = False
    app = PortalApp(world.services)
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    token = world.services.portal.links.token(client_id, "D1")
    link = Browser(app).go("GET", f"/p/{token}/pay")
    record("portal pay link without mollie", link.status)
    assert (link.status, link.headers.get("Location")) == (303, "/api/portal"), link.raw
