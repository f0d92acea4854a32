"""A person in a real headless Chromium: sign in with a password and a TOTP code, see the
account, sign out; accept an invitation and enrol an authenticator app. axe-core checks each
sign-in page (WCAG 2.1 A and AA). The session cookie's ``__Host-`` prefix needs Secure, which
Chromium accepts on http://localhost: this proves it. Screenshots go to build/screenshots."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pyotp
import pytest
from selenium.webdriver.common.by import By

from shared import bootstrap
from shared.domain.people.authorisation import Role, Target
from shared.domain.people.sessions import COOKIE
from tests.e2e.conftest import serving
from tests.e2e.test_portal_in_chromium import (
    _accessibility_violations,
    _free_port,
    _shot,
    _wait,
    browser,  # noqa: F401 - the module's Chromium fixture
)
from tools.demo_people import seed_people


@pytest.fixture(scope="module")
def served_console(
    storage_connection, tmp_path_factory
) -> Iterator[tuple[str, dict[str, dict[str, str]]]]:
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


def _fill(driver, field_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    element = driver.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(text)


def _submit(driver, form_action: str) -> None:  # type: ignore[no-untyped-def]
    driver.find_element(
        By.CSS_SELECTOR, f"form[action^='{form_action}'] button[type=submit]"
    ).click()


def test_sign_in_with_totp(served_console, browser):  # noqa: F811
    url, users = served_console
    staff = users["client_staff"]
    browser.delete_all_cookies()
    browser.get(f"{url}/api/console/login?lang=en")
    _wait(lambda: "Sign in" in browser.page_source)
    assert _accessibility_violations(browser) == []
    _shot(browser, "console-login")
    _fill(browser, "email", staff["email"])
    _fill(browser, "password", staff["password"])
    _submit(browser, "/api/console/login")
    _wait(lambda: "/login/second-factor" in browser.current_url)
    pre_auth = next(c["value"] for c in browser.get_cookies() if c["name"] == COOKIE)
    assert _accessibility_violations(browser) == []
    _shot(browser, "console-second-factor")
    _fill(browser, "code", pyotp.TOTP(staff["totp_secret"]).now())
    _submit(browser, "/api/console/login/second-factor")
    # lands on Today, in the language chosen on the sign-in page (newcomer15c #2)
    _wait(lambda: urlsplit(browser.current_url).path.endswith("/api/console/today"))
    assert urlsplit(browser.current_url).query == "lang=en"
    browser.get(f"{url}/api/console/account")
    _wait(lambda: staff["email"] in browser.page_source)
    cookie = next(c for c in browser.get_cookies() if c["name"] == COOKIE)
    assert (
        cookie["secure"]
        and cookie["httpOnly"]
        and cookie["sameSite"] == "Lax"
        and cookie["path"] == "/"
    )
    assert cookie["value"] != pre_auth  # a new id after sign-in
    assert _accessibility_violations(browser) == []
    _shot(browser, "console-account")
    browser.find_element(By.CSS_SELECTOR, "header form button[type=submit]").click()
    _wait(lambda: "/api/console/logout" in browser.current_url)
    assert not any(c["name"] == COOKIE for c in browser.get_cookies())
    browser.get(f"{url}/api/console/account")
    _wait(lambda: "/api/console/login" in browser.current_url)


def test_invitation_enrols_an_authenticator_app(served_console, browser):  # noqa: F811
    url, _ = served_console
    services = bootstrap.services()
    client_id = services.repos.clients.id_for_number("demo-agency", "BAKKERIJ")
    assert client_id
    email = f"nieuw{_free_port()}@korenbloem.example"
    _, link = services.people.admin.invite_into(
        Target("demo-agency", client_id), email, Role.CLIENT_STAFF, "e2e"
    )
    browser.delete_all_cookies()
    browser.get(url + "/api/console/invite/" + link.rsplit("/", 1)[1] + "?lang=en")
    _wait(lambda: "Welcome to Inning" in browser.page_source)
    assert _accessibility_violations(browser) == []
    _fill(browser, "password", "drie woorden achter elkaar")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    _wait(lambda: "Set up your second factor" in browser.page_source)
    browser.find_element(By.CSS_SELECTOR, "input[value='totp-start'] ~ button").click()
    _wait(lambda: "totp-secret" in browser.page_source)
    assert _accessibility_violations(browser) == []
    _shot(browser, "console-enrol")
    secret = browser.find_element(By.ID, "totp-secret").text
    _fill(browser, "totp-code", pyotp.TOTP(secret).now())
    browser.find_element(By.CSS_SELECTOR, "input[value='totp-confirm'] ~ button").click()
    _wait(lambda: "recovery-codes" in browser.page_source)
    codes = re.findall(r"[a-z2-9]{4}(?:-[a-z2-9]{4}){5}", browser.page_source)
    assert len(set(codes)) == 10
    assert _accessibility_violations(browser) == []
    for path in ("reset", "signup"):
        browser.get(f"{url}/api/console/{path}?lang=en")
        assert _accessibility_violations(browser) == [], path


def test_a_session_on_the_api_through_the_host(served_console):
    """The console's session works on /api/v1 through the real host: reads with the cookie,
    writes only with X-CSRF-Token (ASVS 5.0 3.5.1); the sign-in mail of an agency's own
    people is on the local outbox page."""
    import httpx

    url, users = served_console
    admin = users["agency_admin"]

    def cookie_of(response: httpx.Response, name: str) -> str:
        header = next(
            v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(name)
        )
        return header.split(";")[0].split("=", 1)[1]

    with httpx.Client(base_url=url, follow_redirects=False) as http:
        page = http.get("/api/console/login")
        pre = cookie_of(page, "__Host-inning_pre")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        jar = {"cookie": f"__Host-inning_pre={pre}"}
        step1 = http.post(
            "/api/console/login",
            data={"email": admin["email"], "password": admin["password"], "csrf": csrf},
            headers=jar,
        )
        assert step1.status_code == 303
        pending = cookie_of(step1, COOKIE)
        second = http.get(
            "/api/console/login/second-factor", headers={"cookie": f"{COOKIE}={pending}"}
        )
        csrf = re.search(r'name="csrf" value="([^"]+)"', second.text).group(1)  # type: ignore[union-attr]
        done = http.post("/api/console/login/second-factor", data={"do": "verify", "code": pyotp.TOTP(admin["totp_secret"]).now(), "csrf": csrf},
                         headers={"cookie": f"{COOKIE}={pending}"})  # fmt: skip
        assert done.status_code == 303
        session = {"cookie": f"{COOKIE}={cookie_of(done, COOKIE)}"}
        me = http.get("/api/v1/me", headers=session).json()
        assert me["role"] == "agency_admin" and me["agency_id"] == "demo-agency"
        account = http.get("/api/console/account", headers=session)
        token = re.search(r'name="csrf" value="([^"]+)"', account.text).group(1)  # type: ignore[union-attr]
        body = {"text_nl": "Test", "text_en": "Test", "starts": "2025-01-01", "ends": "2025-01-02"}
        assert http.post("/api/v1/broadcasts", json=body, headers=session).status_code == 403
        assert (
            http.post(
                "/api/v1/broadcasts", json=body, headers={**session, "X-CSRF-Token": token}
            ).status_code
            == 201
        )
        outbox = http.get("/api/outbox")
        assert admin["email"] in outbox.text and "@agency.demo-agency" in outbox.text
