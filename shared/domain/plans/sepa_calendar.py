"""SEPA business days: a direct debit can only be collected on a TARGET2 day (weekdays except
1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December; EPC SDD Core rulebook)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from shared.domain.dutch_calendar import easter_sunday


@lru_cache(maxsize=64)
def target2_closing_days(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    return frozenset(
        {
            date(year, 1, 1),
            easter - timedelta(days=2),
            easter + timedelta(days=1),
            date(year, 5, 1),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def is_sepa_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in target2_closing_days(day.year)


def next_sepa_business_day(day: date) -> date:
    """``day`` itself when the banks settle on it, otherwise the first day after it that they do."""
    while not is_sepa_business_day(day):
        day += timedelta(days=1)
    return day
