"""banks28 F5 (failure27 left it): D1's F1 (due 31-1) and F2 (due 28-2), 100.00 each, no
interest. A 60.00 on F1 (10-3); B 50.00 back-dated to 1-3 designating F2, cut off after its
ledger booking and before its payment row; then A comes back (a first return, AC04), and B's
delivery is retried. The return replays D1's claims; B's designation lived only on its payment
row, so the replay read B as undesignated and put it on F1, the oldest (6:43 lid 2), and the
retry wrote B's row from the ledger: F1 open 50.00, F2 100.00 (uncut: F1 100.00, F2 50.00).
A B received after A (12-3) was moved the same way (A's return frees F1, B is spread again).
The designation is now written in the ledger transaction of the booking itself."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.adapters.tables.ledger_repo import LEDGER
from shared.domain.records import PaymentSource
from tests.support.faults import FaultPlan, SimulatedCrash
from tests.unit.api.conftest import debtor_row, invoice_row, make_world

PLAN = FaultPlan(enabled=True)


@pytest.fixture
def world() -> Any:
    PLAN.rules.clear()
    w = make_world(datetime(2026, 3, 20, 10, tzinfo=UTC), faults=PLAN)
    a = w.agency_a
    a.call(
        "POST", "/v1/clients", {"items": [{"number": "C1", "name": "C", "charge_interest": False}]}
    )
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="100.00", invoice_date="2026-01-01", due_date="2026-01-31"),
        invoice_row("F2", "D1", amount="100.00", invoice_date="2026-02-01", due_date="2026-02-28"),
    ]})  # fmt: skip
    return w


def _client(w: Any) -> Any:
    cid = w.services.repos.clients.id_for_number("agency-a", "C1")
    return w.services.repos.clients.get(cid)[0]


def _first_ledger_transaction() -> Any:
    seen: list[str] = []

    def match(op: str, table: str) -> bool:
        if op == "transact" and table == LEDGER:
            seen.append(op)
            return len(seen) == 1
        return False

    return match


def _book(w: Any, pid: str, amount: int, on: date, numbers: list[str]) -> Any:
    return w.services.payments.book(_client(w), payment_id=pid, amount=amount, received_on=on,
                                    source=PaymentSource.BANK, invoice_numbers=numbers)  # fmt: skip


@pytest.mark.parametrize("received", [date(2026, 3, 1), date(2026, 3, 12)])
@pytest.mark.parametrize("cut", [False, True])
def test_first_return_keeps_backdated_designation(world: Any, cut: bool, received: date) -> None:
    w = world
    _book(w, "A", 6000, date(2026, 3, 10), ["F1"])
    if cut:
        PLAN.rule(_first_ledger_transaction(), "crash_after")
        with pytest.raises(SimulatedCrash):
            _book(w, "B", 5000, received, ["F2"])  # designates F2
        PLAN.rules.clear()
        assert w.services.repos.payments.get(_client(w).client_id, "B") is None  # the cut
    else:
        _book(w, "B", 5000, received, ["F2"])
    w.services.payments.reverse(_client(w), "A", "AC04", date(2026, 3, 15))  # A's first return
    _book(w, "B", 5000, received, ["F2"])  # B's delivery again
    c = _client(w)
    b = w.services.repos.payments.get(c.client_id, "B")
    assert [(x.invoice_number, x.amount) for x in b.allocations] == [("F2", 5000)]
    assert b.designated == ("F2",)
    day = date(2026, 3, 20)
    opens = {n: w.services.ledger.claim(c, n, day).open.total for n in ("F1", "F2")}
    assert opens == {"F1": 10000, "F2": 5000}
    shown = {n: w.agency_a.call("GET", f"/v1/clients/C1/invoices/{n}").body["open_amount"]
             for n in ("F1", "F2")}  # fmt: skip
    assert shown == {"F1": "100.00", "F2": "50.00"}
