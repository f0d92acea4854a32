"""Statutory interest, art. 6:119 BW (consumer) and 6:119a BW (commercial).

Method (documented in docs/law.md):
- interest runs from ``start`` (the first day it runs) up to ``end`` (exclusive);
- simple interest within each interest year; on every anniversary of ``start`` the interest
  of the year just ended is added to the base (6:119 lid 2, 6:119a lid 3);
- the period is split at every rate change (6:120); a split does not move the anniversary;
- day count actual days / 365;
- exact arithmetic throughout, rounded half up to the cent once, at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from itertools import pairwise

from shared.domain.law.calendar_math import add_years
from shared.domain.law.interest_rates import RateTable, default_rate_table
from shared.domain.money import Cents, round_half_up

DAYS_IN_YEAR = 365


@dataclass(frozen=True)
class InterestPeriod:
    start: date
    end: date  # exclusive
    days: int
    rate: Fraction
    base: Fraction  # cents, exact (capitalised interest is kept exact)
    interest: Fraction  # cents, exact
    contractual: bool


@dataclass(frozen=True)
class Capitalisation:
    on: date
    added: Fraction
    new_base: Fraction


@dataclass(frozen=True)
class InterestResult:
    principal: Cents
    start: date
    end: date
    commercial: bool
    periods: tuple[InterestPeriod, ...]
    capitalisations: tuple[Capitalisation, ...]
    exact: Fraction
    warnings: tuple[str, ...] = field(default=())
    contract_date: date | None = None  # the agreement's date the commercial margin went by

    @property
    def interest(self) -> Cents:
        return round_half_up(self.exact)


def statutory_interest(
    principal: Cents,
    start: date,
    end: date,
    *,
    commercial: bool,
    rates: RateTable | None = None,
    contractual_rate: Fraction | None = None,
    as_of: date | None = None,
    contract_date: date | None = None,
) -> InterestResult:
    """Interest on ``principal`` cents from ``start`` up to ``end`` (exclusive).

    ``contractual_rate``: a rate agreed in the client's terms; where it is higher than the
    statutory rate for a period it applies instead (6:119 lid 3, 6:119a lid 8).
    ``as_of``: today's date, only to warn when the rate table looks out of date.
    ``contract_date``: the day the agreement was concluded, which decides the commercial margin
    (ECB + 7 before 16-3-2013, + 8 from then: the transitional law of Stb. 2012, 647). Omitted:
    ``start``, the latest the agreement can have been concluded (interest on a contractual
    debt cannot start before the contract), so a claim whose interest ran before 16-3-2013
    gets the old margin throughout, and any other the new one.
    """
    if principal < 0:
        raise ValueError("principal must not be negative")
    if end < start:
        raise ValueError(f"end date {end.isoformat()} is before start date {start.isoformat()}")
    table = rates or default_rate_table()
    concluded = contract_date or start
    warnings = []
    if as_of is not None and (warning := table.staleness_warning(as_of)):
        warnings.append(warning)
    if end > start:
        table.rate_on(start, commercial=commercial)  # raises for dates before the table

    base = Fraction(principal)
    periods: list[InterestPeriod] = []
    capitalisations: list[Capitalisation] = []
    total = Fraction(0)
    year = 0
    year_start = start
    while year_start < end:
        year_end = add_years(start, year + 1)
        segment_end = min(year_end, end)
        cuts = [
            year_start,
            *table.change_dates_between(
                year_start, segment_end, commercial=commercial, contract_date=concluded
            ),
            segment_end,
        ]
        accrued = Fraction(0)
        for a, b in pairwise(cuts):
            statutory = table.rate_on(a, commercial=commercial, contract_date=concluded)
            use_contract = contractual_rate is not None and contractual_rate > statutory
            rate = contractual_rate if use_contract and contractual_rate is not None else statutory
            days = (b - a).days
            amount = base * rate * days / DAYS_IN_YEAR
            periods.append(InterestPeriod(a, b, days, rate, base, amount, use_contract))
            accrued += amount
        total += accrued
        if year_end < end:
            base += accrued
            capitalisations.append(Capitalisation(year_end, accrued, base))
        year += 1
        year_start = year_end
    return InterestResult(
        principal=principal,
        start=start,
        end=end,
        commercial=commercial,
        periods=tuple(periods),
        capitalisations=tuple(capitalisations),
        exact=total,
        warnings=tuple(warnings),
        contract_date=concluded,
    )
