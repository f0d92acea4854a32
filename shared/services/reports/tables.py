"""The report figures as tidy tables: pure functions of the records handed in (no storage, no
clock), so each figure can be checked against a hand-computed fixture.

What a figure means (and what it cannot know):

- ``open_collected``: per client and calendar month, what was invoiced (invoice date in the
  month), what was collected (payments received in the month, less payments reversed in it),
  and what was open at the month's end (invoices dated up to then, less what was paid by then).
  A part paid in the client's own ledger (an import's ``open_amount``) has no date here and
  counts as paid from the start; credited and withdrawn invoices count as never open.
- ``dunning_results``: per client and dunning step, the invoices paid in full in the range
  (the day of their last payment booked by Inning) by the last step they had reached
  (step 0: paid before any step). Invoices paid in the client's own ledger carry no payment
  day and are left out.
- ``contact_log``: every contact log entry in the range, Amsterdam date and time; ``system``
  only for what Inning did of itself: a status line a person or key acted on carries an author
  and is theirs, as the dossier's timeline shows it (cm18 F9).
- ``usage``: per client and month, the metered items with their price.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from shared.clock import AMSTERDAM
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.money import Cents, to_decimal
from shared.domain.parties import Client
from shared.domain.records import ContactEntry, Payment

Cell = str | int | Decimal | date | bool | None
KINDS = ("open_collected", "dunning_results", "contact_log", "usage")


@dataclass(frozen=True)
class Table:
    """One tidy table: a header of column names and rows of typed cells (dates as ``date``,
    money as ``Decimal`` euros); the writers decide how each type is spelled."""

    kind: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


COLUMNS: dict[str, tuple[str, ...]] = {
    "open_collected": ("client", "month", "invoiced", "collected", "open_at_month_end"),
    "dunning_results": ("client", "step", "invoices_paid", "amount_paid"),
    "contact_log": ("client", "date", "time", "debtor", "kind", "channel", "summary", "system"),
    "usage": ("client", "month", "item", "count", "unit_price", "amount"),
}


def months(start: date, end: date) -> list[date]:
    """The first days of the calendar months from ``start``'s to ``end``'s, inclusive."""
    first, out = start.replace(day=1), []
    while first <= end:
        out.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return out


def month_end(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _euros(cents: Cents) -> Decimal:
    return to_decimal(cents)


def open_collected(
    client: Client, invoices: Sequence[Invoice], payments: Sequence[Payment], start: date, end: date
) -> list[tuple[Cell, ...]]:
    received = {p.payment_id: p.received_on for p in payments}
    rows: list[tuple[Cell, ...]] = []
    counted = [
        i for i in invoices if i.status not in (InvoiceStatus.CREDITED, InvoiceStatus.WITHDRAWN)
    ]
    for first in months(start, end):
        last = month_end(first)
        invoiced = sum(i.amount for i in counted if first <= i.invoice_date <= last)
        collected = sum(p.amount for p in payments if first <= p.received_on <= last)
        collected -= sum(
            p.amount
            for p in payments
            if p.reversed and p.reversed_on and first <= p.reversed_on <= last
        )
        open_cents = 0
        for inv in counted:
            if inv.invoice_date > last:
                continue
            by_inning = sum(amount for _, amount in inv.payments)
            in_own_ledger = max(0, inv.paid - by_inning)  # no day known: paid from the start
            paid_by_then = sum(
                amount for pid, amount in inv.payments if received.get(pid, last) <= last
            )
            open_cents += max(0, inv.amount - in_own_ledger - paid_by_then)
        rows.append((client.number, first, _euros(invoiced), _euros(collected), _euros(open_cents)))
    return rows


def dunning_results(
    client: Client, invoices: Sequence[Invoice], payments: Sequence[Payment], start: date, end: date
) -> list[tuple[Cell, ...]]:
    received = {p.payment_id: p.received_on for p in payments if not p.reversed}
    counts: dict[int, tuple[int, Cents]] = {}
    for inv in invoices:
        if inv.status is not InvoiceStatus.PAID or not inv.payments:
            continue
        days = [received[pid] for pid, _ in inv.payments if pid in received]
        if not days or not start <= max(days) <= end:
            continue
        step = inv.dunning_step + 1  # the workflow's steps counted from 1; 0: none yet
        n, amount = counts.get(step, (0, 0))
        counts[step] = (n + 1, amount + inv.amount)
    return [
        (client.number, step, n, _euros(amount)) for step, (n, amount) in sorted(counts.items())
    ]


def contact_log(
    client: Client, entries: Iterable[ContactEntry], start: date, end: date
) -> list[tuple[Cell, ...]]:
    rows: list[tuple[Cell, ...]] = []
    for entry in entries:
        local = entry.at.astimezone(AMSTERDAM)
        if start <= local.date() <= end:
            rows.append((client.number, local.date(), local.strftime("%H:%M"), entry.debtor_number,
                         entry.kind.value, entry.channel or "", entry.summary,
                         entry.system and not entry.author))  # fmt: skip
    return rows


def usage(
    client: Client, month: date, lines: Iterable[tuple[str, int, Decimal, Cents]]
) -> list[tuple[Cell, ...]]:
    return [
        (client.number, month, item, count, price, _euros(amount))
        for item, count, price, amount in lines
    ]
