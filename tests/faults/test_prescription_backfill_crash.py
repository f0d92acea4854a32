"""The prescription backfill cut short after its k-th write, for every k, then run again (as
an ops engineer does after a crash): every open invoice without a row ends with exactly one,
on the day the uninterrupted run gives it, and the counts add up to the portfolio."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.adapters.tables.dunning_repo import SCHEDULE
from shared.adapters.tables.invoices_repo import invoice_to_row
from shared.adapters.tables.memory import InMemoryTableStore
from shared.adapters.tables.schema import INVOICES
from shared.clock import FixedClock
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.ports.tables import Row
from shared.services.operations.prescription_backfill import PrescriptionBackfill
from tests.faults.crashes import TABLE_WRITES, crash_after_write
from tests.faults.figures import FIGURES
from tests.support.faults import FaultPlan, FaultyTableStore, SimulatedCrash

TODAY = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
INVOICES_N = 23  # pages of 5: the crash falls in every page, between rows and progress


def _portfolio() -> InMemoryTableStore:
    store = InMemoryTableStore()
    store.ensure_tables([INVOICES, SCHEDULE])
    for i in range(INVOICES_N):
        due = date(2024, 3, 15) if i % 2 else date(2026, 1, 1) + timedelta(days=i)
        status = InvoiceStatus.PAID if i % 7 == 0 else InvoiceStatus.OPEN
        store.upsert(INVOICES, invoice_to_row(Invoice(
            "C1", f"F{i:02d}", f"D{i % 6}", due - timedelta(days=30), due, 5000, status=status,
        )))  # fmt: skip
    store.upsert(SCHEDULE, Row("C1", "20270301|D1|F01", {}))  # a workflow's row
    return store


def _rows(store: InMemoryTableStore) -> list[str]:
    return [r.rk for r in store.query(SCHEDULE, pk="C1", rk_range=(None, "~")).rows]


def _run(crash_at: int | None, per_day: int) -> tuple[InMemoryTableStore, int]:
    inner = _portfolio()
    plan = FaultPlan()
    cut = crash_after_write(plan, crash_at, ops=TABLE_WRITES)
    faulty = FaultyTableStore(inner, plan)
    try:
        PrescriptionBackfill(faulty, FixedClock(TODAY), per_day=per_day, page_size=5).run("C1")
    except SimulatedCrash:
        # the engineer runs it again, the next hour
        later = FixedClock(TODAY + timedelta(hours=1))
        PrescriptionBackfill(inner, later, per_day=per_day, page_size=5).run("C1")
    return inner, cut.writes


@pytest.mark.parametrize("per_day", [1000, 2])
def test_a_crash_after_any_write_ends_with_one_row_per_open_invoice(per_day: int) -> None:
    baseline, writes = _run(None, per_day)
    expected = _rows(baseline)
    assert writes > 8 and len(expected) == 19  # 4 paid; F01 keeps its workflow's row
    for k in range(1, writes + 1):
        store, _ = _run(k, per_day)
        rows = _rows(store)
        per_invoice = Counter(rk.rsplit("|", 1)[1] for rk in rows)
        assert max(per_invoice.values()) == 1, (k, rows)
        assert set(per_invoice) == {rk.rsplit("|", 1)[1] for rk in expected}, k
        if per_day >= INVOICES_N:  # no spread: the very same rows
            assert rows == expected, k
        state = PrescriptionBackfill(store, FixedClock(TODAY)).progress("C1")
        assert state is not None and state.done
        assert state.written + state.kept + state.closed == INVOICES_N, k
        assert state.closed == 4 and state.written >= 18 - 5, k  # a redone page counts as kept
        FIGURES["crash points replayed"] += 1
