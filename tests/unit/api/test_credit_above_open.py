"""law5 finding 6: a partial credit note above the open principal (6:44 put part of the
payments on interest or costs first) but below the invoice's principal is booked, not
refused: the claim is restated as the lower invoice from its first day and what the debtor
paid beyond it is moved by 6:43 (here: no other claim, so an overpayment item)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def _setup(world: World, amount: str) -> Any:
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    row = invoice_row("F1", "D1", amount=amount, fourteen_day_letter_on="2025-02-10")
    assert a.call("POST", BASE, {"items": [row]}).body["created"] == 1
    access = world.services.access
    assert a.key is not None
    principal = access.authenticate(a.key)
    assert principal is not None
    return access.client_for(principal, "C1")


def _pay(world: World, c1: Any, cents: int, on: date) -> Any:
    return world.services.payments.book(
        c1, payment_id="bank-1", amount=cents, received_on=on,
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip


def test_a_credit_note_above_the_open_principal_is_booked_and_the_excess_moved(
    world: World,
) -> None:
    c1 = _setup(world, "1000.00")
    a = world.agency_a
    paid = _pay(world, c1, 60_000, date(2025, 2, 20))  # inside the 14-day term: no costs
    # 6:44: interest 1-2..19-2 on 1,000 first (19 d x 6 % / 365 = 3.1233 -> 3.12)
    assert {(x.component, x.amount) for x in paid.allocations} == {
        ("interest", 312), ("principal", 59_688),
    }  # fmt: skip
    body = {"amount": "500.00", "reference": "CN-1", "reason": "goods returned"}
    r = a.call("POST", f"{BASE}/F1/credit", body)
    assert r.status == 200, r.body  # was 422 "the open principal is € 403,12"
    assert Decimal(r.body["amount"]) == Decimal("500.00")
    # reviewer's hand: F1 as 500.00 from the start; 600.00 on 02-20 pays interest 19 d on
    # 500 = 1.5616 -> 1.56 and the 500.00 principal inside the term (no costs): 98.44 over
    claim = a.call("GET", f"{BASE}/F1/claim", on="2025-03-20").body
    assert Decimal(claim["open"]["principal"]) == 0
    assert Decimal(claim["open"]["interest"]) == 0
    assert Decimal(claim["paid"]["principal"]) == Decimal("500.00")
    assert Decimal(claim["paid"]["interest"]) == Decimal("1.56")
    row = world.services.payments.repos.payments.get(c1.client_id, "bank-1")
    assert row is not None and row.unallocated == 9_844
    assert {(x.component, x.amount) for x in row.allocations} == {
        ("interest", 156), ("principal", 50_000),
    }  # fmt: skip
    invoice = a.call("GET", f"{BASE}/F1").body
    assert invoice["status"] == "paid"
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    titles = [i["title"] for i in items if i["kind"] == "overpayment"]
    assert titles == ["Overpayment of € 98,44 (credit note CN-1 on invoice F1)"]
    # the same note again books once; the same reference with another amount is a conflict
    again = a.call("POST", f"{BASE}/F1/credit", body)
    assert again.status == 200, again.body
    assert Decimal(again.body["amount"]) == Decimal("500.00")
    other = a.call("POST", f"{BASE}/F1/credit", {"amount": "450.00", "reference": "CN-1"})
    assert other.status == 409, other.body
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert len([i for i in items if i["kind"] == "overpayment"]) == 1


def test_a_credit_note_above_the_invoice_principal_is_refused(world: World) -> None:
    c1 = _setup(world, "1000.00")
    _pay(world, c1, 60_000, date(2025, 2, 20))
    a = world.agency_a
    r = a.call("POST", f"{BASE}/F1/credit", {"amount": "1000.01", "reference": "CN-1"})
    assert r.status == 422, r.body
    assert "1.000,00" in r.body["error"]["message"]
    assert Decimal(a.call("GET", f"{BASE}/F1").body["amount"]) == Decimal("1000.00")


def test_a_credit_note_above_the_open_principal_of_a_claim_with_costs(world: World) -> None:
    """The reviewer's second case: 500.00 on a 3,000.00 claim after the term goes to costs
    and interest first (6:44), leaving 2,939.79 open principal; a 2,950.00 note is booked."""
    c1 = _setup(world, "3000.00")
    paid = _pay(world, c1, 50_000, date(2025, 3, 3))
    # costs 15 % of 2,500 + 10 % of 500 = 425.00; interest 1-2..2-3 (30 d x 6 % x 3,000 /
    # 365 = 14.79); principal 60.21
    assert {(x.component, x.amount) for x in paid.allocations} == {
        ("costs", 42_500), ("interest", 1_479), ("principal", 6_021),
    }  # fmt: skip
    a = world.agency_a
    r = a.call("POST", f"{BASE}/F1/credit", {"amount": "2950.00", "reference": "CN-2"})
    assert r.status == 200, r.body
    assert Decimal(r.body["amount"]) == Decimal("50.00")
    # hand: F1 as 50.00 from the start: costs 15 % = 7.50 -> the 40.00 minimum, interest 30 d
    # on 50 = 0.2466 -> 0.25, principal 50.00: 90.25 of the 500.00; 409.75 over
    claim = a.call("GET", f"{BASE}/F1/claim", on="2025-03-20").body
    assert claim["open"]["total"] == "0.00"
    assert (claim["paid"]["costs"], claim["paid"]["interest"], claim["paid"]["principal"]) == (
        "40.00", "0.25", "50.00",
    )  # fmt: skip
    row = world.services.payments.repos.payments.get(c1.client_id, "bank-1")
    assert row is not None and row.unallocated == 40_975
