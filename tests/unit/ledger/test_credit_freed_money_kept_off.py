"""Money a credit note freed stays off a claim not yet due by the note's day when a later,
unrelated fact restates or replays the debtor's claims (ledfix17, law17b F7 and F3).

F7: D1 F1 300.00 due 31-1-2025, F2 500.00 due 30-6-2025. bank-1 300.00 received 3-3 names F1;
F1 is credited in full on 10-3: F2 is not due, so the 300.00 is an overpayment (law15c F4).
q 10.00 received 15-3 naming F2 comes back on 20-3; the return offered the debtor's spare
money to every claim it reopened, and the 300.00 paid F2 3 1/2 months before its due date.

F3: F1 1,000.00 due 31-1-2025, F3 200.00 due 30-4-2025 (6 % from the day after). bank-1
1,000.00 received 3-3 names F1; note CN-1 300.00 on F1 on 10-4 (F3 not due: 296.55 left
over), CN-2 100.00 on 10-6 (F3 due: its 100.49 goes to F3). q 10.00 received 15-6 naming F3
comes back on 20-6: the replay counted all the freed money from the later note's day, and
99.51 of CN-1's overpayment moved onto F3, counted from 3-3. Each note's money now counts from
its own day, in the replay as claim by claim."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms
from shared.domain.ledger.replay import open_claims
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.ledger.test_discount_before_earlier_payment import _apply

BASE = "/v1/clients/C1/invoices"


def test_a_full_credits_overpayment_stays_off_a_claim_not_yet_due(world) -> None:  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 5, 10, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [invoice_row("F1", "D1", amount="300.00", due_date="2025-01-31"),
            invoice_row("F2", "D1", amount="500.00", due_date="2025-06-30")]  # fmt: skip
    assert a.call("POST", BASE, {"items": rows}).body["created"] == 2
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    pay = world.services.payments
    pay.book(c1, payment_id="bank-1", amount=30_000, received_on=date(2025, 3, 3),
             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2025, 3, 10, 10, 0, tzinfo=UTC)
    assert a.call("POST", f"{BASE}/F1/credit").status == 200
    assert pay.repos.payments.get(c1.client_id, "bank-1").unallocated == 30_000
    world.clock.at = datetime(2025, 3, 15, 10, 0, tzinfo=UTC)
    pay.book(c1, payment_id="q", amount=1_000, received_on=date(2025, 3, 15),
             source=PaymentSource.BANK, invoice_numbers=["F2"])  # fmt: skip
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    pay.reverse(c1, "q", "storno", date(2025, 3, 20))
    row = pay.repos.payments.get(c1.client_id, "bank-1")
    f2 = a.call("GET", f"{BASE}/F2/claim").body
    # was 0.00 over, F2 principal 300.00 paid and 200.00 open
    assert (row.unallocated, row.allocations, f2["open"]["principal"]) == (30_000, (), "500.00")


def _claims() -> list[ClaimRecord]:
    f1 = ClaimTerms("F1", "D1", date(2025, 1, 31), 100_000, interest_from=date(2025, 2, 1))
    f3 = ClaimTerms("F3", "D1", date(2025, 4, 30), 20_000, interest_from=date(2025, 5, 1))
    return [ClaimRecord(f1), ClaimRecord(f3)]


def test_each_notes_money_counts_from_its_own_day_in_the_replay() -> None:
    r = _claims()
    r = _apply(r, booking.allocate(r, "bank-1", 100_000, date(2025, 3, 3), ["F1"]).events)
    n1 = booking.credit_part(r, "F1", 30_000, date(2025, 4, 10), "CN-1", "wrong")
    r = _apply(r, n1.events)
    n2 = booking.credit_part(r, "F1", 10_000, date(2025, 6, 10), "CN-2", "wrong")
    r = _apply(r, n2.events)
    assert (n1.left, n2.left) == ({"bank-1": 29_655}, {"bank-1": 0})
    day = date(2025, 6, 20)
    f3 = open_claims(r, day)["F3"]
    assert (f3.open.principal, f3.open.interest, f3.paid.principal) == (9_951, 82, 10_049)
    q = booking.allocate(r, "q", 1_000, date(2025, 6, 15), ["F3"])
    r = _apply(r, q.events)
    spare = {"bank-1": (29_655, date(2025, 3, 3), "D1")}
    back = booking.return_payment(r, "q", day, "storno", spare=spare)
    assert any("replayed from" in (e.reason or "") for new in back.events.values() for e in new)
    r = _apply(r, back.events)
    after = open_claims(r, day)["F3"]
    # was 0.00 open, 200.00 paid: CN-1's 99.51 put on F3 from 3-3
    assert (after.open.principal, after.open.interest, after.paid.principal) == (9_951, 82,
                                                                                  10_049)  # fmt: skip
    assert back.left.get("bank-1", 29_655) == 29_655


def test_through_the_api_the_return_leaves_the_first_notes_overpayment(world) -> None:  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 5, 10, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [invoice_row("F1", "D1", amount="1000.00", due_date="2025-01-31"),
            invoice_row("F3", "D1", amount="200.00", due_date="2025-04-30")]  # fmt: skip
    assert a.call("POST", BASE, {"items": rows}).body["created"] == 2
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    pay = world.services.payments
    pay.book(c1, payment_id="bank-1", amount=100_000, received_on=date(2025, 3, 3),
             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    for ref, amount, day in (("CN-1", "300.00", date(2025, 4, 10)),
                             ("CN-2", "100.00", date(2025, 6, 10))):  # fmt: skip
        world.clock.at = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
        body = {"amount": amount, "reference": ref, "date": day.isoformat()}
        assert a.call("POST", f"{BASE}/F1/credit", body).status == 200
    world.clock.at = datetime(2025, 6, 15, 10, 0, tzinfo=UTC)
    pay.book(c1, payment_id="q", amount=1_000, received_on=date(2025, 6, 15),
             source=PaymentSource.BANK, invoice_numbers=["F3"])  # fmt: skip
    world.clock.at = datetime(2025, 6, 20, 10, 0, tzinfo=UTC)
    pay.reverse(c1, "q", "storno", date(2025, 6, 20))
    row = pay.repos.payments.get(c1.client_id, "bank-1")
    f3 = a.call("GET", f"{BASE}/F3/claim").body
    # was 197.04 over and F3 paid in full
    assert (row.unallocated, f3["open"]["principal"]) == (29_655, "99.51")
