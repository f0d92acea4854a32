"""A debtor sets up their own payment plan in a real headless Chromium: the offer within the
client's rules, a choice, the schedule, a SEPA direct debit mandate signed on the page, the
plan started at once, its installments on the portal, and one installment moved. Every page
passes axe-core's WCAG 2.1 AA rules. Screenshots go to ``build/screenshots``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from selenium.webdriver.common.by import By

from shared import bootstrap
from shared.clock import amsterdam_today
from tests.e2e.conftest import serving
from tests.e2e.test_portal_in_chromium import (
    _accessibility_violations,
    _free_port,
    _shot,
    _wait,
    browser,  # noqa: F401 - the module's Chromium fixture
)


@pytest.fixture(scope="module")
def served(storage_connection, tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    port = _free_port()
    with serving(
        storage_connection,
        tmp_path_factory.mktemp("data"),
        port=port,
        INNING_CONTACT_HOURS="00:00-23:59",
        INNING_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    ) as running:
        yield running


def test_a_debtor_signs_a_direct_debit_plan_and_moves_an_installment(served, browser):  # noqa: F811
    url, keys = served
    headers = {"X-Api-Key": keys["BAKKERIJ"]}
    api = f"{url}/api/v1/clients/BAKKERIJ"
    debtor = f"D-PLAN-{time.time_ns() % 10**8}"
    today = amsterdam_today()
    due = (today - timedelta(days=40)).isoformat()
    made = httpx.post(f"{api}/debtors", headers=headers, json={"items": [{
        "number": debtor, "kind": "b2c", "name": "P. Termijn", "emails": ["p.termijn@example.nl"],
        "address": {"street": "Markt 1", "postal_code": "3511 AA", "city": "Utrecht"},
    }]})  # fmt: skip
    assert made.status_code == 200, made.text
    made = httpx.post(f"{api}/invoices", headers=headers, json={"items": [
        {"number": f"{debtor}-1", "debtor": debtor, "invoice_date": due, "due_date": due, "amount": "450.00"},
        {"number": f"{debtor}-2", "debtor": debtor, "invoice_date": due, "due_date": due, "amount": "150.00"},
    ]})  # fmt: skip
    assert made.status_code == 200, made.text
    admin = {"X-Api-Key": keys["agency"]}  # the terms of collecting are an admin's
    rules = httpx.put(f"{api}/plan-rules", headers=admin,
                      json={"creditor_id": "NL69ZZZ123456780000", "self_service": "automatic"})  # fmt: skip
    assert rules.status_code == 200, rules.text
    client_id = httpx.get(api, headers=headers).json()["client_id"]
    link = bootstrap.services().portal.links.portal_link(client_id, debtor)
    browser.get(url + "/api/p/" + link.split("/api/p/", 1)[1])

    _wait(lambda: "P. Termijn" in browser.page_source)
    browser.find_element(By.CSS_SELECTOR, "a[href='/api/portal/plan']").click()
    _wait(lambda: "maandelijkse termijnen" in browser.page_source)
    assert _accessibility_violations(browser) == []
    _shot(browser, "portal-plan-offer")

    browser.find_element(By.ID, "count").send_keys("4")
    browser.find_element(By.ID, "m-direct_debit").click()
    browser.find_element(By.CSS_SELECTOR, "form[action='/api/portal/plan/preview'] button").click()
    _wait(lambda: "Machtiging voor automatische incasso" in browser.page_source)
    assert _accessibility_violations(browser) == []
    rows = browser.find_elements(By.CSS_SELECTOR, "#sch-h ~ .scroll tbody tr")
    assert len(rows) == 4, browser.page_source
    browser.find_element(By.ID, "iban").send_keys("NL91 ABNA 0417 1643 00")
    browser.find_element(By.ID, "holder").send_keys("P. Termijn")
    browser.find_element(By.ID, "consent").click()
    _shot(browser, "portal-plan-mandate")
    browser.find_element(By.CSS_SELECTOR, "form[action='/api/portal/plan/accept'] button").click()
    _wait(lambda: "Uw betalingsregeling is afgesloten" in browser.page_source)
    assert "NL91****4300" in browser.page_source and "NL91ABNA0417164300" not in browser.page_source
    assert _accessibility_violations(browser) == []
    _shot(browser, "portal-plan-running")

    plans = httpx.get(f"{api}/plans", headers=headers).json()["items"]
    mine = next(p for p in plans if p["debtor"] == debtor)
    plan = httpx.get(f"{api}/plans/{mine['plan_id']}", headers=headers).json()
    # the plan covers the whole claim: principal and the interest accrued (and costs, if any)
    assert plan["status"] == "active" and Decimal(plan["total"]) > Decimal("600.00")
    assert plan["mandate"]["mandate_id"] == f"M{plan['plan_id']}"
    assert plan["mandate"]["signed_on"] == today.isoformat()
    first = plan["installments"][0]["due_date"]

    # the debtor moves the first installment a week: within the client's 14 days, and the
    # collection is still more than the pre-notification term away
    new = (date.fromisoformat(first) + timedelta(days=7)).isoformat()
    field = browser.find_element(By.ID, "pp-1-to")
    browser.execute_script("arguments[0].value = arguments[1]", field, new)
    browser.find_element(By.CSS_SELECTOR, "form[action='/api/portal/plan/postpone'] button").click()
    _wait(lambda: "De termijn is verzet" in browser.page_source)
    moved = httpx.get(f"{api}/plans/{mine['plan_id']}", headers=headers).json()
    assert moved["installments"][0]["due_date"] >= new


def test_a_debtor_pays_an_installment_online(served, browser):  # noqa: F811
    """A transfer plan from the portal, then "Betaal termijn 1 online": the (simulated)
    checkout asks exactly the installment, the webhook books it through the queue, the plan
    has installment 1 paid and the page offers the next one."""
    url, keys = served
    headers = {"X-Api-Key": keys["BAKKERIJ"]}
    api = f"{url}/api/v1/clients/BAKKERIJ"
    debtor = f"D-TERM-{time.time_ns() % 10**8}"
    due = (amsterdam_today() - timedelta(days=40)).isoformat()
    made = httpx.post(f"{api}/debtors", headers=headers, json={"items": [{
        "number": debtor, "kind": "b2b", "name": "T. Online", "emails": ["t.online@example.nl"],
        "address": {"street": "Markt 2", "postal_code": "3511 AA", "city": "Utrecht"},
    }]})  # fmt: skip
    assert made.status_code == 200, made.text
    made = httpx.post(f"{api}/invoices", headers=headers, json={"items": [
        {"number": f"{debtor}-1", "debtor": debtor, "invoice_date": due, "due_date": due, "amount": "300.00"},
    ]})  # fmt: skip
    assert made.status_code == 200, made.text
    rules = httpx.put(f"{api}/plan-rules", headers={"X-Api-Key": keys["agency"]},
                      json={"self_service": "automatic"})  # fmt: skip
    assert rules.status_code == 200, rules.text
    client_id = httpx.get(api, headers=headers).json()["client_id"]
    link = bootstrap.services().portal.links.portal_link(client_id, debtor)
    browser.get(url + "/api/p/" + link.split("/api/p/", 1)[1])
    _wait(lambda: "T. Online" in browser.page_source)
    browser.get(f"{url}/api/portal/plan")
    _wait(lambda: "maandelijkse termijnen" in browser.page_source)
    browser.find_element(By.ID, "count").send_keys("3")
    browser.find_element(By.ID, "m-transfer").click()
    browser.find_element(By.CSS_SELECTOR, "form[action='/api/portal/plan/preview'] button").click()
    _wait(
        lambda: "form" in browser.page_source and "/api/portal/plan/accept" in browser.page_source
    )
    browser.find_element(By.CSS_SELECTOR, "form[action='/api/portal/plan/accept'] button").click()
    _wait(lambda: "Uw betalingsregeling is afgesloten" in browser.page_source)

    plans = httpx.get(f"{api}/plans", headers=headers).json()["items"]
    plan_id = next(p for p in plans if p["debtor"] == debtor)["plan_id"]
    plan = httpx.get(f"{api}/plans/{plan_id}", headers=headers).json()
    amount = Decimal(plan["installments"][0]["amount"])
    shown = f"{amount:.2f}".replace(".", ",")
    browser.get(f"{url}/api/portal")
    _wait(lambda: "Betaal termijn 1 online" in browser.page_source)
    assert f"€ {shown}" in browser.page_source
    assert _accessibility_violations(browser) == []
    _shot(browser, "portal-plan-pay")
    browser.find_element(By.CSS_SELECTOR, "form[action='/api/portal/plan/pay'] button").click()
    _wait(lambda: "SIMULATION" in browser.page_source)
    assert shown in browser.page_source or f"{amount:.2f}" in browser.page_source
    browser.find_element(By.CSS_SELECTOR, "button[value=paid]").click()
    _wait(lambda: "Uw betaling is gelukt" in browser.page_source)

    def first_paid() -> bool:
        got = httpx.get(f"{api}/plans/{plan_id}", headers=headers).json()
        return bool(got["installments"][0]["status"] == "paid")

    _wait(first_paid)  # the webhook went through the queue, booked by law, the plan took it in
    browser.get(f"{url}/api/portal")
    _wait(lambda: "Betaal termijn 2 online" in browser.page_source)
