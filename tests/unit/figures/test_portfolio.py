"""The portfolio sums: how an invoice's change moves open money per due day, and the ageing
buckets on a day (0-30, 31-60, 61-90, over 90 days past due)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.domain.figures.portfolio import ageing, month_key, open_changes
from shared.domain.invoices import Invoice, InvoiceStatus


def invoice(number: str = "F1", due: date = date(2025, 1, 31), amount: int = 12100) -> Invoice:
    return Invoice("c", number, "D1", date(2025, 1, 1), due, amount)


def test_a_new_invoice_adds_its_open_amount_on_its_due_day():
    assert open_changes([(None, invoice())]) == {date(2025, 1, 31): 12100}


def test_a_payment_takes_off_what_it_paid_and_a_closed_invoice_all():
    old = invoice()
    part = replace(old, paid=2100, status=InvoiceStatus.PARTIALLY_PAID)
    assert open_changes([(old, part)]) == {date(2025, 1, 31): -2100}
    assert open_changes([(part, replace(part, status=InvoiceStatus.CREDITED))]) == {
        date(2025, 1, 31): -10000
    }


def test_a_moved_due_date_moves_the_money_and_no_change_moves_nothing():
    old = invoice()
    moved = replace(old, due_date=date(2025, 2, 14))
    assert open_changes([(old, moved)]) == {date(2025, 1, 31): -12100, date(2025, 2, 14): 12100}
    assert open_changes([(old, replace(old, dunning_step=2))]) == {}


def test_ageing_buckets_by_days_past_due():
    on = date(2025, 6, 30)
    sums = {
        date(2025, 6, 30): 1,  # due today: not yet due
        date(2025, 7, 10): 2,
        date(2025, 6, 29): 10,  # 1 day
        date(2025, 5, 31): 20,  # 30 days
        date(2025, 5, 30): 100,  # 31 days
        date(2025, 5, 1): 200,  # 60 days
        date(2025, 4, 30): 1000,  # 61 days
        date(2025, 4, 1): 2000,  # 90 days
        date(2025, 3, 31): 10000,  # 91 days
        date(2020, 1, 1): 20000,
    }
    a = ageing(sums, on)
    assert a.not_due == 3
    assert a.past_due == (30, 300, 3000, 30000)
    assert a.overdue == 33330 and a.open == 33333


def test_month_key():
    assert month_key(date(2025, 3, 9)) == "2025-03"
