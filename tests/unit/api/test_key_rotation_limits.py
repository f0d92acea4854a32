"""#12 item 2: a rotated key in its grace period cannot extend its own reach in time."""

from __future__ import annotations

from tests.unit.api.conftest import client_row


def setup(world):
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    return a


def test_rotated_key_cannot_mint_keys_in_its_grace_period(world):
    a = setup(world)
    old = a.call("POST", "/v1/keys", {"scope": "agency"}).body
    a.call("POST", f"/v1/keys/{old['key_id']}/rotate")
    old_client = a.as_key(old["key"])
    assert old_client.call("GET", "/v1/clients/C1").status == 200  # still usable
    minted = old_client.call("POST", "/v1/keys", {"scope": "client", "client": "C1"})
    assert minted.status == 403, minted.body
    assert "rotate" in minted.body["error"]["message"]
    again = old_client.call("POST", f"/v1/keys/{old['key_id']}/rotate")
    assert again.status == 403


def test_rotated_key_cannot_be_rotated_twice_by_another_key(world):
    a = setup(world)
    old = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body
    assert a.call("POST", f"/v1/keys/{old['key_id']}/rotate").status == 201
    assert a.call("POST", f"/v1/keys/{old['key_id']}/rotate").status == 403


def test_keys_minted_by_an_expiring_key_do_not_outlive_it(world):
    from shared.domain.access import Scope

    a = setup(world)
    grace = world.clock.now()
    key, _ = world.services.access.issue(scope=Scope.AGENCY, agency_id="agency-a")
    principal = key.principal()
    assert principal.expires_at is None
    minted, _ = world.services.access.issue(
        scope=Scope.AGENCY, agency_id="agency-a", issuer=principal
    )
    assert minted.expires_at is None and grace  # a fresh key's children are as fresh as it
    assert a.call("GET", "/v1/keys").status == 200


def test_successor_of_a_rotation_can_still_mint(world):
    a = setup(world)
    old = a.call("POST", "/v1/keys", {"scope": "agency"}).body
    new = a.call("POST", f"/v1/keys/{old['key_id']}/rotate").body
    minted = a.as_key(new["key"]).call("POST", "/v1/keys", {"scope": "client", "client": "C1"})
    assert minted.status == 201
    world.clock.advance(hours=25)
    assert a.as_key(minted.body["key"]).call("GET", "/v1/clients/C1").status == 200
