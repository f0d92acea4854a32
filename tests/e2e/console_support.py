"""What the console's Chromium tests share: the app served on its own port with the demo
people (one per role, TOTP enrolled), signing in through the real pages, and the check every
page gets (axe-core's WCAG 2.1 A/AA rules, a screenshot at laptop width)."""

from __future__ import annotations

from collections.abc import Iterator

import pyotp
import pytest
from selenium.webdriver.common.by import By

from shared import bootstrap
from tests.e2e.conftest import serving
from tests.e2e.test_portal_in_chromium import SHOTS, _accessibility_violations, _free_port, _wait

Users = dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def served_console(storage_connection, tmp_path_factory) -> Iterator[tuple[str, Users]]:  # type: ignore[no-untyped-def]
    """The local host on a free port with the demo agency, client BAKKERIJ and its people."""
    from tools.demo_people import seed_people

    port = _free_port()
    data = tmp_path_factory.mktemp("data")
    with serving(
        storage_connection,
        data,
        port=port,
        INNING_CONTACT_HOURS="00:00-23:59",
        INNING_PUBLIC_BASE_URL=f"http://localhost:{port}",
    ) as (_, _keys):
        users = seed_people(bootstrap.services(), data)
        yield f"http://localhost:{port}", users


def fill(driver, field_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    element = driver.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(text)


def sign_in(driver, url: str, user: dict[str, str], lang: str = "en") -> None:  # type: ignore[no-untyped-def]
    """Password, then the TOTP code, through the pages a person uses."""
    driver.delete_all_cookies()
    driver.get(f"{url}/api/console/login?lang={lang}")
    fill(driver, "email", user["email"])
    fill(driver, "password", user["password"])
    driver.find_element(By.CSS_SELECTOR, "form[action^='/api/console/login'] button").click()
    _wait(lambda: "/login/second-factor" in driver.current_url)
    fill(driver, "code", pyotp.TOTP(user["totp_secret"]).now())
    driver.find_element(
        By.CSS_SELECTOR, "form[action^='/api/console/login/second-factor'] button[type=submit]"
    ).click()
    _wait(lambda: "/login" not in driver.current_url)


def checked(driver, name: str, width: int = 1280) -> None:  # type: ignore[no-untyped-def]
    """No axe violation on the page as shown; a screenshot ``console-<name>.png`` (the
    README's copies live in docs/screenshots/)."""
    assert _accessibility_violations(driver) == [], name
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(width, max(800, min(int(height) + 100, 4000)))
    assert driver.save_screenshot(str(SHOTS / f"console-{name}.png"))
    driver.set_window_size(420, 1400)
