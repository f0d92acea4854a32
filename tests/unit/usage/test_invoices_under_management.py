"""The EUR 0.50 per invoice bills every invoice under management during the month asked for:
open at any moment of it, including those paid or credited in it. Over a month boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.adapters.tables.usage_repo import MANAGED
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def at(world: Any, y: int, m: int, d: int, hour: int = 10) -> None:
    world.clock.at = datetime(y, m, d, hour, 0, tzinfo=UTC)


def invoices(world: Any, month: str) -> dict[str, Any]:
    body = world.agency_a.call("GET", "/v1/clients/C1/usage", month=month).body
    found: dict[str, Any] = {x["item"]: x for x in body["items"]}["invoice"]
    return found


def pay(world: Any, number: str, cents: int, on: date) -> None:
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    client = world.services.repos.clients.get(cid)[0]
    world.services.payments.book(
        client,
        payment_id=f"pay-{number}",
        amount=cents,
        received_on=on,
        source=PaymentSource.BANK,
        invoice_numbers=[number],
    )


def test_paid_and_credited_invoices_count_in_the_month_they_left(world: Any) -> None:
    a = world.agency_a
    at(world, 2026, 2, 10)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row("F1"), invoice_row("F2"), invoice_row("F3")]},
    )
    at(world, 2026, 2, 20)
    pay(world, "F1", 12100, date(2026, 2, 20))  # paid in February
    # the month turns (00:05 UTC on 1 March is 01:05 in Amsterdam): the timer opens March
    at(world, 2026, 3, 1, hour=0)
    assert world.services.managed_invoices.fan_out() == 1
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    world.services.managed_invoices.open_month(cid, "2026-03")
    at(world, 2026, 3, 10)
    a.call("POST", "/v1/clients/C1/invoices/F2/credit")  # credited in March
    at(world, 2026, 3, 15)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F4")]})  # new in March
    at(world, 2026, 3, 20)
    pay(world, "F3", 12100, date(2026, 3, 20))  # paid in March
    # April opens lazily: nobody ran the timer, the first usage request does it
    at(world, 2026, 4, 2)
    assert invoices(world, "2026-04")["count"] == 1  # F4 only
    feb, mar = invoices(world, "2026-02"), invoices(world, "2026-03")
    assert feb["count"] == 3 and feb["amount"] == "1.50"  # F1 (paid in Feb), F2, F3
    assert mar["count"] == 3 and mar["amount"] == "1.50"  # F2 (credited), F3 (paid), F4 (new)
    assert invoices(world, "2026-01")["count"] == 0
    # open now would have said 1; the old meter billed March for nothing paid or credited
    assert len(world.services.repos.invoices.open_invoices(cid)) == 1


def test_an_invoice_still_open_at_the_month_end_counts_in_both_months(world: Any) -> None:
    a = world.agency_a
    at(world, 2026, 1, 31, hour=21)  # 22:00 in Amsterdam, still January
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1")]})
    at(world, 2026, 1, 31, hour=23)  # 00:00 on 1 February in Amsterdam
    assert invoices(world, "2026-02")["count"] == 1
    assert invoices(world, "2026-01")["count"] == 1
    # opening twice changes nothing, and re-imports do not double count
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", amount="122.00")]})
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    world.services.managed_invoices.open_month(cid, "2026-02")
    assert invoices(world, "2026-02")["count"] == 1


def test_counting_a_month_reads_only_that_month(world: Any) -> None:
    a = world.agency_a
    at(world, 2026, 2, 10)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [invoice_row(f"F{i}") for i in range(300)]
    a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    meter = world.services.managed_invoices
    at(world, 2026, 3, 1, hour=0)
    meter.open_month(cid, "2026-03")
    before = world.store.requests
    assert meter.count(cid, "2026-02") == 300
    assert world.store.requests - before <= 2  # one range read (pages of 1,000 rows)
    stored = list(world.store.query(MANAGED, page_size=1000).rows)
    assert {r.rk.split("|")[0] for r in stored} == {"2026-02", "2026-03"}
