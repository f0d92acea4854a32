"""Money a credit note frees, set off against the due and unpaid installment of a running plan
over the principal (ledger18, law17b F2).

law16b F5's fixture: consumer D1, F1 1,000.00 due 1-12-2025 in a plan over the principal agreed
8-1-2026 that still runs, 500.00 due 31-1 and 500.00 due 28-2 (``plan_installments``); F2 paid
by bank-2 received 12-1 naming F2, credited on 10-2. Installment 1 is due and unpaid then: the
plan defers only installment 2, so the money F2's credit frees is set off against installment
1 (6:127 lid 2 BW), counted from 31-1 (6:129 lid 1: when both were due), never against
installment 2. Before, F1 was skipped as a whole and the money waited as an overpayment."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.installment_parts import installment_parts
from shared.domain.ledger.model import ClaimTerms, Component
from shared.domain.ledger.replay import open_claims
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.ledger.test_freed_money_and_principal_plan import AGREED, _apply
from tests.unit.ledger.test_freed_money_and_principal_plan import _records as _lapsed_records
from tests.unit.plans.test_plan_service import BASE, make

FIRST, SECOND, NOTE = date(2026, 1, 31), date(2026, 2, 28), date(2026, 2, 10)
LAPSE = date(2026, 1, 20)
INSTALLMENTS = ((AGREED, FIRST, 50_000), (AGREED, SECOND, 50_000))


def _records(f2: int) -> list[ClaimRecord]:
    f1 = ClaimTerms("F1", "D1", date(2025, 12, 1), 100_000, interest_from=date(2025, 12, 2),
                    principal_first=((AGREED, None),), plan_installments=INSTALLMENTS)  # fmt: skip
    f2_ = ClaimTerms("F2", "D1", date(2026, 1, 1), f2, interest_from=date(2026, 1, 2))
    records = [ClaimRecord(f1), ClaimRecord(f2_)]
    return _apply(records, booking.allocate(records, "bank-2", f2, date(2026, 1, 12),
                                            ["F2"]).events)  # fmt: skip


def _as_paid_on_first(records: list[ClaimRecord], cents: int) -> ClaimRecord:
    """F1 as the same money paid on installment 1's day on its principal leaves it (the plan
    holds the interest until it ends: only the installment is exigible)."""
    paid = [ClaimRecord(records[0].terms)]
    return _apply(paid, booking.allocate(paid, "x", cents, FIRST, ["F1"],
                                         principal_first=frozenset({"F1"})).events)[0]  # fmt: skip


def test_freed_money_pays_the_due_installment() -> None:
    """F2 300.00 credited in full on 10-2: the 300.00 goes on F1 from 31-1 (was left over)."""
    records = _records(30_000)
    whole = booking.release_credited(records, "F2", NOTE)
    assert whole.left == {"bank-2": 0}
    assert {x.invoice_number for x in whole.moved["bank-2"]} == {"F1"}
    got = open_claims(_apply(records, whole.events), NOTE)["F1"]
    want = open_claims([_as_paid_on_first(records, 30_000)], NOTE)["F1"]
    assert got.open == want.open and got.paid.principal == 30_000


def test_never_the_installment_not_yet_due() -> None:
    """F2 700.00 credited on 10-2: F1 takes 500.00 (installment 1), 200.00 is left over; a
    partial note of 650.00 alike (it frees 650.00 of bank-2)."""
    whole = booking.release_credited(_records(70_000), "F2", NOTE)
    assert whole.moved["bank-2"] == (booking.AllocationLine("F1", Component.PRINCIPAL, 50_000),)
    assert whole.left == {"bank-2": 20_000}
    part = booking.credit_part(_records(70_000), "F2", 65_000, NOTE, "CN", "returned")
    assert sum(x.amount for x in part.moved["bank-2"] if x.invoice_number == "F1") == 50_000
    assert part.left["bank-2"] > 0


def test_what_the_plan_was_paid_counts() -> None:
    """plan-1 paid 200.00 of installment 1 on 31-1 (principal first): 300.00 of it is open on
    10-2, and of 700.00 freed F1 takes that much."""
    records = _records(70_000)
    records = _apply(records, booking.allocate(records, "plan-1", 20_000, FIRST, ["F1"],
                                               principal_first=frozenset({"F1"})).events)  # fmt: skip
    whole = booking.release_credited(records, "F2", NOTE)
    assert sum(x.amount for x in whole.moved["bank-2"]) == 30_000
    assert whole.left == {"bank-2": 40_000}


def test_before_the_installment_is_due_nothing() -> None:
    """Credited on 20-1, before installment 1 was due: the 300.00 is left over (law16b F5)."""
    whole = booking.release_credited(_records(30_000), "F2", date(2026, 1, 20))
    assert whole.left == {"bank-2": 30_000}


def test_the_replay_sets_it_off_as_booked() -> None:
    """A note of 100.00 on F2 on 10-2 (its freed money on installment 1), then q 10.00 naming
    F2 received 11-2 returned on 12-2: the debtor's claims replayed from the final facts keep
    F1 as the note's booking left it."""
    records = _records(30_000)
    records = _apply(records, booking.credit_part(records, "F2", 10_000, NOTE, "CN",
                                                  "returned").events)  # fmt: skip
    booked = open_claims(records, date(2026, 2, 12))["F1"]
    assert 9_900 < booked.paid.total <= 10_000
    q = booking.allocate(records, "q", 1_000, date(2026, 2, 11), ["F2"])
    records = _apply(records, q.events)
    spare = {"q": (q.unallocated, date(2026, 2, 11), "D1")}
    back = booking.return_payment(records, "q", date(2026, 2, 12), "storno", spare=spare)
    assert any(e.reason and "replayed from" in e.reason
               for new in back.events.values() for e in new)  # fmt: skip
    replayed = open_claims(_apply(records, back.events), date(2026, 2, 12))["F1"]
    assert (replayed.open, replayed.paid) == (booked.open, booked.paid)


