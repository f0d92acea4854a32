"""Every console page at a phone's width (375 px): the page itself never scrolls sideways
(a wide table scrolls inside its own focusable region, as the portal's do) and axe-core
finds nothing. A credit manager checks a debtor from the phone; a page wider than the
screen hides the columns he came for."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from shared import bootstrap
from shared.api.console.shell import navigation
from tests.e2e.console_support import served_console, sign_in
from tests.e2e.test_portal_in_chromium import _accessibility_violations, _wait
from tests.e2e.test_portal_in_chromium import browser as browser
from tools.demo_console import seed_console

__all__ = ["browser", "served_console"]

PHONE = 375
# the page scrolls sideways when its document is wider than the window
_WIDER = "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
# what sticks out of the window, to say which element made the page too wide
_CULPRITS = """const W = document.documentElement.clientWidth, out = [];
for (const e of document.querySelectorAll('body *')) {
  if (e.parentElement && e.parentElement.closest('.scroll')) continue;
  const r = e.getBoundingClientRect();
  if (r.right > W + 1) out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right));
}
return out.slice(0, 8);"""


def test_every_console_page_fits_a_phone(served_console, browser):
    url, users = served_console
    services = bootstrap.services()
    seed_console(services)
    browser.set_window_size(PHONE, 812)
    sign_in(browser, url, users["client_admin"], lang="nl")
    names = [p.name for p in navigation() if not p.agency_only] + ["dossier/D-1001"]
    too_wide: dict[str, list[str]] = {}
    for name in names:
        browser.get(f"{url}/api/console/{name}?lang=nl")
        _wait(lambda: browser.find_elements(By.TAG_NAME, "main"))
        browser.set_window_size(PHONE, 812)
        if browser.execute_script(_WIDER) > 0:
            too_wide[name] = browser.execute_script(_CULPRITS)
        assert _accessibility_violations(browser) == [], name
    browser.get(f"{url}/api/console/account")
    _wait(lambda: browser.find_elements(By.TAG_NAME, "main"))
    if browser.execute_script(_WIDER) > 0:
        too_wide["account"] = browser.execute_script(_CULPRITS)
    assert _accessibility_violations(browser) == [], "account"
    assert too_wide == {}
