"""People on the in-memory world: users made through the real invitation and enrolment."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyotp
import pytest

from shared.api.http import ApiRequest, ApiResponse
from shared.domain.people.accounts import Factor
from shared.domain.people.authorisation import Role, Target
from shared.domain.people.sessions import COOKIE
from shared.services.people.signin import Signed
from tests.unit.api.conftest import World, client_row

PASSWORD = "paard batterij nietje"


@dataclass
class Person:
    email: str
    password: str
    secret: str
    codes: list[str]
    signed: Signed
    user_id: str


def link_token(link: str) -> str:
    return link.rsplit("/", 1)[1]


def make_person(world: World, role: Role, target: Target, email: str) -> Person:
    people = world.services.people
    user, link = people.admin.invite_into(target, email, role, "test", mobile="+31612345678")
    enrolling = people.accounts.accept_invitation(link_token(link), PASSWORD, "10.0.0.1")
    secret, _, _ = people.accounts.start_totp(enrolling)
    code = pyotp.TOTP(secret).at(world.clock.now())
    signed, codes = people.accounts.confirm_totp(enrolling, code, "10.0.0.1")
    world.clock.advance(seconds=30)  # the enrolment code's step is used up
    return Person(email, PASSWORD, secret, codes, signed, user.user_id)


def sign_in(world: World, person: Person, source: str = "10.0.0.1") -> Signed:
    signin = world.services.people.signin
    first = signin.password(person.email, person.password, source)
    code = pyotp.TOTP(person.secret).at(world.clock.now())
    done = signin.second_factor(first.cookie, code, source)
    world.clock.advance(seconds=30)
    return done


def session_call(
    world: World,
    signed: Signed,
    method: str,
    path: str,
    body: bytes = b"",
    csrf: bool = True,
    query: dict[str, str] | None = None,
) -> ApiResponse:
    headers = {"cookie": f"{COOKIE}={signed.cookie}"}
    if csrf:
        headers["x-csrf-token"] = signed.session.csrf
    return world.api.handle(ApiRequest(method, path, headers, dict(query or {}), body))


@dataclass
class Tenants:
    """Agency A with clients C1 and C2; agency B with client B1."""

    c1: str
    c2: str
    b1: str


@pytest.fixture
def tenants(world: World) -> Tenants:
    for agency, number in ((world.agency_a, "C1"), (world.agency_a, "C2"), (world.agency_b, "B1")):
        assert agency.call("POST", "/v1/clients", {"items": [client_row(number)]}).status == 200
    ids = world.services.repos.clients
    c1 = ids.id_for_number("agency-a", "C1")
    c2 = ids.id_for_number("agency-a", "C2")
    b1 = ids.id_for_number("agency-b", "B1")
    assert c1 and c2 and b1
    return Tenants(c1, c2, b1)


@pytest.fixture
def sms_person(world: World, tenants: Tenants) -> Person:
    """A client's staff member whose second factor is an SMS code."""
    people = world.services.people
    person = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "sms@c1.example")
    found = people.kit.people.users.get(person.user_id)
    assert found is not None
    people.kit.people.users.save(replace(found[0], factor=Factor.SMS), found[1])
    return person


def last_sms_code(world: World, user_id: str) -> str:
    """The code of the last SMS sent to the person (from the outbox's content)."""
    people = world.services.people
    found = people.kit.people.users.get(user_id)
    assert found is not None
    key = people.kit.sent[-1]
    content = world.services.messaging.content(people.kit.scope_of(found[0]), key)
    return next(
        w.rstrip(".")
        for w in content.text.split()
        if w.rstrip(".").isdigit() and len(w.rstrip(".")) == 6
    )
