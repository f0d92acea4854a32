import csv
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.law.collection_costs import (
    MAXIMUM,
    MINIMUM,
    AgreedCosts,
    CostBasis,
    collection_costs,
)
from shared.domain.money import parse_amount

CASES = Path(__file__).with_name("cases") / "collection_costs.csv"


def _rows() -> list[list[str]]:
    with CASES.open() as fh:
        return [row for row in csv.reader(fh) if row and not row[0].startswith("#")]


@pytest.mark.parametrize(("principal", "b2b", "vat", "expected", "source"), _rows())
def test_staffel_matches_the_table(principal, b2b, vat, expected, source):
    result = collection_costs(
        parse_amount(principal), consumer=b2b == "no", vat_not_deductible=vat == "yes"
    )
    assert result.total == parse_amount(expected), source


def test_breakdown_shows_the_bands():
    result = collection_costs(parse_amount("10000.00"), consumer=True)
    assert [b.base for b in result.bands] == [250_000, 250_000, 500_000]
    assert sum(b.amount for b in result.bands) == 87_500


def test_minimum_and_maximum_are_flagged():
    assert collection_costs(100, consumer=True).minimum_applied
    assert collection_costs(200_000_000, consumer=True).maximum_applied


def test_b2b_agreed_percentage_and_fixed_with_floor():
    pct = AgreedCosts(CostBasis.PERCENTAGE, percentage=Fraction(20, 100))
    assert collection_costs(100_000, consumer=False, agreed=pct).costs == 20_000
    assert collection_costs(10_000, consumer=False, agreed=pct).costs == MINIMUM
    fixed = AgreedCosts(CostBasis.FIXED, fixed=2_500)
    assert collection_costs(100_000, consumer=False, agreed=fixed).costs == MINIMUM


def test_agreed_costs_are_capped_at_the_staffel_maximum():
    # law8 F4: 15 % of 1,000,000.00 = 150,000.00, 22 times the most the law gives on any
    # claim; capped at 6,775.00 as a fixed agreed amount is. 15 % of 45,000.00 = 6,750.00
    # stays; 15 % of 45,200.00 = 6,780.00 -> 6,775.00; VAT on the capped amount: 1,422.75
    pct = AgreedCosts(CostBasis.PERCENTAGE, percentage=Fraction(15, 100))
    huge = collection_costs(100_000_000, consumer=False, agreed=pct)
    assert (huge.costs, huge.maximum_applied) == (MAXIMUM, True)
    assert collection_costs(4_500_000, consumer=False, agreed=pct).costs == 675_000
    capped = collection_costs(4_520_000, consumer=False, agreed=pct, vat_not_deductible=True)
    assert (capped.costs, capped.vat) == (677_500, 142_275)
    fixed = AgreedCosts(CostBasis.FIXED, fixed=700_000)  # the domain bounds it too
    assert collection_costs(100_000, consumer=False, agreed=fixed).costs == MAXIMUM


def test_consumer_ignores_agreed_terms():
    pct = AgreedCosts(CostBasis.PERCENTAGE, percentage=Fraction(50, 100))
    assert collection_costs(100_000, consumer=True, agreed=pct).costs == 15_000


def test_agreed_terms_must_be_complete():
    with pytest.raises(ValueError):
        AgreedCosts(CostBasis.PERCENTAGE)


def test_principal_must_be_positive():
    with pytest.raises(ValueError):
        collection_costs(0, consumer=True)


@given(st.integers(min_value=1, max_value=10**11))
def test_costs_stay_within_minimum_and_maximum(principal):
    costs = collection_costs(principal, consumer=True).costs
    assert MINIMUM <= costs <= MAXIMUM


@given(st.integers(min_value=1, max_value=10**11), st.integers(min_value=0, max_value=10**9))
def test_costs_are_monotonic_in_the_principal(principal, extra):
    low = collection_costs(principal, consumer=True).total
    high = collection_costs(principal + extra, consumer=True).total
    assert low <= high
