"""A storage outage during a request is answered 503 with Retry-After (the API's envelope, the
console's and the portal's own page), so integrations and browsers retry; a bug stays a 500
(failure review F6)."""

from __future__ import annotations

import pytest
from azure.core.exceptions import (
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)

import shared.api.portal_app as portal_app
from shared.api.console.app import ConsoleApp
from shared.api.http import ApiRequest
from shared.api.outage import is_outage
from shared.api.portal_app import PortalApp
from shared.ports.tables import StorageError, TransactionFailed
from tests.faults.world import build, portfolio
from tests.unit.api.conftest import invoice_row


def _world():  # type: ignore[no-untyped-def]
    world = build(0, 0.0)
    portfolio(world, debtors=2)
    world.plan.enabled = True
    return world


@pytest.mark.parametrize("kind", ["reset", "timeout", "http500"])
def test_a_storage_outage_is_a_503_with_retry_after(kind: str) -> None:
    world = _world()
    world.plan.rule(lambda op, table: table == "Invoices", kind, times=10**6)
    response = world.api.api.handle(
        ApiRequest("GET", "/v1/clients/C1/invoices", {"x-api-key": world.api.key or ""}, {}, b"")
    )
    assert response.status == 503
    assert response.headers["Retry-After"] == "5"
    assert isinstance(response.body, dict)
    assert response.body["error"]["code"] == "unavailable"
    assert response.body["error"]["request_id"] == response.headers["X-Request-Id"]


def test_an_import_that_meets_the_outage_says_retry() -> None:
    world = _world()
    world.plan.rule(lambda op, table: table == "Invoices", "reset", times=10**6)
    reply = world.api.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("X1", "D0")]})
    assert reply.status == 503 and reply.body["error"]["code"] == "unavailable"


def test_a_bug_stays_a_500(monkeypatch: pytest.MonkeyPatch) -> None:
    world = _world()

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(world.services.repos.invoices, "list", broken)
    reply = world.api.call("GET", "/v1/clients/C1/invoices")
    assert reply.status == 500 and reply.body["error"]["code"] == "internal"


def test_what_counts_as_an_outage() -> None:
    assert is_outage(ServiceRequestError("connection reset"))
    assert is_outage(ServiceResponseError("read timed out"))
    throttled = HttpResponseError("server busy")
    throttled.status_code = 503
    assert is_outage(throttled)
    try:  # a repository's error raised from the SDK's
        try:
            raise ServiceResponseError("timeout")
        except ServiceResponseError as inner:
            raise TransactionFailed(0, StorageError("lost")) from inner
    except TransactionFailed as outer:
        assert is_outage(outer)
    assert not is_outage(ResourceNotFoundError("gone"))
    assert not is_outage(ValueError("a bug"))
    assert not is_outage(StorageError("invalid continuation token"))


def test_the_portal_shows_a_friendly_503(monkeypatch: pytest.MonkeyPatch) -> None:
    world = _world()

    def down(*_args: object) -> None:
        raise ServiceRequestError("connection reset")

    monkeypatch.setattr(portal_app, "reminder_page", down)
    response = PortalApp(world.services).handle(ApiRequest("GET", "/p/abc", {}, {}, b""))
    assert response.status == 503 and response.headers["Retry-After"] == "5"
    assert "Probeer het over een paar seconden opnieuw" in response.encoded().decode()


def test_the_console_shows_a_friendly_503(monkeypatch: pytest.MonkeyPatch) -> None:
    world = _world()
    console = ConsoleApp(world.services)

    def down(*_args: object, **_kwargs: object) -> None:
        raise ServiceResponseError("read timed out")

    monkeypatch.setattr(console, "_anon", down)
    response = console.handle(ApiRequest("GET", "/login", {}, {}, b""))
    assert response.status == 503 and response.headers["Retry-After"] == "5"
    assert "Probeer het over een paar seconden opnieuw" in response.encoded().decode()
