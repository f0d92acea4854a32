"""Algemene termijnenwet art. 3: Good Friday (lid 2) and the days equated by decree (lid 3)
extend a statutory term and are no contact days (review law3 finding 2)."""

from datetime import date, datetime, timedelta

import pytest

from shared.clock import AMSTERDAM
from shared.domain.contact_window import ContactWindow
from shared.domain.dutch_calendar import (
    calendar_warning,
    extend_statutory_term,
    is_contact_day,
    termijnenwet_holidays,
)
from shared.domain.equated_days import (
    EquatedDaysError,
    equated_days_table,
    parse_equated_days,
)
from shared.domain.law.fourteen_day_letter import LetterChannel, fourteen_day_term


@pytest.mark.parametrize(
    ("sent", "channel", "last_day", "owed_from"),
    [
        # received Fri 03-20; day 14 is Good Friday 04-03: past the weekend and Easter Monday
        (date(2026, 3, 18), LetterChannel.LETTER, date(2026, 4, 7), date(2026, 4, 8)),
        (date(2026, 3, 20), LetterChannel.EMAIL, date(2026, 4, 7), date(2026, 4, 8)),
        # received Fri 12-13; day 14 is Fri 2024-12-27, equated by decree
        (date(2024, 12, 11), LetterChannel.LETTER, date(2024, 12, 30), date(2024, 12, 31)),
        # day 14 is Fri 2026-05-15, the Friday after Ascension Day, equated by decree
        (date(2026, 5, 1), LetterChannel.EMAIL, date(2026, 5, 18), date(2026, 5, 19)),
    ],
)
def test_fourteen_day_term_runs_past_good_friday_and_equated_days(
    sent: date, channel: LetterChannel, last_day: date, owed_from: date
) -> None:
    term = fourteen_day_term(sent, channel)
    assert (term.last_day, term.costs_owed_from) == (last_day, owed_from)


def test_good_friday_is_a_termijnenwet_holiday_every_year() -> None:
    for year, good_friday in ((2024, date(2024, 3, 29)), (2031, date(2031, 4, 11))):
        assert good_friday in termijnenwet_holidays(year)
        # past Saturday, Easter Sunday and Easter Monday to the Tuesday
        assert extend_statutory_term(good_friday) == good_friday + timedelta(days=4)


@pytest.mark.parametrize(
    "day",
    [
        date(2023, 4, 28),
        date(2023, 5, 19),
        date(2024, 5, 10),
        date(2024, 12, 27),
        date(2025, 5, 30),
        date(2026, 1, 2),
        date(2026, 5, 15),
        date(2027, 5, 7),
        date(2028, 4, 28),
        date(2028, 5, 26),
    ],
)
def test_the_decrees_days_extend_terms_and_forbid_contact(day: date) -> None:
    assert day in termijnenwet_holidays(day.year)
    assert extend_statutory_term(day) > day
    assert not is_contact_day(day)
    at_ten = datetime(day.year, day.month, day.day, 10, 0, tzinfo=AMSTERDAM)
    assert not ContactWindow().allows(at_ten)
    assert ContactWindow().next_allowed(at_ten).astimezone(AMSTERDAM).date() > day


def test_an_ordinary_friday_is_no_holiday() -> None:
    assert date(2025, 5, 9) not in termijnenwet_holidays(2025)
    assert is_contact_day(date(2025, 5, 9))


def test_every_row_names_its_decree_and_source() -> None:
    table = equated_days_table()
    assert table.covered_until == date(2028, 12, 31)
    for row in table.rows:
        assert row.day.weekday() == 4  # bridging Fridays, all of them
        assert "Besluit gelijkstelling" in row.decree
        assert row.day.strftime("%d").lstrip("0") in row.decree
        assert row.source


def test_a_warning_where_the_table_ends() -> None:
    assert calendar_warning(date(2028, 12, 31)) is None
    assert calendar_warning(date(2026, 3, 18)) is None
    warning = calendar_warning(date(2029, 1, 2))
    assert warning is not None and "2028-12-31" in warning and "equated_days.csv" in warning
    assert calendar_warning(date(2022, 5, 27)) is not None


def test_a_bad_table_is_refused() -> None:
    header = "day,reason,decree,covered_until,source"
    with pytest.raises(EquatedDaysError):
        parse_equated_days([header, "2024-05-10,x,Besluit,2023-12-31,src"])  # outside period
    with pytest.raises(EquatedDaysError):
        parse_equated_days([header, "2024-05-10,x,Besluit,2025-12-31,"])  # no source
    with pytest.raises(EquatedDaysError):
        parse_equated_days(["day,source", "2024-05-10,src"])
    with pytest.raises(EquatedDaysError):
        parse_equated_days([header, "2024-12-27,x,B,2025-12-31,s", "2024-05-10,x,B,2025-12-31,s"])
