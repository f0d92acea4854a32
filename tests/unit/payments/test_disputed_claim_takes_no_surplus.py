"""Money the debtor did not designate never goes onto an invoice he disputes (art. 6:43: the
debtor chooses; set-off against a contested debt can be refused, 6:136 BW): a designated
payment's surplus and a credited invoice's freed money go to his other undisputed claims, else
they are an overpayment for staff (law4 finding 7).

Hand: consumer D1, F0 80.00 due 2025-01-10 disputed; F1 and F2 121.00 due 2025-01-31, 6 %.
150.00 designating F1 received 02-05: F1 interest 121 x 6 % x 4/365 = 0.0796 -> 0.08 and
principal 121.00 (121.08); the surplus 28.92 goes to F2, the only undisputed claim left (before
the fix: to F0, due first). 60.00 designating F2 received 02-06 goes to F2 too. Crediting F2
frees all 88.92 paid on it, which no undisputed claim takes (F1 is paid): an overpayment. F0
keeps its 80.00 open throughout."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def test_the_disputed_invoice_takes_neither_a_surplus_nor_freed_money(world):
    world.clock.at = datetime(2025, 2, 10, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F0", "D1", amount="80.00", invoice_date="2024-12-20", due_date="2025-01-10"),
        invoice_row("F1", "D1", amount="121.00"),
        invoice_row("F2", "D1", amount="121.00", invoice_date="2025-01-02"),
    ]})  # fmt: skip
    assert (
        a.call("POST", "/v1/clients/C1/invoices/F0/dispute", {"reason": "nooit geleverd"}).status
        == 200
    )
    access = world.services.access
    client = access.client_for(access.authenticate(a.key), "C1")
    first = world.services.payments.book(client, payment_id="bank-1", amount=15_000,
        received_on=date(2025, 2, 5), source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    assert {x.invoice_number for x in first.allocations} == {"F1", "F2"}
    assert sum(x.amount for x in first.allocations if x.invoice_number == "F1") == 12_108
    world.services.payments.book(client, payment_id="bank-2", amount=6_000,
        received_on=date(2025, 2, 6), source=PaymentSource.BANK, invoice_numbers=["F2"])  # fmt: skip
    paid_on_f2 = 15_000 - 12_108 + 6_000
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit").status == 200
    f0 = a.call("GET", "/v1/clients/C1/invoices/F0").body
    assert (f0["status"], f0["open_amount"]) == ("disputed", "80.00")
    claim = a.call("GET", "/v1/clients/C1/invoices/F0/claim", on="2025-02-10").body
    assert claim["open"]["principal"] == "80.00"
    overpaid = sum(
        p.unallocated for p in (world.services.repos.payments.get(client.client_id, pid) for pid in ("bank-1", "bank-2")) if p
    )  # fmt: skip
    assert overpaid == paid_on_f2  # all the money freed by the credit, for staff
    kinds = [i["kind"] for i in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert "overpayment" in kinds
