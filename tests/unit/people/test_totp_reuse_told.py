"""misc16 #4: a used TOTP code entered again is refused, audited and counted (ASVS 5.0 6.5.1),
and since newcomer15b #3 mailed no alarm at all: the person signing in again within the code's
30 s got a "sign-in details changed" mail on each try. ASVS 5.0 dropped 4.0.3's 2.8.5 (a
re-used TOTP notified to the holder); 6.3.5 (level 3) has users told of suspicious attempts,
"partially successful authentication (only one of multiple factors)" among them. A used code
entered from another address than the sign-in that used it is that (the password was right,
the code was watched or relayed): it mails one alarm per code; the same address's retry
none."""

from __future__ import annotations

import pyotp
import pytest

from shared.domain.people.authorisation import Role, Target
from shared.services.people.signin import TOTP_USED_FROM, CodeReused
from tests.unit.people.conftest import make_person


@pytest.fixture
def staff(world, tenants):
    return make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "staff@c1.example")


def _try(world, person, code, source):
    signin = world.services.people.signin
    half = signin.password(person.email, person.password, source)
    return signin.second_factor(half.cookie, code, source)


def _mails(world, scope):
    kit = world.services.people.kit
    return [
        world.services.messaging.content(scope, key)
        for key in kit.sent
        if key.startswith("acct-reused-")
    ]


def test_a_code_entered_again_from_elsewhere_is_told_once(world, tenants, staff):
    code = pyotp.TOTP(staff.secret).at(world.clock.now())
    _try(world, staff, code, "10.0.0.1")  # the person signs in
    for _ in range(2):  # someone who has the password and watched the code, twice
        with pytest.raises(CodeReused):
            _try(world, staff, code, "203.0.113.9")
    [mail] = _mails(world, tenants.c1)
    assert mail.subject == "Uw aanmeldcode is opnieuw ingevoerd"
    assert "vanaf een ander adres dan de aanmelding die hem gebruikte" in mail.text
    assert code not in mail.text and "203.0.113.9" not in mail.text  # no code, no address
    # the next code, used and then entered again elsewhere: its own alarm
    world.clock.advance(seconds=60)
    nxt = pyotp.TOTP(staff.secret).at(world.clock.now())
    _try(world, staff, nxt, "10.0.0.1")
    with pytest.raises(CodeReused):
        _try(world, staff, nxt, "198.51.100.7")
    assert len(_mails(world, tenants.c1)) == 2


def test_the_same_sign_ins_retry_is_not_told(world, tenants, staff):
    code = pyotp.TOTP(staff.secret).at(world.clock.now())
    _try(world, staff, code, "10.0.0.1")
    for _ in range(2):  # signed out and in again within the 30 s, the app's code retyped
        with pytest.raises(CodeReused):
            _try(world, staff, code, "10.0.0.1")
    assert _mails(world, tenants.c1) == []


def test_the_address_is_kept_only_as_a_keyed_hash(world, staff):
    code = pyotp.TOTP(staff.secret).at(world.clock.now())
    _try(world, staff, code, "10.0.0.1")
    user, _ = world.services.people.kit.people.users.get(staff.user_id)
    step, _, used_from = user.extra[TOTP_USED_FROM].partition("|")
    assert step == str(user.totp_last_step) and len(used_from) == 64
    assert "10.0.0.1" not in user.extra[TOTP_USED_FROM]
