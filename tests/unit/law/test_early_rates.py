"""The statutory rates from 2012-07-01 (the WIK's start) to 2014: the shipped rows, interest
over them to the cent, and `inning rates update` accepting earlier rows checked like later ones.

The figures in the comments are computed by hand: actual days / 365, interest of each interest
year added to the base on the anniversary of the first day, half up to the cent at the end."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from shared.domain.law.interest import statutory_interest
from shared.domain.law.interest_rates import (
    RateTable,
    RateTableError,
    completed,
    default_rate_table,
    parse_rate_table,
    rate_table_csv,
    update_errors,
)

HEADER = "effective_from,consumer,commercial"


def test_the_shipped_table_starts_with_the_wik_and_has_every_early_row():
    table = default_rate_table()
    assert table.first_date == date(2012, 7, 1)
    early = [
        (c.effective_from, c.consumer, c.commercial)
        for c in table.changes
        if c.effective_from < date(2015, 1, 1)
    ]
    pct = lambda text: Fraction(text) / 100  # noqa: E731
    # consumer 3 % from 1-7-2012 (Stb. 2012, 285) until 2 % on 1-1-2015 (Stb. 2014, 491);
    # commercial = ECB main refinancing rate before the half-year + 7 points, + 8 from 16-3-2013
    assert early == [
        (date(2012, 7, 1), pct("3"), pct("8.00")),  # MRO 1.00 (14-12-2011) + 7
        (date(2013, 1, 1), pct("3"), pct("7.75")),  # MRO 0.75 (11-7-2012) + 7
        (date(2013, 3, 16), pct("3"), pct("8.75")),  # MRO 0.75 + 8 (Directive 2011/7/EU)
        (date(2013, 7, 1), pct("3"), pct("8.50")),  # MRO 0.50 (8-5-2013) + 8
        (date(2014, 1, 1), pct("3"), pct("8.25")),  # MRO 0.25 (13-11-2013) + 8
        (date(2014, 7, 1), pct("3"), pct("8.15")),  # MRO 0.15 (11-6-2014) + 8
    ]


def test_commercial_interest_of_an_agreement_before_the_2013_margin_change_to_the_cent():
    # EUR 1,000.00 in verzuim from 2012-12-01, paid 2014-06-01. Interest ran before
    # 16-3-2013, so the agreement is older: the transitional law keeps ECB + 7 throughout
    # (before this was fixed the engine switched to + 8 on 16-3-2013 and gave 128.60):
    #   2012-12-01 -> 2013-01-01   31 d @ 8.00 % (1.00 + 7) = 1000 x 0.08 x 31/365 =  6.794521
    #   2013-01-01 -> 2013-07-01  181 d @ 7.75 % (0.75 + 7; no split on 16-3)    = 38.431507
    #   2013-07-01 -> 2013-12-01  153 d @ 7.50 % (0.50 + 7)                     = 31.438356
    #   anniversary 2013-12-01: + 76.664384 -> base 1,076.664384
    #   2013-12-01 -> 2014-01-01   31 d @ 7.50 % on 1,076.664384                =  6.858205
    #   2014-01-01 -> 2014-06-01  151 d @ 7.25 % (0.25 + 7) on 1,076.664384     = 32.292557
    #   total 115.815145 -> 115.82
    for contract_date in (None, date(2012, 11, 1)):
        result = statutory_interest(
            100_000, date(2012, 12, 1), date(2014, 6, 1), commercial=True,
            contract_date=contract_date,
        )  # fmt: skip
        assert [(p.days, round(float(p.rate) * 100, 2)) for p in result.periods] == [
            (31, 8.0), (181, 7.75), (153, 7.5), (31, 7.5), (151, 7.25),
        ]  # fmt: skip
        assert [c.on for c in result.capitalisations] == [date(2013, 12, 1)]
        assert round(result.capitalisations[0].new_base) == 107_666
        assert result.interest == 11_582


def test_the_table_switches_to_ecb_plus_8_on_16_march_2013_for_newer_agreements():
    # the table's own rows, for an agreement concluded on 16-3-2013 (interest from that day,
    # EUR 1,000.00 up to 2013-08-01):
    #   2013-03-16 -> 2013-07-01  107 d @ 8.75 % (0.75 + 8) = 87.5 x 107 / 365 = 25.650685
    #   2013-07-01 -> 2013-08-01   31 d @ 8.50 % (0.50 + 8) = 85 x 31 / 365   =  7.219178
    #   total 32.869863 -> 32.87
    result = statutory_interest(100_000, date(2013, 3, 16), date(2013, 8, 1), commercial=True)
    assert [(p.days, round(float(p.rate) * 100, 2)) for p in result.periods] == [
        (107, 8.75), (31, 8.5),
    ]  # fmt: skip
    assert result.interest == 3_287


def test_consumer_interest_in_2013_to_the_cent():
    # EUR 1,000.00 from 2012-12-01 to 2014-06-01 at 3 %: first year 30.00 (365 d), base
    # 1,030.00, then 182 d x 3 % x 1,030 / 365 = 15.41; total 45.41
    result = statutory_interest(100_000, date(2012, 12, 1), date(2014, 6, 1), commercial=False)
    assert result.interest == 4_541


def test_the_review_claim_of_2014_gets_its_interest():
    # newcomer review finding 9: EUR 500.00 B2B in verzuim from 2014-06-01, on 2026-11-30.
    # 967.96 is the reviewer's figure with the 2014 rows (8.25 % / 8.15 %) added to the table;
    # with the table from 2015 only the answer was 900.74 (and the anniversaries on 1 January).
    # The 2026-07-01 row (10.40 % instead of 10.15 %) adds 152 d x 0.25 % on the base of
    # 2026-06-01, 1,397.242798: 1,397.242798 x 0.0025 x 152 / 365 = 1.454664; 969.41
    result = statutory_interest(50_000, date(2014, 6, 1), date(2026, 11, 30), commercial=True)
    assert result.interest == 96_941
    assert {c.on.timetuple()[1:3] for c in result.capitalisations} == {(6, 1)}


def test_before_the_table_the_cli_is_told_how_to_extend_it():
    with pytest.raises(RateTableError, match=r"before 2012-07-01.*--rates FILE.*rates update"):
        statutory_interest(100, date(2012, 6, 1), date(2013, 1, 1), commercial=False)


def _table(*rows: str) -> RateTable:
    return parse_rate_table([HEADER, *rows])


def test_an_update_may_add_rows_before_the_shipped_table():
    shipped = default_rate_table()
    older = ["2011-07-01,4.00,8.00", "2012-01-01,4.00,8.00"]
    candidate = _table(*older, *rate_table_csv(shipped).splitlines()[1:])
    assert update_errors(shipped, candidate) == []
    assert candidate.first_date == date(2011, 7, 1)


def test_earlier_rows_are_checked_like_later_ones():
    shipped = default_rate_table()
    rest = rate_table_csv(shipped).splitlines()[1:]
    bad = _table("2011-03-01,4.00,80.00", *rest)  # neither 1 January/1 July nor plausible
    errors = update_errors(shipped, bad)
    assert "2011-03-01: commercial rate 80.00% is not plausible" in errors
    assert "2011-03-01: rates change on 1 January or 1 July only" in errors
    changed = _table(*[r.replace("2013-01-01,3.00,7.75", "2013-01-01,3.00,8.75") for r in rest])
    assert update_errors(shipped, changed) == [
        "the row of 2013-01-01 changes a published rate (3.00, 7.75)"
    ]
    missing = _table(*[r for r in rest if not r.startswith("2013-03-16")])
    assert update_errors(shipped, missing) == ["the row of 2013-03-16 is missing"]


def test_a_table_that_starts_later_keeps_the_shipped_early_rows():
    # a table uploaded while the shipped one started in 2015 (or one with only new rows)
    shipped = default_rate_table()
    rest = [r for r in rate_table_csv(shipped).splitlines()[1:] if r >= "2015"]
    later = _table(*rest, "2027-01-01,4.00,10.40")
    assert update_errors(shipped, later) == []
    whole = completed(shipped, later)
    assert whole.first_date == date(2012, 7, 1)
    assert whole.changes[: len(shipped.changes)] == shipped.changes
    assert whole.newest.effective_from == date(2027, 1, 1)
