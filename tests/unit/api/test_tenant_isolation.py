"""Every route that names a client is tried with keys that must not reach it."""

import re

import pytest

from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans

BODIES = {
    "debtors": {"items": [debtor_row("X1")]},
    "invoices": {"items": [invoice_row("X1", debtor="D1")]},
    "dispute": {"reason": "not ordered"},
    "confirm": {"invoices": ["F1"]},
    "resolve": {"resolution": "done"},
    "assign": {"assignee": "someone"},
    "preview": {"debtor": "D1"},
    "copy": {"to": "C2"},
    "segment-rules": {"rules": []},
    "pause": {"reason": "test"},
    "promise": {"until": "2030-01-01"},
    "cancel": {"reason": "test"},
    "postpone": {"to": "2030-01-01"},
    "plan-rules": {"tolerance_days": 3},
    "received-on": {"received_on": "2025-01-01", "reason": "test"},
    "reverse": {"reason": "test"},
    "mandate": {
        "mandate_id": "M1",
        "signed_on": "2025-01-01",
        "iban": "NL91ABNA0417164300",
        "name": "x",
    },
}
# a draft a good while ahead, inside the client's 12-month term from today (3-3-2025): a start
# past it is refused (roles28, plan_start_past_term)
PLAN = {"debtor": "D1", "invoices": ["F1"], "start": "2026-01-05", "installments": 2}
TEMPLATE = {"language": "nl", "subject": "x", "text": "Beste {{ debtor.name }}"}
WORKFLOW = {
    "name": "w",
    "steps": [{"name": "s", "channel": "email", "offset_days": 1, "templates": {"nl": "t1"}}],
}
ACTION_IDS: dict[str, str] = {}
PLAN_IDS: dict[str, str] = {}


def build(world):
    a, b = world.agency_a, world.agency_b
    for agency, number in ((a, "C1"), (a, "C2"), (b, "B1")):
        agency.call("POST", "/v1/clients", {"items": [client_row(number)]})
        agency.call("POST", f"/v1/clients/{number}/debtors", {"items": [debtor_row("D1")]})
        agency.call(
            "POST",
            f"/v1/clients/{number}/invoices",
            {"items": [invoice_row("F1"), invoice_row("F2")]},
        )
        agency.call(
            "POST", f"/v1/clients/{number}/invoices/F2/dispute", {"reason": "for an action item"}
        )
        ACTION_IDS[number] = agency.call("GET", f"/v1/clients/{number}/actions").body["items"][0][
            "action_id"
        ]
        PLAN_IDS[number] = agency.call("POST", f"/v1/clients/{number}/plans", PLAN).body["plan_id"]
    c1_key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True}).body[
        "key"
    ]
    return a.as_key(c1_key)


def client_routes(world):
    for route in world.api.router.routes:
        if "{client}" in route.template:
            yield route


def fill(template, client):
    path = template.replace("{client}", client)
    values = {
        "debtor": "D1",
        "invoice": "F1",
        "action": ACTION_IDS.get(client, "none"),
        "template": "t1",
        "workflow": "w1",
        "plan": PLAN_IDS.get(client, "none"),
        "n": "1",
        "quick_text": "q1",
        "mail": "m1",
        "message": "e1",
        "index": "0",
        "payment": "p1",
        "settlement": "R20250303",
        "name": "statement.pdf",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def body_for(template):
    if template.endswith("/templates/{template}"):
        return TEMPLATE
    if template.endswith("/workflows/{workflow}"):
        return WORKFLOW
    if template.endswith(("/plans", "/plans/{plan}")):
        return PLAN
    for suffix, body in BODIES.items():
        if template.endswith(suffix):
            return body
    return None


def test_every_client_route_is_covered(world):
    assert len(list(client_routes(world))) >= 12


@pytest.mark.parametrize("victim", ["C1", "B1"])
def test_foreign_keys_get_404_on_every_client_route(world, victim):
    c1 = build(world)
    intruders = {"C1": [world.agency_b], "B1": [world.agency_a, c1]}[victim]
    for route in client_routes(world):
        for intruder in intruders:
            r = intruder.call(route.method, fill(route.template, victim), body_for(route.template))
            assert r.status == 404, (route.method, route.template, r.status, r.body)


def test_client_key_cannot_reach_sibling_client(world):
    c1 = build(world)
    for route in client_routes(world):
        r = c1.call(route.method, fill(route.template, "C2"), body_for(route.template))
        assert r.status == 404, (route.method, route.template)


def test_foreign_data_was_not_changed(world):
    c1 = build(world)
    for route in client_routes(world):
        world.agency_b.call(route.method, fill(route.template, "C1"), body_for(route.template))
    inv = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert inv["status"] == "open"
    action = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"][0]
    assert action["status"] == "open" and action["assigned_to"] is None
    assert c1.call("GET", "/v1/clients/C1/debtors").body["items"][0]["number"] == "D1"
    plan = world.agency_a.call("GET", f"/v1/clients/C1/plans/{PLAN_IDS['C1']}").body
    assert plan["status"] == "draft"


def test_client_key_sees_only_itself(world):
    c1 = build(world)
    listed = c1.call("GET", "/v1/clients").body["items"]
    assert [c["number"] for c in listed] == ["C1"]
    assert c1.call("POST", "/v1/clients", {"items": [client_row("C9")]}).status == 404
    assert c1.call("GET", "/v1/clients/C1/invoices/F1").status == 200


def test_agency_lists_only_its_clients(world):
    build(world)
    numbers = [c["number"] for c in world.agency_b.call("GET", "/v1/clients").body["items"]]
    assert numbers == ["B1"]


def test_same_client_number_at_two_agencies_stays_apart(world):
    build(world)
    world.agency_b.call(
        "POST",
        "/v1/clients",
        {"items": [client_row("C1", name="B's C1", ibans=[client_iban("B-C1")])]},
    )
    a_c1 = world.agency_a.call("GET", "/v1/clients/C1").body
    b_c1 = world.agency_b.call("GET", "/v1/clients/C1").body
    assert a_c1["client_id"] != b_c1["client_id"] and b_c1["name"] == "B's C1"


def test_requests_without_a_valid_key_get_401(world):
    build(world)
    anon = world.agency_a.as_key("")
    assert anon.call("GET", "/v1/clients").status == 401
    assert (
        world.agency_a.as_key("inn_0123456789abcdef_" + "x" * 43).call("GET", "/v1/clients").status
        == 401
    )
    assert anon.call("GET", "/v1/openapi.json").status == 200


def test_an_account_of_another_agencys_client_cannot_be_claimed(world):
    build(world)
    verify_ibans(world.agency_a, "C1")
    # iban28: registering is refused with the agency's words (naming nobody), takes nothing
    taken = world.agency_b.call(
        "POST", "/v1/clients", {"items": [client_row("B2", ibans=[client_iban("C1")])]}
    )
    assert taken.status == 200 and taken.body["created"] == 0
    assert [e["field"] for e in taken.body["errors"]] == ["ibans"]
    assert "agency-a" not in str(taken.body) and "C1" not in str(taken.body)
    owner = world.services.repos.banking.owner(client_iban("C1"))
    assert owner is not None and owner.agency_id == "agency-a"
