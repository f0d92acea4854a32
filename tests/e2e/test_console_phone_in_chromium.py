"""Every console page at a phone's width (375 px): the page itself never scrolls sideways
(a wide table scrolls inside its own focusable region, as the portal's do) and axe-core
finds nothing. A credit manager checks a debtor from the phone; a page wider than the
screen hides the columns he came for. The same crawl, as a Dutch person, visits every action
too and finds no English the services wrote (console7 F5)."""

from __future__ import annotations

import re

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
_PROSE = """const main = document.querySelector('main').cloneNode(true);
for (const e of main.querySelectorAll('code, pre, textarea, script')) e.remove();
document.body.appendChild(main); const text = main.innerText; main.remove(); return text;"""
# words of the services' English that no Dutch sentence has (a name or an e-mail address the
# demo data holds is not among them)
_ENGLISH = re.compile(
    r"\b(the|and|must|asks|proposes|installments?|invoices?|payments?|debtors?|refused|resolved)\b"
)


def _english_in(browser) -> list[str]:  # type: ignore[no-untyped-def]
    # column names and template code are code, not sentences; a note on the contact log is
    # what a person typed, in whatever language (another test's, in the same storage)
    text = browser.execute_script(_PROSE)
    return [
        line
        for line in text.splitlines()
        if _ENGLISH.search(line) and "{{" not in line and "\tnotitie\t" not in line
    ]


def test_every_console_page_fits_a_phone(served_console, browser):
    url, users = served_console
    services = bootstrap.services()
    seed_console(services)
    browser.set_window_size(PHONE, 812)
    sign_in(browser, url, users["client_admin"], lang="nl")
    names = [p.name for p in navigation() if not p.agency_only] + ["dossier/D-1001"]
    too_wide: dict[str, list[str]] = {}
    in_english: dict[str, list[str]] = {}
    for name in names:
        browser.get(f"{url}/api/console/{name}?lang=nl")
        _wait(lambda: browser.find_elements(By.TAG_NAME, "main"))
        browser.set_window_size(PHONE, 812)
        if browser.execute_script(_WIDER) > 0:
            too_wide[name] = browser.execute_script(_CULPRITS)
        assert _accessibility_violations(browser) == [], name
        if english := _english_in(browser):
            in_english[name] = english
    browser.get(f"{url}/api/console/actions?lang=nl")
    actions = sorted({a.get_attribute("href") for a in browser.find_elements(
        By.CSS_SELECTOR, "main a[href*='/api/console/actions/']")})  # fmt: skip
    assert actions
    for href in actions:
        browser.get(href)
        _wait(lambda: browser.find_elements(By.TAG_NAME, "main"))
        if browser.execute_script(_WIDER) > 0:
            too_wide[href] = browser.execute_script(_CULPRITS)
        assert _accessibility_violations(browser) == [], href
        if english := _english_in(browser):
            in_english[href.rsplit("/", 1)[-1]] = english
    browser.get(f"{url}/api/console/account")
    _wait(lambda: browser.find_elements(By.TAG_NAME, "main"))
    if browser.execute_script(_WIDER) > 0:
        too_wide["account"] = browser.execute_script(_CULPRITS)
    assert _accessibility_violations(browser) == [], "account"
    if english := _english_in(browser):
        in_english["account"] = english
    assert too_wide == {}
    assert in_english == {}
