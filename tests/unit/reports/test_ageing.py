"""The ageing of open items (shared/domain/ageing.py): bucket edges, where an item stands,
and totals that are the sums of the rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from shared.domain.ageing import (
    BUCKET_NAMES,
    ItemStatus,
    Open,
    OpenItem,
    bucket_of,
    days_overdue,
    open_items,
    status_of,
)
from shared.domain.invoices import Invoice, InvoiceStatus

ON = date(2025, 6, 30)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-10, "not_due"), (0, "not_due"), (1, "1_30"), (30, "1_30"), (31, "31_60"),
     (60, "31_60"), (61, "61_90"), (90, "61_90"), (91, "91_180"), (180, "91_180"),
     (181, "over_180"), (4000, "over_180")],
)  # fmt: skip
def test_bucket_edges(days: int, bucket: str) -> None:
    assert bucket_of(days) == bucket


def test_due_today_is_not_overdue() -> None:
    assert days_overdue(ON, ON) == 0 and bucket_of(days_overdue(ON, ON)) == "not_due"
    assert days_overdue(date(2025, 5, 31), ON) == 30
    assert days_overdue(date(2025, 5, 30), ON) == 31


def _invoice(**extra: object) -> Invoice:
    return replace(Invoice("c", "F1", "D1", date(2025, 1, 1), date(2025, 1, 31), 10_000), **extra)  # type: ignore[arg-type]


def test_status_takes_the_first_that_applies() -> None:
    assert status_of(_invoice(), ON, on_plan=False) is ItemStatus.OPEN
    assert status_of(_invoice(dunning_step=1), ON, on_plan=False) is ItemStatus.IN_DUNNING
    paused = _invoice(dunning_step=1, paused_until=ON)
    assert status_of(paused, ON, on_plan=False) is ItemStatus.PAUSED
    promise_past = _invoice(dunning_step=1, promise_until=date(2025, 6, 29))
    assert status_of(promise_past, ON, on_plan=False) is ItemStatus.IN_DUNNING
    assert status_of(paused, ON, on_plan=True) is ItemStatus.PAYMENT_PLAN
    held = _invoice(dunning_step=1)
    assert status_of(held, ON, on_plan=False, debtor_paused=True) is ItemStatus.PAUSED
    disputed = _invoice(status=InvoiceStatus.DISPUTED, dispute_reason="x")
    assert status_of(disputed, ON, on_plan=True) is ItemStatus.DISPUTED
    handed = replace(disputed, handed_over_to="agency-a")
    assert status_of(handed, ON, on_plan=True) is ItemStatus.HANDED_OVER


def _item(debtor: str, number: str, due: date, principal: int, interest: int = 0) -> OpenItem:
    return OpenItem(debtor, f"Debtor {debtor}", number, date(2025, 1, 1), due,
                    days_overdue(due, ON), Open(principal, 4_000, 0, interest), ItemStatus.OPEN)  # fmt: skip


def test_totals_are_the_sums_of_the_rows() -> None:
    rows = [
        _item("D2", "F9", date(2025, 7, 15), 1_000),
        _item("D1", "F2", date(2025, 5, 30), 2_000, 13),
        _item("D1", "F1", date(2024, 12, 1), 3_000, 99),
        _item("D2", "F8", ON, 500),
    ]
    report = open_items(ON, rows)
    assert list(report.buckets) == list(BUCKET_NAMES)  # empty buckets too
    assert [i.invoice_number for i in report.items] == ["F1", "F2", "F8", "F9"]
    assert report.buckets["not_due"].items == 2
    assert report.buckets["31_60"].open.principal == 2_000
    assert report.buckets["over_180"].open.total == 3_000 + 4_000 + 99
    assert report.buckets["1_30"].items == 0
    for total in (report.buckets.values(), [d.total for d in report.debtors]):
        assert sum(t.items for t in total) == len(rows) == report.total.items
        assert sum(t.open.total for t in total) == sum(r.open.total for r in rows)
        assert sum(t.open.total for t in total) == report.total.open.total
    [d1, d2] = report.debtors
    assert (d1.debtor_number, d1.total.items, d1.oldest_days_overdue) == ("D1", 2, 211)
    assert (d2.debtor_number, d2.total.open.principal) == ("D2", 1_500)


def test_nothing_open_gives_empty_buckets() -> None:
    report = open_items(ON, [])
    assert report.items == [] and report.debtors == [] and report.total.items == 0
    assert all(t.items == 0 for t in report.buckets.values())
