"""One error envelope everywhere, with the request id that is also in the log."""

from __future__ import annotations

import json
import logging

import pytest

from shared.api.http import ApiRequest, ApiResponse
from shared.api.router import Context, Route
from shared.api.schemas import ErrorOut
from tests.unit.api.conftest import client_row, invoice_row


def envelope(response: ApiResponse) -> dict[str, object]:
    body = json.loads(response.encoded())
    ErrorOut.model_validate(body)  # the shape the OpenAPI document promises
    assert set(body) == {"error"}
    error: dict[str, object] = body["error"]
    assert error["request_id"] == response.headers["X-Request-Id"]
    return error


def call(world, method, path, body=b"", key=True, **headers):
    if key:
        headers["x-api-key"] = world.agency_a.key
    return world.api.handle(ApiRequest(method, path, headers, {}, body))


def test_every_kind_of_error_has_the_envelope(world):
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    cases = [
        (call(world, "GET", "/v1/clients", key=False), 401, "unauthorized"),
        (call(world, "GET", "/v1/nowhere"), 404, "not_found"),
        (call(world, "DELETE", "/v1/clients"), 405, "method_not_allowed"),
        (call(world, "POST", "/v1/clients/C1/invoices", b"{nope"), 400, "bad_request"),
        (call(world, "POST", "/v1/clients/C1/invoices", b'{"rows": []}'), 422, "unprocessable"),
        (call(world, "GET", "/v1/clients/C9"), 404, "not_found"),
    ]
    for response, status, code in cases:
        assert response.status == status
        error = envelope(response)
        assert error["code"] == code and error["message"]


def test_the_field_at_fault_is_named(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    response = call(world, "POST", "/v1/keys", json.dumps({"scope": "client"}).encode())
    assert response.status == 422
    assert envelope(response)["field"] == "client"
    response = call(world, "POST", "/v1/keys", json.dumps({"scope": "nobody"}).encode())
    assert envelope(response)["field"] == "scope"


def test_the_callers_request_id_is_kept_when_it_is_a_plain_token(world):
    response = call(world, "GET", "/v1/nowhere", **{"x-request-id": "abc123-DEF.456"})
    assert envelope(response)["request_id"] == "abc123-DEF.456"
    response = call(world, "GET", "/v1/nowhere", **{"x-request-id": "x\nforged log line"})
    assert envelope(response)["request_id"] != "x\nforged log line"


def test_a_500_carries_the_request_id_that_is_in_the_log(world, caplog):
    def broken(_ctx: Context) -> ApiResponse:
        raise RuntimeError("table went away")

    world.api.router.add(Route("GET", "/v1/broken", broken, "Fails", "test"))
    with caplog.at_level(logging.ERROR, logger="inning.api"):
        response = call(world, "GET", "/v1/broken")
    assert response.status == 500
    error = envelope(response)
    assert error["code"] == "internal" and "table went away" not in str(error["message"])
    [record] = [r for r in caplog.records if r.name == "inning.api"]
    assert record.request_id == error["request_id"]  # type: ignore[attr-defined]
    assert str(error["request_id"]) in record.getMessage()
    assert record.exc_info is not None


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_deeply_nested_json_is_a_400_not_a_500(world, depth):
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    nested = b"[" * depth + b"]" * depth
    for body in (nested, b'{"items": [{"number": ' + nested + b"}]}"):
        response = call(world, "POST", "/v1/clients/C1/invoices", body)
        assert response.status == 400
        assert "nested" in str(envelope(response)["message"])


def test_ordinary_nesting_still_works(world):
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    world.agency_a.call(
        "POST", "/v1/clients/C1/debtors", {"items": [{"number": "D1", "kind": "b2b", "name": "x"}]}
    )
    response = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row()]})
    assert response.status == 200 and response.body["created"] == 1


def test_a_failure_before_the_router_still_answers_with_the_envelope(monkeypatch, caplog):
    import azure.functions as func

    from functions import api as api_function
    from tools.devhost.invoke import LocalContext

    def broken() -> None:
        raise RuntimeError("no storage configured")

    monkeypatch.setattr(api_function, "api", broken)
    request = func.HttpRequest("GET", "http://localhost/api/v1/clients", body=b"",
                               route_params={"path": "clients"})  # fmt: skip
    with caplog.at_level(logging.ERROR, logger="inning.api"):
        response = api_function.integration_api.build().get_user_function()(
            request, context=LocalContext("integration_api")
        )
    assert response.status_code == 500
    body = json.loads(response.get_body())
    assert body["error"]["code"] == "internal"
    assert body["error"]["request_id"] == response.headers["X-Request-Id"]
    assert body["error"]["request_id"] in caplog.text
