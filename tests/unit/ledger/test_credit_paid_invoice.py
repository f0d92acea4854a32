"""A credit note on an invoice the debtor paid in full (law6 finding 4).

Consumer D1, no letters: F0 500.00 due 2025-01-10, F1 600.00 due 01-31. 603.65 received
03-10 naming F1: interest 37 d x 6 % x 600 / 365 = 3.6493 -> 3.65, principal 600.00 (F1
paid). On 03-20 the client credits F1 (goods returned). Was: 422 "invoice F1 is paid"
(partial) and "refund instead of credit" (whole), while one cent open booked the same note.
Now the note is booked like on a partly paid invoice: the claim is restated and the money it
frees goes by 6:43 to the debtor's other claims on the day it was received, the rest an
overpayment item for staff to refund.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.invoices import Invoice, InvoiceRuleError, InvoiceStatus
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def _paid(world, with_f0=True):  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2025, 3, 10, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [invoice_row("F1", "D1", amount="600.00", due_date="2025-01-31")]
    if with_f0:
        rows.append(invoice_row("F0", "D1", amount="500.00", due_date="2025-01-10"))
    a.call("POST", BASE, {"items": rows})
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    p = world.services.payments.book(c1, payment_id="bank-1", amount=60_365,
                                     received_on=date(2025, 3, 10), source=PaymentSource.BANK,
                                     invoice_numbers=["F1"])  # fmt: skip
    assert {(x.invoice_number, x.component, x.amount) for x in p.allocations} == {
        ("F1", "interest", 365), ("F1", "principal", 60_000)
    }  # fmt: skip
    assert a.call("GET", f"{BASE}/F1").body["status"] == "paid"
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    return a


def _claim(a, n):  # type: ignore[no-untyped-def]
    return a.call("GET", f"{BASE}/{n}/claim", on="2025-03-20").body


def _overpayments(a):  # type: ignore[no-untyped-def]
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [i["title"] for i in items if i["kind"] == "overpayment"]


def test_a_partial_note_on_a_paid_invoice_frees_money_for_the_other_claim(world):  # type: ignore[no-untyped-def]
    a = _paid(world)
    r = a.call("POST", f"{BASE}/F1/credit", {"amount": "200.00", "reference": "CN-1"})
    assert r.status == 200, r.body
    assert (r.body["amount"], r.body["status"]) == ("400.00", "paid")
    f1, f0 = _claim(a, "F1"), _claim(a, "F0")
    # F1 as 400.00 from its first day: interest 37 d x 6 % x 400 / 365 = 2.4329 -> 2.43
    assert (f1["paid"]["principal"], f1["paid"]["interest"], f1["open"]["total"]) == (
        "400.00", "2.43", "0.00"
    )  # fmt: skip
    # 603.65 - 402.43 = 201.22 to F0 on 03-10: interest 58 d x 6 % x 500 / 365 = 4.7671 ->
    # 4.77, principal 196.45; open interest 10 d on 303.55 round once: 5.2660 -> 5.27 - 4.77
    assert (f0["paid"]["interest"], f0["paid"]["principal"]) == ("4.77", "196.45")
    assert (f0["open"]["principal"], f0["open"]["interest"]) == ("303.55", "0.50")
    assert _overpayments(a) == []
    # the same note again books once
    assert (
        a.call("POST", f"{BASE}/F1/credit", {"amount": "200.00", "reference": "CN-1"}).status == 200
    )
    assert _claim(a, "F0")["paid"]["principal"] == "196.45"


def test_the_whole_paid_invoice_credited_moves_the_money_and_keeps_the_rest(world):  # type: ignore[no-untyped-def]
    a = _paid(world)
    r = a.call("POST", f"{BASE}/F1/credit", {"amount": "600.00", "reference": "CN-1"})
    assert (r.status, r.body["status"]) == (200, "credited"), r.body
    f0 = _claim(a, "F0")
    # all 603.65 freed, on 03-10: F0 interest 4.77 + principal 500.00 = 504.77; 98.88 over
    assert (f0["paid"]["interest"], f0["paid"]["principal"], f0["open"]["total"]) == (
        "4.77", "500.00", "0.00"
    )  # fmt: skip
    assert _overpayments(a) == ["Overpayment of € 98,88 (invoice F1 credited)"]


def test_without_another_claim_the_freed_money_is_an_overpayment(world):  # type: ignore[no-untyped-def]
    a = _paid(world, with_f0=False)
    r = a.call("POST", f"{BASE}/F1/credit", {"amount": "200.00", "reference": "CN-1"})
    assert r.status == 200, r.body
    # 603.65 - 402.43 = 201.22 owed back to the debtor (6:203 BW)
    assert _overpayments(a) == ["Overpayment of € 201,22 (credit note CN-1 on invoice F1)"]


@pytest.mark.parametrize("status", [InvoiceStatus.CREDITED, InvoiceStatus.WITHDRAWN])
def test_a_closed_invoice_still_takes_no_note(status: InvoiceStatus) -> None:
    invoice = Invoice("c", "F1", "D1", date(2025, 1, 1), date(2025, 1, 31), 60_000,
                      status=status)  # fmt: skip
    with pytest.raises(InvoiceRuleError):
        invoice.credit_part("CN-1", 20_000)
