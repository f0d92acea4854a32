"""A payment received on a discount's own day and booked after it (ledfix17 F1, law17b).

Consumer F1 1,000.00 (costs 150.00 owed from 27-2-2025, 6 % from 1-2) as in
test_discount_before_earlier_payment. On 1-6 the client grants 125.00 off (a discount from
that day); the bank statement of 10-6 books 1,150.00 received 1-6 naming F1. The payment
counts before a discount of its own day (restate._ideal: the money was on the claim before the
act let part of what was still owed go), as the other booking order has it (the discount
refused above the 19.73 then open): costs 150.00, interest 19.73, principal 980.27, the
discount lets go 19.73 and nothing is left over. Booked as the claim stood, the payment paid a
principal the discount had lowered to 875.00 and 105.27 was left over as a refund the client
did not owe, with the discount kept whole."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import discounted
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.ledger.test_discount_before_earlier_payment import _apply, _figures
from tests.unit.ledger.test_restate import terms

JUNE = date(2025, 6, 1)
BASE = "/v1/clients/C1/invoices"


def test_a_payment_of_the_discounts_day_counts_before_it_in_either_order() -> None:
    first = [ClaimRecord(terms())]
    first = _apply(first, booking.allocate(first, "p1", 115_000, JUNE).events)
    open_then = _figures(first, JUNE)[0]
    assert open_then == 1_973
    first = _apply(first, booking.credit_part(first, "F1", open_then, JUNE, "K-1", "korting",
                                              discount=True).events)  # fmt: skip
    later = [ClaimRecord(terms())]
    later = _apply(later, booking.credit_part(later, "F1", 12_500, JUNE, "K-1", "korting",
                                              discount=True).events)  # fmt: skip
    done = booking.allocate(later, "p1", 115_000, JUNE)
    later = _apply(later, done.events)
    assert done.unallocated == 0  # was 105.27
    for on in (date(2025, 6, 10), date(2025, 9, 10)):
        assert _figures(later, on) == _figures(first, on) == (0, 0, 0, 98_027, 15_000, 1_973,
                                                                1_973)  # fmt: skip
    assert discounted(later[0].events) == {"K-1": 1_973}


def test_an_unrelated_return_later_moves_no_money(world) -> None:  # type: ignore[no-untyped-def]
    """Through the API: nothing over on the booking, and nothing moves when an unrelated
    payment of 5.00 on F1 comes back (the replay read the same rule; before, 105.27 moved)."""
    world.clock.at = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", BASE, {"items": [invoice_row("F1", "D1", amount="1000.00",
                                                 fourteen_day_letter_on="2025-02-10")]})  # fmt: skip
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    r = a.call("POST", f"{BASE}/F1/credit", {"amount": "125.00", "reference": "K-1",
               "date": "2025-06-01", "reason": "korting", "kind": "discount"})  # fmt: skip
    assert r.status == 200, r.body
    world.clock.at = datetime(2025, 6, 10, 10, 0, tzinfo=UTC)
    payments = world.services.payments

    def book(pid: str, cents: int, day: date) -> None:
        payments.book(c1, payment_id=pid, amount=cents, received_on=day,
                      source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip

    book("bank-1", 115_000, JUNE)

    def state() -> tuple[int, tuple[tuple[str, int], ...], str]:
        row = world.services.repos.payments.get(c1.client_id, "bank-1")
        inv = world.services.repos.invoices.get(c1.client_id, "F1").invoice
        claim = a.call("GET", f"{BASE}/F1/claim").body
        return row.unallocated, inv.credit_notes, claim["paid"]["principal"]

    assert state() == (0, (("K-1", 1_973),), "980.27")  # was 105.27 over, K-1 125.00, 875.00
    kinds = [x["kind"] for x in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert "discount_capped" in kinds and "overpayment" not in kinds
    book("q", 500, date(2025, 6, 5))  # (over: F1 was paid)
    world.clock.at = datetime(2025, 6, 20, 10, 0, tzinfo=UTC)
    payments.reverse(c1, "q", "storno", date(2025, 6, 20))
    assert state() == (0, (("K-1", 1_973),), "980.27")
