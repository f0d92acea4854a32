"""console33: the dunning run preview in a real headless Chromium on the demo client BAKKERIJ.
The client's admin follows Today's link to tomorrow's run, finds a debtor whose first
reminder falls tomorrow under its step, opens his dossier from there, and picks another day
in the form; at a phone's width the page never scrolls sideways and its Dutch has no English.
axe-core checks each page (WCAG 2.1 A and AA)."""

from __future__ import annotations

import time
from datetime import timedelta

from selenium.webdriver.common.by import By

from shared import bootstrap
from shared.clock import amsterdam_date
from shared.domain.parties import Address, Debtor, DebtorKind
from shared.services.imports import InvoiceDraft
from tests.e2e.console_support import checked, sign_in
from tests.e2e.console_support import served_console as served_console
from tests.e2e.test_console_phone_in_chromium import _WIDER, PHONE, _english_in
from tests.e2e.test_portal_in_chromium import _accessibility_violations, _wait
from tests.e2e.test_portal_in_chromium import browser as browser
from tools.demo import AGENCY_ID
from tools.demo_people import CLIENT


def test_tomorrows_run_from_today_to_a_dossier(served_console, browser):  # type: ignore[no-untyped-def]
    url, users = served_console
    services = bootstrap.services()
    client_id = services.repos.clients.id_for_number(AGENCY_ID, CLIENT)
    assert client_id
    found = services.repos.clients.get(client_id)
    assert found
    client = found[0]
    today = amsterdam_date(services.clock.now())
    tomorrow = today + timedelta(days=1)
    # a debtor of this run whose invoice fell due 6 days ago: the reminder (7 days) is tomorrow
    run = time.time_ns() % 10**9
    number = f"P-{run}"
    services.imports.upsert_debtors(client, [(0, Debtor(
        "", number, DebtorKind.B2C, "P. Voorbeeld", ("p.voorbeeld@example.nl",), None, False,
        Address("Dorpsstraat 2", "3511 LK", "Utrecht")))])  # fmt: skip
    services.imports.upsert_invoices(client, [(0, InvoiceDraft(
        f"FP-{run}", number, today - timedelta(days=36), today - timedelta(days=6), 4_200, None))])  # fmt: skip

    sign_in(browser, url, users["client_admin"], lang="nl")
    browser.get(f"{url}/api/console/today?lang=nl")
    _wait(lambda: browser.find_elements(By.ID, "today-preview"))
    browser.find_element(By.ID, "today-preview").click()
    _wait(lambda: "Voorbeeld van de invorderingsrun" in browser.page_source)
    assert f"De run van {tomorrow:%d-%m-%Y}" in browser.page_source
    assert browser.find_element(By.ID, "runp-on").get_attribute("value") == tomorrow.isoformat()
    checked(browser, "run-preview")
    # at a phone's width: the steps' table scrolls inside its region, the page does not
    browser.set_window_size(PHONE, 812)
    assert browser.execute_script(_WIDER) <= 0
    assert _english_in(browser) == []
    link = f"a[href*='/api/console/dossier/{number}']"
    details = browser.find_element(By.XPATH, f"//details[.//a[contains(@href, '/{number}')]]")
    assert "Herinnering" in details.find_element(By.TAG_NAME, "summary").text
    details.find_element(By.TAG_NAME, "summary").click()
    assert f"FP-{run}" in details.text
    details.find_element(By.CSS_SELECTOR, link).click()
    _wait(lambda: "P. Voorbeeld" in browser.page_source)
    assert f"/dossier/{number}" in browser.current_url
    # another day through the form: the language is kept, the day is the one asked
    browser.back()
    _wait(lambda: browser.find_elements(By.ID, "runp-on"))
    later = today + timedelta(days=30)
    browser.execute_script(
        "document.getElementById('runp-on').value = arguments[0]", later.isoformat()
    )
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    _wait(lambda: f"De run van {later:%d-%m-%Y}" in browser.page_source)
    assert "lang=nl" in browser.current_url
    assert _accessibility_violations(browser) == []
