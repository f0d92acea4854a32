"""A client's admin asking without ``?client=`` means their own client (attack26 F4): `GET
/v1/users` and `GET /v1/audit` answered 404 "not found" (the agency's level was asked, out of
reach), as if the routes did not exist; with `?client=<own number>` they worked. The agency's
people still mean the agency, and another client stays out of reach."""

from __future__ import annotations

import json

from shared.domain.people.authorisation import Role, Target
from tests.unit.api.conftest import World
from tests.unit.people.conftest import Tenants, make_person, session_call


def test_a_client_admin_lists_and_invites_at_their_own_level(
    world: World, tenants: Tenants
) -> None:
    admin = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", tenants.c1), "a@c1.example")
    users = session_call(world, admin.signed, "GET", "/v1/users")
    assert users.status == 200, users.encoded()
    assert [u["email"] for u in json.loads(users.encoded())["items"]] == ["a@c1.example"]
    audit = session_call(world, admin.signed, "GET", "/v1/audit",
                         query={"from": "2000-01-01", "to": "2000-01-31"})  # fmt: skip
    assert audit.status == 200, audit.encoded()
    body = json.dumps({"email": "b@c1.example", "role": "client_staff"}).encode()
    assert session_call(world, admin.signed, "POST", "/v1/users", body).status == 202
    listed = json.loads(session_call(world, admin.signed, "GET", "/v1/users").encoded())
    assert {u["email"] for u in listed["items"]} == {"a@c1.example", "b@c1.example"}
    # never the agency's level, nor another client
    up = json.dumps({"email": "c@c1.example", "role": "agency_admin"}).encode()
    assert session_call(world, admin.signed, "POST", "/v1/users", up).status == 422
    other = session_call(world, admin.signed, "GET", "/v1/users", query={"client": "C2"})
    assert other.status == 404
    boss = make_person(world, Role.AGENCY_ADMIN, Target("agency-a", None), "boss@a.example")
    own = json.loads(session_call(world, boss.signed, "GET", "/v1/users").encoded())
    assert [u["email"] for u in own["items"]] == ["boss@a.example"]
