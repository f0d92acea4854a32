"""failure24 F3: a storage 503 on the new session's write, after the second step's code was
accepted and spent. Before: the same form again was refused (its session ended first), the
code his app still showed was "already used" (counted as a failed attempt) and a recovery
code was lost for good. Now the password-stage session the code was entered in completes its
sign-in when the person tries again; no other session can use the spent code."""

from __future__ import annotations

import pyotp
import pytest
from azure.core.exceptions import HttpResponseError

from shared.domain.people.authorisation import Role, Target
from shared.domain.people.sessions import Stage
from shared.services.people.signin import CodeReused, SignInFailed
from tests.unit.people.conftest import last_sms_code, make_person


@pytest.fixture
def staff(world, tenants):
    return make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "staff@c1.example")


def _new_session_refused_once(world):
    sessions = world.services.people.kit.people.sessions
    real = sessions.add
    left = [1]

    def add(session):
        if left[0] and session.stage is Stage.FULL:
            left[0] -= 1
            error = HttpResponseError("503 ServerBusy (injected)")
            error.status_code = 503
            raise error
        return real(session)

    sessions.add = add


def _code(world, staff, how):
    return pyotp.TOTP(staff.secret).at(world.clock.now()) if how == "totp" else staff.codes[0]


@pytest.mark.parametrize("how", ["totp", "recovery"])
def test_the_same_form_again_signs_in_after_a_503_behind_the_spent_code(world, staff, how):
    signin = world.services.people.signin
    first = signin.password(staff.email, staff.password, "10.0.0.1")
    code = _code(world, staff, how)
    _new_session_refused_once(world)
    with pytest.raises(HttpResponseError):
        signin.second_factor(first.cookie, code, "10.0.0.1")
    world.clock.advance(seconds=5)
    done = signin.second_factor(first.cookie, code, "10.0.0.1")  # the page's "try again"
    assert done.session.stage is Stage.FULL
    assert signin.resolve(done.cookie) is not None and signin.resolve(first.cookie) is None
    user = world.services.people.kit.people.users.get(staff.user_id)[0]
    assert len(user.recovery_hashes) == (9 if how == "recovery" else 10)


@pytest.mark.parametrize("how", ["totp", "recovery"])
def test_another_session_cannot_use_the_spent_code(world, staff, how):
    signin = world.services.people.signin
    first = signin.password(staff.email, staff.password, "10.0.0.1")
    code = _code(world, staff, how)
    _new_session_refused_once(world)
    with pytest.raises(HttpResponseError):
        signin.second_factor(first.cookie, code, "10.0.0.1")
    other = signin.password(staff.email, staff.password, "10.0.0.2")
    with pytest.raises(CodeReused if how == "totp" else SignInFailed):
        signin.second_factor(other.cookie, code, "10.0.0.2")


# -- SMS (attack26: failure24 left it out) ---------------------------------------------------------
def _sms_sign_in_cut_after_its_code(world, person):
    """The password, the SMS code typed and accepted, then a 503 on the new session."""
    signin = world.services.people.signin
    first = signin.password(person.email, person.password, "10.0.0.1")
    code = last_sms_code(world, person.user_id)
    _new_session_refused_once(world)
    with pytest.raises(HttpResponseError):
        signin.second_factor(first.cookie, code, "10.0.0.1")
    return first, code


def test_an_sms_sign_in_cut_after_its_code_was_accepted_completes_on_retry(world, sms_person):
    """Before: the challenge was marked used, the new session's write refused, and the same form
    again answered 'wrong code' (counted as a failure): the person had to ask a new SMS, one of
    the 5 an hour. Now the session whose challenge it was completes with the same code."""
    signin = world.services.people.signin
    first, code = _sms_sign_in_cut_after_its_code(world, sms_person)
    world.clock.advance(seconds=5)
    done = signin.second_factor(first.cookie, code, "10.0.0.1")
    assert done.session.stage is Stage.FULL
    assert signin.resolve(done.cookie) is not None and signin.resolve(first.cookie) is None


def test_a_cut_sms_sign_in_takes_no_other_code_and_its_code_no_other_session(world, sms_person):
    signin = world.services.people.signin
    first, code = _sms_sign_in_cut_after_its_code(world, sms_person)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(SignInFailed):  # the accepted challenge is no open door for other codes
        signin.second_factor(first.cookie, wrong, "10.0.0.1")
    other = signin.password(sms_person.email, sms_person.password, "10.0.0.2")
    with pytest.raises(SignInFailed):  # another session has its own challenge
        signin.second_factor(other.cookie, code, "10.0.0.2")
    world.clock.advance(minutes=10)  # the code's lifetime: a new SMS then
    with pytest.raises(SignInFailed):
        signin.second_factor(first.cookie, code, "10.0.0.1")
