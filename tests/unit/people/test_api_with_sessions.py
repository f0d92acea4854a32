"""The integration API with a session instead of a key: the role's reach, in its own tenant
and another's; CSRF on writes. ASVS 5.0 8.2.1, 8.2.2 (access control per role and per
tenant), 3.5.1 (a write with a cookie needs an anti-forgery token), 7.4.2 (a deactivated
user's sessions end at once)."""

from __future__ import annotations

import json

import pytest

from shared.domain.people.authorisation import Role, Target
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.people.conftest import make_person, session_call

ROLES = [
    (Role.AGENCY_ADMIN, None),
    (Role.AGENCY_STAFF, None),
    (Role.READ_ONLY, None),
    (Role.CLIENT_ADMIN, "C1"),
    (Role.CLIENT_STAFF, "C1"),
    (Role.READ_ONLY, "C1"),
]


def _seed(world):
    for agency, number in ((world.agency_a, "C1"), (world.agency_a, "C2"), (world.agency_b, "B1")):
        agency.call("POST", f"/v1/clients/{number}/debtors", {"items": [debtor_row("D1")]})
        agency.call("POST", f"/v1/clients/{number}/invoices", {"items": [invoice_row("F1")]})


def _person(world, tenants, role, client):
    target = Target("agency-a", {"C1": tenants.c1, None: None}[client])
    return make_person(world, role, target, f"{role.value}.{client or 'agency'}@example.nl".lower())


# (method, path, body, action kind) -> which roles succeed on C1 (own or via agency)
CASES = [
    ("GET", "/v1/clients/{c}/invoices", None, "read"),
    ("POST", "/v1/clients/{c}/invoices/F1/dispute", {"reason": "not ordered"}, "write"),
    ("GET", "/v1/keys", None, "keys"),
    ("GET", "/v1/users?client={c}", None, "users"),
    ("POST", "/v1/clients/{c}/deactivate", None, "clients"),
    ("GET", "/v1/audit?from=2025-03-01&to=2025-03-31&client={c}", None, "audit"),
]
ALLOWED = {
    "read": {
        Role.AGENCY_ADMIN,
        Role.AGENCY_STAFF,
        Role.CLIENT_ADMIN,
        Role.CLIENT_STAFF,
        Role.READ_ONLY,
    },
    "write": {Role.AGENCY_ADMIN, Role.AGENCY_STAFF, Role.CLIENT_ADMIN, Role.CLIENT_STAFF},
    "keys": {Role.AGENCY_ADMIN, Role.CLIENT_ADMIN},
    "users": {Role.AGENCY_ADMIN, Role.CLIENT_ADMIN},
    "clients": {Role.AGENCY_ADMIN},
    "audit": {Role.AGENCY_ADMIN, Role.CLIENT_ADMIN},
}


def _call(world, signed, method, template, body, client):
    path, _, query = template.format(c=client).partition("?")
    params = dict(p.split("=") for p in query.split("&")) if query else {}
    raw = json.dumps(body).encode() if body is not None else b""
    return session_call(world, signed, method, path, raw, query=params)


@pytest.mark.parametrize(
    ("role", "client"), ROLES, ids=[f"{r.value}@{c or 'agency'}" for r, c in ROLES]
)
def test_role_reach_through_the_api(world, tenants, role, client):
    _seed(world)
    who = _person(world, tenants, role, client)
    for method, template, body, kind in CASES:
        own = _call(world, who.signed, method, template, body, "C1")
        expected_ok = role in ALLOWED[kind]
        assert (own.status < 300) is expected_ok, (template, own.status, own.encoded())
        if not expected_ok:
            assert own.status in (403, 404)
        # another agency's client: never found, whatever the role
        other = _call(world, who.signed, method, template, body, "B1")
        if "{c}" in template:
            assert other.status in (403, 404), (template, other.status)
        # a sibling client of the same agency: only the agency's own people reach it
        sibling = _call(world, who.signed, method, template, body, "C2")
        if "{c}" in template and client is not None:
            assert sibling.status in (403, 404), (template, sibling.status)


