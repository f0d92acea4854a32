"""A credit manager's morning in a real headless Chromium: sign in with password and TOTP,
land on Today (figures, the ageing chart), open the action list and confirm a suggested bank
payment by ticking its invoice, open the debtor's dossier, pause dunning and add a note.
axe-core checks each page (WCAG 2.1 A and AA); the screenshots go to build/screenshots
(copied to docs/screenshots/ for the README)."""

from __future__ import annotations

from urllib.parse import urlsplit

from selenium.webdriver.common.by import By

from shared import bootstrap
from shared.domain.invoices import InvoiceStatus
from shared.domain.records import ActionStatus
from tests.e2e.console_support import checked, fill, served_console, sign_in
from tests.e2e.test_portal_in_chromium import _wait
from tests.e2e.test_portal_in_chromium import browser as browser
from tools.demo_console import seed_console

__all__ = ["browser", "served_console"]


def test_a_credit_managers_morning(served_console, browser):
    url, users = served_console
    services = bootstrap.services()
    seed_console(services)
    client_id = services.repos.clients.id_for_number("demo-agency", "BAKKERIJ")
    assert client_id

    sign_in(browser, url, users["client_staff"])
    _wait(lambda: urlsplit(browser.current_url).path.endswith("/api/console/today"))
    browser.get(f"{url}/api/console/today?lang=en")
    _wait(lambda: "Ageing of the overdue amounts" in browser.page_source)
    assert browser.find_elements(By.CSS_SELECTOR, "svg[role=img] rect")
    assert "Check payment" in browser.page_source  # the kind as a word, not its code
    checked(browser, "today")

    browser.find_element(By.LINK_TEXT, "Check payment").click()
    _wait(lambda: "/api/console/actions" in browser.current_url)
    _wait(lambda: "Controleer betaling van J. de Vries" in browser.page_source)
    checked(browser, "actions")

    browser.find_element(By.LINK_TEXT, "Controleer betaling van J. de Vries").click()
    _wait(lambda: "Confirm the payment" in browser.page_source)
    checked(browser, "action")
    browser.find_element(By.CSS_SELECTOR, "input[name=invoice][value='F-0001']").click()
    browser.find_element(By.CSS_SELECTOR, "button[value=confirm]").click()
    _wait(lambda: "done=act_done" in browser.current_url)
    item = services.repos.actions.get(client_id, "demo-suggestion-1")
    assert item is not None and item[0].status is ActionStatus.RESOLVED
    booked = services.repos.invoices.get(client_id, "F-0001")
    assert booked is not None and booked.invoice.status in (
        InvoiceStatus.PAID,
        InvoiceStatus.PARTIALLY_PAID,
    )

    browser.find_element(By.PARTIAL_LINK_TEXT, "Dossier").click()
    _wait(lambda: "/api/console/dossier/D-1001" in browser.current_url)
    _wait(lambda: "Claims" in browser.page_source)
    fill(browser, "pause-reason", "Debtor called: pays on Friday")
    browser.find_element(By.CSS_SELECTOR, "button[value=pause]").click()
    _wait(lambda: "Dunning is paused." in browser.page_source)
    fill(browser, "note-text", "Spoke to Mr de Vries; he confirmed the payment.")
    browser.find_element(By.CSS_SELECTOR, "button[value=note]").click()
    _wait(lambda: "The note is added." in browser.page_source)
    assert "Spoke to Mr de Vries" in browser.page_source
    assert "Resume dunning" in browser.page_source
    debtor = services.repos.debtors.get(client_id, "D-1001")
    assert debtor is not None and debtor[0].pause is not None
    checked(browser, "dossier")

    # the agency's view of Today: clients by their last successful run
    sign_in(browser, url, users["agency_staff"])
    browser.get(f"{url}/api/console/today?lang=en")
    _wait(lambda: "Clients by last successful dunning run" in browser.page_source)
    checked(browser, "today-agency")
