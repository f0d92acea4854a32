"""Hostile JSON bodies on every route that takes one: deep, huge, wrong types, duplicate keys,
long keys, odd numbers. Each ends in a 4xx (or a per-row rejection), never a 500."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.api.http import ApiRequest
from tests.hostile.conftest import record
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

PARAMS = {"client": "C1", "debtor": "D1", "invoice": "F1", "template": "t1", "workflow": "w1",
          "key_id": "k1", "action": "a1", "id": "x1"}  # fmt: skip

HOSTILE = {
    "empty": b"",
    "not json": b"{nope",
    "nan": b'{"items": [NaN]}',
    "huge number": b'{"items": [{"number": "X", "amount": 1' + b"0" * 5000 + b"}]}",
    "huge float": b'{"items": [{"number": "X", "amount": 1e999999}]}',
    "wrong envelope": b"[1, 2, 3]",
    "items not a list": b'{"items": {"a": 1}}',
    "null items": b'{"items": [null, 1, "x", [], true]}',
    "duplicate keys": b'{"items": [{"number": "A", "number": "B", "name": "x", "name": "y"}]}',
    "long key": json.dumps({"items": [{"x" * 100_000: 1}]}).encode(),
    "many keys": json.dumps({"items": [{f"k{i}": i for i in range(20_000)}]}).encode(),
    "long string": json.dumps({"items": [{"number": "A" * 1_000_000}]}).encode(),
    "control chars": json.dumps({"items": [{"number": "\x00\x01", "name": "\u202e\x1b"}]}).encode(),
    "lone surrogate": b'{"items": [{"number": "\\ud800"}]}',
    "bad utf-8": b'{"items": [{"number": "\xff\xfe"}]}',
    "utf-16": json.dumps({"items": []}).encode("utf-16"),
    "bom": b"\xef\xbb\xbf" + json.dumps({"items": []}).encode(),
    "too many rows": json.dumps({"items": [{}] * 1001}).encode(),
    "too big": b'{"pad": "' + b"x" * (5 * 1024 * 1024) + b'"}',
    "wide nesting": json.dumps({"items": [[[[[[[[[[{}]]]]]]]]]]}).encode(),
    "moderately deep": b'{"a": ' * 500 + b"1" + b"}" * 500,
}
DEEP = b"[" * 100_000 + b"]" * 100_000


def _routes(world):
    for route in world.api.router.routes:
        if route.method in ("POST", "PUT", "DELETE", "PATCH") and route.auth:
            yield (
                route.method,
                re.sub(r"\{(\w+)[^}]*\}", lambda m: PARAMS.get(m.group(1), "x"), route.template),
            )


def _setup(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1")]})
    return a


def _call(world, key, method, path, body):
    return world.api.handle(ApiRequest(method, path, {"x-api-key": key}, {}, body))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_bodies_on_every_route_are_4xx(world, name):
    a = _setup(world)
    statuses = {}
    for method, path in _routes(world):
        reply = _call(world, a.key, method, path, HOSTILE[name])
        record(f"json {name}", reply.status)
        statuses[f"{method} {path}"] = reply.status
    assert {k: v for k, v in statuses.items() if v >= 500} == {}


def test_deeply_nested_json_is_a_4xx(world):
    a = _setup(world)
    reply = _call(world, a.key, "POST", "/v1/clients/C1/debtors", DEEP)
    record("json deep nesting", reply.status)
    assert 400 <= reply.status < 500


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = {
    "clients": ["number", "name", "ibans", "kvk_number", "contact_email", "postpone_auto_days", "house_style"],
    "debtors": ["number", "kind", "name", "emails", "mobile", "address", "language", "segment", "ibans"],
    "invoices": ["number", "debtor", "invoice_date", "due_date", "amount", "open_amount", "payment_reference"],
}  # fmt: skip
VALID = {
    "clients": lambda: client_row("C9"),
    "debtors": lambda: debtor_row("D9"),
    "invoices": lambda: invoice_row("F9"),
}


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(sorted(FIELDS)), data=st.data())
def test_the_bulk_schemas_answer_every_shape_with_a_row_error_or_success(world, kind, data):
    a = world.agency_a
    if a.call("GET", "/v1/clients/C1").status != 200:
        _setup(world)
    row = VALID[kind]()
    for name in data.draw(
        st.lists(st.sampled_from(FIELDS[kind]), min_size=1, max_size=3, unique=True)
    ):
        row[name] = data.draw(JSON)
    if data.draw(st.booleans()):
        row[data.draw(st.text(min_size=1, max_size=20))] = data.draw(JSON)
    path = "/v1/clients" if kind == "clients" else f"/v1/clients/C1/{kind}"
    reply = a.call("POST", path, {"items": [row]})
    record(f"hypothesis {kind}", reply.status)
    assert reply.status == 200, reply.body
    stored = reply.body["created"] + reply.body["updated"] + reply.body["unchanged"]
    assert stored + (1 if reply.body["errors"] else 0) == 1  # stored whole, or rejected
    for error in reply.body["errors"]:
        assert error["index"] == 0 and error["message"]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=JSON, route=st.integers(min_value=0, max_value=200))
def test_any_json_on_any_route_is_never_a_500(world, body, route):
    a = world.agency_a
    if a.call("GET", "/v1/clients/C1").status != 200:
        _setup(world)
    routes = list(_routes(world))
    method, path = routes[route % len(routes)]
    reply = _call(world, a.key, method, path, json.dumps(body).encode())
    record("hypothesis any route", reply.status)
    assert reply.status < 500, (method, path, body)
