"""The console's pages without a browser: the cookie's attributes, CSRF on every form, the
sign-in flow, and the same answer for a reset of any address. ASVS 5.0 3.3.1-3.3.4 (cookie
attributes), 3.5.1 (anti-forgery tokens on forms), 6.3.8 (no enumeration), 3.4.3 (CSP)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pyotp

from shared.api.console.app import PRE, ConsoleApp
from shared.api.http import ApiRequest, ApiResponse
from shared.domain.people.authorisation import Role, Target
from shared.domain.people.sessions import COOKIE
from tests.unit.people.conftest import make_person


class Browser:
    def __init__(self, app: ConsoleApp) -> None:
        self.app = app
        self.jar: dict[str, str] = {}
        self.set_cookies: list[str] = []

    def _send(self, method: str, path: str, data: dict[str, str] | None = None) -> ApiResponse:
        headers = {
            "cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items()),
            "accept-language": "en",
        }
        body = urlencode(data or {}).encode()
        path, _, query = path.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&")) if query else {}
        response = self.app.handle(ApiRequest(method, path, headers, params, body))
        cookie = response.headers.get("Set-Cookie")
        if cookie:
            self.set_cookies.append(cookie)
            name, _, rest = cookie.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in cookie:
                self.jar.pop(name, None)
            else:
                self.jar[name] = value
        return response

    def get(self, path: str) -> ApiResponse:
        return self._send("GET", path)

    def post(self, path: str, data: dict[str, str]) -> ApiResponse:
        return self._send("POST", path, data)


def csrf_of(page: ApiResponse) -> str:
    match = re.search(rb'name="csrf" value="([^"]+)"', page.encoded())
    assert match, page.encoded()[:400]
    return match.group(1).decode()


def test_sign_in_with_totp_and_the_cookie(world, tenants):
    person = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "web@c1.example")
    browser = Browser(ConsoleApp(world.services))
    page = browser.get("/login")
    assert page.status == 200 and PRE in browser.jar
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    forged = browser.post(
        "/login", {"email": person.email, "password": person.password, "csrf": "x" * 32}
    )
    assert forged.status == 403
    step1 = browser.post(
        "/login", {"email": person.email, "password": person.password, "csrf": csrf_of(page)}
    )
    assert step1.status == 303 and step1.headers["Location"] == "/api/console/login/second-factor"
    cookie = browser.set_cookies[-1]
    assert cookie.startswith(f"{COOKIE}=")
    for attribute in ("Path=/", "Secure", "HttpOnly", "SameSite=Lax"):
        assert attribute in cookie
    assert "Domain" not in cookie
    pre_auth = browser.jar[COOKIE]
    second = browser.get("/login/second-factor")
    assert browser.get("/account").status == 303  # not signed in yet
    code = pyotp.TOTP(person.secret).at(world.clock.now())
    done = browser.post(
        "/login/second-factor", {"do": "verify", "code": code, "csrf": csrf_of(second)}
    )
    assert done.status == 303 and done.headers["Location"] == "/api/console/today"
    assert browser.jar[COOKIE] != pre_auth  # a new id after sign-in (7.2.4)
    account = browser.get("/account")
    assert account.status == 200 and person.email.encode() in account.encoded()
    bye = browser.post("/logout", {"csrf": csrf_of(account)})
    assert bye.status == 303 and COOKIE not in browser.jar
    assert world.services.people.signin.resolve(pre_auth, full=False) is None


def test_reset_page_answers_the_same_for_any_address(world, tenants):
    make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "known@c1.example")
    browser = Browser(ConsoleApp(world.services))
    answers = []
    for email in ("known@c1.example", "unknown@c1.example"):
        page = browser.get("/reset")
        reply = browser.post("/reset", {"email": email, "csrf": csrf_of(page)})
        answers.append((reply.status, re.sub(rb'(value|nonce)="[^"]+"', b"", reply.encoded())))
    assert answers[0] == answers[1]


def test_a_blank_address_gets_the_forms_own_answer_not_an_error(world, tenants):
    """newcomer13 #2: a form posted without the browser's own `required` check (a script, an
    old browser) sent an empty address to the key encoder: 500 on a public page."""
    make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "known@c1.example")
    for email in ("", " "):
        browser = Browser(ConsoleApp(world.services))
        page = browser.get("/login")
        signin = browser.post("/login", {"email": email, "password": "x", "csrf": csrf_of(page)})
        assert signin.status == 401, email
        page = browser.get("/reset")
        blank = browser.post("/reset", {"email": email, "csrf": csrf_of(page)})
        page = browser.get("/reset")
        unknown = browser.post("/reset", {"email": "nobody@c1.example", "csrf": csrf_of(page)})
        strip = re.compile(rb'(value|nonce)="[^"]+"')
        assert blank.status == unknown.status == 200
        assert strip.sub(b"", blank.encoded()) == strip.sub(b"", unknown.encoded())


def test_every_form_carries_a_csrf_token(world, tenants):
    browser = Browser(ConsoleApp(world.services))
    for path in ("/login", "/reset", "/signup"):
        body = browser.get(path).encoded()
        assert body.count(b"<form") == body.count(b'name="csrf"'), path


def _signed_in_browser(world, person):  # type: ignore[no-untyped-def]
    browser = Browser(ConsoleApp(world.services))
    page = browser.get("/login")
    browser.post(
        "/login", {"email": person.email, "password": person.password, "csrf": csrf_of(page)}
    )
    second = browser.get("/login/second-factor")
    code = pyotp.TOTP(person.secret).at(world.clock.now())
    browser.post("/login/second-factor", {"do": "verify", "code": code, "csrf": csrf_of(second)})
    world.clock.advance(seconds=30)
    return browser


def test_changing_the_factor_asks_the_password_again(world, tenants):
    """7.5.1 re-authentication before changing MFA settings; 6.3.7 a mail about the change."""
    person = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "re@c1.example")
    browser = _signed_in_browser(world, person)
    account = browser.get("/account?factor=change")
    csrf = csrf_of(account)
    refused = browser.post(
        "/account", {"do": "totp-start", "csrf": csrf, "current": "wrong password!"}
    )
    assert refused.status == 400 and b"<svg" not in refused.encoded()
    started = browser.post(
        "/account", {"do": "totp-start", "csrf": csrf, "current": person.password}
    )
    assert started.status == 200 and b"<svg" in started.encoded()
    found = re.search(rb'id="totp-secret">([A-Z2-7]+)<', started.encoded())
    assert found is not None
    secret = found.group(1).decode()
    before = browser.jar[COOKIE]
    done = browser.post(
        "/account",
        {"do": "totp-confirm", "csrf": csrf, "code": pyotp.TOTP(secret).at(world.clock.now())},
    )
    assert done.status == 200 and b"recovery-codes" in done.encoded()
    assert browser.jar[COOKIE] != before  # a new session id after a factor change (7.2.4)
    renew = browser.post(
        "/account", {"do": "recovery", "csrf": csrf_of(done), "current": "wrong password!"}
    )
    assert renew.status == 400


def test_the_account_page_speaks_the_persons_language_not_the_browsers(world, tenants):
    """The console's other pages follow the language the person chose; the account page
    followed the browser (English here) and showed the role's and the factor's codes."""
    person = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", tenants.c1), "nl@c1.example")
    browser = _signed_in_browser(world, person)  # its browser asks for English
    page = browser.get("/account").encoded().decode()
    assert '<html lang="nl">' in page
    assert "Wachtwoord wijzigen" in page and "Change password" not in page
    assert "beheerder" in page and "client_admin" not in page
    assert "Nu ingesteld: authenticator-app." in page
    switched = browser.get("/account?lang=en").encoded().decode()
    assert "Change password" in switched and "Now set: authenticator app." in switched
