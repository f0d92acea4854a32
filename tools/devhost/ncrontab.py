"""NCRONTAB schedules as the Functions timer trigger reads them:
``{second} {minute} {hour} {day} {month} {day-of-week}`` (six fields) or the five-field form
without seconds. Day of week 0-6 from Sunday, or English names; lists, ranges and steps.

Unlike Vixie cron, which fires when *either* a restricted day of the month or a restricted day
of the week matches, NCrontab (the library behind the Functions timer) requires both: a day
must be in the day field *and* in the day-of-week field. ``0 0 9 13 * Fri`` is 09:00 on every
Friday the 13th, never on every 13th and every Friday."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
)}  # fmt: skip
_DAYS = {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}


class CronError(ValueError):
    pass


def _value(token: str, names: dict[str, int]) -> int:
    key = token.lower()[:3]
    if key in names and not token.isdigit():
        return names[key]
    if not token.isdigit():
        raise CronError(f"not a number or name: {token!r}")
    return int(token)


def _field(text: str, lo: int, hi: int, names: dict[str, int] | None = None) -> frozenset[int]:
    out: set[int] = set()
    for part in text.split(","):
        step = 1
        stepped = "/" in part
        if stepped:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                raise CronError(f"bad step in {text!r}")
            step = int(step_text)
        if part == "*":
            start, end = lo, hi
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _value(a, names or {}), _value(b, names or {})
        else:
            start = _value(part, names or {})
            end = hi if stepped else start
        if not (lo <= start <= hi and lo <= end <= hi) or start > end:
            raise CronError(f"{text!r} is outside {lo}-{hi}")
        out.update(range(start, end + 1, step))
    return frozenset(out)


@dataclass(frozen=True)
class Schedule:
    expression: str
    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday

    @classmethod
    def parse(cls, expression: str) -> Schedule:
        fields = expression.split()
        if len(fields) == 5:
            fields = ["0", *fields]
        if len(fields) != 6:
            raise CronError(f"NCRONTAB needs 6 fields (or 5), got {len(fields)}: {expression!r}")
        sec, minute, hour, day, month, dow = fields
        weekdays = _field(dow, 0, 6, _DAYS)
        return cls(
            expression=expression,
            seconds=_field(sec, 0, 59),
            minutes=_field(minute, 0, 59),
            hours=_field(hour, 0, 23),
            days=_field(day, 1, 31),
            months=_field(month, 1, 12, _MONTHS),
            weekdays=weekdays,
        )

    def _day_matches(self, moment: datetime) -> bool:
        weekday = (moment.weekday() + 1) % 7
        return moment.day in self.days and weekday in self.weekdays  # NCrontab: both

    def next_after(self, moment: datetime) -> datetime:
        """The first occurrence strictly after ``moment`` (same tzinfo, normally UTC)."""
        t = moment.replace(microsecond=0) + timedelta(seconds=1)
        limit = moment + timedelta(days=366 * 5)
        while t < limit:
            if t.month not in self.months:
                t = (t.replace(day=1, hour=0, minute=0, second=0) + timedelta(days=32)).replace(
                    day=1
                )
                continue
            if not self._day_matches(t):
                t = t.replace(hour=0, minute=0, second=0) + timedelta(days=1)
                continue
            if t.hour not in self.hours:
                t = t.replace(minute=0, second=0) + timedelta(hours=1)
                continue
            if t.minute not in self.minutes:
                t = t.replace(second=0) + timedelta(minutes=1)
                continue
            if t.second not in self.seconds:
                t += timedelta(seconds=1)
                continue
            return t
        raise CronError(f"{self.expression!r} never fires")
