"""Prescription (verjaring) of a claim for payment.

Art. 3:307 BW: five years, starting the day after the claim became due (opeisbaar).
Art. 7:28 BW: two years for a consumer purchase (the seller's claim for the price).
Art. 3:317/3:319 BW: a written demand interrupts; a new period of the same length (at most
five years) starts the day after the interruption. Clients may configure other terms.
A demand on or after the day the claim prescribed interrupts nothing: there is no period left
running to interrupt, so it cannot revive the claim (it is reported, not applied).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from shared.domain.law.calendar_math import add_years

CONSUMER_PURCHASE_YEARS = 2
DEFAULT_YEARS = 5


@dataclass(frozen=True)
class Prescription:
    period_starts: date
    last_day: date  # the last day on which the claim is still enforceable
    prescribed_on: date
    # demands given that came on or after the claim had prescribed: they interrupted nothing
    too_late: tuple[date, ...] = field(default=())


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
    start = due_date + timedelta(days=1)
    prescribed_on = add_years(start, term)
    too_late: list[date] = []
    for demand in sorted(set(interruptions or [])):
        if demand <= due_date:
            continue  # before the period ran: nothing to interrupt yet
        if demand >= prescribed_on:
            too_late.append(demand)
            continue
        start = demand + timedelta(days=1)
        prescribed_on = add_years(start, min(term, DEFAULT_YEARS))
    return Prescription(start, prescribed_on - timedelta(days=1), prescribed_on, tuple(too_late))
