"""A claim computed with a stale statutory-rate table says so (review newcomer3, finding 2):
the days past the newest rate's half-year are charged at that rate although a half-yearly
change has probably been published, so ``warnings`` names them instead of promising complete
figures; a period the table covers gets no warning however old the table is."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from shared.domain.law.interest_rates import parse_rate_table
from shared.domain.ledger.accrual import rates_known_until, unknown_rate_warnings
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, InterestRule
from shared.domain.ledger.replay import open_claims

# newest rate 2026-01-01: it holds until 2026-06-30, the table is stale after 2026-08-01
TABLE = parse_rate_table(
    ["effective_from,consumer,commercial", "2025-07-01,4.00,10.15", "2026-01-01,4.00,10.15"]
)


def claim(interest_from: date, rule: InterestRule = InterestRule.COMMERCIAL) -> ClaimTerms:
    return ClaimTerms(
        invoice_number="N3-P2-1", debtor_number="N3-P2", due_date=interest_from,
        principal=10_000_000, consumer=False, interest_from=interest_from, interest_rule=rule,
    )  # fmt: skip


def test_the_table_knows_its_newest_rate_for_a_half_year():
    assert rates_known_until(TABLE) == date(2026, 7, 1)


def test_the_review_claim_on_a_stale_table_names_the_days_charged_at_the_last_rate():
    # the review's B2B invoice of EUR 100,000.00 due 2026-05-31, asked for on 2026-11-30
    (warning,) = unknown_rate_warnings(claim(date(2026, 6, 1)), date(2026, 11, 30), TABLE)
    assert "from 2026-01-01" in warning
    # 6:119a counts the day of settlement itself (law7 F2)
    assert "for 2026-07-01 to 2026-11-30 that rate is charged" in warning
    assert "inning rates update FILE" in warning


@pytest.mark.parametrize(
    ("interest_from", "on"),
    [
        (date(2026, 1, 15), date(2026, 7, 1)),  # the period ends inside the table
        (date(2026, 1, 15), date(2026, 8, 1)),  # past it, but within the month of grace
        (date(2025, 8, 1), date(2026, 3, 1)),
    ],
)
def test_no_warning_while_the_table_covers_the_period_or_is_not_stale(interest_from, on):
    assert unknown_rate_warnings(claim(interest_from), on, TABLE) == ()


def test_a_claim_whose_interest_starts_after_the_table_is_warned_from_its_first_day():
    (warning,) = unknown_rate_warnings(claim(date(2026, 9, 1)), date(2026, 11, 30), TABLE)
    assert "for 2026-09-01 to 2026-11-30" in warning


@pytest.mark.parametrize("rule", [InterestRule.CONSUMER, InterestRule.CONTRACTUAL])
def test_consumer_and_agreed_interest_go_by_the_table_too(rule):
    # an agreed rate is charged at least at the statutory one: a missing change matters
    assert len(unknown_rate_warnings(claim(date(2026, 6, 1), rule), date(2026, 12, 1), TABLE)) == 1


def test_no_warning_without_interest_or_on_a_closed_claim():
    none = claim(date(2026, 6, 1), InterestRule.NONE)
    assert unknown_rate_warnings(none, date(2026, 12, 1), TABLE) == ()
    closed = replace(claim(date(2026, 6, 1)), closed=True)
    assert unknown_rate_warnings(closed, date(2026, 12, 1), TABLE) == ()


def test_days_before_the_table_and_past_it_are_both_named():
    old = parse_rate_table(["effective_from,consumer,commercial", "2015-01-01,2.00,8.05"])
    warnings = unknown_rate_warnings(claim(date(2014, 6, 1)), date(2016, 1, 1), old)
    assert len(warnings) == 2
    assert "before 2015-01-01" in warnings[0]
    assert "for 2015-07-01 to 2016-01-01 that rate is charged" in warnings[1]


def test_the_claims_warnings_are_no_longer_empty_on_a_stale_table():
    figures = open_claims([ClaimRecord(claim(date(2026, 6, 1)))], date(2026, 11, 30), TABLE)
    (warning,) = figures["N3-P2-1"].warnings
    assert "2026-07-01 to 2026-11-30" in warning
    fresh = open_claims([ClaimRecord(claim(date(2026, 6, 1)))], date(2026, 7, 1), TABLE)
    assert fresh["N3-P2-1"].warnings == ()
