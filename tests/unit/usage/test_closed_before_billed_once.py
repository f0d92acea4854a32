"""Each invoice is billed in the months it was under management, once: one paid, credited or
withdrawn in March and credited or withdrawn again in April before April was opened (the
timer's message late, the first usage request on the 2nd) was billed in April too (ops27 left:
the status listener is told numbers after the change, not the status before). An invoice still
open on 1 April and credited then is billed in April (failure26 F5 stands)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.unit.usage.test_invoices_under_management import at, invoices, pay
from tests.unit.usage.test_month_opened_late import _client_with


def test_an_invoice_closed_in_march_is_not_billed_in_april_again(world: Any) -> None:
    a = world.agency_a
    _client_with(world, "F1", "F2", "F3", "F4")
    at(world, 2026, 3, 5)
    assert invoices(world, "2026-03")["count"] == 4
    pay(world, "F1", 12100, date(2026, 3, 10))  # paid in March
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit").status == 200
    assert a.call("POST", "/v1/clients/C1/invoices/F3/withdraw").status == 200
    # 1 April, 09:00 in Amsterdam, April not opened yet
    at(world, 2026, 4, 1, hour=7)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 200
    assert a.call("POST", "/v1/clients/C1/invoices/F2/withdraw").status == 200
    assert a.call("POST", "/v1/clients/C1/invoices/F3/withdraw").status == 200  # a retry
    # F1's 121.00 went to F4 by art. 6:43 when F1 was credited: F4, open till now, is paid
    assert a.call("GET", "/v1/clients/C1/invoices/F4").body["status"] == "paid"
    at(world, 2026, 4, 2)
    april = invoices(world, "2026-04")
    assert (april["count"], april["amount"]) == (1, "0.50")  # F4 only; was 4, EUR 2.00
    assert invoices(world, "2026-03")["count"] == 4
