"""An import tells the usage meter what it brought in with one row per request (one
transaction, no read), and counting still takes each invoice once."""

from __future__ import annotations

from typing import Any

from shared.adapters.tables.usage_repo import IMPORT, MANAGED, ManagedInvoiceRepository
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.usage.test_invoices_under_management import at, invoices


class Calls:
    def __init__(self, store: Any) -> None:
        self.store = store
        self.seen: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> Any:
        inner = getattr(self.store, name)
        if not callable(inner):
            return inner

        def counted(table: Any, *args: Any, **kwargs: Any) -> Any:
            self.seen.append((name, table))
            return inner(table, *args, **kwargs)

        return counted


def test_an_import_writes_one_row_and_reads_nothing_of_the_meter(world: Any) -> None:
    a = world.agency_a
    at(world, 2026, 2, 10)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    meter = world.services.managed_invoices.managed
    calls = Calls(meter.store)
    meter.store = calls
    rows = [invoice_row(f"F{i}") for i in range(300)]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 300
    assert calls.seen == [("transact", MANAGED)]
    # the same invoices again, due later (rescheduled, so told to the meter again), and a new one
    moved = [invoice_row(f"F{i}", due_date="2026-03-31") for i in range(3)]
    a.call("POST", "/v1/clients/C1/invoices", {"items": [*moved, invoice_row("F300")]})
    assert invoices(world, "2026-02")["count"] == 301


def test_a_carried_invoice_imported_again_counts_once_as_carried(world: Any) -> None:
    repo = ManagedInvoiceRepository(world.store)
    repo.add("cl1", "2026-02", ["F1", "F2"], "carried")
    repo.add_imported("cl1", "2026-02", ["F2", "F3", "F3"])
    repo.add_imported("cl1", "2026-02", ["F3", "F/4"])
    assert repo.month("cl1", "2026-02") == {
        "F1": "carried", "F2": "carried", "F3": IMPORT, "F/4": IMPORT,
    }  # fmt: skip
    assert repo.month("cl1", "2026-03") == {}


def test_long_numbers_spread_over_rows_of_one_transaction(world: Any) -> None:
    repo = ManagedInvoiceRepository(world.store)
    numbers = [f"{i:04d}-" + "x" * 96 for i in range(1000)]  # 100 characters each
    repo.add_imported("cl1", "2026-02", numbers)
    stored = list(world.store.query(MANAGED, page_size=1000).rows)
    assert 3 <= len(stored) <= 5
    assert all(len(str(r.data["Numbers"])) <= 30_000 for r in stored)
    assert set(repo.month("cl1", "2026-02")) == set(numbers)
