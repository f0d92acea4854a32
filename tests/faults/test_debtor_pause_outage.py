# ruff: noqa: F811  (the fixture world is imported)
"""Pausing or resuming a debtor while storage is away (the Debtors table refuses connections)
answers 503 with Retry-After, as every other write does, not 422 "debtor keeps changing": an
integration retries a 503 and drops a 422, and the pause may carry a costs hold granted in the
14-day term. A lost race (the row's ETag moved) is still read again (failure6 finding 6)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from azure.core.exceptions import ServiceRequestError, ServiceResponseError

from shared.api.http import ApiRequest
from shared.ports.tables import PreconditionFailed
from tests.unit.api.conftest import world  # noqa: F401 (fixture)
from tests.unit.dunning.test_costs_arrangements import _claim, _on

CALLS = {
    "pause": ("/v1/clients/C1/debtors/D1/pause", {"reason": "uitstel", "until": "2025-03-10"}),
    "resume": ("/v1/clients/C1/debtors/D1/resume", None),
}


def _call(world: Any, key: str, what: str) -> Any:
    path, body = CALLS[what]
    raw = json.dumps(body).encode() if body is not None else b""
    return world.api.handle(ApiRequest("POST", path, {"x-api-key": key}, {}, raw))


@pytest.mark.parametrize("what", sorted(CALLS))
@pytest.mark.parametrize("fault", [ServiceRequestError, ServiceResponseError])
def test_a_debtor_change_during_an_outage_is_a_503(
    world: Any, monkeypatch: pytest.MonkeyPatch, what: str, fault: type[Exception]
) -> None:
    _on(world, date(2025, 2, 20))
    a = _claim(world)
    if what == "resume":
        assert _call(world, a.key, "pause").status == 200
    real = world.store.replace

    def down(table: str, row: Any) -> Any:
        if table == "Debtors":
            raise fault("injected: Azurite stopped")
        return real(table, row)

    monkeypatch.setattr(world.store, "replace", down)
    r = _call(world, a.key, what)
    assert r.status == 503 and r.headers.get("Retry-After"), r.encoded()[:200]


def test_a_lost_race_is_read_again(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _on(world, date(2025, 2, 20))
    a = _claim(world)
    real = world.store.replace
    lost = {"n": 0}

    def race(table: str, row: Any) -> Any:
        if table == "Debtors" and not lost["n"]:
            lost["n"] = 1
            raise PreconditionFailed("another writer changed the debtor")
        return real(table, row)

    monkeypatch.setattr(world.store, "replace", race)
    assert _call(world, a.key, "pause").status == 200
    assert a.call("GET", "/v1/clients/C1/debtors/D1").body["paused"] is True
