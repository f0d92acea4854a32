"""A debtor in a real headless Chromium: the link from a sent reminder, the invoices, paying
two of them through the (simulated) checkout, the real status; the next dunning run leaves
them alone; a postponement request and a dispute land where they should. Screenshots go to
``build/screenshots`` (the README's come from there)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared import bootstrap
from tests.e2e.conftest import ROOT, serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SHOTS = ROOT / "build" / "screenshots"

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()) and not os.environ.get("CI"):
    pytest.skip(
        "Debian chromium and chromium-driver are not installed (make browser)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """On an Azurite of its own: the debtor paying here must still owe and not yet be
    reminded today (other end-to-end modules pay, pause and remind the demo debtors in the
    session's shared Azurite)."""
    from tools import azurite

    port = _free_port()
    with (
        azurite.running(tmp_path_factory.mktemp("azurite"), in_memory=True) as ports,
        serving(
            ports.connection_string,
            tmp_path_factory.mktemp("data"),
            port=port,
            INNING_CONTACT_HOURS="00:00-23:59",
            INNING_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        ) as running,
    ):
        yield running


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=420,1400",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(predicate, seconds: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError("timed out waiting")


def _fire_dunning(url: str) -> None:
    r = httpx.post(
        f"{url}/admin/functions/daily_dunning",
        json={"input": ""},
        headers={"x-devhost-wait": "true"},
    )
    assert r.status_code == 200, r.text


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _accessibility_violations(driver: webdriver.Chrome) -> list[str]:
    """axe-core's WCAG 2.1 A and AA rules on the page as rendered (WebDriver's script
    injection is not subject to the page's CSP, which allows no scripts)."""
    driver.execute_script(AXE.read_text())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
        ".then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' (' + v.nodes.length + ')')));"
    )
    return list(result)


def _shot(driver: webdriver.Chrome, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(420, max(800, int(height) + 100))
    assert driver.save_screenshot(str(SHOTS / f"{name}.png"))


_OFF_SCREEN = """
const width = document.documentElement.clientWidth;
const shown = [...document.querySelectorAll('.inv dd, #total strong, button[name=all]')];
return {width: width, scroll: document.documentElement.scrollWidth, count: shown.length,
        off: shown.filter(e => e.getBoundingClientRect().right > width + 0.5)
                  .map(e => e.textContent + ' @ ' + e.getBoundingClientRect().right),
        total: (document.querySelector('#total strong') || {}).textContent,
        button: (document.querySelector('button[name=all]') || {}).textContent};
"""


def test_on_a_phone_every_amount_and_the_total_are_on_screen(served, browser):
    """Review debtor6 #1: at 390 px (Chrome's mobile emulation) every invoice's figures, the
    total and the pay button fit the screen without sideways scrolling, and the button says
    what it pays."""
    url, keys = served
    headers = {"X-Api-Key": keys["BAKKERIJ"]}
    client_id = httpx.get(f"{url}/api/v1/clients/BAKKERIJ", headers=headers).json()["client_id"]
    links = bootstrap.services().portal.links
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True},
    )
    try:
        browser.get(links.portal_link(client_id, "D-1001"))
        _wait(lambda: "F-0001" in browser.page_source and 'name="all"' in browser.page_source)
        seen = browser.execute_script(_OFF_SCREEN)
        assert seen["width"] <= 390 and seen["count"] >= 4, seen
        assert seen["off"] == [] and seen["scroll"] <= seen["width"], seen
        assert seen["total"] and seen["button"] == f"Betaal {seen['total']}", seen
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert browser.save_screenshot(str(SHOTS / "portal-overview-phone.png"))
        assert _accessibility_violations(browser) == []
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_debtor_pays_two_invoices_from_the_reminder(served, browser):
    url, keys = served
    headers = {"X-Api-Key": keys["BAKKERIJ"]}
    client_id = httpx.get(f"{url}/api/v1/clients/BAKKERIJ", headers=headers).json()["client_id"]
    services = bootstrap.services()
    _fire_dunning(url)

    def reminder():  # type: ignore[no-untyped-def]
        records, _ = services.messaging.outbox.list(client_id)
        return next((m for m in records if m.key.startswith("dun|") and m.to == "j.devries@example.nl"
                     and m.status.value == "sent"), None)  # fmt: skip

    sent = _wait(reminder)
    text = services.messaging.content(client_id, sent.key).text
    links = re.findall(r"http://\S+/api/p/[A-Za-z0-9_.-]+(?:/pay)?", text)
    # the session's Azurite is shared by the e2e modules: the reminder may have been sent by an
    # earlier module's host, on another port; its token is just as good on this one
    portal_link = (
        url
        + "/api/p/"
        + next(lnk for lnk in links if not lnk.endswith("/pay")).split("/api/p/", 1)[1]
    )
    assert any(link.endswith("/pay") for link in links), "the reminder carries a payment link too"

    browser.get(portal_link)
    assert "/api/p/" not in browser.current_url, "the token leaves the address bar at once"
    _wait(lambda: all(x in browser.page_source for x in ("F-0001", "F-0002", "J. de Vries")))
    _shot(browser, "portal-overview")
    assert _accessibility_violations(browser) == []

    browser.find_element(
        By.CSS_SELECTOR, "form[action='/api/portal/pay'] button[type=submit]"
    ).click()
    _wait(lambda: "SIMULATION" in browser.page_source)
    browser.find_element(By.CSS_SELECTOR, "button[value=paid]").click()
    _wait(lambda: "Uw betaling is gelukt" in browser.page_source)
    _shot(browser, "portal-paid")

    def paid() -> bool:
        statuses = {
            n: httpx.get(f"{url}/api/v1/clients/BAKKERIJ/invoices/{n}", headers=headers).json()[
                "status"
            ]
            for n in ("F-0001", "F-0002")
        }
        return set(statuses.values()) == {"paid"}

    _wait(paid)  # the webhook went through the queue and booked by law

    before = {m.key for m in services.messaging.outbox.list(client_id)[0]}
    _fire_dunning(url)
    time.sleep(3)
    after = services.messaging.outbox.list(client_id)[0]
    new = [m for m in after if m.key not in before and m.to == "j.devries@example.nl"]
    assert new == [], "nobody is chased for invoices just paid"
    browser.get(f"{url}/api/portal")
    _wait(lambda: "Er staat niets meer open" in browser.page_source)


