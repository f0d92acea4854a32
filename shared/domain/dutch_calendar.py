"""Dutch public holidays and working days.

Two lists, because the law uses two: the Algemene termijnenwet (art. 3) names the holidays
that extend a statutory term (lid 1), equates Good Friday with them (lid 2) and lets the Crown
equate further days by decree (lid 3, the table in ``equated_days.csv``); the contact rules
(Besluit kwaliteit incassodienstverlening art. 4.2: no contact on Sundays and on "een algemeen
erkende feestdag als bedoeld in de Algemene termijnenwet") use that list plus Easter Sunday
and Whit Sunday, named so that a holiday list shows them.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from shared.domain.equated_days import equated_days_table


def easter_sunday(year: int) -> date:
    """Gregorian Easter (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def kings_day(year: int) -> date:
    """27 April, or the 26th when the 27th is a Sunday (Koningsdag since 2014)."""
    day = date(year, 4, 27)
    return day - timedelta(days=1) if day.weekday() == 6 else day


@lru_cache(maxsize=64)
def termijnenwet_holidays(year: int) -> frozenset[date]:
    """Algemeen erkende feestdagen, art. 3 Algemene termijnenwet, with the days equated with
    them: Good Friday (lid 2) and the days of the decrees under lid 3 (Easter and Whit Sunday
    are Sundays anyway; 5 May counts every year in this Act)."""
    easter = easter_sunday(year)
    return frozenset(
        {
            date(year, 1, 1),
            easter - timedelta(days=2),  # Good Friday, art. 3 lid 2
            easter + timedelta(days=1),
            easter + timedelta(days=39),  # Ascension Day
            easter + timedelta(days=50),  # Whit Monday
            kings_day(year),
            date(year, 5, 5),
            date(year, 12, 25),
            date(year, 12, 26),
        }
        | equated_days_table().days_in(year)
    )


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """Days on which Inning does not contact debtors: the termijnenwet list (Good Friday and
    the equated days included) plus Easter Sunday and Whit Sunday (named so that a holiday
    list shows them)."""
    easter = easter_sunday(year)
    return termijnenwet_holidays(year) | {
        easter,
        easter + timedelta(days=49),
    }


def is_termijnenwet_rest_day(day: date) -> bool:
    return day.weekday() >= 5 or day in termijnenwet_holidays(day.year)


def extend_statutory_term(last_day: date) -> date:
    """Art. 1 Algemene termijnenwet: a statutory term ending on a Saturday, Sunday or
    recognised holiday runs on to the next day that is none of these."""
    day = last_day
    while is_termijnenwet_rest_day(day):
        day += timedelta(days=1)
    return day


def calendar_warning(day: date) -> str | None:
    """Why a term computed around ``day`` may be too short: the day lies outside the years the
    table of equated days covers (see shared/domain/equated_days.py)."""
    return equated_days_table().coverage_warning(day)


def is_contact_day(day: date) -> bool:
    """Not a Sunday and not a public holiday."""
    return day.weekday() != 6 and day not in public_holidays(day.year)
