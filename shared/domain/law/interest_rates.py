"""The statutory interest rate tables: the shipped one (``statutory_rates.csv`` beside this file)
and the rules a newer table must keep before it may replace it without a release.

The rates are published twice a year (1 January, 1 July); a newer table arrives as a CSV in
blob storage (see shared/services/rates.py). Nothing here reads storage or the clock: the table
in force and today's date come in as arguments."""

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
HEADER = ("effective_from", "consumer", "commercial")
# no Dutch statutory rate has come near this; a figure above it is a typo (15 for 1.5)
MAX_PLAUSIBLE_RATE = Fraction(30, 100)


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

    def is_stale(self, as_of: date) -> bool:
        """The newest rate is older than seven months: a half-yearly change is missing."""
        return as_of > add_months(self.newest.effective_from, STALE_AFTER_MONTHS)

    def staleness_warning(self, as_of: date) -> str | None:
        """A warning when the newest rate is older than seven months: a half-yearly change
        has probably been published and is missing here."""
        newest = self.newest.effective_from
        if self.is_stale(as_of):
            return (
                f"the newest statutory interest rate in the table is from {newest.isoformat()}, "
                f"more than {STALE_AFTER_MONTHS} months before {as_of.isoformat()}; "
                "put the newer table in force (inning rates update FILE)"
            )
        return None


def _percent(text: str) -> Fraction:
    return Fraction(Decimal(text.strip())) / 100


def parse_rate_table(lines: list[str]) -> RateTable:
    rows = csv.DictReader(line for line in lines if line.strip() and not line.startswith("#"))
    if rows.fieldnames is None or not set(HEADER) <= {f.strip() for f in rows.fieldnames}:
        raise RateTableError(f"the header must be {','.join(HEADER)}")
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
        except (KeyError, ValueError, ArithmeticError, AttributeError, TypeError) as exc:
            raise RateTableError(f"bad rate row {row!r}: {exc}") from exc
    return RateTable(tuple(changes))


def rate_table_csv(table: RateTable) -> str:
    """The table in the CSV layout ``parse_rate_table`` reads."""
    lines = ["effective_from,consumer,commercial"]
    for c in table.changes:
        lines.append(f"{c.effective_from.isoformat()},{_text(c.consumer)},{_text(c.commercial)}")
    return "\n".join(lines) + "\n"


def _text(rate: Fraction) -> str:
    return f"{Decimal(rate.numerator) / Decimal(rate.denominator) * 100:.2f}"


def update_errors(shipped: RateTable, candidate: RateTable) -> list[str]:
    """Why ``candidate`` may not replace the table in force; empty when it may.

    The shipped table is checked against the law in this repository's tests and past interest
    was computed with it, so a newer table must repeat every shipped row unchanged and may only
    add later ones (a later row it added before may be corrected). Rates must be plausible
    percentages."""
    errors = []
    rows = {c.effective_from: c for c in candidate.changes}
    for old in shipped.changes:
        new = rows.get(old.effective_from)
        if new is None:
            errors.append(f"the row of {old.effective_from.isoformat()} is missing")
        elif (new.consumer, new.commercial) != (old.consumer, old.commercial):
            errors.append(
                f"the row of {old.effective_from.isoformat()} changes a published rate "
                f"({_text(old.consumer)}, {_text(old.commercial)})"
            )
    if candidate.first_date < shipped.first_date:
        errors.append(f"rows before {shipped.first_date.isoformat()} are not accepted")
    for c in candidate.changes:
        for kind, rate in (("consumer", c.consumer), ("commercial", c.commercial)):
            if not 0 <= rate <= MAX_PLAUSIBLE_RATE:
                errors.append(
                    f"{c.effective_from.isoformat()}: {kind} rate {_text(rate)}% is not plausible"
                )
    for c in candidate.changes:
        if c.effective_from.day != 1 or c.effective_from.month not in (1, 7):
            errors.append(
                f"{c.effective_from.isoformat()}: rates change on 1 January or 1 July only"
            )
    return errors


@lru_cache(maxsize=1)
def default_rate_table() -> RateTable:
    return parse_rate_table(RATES_FILE.read_text(encoding="utf-8").splitlines())