def test_a_write_with_a_session_needs_the_csrf_header(world, tenants):
    _seed(world)
    admin = _person(world, tenants, Role.AGENCY_ADMIN, None)
    body = json.dumps({"reason": "not ordered"}).encode()
    forged = session_call(
        world, admin.signed, "POST", "/v1/clients/C1/invoices/F1/dispute", body, csrf=False
    )
    assert forged.status == 403
    assert b"CSRF" in forged.encoded()
    read = session_call(world, admin.signed, "GET", "/v1/clients/C1/invoices", csrf=False)
    assert read.status == 200  # reads with the cookie alone
    ok = session_call(world, admin.signed, "POST", "/v1/clients/C1/invoices/F1/dispute", body)
    assert ok.status == 200


def test_deactivation_ends_the_sessions_at_once(world, tenants):
    admin = _person(world, tenants, Role.AGENCY_ADMIN, None)
    staff = _person(world, tenants, Role.CLIENT_STAFF, "C1")
    assert session_call(world, staff.signed, "GET", "/v1/clients/C1/invoices").status == 200
    r = session_call(world, admin.signed, "POST", f"/v1/users/{staff.user_id}/deactivate")
    assert r.status == 200
    assert session_call(world, staff.signed, "GET", "/v1/clients/C1/invoices").status == 401
    with pytest.raises(Exception):  # noqa: B017 - SignInFailed: the same answer as a wrong password
        world.services.people.signin.password(staff.email, staff.password, "10.0.0.9")


def test_admins_invite_and_change_roles_within_their_reach(world, tenants):
    admin = _person(world, tenants, Role.CLIENT_ADMIN, "C1")
    body = {"email": "nieuw@c1.example", "role": "client_staff", "client": "C1"}
    r = session_call(world, admin.signed, "POST", "/v1/users", json.dumps(body).encode())
    # 202, naming no user: the same answer for an address with an account elsewhere (attack16 F2)
    assert r.status == 202, r.encoded()
    assert "user_id" not in json.loads(r.encoded())
    new_id = world.services.people.kit.people.users.by_email("nieuw@c1.example")[0].user_id  # type: ignore[index]
    # a client admin cannot make anyone an agency admin, nor invite into another client
    escalate = session_call(world, admin.signed, "POST", f"/v1/users/{new_id}/role",
                            json.dumps({"role": "agency_admin"}).encode())  # fmt: skip
    assert escalate.status == 422
    other = {"email": "x@c2.example", "role": "client_staff", "client": "C2"}
    assert (
        session_call(world, admin.signed, "POST", "/v1/users", json.dumps(other).encode()).status
        == 404
    )
    listed = json.loads(
        session_call(world, admin.signed, "GET", "/v1/users", query={"client": "C1"}).encoded()
    )
    assert {u["email"] for u in listed["items"]} == {admin.email, "nieuw@c1.example"}


def test_audit_log_as_json_and_csv(world, tenants):
    admin = _person(world, tenants, Role.AGENCY_ADMIN, None)
    r = session_call(
        world, admin.signed, "GET", "/v1/audit", query={"from": "2025-03-01", "to": "2025-03-31"}
    )
    events = [e["event"] for e in json.loads(r.encoded())["items"]]
    assert events[:3] == ["user_invited", "invitation_accepted", "factor_enrolled"]
    csv_reply = session_call(
        world,
        admin.signed,
        "GET",
        "/v1/audit.csv",
        query={"from": "2025-03-01", "to": "2025-03-31"},
    )
    assert csv_reply.content_type == "text/csv"
    text = csv_reply.encoded().decode()
    assert text.splitlines()[0] == "at,event,actor,subject,source,detail"
    assert "factor_enrolled" in text
    assert (
        world.agency_b.call("GET", "/v1/audit", **{"from": "2025-03-01", "to": "2025-03-31"}).body[
            "items"
        ]
        == []
    )


def test_an_admin_ends_a_users_sessions(world, tenants):
    """7.4.5 administrators terminate the sessions of one user."""
    admin = _person(world, tenants, Role.CLIENT_ADMIN, "C1")
    staff = _person(world, tenants, Role.CLIENT_STAFF, "C1")
    r = session_call(world, staff.signed, "POST", f"/v1/users/{admin.user_id}/end-sessions")
    assert r.status == 403  # staff may not
    r = session_call(world, admin.signed, "POST", f"/v1/users/{staff.user_id}/end-sessions")
    assert r.status == 200
    assert session_call(world, staff.signed, "GET", "/v1/clients/C1/invoices").status == 401
    assert session_call(world, admin.signed, "GET", "/v1/clients/C1/invoices").status == 200
