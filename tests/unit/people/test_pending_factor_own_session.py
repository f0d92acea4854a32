"""A factor change started with the password (the app's QR shown) and left unconfirmed is
finished only by the session that started it (attack24 F1): any other session of the person
(a second device, a borrowed PC) was shown the secret again on the account page and confirmed
it, the re-authentication (ASVS 5.0 7.5.1) bypassed, the factor and recovery codes taken."""

from __future__ import annotations

import re

import pyotp

from shared.api.console.app import ConsoleApp
from shared.domain.people.authorisation import Role, Target
from shared.domain.people.sessions import COOKIE
from tests.unit.people.conftest import PASSWORD, last_sms_code, link_token, make_person, sign_in
from tests.unit.people.test_console_pages import Browser, _signed_in_browser, csrf_of

_SECRET = re.compile(rb'id="totp-secret">([A-Z2-7]+)<')


def test_another_session_neither_sees_nor_confirms_a_change_left_half_done(world, tenants):
    person = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", tenants.c1), "p@c1.example")
    owner = _signed_in_browser(world, person)
    account = owner.get("/account?factor=change")
    started = owner.post(
        "/account", {"do": "totp-start", "csrf": csrf_of(account), "current": person.password}
    )
    found = _SECRET.search(started.encoded())
    assert found is not None
    secret = found.group(1).decode()
    world.clock.advance(minutes=5)  # the owner walks away
    other = Browser(ConsoleApp(world.services))
    other.jar[COOKIE] = sign_in(world, person, "10.9.9.9").cookie
    page = other.get("/account?factor=change")
    assert page.status == 200 and secret.encode() not in page.encoded()
    assert _SECRET.search(page.encoded()) is None
    code = pyotp.TOTP(secret).at(world.clock.now())
    taken = other.post("/account", {"do": "totp-confirm", "csrf": csrf_of(page), "code": code})
    assert taken.status == 400 and b"recovery-codes" not in taken.encoded()
    users = world.services.people.kit.people.users
    assert users.get(person.user_id)[0].totp_secret == person.secret
    # the session that started it still finishes it
    again = owner.get("/account?factor=change")
    assert secret.encode() in again.encoded()
    done = owner.post("/account", {"do": "totp-confirm", "csrf": csrf_of(again), "code": code})
    assert done.status == 200 and b"recovery-codes" in done.encoded()
    assert users.get(person.user_id)[0].totp_secret == secret


def test_enrolling_by_sms_after_the_app_leaves_no_secret_waiting(world, tenants):
    people = world.services.people
    user, link = people.admin.invite_into(
        Target("agency-a", tenants.c1), "s@c1.example", Role.CLIENT_ADMIN, "test"
    )
    enrolling = people.accounts.accept_invitation(link_token(link), PASSWORD, "10.0.0.1")
    people.accounts.start_totp(enrolling)  # the app first, then SMS instead
    enrolling = people.accounts.start_sms(enrolling, "+31612345678")
    people.accounts.confirm_sms(enrolling, last_sms_code(world, user.user_id), "10.0.0.1")
    stored = people.kit.people.users.get(user.user_id)[0]
    assert people.accounts.pending_totp(stored) is None
