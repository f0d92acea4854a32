"""A client's portfolio at a glance: what is open, how long past due, what came in.

The figures are kept as sums per due date (open money) and per month (money received), so the
Today page reads a few small rows instead of every invoice of a 10,000-debtor client. The rules
here are pure: how an invoice's change moves those sums, and how the sums make an ageing on a
given day."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from shared.domain.invoices import Invoice
from shared.domain.money import Cents

# past-due buckets, in days after the due date (inclusive bounds); the last one is open-ended
BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 30), (31, 60), (61, 90), (91, None))


def open_changes(changes: Iterable[tuple[Invoice | None, Invoice]]) -> dict[date, Cents]:
    """How each invoice's change moves the open money per due date (zero moves left out).

    A new invoice adds its open amount at its due date; a payment or credit takes away what
    closed; a due date that moved takes the amount from the old date to the new one."""
    moved: dict[date, Cents] = {}
    for old, new in changes:
        if old is not None and old.open_amount:
            moved[old.due_date] = moved.get(old.due_date, 0) - old.open_amount
        if new.open_amount:
            moved[new.due_date] = moved.get(new.due_date, 0) + new.open_amount
    return {day: cents for day, cents in moved.items() if cents}


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class Ageing:
    """Open money on a day: not yet due, and past due per bucket (``BUCKETS`` order)."""

    on: date
    not_due: Cents
    past_due: tuple[Cents, ...]

    @property
    def overdue(self) -> Cents:
        return sum(self.past_due)

    @property
    def open(self) -> Cents:
        return self.not_due + self.overdue


def ageing(open_by_due: Mapping[date, Cents], on: date) -> Ageing:
    """Sort the open money into buckets by days past due on ``on`` (due today: not yet due,
    the debtor may still pay today)."""
    not_due = 0
    past = [0] * len(BUCKETS)
    for due, cents in open_by_due.items():
        days = (on - due).days
        if days <= 0:
            not_due += cents
            continue
        for index, (low, high) in enumerate(BUCKETS):
            if days >= max(low, 1) and (high is None or days <= high):
                past[index] += cents
                break
    return Ageing(on, not_due, tuple(past))
