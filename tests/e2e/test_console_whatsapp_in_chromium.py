"""The WhatsApp templates page in a real headless Chromium, on the demo client BAKKERIJ: a
client admin describes an approved template, sees a wrong language code refused beside its
field, saves it and finds it in the list. axe-core checks each page (WCAG 2.1 A and AA)."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from tests.e2e.console_support import checked, fill, sign_in
from tests.e2e.console_support import served_console as served_console
from tests.e2e.test_portal_in_chromium import _wait
from tests.e2e.test_portal_in_chromium import browser as browser


def test_a_template_described_in_the_console(served_console, browser):  # type: ignore[no-untyped-def]
    url, users = served_console
    sign_in(browser, url, users["client_admin"])
    browser.get(f"{url}/api/console/whatsapp-templates/new?lang=en")
    _wait(lambda: "Approved name" in browser.page_source)
    fill(browser, "wat-name", "betaalherinnering")
    fill(browser, "wat-languages", "dutch")
    params = browser.find_element(By.ID, "wat-params")
    params.send_keys("debtor.name\ntotal|money")
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    _wait(lambda: "err-languages" in browser.page_source)
    assert browser.find_element(By.ID, "wat-languages").get_attribute("aria-invalid") == "true"
    checked(browser, "whatsapp-template-check")
    fill(browser, "wat-languages", "nl, en_US")
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    _wait(lambda: "The WhatsApp template is saved" in browser.page_source)
    browser.get(f"{url}/api/console/whatsapp-templates?lang=en")
    _wait(lambda: "betaalherinnering" in browser.page_source)
    assert "total|money" in browser.page_source
    checked(browser, "whatsapp-templates")
