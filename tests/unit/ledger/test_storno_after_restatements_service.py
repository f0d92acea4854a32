"""The storno of storno11 through the one booking path (PaymentService): a payment whose money
later payments keep in its place holds none itself, yet its return reaches the debtor's
claims, and the money its restatement had released to overpayments pays them again (rows and
overpayment items follow)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def test_storno_after_two_restatements_reopens_nothing_the_debtor_paid(world):
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [
        # F0's 14-day letter of 27-1: its costs (EUR 40.00) owed from 13-2
        invoice_row("F0", "D1", amount="1.00", due_date="2025-01-24",
                    fourteen_day_letter_on="2025-01-27"),
        invoice_row("F1", "D1", amount="1.00", due_date="2025-01-24"),
        invoice_row("F2", "D1", amount="1.00", due_date="2025-01-24"),
    ]  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 3
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    pay = world.services.payments
    # booked p0, p3 (back-dated), p1, p2 (back-dated): received 1-3, 24-2, 1-3, 1-2; each
    # names F2 (the rest goes by 6:43 to F0, F1)
    for pid, cents, day in (
        ("p0", 400, date(2025, 3, 1)),
        ("p3", 16_790, date(2025, 2, 24)),
        ("p1", 400, date(2025, 3, 1)),
        ("p2", 644, date(2025, 2, 1)),
    ):
        pay.book(c1, payment_id=pid, amount=cents, received_on=day,
                 source=PaymentSource.BANK, invoice_numbers=["F2"])  # fmt: skip
    # p2 of 1-2 paid the three claims before F0's costs were owed; later payments keep their
    # money in its place, so it holds none itself
    assert pay.repos.payments.get(c1.client_id, "p2").allocations == ()
    pay.reverse(c1, "p2", "storno")
    for number in ("F0", "F1", "F2"):
        claim = a.call("GET", f"/v1/clients/C1/invoices/{number}/claim").body
        assert claim["open"]["total"] == "0.00", (number, claim)
    f0 = a.call("GET", "/v1/clients/C1/invoices/F0/claim").body
    assert f0["paid"]["costs"] == "40.00", f0
    rows_ = {p: pay.repos.payments.get(c1.client_id, p) for p in ("p0", "p1", "p3")}
    paid = sum(x.amount for r in rows_.values() for x in r.allocations)
    # p3 of 24-2 pays the three claims (costs, interest, principal); the rest is over
    assert paid == 4000 + 300 + sum(
        x.amount for r in rows_.values() for x in r.allocations if x.component == "interest"
    )
    assert sum(r.unallocated for r in rows_.values()) == 16_790 + 800 - paid
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    over = {x["detail"]["payment_id"]: x for x in items
            if x["kind"] == "overpayment" and x["status"] != "resolved"}  # fmt: skip
    for pid, row in rows_.items():
        if row.unallocated > 0:
            assert over[pid]["detail"]["unallocated"] == row.unallocated, (pid, over[pid])
        else:
            assert pid not in over, (pid, over[pid])
