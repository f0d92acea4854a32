"""sec28: a sign-out did not hold against a renewal on its way. The session that signs in
with its code (or changes its factor or password) gets a new id: the new session is written,
then the old one ended. A sign-out (or the person ending that session on the account page)
landing in between, or with the old cookie just after, ended only the old row: the new
session, at the same epoch, stayed alive until it expired (12 hours). Now the renewal marks
the old row with what took its place instead of deleting it, a sign-out ends both, and a
renewal that finds its old session gone ends its new one."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from shared.domain.people.authorisation import Role, Target
from shared.services.people.signin import Signed
from tests.unit.api.conftest import World
from tests.unit.people.conftest import Person, Tenants, make_person

AGENCY = Target("agency-a", None)


@pytest.fixture
def person(world: World, tenants: Tenants) -> Person:
    return make_person(world, Role.AGENCY_STAFF, AGENCY, "staff@agency-a.example")


def _code(world: World, person: Person) -> str:
    return pyotp.TOTP(person.secret).at(world.clock.now())


def test_a_sign_out_while_the_code_is_checked_ends_the_new_session(
    world: World, person: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    signin = world.services.people.signin
    first = signin.password(person.email, person.password, "10.0.0.1")
    opened = signin._open

    def open_then_signed_out(*args: Any) -> Signed:
        made = opened(*args)
        signin.sign_out(first.cookie)  # the other tab's sign-out lands now
        return made

    monkeypatch.setattr(signin, "_open", open_then_signed_out)
    done = signin.second_factor(first.cookie, _code(world, person), "10.0.0.1")
    monkeypatch.undo()
    assert signin.resolve(done.cookie) is None
    assert signin.resolve(first.cookie, full=False) is None


def test_a_sign_out_with_the_cookie_just_renewed_ends_what_took_its_place(
    world: World, person: Person
) -> None:
    signin = world.services.people.signin
    first = signin.password(person.email, person.password, "10.0.0.1")
    done = signin.second_factor(first.cookie, _code(world, person), "10.0.0.1")
    assert signin.resolve(done.cookie) is not None
    signin.sign_out(first.cookie)  # sent before the browser had the new cookie
    assert signin.resolve(done.cookie) is None


def test_ending_a_session_on_the_account_page_ends_its_renewal(
    world: World, person: Person
) -> None:
    people = world.services.people
    mine: Signed = person.signed
    other = people.signin.password(person.email, person.password, "10.6.6.6")
    world.clock.advance(seconds=30)
    listed = [s.key for s in people.accounts.sessions(mine)]
    assert other.session.key in listed  # the page shows the stranger's session
    renewed = people.signin.second_factor(other.cookie, _code(world, person), "10.6.6.6")
    people.accounts.end_session(mine, other.session.key)  # the person ends what was shown
    assert people.signin.resolve(renewed.cookie) is None
    assert people.signin.resolve(mine.cookie) is not None


def test_renewals_and_sign_outs_without_a_race_work_as_before(world: World, person: Person) -> None:
    signin = world.services.people.signin
    first = signin.password(person.email, person.password, "10.0.0.1")
    done = signin.second_factor(first.cookie, _code(world, person), "10.0.0.1")
    assert signin.resolve(first.cookie, full=False) is None  # the old id is worthless
    assert signin.resolve(done.cookie) is not None
    # the person's list shows the live session once, not the renewed one
    listed = world.services.people.accounts.sessions(done)
    assert [s.key for s in listed].count(done.session.key) == 1
    assert first.session.key not in [s.key for s in listed]
    world.clock.advance(seconds=120)
    assert signin.resolve(done.cookie) is not None  # touched, still alive
    signin.sign_out(done.cookie)
    assert signin.resolve(done.cookie) is None
