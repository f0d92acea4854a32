"""A credit note for "the rest" of a partly paid invoice (law5 finding 5): it equals the open
principal, and it used to become the full credit of the invoice, so every euro the debtor paid
for what he kept was released as an overpayment (400.00). The note says only that part of the
invoice was not owed; what he paid stays paid."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def test_a_note_for_the_rest_keeps_what_was_paid(world):
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", BASE, {"items": [invoice_row("F1", "D1", amount="1000.00")]})
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    world.services.payments.book(c1, payment_id="bank-1", amount=40_000,
                                 received_on=date(2025, 2, 20), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    # 400.00 on 02-20: interest 3.12, principal 396.88: open principal 603.12
    reply = a.call("POST", f"{BASE}/F1/credit", {"amount": "603.12", "reference": "CN-2"})
    assert reply.status == 200, reply.body
    assert reply.body["status"] != "credited"
    # hand: F1 as 396.88 from the start; interest 02-01 .. 02-20, 19 d x 6 % x 396.88 / 365
    # = 1.2396 -> 1.24; the 400.00 pays 1.24 + 396.88: 1.88 over
    pay = world.services.payments.repos.payments.get(c1.client_id, "bank-1")
    assert pay.unallocated == 188
    again = a.call("POST", f"{BASE}/F1/credit", {"amount": "603.12", "reference": "CN-2"})
    assert again.status == 200
    assert (
        a.call("POST", f"{BASE}/F1/credit", {"amount": "600.00", "reference": "CN-2"}).status == 409
    )
