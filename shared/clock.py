"""Time as Inning sees it: UTC instants, Europe/Amsterdam dates.

The domain never reads the clock; services get a :class:`Clock` and tests pass a fixed one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware UTC datetime."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **kwargs: float) -> None:
        from datetime import timedelta

        self.at = self.at + timedelta(**kwargs)


def amsterdam_date(instant: datetime) -> date:
    """The Dutch calendar date of an instant (what a debtor calls 'today')."""
    return instant.astimezone(AMSTERDAM).date()


def amsterdam_today(clock: Clock | None = None) -> date:
    return amsterdam_date((clock or SystemClock()).now())
