"""A payment inside the term that came back after it never paid (law6 finding 3).

Consumer D1, F1 and F2 each 3,000.00, one 14-day letter of 2025-02-10 (costs owed from
02-27). On 02-20, inside the term, the debtor pays 3,009.37 naming F2 (interest 19 d x 6 % x
3,000 / 365 = 9.3699 -> 9.37, principal 3,000.00): F2 left the notice's base, F1 alone owes
the WIK over 3,000.00 = 425.00. On 03-05 the bank returns the payment: nothing was paid
inside the term (6:96 lid 6 BW), the notice is one claim of 6,000.00 again: 375 + 250 + 50 =
675.00, 337.50 each (was: F1 87.50 + F2 337.50 = 425.00: F2's base still counted the
returned payment as paid inside the term).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.ledger.costs import ClaimRecord, costs_base
from shared.domain.ledger.model import ClaimTerms, Component, EventKind, LedgerEvent
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def _costs(a, on):  # type: ignore[no-untyped-def]
    return {n: a.call("GET", f"{BASE}/{n}/claim", on=on).body for n in ("F1", "F2")}


def test_the_returned_payment_leaves_the_notice_whole(world):  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [
        invoice_row(n, "D1", amount="3000.00", fourteen_day_letter_on="2025-02-10")
        for n in ("F1", "F2")
    ]
    assert a.call("POST", BASE, {"items": rows}).body["created"] == 2
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    p = world.services.payments.book(c1, payment_id="bank-1", amount=300_937,
                                     received_on=date(2025, 2, 20), source=PaymentSource.BANK,
                                     invoice_numbers=["F2"])  # fmt: skip
    assert [(x.invoice_number, x.component, x.amount) for x in p.allocations] == [
        ("F2", "interest", 937), ("F2", "principal", 300_000)
    ]  # fmt: skip
    before = _costs(a, "2025-03-03")
    assert (before["F1"]["open"]["costs"], before["F2"]["open"]["costs"]) == ("425.00", "0.00")
    world.services.payments.reverse(c1, "bank-1", "MD06 terugboeking", on=date(2025, 3, 5))
    after = _costs(a, "2025-03-20")
    assert (after["F1"]["open"]["costs"], after["F2"]["open"]["costs"]) == ("337.50", "337.50")
    # interest as never paid: 02-01 -> 03-20, 47 d x 6 % x 3,000 / 365 = 23.178 -> 23.18
    assert after["F1"]["open"]["interest"] == after["F2"]["open"]["interest"] == "23.18"
    assert after["F2"]["open"]["principal"] == "3000.00"
    # a view of a day before the return keeps what was true then
    assert _costs(a, "2025-03-03")["F1"]["open"]["costs"] == "425.00"


def test_the_base_leaves_out_a_payment_that_came_back_in_full() -> None:
    terms = ClaimTerms("F2", "D1", date(2025, 1, 31), 300_000, costs_owed_from=date(2025, 2, 27))
    paid = (
        LedgerEvent(1, EventKind.ALLOCATED, Component.INTEREST, 937, date(2025, 2, 20), "b1"),
        LedgerEvent(2, EventKind.ALLOCATED, Component.PRINCIPAL, 300_000, date(2025, 2, 20), "b1"),
    )
    assert costs_base(ClaimRecord(terms, paid)) == 0
    back = (
        LedgerEvent(3, EventKind.REVERSAL, Component.INTEREST, 937, date(2025, 3, 5), "b1", "MD06"),
        LedgerEvent(4, EventKind.REVERSAL, Component.PRINCIPAL, 300_000, date(2025, 3, 5), "b1",
                    "MD06"),
    )  # fmt: skip
    assert costs_base(ClaimRecord(terms, paid + back)) == 300_000
