"""The statutory interest rate tables: the shipped one (``statutory_rates.csv`` beside this file)
and the rules a newer table must keep before it may replace it without a release.

The rates are published twice a year (1 January, 1 July); a newer table arrives as a CSV in
blob storage (see shared/services/rates.py). Nothing here reads storage or the clock: the table
in force and today's date come in as arguments."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from pathlib import Path

from shared.domain.law.calendar_math import add_months
from shared.domain.reasons import CodedError, Reason

RATES_FILE = Path(__file__).with_name("statutory_rates.csv")
STALE_AFTER_MONTHS = 7
HEADER = ("effective_from", "consumer", "commercial")
# no Dutch statutory rate has come near this; a figure above it is a typo (15 for 1.5)
MAX_PLAUSIBLE_RATE = Fraction(30, 100)
# rates change on 1 January and 1 July, except on the days a law changed the formula itself:
# 16 March 2013 the act implementing Directive 2011/7/EU (Stb. 2012, 647) raised the margin
# of 6:119a from 7 to 8 points over the ECB rate
OFF_CYCLE_CHANGES = frozenset({date(2013, 3, 16)})
# ... but only for agreements concluded from that day: the act's transitional law keeps the old
# law (ECB + 7 points) for agreements concluded before it (docs/law.md, "contract date"). The
# table's commercial column is the new law's; an older agreement's rate on or after that day is
# the same ECB rate + 7, so one point lower.
MARGIN_RAISED_ON = date(2013, 3, 16)
MARGIN_RAISE = Fraction(1, 100)
# tables were shipped (and uploaded) from this date before the 2012-2014 rows were added: such a
# table is still good, completed by the shipped rows before it; a later start is refused
TABLES_STARTED = date(2015, 1, 1)


@dataclass(frozen=True)
class RateChange:
    effective_from: date
    consumer: Fraction  # per year, as a fraction (0.04 for 4%)
    commercial: Fraction


class RateTableError(CodedError):
    """A rate table that cannot be read or used; ``code`` and ``params`` (the line and the
    field at fault) let a page say it in its reader's language."""


@dataclass(frozen=True)
class RateTable:
    changes: tuple[RateChange, ...]

    def __post_init__(self) -> None:
        if not self.changes:
            raise RateTableError("rate table is empty", code="rate_table_empty")
        days = [c.effective_from for c in self.changes]
        if days != sorted(days) or len(set(days)) != len(days):
            raise RateTableError(
                "rate table dates must be strictly increasing", code="rate_table_order"
            )

    def __hash__(self) -> int:
        # kept: a table keys the replay's cache (ledger.replay), and hashing its rows' 60
        # fractions anew took 70 us, as much as the replay it spared
        return self._hash

    @cached_property
    def _hash(self) -> int:
        return hash(self.changes)

    @property
    def first_date(self) -> date:
        return self.changes[0].effective_from

    def knows(self, day: date) -> bool:
        """Whether the table has a rate for ``day`` (it knows nothing before its first row)."""
        return day >= self.first_date

    @property
    def newest(self) -> RateChange:
        return self.changes[-1]

    def rate_on(
        self, day: date, *, commercial: bool, contract_date: date | None = None
    ) -> Fraction:
        """The rate on ``day``; ``contract_date``: when the agreement was concluded (it decides
        the commercial margin, see :func:`commercial_rate`); None: on or after 16-3-2013."""
        if not self.knows(day):
            raise RateTableError(
                f"no statutory rate known before {self.first_date.isoformat()}; use a rate "
                "table with the earlier rows (--rates FILE here; `inning rates update FILE` "
                "puts one in force for the app)"
            )
        current = self.changes[0]
        for change in self.changes:
            if change.effective_from > day:
                break
            current = change
        return _rate(current, commercial, contract_date)

    def change_dates_between(
        self, start: date, end: date, *, commercial: bool, contract_date: date | None = None
    ) -> list[date]:
        """Dates strictly between ``start`` and ``end`` on which the rate really changes
        (a half-year row that repeats the rate is no split: for an agreement concluded before
        16-3-2013 the row of that day repeats the rate)."""
        moves = self._moves[(commercial, old_margin(contract_date))]
        return [day for day in moves if start < day < end]

    @cached_property
    def _moves(self) -> dict[tuple[bool, bool], tuple[date, ...]]:
        """Per (commercial table, old margin): the days the rate differs from the row before
        (the first row's included). Worked out once per table: each claim's interest asks
        twice, and walking the table every time was a twentieth of a portal page's CPU."""
        before_raise = MARGIN_RAISED_ON - timedelta(days=1)
        out: dict[tuple[bool, bool], tuple[date, ...]] = {}
        for commercial in (True, False):
            for old, contract_date in ((True, before_raise), (False, None)):
                days = []
                previous: Fraction | None = None
                for change in self.changes:
                    rate = _rate(change, commercial, contract_date)
                    if rate != previous:
                        days.append(change.effective_from)
                    previous = rate
                out[(commercial, old)] = tuple(days)
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


