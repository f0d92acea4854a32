"""Art. 6:119a lid 1 BW runs commercial interest "tot en met de dag waarop de schuldenaar de
geldsom heeft voldaan": the payment day bears interest; 6:119 (consumers) stops the day
before (docs/law.md; law7 finding 2). The ledger and ``inning interest`` agree."""

from __future__ import annotations

from datetime import date, timedelta

from shared.cli.main import main
from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, Component, InterestRule
from shared.domain.ledger.replay import open_claims

DUE = date(2025, 1, 31)
PAID = date(2025, 3, 3)


def _record(consumer: bool) -> ClaimRecord:
    rule = InterestRule.CONSUMER if consumer else InterestRule.COMMERCIAL
    return ClaimRecord(
        ClaimTerms(
            invoice_number="F1",
            debtor_number="D1",
            due_date=DUE,
            principal=1_000_000,
            consumer=consumer,
            interest_from=DUE + timedelta(days=1),
            interest_rule=rule,
        )
    )


def _paid_interest(record: ClaimRecord) -> int:
    paid = booking.allocate([record], "p1", 2_000_000, PAID, ["F1"])
    return sum(x.amount for x in paid.lines if x.component is Component.INTEREST)


def test_business_interest_counts_the_payment_day(capsys) -> None:
    # 1-2 .. 3-3-2025 inclusive = 31 days x 11.15 % x 10,000.00 / 365 = 94.70 (91.64 for 30)
    record = _record(consumer=False)
    assert open_claims([record], PAID)["F1"].open.interest == 9_470
    assert _paid_interest(record) == 9_470
    assert main(["interest", "10000", "2025-02-01", "2025-03-03", "--commercial"]) == 0
    assert capsys.readouterr().out.strip() == "94.70"


def test_once_paid_the_interest_stops_after_the_payment_day() -> None:
    record = _record(consumer=False)
    paid = booking.allocate([record], "p1", 1_009_470, PAID, ["F1"])
    assert paid.unallocated == 0
    after = ClaimRecord(record.terms, paid.events["F1"])
    assert open_claims([after], PAID + timedelta(days=30))["F1"].open.total == 0


def test_consumer_interest_ends_the_day_before_payment(capsys) -> None:
    # 1-2 .. 2-3-2025 = 30 days x 6 % x 10,000.00 / 365 = 49.32
    record = _record(consumer=True)
    assert open_claims([record], PAID)["F1"].open.interest == 4_932
    assert _paid_interest(record) == 4_932
    assert main(["interest", "10000", "2025-02-01", "2025-03-03"]) == 0
    assert capsys.readouterr().out.strip() == "49.32"
