"""perf28b: what a failed import left to finish (changes of claim terms to record, moved due
dates to restate) is found by one range read of the client's ``w|`` rows a request, where two
(``t|``, ``d|``) were read (issue #19: 0.033 storage requests an imported invoice). Rows an
older version left under ``t|`` and ``d|`` stay readable: the client's daily run finishes them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.adapters.tables import schema
from shared.adapters.tables.invoices_repo import (
    DUE_MOVED_ROW,
    LEGACY_DUE_MOVED_ROW,
    LEGACY_TERMS_PENDING_ROW,
    TERMS_PENDING_ROW,
)
from shared.domain.records import PaymentSource
from shared.ports.tables import Row, prefix_range
from tests.support.faults import FaultPlan, SimulatedCrash
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row, make_world
from tests.unit.api.test_import_claim_terms import INVOICES, _lettered
from tests.unit.services.test_claim_terms_recorded_after_a_failure import (
    SERVICE,
    _claim_kind_lines,
    _fail_once,
    _recorded_once,
)
from tests.unit.services.test_restated_after_a_failure import _claim, _client, _client_id

LEFT_OVER_PREFIXES = ("t|", "d|", "w|")


def _rows(world: World, row: str) -> list[Row]:
    pk = _client_id(world)
    return world.store.query(schema.INVOICES, pk=pk, rk_range=prefix_range(row + "|")).rows


def _as_an_older_version_left_it(world: World, row: str, legacy: str) -> None:
    """The rows under ``row`` moved to the key an older version gave them."""
    rows = _rows(world, row)
    assert rows
    for r in rows:
        key = r.rk.removeprefix(row + "|")
        world.store.insert(schema.INVOICES, Row(r.pk, f"{legacy}|{key}", dict(r.data)))
        world.store.delete(schema.INVOICES, r.pk, r.rk)


def test_an_import_reads_what_failed_requests_left_once(monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world()
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]}).status == 200
    ranges: list[str] = []
    query = world.store.query

    def counting(table: str, *args: Any, **kwargs: Any) -> Any:
        low = (kwargs.get("rk_range") or ("",))[0]
        if table == schema.INVOICES and low.startswith(LEFT_OVER_PREFIXES):
            ranges.append(low)
        return query(table, *args, **kwargs)

    monkeypatch.setattr(world.store, "query", counting)
    items = [invoice_row(f"F{i}", "D1") for i in range(3)]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": items}).body["created"] == 3
    assert ranges == ["w|"]  # was ["t|", "d|"]


def test_the_daily_run_records_changes_of_terms_an_older_version_left() -> None:
    plan = FaultPlan(enabled=True)
    world = make_world(datetime(2025, 3, 3, 9, 0, tzinfo=UTC), plan)
    a = _lettered(world)
    _fail_once(plan, "ContactLog")
    assert a.call("POST", INVOICES, {"items": [SERVICE]}).status in (500, 503)
    _as_an_older_version_left_it(world, TERMS_PENDING_ROW, LEGACY_TERMS_PENDING_ROW)
    assert a.call("POST", INVOICES, {"items": [SERVICE]}).body["unchanged"] == 1
    assert _claim_kind_lines(world) == []  # an import reads the new rows alone
    world.services.dunning.run_client(_client_id(world), date(2025, 4, 10))
    _recorded_once(world)
    assert _rows(world, LEGACY_TERMS_PENDING_ROW) == []
    world.services.dunning.run_client(_client_id(world), date(2025, 4, 10))
    _recorded_once(world)


def test_the_daily_run_restates_a_due_date_an_older_version_marked() -> None:
    plan = FaultPlan(enabled=True)
    world = make_world(datetime(2026, 1, 6, 9, 0, tzinfo=UTC), plan)
    a = world.agency_a
    row = invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-11-01",
                      due_date="2025-12-01")  # fmt: skip
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status == 200
    world.clock.at = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    world.services.payments.book(_client(world), payment_id="p1", amount=50_000,
                                 received_on=date(2026, 1, 10), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    plan.rule(lambda op, t: op == "transact" and t == schema.INVOICES, "crash_after", times=1)
    with pytest.raises(SimulatedCrash):
        a.call("POST", "/v1/clients/C1/invoices", {"items": [dict(row, due_date="2026-01-15")]})
    _as_an_older_version_left_it(world, DUE_MOVED_ROW, LEGACY_DUE_MOVED_ROW)
    assert _claim(world, "2026-01-12")["paid"]["interest"] == "5.92"  # stored, not restated
    world.services.dunning.run_client(_client_id(world), date(2026, 1, 12))
    on_15_2 = _claim(world, "2026-02-15")  # (tests/unit/services/test_restated_after_a_failure)
    assert on_15_2["paid"]["interest"] == "0.00" and on_15_2["open"]["total"] == "501.64"
    assert _rows(world, LEGACY_DUE_MOVED_ROW) == []
