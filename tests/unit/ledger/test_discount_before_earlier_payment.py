"""A discount booked before an earlier payment's bank statement came in (law16b F3).

Consumer F1 1,000.00 due 31-1-2025 (costs 150.00 owed from 27-2, 6 % from 1-2). The debtor
pays 1,150.00, received 1-5-2025: costs 150.00, interest 1,000 x 6 % x 89/365 = 14.63,
principal 985.37, so 14.63 of principal is open on 1-6. On 1-6 the client grants 125.00 off.
Booked payment first (order A) the discount is refused above 14.63 (422 ``discount_above_open``:
a remission, 6:160 BW, lets go only of what is still owed; what was paid is no undue payment,
6:203). Booked discount first (order B, the statement came on 10-6) it was kept whole and the
payment left 110.37 unallocated: a refund the client did not owe. Now the discount lets go of
the 14.63 the final facts leave open on its day, in either order the same money: 985.37 of
principal paid, 14.63 discounted, 0.07 interest open (14.63 x 6 % x 31/365 for 1-5..31-5), and
staff are told on a ``discount_capped`` item."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from shared.api.console.action_text import title
from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import (
    RETURN_RESTATED,
    EventKind,
    LedgerEvent,
    discounted,
    is_discount_cap,
)
from shared.domain.ledger.replay import open_claims
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.ledger.test_restate import terms

MAY, JUNE = date(2025, 5, 1), date(2025, 6, 1)
BASE = "/v1/clients/C1/invoices"


def _apply(
    records: list[ClaimRecord], events: Mapping[str, tuple[LedgerEvent, ...]]
) -> list[ClaimRecord]:
    return [ClaimRecord(r.terms, r.events + events.get(r.number, ())) for r in records]


def _discount(records: list[ClaimRecord], cents: int) -> list[ClaimRecord]:
    done = booking.credit_part(records, "F1", cents, JUNE, "K-1", "korting", discount=True)
    return _apply(records, done.events)


def _figures(records: list[ClaimRecord], on: date) -> tuple[int, ...]:
    f = open_claims(records, on)["F1"]
    return (f.open.principal, f.open.costs, f.open.interest, f.paid.principal, f.paid.costs,
            f.paid.interest, f.credited.principal)  # fmt: skip


def test_a_discount_booked_before_an_earlier_payment_lets_go_only_what_was_open() -> None:
    """Order B gives order A's money: nothing unallocated (was 110.37), 985.37 principal paid
    (was 875.00), the discount at 14.63 (a ``charged`` of 110.37 takes the rest of it back),
    0.07 interest open, on 10-6 and three months on."""
    first = [ClaimRecord(terms())]
    first = _apply(first, booking.allocate(first, "p1", 115_000, MAY).events)
    order_a = _discount(first, 1_463)  # all that order A lets the client grant
    order_b = _discount([ClaimRecord(terms())], 12_500)
    done = booking.allocate(order_b, "p1", 115_000, MAY)
    assert done.unallocated == 0
    order_b = _apply(order_b, done.events)
    for on in (date(2025, 6, 10), date(2025, 9, 10)):
        assert _figures(order_b, on) == _figures(order_a, on)
    assert _figures(order_b, date(2025, 6, 10)) == (0, 0, 7, 98_537, 15_000, 1_463, 1_463)
    caps = [e for e in order_b[0].events if is_discount_cap(e)]
    assert [(e.kind, e.amount, e.note) for e in caps] == [(EventKind.CHARGED, 11_037, "K-1")]
    assert discounted(order_b[0].events) == {"K-1": 1_463}


def test_the_discount_is_whole_again_when_that_payment_comes_back() -> None:
    """The payment returned on 20-6: nothing was paid before the discount, so all 125.00 of it
    lets go of what was owed (a ``correction`` gives back the 110.37): 875.00 principal open,
    costs 150.00 and 1,000 x 6 % x 120/365 = 19.73 interest to 1-6, as the discount alone."""
    records = _discount([ClaimRecord(terms())], 12_500)
    records = _apply(records, booking.allocate(records, "p1", 115_000, MAY).events)
    back = booking.return_payment(records, "p1", date(2025, 6, 20), "storno", spare={})
    records = _apply(records, back.events)
    alone = _discount([ClaimRecord(terms())], 12_500)
    assert _figures(records, date(2025, 6, 20)) == _figures(alone, date(2025, 6, 20))
    assert discounted(records[0].events) == {"K-1": 12_500}
    assert any(e.reason and e.reason.startswith(RETURN_RESTATED) for e in records[0].events)


def test_the_replay_of_the_debtor_keeps_the_discount_at_what_was_open() -> None:
    """The debtor's claims replayed from the final facts (a second payment p2 of 5.00, received
    on 5-6 and returned on 20-6, restates them through replayed.py): the discount stays at
    14.63 and p1 pays 985.37 of principal; before, the replay refused a discount above what
    was open and restated claim by claim, which kept the 110.37 off p1."""
    records = _discount([ClaimRecord(terms())], 12_500)
    records = _apply(records, booking.allocate(records, "p2", 500, date(2025, 6, 5)).events)
    p1 = booking.allocate(records, "p1", 115_000, MAY)
    records = _apply(records, p1.events)
    # (p2's 5.00 stays on F1 in p1's place: 4.93 of p1 over, p1 booked in received order)
    assert p1.unallocated == 493
    back = booking.return_payment(records, "p2", date(2025, 6, 20), "storno",
                                  spare={"p1": (p1.unallocated, MAY, "D1")})  # fmt: skip
    records = _apply(records, back.events)
    fig = open_claims(records, date(2025, 6, 20))["F1"]
    assert (fig.paid.principal, fig.credited.principal, fig.open.principal) == (98_537, 1_463, 0)
    assert discounted(records[0].events) == {"K-1": 1_463}


def test_through_the_api_the_payment_pays_and_staff_are_told(world):  # type: ignore[no-untyped-def]
    """POST …/credit 125.00 discount on 1-6, bank-1 1,150.00 received 1-5 booked on 10-6:
    bank-1 all allocated (was 110.37 unallocated and an overpayment item), F1 asks 0.07, the
    invoice's note K-1 lets go 14.63 and one ``discount_capped`` item names the note, both
    amounts, the day and the payment; booking it again writes nothing twice, and the note
    posted again is answered as booked."""
    world.clock.at = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", BASE, {"items": [invoice_row("F1", "D1", amount="1000.00",
                                                 fourteen_day_letter_on="2025-02-10")]})  # fmt: skip
    r = a.call("POST", f"{BASE}/F1/credit", {"amount": "125.00", "reference": "K-1",
               "date": "2025-06-01", "reason": "korting", "kind": "discount"})  # fmt: skip
    assert r.status == 200, r.body
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    world.clock.at = datetime(2025, 6, 10, 10, 0, tzinfo=UTC)
    for _ in range(2):
        world.services.payments.book(c1, payment_id="bank-1", amount=115_000, received_on=MAY,
                                     source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    row = world.services.repos.payments.get(c1.client_id, "bank-1")
    assert row is not None and row.unallocated == 0
    claim = a.call("GET", f"{BASE}/F1/claim").body
    assert (claim["open"]["principal"], claim["open"]["interest"]) == ("0.00", "0.07")
    invoice = world.services.repos.invoices.get(c1.client_id, "F1").invoice
    assert (invoice.credit_notes, invoice.amount, invoice.paid) == ((("K-1", 1_463),), 98_537,
                                                                      98_537)  # fmt: skip
    again = a.call("POST", f"{BASE}/F1/credit", {"amount": "125.00", "reference": "K-1",
                   "date": "2025-06-01", "reason": "korting", "kind": "discount"})  # fmt: skip
    assert again.status == 200, again.body  # the same note again: as booked, not a 409
    assert world.services.repos.invoices.get(c1.client_id, "F1").invoice == invoice
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [x["kind"] for x in items] == ["discount_capped"], items
    assert items[0]["detail"]["granted"] == 1_463 and items[0]["detail"]["discount"] == 12_500
    assert title(items[0]["title"], "nl") == (
        "Korting K-1 van € 125,00 op factuur F1 laat alleen de € 14,63 hoofdsom los die op "
        "01-06-2025 openstond, na betaling bank-1 die eerder binnenkwam maar later geboekt "
        "werd: € 110,37 ervan was al betaald en wordt niet terugbetaald"
    )
    assert items[0]["title"] == (
        "Discount K-1 of € 125,00 on invoice F1 lets go only the € 14,63 of principal open on "
        "01-06-2025 after payment bank-1 received before it was booked: € 110,37 of it was paid"
        " already, not refunded"
    )


def test_the_payment_coming_back_gives_the_discount_back_on_the_invoice_too(world):  # type: ignore[no-untyped-def]
    """bank-1 returned on 20-6: the ledger gives the discount back (125.00 lets go again) and
    the invoice's note follows (875.00 asked); a return delivered again after a crash between
    the ledger's write and the invoice's finds the note behind and brings it along."""
    world.clock.at = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", BASE, {"items": [invoice_row("F1", "D1", amount="1000.00",
                                                 fourteen_day_letter_on="2025-02-10")]})  # fmt: skip
    a.call("POST", f"{BASE}/F1/credit", {"amount": "125.00", "reference": "K-1",
           "date": "2025-06-01", "reason": "korting", "kind": "discount"})  # fmt: skip
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    world.clock.at = datetime(2025, 6, 10, 10, 0, tzinfo=UTC)
    pay = world.services.payments
    pay.book(c1, payment_id="bank-1", amount=115_000, received_on=MAY,
             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    invoices = world.services.repos.invoices
    assert invoices.get(c1.client_id, "F1").invoice.credit_notes == (("K-1", 1_463),)
    world.clock.at = datetime(2025, 6, 20, 10, 0, tzinfo=UTC)
    pay.reverse(c1, "bank-1", "storno", date(2025, 6, 20))
    invoice = invoices.get(c1.client_id, "F1").invoice
    assert (invoice.credit_notes, invoice.amount, invoice.paid) == ((("K-1", 12_500),), 87_500, 0)
    claim = a.call("GET", f"{BASE}/F1/claim").body["open"]
    assert claim["principal"] == "875.00"
    # the crash: the invoice's note as it was before the return, then the return again
    stored = invoices.get(c1.client_id, "F1")
    invoices.save(stored.invoice.bring_credit_note_to("K-1", 1_463), stored)
    pay.reverse(c1, "bank-1", "storno", date(2025, 6, 20))
    assert invoices.get(c1.client_id, "F1").invoice.credit_notes == (("K-1", 12_500),)


def test_two_discounts_are_capped_in_their_order() -> None:
    """K-1 50.00 on 1-6 and K-2 75.00 on 5-6, both before the payment of 1-5 was booked: K-1
    lets go the 14.63 open, K-2 nothing (all paid or let go by then); each event of the claim
    keeps its own number, and a replay after it (p2 received 6-6, returned) keeps both."""
    records = [ClaimRecord(terms())]
    for ref, cents, on in (("K-1", 5_000, JUNE), ("K-2", 7_500, date(2025, 6, 5))):
        done = booking.credit_part(records, "F1", cents, on, ref, "korting", discount=True)
        records = _apply(records, done.events)
    records = _apply(records, booking.allocate(records, "p2", 500, date(2025, 6, 6)).events)
    p1 = booking.allocate(records, "p1", 115_000, MAY)
    records = _apply(records, p1.events)
    assert discounted(records[0].events) == {"K-1": 1_463, "K-2": 0}
    seqs = [e.seq for e in records[0].events]
    assert len(seqs) == len(set(seqs))
    back = booking.return_payment(records, "p2", date(2025, 6, 20), "storno",
                                  spare={"p1": (p1.unallocated, MAY, "D1")})  # fmt: skip
    records = _apply(records, back.events)
    seqs = [e.seq for e in records[0].events]
    assert len(seqs) == len(set(seqs))
    assert discounted(records[0].events) == {"K-1": 1_463, "K-2": 0}
    fig = open_claims(records, date(2025, 6, 20))["F1"]
    assert (fig.paid.principal, fig.credited.principal, fig.open.principal) == (98_537, 1_463, 0)
