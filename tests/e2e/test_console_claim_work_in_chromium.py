"""Review console7 F4 in a real headless Chromium on the local host: a credit manager resolves
a debtor's dispute from the dossier, without the API. The dossier links the disputed invoice
to its decision; "credit the invoice" is confirmed with a tick and the debtor told; another
invoice is credited in part by a credit note from the dossier's own form, shown with its
figures before it is done. The ledger (read back through the integration API) has the first
claim credited to nothing open and the credit note's part off the second. axe-core checks
every page, and the dossier fits a phone's width."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from selenium.webdriver.common.by import By

from shared.clock import amsterdam_today
from tests.e2e.conftest import serving
from tests.e2e.console_support import Users, checked, sign_in
from tests.e2e.test_portal_in_chromium import _free_port, _wait
from tests.e2e.test_portal_in_chromium import browser as browser

__all__ = ["browser"]

DEBTOR = "D-7101"


@pytest.fixture(scope="module")
def served(storage_connection, tmp_path_factory) -> Iterator[tuple[str, Users, dict[str, str]]]:  # type: ignore[no-untyped-def]
    from shared import bootstrap
    from tools.demo_people import seed_people

    port = _free_port()
    data = tmp_path_factory.mktemp("data")
    url = f"http://localhost:{port}"
    with serving(storage_connection, data, port=port, INNING_PUBLIC_BASE_URL=url,
                 INNING_CONTACT_HOURS="00:00-23:59") as (_, keys):  # fmt: skip
        users = seed_people(bootstrap.services(), data)
        _seed(url, keys["agency"])
        yield url, users, keys


def _api(url: str, key: str, method: str, path: str, body: object = None) -> dict[str, object]:
    reply = httpx.request(
        method, f"{url}/api/v1/clients/BAKKERIJ{path}", json=body,
        headers={"X-Api-Key": key}, timeout=30,
    )  # fmt: skip
    assert reply.status_code == 200, (path, reply.status_code, reply.text)
    body_out: dict[str, object] = reply.json()
    return body_out


def _seed(url: str, key: str) -> None:
    """Two overdue invoices of one debtor; the debtor disputes the first."""
    today = amsterdam_today()

    def day(days_ago: int) -> str:
        return (today - timedelta(days=days_ago)).isoformat()

    debtor = {"number": DEBTOR, "kind": "b2c", "name": "B. Twist", "emails": ["b@example.nl"],
              "address": {"street": "Kerkstraat 3", "postal_code": "3511AB", "city": "Utrecht"}}  # fmt: skip
    _api(url, key, "POST", "/debtors", {"items": [debtor]})
    invoice = {"debtor": DEBTOR, "invoice_date": day(60), "due_date": day(30)}
    _api(url, key, "POST", "/invoices", {"items": [
        {**invoice, "number": "E2E-D", "amount": "150.00"},
        {**invoice, "number": "E2E-P", "amount": "80.00"},
    ]})  # fmt: skip
    _api(url, key, "POST", "/invoices/E2E-D/dispute", {"reason": "never delivered"})


def _open(claim: dict[str, object]) -> Decimal:
    opened = claim["open"]
    assert isinstance(opened, dict)
    return Decimal(str(opened["total"]))


def _submit(browser, form_css: str) -> None:  # type: ignore[no-untyped-def]
    form = browser.find_element(By.CSS_SELECTOR, form_css)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def test_a_dispute_is_resolved_by_a_credit_note_from_the_dossier(served, browser):  # type: ignore[no-untyped-def]
    url, users, keys = served
    key = keys["agency"]
    assert _open(_api(url, key, "GET", "/invoices/E2E-D/claim")) >= Decimal("150.00")
    sign_in(browser, url, users["client_staff"])
    dossier = f"{url}/api/console/dossier/{DEBTOR}?lang=en"
    browser.get(dossier)
    _wait(lambda: "Work on a claim" in browser.page_source)
    checked(browser, "dossier-claim-work-en")
    _fits_a_phone(browser, "the dossier")
    # the disputed invoice: its decision, through the dossier's link
    browser.find_element(By.PARTIAL_LINK_TEXT, "Decide the dispute on E2E-D").click()
    _wait(lambda: "/api/console/actions/" in browser.current_url)
    _wait(lambda: "Credit the invoice" in browser.page_source)
    checked(browser, "dispute-decision-en")
    form = browser.find_element(
        By.XPATH, "//form[.//button[@name='do' and @value='credit-invoice']]"
    )
    form.find_element(By.NAME, "reason").send_keys("goods never left the warehouse")
    form.find_element(By.NAME, "confirm").click()
    form.find_element(By.CSS_SELECTOR, "button[value=credit-invoice]").click()
    _wait(lambda: "done=dec_done" in browser.current_url)
    claim = _api(url, key, "GET", "/invoices/E2E-D/claim")
    assert _open(claim) == 0, claim
    credited = claim["credited"]
    assert isinstance(credited, dict) and Decimal(str(credited["principal"])) == Decimal("150.00")
    invoice = _api(url, key, "GET", "/invoices/E2E-D")
    assert invoice["status"] == "credited", invoice
    # the other invoice: part of it by a credit note, from the dossier's own form
    browser.get(dossier)
    form = browser.find_element(By.XPATH, "//form[.//button[@name='do' and @value='credit']]")
    form.find_element(By.CSS_SELECTOR, "select[name=invoice] option[value=E2E-P]").click()
    form.find_element(By.NAME, "amount").send_keys("30,00")
    form.find_element(By.NAME, "reference").send_keys("CN-E2E-7")
    form.find_element(By.NAME, "reason").send_keys("one crate returned")
    form.find_element(By.CSS_SELECTOR, "button[value=credit]").click()
    _wait(lambda: "Credit note CN-E2E-7" in browser.page_source)
    checked(browser, "credit-confirm-en")
    before = _open(_api(url, key, "GET", "/invoices/E2E-P/claim"))
    browser.find_element(By.CSS_SELECTOR, "button.danger[value=credit]").click()
    _wait(lambda: "done=work_credit" in browser.current_url)
    after = _api(url, key, "GET", "/invoices/E2E-P/claim")
    credited = after["credited"]
    assert isinstance(credited, dict) and Decimal(str(credited["principal"])) == Decimal("30.00")
    assert _open(after) <= before - Decimal("30.00")
    notes = _api(url, key, "GET", "/invoices/E2E-P")["credit_notes"]
    assert notes == [{"reference": "CN-E2E-7", "amount": "30.00", "kind": "correction"}], notes


def _fits_a_phone(browser, name: str) -> None:  # type: ignore[no-untyped-def]
    """At 375 px the page does not scroll sideways (a wide table scrolls in its own region)."""
    browser.set_window_size(375, 1400)
    widths = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], (name, widths)


def test_a_payment_plan_is_made_and_started_from_the_dossier(served, browser):  # type: ignore[no-untyped-def]
    url, users, keys = served
    sign_in(browser, url, users["client_admin"], lang="nl")  # another: a TOTP code signs in once
    browser.get(f"{url}/api/console/dossier/{DEBTOR}?lang=nl")
    _wait(lambda: "Betalingsregeling maken" in browser.page_source)
    form = browser.find_element(By.XPATH, "//form[.//button[@name='do' and @value='create']]")
    start = (amsterdam_today() + timedelta(days=7)).strftime("%d-%m-%Y")
    browser.execute_script(
        "arguments[0].value = arguments[1]",
        form.find_element(By.NAME, "start"),
        (amsterdam_today() + timedelta(days=7)).isoformat(),
    )
    count = form.find_element(By.NAME, "installments")
    count.clear()
    count.send_keys("2")  # the client's minimum installment is EUR 25.00
    form.find_element(By.CSS_SELECTOR, "button[value=create]").click()
    _wait(
        lambda: "done=plan_created" in browser.current_url or "notice error" in browser.page_source
    )
    assert "done=plan_created" in browser.current_url, browser.find_element(
        By.CSS_SELECTOR, "p.notice"
    ).text
    assert start in browser.page_source  # the first installment, before the plan starts
    checked(browser, "plan-draft-nl")
    _fits_a_phone(browser, "the plan")
    form = browser.find_element(By.XPATH, "//form[.//button[@name='do' and @value='activate']]")
    form.find_element(By.NAME, "confirm").click()
    form.find_element(By.CSS_SELECTOR, "button[value=activate]").click()
    _wait(lambda: "done=plan_activate" in browser.current_url)
    plan_id = browser.current_url.split("/plans/")[1].split("?")[0]
    plan = httpx.get(f"{url}/api/v1/clients/BAKKERIJ/plans/{plan_id}",
                     headers={"X-Api-Key": keys["agency"]}, timeout=30).json()  # fmt: skip
    assert plan["status"] == "active" and plan["invoices"] == ["E2E-P"], plan
    browser.get(f"{url}/api/console/plans?lang=nl")
    _wait(lambda: plan_id in browser.page_source)
    checked(browser, "plans-nl")
    browser.get(f"{url}/api/console/cases?lang=nl")
    _wait(lambda: "Overgedragen zaken" in browser.page_source)
    checked(browser, "cases-nl")
    _fits_a_phone(browser, "the cases")
