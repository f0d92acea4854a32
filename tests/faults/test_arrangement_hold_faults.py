# ruff: noqa: F811  (the fixture world is imported)
"""A promise to pay, an invoice's postponement or a debtor's dated pause recorded inside the
14-day term when the ledger's write of its costs hold fails (a storage timeout): the invoice
or debtor shows the arrangement, so the claim must not charge the costs. A retry, on the day or
after the term, writes the hold dated by the day the arrangement was agreed, not its own; with
no retry, the next dunning run writes it (failure6 finding 5).

The claim of test_costs_arrangements: consumer F1 1,000.00, its 14-day letter posted 02-10,
costs owed from 02-27 (150.00) unless an arrangement agreed in the term holds them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from azure.core.exceptions import ServiceResponseError

from shared.adapters.tables.ledger_repo import LEDGER
from tests.unit.api.conftest import world  # noqa: F401 (fixture)
from tests.unit.dunning.test_costs_arrangements import _claim, _on, _open

ASK = {
    "promise": ("/v1/clients/C1/invoices/F1/promise", {"until": "2025-03-06"}),
    "postponement": ("/v1/clients/C1/invoices/F1/pause", {"until": "2025-03-06"}),
    "debtor": ("/v1/clients/C1/debtors/D1/pause", {"reason": "uitstel", "until": "2025-03-06"}),
}


def _ledger_times_out_once(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    real = world.store.transact
    hit = {"n": 0}

    def transact(table: str, ops: Any) -> Any:
        if table == LEDGER and not hit["n"]:
            hit["n"] = 1
            raise ServiceResponseError("injected: read timed out")
        return real(table, ops)

    monkeypatch.setattr(world.store, "transact", transact)


def _run_dunning(world: Any, day: date) -> None:
    """The morning's timer and every client's run job, as the queue would deliver them."""
    _on(world, day, 5)
    services = world.services
    services.dunning.fan_out()
    for job in services.messaging.queues.take("dunning-run"):
        body = json.loads(job.body)
        services.dunning.run_client(body["client_id"], date.fromisoformat(body["date"]))


def _shown(a: Any, what: str) -> bool:
    if what == "debtor":
        return bool(a.call("GET", "/v1/clients/C1/debtors/D1").body.get("paused"))
    inv = a.call("GET", "/v1/clients/C1/invoices/F1").body
    return bool(inv.get("promise_until" if what == "promise" else "paused_until"))


@pytest.mark.parametrize("what", sorted(ASK))
@pytest.mark.parametrize("then", ["retry_same_day", "retry_after_term", "dunning_run", "control"])
def test_an_arrangement_whose_costs_hold_write_times_out_holds_the_costs(
    world: Any, monkeypatch: pytest.MonkeyPatch, what: str, then: str
) -> None:
    _on(world, date(2025, 2, 20))  # inside the term (costs owed from 02-27)
    a = _claim(world)
    if then == "dunning_run":
        # the morning's run looked at F1 already: its next look is a week on (no workflow)
        _run_dunning(world, date(2025, 2, 20))
        _on(world, date(2025, 2, 20))
    path, body = ASK[what]
    if then != "control":
        _ledger_times_out_once(world, monkeypatch)
    first = a.call("POST", path, body)
    if then == "control":
        assert first.status == 200
    else:
        assert first.status == 503  # storage trouble, said as such
        assert _shown(a, what)  # recorded: nobody has a reason to think otherwise
    if then == "retry_same_day":
        assert a.call("POST", path, body).status == 200
    elif then == "retry_after_term":
        _on(world, date(2025, 2, 28))
        assert a.call("POST", path, body).status == 200
    elif then == "dunning_run":
        _run_dunning(world, date(2025, 2, 21))  # the next morning's run writes the hold
    assert _open(a, "2025-03-06")["open"]["costs"] == "0.00"
    # told once on the contact log, however often it was asked
    log = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    told = [e for e in log if e["kind"] in ("pause", "note")]
    assert len(told) == 1, told


def test_an_arrangement_made_after_the_term_still_costs(world: Any) -> None:
    """The control of the rule: a promise agreed after the term holds nothing."""
    _on(world, date(2025, 2, 28))
    a = _claim(world)
    assert a.call("POST", *ASK["promise"]).status == 200
    assert _open(a, "2025-03-06")["open"]["costs"] == "150.00"
