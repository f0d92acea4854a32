"""Art. 6:43 lid 2 BW judged by what runs on the day the money arrives (law14 F1, F2).

F1: a claim under a running payment plan over the whole claim is not exigible beyond its
installments (the plan gave the debtor time; Inning's own lapse notice says it becomes "weer
in zijn geheel opeisbaar" only at the lapse), so undesignated money goes to an exigible claim
first, even one that is younger and bears no interest.

F2: "most burdensome" is the interest that runs on the day: a claim whose interest starts
later (the client's interest_from) or is frozen by a plan bears none that day. B2B D1: F1
1,000.00 due 31-1-2025, interest only from 1-9-2025; F2 1,000.00 due 28-2-2025, interest from
1-3-2025. 500.00 naming no invoice on 2-6-2025: F2 takes it, interest 1-3..2-6 = 94 days x
11.15 % x 1,000 = 28.72, principal 471.28 (before: all on the older F1, F2's 11.15 % running on
the whole 1,000.00)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.domain.law.interest_rates import default_rate_table
from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

ON = date(2026, 1, 20)


def _terms(number: str, due: date, **kw: Any) -> ClaimTerms:
    base: dict[str, Any] = dict(
        invoice_number=number, debtor_number="D1", due_date=due, principal=100_000,
        consumer=False, interest_from=None,
    )  # fmt: skip
    base.update(kw)
    return ClaimTerms(**base)


def _claims(done: booking.Booking) -> set[str]:
    return {line.invoice_number for line in done.lines}


def test_a_claim_under_a_running_plan_comes_after_an_exigible_claim():
    """F1 (older) runs under a plan agreed 5-1-2026; F2 is due and bears no interest either:
    F2 takes the 500.00 (before: the older F1, as if its plan gave no time)."""
    records = [
        ClaimRecord(_terms("F1", date(2025, 10, 1), interest_paused=((date(2026, 1, 5), None),))),
        ClaimRecord(_terms("F2", date(2025, 11, 1))),
    ]
    done = booking.allocate(records, "p1", 50_000, ON, rates=default_rate_table())
    assert _claims(done) == {"F2"}


def test_after_the_plan_ended_the_claim_is_exigible_again():
    """The same F1 whose plan lapsed on 15-1-2026: as old as it is, it takes the money first."""
    paused = ((date(2026, 1, 5), date(2026, 1, 15)),)
    records = [
        ClaimRecord(_terms("F1", date(2025, 10, 1), interest_paused=paused)),
        ClaimRecord(_terms("F2", date(2025, 11, 1))),
    ]
    done = booking.allocate(records, "p1", 50_000, ON, rates=default_rate_table())
    assert _claims(done) == {"F1"}


def test_a_claim_whose_interest_has_not_started_is_not_the_more_burdensome(world):
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b")]})
    rows = [
        invoice_row("F1", "D1", amount="1000.00", due_date="2025-01-31", interest_from="2025-09-01"),
        invoice_row("F2", "D1", amount="1000.00", invoice_date="2025-02-01", due_date="2025-02-28"),
    ]  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body.get("errors")
    access = world.services.access
    client = access.client_for(access.authenticate(a.key), "C1")
    world.clock.at = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
    p = world.services.payments.book(
        client, payment_id="p1", amount=50_000, received_on=date(2025, 6, 2),
        source=PaymentSource.BANK, invoice_numbers=["F1"], designated=[],
    )  # fmt: skip
    got = [(x.invoice_number, x.component, x.amount) for x in p.allocations]
    assert got == [("F2", "interest", 2872), ("F2", "principal", 47128)]
    f1 = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-06-02").body
    assert f1["open"]["principal"] == "1000.00"
