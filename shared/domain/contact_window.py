"""When Inning may contact a debtor.

The Wet kwaliteit incassodienstverlening (in force 1 April 2024) and its Besluit forbid debtor
contact on Sundays, on public holidays, and Monday to Saturday before 07:00 and after 20:00
(Dutch time); secondary sources agree on these hours, so they are the default and a setting.
"Public holidays" are those "als bedoeld in de Algemene termijnenwet" (Bki art. 4.2), so Good
Friday and the days equated by decree count (shared/domain/dutch_calendar.py).
A message that arrives outside the window waits for the next allowed moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from shared.clock import AMSTERDAM
from shared.domain.dutch_calendar import is_contact_day


@dataclass(frozen=True)
class ContactWindow:
    opens: time = time(7, 0)
    closes: time = time(20, 0)

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise ValueError("the contact window must open before it closes")

    def allows(self, instant: datetime) -> bool:
        local = instant.astimezone(AMSTERDAM)
        return is_contact_day(local.date()) and self.opens <= local.time() < self.closes

    def next_allowed(self, instant: datetime) -> datetime:
        """``instant`` itself when allowed, else the next opening (UTC)."""
        if self.allows(instant):
            return instant
        local = instant.astimezone(AMSTERDAM)
        day = local.date()
        if local.time() >= self.opens:
            day += timedelta(days=1)
        while not is_contact_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, self.opens, tzinfo=AMSTERDAM).astimezone(UTC)
