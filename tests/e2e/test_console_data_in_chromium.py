"""The console's data pages in a real headless Chromium, on the demo client BAKKERIJ: the
invoice and debtor lists with a search, the workflows (one edited and saved active, the
segment rules' editor), a template edited with its save-time
check shown beside the line, a preview for a debtor, and settings saved. axe-core checks every
page (WCAG 2.1 A and AA); screenshots go to build/screenshots (copies in docs/screenshots)."""

from __future__ import annotations

import struct
import zlib

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.e2e.console_support import checked, fill, sign_in
from tests.e2e.console_support import served_console as served_console
from tests.e2e.test_portal_in_chromium import _wait
from tests.e2e.test_portal_in_chromium import browser as browser


def test_lists_workflows_and_templates(served_console, browser):  # type: ignore[no-untyped-def]
    url, users = served_console
    sign_in(browser, url, users["client_staff"])
    browser.get(f"{url}/api/console/invoices?lang=en")
    _wait(lambda: "This client's invoices" in browser.page_source)
    assert "F-0001" in browser.page_source
    fill(browser, "inv-q", "jansen")
    Select(browser.find_element(By.ID, "inv-by")).select_by_value("debtor")
    browser.find_element(By.CSS_SELECTOR, "form[role=search] button").click()
    _wait(lambda: "by=debtor" in browser.current_url)
    assert "A. Jansen" in browser.page_source and "J. de Vries" not in browser.page_source
    checked(browser, "invoices")

    browser.get(f"{url}/api/console/debtors?lang=en&q=vries")
    _wait(lambda: "J. de Vries" in browser.page_source)
    assert "A. Jansen" not in browser.page_source
    checked(browser, "debtors")
    browser.find_element(By.LINK_TEXT, "D-1001")  # each row leads to the debtor's dossier

    browser.get(f"{url}/api/console/workflows?lang=en")
    _wait(lambda: "Debtor segments and their workflow" in browser.page_source)
    checked(browser, "workflows")
    # the editor: a step's days changed and the workflow saved through its activation checks
    browser.find_element(By.CSS_SELECTOR, "a[href*='/workflows/edit'][href*='id=']").click()
    _wait(lambda: "Save and activate" in browser.page_source)
    checked(browser, "workflow-edit")
    days = browser.find_element(By.NAME, "r0_days")
    days.clear()
    days.send_keys("9")
    browser.find_element(By.CSS_SELECTOR, "button[value=activate]").click()
    _wait(lambda: "has been saved and is active" in browser.page_source)
    assert browser.find_element(By.NAME, "r0_days").get_attribute("value") == "9"
    browser.get(f"{url}/api/console/workflows/rules?lang=en")
    _wait(lambda: "Save rules" in browser.page_source)
    checked(browser, "workflow-rules")

    browser.get(f"{url}/api/console/templates/edit?id=herinnering&lang=en")
    _wait(lambda: "Variables" in browser.page_source)
    text = browser.find_element(By.ID, "tpl-text")
    text.clear()
    text.send_keys("Dear {{ debtor.name }},\n\nPlease pay {{ debtor.balance|money }}.\nRegards")
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    _wait(lambda: "tpl-line" in browser.page_source)
    marked = browser.find_element(By.ID, "tpl-line")
    assert "debtor.balance" in marked.text and "line 3" in marked.text
    checked(browser, "template-check")

    text = browser.find_element(By.ID, "tpl-text")
    text.clear()
    text.send_keys("Dear {{ debtor.name }},\n\nPlease pay {{ total|money }}.\nRegards")
    fill(browser, "tpl-debtor", "D-1001")
    browser.find_element(By.CSS_SELECTOR, "button[value=preview]").click()
    _wait(lambda: "Preview for D-1001" in browser.page_source)
    assert "Dear J. de Vries" in browser.page_source
    checked(browser, "template-preview")


def _png(width: int = 120, height: int = 40) -> bytes:
    """A real PNG (a brown bar), as a client's logo might be."""
    raw = b"".join(b"\x00" + b"\x8b\x45\x13" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))  # fmt: skip


def test_settings_saved(served_console, browser, tmp_path):  # type: ignore[no-untyped-def]
    url, users = served_console
    sign_in(browser, url, users["client_admin"])
    browser.get(f"{url}/api/console/settings?lang=en")
    _wait(lambda: "Postponement" in browser.page_source)
    fill(browser, "set-days", "21")
    browser.find_element(By.CSS_SELECTOR, "#set-days ~ p button").click()
    _wait(lambda: "The settings have been saved." in browser.page_source)
    assert browser.find_element(By.ID, "set-days").get_attribute("value") == "21"
    logo = tmp_path / "logo.png"
    logo.write_bytes(_png())
    Select(browser.find_element(By.ID, "set-kind")).select_by_value("logo")
    browser.find_element(By.ID, "set-image").send_keys(str(logo))
    browser.find_element(By.CSS_SELECTOR, "form[enctype='multipart/form-data'] button").click()
    _wait(lambda: "/api/brand/" in browser.page_source)
    shown = browser.find_element(By.CSS_SELECTOR, "img[src*='/api/brand/']")
    _wait(lambda: browser.execute_script("return arguments[0].naturalWidth", shown) == 120)
    checked(browser, "settings")
