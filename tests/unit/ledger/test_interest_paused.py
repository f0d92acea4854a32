"""No interest accrues on the days a payment plan froze it (``ClaimTerms.interest_paused``)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from shared.domain.ledger.accrual import accrued_interest
from shared.domain.ledger.model import ClaimTerms, InterestRule


def terms(*paused: tuple[date, date | None]) -> ClaimTerms:
    return ClaimTerms(
        "F1", "D1", date(2025, 12, 31), 100000, consumer=False,
        interest_from=date(2026, 1, 1), interest_rule=InterestRule.COMMERCIAL,
        interest_paused=paused,
    )  # fmt: skip


def test_paused_days_accrue_nothing_and_the_rest_runs_on() -> None:
    # 1,000.00 at 10.15 % (B2B, 2026): 1 Jan - 1 Apr 2026 is 90 days. Paused 1 Feb - 1 Mar
    # (28 days): 62 days accrue, 1,000 x 0.1015 x 62 / 365 = 17.2411 euros. Under 6:119a a
    # plan priced on 1 Feb took that day's interest, so its pause runs 2 Feb - 2 Mar.
    # settled on 31 March: 6:119a lid 1 counts the payment day ("tot en met"), so to 1 April
    end = date(2026, 3, 31)
    whole = accrued_interest(terms(), [], end)
    assert whole == Fraction(100000) * Fraction(1015, 10000) * 90 / 365
    paused = accrued_interest(terms((date(2026, 2, 1), date(2026, 3, 1))), [], end)
    assert paused == Fraction(100000) * Fraction(1015, 10000) * 62 / 365
    # a pause still running (no end) stops all interest after its first day (1 Jan - 1 Feb
    # inclusive: 32 days, the plan's price holds 1 Feb)
    running = accrued_interest(terms((date(2026, 2, 1), None)), [], end)
    assert running == Fraction(100000) * Fraction(1015, 10000) * 32 / 365
