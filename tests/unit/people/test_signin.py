"""Signing in: password, TOTP, SMS and recovery codes, back-off, sessions. Each test names
the OWASP ASVS 5.0 requirement it checks."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from shared.domain.people.audit import Event
from shared.domain.people.authorisation import Role, Target
from shared.domain.people.passwords import hash_password, password_error, verify_password
from shared.services.people.kit import Throttled
from shared.services.people.signin import SignInFailed, SmsLimited
from tests.unit.people.conftest import PASSWORD, last_sms_code, make_person, sign_in


@pytest.fixture
def staff(world, tenants):
    return make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "staff@c1.example")


def _first(world, person, source="10.0.0.1"):
    return world.services.people.signin.password(person.email, person.password, source)


def _totp(person, world, offset_steps=0):
    return pyotp.TOTP(person.secret).at(world.clock.now(), counter_offset=offset_steps)


def _events(world, user_id):
    store = world.services.people.kit.people.audit
    return [
        e.event
        for e in store.between(
            f"client:{world.services.people.kit.people.users.get(user_id)[0].client_id}", "0", "z"
        )
    ]


# -- passwords -------------------------------------------------------------------------------------
def test_passwords_length_not_composition_and_not_common():
    """6.2.1 at least 8 characters; 6.2.5 no composition rules; 6.2.4 the common-password list;
    6.2.9 at least 64 characters allowed."""
    assert password_error("kort1!") is not None
    assert password_error("password123") is not None  # on the list
    assert password_error("Password123") is not None  # the list is case-insensitive
    assert password_error("iloveyou2") is not None
    assert password_error("alleen kleine letters zonder cijfers") is None  # no composition rules
    assert password_error("x" * 64 + "yz") is None


def test_context_words_and_the_address_are_refused():
    """6.2.11 a documented list of context-specific words."""
    assert password_error("Inning2025!!") is not None
    assert password_error("jan.jansen77", email="jan.jansen@example.nl") is not None
    assert password_error("boekhouding bij de bakker", email="jan@example.nl") is None


def test_the_password_is_verified_exactly_as_typed():
    """6.2.8 no truncation, no case change, no normalisation of what is verified."""
    stored = hash_password("Zeer Lang Wachtwoord")
    assert not verify_password(stored, "zeer lang wachtwoord")
    assert not verify_password(stored, "Zeer Lang Wachtwoor")
    assert not verify_password(hash_password("ﬁets ﬁets ﬁets"), "fiets fiets fiets")  # NFKC twins


def test_passwords_are_hashed_with_argon2id():
    """11.4.2 a password hash with a salt: argon2id."""
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert stored != hash_password(PASSWORD)  # salted
    assert verify_password(stored, PASSWORD) and not verify_password(stored, PASSWORD + "x")
    assert not verify_password(None, PASSWORD)


# -- TOTP ------------------------------------------------------------------------------------------
def test_totp_sign_in_and_replay(world, staff):
    """6.5.1 a TOTP is usable once; 2.8.5 (4.0.3) a replay is logged and refused as used (the
    page tells the person to wait for the next code: newcomer15b #3)."""
    first = _first(world, staff)
    code = _totp(staff, world)
    world.services.people.signin.second_factor(first.cookie, code, "10.0.0.1")
    again = _first(world, staff)
    with pytest.raises(SignInFailed):
        world.services.people.signin.second_factor(again.cookie, code, "10.0.0.1")
    assert Event.TOTP_REPLAYED in _events(world, staff.user_id)


def test_totp_one_step_of_drift_either_way(world, staff):
    """6.5.5 a defined lifetime: the current step and one either side (RFC 6238 5.2), no more."""
    signin = world.services.people.signin
    for offset, ok in ((-2, False), (2, False), (-1, True), (1, True)):
        world.clock.advance(seconds=90)
        first = _first(world, staff)
        code = _totp(staff, world, offset)
        if ok:
            signin.second_factor(first.cookie, code, "10.0.0.1")
        else:
            with pytest.raises(SignInFailed):
                signin.second_factor(first.cookie, code, "10.0.0.1")


def test_totp_secret_is_160_bits(world, staff):
    """6.5.3 from a CSPRNG; the key length RFC 4226 recommends."""
    assert len(staff.secret) == 32  # base32: 5 bits a character


# -- SMS -------------------------------------------------------------------------------------------
def test_sms_code_works_once_and_is_stored_hashed(world, sms_person):
    """6.5.1 once; 6.5.4 six random digits; 2.7.5 (4.0.3) only a hash is stored."""
    signin = world.services.people.signin
    first = _first(world, sms_person)
    code = last_sms_code(world, sms_person.user_id)
    stored = world.services.people.kit.people.sms.get(
        sms_person.user_id, first.session.sms_challenge
    )[0]
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    signin.second_factor(first.cookie, code, "10.0.0.1")
    second = _first(world, sms_person)
    with pytest.raises(SignInFailed):  # the old code on the new attempt
        signin.second_factor(second.cookie, code, "10.0.0.1")


def test_sms_code_expires_after_ten_minutes(world, sms_person):
    """6.5.5 an out-of-band code lives at most 10 minutes."""
    first = _first(world, sms_person)
    code = last_sms_code(world, sms_person.user_id)
    world.clock.advance(minutes=9, seconds=59)
    # the pending sign-in itself also lives 10 minutes: check the challenge directly
    signed = world.services.people.signin.resolve(first.cookie, full=False)
    assert signed is not None
    world.clock.advance(seconds=1)
    assert not world.services.people.signin.check_sms(first, code)


def test_sms_code_five_tries_then_dead(world, sms_person):
    """6.6.3 out-of-band codes are protected against brute force: at most 5 tries."""
    signin = world.services.people.signin
    first = _first(world, sms_person)
    code = last_sms_code(world, sms_person.user_id)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert not signin.check_sms(first, wrong)
    assert not signin.check_sms(first, code)  # right, but too late


def test_sms_rate_limited_per_user_and_per_number(world, sms_person, tenants):
    """6.6.3 rate limiting: 5 codes an hour per user, 10 a day per number."""
    signin = world.services.people.signin
    first = _first(world, sms_person)  # sends one
    for _ in range(4):
        first = signin.send_sms(first)
    with pytest.raises(SmsLimited):
        signin.send_sms(first)
    world.clock.advance(hours=1)
    for _ in range(5):
        first = signin.send_sms(first)
    with pytest.raises(SmsLimited):  # the number's daily limit (10), though the hour is new
        world.clock.advance(hours=1)
        signin.send_sms(first)


# -- recovery codes --------------------------------------------------------------------------------
def test_ten_recovery_codes_each_once(world, staff):
    """6.5.1 lookup secrets once; 6.5.2 at least 112 bits, stored as a keyed hash."""
    signin = world.services.people.signin
    assert len(staff.codes) == 10 and len(set(staff.codes)) == 10
    first = _first(world, staff)
    signin.second_factor(first.cookie, staff.codes[0], "10.0.0.1")
    again = _first(world, staff)
    with pytest.raises(SignInFailed):
        signin.second_factor(again.cookie, staff.codes[0], "10.0.0.1")
    signin.second_factor(again.cookie, staff.codes[1].upper().replace("-", " "), "10.0.0.1")
    user = world.services.people.kit.people.users.get(staff.user_id)[0]
    assert len(user.recovery_hashes) == 8
    assert all(c not in "".join(user.recovery_hashes) for c in staff.codes)


# -- back-off --------------------------------------------------------------------------------------
def test_back_off_per_account_without_permanent_lock_out(world, staff):
    """6.3.1 credential stuffing and brute force slowed per account; no lock-out an attacker
    can make permanent: after the wait the right password works."""
    signin = world.services.people.signin
    for i in range(5):
        with pytest.raises(SignInFailed):
            signin.password(staff.email, "wrong password", f"10.1.0.{i}")
    with pytest.raises(Throttled) as waited:
        signin.password(staff.email, staff.password, "10.2.0.1")  # even the right one waits
    world.clock.advance(seconds=waited.value.seconds)
    assert signin.password(staff.email, staff.password, "10.2.0.1").user.user_id == staff.user_id
    world.clock.advance(hours=1)


def test_back_off_per_address_across_accounts(world, staff):
    """6.3.1 one address trying many accounts is slowed down too; unknown addresses count."""
    signin = world.services.people.signin
    for i in range(20):
        with pytest.raises(SignInFailed):
            signin.password(f"nobody{i}@example.nl", "whatever it is", "192.0.2.7")
    with pytest.raises(Throttled):  # the 21st from that address waits, whichever account
        signin.password(staff.email, staff.password, "192.0.2.7")
    assert signin.password(staff.email, staff.password, "198.51.100.1")  # another address is fine


def test_unknown_and_wrong_are_the_same_failure(world, staff):
    """6.3.8 no enumeration: the same exception for an unknown address and a wrong password."""
    signin = world.services.people.signin
    with pytest.raises(SignInFailed):
        signin.password("unknown@example.nl", staff.password, "10.3.0.1")
    with pytest.raises(SignInFailed):
        signin.password(staff.email, "not the password", "10.3.0.2")


# -- sessions --------------------------------------------------------------------------------------
def test_new_session_id_after_sign_in_and_after_factor_change(world, staff):
    """7.2.4 a new session id at authentication and re-authentication (no fixation)."""
    signin = world.services.people.signin
    first = _first(world, staff)
    done = signin.second_factor(first.cookie, _totp(staff, world), "10.0.0.1")
    assert done.cookie != first.cookie
    assert signin.resolve(first.cookie, full=False) is None  # the pre-auth id is dead
    assert signin.resolve(done.cookie) is not None
    accounts = world.services.people.accounts
    secret, _, _ = accounts.start_totp(done)
    world.clock.advance(seconds=30)
    changed, _ = accounts.confirm_totp(done, pyotp.TOTP(secret).at(world.clock.now()), "10.0.0.1")
    assert changed.cookie != done.cookie and signin.resolve(done.cookie) is None
    assert signin.resolve(changed.cookie) is not None


def test_a_half_signed_in_session_reaches_nothing(world, staff):
    """6.3.3 the second factor is required: after the password alone there is no session."""
    first = _first(world, staff)
    assert world.services.people.signin.resolve(first.cookie) is None  # full=True


def test_idle_and_absolute_timeouts(world, staff):
    """7.3.1 idle timeout of 30 minutes; 7.3.2 absolute lifetime of 12 hours."""
    signin = world.services.people.signin
    signed = sign_in(world, staff)
    world.clock.advance(minutes=29)
    assert signin.resolve(signed.cookie) is not None  # and touched
    world.clock.advance(minutes=29)
    assert signin.resolve(signed.cookie) is not None
    world.clock.advance(minutes=31)
    assert signin.resolve(signed.cookie) is None  # idle
    signed = sign_in(world, staff)
    started = signed.session.created_at
    while world.clock.now() - started < timedelta(hours=11, minutes=30):
        world.clock.advance(minutes=29)
        assert signin.resolve(signed.cookie) is not None  # active, so never idle
    world.clock.advance(minutes=31)  # now past 12 hours since sign-in
    assert signin.resolve(signed.cookie) is None


def test_sign_out_and_revocation(world, staff):
    """7.4.1 sign-out ends the session on the server; 7.4.3 the user ends their others."""
    signin, accounts = world.services.people.signin, world.services.people.accounts
    one = sign_in(world, staff)
    two = sign_in(world, staff)
    assert len(accounts.sessions(two)) == 3  # with the one from enrolment
    kept = accounts.end_other_sessions(two, "10.0.0.1")
    assert signin.resolve(one.cookie) is None and signin.resolve(two.cookie) is None
    assert signin.resolve(kept.cookie) is not None
    signin.sign_out(kept.cookie)
    assert signin.resolve(kept.cookie) is None


def test_mail_on_new_sign_in(world, staff):
    """6.3.7 (L3, done anyway) the user is told of a new sign-in."""
    sign_in(world, staff)
    key = world.services.people.kit.sent[-1]
    user = world.services.people.kit.people.users.get(staff.user_id)[0]
    message, _ = world.services.messaging.outbox.get(user.client_id, key)
    assert message.to == staff.email
    assert (
        "sign" in world.services.messaging.content(user.client_id, key).subject.lower()
        or "aanmelding" in world.services.messaging.content(user.client_id, key).subject.lower()
    )
