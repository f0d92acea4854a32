"""failure5 #12 leftover: the overpayment item a statement window writes is the payment's one
item (``shared.services.ledger.overpayment.overpayment_id``), so a later cause that moves that
payment's money (a credit's or a restatement's follow-up: the payment row saved as the ledger
says, then ``keep_overpayment``) updates it instead of adding a second item for the same
money; and a follow-up that got there before the window's own item write leaves one item."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from shared.domain.records import AllocatedAmount, Payment
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.services.ledger.overpayment import keep_overpayment, overpayment_id
from tests.unit.services.test_statement_window import ACCOUNT, OTHER, reference, service, setup

PAID_ON = date(2025, 3, 20)


def overpayments(world: Any) -> list[dict[str, Any]]:
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [x for x in items if x["kind"] == "overpayment"]


def ingest(world: Any) -> tuple[Any, Payment]:
    """F2 (250.00, not yet due) paid 300.00 in a window: 50.00 over."""
    a = setup(world)
    lines = [
        OutLine(PAID_ON, 30_000, "", counterparty_iban=OTHER, counterparty_name="P Bakker",
                reference=reference(world, "F2"), end_to_end_id="E9"),
        OutLine(PAID_ON, 777, "huur maart", counterparty_iban="NL20INGB0001234567",
                counterparty_name="Verhuur BV", end_to_end_id="E4"),
    ]  # fmt: skip
    data = write_mt940(ACCOUNT, lines, opening=0, opening_date=PAID_ON, statement_id="S9")
    assert service(world, 50).ingest("agency-a/day.sta", data.encode()).booked == 1
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    [pid] = [p["payment_id"] for p in a.call("GET", "/v1/clients/C1/payments").body["items"]]
    row = world.services.repos.payments.get(c1.client_id, pid)
    assert row is not None and row.unallocated == 5_000
    return c1, row


def test_a_later_cause_updates_the_window_overpayment_item(world: Any) -> None:
    c1, row = ingest(world)
    [item] = overpayments(world)
    assert item["action_id"] == overpayment_id(row)  # the payment's own id, not the window's
    assert item["title"] == "Overpayment of € 50,00"
    # a credit's follow-up moves 100.00 more of the payment off F2: the row as the ledger
    # says, then the item brought to it
    repos = world.services.repos
    moved = replace(
        row, allocations=(AllocatedAmount("F2", "principal", 15_000),), unallocated=15_000
    )
    read = repos.payments.get_versioned(c1.client_id, row.payment_id)
    assert read is not None
    repos.payments.save_if(moved, read[1])
    keep_overpayment(repos, world.services.clock, c1, moved, because="invoice F2 credited",
                     invoice_numbers=("F2",), detail={"credited_invoice": "F2"})  # fmt: skip
    [item] = overpayments(world)  # one item, not the window's 50.00 beside a new 150.00
    assert item["title"] == "Overpayment of € 150,00 (invoice F2 credited)"
    assert item["detail"]["unallocated"] == 15_000


def test_a_follow_up_before_the_window_item_leaves_one_item(world: Any, monkeypatch: Any) -> None:
    from shared.services import statements_window

    real = statements_window.StatementWindow._log

    def credit_first(self: Any, client: Any, booked: Any, at: Any) -> None:
        # a credit's follow-up lands between the window's payment row and its own item
        for b in booked:
            keep_overpayment(world.services.repos, world.services.clock, client, b.payment,
                             because="invoice F2 credited")  # fmt: skip
        real(self, client, booked, at)

    monkeypatch.setattr(statements_window.StatementWindow, "_log", credit_first)
    _, row = ingest(world)
    [item] = overpayments(world)
    assert item["action_id"] == overpayment_id(row)
    assert item["title"] == "Overpayment of € 50,00 (invoice F2 credited)"