def old_margin(contract_date: date | None) -> bool:
    """Whether an agreement concluded on ``contract_date`` keeps the margin of ECB + 7 points
    (concluded before 16 March 2013); None: not known, taken as concluded from that day."""
    return contract_date is not None and contract_date < MARGIN_RAISED_ON


def commercial_margin(contract_date: date | None) -> str:
    """The 6:119a formula for an agreement concluded on ``contract_date``, for people."""
    return "ECB + 7" if old_margin(contract_date) else "ECB + 8"


def commercial_rate(change: RateChange, contract_date: date | None) -> Fraction:
    """The 6:119a rate of a row for an agreement concluded on ``contract_date``: the table's
    (ECB + 8) from 16-3-2013, one point less (ECB + 7) for an agreement concluded before."""
    if old_margin(contract_date) and change.effective_from >= MARGIN_RAISED_ON:
        return change.commercial - MARGIN_RAISE
    return change.commercial


def _rate(change: RateChange, commercial: bool, contract_date: date | None) -> Fraction:
    return commercial_rate(change, contract_date) if commercial else change.consumer


def _percent(text: str) -> Fraction:
    return Fraction(Decimal(text.strip())) / 100


def parse_rate_table(lines: list[str]) -> RateTable:
    """The table in ``lines`` (the CSV layout of the shipped one); a fault names the file's
    line and the field."""
    numbered = [(n, line) for n, line in enumerate(lines, start=1)
                if line.strip() and not line.startswith("#")]  # fmt: skip
    rows = csv.DictReader(line for _, line in numbered)
    if rows.fieldnames is None or not set(HEADER) <= {f.strip() for f in rows.fieldnames}:
        header = ",".join(HEADER)
        raise RateTableError(
            f"the header must be {header}", code="rate_table_header", params={"header": header}
        )
    changes = []
    for row in rows:
        line = numbered[rows.line_num - 1][0]
        if row.get(None):  # type: ignore[call-overload]  # DictReader's restkey
            # "3,50" with a decimal comma splits a rate in two and shifts the next one
            raise RateTableError(
                f"line {line} has more cells than columns (a decimal comma? write 9.65)",
                code="rate_table_extra_cells", params={"line": line},
            )  # fmt: skip
        cells = {k.strip(): (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        try:
            day = date.fromisoformat(cells.get("effective_from", ""))
        except ValueError:
            raise RateTableError(
                f"line {line}: effective_from {cells.get('effective_from', '')!r} is not a date "
                "(YYYY-MM-DD)",
                code="rate_table_bad_date",
                params={"line": line, "value": cells.get("effective_from", "")},
            ) from None
        rates = []
        for field in ("consumer", "commercial"):
            try:
                rates.append(_percent(cells.get(field, "")))
            except (ValueError, ArithmeticError):
                first = not rates
                raise RateTableError(
                    f"line {line}: {field} {cells.get(field, '')!r} is not a percentage (4.00)",
                    code="rate_table_bad_consumer" if first else "rate_table_bad_commercial",
                    params={"line": line, "value": cells.get(field, "")},
                ) from None  # fmt: skip
        changes.append(RateChange(day, rates[0], rates[1]))
    return RateTable(tuple(changes))


def rate_table_csv(table: RateTable) -> str:
    """The table in the CSV layout ``parse_rate_table`` reads."""
    lines = ["effective_from,consumer,commercial"]
    for c in table.changes:
        lines.append(f"{c.effective_from.isoformat()},{_text(c.consumer)},{_text(c.commercial)}")
    return "\n".join(lines) + "\n"


def _text(rate: Fraction) -> str:
    return f"{Decimal(rate.numerator) / Decimal(rate.denominator) * 100:.2f}"


def update_errors(shipped: RateTable, candidate: RateTable) -> list[Reason]:
    """Why ``candidate`` may not replace the table in force; empty when it may.

    The shipped table is checked against the law in this repository's tests and past interest
    was computed with it, so a newer table must repeat every shipped row unchanged, except that
    it may start on 2015-01-01 as tables did before the 2012-2014 rows were shipped (then
    :func:`completed` puts the shipped rows before it in front). It may add rows before the
    shipped ones (older claims) and after them (a later row it added before may be corrected). Every row, earlier or later, must have plausible percentages and fall on
    1 January or 1 July (or a day in ``OFF_CYCLE_CHANGES``)."""
    errors = []
    rows = {c.effective_from: c for c in candidate.changes}
    for old in shipped.changes:
        if old.effective_from < min(candidate.first_date, TABLES_STARTED):
            continue  # an older table starts in 2015: the shipped rows before it complete it
        new = rows.get(old.effective_from)
        day = old.effective_from
        if new is None:
            errors.append(Reason(f"the row of {day.isoformat()} is missing",
                                 code="rate_table_row_missing", params={"day": day}))  # fmt: skip
        elif (new.consumer, new.commercial) != (old.consumer, old.commercial):
            errors.append(Reason(
                f"the row of {day.isoformat()} changes a published rate "
                f"({_text(old.consumer)}, {_text(old.commercial)})",
                code="rate_table_row_changed",
                params={"day": day, "consumer": _text(old.consumer),
                        "commercial": _text(old.commercial)},
            ))  # fmt: skip
    for c in candidate.changes:
        for statutory, kind, rate in ((True, "consumer", c.consumer),
                                      (False, "commercial", c.commercial)):  # fmt: skip
            if not 0 <= rate <= MAX_PLAUSIBLE_RATE:
                errors.append(Reason(
                    f"{c.effective_from.isoformat()}: {kind} rate {_text(rate)}% is not plausible",
                    code="rate_table_implausible_consumer" if statutory
                    else "rate_table_implausible_commercial",
                    params={"day": c.effective_from, "rate": _text(rate)},
                ))  # fmt: skip
    for c in candidate.changes:
        if c.effective_from in OFF_CYCLE_CHANGES:
            continue
        if c.effective_from.day != 1 or c.effective_from.month not in (1, 7):
            errors.append(Reason(
                f"{c.effective_from.isoformat()}: rates change on 1 January or 1 July only",
                code="rate_table_day", params={"day": c.effective_from},
            ))  # fmt: skip
    return errors


def completed(shipped: RateTable, candidate: RateTable) -> RateTable:
    """``candidate`` with the shipped rows before its first row in front: a table uploaded
    before the shipped one reached back to 2012 keeps the older rates instead of losing them
    (or being refused). Check it with :func:`update_errors` first."""
    older = tuple(c for c in shipped.changes if c.effective_from < candidate.first_date)
    return RateTable(older + candidate.changes)


@lru_cache(maxsize=1)
def default_rate_table() -> RateTable:
    return parse_rate_table(RATES_FILE.read_text(encoding="utf-8").splitlines())
