"""After a return, a designated payment goes back to the invoices the debtor named (art. 6:43
lid 1 BW) also when it is already partly on one of them, or wholly unallocated (ledger-rest6
item 2). All money is received before the due dates: no interest, no costs, so the figures
are the amounts themselves.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def _setup(world: World, *invoices: tuple[str, str, str]) -> Any:
    world.clock.at = datetime(2025, 1, 10, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [invoice_row(n, "D1", amount=amount, due_date=due) for n, amount, due in invoices]
    assert a.call("POST", BASE, {"items": rows}).body["created"] == len(invoices)
    access = world.services.access
    assert a.key is not None
    principal = access.authenticate(a.key)
    assert principal is not None
    return access.client_for(principal, "C1")


def _pay(world: World, c1: Any, pid: str, cents: int, on: date, named: list[str]) -> None:
    world.services.payments.book(c1, payment_id=pid, amount=cents, received_on=on,
                                 source=PaymentSource.BANK, invoice_numbers=named)  # fmt: skip


def _held(world: World, c1: Any, pid: str) -> tuple[list[tuple[str, str, int]], int]:
    row = world.services.payments.repos.payments.get(c1.client_id, pid)
    assert row is not None
    return sorted((x.invoice_number, x.component, x.amount) for x in row.allocations), (
        row.unallocated
    )


def _open(world: World, *numbers: str) -> list[str]:
    a = world.agency_a
    return [a.call("GET", f"{BASE}/{n}/claim").body["open"]["total"] for n in numbers]


def test_a_payment_partly_on_the_invoice_it_named_is_put_back_on_it_whole(world: World) -> None:
    """F1 150.00 (due 03-31), F2 100.00 (due 04-30). bank-Q 100.00 on F1, received 01-10.
    bank-P 100.00 received 01-05 naming F1, booked on 01-15 (back-dated): F1 restated, bank-Q
    keeps its 100.00 there, bank-P takes the 50.00 left on F1 and its other 50.00 goes to F2.
    bank-Q comes back on 01-20: F1 asks 100.00 again; bank-P named F1, so all of it goes
    there: F1 100.00 from bank-P, 50.00 open; F2 100.00 open again."""
    c1 = _setup(world, ("F1", "150.00", "2025-03-31"), ("F2", "100.00", "2025-04-30"))
    _pay(world, c1, "bank-Q", 10_000, date(2025, 1, 10), ["F1"])
    world.clock.at = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)
    _pay(world, c1, "bank-P", 10_000, date(2025, 1, 5), ["F1"])
    assert _held(world, c1, "bank-P") == ([("F1", "principal", 5_000),
                                           ("F2", "principal", 5_000)], 0)  # fmt: skip
    world.clock.at = datetime(2025, 1, 20, 10, 0, tzinfo=UTC)
    for _ in range(2):  # the return, then its redelivery: nothing moves twice
        world.services.payments.reverse(c1, "bank-Q", "AC04", on=date(2025, 1, 20))
        assert _held(world, c1, "bank-P") == ([("F1", "principal", 10_000)], 0)
        assert _open(world, "F1", "F2") == ["50.00", "100.00"]
    invoices = world.services.payments.repos.invoices.get_many(c1.client_id, ["F1", "F2"])
    assert (invoices["F1"].invoice.open_amount, invoices["F2"].invoice.open_amount) == (
        5_000, 10_000,
    )  # fmt: skip


def test_a_wholly_unallocated_designated_payment_goes_to_the_invoice_it_named(
    world: World,
) -> None:
    """F1 100.00 (due 03-31), the debtor's only invoice. bank-Q 100.00 pays it on 01-10;
    bank-P 100.00 naming F1 arrives on 01-12: nothing is open, all of it is an overpayment.
    bank-Q comes back on 01-20: bank-P pays F1 on the day it came, nothing is over, the
    overpayment item is resolved (no refund due)."""
    c1 = _setup(world, ("F1", "100.00", "2025-03-31"))
    _pay(world, c1, "bank-Q", 10_000, date(2025, 1, 10), ["F1"])
    world.clock.at = datetime(2025, 1, 12, 10, 0, tzinfo=UTC)
    _pay(world, c1, "bank-P", 10_000, date(2025, 1, 12), ["F1"])
    assert _held(world, c1, "bank-P") == ([], 10_000)
    world.clock.at = datetime(2025, 1, 20, 10, 0, tzinfo=UTC)
    for _ in range(2):
        world.services.payments.reverse(c1, "bank-Q", "AC04", on=date(2025, 1, 20))
        assert _held(world, c1, "bank-P") == ([("F1", "principal", 10_000)], 0)
        assert _open(world, "F1") == ["0.00"]
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    over = [x for x in items if x["kind"] == "overpayment"]
    assert over and all(x["status"] == "resolved" for x in over)


def test_money_goes_to_the_named_invoices_first_then_oldest_first(world: World) -> None:
    """F1 100.00 (due 02-28), F2 100.00 (due 03-31), F3 100.00 (due 04-30). bank-Q 100.00 pays
    F3 on 01-10. bank-P 150.00 received 01-05 naming F3, booked on 01-15: F3 is bank-Q's, so
    bank-P goes oldest first: F1 100.00, F2 50.00. bank-Q comes back: bank-P's 150.00 goes to
    F3 first (100.00), its other 50.00 to the oldest, F1."""
    c1 = _setup(world, ("F1", "100.00", "2025-02-28"), ("F2", "100.00", "2025-03-31"),
                ("F3", "100.00", "2025-04-30"))  # fmt: skip
    _pay(world, c1, "bank-Q", 10_000, date(2025, 1, 10), ["F3"])
    world.clock.at = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)
    _pay(world, c1, "bank-P", 15_000, date(2025, 1, 5), ["F3"])
    assert _held(world, c1, "bank-P") == ([("F1", "principal", 10_000),
                                           ("F2", "principal", 5_000)], 0)  # fmt: skip
    world.clock.at = datetime(2025, 1, 20, 10, 0, tzinfo=UTC)
    world.services.payments.reverse(c1, "bank-Q", "AC04", on=date(2025, 1, 20))
    assert _held(world, c1, "bank-P") == ([("F1", "principal", 5_000),
                                           ("F3", "principal", 10_000)], 0)  # fmt: skip
    assert _open(world, "F1", "F2", "F3") == ["50.00", "100.00", "0.00"]
