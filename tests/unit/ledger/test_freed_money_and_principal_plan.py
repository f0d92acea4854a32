"""Money a credit note frees, and a claim a running payment plan over the principal holds
(law16b F5).

Consumer D1: F1 1,000.00 due 1-12-2025 in a plan over the principal agreed 8-1-2026 (500.00 on
31-1 and 28-2: its costs hold's span, ``principal_first``); F2 300.00 due 1-1-2026, paid by
bank-2 received 12-1 naming F2. F2 is credited in full on 20-1. The plan gave the debtor its
days for F1's principal: F1 is not exigible before them (nor on 12-1, nor on 20-1), so the
client cannot set the 300.00 it owes him back (6:203 BW) off against it (6:127 lid 2 BW):
an overpayment for staff. Before, it went on F1 (6.14 interest, 293.86 principal) and the
plan counted it on its first installment."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, Component, LedgerEvent
from shared.domain.ledger.replay import open_claims
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.plans.test_plan_service import BASE, make

AGREED = date(2026, 1, 8)


def _claims(plan_until: date | None = None) -> list[ClaimRecord]:
    f1 = ClaimTerms("F1", "D1", date(2025, 12, 1), 100_000, interest_from=date(2025, 12, 2),
                    principal_first=((AGREED, plan_until),))  # fmt: skip
    f2 = ClaimTerms("F2", "D1", date(2026, 1, 1), 30_000, interest_from=date(2026, 1, 2))
    return [ClaimRecord(f1), ClaimRecord(f2)]


def _records(plan_until: date | None = None) -> list[ClaimRecord]:
    records = _claims(plan_until)
    paid = booking.allocate(records, "bank-2", 30_000, date(2026, 1, 12), ["F2"])
    return _apply(records, paid.events)


def _apply(
    records: list[ClaimRecord], events: Mapping[str, tuple[LedgerEvent, ...]]
) -> list[ClaimRecord]:
    return [ClaimRecord(r.terms, r.events + events.get(r.number, ())) for r in records]


def test_freed_money_is_not_set_off_against_a_claim_a_principal_plan_holds() -> None:
    """F2 credited in full on 20-1: bank-2's 300.00 is left over (was F1 interest 6.14 and
    principal 293.86); a partial note of 100.00 on F2 alike (it frees the 99.67 of principal
    and 0.11 of interest bank-2 paid on the part: 99.78)."""
    whole = booking.release_credited(_records(), "F2", date(2026, 1, 20))
    assert (whole.moved, whole.left) == ({"bank-2": ()}, {"bank-2": 30_000})
    part = booking.credit_part(_records(), "F2", 10_000, date(2026, 1, 20), "CN", "returned")
    assert part.left == {"bank-2": 9_978}
    assert not part.events.get("F1")


def test_a_plan_that_lapsed_no_longer_holds_the_claim() -> None:
    """The plan lapsed on 15-1 (its span ended): on 20-1 F1 is due again and the freed money
    goes on it, interest first (6:44)."""
    whole = booking.release_credited(_records(date(2026, 1, 15)), "F2", date(2026, 1, 20))
    lines = whole.moved["bank-2"]
    assert {x.invoice_number for x in lines} == {"F1"}
    assert sum(x.amount for x in lines) == 30_000 and whole.left == {"bank-2": 0}


def test_a_kept_plan_hands_back_what_is_left_after_its_principal() -> None:
    """Kept (its span has no end): the principal paid off on 28-2, the interest left on F1 is
    due again: 50.00 paid on F2 on 2-3 and freed by F2's credit that day goes on it."""
    records = _claims()
    records = _apply(records, booking.allocate(records, "plan-1", 100_000, date(2026, 2, 28),
                                               ["F1"], principal_first=frozenset({"F1"})).events)  # fmt: skip
    assert open_claims(records, date(2026, 2, 28))["F1"].open.principal == 0
    interest = open_claims(records, date(2026, 3, 2))["F1"].open.interest
    assert 0 < interest < 5_000
    records = _apply(records, booking.allocate(records, "bank-3", 5_000, date(2026, 3, 2),
                                               ["F2"]).events)  # fmt: skip
    whole = booking.release_credited(records, "F2", date(2026, 3, 2))
    assert whole.moved["bank-3"] == (booking.AllocationLine("F1", Component.INTEREST, interest),)
    assert whole.left == {"bank-3": 5_000 - interest}


def test_the_replay_keeps_the_freed_money_off_the_plan_claim() -> None:
    """A note of 100.00 on F2 on 20-1 (99.78 of bank-2 over), then q 10.00 naming F2 received
    21-1 (paid already: its surplus, the debtor's own, goes by 6:43 to F1) returned on 25-1:
    the debtor's claims replayed from the final facts keep bank-2's 99.78 off F1 too."""
    records = _records()
    records = _apply(records, booking.credit_part(records, "F2", 10_000, date(2026, 1, 20), "CN",
                                                  "returned").events)  # fmt: skip
    q = booking.allocate(records, "q", 1_000, date(2026, 1, 21), ["F2"])
    records = _apply(records, q.events)
    spare = {"bank-2": (9_978, date(2026, 1, 12), "D1"), "q": (q.unallocated,
             date(2026, 1, 21), "D1")}  # fmt: skip
    back = booking.return_payment(records, "q", date(2026, 1, 25), "storno", spare=spare)
    assert any(e.reason and "replayed from" in e.reason
               for new in back.events.values() for e in new)  # fmt: skip
    records = _apply(records, back.events)
    f1 = open_claims(records, date(2026, 1, 25))["F1"]
    assert (f1.paid.principal, f1.paid.interest) == (0, 0)
    assert open_claims(records, date(2026, 1, 25))["F2"].paid.of(Component.PRINCIPAL) == 20_000


def test_through_the_api_the_300_is_an_overpayment(world):  # type: ignore[no-untyped-def]
    """The plan made and activated through the API on 8-1, bank-2 booked 12-1, F2 credited on
    20-1 (``POST …/F2/credit``): bank-2 keeps 300.00 unallocated (an overpayment item) and the
    plan's first installment is not counted paid."""
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-11-01",
                    due_date="2025-12-01", fourteen_day_letter_on="2026-01-05"),
        invoice_row("F2", "D1", amount="300.00", invoice_date="2025-12-01",
                    due_date="2026-01-01")]})  # fmt: skip
    world.clock.at = datetime(2026, 1, 8, 9, 0, tzinfo=UTC)
    made = make(a, invoices=["F1"], installments=2, include_costs=False, start="2026-01-31")
    assert made.status in (200, 201), made.body
    pid = made.body["plan_id"]
    assert a.call("POST", f"{BASE}/{pid}/activate").status == 200
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = datetime(2026, 1, 12, 12, 0, tzinfo=UTC)
    world.services.payments.book(client, payment_id="bank-2", amount=30_000,
                                 received_on=date(2026, 1, 12), source=PaymentSource.BANK,
                                 invoice_numbers=["F2"])  # fmt: skip
    world.clock.at = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit").status == 200
    row = world.services.repos.payments.get(client.client_id, "bank-2")
    assert (row.allocations, row.unallocated) == ((), 30_000)
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [x["kind"] for x in items if x["kind"] == "overpayment"] == ["overpayment"]
    plan = a.call("GET", f"{BASE}/{pid}").body
    assert [i["paid"] for i in plan["installments"]] == ["0.00", "0.00"]
