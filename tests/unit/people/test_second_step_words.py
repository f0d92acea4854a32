"""newcomer15b #2 and #3: the second sign-in step. The language chosen on the sign-in page
carries through both steps, and without a choice the second step speaks the person's own
language (the half-signed session knows him), not the browser's (a Dutch credit manager in an
English browser got "Second step", "Verify"). A TOTP code used within its 30 s is refused
(RFC 6238 §5.2) with "the code has just been used: wait for the next", not "e-mail, password
or code is not right", and mails no "sign-in details changed" alarm on each retry."""

from __future__ import annotations

import pyotp

from shared.api.console.app import ConsoleApp
from shared.domain.people.audit import Event
from shared.domain.people.authorisation import Role, Target
from tests.unit.people.conftest import make_person
from tests.unit.people.test_console_pages import Browser, csrf_of


def _person(world, tenants):  # type: ignore[no-untyped-def]
    return make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "nl@c1.example")


def test_the_chosen_language_carries_through_the_second_step(world, tenants):  # type: ignore[no-untyped-def]
    person = _person(world, tenants)  # language nl; the browser asks for English
    browser = Browser(ConsoleApp(world.services))
    chosen = browser.get("/login?lang=en")
    assert b'action="/api/console/login?lang=en"' in chosen.encoded()
    step1 = browser.post("/login?lang=en", {"email": person.email, "password": person.password,
                                            "csrf": csrf_of(chosen)})  # fmt: skip
    assert step1.headers["Location"] == "/api/console/login/second-factor?lang=en"
    second = browser.get("/login/second-factor?lang=en").encoded().decode()
    assert "Second step" in second and 'action="/api/console/login/second-factor?lang=en"' in second
    # without a choice: the person's own language, whatever the browser says
    browser = Browser(ConsoleApp(world.services))
    page = browser.get("/login")
    browser.post(
        "/login", {"email": person.email, "password": person.password, "csrf": csrf_of(page)}
    )
    second_page = browser.get("/login/second-factor")
    assert (
        "Tweede stap" in second_page.encoded().decode()
        and "Controleren" in second_page.encoded().decode()
    )
    wrong = browser.post("/login/second-factor", {"do": "verify", "code": "000000",
                                                  "csrf": csrf_of(second_page)})  # fmt: skip
    assert wrong.status == 401 and "klopt niet" in wrong.encoded().decode()


def test_a_code_used_within_its_step_says_so_and_mails_no_alarm(world, tenants):  # type: ignore[no-untyped-def]
    person = _person(world, tenants)
    code = pyotp.TOTP(person.secret).at(world.clock.now())

    def half_signed() -> tuple[Browser, str]:
        browser = Browser(ConsoleApp(world.services))
        page = browser.get("/login?lang=nl")
        browser.post("/login?lang=nl", {"email": person.email, "password": person.password,
                                        "csrf": csrf_of(page)})  # fmt: skip
        return browser, csrf_of(browser.get("/login/second-factor?lang=nl"))

    browser, token = half_signed()
    done = browser.post(
        "/login/second-factor?lang=nl", {"do": "verify", "code": code, "csrf": token}
    )
    assert done.status == 303
    kit = world.services.people.kit
    mailed = len(kit.sent)
    browser, token = half_signed()  # signed out, in again within the code's 30 s
    for _ in range(2):  # he types what his app still shows, twice
        again = browser.post("/login/second-factor?lang=nl",
                             {"do": "verify", "code": code, "csrf": token})  # fmt: skip
        body = again.encoded().decode()
        assert (
            again.status == 401 and "Deze code is net gebruikt" in body and "klopt niet" not in body
        )
    assert len(kit.sent) == mailed  # no "Uw aanmeldgegevens zijn gewijzigd" per try
    audit = kit.people.audit
    client_id = kit.people.users.get(person.user_id)[0].client_id
    events = [e.event for e in audit.between(f"client:{client_id}", "0", "z")]
    assert Event.TOTP_REPLAYED in events  # the replay is still refused and logged
    world.clock.advance(seconds=60)  # the next code signs in
    nxt = pyotp.TOTP(person.secret).at(world.clock.now())
    assert browser.post("/login/second-factor?lang=nl",
                        {"do": "verify", "code": nxt, "csrf": token}).status == 303  # fmt: skip


def test_the_chosen_language_holds_on_the_first_page_after_sign_in(world, tenants):  # type: ignore[no-untyped-def]
    """newcomer15c #2: a Dutch person signing in on the English sign-in page saw both steps in
    English, then was sent to /today without ?lang= and landed on "Vandaag" (html lang nl)."""
    person = _person(world, tenants)  # his own language: nl
    browser = Browser(ConsoleApp(world.services))
    page = browser.get("/login?lang=en")
    browser.post("/login?lang=en", {"email": person.email, "password": person.password,
                                    "csrf": csrf_of(page)})  # fmt: skip
    second = browser.get("/login/second-factor?lang=en")
    code = pyotp.TOTP(person.secret).at(world.clock.now())
    done = browser.post("/login/second-factor?lang=en",
                        {"do": "verify", "code": code, "csrf": csrf_of(second)})  # fmt: skip
    assert done.status == 303 and done.headers["Location"] == "/api/console/today?lang=en"
    home = browser.get("/today?lang=en").encoded().decode()
    assert '<html lang="en"' in home
    # the step opened again once signed in sends on to the same language's first page
    again = browser.get("/login/second-factor?lang=en")
    assert again.headers["Location"] == "/api/console/today?lang=en"
    # without a choice the first page is the person's own language, as before
    browser = Browser(ConsoleApp(world.services))
    page = browser.get("/login")
    browser.post("/login", {"email": person.email, "password": person.password,
                            "csrf": csrf_of(page)})  # fmt: skip
    second = browser.get("/login/second-factor")
    world.clock.advance(seconds=60)  # the next code: the first one is spent
    code = pyotp.TOTP(person.secret).at(world.clock.now())
    done = browser.post("/login/second-factor", {"do": "verify", "code": code,
                                                 "csrf": csrf_of(second)})  # fmt: skip
    assert done.headers["Location"] == "/api/console/today"
