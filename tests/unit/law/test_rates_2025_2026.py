"""The shipped rows of 1-7-2025 and 1-7-2026 (rates14; sources in docs/law.md, "Where each row
comes from"). The figures in the comments are computed by hand: actual days / 365, rounded half
up to the cent once, at the end."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from shared.domain.law.interest import statutory_interest
from shared.domain.law.interest_rates import default_rate_table

pct = lambda text: Fraction(text) / 100  # noqa: E731


def test_the_consumer_rate_stayed_6_percent_in_the_second_half_of_2025():
    # No Besluit changed the 6 % of 1-1-2025 before 1-1-2026 (the published method would have
    # given 5 %: MRO 2.40 + 2.25 = 4.65). EUR 1,000.00 from 2025-05-01 up to 2025-11-01:
    #   184 d @ 6 % = 1000 x 0.06 x 184 / 365 = 30.246575 -> 30.25
    #   (with 5 % from 1-7: 61 d @ 6 % = 10.027397 + 123 d @ 5 % = 16.849315 = 26.88)
    result = statutory_interest(100_000, date(2025, 5, 1), date(2025, 11, 1), commercial=False)
    assert [(p.days, p.rate) for p in result.periods] == [(184, pct("6"))]
    assert result.interest == 3_025
    table = default_rate_table()
    assert table.change_dates_between(date(2025, 1, 1), date(2026, 7, 2), commercial=False) == [
        date(2026, 1, 1)
    ]


def test_the_commercial_rate_is_10_40_percent_from_1_july_2026():
    # ECB MRO 2.40 % from 17-6-2026 + 8 = 10.40 %. EUR 1,000.00 B2B from 2026-06-01 up to
    # 2026-09-01 (exclusive):
    #   2026-06-01 -> 2026-07-01  30 d @ 10.15 % = 1000 x 0.1015 x 30 / 365 =  8.342466
    #   2026-07-01 -> 2026-09-01  62 d @ 10.40 % = 1000 x 0.1040 x 62 / 365 = 17.665753
    #   total 26.008219 -> 26.01 (without the row: 92 d @ 10.15 % = 25.58)
    result = statutory_interest(100_000, date(2026, 6, 1), date(2026, 9, 1), commercial=True)
    assert [(p.days, p.rate) for p in result.periods] == [(30, pct("10.15")), (62, pct("10.40"))]
    assert result.interest == 2_601


def test_an_agreement_before_16_march_2013_gets_9_40_percent_from_1_july_2026():
    # the same ECB rate + 7: 30 d @ 9.15 % = 7.520548 + 62 d @ 9.40 % = 15.967123 = 23.49
    result = statutory_interest(
        100_000, date(2026, 6, 1), date(2026, 9, 1), commercial=True,
        contract_date=date(2012, 6, 1),
    )  # fmt: skip
    assert [p.rate for p in result.periods] == [pct("9.15"), pct("9.40")]
    assert result.interest == 2_349


def test_the_consumer_rate_stays_4_percent_on_1_july_2026():
    # MRO 2.15 at the end of April 2026 + 2.25 = 4.40: 4, no new Besluit. EUR 1,000.00 from
    # 2026-06-01 up to 2026-09-01: 92 d @ 4 % = 1000 x 0.04 x 92 / 365 = 10.082192 -> 10.08
    result = statutory_interest(100_000, date(2026, 6, 1), date(2026, 9, 1), commercial=False)
    assert [(p.days, p.rate) for p in result.periods] == [(92, pct("4"))]
    assert result.interest == 1_008


def test_the_shipped_table_is_fresh_until_february_2027():
    table = default_rate_table()
    assert table.newest.effective_from == date(2026, 7, 1)
    assert table.staleness_warning(date(2026, 12, 2)) is None
    assert not table.is_stale(date(2027, 2, 1)) and table.is_stale(date(2027, 2, 2))