def test_postponement_and_dispute_from_the_portal(served, browser):
    url, keys = served
    headers = {"X-Api-Key": keys["BAKKERIJ"]}
    client_id = httpx.get(f"{url}/api/v1/clients/BAKKERIJ", headers=headers).json()["client_id"]
    links = bootstrap.services().portal.links

    browser.get(links.portal_link(client_id, "D-1002"))
    browser.find_element(
        By.CSS_SELECTOR, "form[action='/api/portal/postpone'] input[value='F-0003']"
    ).click()
    until = browser.find_element(By.ID, "pp-until")
    latest = until.get_attribute("max")
    browser.execute_script("arguments[0].value = arguments[1]", until, latest)
    browser.find_element(By.ID, "pp-reason").send_keys("Wachten op betaling van onze opdrachtgever")
    browser.find_element(By.CSS_SELECTOR, "form[action='/api/portal/postpone'] button").click()
    _wait(lambda: "verzoek om uitstel is ontvangen" in browser.page_source)
    _shot(browser, "portal-postponement")

    browser.get(links.portal_link(client_id, "D-2002"))
    _wait(lambda: "Your open invoices" in browser.page_source)  # Northwind reads English
    browser.find_element(By.ID, "dp-reason").send_keys("Goods never arrived")
    browser.find_element(By.CSS_SELECTOR, "form[action='/api/portal/dispute'] button").click()
    _wait(lambda: "Your dispute was received" in browser.page_source)
    assert _accessibility_violations(browser) == []

    actions = httpx.get(f"{url}/api/v1/clients/BAKKERIJ/actions", headers=headers).json()["items"]
    request = next(a for a in actions if a["kind"] == "postponement_request")
    assert (
        request["invoice_numbers"] == ["F-0005"] and request["debtor"]
        if "debtor" in request
        else True
    )
    assert (
        httpx.get(f"{url}/api/v1/clients/BAKKERIJ/invoices/F-0006", headers=headers).json()[
            "status"
        ]
        == "disputed"
    )
