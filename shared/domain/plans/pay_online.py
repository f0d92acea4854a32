"""Which installment of a plan a debtor may pay online now, and for how much.

Money fills a plan's installments oldest first, so the one to pay is the first not fully
paid: an overdue installment before the next one, and only its open part (what a transfer
of part of it left). A collection the bank or Mollie is still to make for it keeps it off
(paying it online as well would take the money twice); so does a direct debit plan's
installment its collection has not yet had its chance at: the bank collects it on its date.
"""

from __future__ import annotations

from datetime import date

from shared.domain.plans.plan import RUNNING, DebitState, PaymentPlan
from shared.domain.plans.progress import InstallmentState, InstallmentStatus
from shared.domain.plans.schedule import PlanMethod

# a direct debit plan's installment the collection did not bring in
_NOT_COLLECTED = (InstallmentStatus.FAILED, InstallmentStatus.OVERDUE)


def next_open(plan: PaymentPlan, today: date) -> InstallmentState | None:
    """The first installment not fully paid (none skipped by a cancellation), or None."""
    return next(
        (
            s
            for s in plan.installments(today)
            if s.open > 0 and s.status is not InstallmentStatus.SKIPPED
        ),
        None,
    )


def payable_online(plan: PaymentPlan, today: date) -> InstallmentState | None:
    """The installment the portal offers to pay online today (its ``open`` is the amount),
    or None: the plan does not run, all is paid, or a collection is under way for it or
    still to come (a direct debit plan's installment that neither failed nor is overdue)."""
    if plan.status not in RUNNING:
        return None
    state = next_open(plan, today)
    if state is None:
        return None
    if any(d.number == state.number and d.state is DebitState.SUBMITTED for d in plan.debits):
        return None
    if plan.method is PlanMethod.DIRECT_DEBIT and state.status not in _NOT_COLLECTED:
        return None
    return state
