"""The days equated with a recognised holiday by decree (art. 3 lid 3 Algemene termijnenwet).

The Crown equates days with the holidays of art. 3 lid 1 "voor de toepassing van deze wet"
(in practice the Friday after Ascension Day, and a Friday or Monday bridging a holiday to a
weekend), one *Besluit gelijkstelling* per period of about three years, published in the
Staatscourant. No rule predicts them, so they are a table: ``equated_days.csv`` beside this
file, one row per day with its decree and source. Each row also says until when its decree
covers the calendar; past the newest decree the table is silent and
:func:`coverage_warning` says so, like the statutory rates table does when it goes stale.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

EQUATED_DAYS_FILE = Path(__file__).with_name("equated_days.csv")
HEADER = ("day", "reason", "decree", "covered_until", "source")


class EquatedDaysError(ValueError):
    pass


@dataclass(frozen=True)
class EquatedDay:
    day: date
    reason: str
    decree: str
    covered_until: date
    source: str


@dataclass(frozen=True)
class EquatedDaysTable:
    rows: tuple[EquatedDay, ...]
    # the first year the table was researched for: before it, it knows nothing either
    covers_from: date = date(2023, 1, 1)

    def __post_init__(self) -> None:
        if not self.rows:
            raise EquatedDaysError("the table of equated days is empty")
        days = [r.day for r in self.rows]
        if days != sorted(days) or len(set(days)) != len(days):
            raise EquatedDaysError("equated days must be strictly increasing")
        for row in self.rows:
            if row.day > row.covered_until:
                raise EquatedDaysError(f"{row.day} lies after its decree's period")
            if not row.source.strip() or not row.decree.strip():
                raise EquatedDaysError(f"{row.day} has no decree or source")

    @property
    def covered_until(self) -> date:
        return max(r.covered_until for r in self.rows)

    def days_in(self, year: int) -> frozenset[date]:
        return frozenset(r.day for r in self.rows if r.day.year == year)

    def covers(self, day: date) -> bool:
        return self.covers_from <= day <= self.covered_until

    def coverage_warning(self, day: date) -> str | None:
        """A warning when ``day`` lies outside the decrees in the table: a day equated there
        would be missed, so a term ending then may run longer than computed."""
        if self.covers(day):
            return None
        return (
            f"the table of days equated with holidays (Algemene termijnenwet art. 3 lid 3) "
            f"covers {self.covers_from.isoformat()} to {self.covered_until.isoformat()}; "
            f"{day.isoformat()} is outside it: add the newer Besluit gelijkstelling's days to "
            "shared/domain/equated_days.csv"
        )


# a decree is published well before its period; a quarter's notice leaves time to add it
WARN_AHEAD = timedelta(days=90)


def ending_warning(
    table: EquatedDaysTable, today: date, ahead: timedelta = WARN_AHEAD
) -> str | None:
    """A warning when the table ends within ``ahead`` of ``today`` (or has ended): terms
    running past its end may miss an equated day, and debtors be contacted on one."""
    if today + ahead <= table.covered_until:
        return None
    return (
        f"the days equated with holidays (Algemene termijnenwet art. 3 lid 3) are known up to "
        f"{table.covered_until.isoformat()}: add the next Besluit gelijkstelling's days to "
        "shared/domain/equated_days.csv (published in the Staatscourant)"
    )


def parse_equated_days(lines: list[str]) -> EquatedDaysTable:
    rows = csv.DictReader(line for line in lines if line.strip() and not line.startswith("#"))
    if rows.fieldnames is None or tuple(f.strip() for f in rows.fieldnames) != HEADER:
        raise EquatedDaysError(f"the header must be {','.join(HEADER)}")
    out = []
    for row in rows:
        try:
            out.append(
                EquatedDay(
                    day=date.fromisoformat(row["day"].strip()),
                    reason=row["reason"].strip(),
                    decree=row["decree"].strip(),
                    covered_until=date.fromisoformat(row["covered_until"].strip()),
                    source=row["source"].strip(),
                )
            )
        except (KeyError, ValueError, AttributeError) as exc:
            raise EquatedDaysError(f"bad equated-day row {row!r}: {exc}") from exc
    return EquatedDaysTable(tuple(out))


@lru_cache(maxsize=1)
def equated_days_table() -> EquatedDaysTable:
    return parse_equated_days(EQUATED_DAYS_FILE.read_text(encoding="utf-8").splitlines())
