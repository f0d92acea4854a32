"""The open-items list and its ageing (openstaande-postenlijst, ouderdomsanalyse): each open
invoice on a day with what is open of it, aged by the days past its due date, and the totals
per ageing bucket and per debtor. Pure: the figures come in, nothing is read here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.ledger.model import Amounts

# (name, the most days overdue it holds; None: no end), oldest last. Due on the day itself is
# not overdue: the debtor may still pay that day (6:83 sub a BW: in default the day after)
BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("not_due", 0),
    ("1_30", 30),
    ("31_60", 60),
    ("61_90", 90),
    ("91_180", 180),
    ("over_180", None),
)
BUCKET_NAMES = tuple(name for name, _ in BUCKETS)


class ItemStatus(StrEnum):
    """Where an open invoice stands, the first that applies in this order."""

    HANDED_OVER = "handed_over"  # the case went to collection (the agency)
    DISPUTED = "disputed"
    PAYMENT_PLAN = "payment_plan"  # a running plan holds it
    PAUSED = "paused"  # it or its debtor paused, or a promise to pay, to a day not yet past
    IN_DUNNING = "in_dunning"  # the workflow took a step on it
    OPEN = "open"  # no step yet (not due, or due and waiting for the first)


def days_overdue(due: date, on: date) -> int:
    """Days past the due date on ``on``; 0 or less: not overdue."""
    return (on - due).days


def bucket_of(days: int) -> str:
    for name, most in BUCKETS:
        if most is None or days <= most:
            return name
    raise AssertionError("the last bucket has no end")


def status_of(
    invoice: Invoice, on: date, *, on_plan: bool, debtor_paused: bool = False
) -> ItemStatus:
    """``debtor_paused``: the debtor's own pause holds on ``on`` (it holds all his invoices)."""
    if invoice.handed_over_to:
        return ItemStatus.HANDED_OVER
    if invoice.status is InvoiceStatus.DISPUTED:
        return ItemStatus.DISPUTED
    if on_plan:
        return ItemStatus.PAYMENT_PLAN
    held = [d for d in (invoice.paused_until, invoice.promise_until) if d is not None]
    if debtor_paused or any(d >= on for d in held):
        return ItemStatus.PAUSED
    if invoice.dunning_step >= 0:
        return ItemStatus.IN_DUNNING
    return ItemStatus.OPEN


# what is open of an item, per component in cents: the claim ledger's own figures
Open = Amounts


@dataclass(frozen=True)
class OpenItem:
    debtor_number: str
    debtor_name: str
    invoice_number: str
    invoice_date: date
    due_date: date
    days_overdue: int
    open: Open
    status: ItemStatus

    @property
    def bucket(self) -> str:
        return bucket_of(self.days_overdue)


@dataclass(frozen=True)
class Total:
    """A sum of items: how many and what is open of them."""

    items: int = 0
    open: Open = field(default_factory=Open)

    def plus(self, item: OpenItem) -> Total:
        return Total(self.items + 1, self.open.plus(item.open))


@dataclass(frozen=True)
class DebtorTotal:
    debtor_number: str
    debtor_name: str
    total: Total
    oldest_days_overdue: int


@dataclass(frozen=True)
class OpenItems:
    """The list on ``on``: items by debtor and due date, every bucket (empty ones too), the
    debtors with something open (by debtor number) and the grand total."""

    on: date
    items: list[OpenItem]
    buckets: dict[str, Total]
    debtors: list[DebtorTotal]
    total: Total


def open_items(on: date, items: Iterable[OpenItem]) -> OpenItems:
    ordered = sorted(items, key=lambda i: (i.debtor_number, i.due_date, i.invoice_number))
    buckets = {name: Total() for name in BUCKET_NAMES}
    per_debtor: dict[str, list[OpenItem]] = {}
    grand = Total()
    for item in ordered:
        buckets[item.bucket] = buckets[item.bucket].plus(item)
        per_debtor.setdefault(item.debtor_number, []).append(item)
        grand = grand.plus(item)
    return OpenItems(on, ordered, buckets, [_debtor(group) for group in per_debtor.values()], grand)


def _debtor(items: Sequence[OpenItem]) -> DebtorTotal:
    total = Total()
    for item in items:
        total = total.plus(item)
    return DebtorTotal(items[0].debtor_number, items[0].debtor_name, total,
                       max(i.days_overdue for i in items))  # fmt: skip
