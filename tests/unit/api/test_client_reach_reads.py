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
