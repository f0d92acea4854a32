"""A key a person mints with their session ends with that person's access: deactivated or
given another role, their sessions end and so does every key they minted, its rotated
successor included (attack24 F11: a deactivated agency admin's agency key kept reading every
client of the agency, and nothing on it said whose it was), and what their keys minted (attack26
F1). Keys minted by a key no person minted, the CLI or
another person stay."""

from __future__ import annotations

import json

from shared.domain.people.authorisation import Role, Target
from tests.unit.api.conftest import ApiClient, World
from tests.unit.people.conftest import Person, Tenants, make_person, session_call


def _mint(world: World, person: Person, body: dict[str, object]) -> ApiClient:
    minted = session_call(world, person.signed, "POST", "/v1/keys", json.dumps(body).encode())
    assert minted.status == 201, minted.encoded()
    return ApiClient(world.api, json.loads(minted.encoded())["key"])


def test_a_deactivated_admins_keys_end_with_the_sessions(world: World, tenants: Tenants) -> None:
    boss = make_person(world, Role.AGENCY_ADMIN, Target("agency-a", None), "boss@agency-a.example")
    leaver = make_person(
        world, Role.AGENCY_ADMIN, Target("agency-a", None), "gone@agency-a.example"
    )
    agency_key = _mint(world, leaver, {"scope": "agency", "label": "boekhouding"})
    client_key = _mint(world, leaver, {"scope": "client", "client": "C1", "label": "koppeling"})
    rotated = session_call(
        world, leaver.signed, "POST", "/v1/keys/" + _id(world, "koppeling") + "/rotate"
    )
    assert rotated.status == 201
    successor = ApiClient(world.api, json.loads(rotated.encoded())["key"])
    bosses = _mint(world, boss, {"scope": "agency", "label": "van de baas"})
    for key in (agency_key, client_key, successor, bosses):
        assert key.call("GET", "/v1/clients/C1/invoices").status == 200
    done = session_call(world, boss.signed, "POST", f"/v1/users/{leaver.user_id}/deactivate")
    assert done.status == 200
    for key in (agency_key, client_key, successor):
        assert key.call("GET", "/v1/clients/C1/invoices").status == 401
    assert bosses.call("GET", "/v1/clients/C1/invoices").status == 200
    assert world.agency_a.call("GET", "/v1/clients/C1/invoices").status == 200  # a key's own


def test_a_demoted_admins_keys_end(world: World, tenants: Tenants) -> None:
    boss = make_person(world, Role.AGENCY_ADMIN, Target("agency-a", None), "boss@agency-a.example")
    admin = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", tenants.c1), "a@c1.example")
    key = _mint(world, admin, {"scope": "client", "client": "C1", "label": "x"})
    assert key.call("GET", "/v1/clients/C1/invoices").status == 200
    body = json.dumps({"role": "read_only"}).encode()
    assert (
        session_call(world, boss.signed, "POST", f"/v1/users/{admin.user_id}/role", body).status
        == 200
    )
    assert key.call("GET", "/v1/clients/C1/invoices").status == 401


def _id(world: World, label: str) -> str:
    keys = world.services.repos.api_keys.for_agency("agency-a")
    return next(k.key_id for k in keys if k.label == label)


def test_a_key_minted_by_a_persons_key_is_still_theirs(world: World, tenants: Tenants) -> None:
    """attack26 F1: the leaver's session-minted key minted a second key (POST /v1/keys with
    the key itself), which named no person: the deactivation revoked the first and the second
    kept reading every client of the agency. A key minted by a person's key is the person's."""
    boss = make_person(world, Role.AGENCY_ADMIN, Target("agency-a", None), "boss@agency-a.example")
    leaver = make_person(
        world, Role.AGENCY_ADMIN, Target("agency-a", None), "gone@agency-a.example"
    )
    first = _mint(world, leaver, {"scope": "agency", "label": "eerste"})
    minted = first.call("POST", "/v1/keys", {"scope": "agency", "label": "tweede"})
    assert minted.status == 201
    second = ApiClient(world.api, minted.body["key"])
    grandchild = second.call("POST", "/v1/keys", {"scope": "client", "client": "C1"})
    assert grandchild.status == 201
    third = ApiClient(world.api, grandchild.body["key"])
    for key in (first, second, third):
        assert key.call("GET", "/v1/clients/C1/invoices").status == 200
    done = session_call(world, boss.signed, "POST", f"/v1/users/{leaver.user_id}/deactivate")
    assert done.status == 200
    for key in (first, second, third):
        assert key.call("GET", "/v1/clients/C1/invoices").status == 401
    # a key minted by a key no person minted stays no one's
    own = world.agency_a.call("POST", "/v1/keys", {"scope": "agency", "label": "van de sleutel"})
    assert own.status == 201
    assert ApiClient(world.api, own.body["key"]).call("GET", "/v1/clients").status == 200


def test_a_key_a_person_rotated_is_theirs(world: World, tenants: Tenants) -> None:
    """attack26 F2: rotating hands the new key's text to whoever rotates. The leaver rotated
    the integration's key (or the boss's) and held a successor that named the old key's owner
    (nobody, the boss): it outlived the leaver's deactivation. A successor is its rotator's."""
    boss = make_person(world, Role.AGENCY_ADMIN, Target("agency-a", None), "boss@agency-a.example")
    leaver = make_person(
        world, Role.AGENCY_ADMIN, Target("agency-a", None), "gone@agency-a.example"
    )
    own = world.agency_a.call("POST", "/v1/keys", {"scope": "agency", "label": "koppeling"})
    assert own.status == 201
    _mint(world, boss, {"scope": "agency", "label": "van de baas"})
    by_session = session_call(
        world, leaver.signed, "POST", "/v1/keys/" + _id(world, "koppeling") + "/rotate"
    )
    assert by_session.status == 201
    leavers_key = _mint(world, leaver, {"scope": "agency", "label": "eigen"})
    by_key = leavers_key.call("POST", "/v1/keys/" + _id(world, "van de baas") + "/rotate")
    assert by_key.status == 201
    held = [ApiClient(world.api, r["key"]) for r in (json.loads(by_session.encoded()), by_key.body)]
    for key in held:
        assert key.call("GET", "/v1/clients/C1/invoices").status == 200
    done = session_call(world, boss.signed, "POST", f"/v1/users/{leaver.user_id}/deactivate")
    assert done.status == 200
    for key in held:
        assert key.call("GET", "/v1/clients/C1/invoices").status == 401
