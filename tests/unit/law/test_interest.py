import csv
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.law.interest import statutory_interest
from shared.domain.law.interest_rates import (
    RateTableError,
    default_rate_table,
    parse_rate_table,
)
from shared.domain.money import parse_amount

CASES = Path(__file__).with_name("cases") / "interest.csv"


def _rows() -> list[list[str]]:
    with CASES.open() as fh:
        return [row for row in csv.reader(fh) if row and not row[0].startswith("#")]


@pytest.mark.parametrize(("principal", "start", "end", "commercial", "expected", "source"), _rows())
def test_interest_matches_the_table(principal, start, end, commercial, expected, source):
    result = statutory_interest(
        parse_amount(principal),
        date.fromisoformat(start),
        date.fromisoformat(end),
        commercial=commercial == "yes",
    )
    assert result.interest == parse_amount(expected), source


def test_worked_example_periods_and_capitalisation():
    result = statutory_interest(100_000, date(2023, 3, 15), date(2025, 3, 15), commercial=False)
    assert [(p.start, p.days) for p in result.periods] == [
        (date(2023, 3, 15), 108),
        (date(2023, 7, 1), 184),
        (date(2024, 1, 1), 74),
        (date(2024, 3, 15), 292),
        (date(2025, 1, 1), 73),
    ]
    assert len(result.capitalisations) == 1
    assert result.capitalisations[0].on == date(2024, 3, 15)
    assert round(result.capitalisations[0].new_base) == 105_627


def test_commercial_base_after_first_year():
    result = statutory_interest(100_000, date(2023, 3, 15), date(2025, 3, 15), commercial=True)
    assert round(result.capitalisations[0].new_base) == 111_690


def test_leap_day_start_anniversary_is_28_february():
    result = statutory_interest(100_000, date(2024, 2, 29), date(2025, 6, 1), commercial=False)
    assert result.capitalisations[0].on == date(2025, 2, 28)


def test_contractual_rate_replaces_a_lower_statutory_rate():
    higher = statutory_interest(
        100_000,
        date(2019, 1, 1),
        date(2020, 1, 1),
        commercial=False,
        contractual_rate=Fraction(12, 100),
    )
    assert higher.interest == 12_000
    lower = statutory_interest(
        100_000,
        date(2024, 1, 1),
        date(2024, 7, 1),
        commercial=False,
        contractual_rate=Fraction(1, 100),
    )
    assert all(not p.contractual for p in lower.periods)


def test_end_before_start_is_refused():
    with pytest.raises(ValueError, match="before start"):
        statutory_interest(100, date(2024, 1, 2), date(2024, 1, 1), commercial=False)


def test_dates_before_the_table_are_refused():
    with pytest.raises(RateTableError):
        statutory_interest(100, date(2011, 1, 1), date(2012, 1, 1), commercial=False)


def test_staleness_warning():
    table = default_rate_table()
    newest = table.newest.effective_from
    assert table.staleness_warning(newest + timedelta(days=30)) is None
    assert table.staleness_warning(newest + timedelta(days=240)) is not None


def test_rate_table_is_complete_and_ordered_from_2013():
    table = default_rate_table()
    assert table.first_date == date(2012, 7, 1)
    half_years = {(c.effective_from.year, c.effective_from.month) for c in table.changes}
    for year in range(2013, table.newest.effective_from.year):
        assert (year, 1) in half_years and (year, 7) in half_years


def test_rate_table_rejects_disorder():
    with pytest.raises(RateTableError):
        parse_rate_table(["effective_from,consumer,commercial", "2020-01-01,2,8", "2019-01-01,2,8"])


@given(
    st.integers(min_value=1, max_value=10**9),
    st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 1, 1)),
    st.integers(min_value=0, max_value=364),
    st.integers(min_value=0, max_value=364),
    st.booleans(),
)
def test_interest_is_additive_within_one_interest_year(principal, start, a, b, commercial):
    mid_days, end_days = sorted((a, b))
    mid = start + timedelta(days=mid_days)
    end = start + timedelta(days=end_days)
    whole = statutory_interest(principal, start, end, commercial=commercial).exact
    first = statutory_interest(principal, start, mid, commercial=commercial).exact
    second = statutory_interest(principal, mid, end, commercial=commercial).exact
    assert whole == first + second
