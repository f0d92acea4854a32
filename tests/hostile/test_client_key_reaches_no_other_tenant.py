"""attack31: a client admin's key of agency A tried on routes that name no client in the path,
with a sibling client's (C2) and another agency's (B1) things in ids, query parameters and
bodies. Each was answered 404 (or a refusal) and changed nothing; kept here so it stays so.
The routes under /v1/clients/{client} are walked by tests/unit/api/test_tenant_isolation.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.api.conftest import ApiClient, World, client_row, debtor_row, invoice_row


def _mint(agency: ApiClient, client: str) -> tuple[str, ApiClient]:
    body = agency.call("POST", "/v1/keys", {"scope": "client", "client": client, "admin": True})
    assert body.status == 201, body.body
    return body.body["key_id"], agency.as_key(body.body["key"])


@pytest.fixture
def keys(world: World) -> dict[str, tuple[str, ApiClient]]:
    for agency, number in ((world.agency_a, "C1"), (world.agency_a, "C2"), (world.agency_b, "B1")):
        assert agency.call("POST", "/v1/clients", {"items": [client_row(number)]}).status == 200
        agency.call("POST", f"/v1/clients/{number}/debtors", {"items": [debtor_row()]})
        agency.call("POST", f"/v1/clients/{number}/invoices", {"items": [invoice_row()]})
    return {n: _mint(a, n) for a, n in
            ((world.agency_a, "C1"), (world.agency_a, "C2"), (world.agency_b, "B1"))}  # fmt: skip


def test_other_tenants_keys_cannot_be_rotated_or_revoked(
    world: World, keys: dict[str, tuple[str, ApiClient]]
) -> None:
    c1 = keys["C1"][1]
    agency_key = next(k for k in world.agency_a.call("GET", "/v1/keys").body["items"]
                      if k["scope"] == "agency")["key_id"]  # fmt: skip
    for key_id in (keys["C2"][0], keys["B1"][0], agency_key):
        assert c1.call("POST", f"/v1/keys/{key_id}/rotate").status == 404
        assert c1.call("DELETE", f"/v1/keys/{key_id}").status == 404
    listed = {k["key_id"] for k in c1.call("GET", "/v1/keys").body["items"]}
    assert keys["C2"][0] not in listed and agency_key not in listed
    for name in ("C2", "B1"):
        assert keys[name][1].call("GET", f"/v1/clients/{name}/invoices").status == 200


def test_other_tenants_by_query_body_and_mint(
    world: World, keys: dict[str, tuple[str, ApiClient]]
) -> None:
    c1 = keys["C1"][1]
    for other in ("C2", "B1"):
        for path in ("/v1/audit", "/v1/audit.csv"):
            period: dict[str, Any] = {"client": other, "from": "2025-03-01", "to": "2025-03-04"}
            assert c1.call("GET", path, None, **period).status == 404
        assert c1.call("GET", "/v1/actions", client=other).status == 404
        minted = c1.call("POST", "/v1/keys", {"scope": "client", "client": other})
        assert minted.status == 404
        invited = c1.call("POST", "/v1/users",
                          {"email": "x@example.nl", "role": "client_admin", "client": other})  # fmt: skip
        assert invited.status == 404
        copied = c1.call("POST", "/v1/clients/C1/workflows/default/copy", {"to": other})
        assert copied.status == 404
    assert c1.call("POST", "/v1/keys", {"scope": "agency"}).status == 404
    assert c1.call("GET", "/v1/cases").body == {"items": []}
    assert c1.call("GET", "/v1/statements").status == 404
    assert c1.call("GET", "/v1/settlements").status == 404
    assert world.agency_a.call("GET", "/v1/users").body["items"] == []
