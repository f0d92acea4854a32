"""codereview18 F2: a claim a plan over the principal holds can owe more principal than its
parts of the plan's installments: bank-1 200.00 paid F1 on 6-1, the plan of 8-1 was made over
the rest (2 installments, 31-1 and 28-2), and bank-1 came back on 15-1. F1 owes its 1,000.00
principal again, the plan's installments still cover what they covered. Money a credit note
freed before installment 1 was due (F2 credited on 20-1) made ledger18's set-off look for the
first due installment, find none and raise StopIteration: ``POST …/F2/credit`` answered 500
and the note was not booked. The principal beyond the plan's parts is no plan's to defer (the
debtor got no days for it): it takes the freed money from the day it was received, and no
installment part not yet due takes any."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, Component
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.ledger.test_freed_money_and_principal_plan import AGREED, _apply
from tests.unit.plans.test_plan_service import BASE, make

FIRST, SECOND = date(2026, 1, 31), date(2026, 2, 28)


def _records() -> list[ClaimRecord]:
    """F1 1,000.00 whose parts of the plan are 2 x 400.00; F2 300.00 paid by bank-2 on 12-1."""
    parts = ((AGREED, FIRST, 40_000), (AGREED, SECOND, 40_000))
    f1 = ClaimTerms("F1", "D1", date(2025, 12, 1), 100_000, interest_from=date(2025, 12, 2),
                    principal_first=((AGREED, None),), plan_installments=parts)  # fmt: skip
    f2 = ClaimTerms("F2", "D1", date(2026, 1, 1), 30_000, interest_from=date(2026, 1, 2))
    records = [ClaimRecord(f1), ClaimRecord(f2)]
    return _apply(records, booking.allocate(records, "bank-2", 30_000, date(2026, 1, 12),
                                            ["F2"]).events)  # fmt: skip


def test_freed_money_pays_the_principal_beyond_the_plans_parts_only() -> None:
    """Credited on 20-1: F1's 200.00 beyond its parts takes 200.00 on its principal, 100.00
    is left over (installment 1 is not due yet)."""
    whole = booking.release_credited(_records(), "F2", date(2026, 1, 20))
    assert whole.moved["bank-2"] == (booking.AllocationLine("F1", Component.PRINCIPAL, 20_000),)
    assert whole.left == {"bank-2": 10_000}


def test_through_the_api_the_credit_note_is_booked(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-11-01",
                    due_date="2025-12-01", fourteen_day_letter_on="2026-01-05"),
        invoice_row("F2", "D1", amount="300.00", invoice_date="2025-12-01",
                    due_date="2026-01-01")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    payments = world.services.payments
    payments.book(client, payment_id="bank-1", amount=20_000, received_on=date(2026, 1, 6),
                  source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2026, 1, 8, 9, 0, tzinfo=UTC)
    made = make(a, invoices=["F1"], installments=2, include_costs=False, start="2026-01-31")
    assert made.status in (200, 201), made.body
    assert a.call("POST", f"{BASE}/{made.body['plan_id']}/activate").status == 200
    world.clock.at = datetime(2026, 1, 12, 12, 0, tzinfo=UTC)
    payments.book(client, payment_id="bank-2", amount=30_000, received_on=date(2026, 1, 12),
                  source=PaymentSource.BANK, invoice_numbers=["F2"])  # fmt: skip
    world.clock.at = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    payments.reverse(client, "bank-1", "storno", date(2026, 1, 15))
    world.clock.at = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)
    credited = a.call("POST", "/v1/clients/C1/invoices/F2/credit")
    assert credited.status == 200, credited.body  # was 500 (StopIteration)
    row = world.services.repos.payments.get(client.client_id, "bank-2")
    on_f1 = sum(x.amount for x in row.allocations if x.invoice_number == "F1")
    # F1's principal beyond the plan's parts (what bank-1 had paid), never an installment's
    assert 0 < on_f1 <= 20_000 and row.unallocated == 30_000 - on_f1
