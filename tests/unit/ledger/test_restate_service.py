"""A back-dated bank payment through the one booking path (PaymentService): the claim is
restated, the later online payment's money moves on by 6:43 (invoice, payment row and an
overpayment item follow the ledger), and a statement line handled twice corrects once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def cents(text: str) -> int:
    return int(text.replace(".", ""))


def test_back_dated_statement_payment_restates_the_claim_and_moves_the_later_one(world):
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [
        invoice_row("F1", "D1", amount="1000.00", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D1", amount="50.00", due_date="2025-02-15"),
    ]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 2
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    pay = world.services.payments
    # 3-3, after the term (costs owed from 27-2): EUR 100 online on F1 fixes EUR 150 costs
    online = pay.book(
        c1, payment_id="tr_1", amount=10_000, received_on=date(2025, 3, 3),
        source=PaymentSource.MOLLIE, invoice_numbers=["F1"],
    )  # fmt: skip
    assert [(x.component, x.amount) for x in online.allocations] == [("costs", 10_000)]
    # the statement: EUR 1,003.78 on 24-2, within the term: principal + interest 1-2..23-2
    # (100000 x 6% x 23/365 = 378.08 -> 3.78)
    for _ in range(2):  # the statement line handled twice: booked and corrected once
        bank = pay.book(
            c1, payment_id="st_1", amount=100_378, received_on=date(2025, 2, 24),
            source=PaymentSource.BANK, invoice_numbers=["F1"],
        )  # fmt: skip
        f1 = a.call("GET", "/v1/clients/C1/invoices/F1/claim").body
        assert f1["open"]["total"] == "0.00" and f1["paid"]["costs"] == "0.00"
        assert f1["paid"]["interest"] == "3.78" and f1["paid"]["principal"] == "1000.00"
        # F1 took EUR 1,003.78 in all, EUR 100 of it online: booked in the order received,
        # the online EUR 100 of 3-3 is the excess, so the bank payment's last EUR 100 goes on
        # as it would have, to F2 on 3-3 (interest 16-2..2-3: 5000 x 6% x 15/365 = 12.3
        # cents -> 0.12, then the EUR 50), EUR 49.88 is an overpayment (restate10: on 24-2)
        assert {(x.invoice_number, x.component, x.amount) for x in bank.allocations} == {
            ("F1", "principal", 90_378), ("F2", "interest", 12), ("F2", "principal", 5_000),
        }  # fmt: skip
        assert bank.unallocated == 4_988
    # the online EUR 100 keeps its amount on F1, now on interest and principal (6:44)
    moved = pay.repos.payments.get(c1.client_id, "tr_1")
    assert {(x.invoice_number, x.component, x.amount) for x in moved.allocations} == {
        ("F1", "interest", 378), ("F1", "principal", 9_622),
    }  # fmt: skip
    assert moved.unallocated == 0
    assert a.call("GET", "/v1/clients/C1/invoices/F2").body["status"] == "paid"
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "paid"
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    over = [x for x in items if x["kind"] == "overpayment"]
    assert len(over) == 1 and "49,88" in over[0]["title"], over
