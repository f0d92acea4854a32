"""Client keys with the admin flag: only admins export the contact log and manage keys and
people; a key without the flag is its client's staff (not by issuing, not by rotating someone
else's does it get more)."""

from __future__ import annotations

from shared.api.http import ApiRequest
from tests.unit.api.conftest import client_row, debtor_row

PERIOD = {"from": "2025-01-01", "to": "2025-12-31"}


def export(world, key):
    request = ApiRequest("GET", "/v1/clients/C1/contact-log.csv", {"x-api-key": key}, PERIOD)
    return world.api.handle(request)


def setup(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1"), client_row("C2")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/debtors/D1/notes", {"text": "called", "channel": "phone"})
    admin = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True}).body
    plain = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body
    assert admin["admin"] is True and plain["admin"] is False
    return a, admin, plain


def test_the_contact_log_export_is_for_agency_keys_and_admin_client_keys(world):
    a, admin, plain = setup(world)
    assert export(world, a.key).status == 200
    allowed = export(world, admin["key"])
    assert allowed.status == 200 and allowed.content_type == "text/csv"
    assert b"called" in allowed.encoded()
    refused = export(world, plain["key"])
    assert refused.status == 404 and b"called" not in refused.encoded()
    c2_admin = a.call("POST", "/v1/keys", {"scope": "client", "client": "C2", "admin": True})
    assert export(world, c2_admin.body["key"]).status == 404  # admin of another client
    # the plain key still reads its own debtor's log through the ordinary route
    assert a.as_key(plain["key"]).call("GET", "/v1/clients/C1/debtors/D1/contacts").status == 200


def test_only_admins_issue_admin_keys(world):
    a, admin, plain = setup(world)
    as_plain, as_admin = a.as_key(plain["key"]), a.as_key(admin["key"])
    wanted = {"scope": "client", "client": "C1", "admin": True}
    # a plain key is its client's staff: it issues no key at all (denied in reach: 403), so a
    # leaked integration key cannot mint itself successors that outlive its revocation
    assert as_plain.call("POST", "/v1/keys", wanted).status == 403
    assert as_plain.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).status == 403
    assert (
        as_plain.call(
            "POST", "/v1/users", {"email": "x@example.nl", "role": "client_admin", "client": "C1"}
        ).status
        == 403
    )
    issued = as_admin.call("POST", "/v1/keys", wanted)
    assert issued.status == 201 and issued.body["admin"] is True
    agency_admin = a.call("POST", "/v1/keys", {"scope": "agency", "admin": True})
    assert agency_admin.status == 422 and agency_admin.body["error"]["field"] == "admin"


def test_a_plain_key_cannot_rotate_or_revoke_an_admin_key(world):
    a, admin, plain = setup(world)
    as_plain = a.as_key(plain["key"])
    assert as_plain.call("POST", f"/v1/keys/{admin['key_id']}/rotate").status == 403
    assert as_plain.call("DELETE", f"/v1/keys/{admin['key_id']}").status == 403
    rotated = a.as_key(admin["key"]).call("POST", f"/v1/keys/{admin['key_id']}/rotate")
    assert rotated.status == 201 and rotated.body["admin"] is True
    assert export(world, rotated.body["key"]).status == 200
