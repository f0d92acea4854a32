from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def setup(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row()]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row()]})
    a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row("F1"), invoice_row("F2"), invoice_row("F3")]},
    )
    return a


def test_keys_are_shown_once_and_stored_hashed(world):
    a = setup(world)
    created = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "label": "exact"})
    assert created.status == 201 and created.body["key"].startswith("inn_")
    listed = a.call("GET", "/v1/keys").body["items"]
    assert all(k["key"] is None for k in listed)
    stored = world.store.get("ApiKeys", "key", created.body["key_id"])
    secret = created.body["key"].split("_", 2)[2]
    assert secret not in str(stored.data)


def test_rotation_keeps_old_key_for_the_grace_period(world):
    a = setup(world)
    old = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body
    new = a.call("POST", f"/v1/keys/{old['key_id']}/rotate").body
    assert a.as_key(old["key"]).call("GET", "/v1/clients/C1").status == 200
    assert a.as_key(new["key"]).call("GET", "/v1/clients/C1").status == 200
    world.clock.advance(hours=25)
    assert a.as_key(old["key"]).call("GET", "/v1/clients/C1").status == 401
    assert a.as_key(new["key"]).call("GET", "/v1/clients/C1").status == 200


def test_revoked_key_stops_at_once(world):
    a = setup(world)
    key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body
    assert a.call("DELETE", f"/v1/keys/{key['key_id']}").status == 200
    assert a.as_key(key["key"]).call("GET", "/v1/clients/C1").status == 401


def test_other_agency_cannot_rotate_or_revoke(world):
    a = setup(world)
    key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body
    assert world.agency_b.call("POST", f"/v1/keys/{key['key_id']}/rotate").status == 404
    assert world.agency_b.call("DELETE", f"/v1/keys/{key['key_id']}").status == 404


def test_credit_dispute_withdraw(world):
    a = setup(world)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").body["status"] == "credited"
    r = a.call("POST", "/v1/clients/C1/invoices/F2/dispute", {"reason": "never delivered"})
    assert r.body["status"] == "disputed" and r.body["dispute_reason"] == "never delivered"
    assert a.call("POST", "/v1/clients/C1/invoices/F3/withdraw").body["status"] == "withdrawn"
    assert (
        a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "too late"}).status == 422
    )
    assert a.call("POST", "/v1/clients/C1/invoices/F9/credit").status == 404
    actions = a.call("GET", "/v1/clients/C1/actions", status="open").body["items"]
    assert [x["kind"] for x in actions] == ["dispute"]
    log = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert len(log) == 3
    human = a.call("GET", "/v1/clients/C1/debtors/D1/contacts", system="false").body["items"]
    assert [e["kind"] for e in human] == ["dispute"]
    r = a.call("POST", "/v1/clients/C1/invoices/F2/resolve-dispute")
    assert r.body["status"] == "open"


def test_credited_invoice_cannot_be_resent(world):
    a = setup(world)
    a.call("POST", "/v1/clients/C1/invoices/F1/credit")
    r = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1")]})
    assert r.body["rejected"] == 1


def test_dispute_needs_a_reason(world):
    a = setup(world)
    r = a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": ""})
    assert r.status == 422 and r.body["error"]["details"][0]["field"] == "reason"


def test_openapi_lists_every_route(world):
    doc = world.agency_a.call("GET", "/v1/openapi.json").body
    assert doc["openapi"].startswith("3.")
    for route in world.api.router.routes:
        assert route.method.lower() in doc["paths"][route.template]
    assert "InvoiceIn" in doc["components"]["schemas"]
    refs = str(doc["paths"])
    for name in set(__import__("re").findall(r"#/components/schemas/(\w+)", refs)):
        assert name in doc["components"]["schemas"]


def test_unknown_route_and_method(world):
    assert world.agency_a.call("GET", "/v1/nothing").status == 404
    assert world.agency_a.call("DELETE", "/v1/clients").status == 405
