"""What the payments made so far mean for a plan, on a given day.

Installment figures are a pure function of the schedule and the payments that stand: money
fills the oldest open installment first and an overpayment moves on to the next. A reversal is
therefore just a payment that no longer stands: recomputing unfills the most recently paid
installment first, and a completed plan reopens by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from shared.domain.money import Cents
from shared.domain.plans.rules import PlanRules
from shared.domain.plans.schedule import ScheduledInstallment, respread


class InstallmentStatus(StrEnum):
    OPEN = "open"
    DUE = "due"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    OVERDUE = "overdue"
    FAILED = "failed"  # a direct debit that failed; staff can retry
    SKIPPED = "skipped"  # the plan was cancelled before it was paid


class Standing(StrEnum):
    """Where a running plan stands by its money (the service adds draft, paused,
    collection_in_progress and cancelled, which are decisions rather than sums)."""

    ACTIVE = "active"
    DUE = "due"
    OVERDUE = "overdue"
    BREACHED = "breached"
    COMPLETED = "completed"


@dataclass(frozen=True)
class InstallmentState:
    number: int
    due_date: date
    amount: Cents
    paid: Cents
    status: InstallmentStatus

    @property
    def open(self) -> Cents:
        return self.amount - self.paid


def installment_states(
    schedule: list[ScheduledInstallment],
    paid_total: Cents,
    today: date,
    rules: PlanRules,
    *,
    failed: frozenset[int] = frozenset(),
    skipped: frozenset[int] = frozenset(),
    own: Mapping[int, Cents] | None = None,
) -> list[InstallmentState]:
    """Each installment's share of ``paid_total`` and its status today. ``own``: what each
    installment's own direct debits that stand brought; that money is the debtor's payment
    of that installment, so it pays it first (a storno of collection 1 after collection 2
    leaves installment 1 unpaid, not 2). The rest fills the oldest open installment first."""
    remaining = max(0, paid_total)
    grace = timedelta(days=rules.tolerance_days)
    takes: dict[int, Cents] = {}
    for inst in schedule:
        takes[inst.number] = min(remaining, inst.amount, max(0, (own or {}).get(inst.number, 0)))
        remaining -= takes[inst.number]
    out: list[InstallmentState] = []
    for inst in schedule:
        take = takes[inst.number] + min(remaining, inst.amount - takes[inst.number])
        remaining -= take - takes[inst.number]
        if take >= inst.amount:
            status = InstallmentStatus.PAID
        elif inst.number in skipped:
            status = InstallmentStatus.SKIPPED
        elif inst.number in failed:
            status = InstallmentStatus.FAILED
        elif today > inst.due_date + grace:
            status = InstallmentStatus.OVERDUE
        elif take > 0:
            status = InstallmentStatus.PARTIALLY_PAID
        elif today >= inst.due_date:
            status = InstallmentStatus.DUE
        else:
            status = InstallmentStatus.OPEN
        out.append(InstallmentState(inst.number, inst.due_date, inst.amount, take, status))
    return out


def arrears(
    schedule: list[ScheduledInstallment],
    paid_total: Cents,
    today: date,
    rules: PlanRules,
    counts_from: Mapping[int, date] | None = None,
) -> Cents:
    """Cumulative due (past the grace days) minus cumulative paid, never below zero.
    ``counts_from``: installments whose grace runs from a later day than their due date (the
    day their direct debit came back, or the date of the collection made for them)."""
    cutoff = today - timedelta(days=rules.tolerance_days)
    late = counts_from or {}
    due = sum(
        i.amount for i in schedule if max(i.due_date, late.get(i.number, i.due_date)) < cutoff
    )
    return max(0, due - paid_total)


def standing(
    schedule: list[ScheduledInstallment],
    paid_total: Cents,
    today: date,
    rules: PlanRules,
    counts_from: Mapping[int, date] | None = None,
) -> Standing:
    """A breach is judged on cumulative amounts with the client's tolerance, never on one
    late installment alone, and an installment whose collection failed only from the day
    that was known (``counts_from``): the debtor gets the grace to pay it from then. It is
    overdue by its schedule meanwhile."""
    total = sum(i.amount for i in schedule)
    if paid_total >= total:
        return Standing.COMPLETED
    if arrears(schedule, paid_total, today, rules, counts_from) > rules.tolerance_amount:
        return Standing.BREACHED
    if arrears(schedule, paid_total, today, rules) > 0:
        return Standing.OVERDUE
    if sum(i.amount for i in schedule if i.due_date <= today) > paid_total:
        return Standing.DUE
    return Standing.ACTIVE


def after_early_payment(
    schedule: list[ScheduledInstallment],
    paid_before: Cents,
    payment: Cents,
    received_on: date,
    rules: PlanRules,
) -> list[ScheduledInstallment]:
    """The schedule after a payment, when the client allows recalculation: money paid more
    than the threshold before the installment it reaches, beyond that installment, lowers the
    installments still to come instead of skipping the next ones."""
    if not rules.early_recalculation or payment <= 0:
        return schedule
    before = installment_states(schedule, paid_before, received_on, rules)
    current = next((s for s in before if s.paid < s.amount), None)
    if current is None:
        return schedule
    early = (current.due_date - received_on).days > rules.early_threshold_days
    if not early or payment <= current.open:
        return schedule
    settled_head = sum(i.amount for i in schedule if i.number <= current.number)
    paid_after = paid_before + payment
    # the current installment is settled; what is left is spread over the rest
    remaining = sum(i.amount for i in schedule) - paid_after
    head = [i for i in schedule if i.number <= current.number]
    tail_start = current.number + 1
    credit_into_tail = paid_after - settled_head  # > 0 because payment > current.open
    if remaining <= 0:
        return schedule
    spread = respread(schedule, tail_start, remaining)
    # the overpayment is booked on the current installment so that it stays exactly paid
    head = [
        ScheduledInstallment(i.number, i.due_date, i.amount + credit_into_tail)
        if i.number == current.number
        else i
        for i in head
    ]
    return head + [i for i in spread if i.number >= tail_start]
