"""A month opened after it ended (its ``usage-month`` message poisoned and replayed from the
action list, or delivered late after an outage) carries only invoices that were under
management in it: not those imported since, which the month (and the one before it) never
held (failure26 F1: a March replayed in April billed April's new invoice in March and in
February)."""

from __future__ import annotations

from typing import Any

from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.usage.test_invoices_under_management import at, invoices


def _client_with(world: Any, *numbers: str) -> str:
    """Client C1 on 10 February 2026 with these invoices of debtor D1; its id."""
    a = world.agency_a
    at(world, 2026, 2, 10)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(n) for n in numbers]})
    return str(world.services.repos.clients.id_for_number("agency-a", "C1"))


def test_a_month_opened_after_it_ended_counts_no_invoice_imported_since(world: Any) -> None:
    a, cid = world.agency_a, _client_with(world, "F1", "F2")
    meter = world.services.managed_invoices
    # 1 March: the timer's message for March fails five times and lands in usage-month-poison
    at(world, 2026, 4, 2)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F3")]})  # new in April
    assert invoices(world, "2026-04")["count"] == 3  # April opened by its first request
    # 5 April: a person replays March's poisoned message from the action list
    at(world, 2026, 4, 5)
    meter.open_month(cid, "2026-03")
    assert set(world.services.managed_invoices.managed.month(cid, "2026-03")) == {"F1", "F2"}
    assert invoices(world, "2026-03")["count"] == 2  # was 3: F3 came in on 2 April
    assert invoices(world, "2026-02")["count"] == 2  # was 3
    assert invoices(world, "2026-04")["count"] == 3


def test_a_late_opening_still_carries_what_stayed_open(world: Any) -> None:
    a, cid = world.agency_a, _client_with(world, "F1")
    # neither March nor April was opened; March's message is replayed in May
    at(world, 2026, 5, 3)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F2")]})  # new in May
    world.services.managed_invoices.open_month(cid, "2026-03")
    assert invoices(world, "2026-03")["count"] == 1  # F1, open all along
    assert invoices(world, "2026-02")["count"] == 1


def test_a_late_opening_carries_an_invoice_whose_due_date_moved_since(world: Any) -> None:
    a, cid = world.agency_a, _client_with(world, "F1")
    # 2 April: a sync moves F1's due date (the meter records it as imported in April)
    at(world, 2026, 4, 2)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", due_date="2026-05-01")]})
    assert world.services.managed_invoices.managed.month(cid, "2026-04") == {"F1": "import"}
    world.services.managed_invoices.open_month(cid, "2026-03")
    assert invoices(world, "2026-03")["count"] == 1  # under management since February


def test_an_invoice_paid_before_its_month_was_opened_is_billed_in_it(world: Any) -> None:
    """failure26 F5: F1 was open at 00:00 on 1 April and paid on the 1st, before anything
    opened April (the timer's message failed; the first usage request opened it on the 2nd):
    April carried only what was open then, and F1's EUR 0.50 was billed in no April row."""
    from datetime import date

    from tests.unit.usage.test_invoices_under_management import pay

    _client_with(world, "F1", "F2")
    at(world, 2026, 3, 31, hour=21)  # 23:00 in Amsterdam: March's last hour
    assert invoices(world, "2026-03")["count"] == 2
    at(world, 2026, 4, 1, hour=8)
    pay(world, "F1", 12100, date(2026, 4, 1))  # paid in full on 1 April
    at(world, 2026, 4, 2)
    april = invoices(world, "2026-04")  # opened by this request
    assert april["count"] == 2 and april["amount"] == "1.00"  # F1 (paid in April), F2
    assert invoices(world, "2026-03")["count"] == 2
    at(world, 2026, 4, 20)
    pay(world, "F2", 12100, date(2026, 4, 20))  # after the opening: nothing more written
    assert invoices(world, "2026-04")["count"] == 2
    at(world, 2026, 5, 2)
    assert invoices(world, "2026-05")["count"] == 0


def test_an_invoice_credited_before_its_month_was_opened_is_billed_in_it(world: Any) -> None:
    """failure26 F5 for a credit: F2 credited at 09:00 on 1 May, May opened at 10:00."""
    a = world.agency_a
    _client_with(world, "F1", "F2")
    at(world, 2026, 4, 30, hour=20)
    assert invoices(world, "2026-04")["count"] == 2
    at(world, 2026, 5, 1, hour=7)
    a.call("POST", "/v1/clients/C1/invoices/F2/credit")
    at(world, 2026, 5, 1, hour=8)
    assert invoices(world, "2026-05")["count"] == 2  # F1 open, F2 credited in May
