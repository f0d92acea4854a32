"""The commercial rate (art. 6:119a BW) by the agreement's date: ECB + 7 points for agreements
concluded before 16 March 2013, ECB + 8 from then (Stb. 2012, 647 and its transitional law;
docs/law.md). The figures in the comments are computed by hand: actual days / 365, rounded
half up to the cent once, at the end."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from shared.cli.main import main
from shared.domain.law.interest import statutory_interest
from shared.domain.law.interest_rates import (
    MARGIN_RAISED_ON,
    commercial_margin,
    default_rate_table,
    old_margin,
)

pct = lambda text: Fraction(text) / 100  # noqa: E731


def test_the_margin_goes_by_the_day_the_agreement_was_concluded():
    assert date(2013, 3, 16) == MARGIN_RAISED_ON
    assert old_margin(date(2013, 3, 15)) and not old_margin(date(2013, 3, 16))
    assert not old_margin(None)  # not known: the current law
    assert commercial_margin(date(2013, 3, 15)) == "ECB + 7"
    assert commercial_margin(date(2013, 3, 16)) == "ECB + 8"


def test_rates_for_an_older_agreement_are_one_point_lower_from_16_march_2013():
    table = default_rate_table()
    old, new = date(2012, 6, 1), date(2013, 3, 16)
    # before 16-3-2013 the table's rows are + 7 already: the same for both
    assert table.rate_on(date(2013, 2, 1), commercial=True, contract_date=old) == pct("7.75")
    assert table.rate_on(date(2013, 2, 1), commercial=True, contract_date=new) == pct("7.75")
    # MRO 0.75 + 7 = 7.75 against + 8 = 8.75; in 2024-01-01's half-year 4.50 + 7 = 11.50
    assert table.rate_on(date(2013, 4, 1), commercial=True, contract_date=old) == pct("7.75")
    assert table.rate_on(date(2013, 4, 1), commercial=True, contract_date=new) == pct("8.75")
    assert table.rate_on(date(2024, 2, 1), commercial=True, contract_date=old) == pct("11.50")
    assert table.rate_on(date(2024, 2, 1), commercial=True, contract_date=new) == pct("12.50")
    # the consumer rate (6:119) does not depend on it
    assert table.rate_on(date(2024, 2, 1), commercial=False, contract_date=old) == pct("7")
    # for the older agreement 16-3-2013 is no rate change at all
    between = (date(2013, 1, 1), date(2013, 8, 1))
    assert table.change_dates_between(*between, commercial=True, contract_date=old) == [
        date(2013, 7, 1)
    ]
    assert table.change_dates_between(*between, commercial=True, contract_date=new) == [
        date(2013, 3, 16),
        date(2013, 7, 1),
    ]


@pytest.mark.parametrize(
    ("contract_date", "cents"),
    [
        # EUR 1,000.00 from 2013-05-01 up to 2013-08-01:
        #   + 8: 61 d @ 8.75 % = 87.5 x 61 / 365 = 14.623288
        #        31 d @ 8.50 % = 85 x 31 / 365   =  7.219178   total 21.842466 -> 21.84
        (date(2013, 4, 2), 2_184),
        #   + 7: 61 d @ 7.75 % = 77.5 x 61 / 365 = 12.952055
        #        31 d @ 7.50 % = 75 x 31 / 365   =  6.369863   total 19.321918 -> 19.32
        (date(2013, 3, 1), 1_932),
        # no contract date: the start date (2013-05-01), the latest it can have been: + 8
        (None, 2_184),
    ],
)
def test_worked_example_in_2013_to_the_cent(contract_date, cents):
    result = statutory_interest(
        100_000, date(2013, 5, 1), date(2013, 8, 1), commercial=True, contract_date=contract_date
    )
    assert result.interest == cents


def test_worked_example_over_an_anniversary_in_2023_to_the_cent():
    # EUR 2,500.00 from 2022-12-01 up to 2024-02-01, agreement of 2010-05-04 (+ 7):
    #   2022-12-01 -> 2023-01-01   31 d @ 7.00 % (0.00 + 7) = 2500 x 0.07 x 31/365  =  14.863014
    #   2023-01-01 -> 2023-07-01  181 d @ 9.50 % (2.50 + 7) = 2500 x 0.095 x 181/365 = 117.773973
    #   2023-07-01 -> 2023-12-01  153 d @ 11.00 % (4.00 + 7) = 2500 x 0.11 x 153/365 = 115.273973
    #   anniversary 2023-12-01: + 247.910959 -> base 2,747.910959
    #   2023-12-01 -> 2024-01-01   31 d @ 11.00 % on 2,747.910959                   =  25.672264
    #   2024-01-01 -> 2024-02-01   31 d @ 11.50 % (4.50 + 7) on 2,747.910959        =  26.839185
    #   total 300.422408 -> 300.42
    # the same with + 8 (8.00, 10.50, 12.00 %; base 2,772.910959; 12.00, 12.50 %):
    #   16.986301 + 130.171233 + 125.753425 + 28.260901 + 29.438438 = 330.610298 -> 330.61
    result = statutory_interest(
        250_000, date(2022, 12, 1), date(2024, 2, 1), commercial=True,
        contract_date=date(2010, 5, 4),
    )  # fmt: skip
    assert [(p.days, p.rate) for p in result.periods] == [
        (31, pct("7")), (181, pct("9.5")), (153, pct("11")), (31, pct("11")), (31, pct("11.5")),
    ]  # fmt: skip
    assert result.interest == 30_042
    newer = statutory_interest(
        250_000, date(2022, 12, 1), date(2024, 2, 1), commercial=True,
        contract_date=date(2013, 3, 16),
    )  # fmt: skip
    assert newer.interest == 33_061


def test_the_cli_takes_the_contract_date_and_says_which_margin_it_used(capsys):
    import json

    # paid on 31-7: 6:119a counts that day, so the interest runs up to 1-8 (exclusive)
    args = ["interest", "1000", "2013-05-01", "2013-07-31", "--commercial"]
    assert main([*args, "--contract-date", "2013-03-01"]) == 0
    assert capsys.readouterr().out.strip() == "19.32"
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["interest"] == "21.84" and out["contract_date"] == "2013-05-01"
    assert out["commercial_margin"] == "ECB + 8"
    assert main([*args, "--contract-date", "2013-03-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["contract_date"] == "2013-03-01" and out["commercial_margin"] == "ECB + 7"
    assert [p["rate_percent"] for p in out["periods"]] == ["7.75", "7.50"]


def test_the_cli_refuses_an_agreement_concluded_after_interest_started(capsys):
    code = main(["interest", "1000", "2013-05-01", "2013-08-01", "--contract-date", "2013-06-01"])
    assert code != 0
    assert "after the first interest day" in capsys.readouterr().err
