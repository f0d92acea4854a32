"""Building a plan's schedule: installments that always add up exactly to the plan's total.

Dates are anchored on the plan's start, never on the previous installment: a plan starting on
the 31st pays on the last day of shorter months and returns to the 31st (start + k periods,
clamped to the month's end). A direct debit moves to the next SEPA business day.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from shared.domain.law.calendar_math import add_months
from shared.domain.money import Cents, format_cents
from shared.domain.plans.sepa_calendar import next_sepa_business_day

MAX_INSTALLMENTS = 120


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


class PlanMethod(StrEnum):
    TRANSFER = "transfer"
    DIRECT_DEBIT = "direct_debit"


class ScheduleError(ValueError):
    """A schedule that cannot be built; ``field`` names the input at fault, ``code`` (with
    ``params``) the sentence a page says it with (console/refusal_text.py)."""

    def __init__(
        self,
        field: str,
        message: str,
        *,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.params = dict(params or {})


@dataclass(frozen=True)
class ScheduledInstallment:
    number: int  # 1-based
    due_date: date
    amount: Cents


def nth_due_date(start: date, period: Period, k: int) -> date:
    """The k-th date (k = 0 is the start) of a schedule, anchored on the start."""
    if period is Period.WEEK:
        return start + timedelta(weeks=k)
    months = k if period is Period.MONTH else 3 * k
    return add_months(start, months)


def _nth_or_refused(start: date, period: Period, k: int, field: str) -> date:
    """:func:`nth_due_date`, refused as the caller's field when it runs past the calendar's
    last day (31-12-9999; a typed year 9999 was a ValueError, a 500: attack28)."""
    try:
        return nth_due_date(start, period, k)
    except (ValueError, OverflowError):
        raise ScheduleError(field, "the schedule runs past the year 9999") from None


def _collection_date(day: date, method: PlanMethod) -> date:
    return next_sepa_business_day(day) if method is PlanMethod.DIRECT_DEBIT else day


def _check_total(total: Cents) -> None:
    if total <= 0:
        raise ScheduleError("invoices", "the plan's total must be positive")


def by_count(
    total: Cents, start: date, period: Period, count: int, method: PlanMethod
) -> list[ScheduledInstallment]:
    """``count`` equal installments; the rounding difference goes to the last one."""
    _check_total(total)
    if not 1 <= count <= MAX_INSTALLMENTS:
        raise ScheduleError("installments", f"between 1 and {MAX_INSTALLMENTS} installments")
    if count > total:
        raise ScheduleError("installments", "more installments than cents in the total")
    base = total // count
    amounts = [base] * (count - 1) + [total - base * (count - 1)]
    return _dated(amounts, start, period, method)


def by_amount(
    total: Cents, start: date, period: Period, amount: Cents, method: PlanMethod
) -> list[ScheduledInstallment]:
    """Installments of ``amount``; the count follows and the last one is smaller."""
    _check_total(total)
    if amount <= 0:
        raise ScheduleError("installment_amount", "the installment amount must be positive")
    count = -(-total // amount)
    if count > MAX_INSTALLMENTS:
        raise ScheduleError(
            "installment_amount",
            f"this amount needs {count} installments (at most {MAX_INSTALLMENTS})",
        )
    amounts = [amount] * (count - 1) + [total - amount * (count - 1)]
    return _dated(amounts, start, period, method)


def free(
    total: Cents, entries: list[tuple[date, Cents]], method: PlanMethod
) -> list[ScheduledInstallment]:
    """Amounts and dates chosen by hand: dates strictly ascending, amounts positive, and
    together exactly the total."""
    _check_total(total)
    if not entries:
        raise ScheduleError("schedule", "a schedule needs at least one installment")
    if len(entries) > MAX_INSTALLMENTS:
        raise ScheduleError("schedule", f"at most {MAX_INSTALLMENTS} installments")
    for n, (_, amount) in enumerate(entries, 1):
        if amount <= 0:
            raise ScheduleError("schedule", f"installment {n}: the amount must be positive")
    dates = [_collection_date(d, method) for d, _ in entries]
    if any(b <= a for a, b in itertools.pairwise(dates)):
        raise ScheduleError("schedule", "installment dates must be strictly ascending")
    given = sum(a for _, a in entries)
    if given != total:
        raise ScheduleError(
            "schedule",
            f"the installments add up to {format_cents(given)}, the plan's total is "
            f"{format_cents(total)}",
        )
    return [
        ScheduledInstallment(n, d, a)
        for n, (d, (_, a)) in enumerate(zip(dates, entries, strict=True), 1)
    ]


def _dated(
    amounts: list[Cents], start: date, period: Period, method: PlanMethod
) -> list[ScheduledInstallment]:
    return [
        ScheduledInstallment(
            k + 1, _collection_date(_nth_or_refused(start, period, k, "start"), method), a
        )
        for k, a in enumerate(amounts)
    ]


def respread(
    schedule: list[ScheduledInstallment], first_number: int, remaining: Cents
) -> list[ScheduledInstallment]:
    """Spread ``remaining`` evenly over the installments from ``first_number`` on (same
    dates, fewer cents each, the rounding difference in the last); earlier ones unchanged.
    Installments that would become zero are dropped from the end."""
    head = [i for i in schedule if i.number < first_number]
    tail = [i for i in schedule if i.number >= first_number]
    if not tail or remaining <= 0:
        return head
    count = min(len(tail), remaining)
    base = remaining // count
    amounts = [base] * (count - 1) + [remaining - base * (count - 1)]
    return head + [
        ScheduledInstallment(i.number, i.due_date, a)
        for i, a in zip(tail[:count], amounts, strict=True)
    ]


def postpone(
    schedule: list[ScheduledInstallment],
    number: int,
    to: date,
    period: Period,
    *,
    shift_later: bool,
    method: PlanMethod,
) -> list[ScheduledInstallment]:
    """Move installment ``number`` to ``to``; with ``shift_later`` the later ones move by the
    same number of periods the plan runs on, keeping their distance. Dates stay ascending."""
    target = next((i for i in schedule if i.number == number), None)
    if target is None:
        raise ScheduleError("number", f"no installment {number}")
    to = _collection_date(to, method)
    if to <= target.due_date:
        raise ScheduleError("to", "a postponement moves the installment to a later date")
    out: list[ScheduledInstallment] = []
    for inst in schedule:
        if inst.number < number:
            out.append(inst)
        elif inst.number == number:
            out.append(ScheduledInstallment(number, to, inst.amount))
        elif shift_later:
            k = inst.number - number
            out.append(
                ScheduledInstallment(
                    inst.number,
                    _collection_date(_nth_or_refused(to, period, k, "to"), method),
                    inst.amount,
                )
            )
        else:
            out.append(inst)
    for a, b in itertools.pairwise(out):
        if b.due_date <= a.due_date:
            raise ScheduleError(
                "to",
                f"installment {number} cannot move past installment {b.number} ({b.due_date}) "
                "unless the later installments move too",
                code="plan_move_passes_next",
                params={"number": number, "next": b.number, "day": b.due_date},
            )
    return out
