"""Calendar arithmetic the law needs: years and months added the way Dutch courts count."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """Same day-of-month ``months`` later; the last day of the month when it does not exist
    (31 January + 1 month = 28/29 February)."""
    total = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """29 February + 1 year = 28 February (the anniversary convention for interest years)."""
    return add_months(day, 12 * years)
