"""Worked examples computed by hand from the law (settle32), not from the code's own output.

Staffel (Besluit BIK art. 2): 15 % of the first 2,500, 10 % of the next 2,500, 5 % of the next
5,000, 1 % of the next 190,000, 0.5 % above, at least 40, at most 6,775; VAT 21 % on top only
when the client cannot deduct it. Interest (6:119 / 6:119a): simple within each year from the
first day of default, the year's interest added to the base on each anniversary (6:119 lid 2),
each half-year at its own rate (6:120), actual days / 365.
"""

from datetime import date
from fractions import Fraction

import pytest

from shared.domain.law.collection_costs import AgreedCosts, CostBasis, collection_costs
from shared.domain.law.interest import statutory_interest


@pytest.mark.parametrize(
    ("principal", "costs", "minimum", "maximum"),
    [
        (26_600, 4_000, True, False),  # 15 % = 39.90: the minimum
        (26_666, 4_000, False, False),  # 15 % = 39.999 rounds to 40.00 itself
        (500_000, 62_500, False, False),  # 375 + 250
        (500_001, 62_500, False, False),  # + 5 % of 0.01 = 625.0005
        (1_000_000, 87_500, False, False),  # 375 + 250 + 250
        (1_000_050, 87_501, False, False),  # + 1 % of 0.50 = 875.005, half up
        (20_000_000, 277_500, False, False),  # 875 + 1 % of 190,000
        (20_000_001, 277_500, False, False),  # + 0.5 % of 0.01 = 2,775.00005
        (20_000_100, 277_501, False, False),  # + 0.5 % of 1.00 = 2,775.005, half up
        (99_999_800, 677_499, False, False),  # 2,775 + 0.5 % of 799,998 = 6,774.99
        (99_999_900, 677_500, False, False),  # 6,774.995 rounds to the maximum itself
        (100_000_100, 677_500, False, True),  # 6,775.005: above the maximum
    ],
)
def test_staffel_at_and_around_its_boundaries(principal, costs, minimum, maximum):
    result = collection_costs(principal, consumer=True)
    assert (result.costs, result.vat) == (costs, 0)
    assert (result.minimum_applied, result.maximum_applied) == (minimum, maximum)


def test_vat_only_when_the_client_cannot_deduct_it():
    # 10,000.00: 875.00 + 21 % = 183.75
    assert collection_costs(1_000_000, consumer=True).total == 87_500
    assert collection_costs(1_000_000, consumer=True, vat_not_deductible=True).total == 105_875
    # on the maximum: 6,775.00 + 1,422.75
    capped = collection_costs(200_000_000, consumer=True, vat_not_deductible=True)
    assert (capped.costs, capped.vat) == (677_500, 142_275)


def test_agreed_business_costs_bounded_by_minimum_and_maximum_and_never_for_consumers():
    ten = AgreedCosts(CostBasis.PERCENTAGE, percentage=Fraction(10, 100))
    # 10 % of 3,000.00 = 300.00 (staffel 425.00): agreed costs may be below the staffel
    assert collection_costs(300_000, consumer=False, agreed=ten).costs == 30_000
    assert collection_costs(300_000, consumer=True, agreed=ten).costs == 42_500
    # 10 % of 300.00 = 30.00: at least 40.00 (6:96 lid 4)
    assert collection_costs(30_000, consumer=False, agreed=ten).costs == 4_000


def test_consumer_interest_over_rate_changes_and_an_anniversary():
    # 1,000.00 due 14-10-2024, in default from 15-10-2024, paid 20-1-2026 (not counted: 6:119).
    # Year 1: 78 d at 7 % + 181 d at 6 % + 106 d at 6 % = 22,680 / 365 = 62.1369863
    # Year 2 on 1,062.1369863: 78 d at 6 % + 19 d at 4 % = 15.8302060; total 77.9671923
    result = statutory_interest(100_000, date(2024, 10, 15), date(2026, 1, 20), commercial=False)
    assert [p.days for p in result.periods] == [78, 287, 78, 19]  # split where the rate moves
    assert result.capitalisations[0].on == date(2025, 10, 15)
    assert result.interest == 7_797


def test_commercial_interest_counts_each_half_year_at_its_rate():
    # the same claim between businesses, the payment day counted (6:119a lid 1): end 21-1-2026
    # Year 1: 78 d at 12.25 % + 181 d at 11.15 % + 106 d at 10.15 % = 110.9465753
    # Year 2 on 1,110.9465753: 98 d at 10.15 % = 30.2755769; total 141.2221523
    result = statutory_interest(100_000, date(2024, 10, 15), date(2026, 1, 21), commercial=True)
    assert [(p.days, float(p.rate * 100)) for p in result.periods] == [
        (78, 12.25),
        (181, 11.15),
        (106, 10.15),
        (98, 10.15),
    ]
    assert result.interest == 14_122
