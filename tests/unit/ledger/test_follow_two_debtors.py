"""One transfer paid invoices of two debtors (related companies paying together): a credit on
one debtor's invoice moves that debtor's share, and the payment row and the other debtor's
invoice keep the other share. ``follow_ledger`` rebuilt the row from the credited debtor's
claims alone: the other debtor's 100.00 vanished from the row and became "unallocated", with an
overpayment item asking staff to refund money that paid G1 (ledger-follow6's note)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def test_a_credit_on_one_debtors_invoice_keeps_what_paid_the_others(world):
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    rows = [invoice_row("F1", "D1", amount="100.00", due_date="2025-03-31"),
            invoice_row("G1", "D2", amount="100.00", due_date="2025-03-31")]  # fmt: skip
    assert a.call("POST", BASE, {"items": rows}).body["created"] == 2
    services = world.services
    client = services.access.client_for(services.access.authenticate(a.key), "C1")
    paid = services.payments.book(
        client, payment_id="bank-1", amount=20_000, received_on=date(2025, 3, 15),
        source=PaymentSource.BANK, invoice_numbers=["F1", "G1"],
    )  # fmt: skip
    assert sorted((x.invoice_number, x.amount) for x in paid.allocations) == [
        ("F1", 10_000), ("G1", 10_000)
    ]  # fmt: skip
    assert a.call("POST", f"{BASE}/F1/credit").status == 200
    row = services.repos.payments.get(client.client_id, "bank-1")
    assert row is not None
    # F1's 100.00 is released (D1 has no other claim): over; G1's 100.00 stays on G1
    assert [(x.invoice_number, x.amount) for x in row.allocations] == [("G1", 10_000)]
    assert row.unallocated == 10_000
    g1 = a.call("GET", f"{BASE}/G1").body
    assert g1["status"] == "paid", g1
    items = services.repos.actions.list(client.client_id, kind="overpayment")[0]
    assert [i.detail.get("unallocated") for i in items] == [10_000]
