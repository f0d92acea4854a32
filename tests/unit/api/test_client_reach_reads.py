"""review27 F5: the router's reach check (people27) found the client a ``/v1/clients/{client}``
path names, and the handler's ``client_for`` looked its number up again: ClientNumbers read
twice per request (3 reads of the client where 2 did). The handler reuses what the router
found for this request's principal; another principal, or another number, is checked again."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.tables import schema
from tests.unit.api.conftest import client_row


def _reads(world: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    tables: list[str] = []
    get = world.store.get

    def counting(table: str, pk: str, rk: str) -> Any:
        tables.append(table)
        return get(table, pk, rk)

    monkeypatch.setattr(world.store, "get", counting)
    return tables


def test_a_client_request_looks_its_number_up_once(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row()]}).status == 200
    tables = _reads(world, monkeypatch)
    r = a.call("GET", "/v1/clients/C1")
    assert r.status == 200 and r.body["number"] == "C1"
    assert tables.count(schema.CLIENT_NUMBERS) == 1  # was 2: the router's, then client_for's
    assert tables.count(schema.CLIENTS) == 1
    tables.clear()
    assert a.call("GET", "/v1/clients/C9").status == 404  # unknown: still refused
    assert tables.count(schema.CLIENT_NUMBERS) == 1


def test_a_client_number_found_is_read_once_a_process(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """perf28b: a number's index row is inserted once and never changes, so the process keeps
    what it read (one of the 33 storage requests of a 1,000-invoice import). The caller's key
    and the client's record are still read every request; a number not found is read again
    (it may be created), and another agency's principal finds nothing under the number."""
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row()]}).status == 200
    tables = _reads(world, monkeypatch)
    assert a.call("GET", "/v1/clients/C1").status == 200
    assert tables.count(schema.CLIENT_NUMBERS) == 1
    tables.clear()
    r = a.call("GET", "/v1/clients/C1")
    assert r.status == 200 and r.body["number"] == "C1"
    assert tables.count(schema.CLIENT_NUMBERS) == 0  # was 1 a request
    assert tables.count(schema.CLIENTS) == 1  # an inactive client is still refused at once
    assert world.agency_b.call("GET", "/v1/clients/C1").status == 404  # the agency's own only
    tables.clear()
    assert a.call("GET", "/v1/clients/C2").status == 404
    assert a.call("POST", "/v1/clients", {"items": [client_row("C2")]}).status == 200
    assert a.call("GET", "/v1/clients/C2").status == 200  # a number not found is not kept
