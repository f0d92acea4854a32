from datetime import UTC, datetime, time

import pytest

from shared.domain.contact_window import ContactWindow

W = ContactWindow()


def utc(*args: int) -> datetime:
    return datetime(*args).replace(tzinfo=UTC)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (utc(2025, 3, 4, 9, 0), utc(2025, 3, 4, 9, 0)),  # Tuesday 10:00 in Amsterdam: allowed
        (utc(2025, 3, 4, 5, 30), utc(2025, 3, 4, 6, 0)),  # 06:30 local -> 07:00 local (CET)
        (utc(2025, 3, 4, 19, 30), utc(2025, 3, 5, 6, 0)),  # 20:30 local -> next morning
        (utc(2025, 3, 8, 19, 0), utc(2025, 3, 10, 6, 0)),  # Saturday 20:00 -> Monday, skips Sunday
        (
            utc(2025, 4, 20, 10, 0),
            utc(2025, 4, 22, 5, 0),
        ),  # Easter Sunday+Monday -> Tuesday 07:00 CEST
        (utc(2025, 12, 24, 20, 0), utc(2025, 12, 27, 6, 0)),  # Christmas -> Saturday 27th
    ],
)
def test_next_allowed_moment(at, expected):
    assert W.next_allowed(at) == expected


def test_window_is_a_setting():
    late = ContactWindow(opens=time(9), closes=time(17))
    assert not late.allows(utc(2025, 3, 4, 7, 30))
    with pytest.raises(ValueError):
        ContactWindow(opens=time(20), closes=time(7))