def test_installments_fill_the_plans_claims_oldest_first() -> None:
    """A plan from 8-1 over F1 (600.00 open) and F2 (400.00, due later), 500.00 on 31-1 and
    28-2: F1 takes installment 1 and 100.00 of 2, F2 the other 400.00 of 2; 200.00 paid on F1
    on 20-1, after the plan began, changes nothing."""
    f1 = ClaimTerms("F1", "D1", date(2025, 12, 1), 60_000)
    f2 = ClaimTerms("F2", "D1", date(2026, 1, 1), 40_000)
    records = [ClaimRecord(f1), ClaimRecord(f2)]
    records = _apply(records, booking.allocate(records, "p", 20_000, date(2026, 1, 20),
                                               ["F1"]).events)  # fmt: skip
    parts = installment_parts(records[::-1], AGREED, [(SECOND, 50_000), (FIRST, 50_000)])
    assert parts == {"F1": ((AGREED, FIRST, 50_000), (AGREED, SECOND, 10_000)),
                     "F2": ((AGREED, SECOND, 40_000),)}  # fmt: skip


def test_through_the_api_the_300_pays_installment_1(world):  # type: ignore[no-untyped-def]
    """law16b F5's API case with F2 credited on 10-2 (``POST …/F2/credit``), after installment
    1 (31-1) fell due unpaid: bank-2's 300.00 is set off against it (was an overpayment item),
    and the plan counts it on installment 1 at its next look, none on installment 2."""
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
    world.clock.at = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit").status == 200
    row = world.services.repos.payments.get(client.client_id, "bank-2")
    assert row.unallocated == 0
    assert {x.invoice_number for x in row.allocations} == {"F1"}
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert "overpayment" not in [x["kind"] for x in items]
    world.services.plans.process(client.client_id, pid, date(2026, 2, 10))
    plan = a.call("GET", f"{BASE}/{pid}").body
    assert [i["paid"] for i in plan["installments"]] == ["300.00", "0.00"]


def test_the_replay_sets_off_after_a_lapse_by_6_44() -> None:
    """law17b F6's lapse (plan span 8-1 to 20-1): a note of 100.00 on F2 on 20-1 sets its freed
    money off against F1 by 6:44 (due as a whole again); replayed after q's return, it stays
    so (the replay had put it principal first, as money paid under the plan: 7.01 of the
    interest left open and 7.01 more principal paid)."""
    records = _lapsed_records(LAPSE)
    records = _apply(records, booking.credit_part(records, "F2", 10_000, LAPSE, "CN",
                                                  "returned").events)  # fmt: skip
    booked = open_claims(records, date(2026, 1, 25))["F1"]
    assert booked.paid.interest > 0
    q = booking.allocate(records, "q", 1_000, date(2026, 1, 21), ["F2"])
    records = _apply(records, q.events)
    spare = {"q": (q.unallocated, date(2026, 1, 21), "D1")}
    back = booking.return_payment(records, "q", date(2026, 1, 25), "storno", spare=spare)
    assert any(e.reason and "replayed from" in e.reason
               for new in back.events.values() for e in new)  # fmt: skip
    replayed = open_claims(_apply(records, back.events), date(2026, 1, 25))["F1"]
    assert (replayed.open, replayed.paid) == (booked.open, booked.paid)


def test_money_received_before_the_plan_alike() -> None:
    """bank-0 700.00 received 5-1 (before the plan of 8-1, F1 due then) paid F2, credited on
    10-2: the plan defers installment 2 on the note's day, so F1 takes 500.00 (was all 700.00,
    5.37 interest and 694.63 principal, 200.00 of it installment 2's before it was due)."""
    f1 = ClaimTerms("F1", "D1", date(2025, 12, 1), 100_000, interest_from=date(2025, 12, 2),
                    principal_first=((AGREED, None),), plan_installments=INSTALLMENTS)  # fmt: skip
    f2 = ClaimTerms("F2", "D1", date(2026, 1, 1), 70_000, interest_from=date(2026, 1, 2))
    records = [ClaimRecord(f1), ClaimRecord(f2)]
    records = _apply(records, booking.allocate(records, "bank-0", 70_000, date(2026, 1, 5),
                                               ["F2"]).events)  # fmt: skip
    whole = booking.release_credited(records, "F2", NOTE)
    assert sum(x.amount for x in whole.moved["bank-0"] if x.invoice_number == "F1") == 50_000
    assert whole.left == {"bank-0": 20_000}
