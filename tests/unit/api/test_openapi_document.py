"""The OpenAPI document against the router, both ways: every route is in the document with
the parameters it declares, and every handler reads exactly the query parameters it declares
(watched while it runs), so a declaration cannot drift from the code."""

from __future__ import annotations

import re
from typing import Any

import pytest

from shared.api.http import ApiRequest
from shared.api.openapi import error_statuses
from shared.api.router import Route
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


class WatchedQuery(dict[str, str]):
    """A query string that remembers which names the handler asked for."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)


def seeded(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1"), client_row("C2")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1"), invoice_row("F2")]})
    a.call("POST", "/v1/clients/C1/invoices/F2/dispute", {"reason": "for an action item"})
    return a


def sample(route: Route, name: str) -> str:
    for q in route.query_params:
        if q.name == name:
            if q.example is not None:
                return q.example
            return {"integer": "10", "boolean": "true", "date": "2025-01-01"}.get(q.type, "x")
    return "x"


def test_every_route_is_in_the_document_with_its_parameters(world):
    doc = world.agency_a.call("GET", "/v1/openapi.json").body
    routes = world.api.router.routes
    assert len(routes) >= 40
    for route in routes:
        op = doc["paths"][route.template][route.method.lower()]
        params = {(p["in"], p["name"]) for p in op["parameters"]}
        expected = {("path", n) for n in re.findall(r"\{(\w+)\}", route.template)}
        expected |= {("query", q.name) for q in route.query_params}
        assert params == expected, route.template
        paging = {("query", "page_size"), ("query", "continuation")}
        assert (paging <= params) is route.paged, route.template
        statuses = set(op["responses"])
        assert str(route.status) in statuses
        assert {str(s) for s in error_statuses(route)} <= statuses
        assert "default" not in statuses
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}
        if route.status != 204:
            content = list(op["responses"][str(route.status)]["content"])
            assert content == [route.produces, *route.also_produces]
        assert ("requestBody" in op) is (route.body is not None or route.consumes is not None)
        assert bool(op["security"]) is route.auth
    documented = {(path, m) for path, ops in doc["paths"].items() for m in ops}
    assert documented == {(r.template, r.method.lower()) for r in routes}


def test_the_named_query_parameters_are_documented_with_types(world):
    doc = world.agency_a.call("GET", "/v1/openapi.json").body

    def query(path: str, method: str = "get") -> dict[str, dict[str, Any]]:
        op = doc["paths"][path][method]
        return {p["name"]: p for p in op["parameters"] if p["in"] == "query"}

    invoices = query("/v1/clients/{client}/invoices")
    assert "open" in invoices["status"]["schema"]["enum"]
    # `open` is not "still owed": the document says a part paid is `partially_paid` (newcomer18
    # F6: three invoices with 1,833.87 open, `?status=open` answered none of them)
    assert "partially_paid" in invoices["status"]["description"]
    assert set(invoices) == {"status", "debtor", "page_size", "continuation"}
    export = query("/v1/clients/{client}/exports/mt940")
    assert export["from"]["schema"] == {"type": "string", "format": "date"}
    assert export["from"]["required"] and export["to"]["required"]
    assert query("/v1/clients/{client}/usage")["month"]["schema"]["pattern"]
    assert set(query("/v1/statements", "post")) == {"name"}
    assert set(query("/v1/clients/{client}/contact-log.csv")) == {"from", "to"}
    for path in ("/v1/health", "/v1/openapi.json", "/v1/clients/{client}/usage.csv"):
        assert "page_size" not in query(path)
    kinds = {
        "/v1/clients/{client}/usage.csv": "text/csv",
        "/v1/clients/{client}/contact-log.csv": "text/csv",
        "/v1/clients/{client}/exports/report.pdf": "application/pdf",
        "/v1/clients/{client}/exports/mt940": "text/plain",
    }
    for path, kind in kinds.items():
        assert list(doc["paths"][path]["get"]["responses"]["200"]["content"]) == [kind]
    schemes = doc["components"]["securitySchemes"]
    assert schemes["apiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Api-Key",
        "description": "An agency key or a client key",
    }


def test_each_handler_reads_exactly_the_query_parameters_it_declares(world):
    a = seeded(world)
    action = a.call("GET", "/v1/clients/C1/actions").body["items"][0]["action_id"]
    values = {"client": "C1", "debtor": "D1", "invoice": "F1", "action": action}
    answered = 0
    for route in world.api.router.routes:
        path = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "none"), route.template)
        query = WatchedQuery({q.name: sample(route, q.name) for q in route.query_params})
        query.pop("continuation", None)  # a made-up token is refused before anything else
        request = ApiRequest(route.method, path, {"x-api-key": a.key or ""}, query, b"")
        response = world.api.handle(request)
        declared = {q.name for q in route.query_params}
        assert query.read <= declared, (route.template, query.read - declared)
        if response.status < 300 and route.method == "GET":
            answered += 1
            assert query.read >= declared - {"continuation"}, route.template
    assert answered >= 15


@pytest.mark.parametrize(
    "path",
    ["/v1/clients/C1/usage.csv", "/v1/clients/C1/contact-log.csv?x", "/v1/health"],
)
def test_non_json_answers_say_so(world, path):
    a = seeded(world)
    path, _, _ = path.partition("?")
    query = {"from": "2025-01-01", "to": "2025-12-31"} if "contact-log" in path else {}
    response = world.api.handle(ApiRequest("GET", path, {"x-api-key": a.key or ""}, query, b""))
    assert response.status == 200
    route = next(r for r in world.api.router.routes if r.pattern.match(path))
    assert response.content_type == route.produces


def test_routes_declared_the_old_way_still_work_and_are_documented(world):
    """Routes written before the declarations grew (positional arguments, ``body``,
    ``response``, ``query`` as {name: description}) keep working unchanged."""
    from shared.api.http import ApiResponse
    from shared.api.openapi import operation
    from shared.api.schemas import DisputeIn, InvoiceOut

    def handler(ctx):
        return ApiResponse(body={"q": ctx.request.query.get("q")})

    old = Route("POST", "/v1/old/{thing}", handler, "Old style", "legacy",
                body=DisputeIn, response=InvoiceOut, query={"q": "A filter"})  # fmt: skip
    world.api.router.add(old)
    op = operation(old)
    assert [(p["in"], p["name"]) for p in op["parameters"]] == [("path", "thing"), ("query", "q")]
    assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("DisputeIn")
    assert set(op["responses"]) == {"200", "400", "401", "403", "404", "413", "422", "500"}
    request = ApiRequest("POST", "/v1/old/x", {"x-api-key": world.agency_a.key or ""}, {"q": "1"})
    assert world.api.handle(request).body == {"q": "1"}
