"""sec28: a query parameter a /v1 route does not take was ignored, so ``GET
/v1/clients/C1/payments?debtor=D1`` answered every debtor's payments, which a caller read as
D1's. Now 400 ``unknown_query_parameter`` naming it and what the route takes; the documented
parameters and the harmless ones (``code``, the Functions key a gateway sends along, and the
cache-buster ``_``) still work, an outsider still gets the one 404 first, and what each route
reads is what the OpenAPI document says it takes."""

from __future__ import annotations

import inspect
import re
from typing import Any

from shared.domain.records import ActionItem
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def _client(world: Any) -> None:
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    a.call("POST", "/v1/clients/C1/invoices",
           {"items": [invoice_row("F1", "D1"), invoice_row("F2", "D2")]})  # fmt: skip


def test_a_filter_the_route_lacks_is_refused_by_name(world: Any) -> None:
    _client(world)
    a = world.agency_a
    for path, query in (
        ("/v1/clients/C1/payments", {"debtor": "D1"}),
        ("/v1/clients/C1/invoices", {"debtor": "D1", "debtr": "D1"}),  # a typo beside a real one
        ("/v1/clients/C1", {"debtor": "D1"}),  # a route with no query at all
    ):
        refused = a.call("GET", path, **query)
        assert refused.status == 400, (path, refused.body)
        error = refused.body["error"]
        unknown = "debtr" if "debtr" in query else "debtor"
        assert (error["code"], error["field"]) == ("unknown_query_parameter", unknown), error
        assert f"unknown query parameter '{unknown}'" in error["message"], error


def test_documented_and_harmless_parameters_still_work(world: Any) -> None:
    _client(world)
    a = world.agency_a
    mine = a.call("GET", "/v1/clients/C1/invoices", debtor="D1", status="open", page_size="10")
    assert mine.status == 200 and [i["number"] for i in mine.body["items"]] == ["F1"], mine.body
    assert a.call("GET", "/v1/clients/C1", code="host-key", _="1733250000").status == 200
    assert a.call("GET", "/v1/health", probe="1").status in (200, 503)  # no key: no check


def test_the_runbooks_kind_filter_filters(world: Any) -> None:
    """docs/operations.md sends operators to ``actions?kind=dispute_untold``: the route took no
    ``kind`` and answered every item; it filters now (and a kind that is no word is a 400)."""
    _client(world)
    a, actions = world.agency_a, world.services.repos.actions
    client_id = a.call("GET", "/v1/clients/C1").body["client_id"]
    for n, kind in enumerate(("dispute_untold", "staff_task", "dispute_untold", "dispute")):
        actions.add(ActionItem(client_id, f"a{n}", kind, kind, world.clock.now()))
    found = a.call("GET", "/v1/clients/C1/actions", kind="dispute_untold", status="open")
    assert found.status == 200, found.body
    assert [i["action_id"] for i in found.body["items"]] == ["a0", "a2"], found.body
    assert a.call("GET", "/v1/clients/C1/actions", kind="x' or 1").status == 400


def test_an_outsider_still_gets_404_first(world: Any) -> None:
    _client(world)
    answer = world.agency_b.call("GET", "/v1/clients/C1/payments", debtor="D1")
    assert answer.status == 404 and answer.body["error"]["code"] == "not_found", answer.body


_READS = re.compile(r"""query(?:\.get)?[(\[]["'](\w+)["']""")


def test_every_parameter_a_route_reads_is_documented(world: Any) -> None:
    document = world.api.openapi
    undocumented = []
    for route in world.api.router.routes:
        source = inspect.getsource(route.handler)
        reads = set(_READS.findall(source)) | (
            {"page_size", "continuation"} if "page_args(" in source else set()
        )
        op = document["paths"][route.template][route.method.lower()]  # type: ignore[index]
        documented = {p["name"] for p in op["parameters"] if p["in"] == "query"}
        undocumented += [f"{route.method} {route.template} ?{n}" for n in reads - documented]
        if route.auth:
            assert "400" in op["responses"], (route.method, route.template)
    assert undocumented == []
