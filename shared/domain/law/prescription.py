"""Prescription (verjaring) of a claim for payment.

Art. 3:307 BW: five years, starting the day after the claim became due (opeisbaar).
Art. 7:28 BW: two years for a consumer purchase (the seller's claim for the price).
Art. 3:317/3:319 BW: a written demand interrupts; a new period of the same length (at most
five years) starts the day after the interruption. Clients may configure other terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from shared.domain.law.calendar_math import add_years

CONSUMER_PURCHASE_YEARS = 2
DEFAULT_YEARS = 5


@dataclass(frozen=True)
class Prescription:
    period_starts: date
    last_day: date  # the last day on which the claim is still enforceable
    prescribed_on: date


def prescription(
    due_date: date,
    *,
    consumer_purchase: bool,
    interruptions: list[date] | None = None,
    years: int | None = None,
) -> Prescription:
    term = years or (CONSUMER_PURCHASE_YEARS if consumer_purchase else DEFAULT_YEARS)
    if term <= 0:
        raise ValueError("prescription term must be positive")
    anchor = max([due_date, *(interruptions or [])])
    start = anchor + timedelta(days=1)
    prescribed_on = add_years(start, term)
    return Prescription(start, prescribed_on - timedelta(days=1), prescribed_on)
