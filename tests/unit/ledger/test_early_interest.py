"""A claim whose interest runs from before the rate table's first row (newcomer review finding
9): the anniversaries stay on the claim's own first interest day, and the days without a known
statutory rate are charged nothing *and said so* on the claim.

Figures are computed by hand in the comments: actual days / 365, capitalised on each
anniversary of the first interest day, half up to the cent at the end."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from shared.domain.law.interest_rates import parse_rate_table
from shared.domain.ledger.accrual import accrued_interest, unknown_rate_warnings
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, InterestRule
from shared.domain.ledger.replay import open_claims

# the table as it was shipped before this change: nothing known before 2015-01-01
FROM_2015 = parse_rate_table(
    ["effective_from,consumer,commercial", "2015-01-01,2.00,8.05", "2016-07-01,2.00,8.00"]
)


def b2b(interest_from: date, rule: InterestRule = InterestRule.COMMERCIAL) -> ClaimTerms:
    return ClaimTerms(
        invoice_number="PR7-2014", debtor_number="PR7", due_date=interest_from,
        principal=50_000, consumer=False, interest_from=interest_from, interest_rule=rule,
    )  # fmt: skip


def test_anniversaries_stay_on_the_real_first_day_when_the_table_starts_later():
    # EUR 500.00 B2B from 2014-06-01, table from 2015-01-01, on 2016-06-01:
    #   2014-06-01 -> 2015-01-01  no rate known: 0.00 (and a warning)
    #   2015-01-01 -> 2015-06-01  151 d @ 8.05 % on 500.00 = 16.65 (16.6527)
    #   anniversary 2015-06-01 (not 2015-01-01): base 516.6527
    #   2015-06-01 -> 2016-06-01  366 d @ 8.05 % on 516.6527 = 41.70 (41.7048)
    #   total 58.36 (58.3575)
    rate = Fraction(805, 10_000)
    first = 50_000 * rate * 151 / 365
    second = (50_000 + first) * rate * 366 / 365
    terms = b2b(date(2014, 6, 1))
    # settled on 2016-05-31: 6:119a counts the payment day, so the interest runs to 2016-06-01
    exact = accrued_interest(terms, [], date(2016, 5, 31), FROM_2015)
    assert exact == first + second
    # what it was: the start clipped to 2015-01-01 and capitalised on 2016-01-01
    clipped_year = 50_000 * rate * 365 / 365
    assert exact != clipped_year + (50_000 + clipped_year) * rate * 152 / 365
    figures = open_claims([ClaimRecord(terms)], date(2016, 5, 31), FROM_2015)["PR7-2014"]
    assert figures.open.interest == 5_836
    assert figures.interest_from == date(2014, 6, 1)
    assert figures.warnings == (
        "no statutory interest rate is known before 2015-01-01: for 2014-06-01 to 2014-12-31 "
        "no interest is charged (put a rate table with the earlier rows in force: "
        "inning rates update FILE)",
    )


def test_the_shipped_table_gives_the_2014_interest_without_a_warning():
    # the review's claim with the rates from 2012-07-01: 967.96 (the reviewer's figure with
    # the 2014 rows 8.25 % / 8.15 %; it was 900.74 with nothing charged before 2015)
    figures = open_claims([ClaimRecord(b2b(date(2014, 6, 1)))], date(2026, 11, 30))["PR7-2014"]
    # 968.35 settled on 2026-11-30: 6:119a counts that day too (law7 F2; 967.96 without it);
    # 969.81 with the 2026-07-01 row (10.40 %): 153 d x 0.25 % on the base of 2026-06-01,
    # 1,397.242798 x 0.0025 x 153 / 365 = 1.464234 more
    assert figures.open.interest == 96_981
    # no day before the table, and the shipped table is not stale on 2026-11-30: no warning
    assert figures.warnings == ()


def test_a_claim_from_2010_is_charged_from_the_first_known_rate_and_says_so():
    # EUR 1,000.00 consumer claim from 2010-06-01, shipped table (from 2012-07-01), on
    # 2013-06-01: anniversaries 2011-06-01 and 2012-06-01 add nothing (nothing charged yet);
    # 2012-07-01 -> 2013-06-01 335 d @ 3 % on 1,000.00 = 27.53 (27.5342)
    terms = ClaimTerms(
        invoice_number="OLD", debtor_number="D", due_date=date(2010, 5, 31), principal=100_000,
        interest_from=date(2010, 6, 1),
    )  # fmt: skip
    figures = open_claims([ClaimRecord(terms)], date(2013, 6, 1))["OLD"]
    assert figures.open.interest == 2_753
    assert figures.warnings == (
        "no statutory interest rate is known before 2012-07-01: for 2010-06-01 to 2012-06-30 "
        "no interest is charged (put a rate table with the earlier rows in force: "
        "inning rates update FILE)",
    )


def test_an_agreed_rate_is_charged_where_the_statutory_one_is_unknown():
    # EUR 1,000.00 consumer claim at an agreed 5 % from 2011-06-01, on 2012-12-01: the agreed
    # rate is owed at least (6:119 lid 3: the higher of the two), so it is charged; from
    # 2012-07-01 the statutory 3 % is lower and the agreed 5 % stays.
    #   2011-06-01 -> 2012-06-01  366 d @ 5 % = 50.14 (50.1370); base 1,050.1370
    #   2012-06-01 -> 2012-12-01  183 d @ 5 % on 1,050.1370 = 26.33 (26.3253)
    #   total 76.46
    terms = ClaimTerms(
        invoice_number="AGREED", debtor_number="D", due_date=date(2011, 5, 31),
        principal=100_000, interest_from=date(2011, 6, 1),
        interest_rule=InterestRule.CONTRACTUAL, contractual_rate=Fraction(5, 100),
    )  # fmt: skip
    figures = open_claims([ClaimRecord(terms)], date(2012, 12, 1))["AGREED"]
    assert figures.open.interest == 7_646
    assert figures.warnings and "only the agreed rate is charged" in figures.warnings[0]


def test_no_warning_when_the_claim_starts_within_the_table_or_runs_no_interest():
    inside = b2b(date(2015, 2, 1))
    assert unknown_rate_warnings(inside, date(2016, 1, 1), FROM_2015) == ()
    none = b2b(date(2014, 6, 1), InterestRule.NONE)
    assert unknown_rate_warnings(none, date(2016, 1, 1), FROM_2015) == ()
    # the claim asked for on a day still before the table: the whole period so far is unknown
    early = unknown_rate_warnings(b2b(date(2014, 6, 1)), date(2014, 8, 31), FROM_2015)
    assert "for 2014-06-01 to 2014-08-31 no interest is charged" in early[0]
