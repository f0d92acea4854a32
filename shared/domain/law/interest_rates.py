"""The statutory interest rate tables, loaded from ``statutory_rates.csv`` beside this file."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from shared.domain.law.calendar_math import add_months

RATES_FILE = Path(__file__).with_name("statutory_rates.csv")
STALE_AFTER_MONTHS = 7


@dataclass(frozen=True)
class RateChange:
    effective_from: date
    consumer: Fraction  # per year, as a fraction (0.04 for 4%)
    commercial: Fraction


class RateTableError(ValueError):
    pass


@dataclass(frozen=True)
class RateTable:
    changes: tuple[RateChange, ...]

    def __post_init__(self) -> None:
        if not self.changes:
            raise RateTableError("rate table is empty")
        days = [c.effective_from for c in self.changes]
        if days != sorted(days) or len(set(days)) != len(days):
            raise RateTableError("rate table dates must be strictly increasing")

    @property
    def first_date(self) -> date:
        return self.changes[0].effective_from

    @property
    def newest(self) -> RateChange:
        return self.changes[-1]

    def rate_on(self, day: date, *, commercial: bool) -> Fraction:
        if day < self.first_date:
            raise RateTableError(
                f"no statutory rate known before {self.first_date.isoformat()}; "
                f"extend {RATES_FILE.name}"
            )
        current = self.changes[0]
        for change in self.changes:
            if change.effective_from > day:
                break
            current = change
        return current.commercial if commercial else current.consumer

    def change_dates_between(self, start: date, end: date, *, commercial: bool) -> list[date]:
        """Dates strictly between ``start`` and ``end`` on which the rate really changes
        (a half-year row that repeats the rate is no split)."""
        out = []
        previous: Fraction | None = None
        for change in self.changes:
            rate = change.commercial if commercial else change.consumer
            if start < change.effective_from < end and rate != previous:
                out.append(change.effective_from)
            previous = rate
        return out

    def staleness_warning(self, as_of: date) -> str | None:
        """A warning when the newest rate is older than seven months: a half-yearly change
        has probably been published and is missing here."""
        newest = self.newest.effective_from
        if as_of > add_months(newest, STALE_AFTER_MONTHS):
            return (
                f"the newest statutory interest rate in the table is from {newest.isoformat()}, "
                f"more than {STALE_AFTER_MONTHS} months before {as_of.isoformat()}; "
                "check for a newer rate and add it to the table"
            )
        return None


def _percent(text: str) -> Fraction:
    return Fraction(Decimal(text.strip())) / 100


def parse_rate_table(lines: list[str]) -> RateTable:
    rows = csv.DictReader(line for line in lines if line.strip() and not line.startswith("#"))
    changes = []
    for row in rows:
        try:
            changes.append(
                RateChange(
                    effective_from=date.fromisoformat(row["effective_from"].strip()),
                    consumer=_percent(row["consumer"]),
                    commercial=_percent(row["commercial"]),
                )
            )
        except (KeyError, ValueError, ArithmeticError) as exc:
            raise RateTableError(f"bad rate row {row!r}: {exc}") from exc
    return RateTable(tuple(changes))


@lru_cache(maxsize=1)
def default_rate_table() -> RateTable:
    return parse_rate_table(RATES_FILE.read_text(encoding="utf-8").splitlines())
