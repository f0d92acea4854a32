"""The plans a debtor may choose in the portal, within the client's rules.

The portal offers a plan only above the client's minimum total. The debtor chooses a number
of monthly installments or an installment amount; every choice offered is one the rules
accept (minimum installment, maximum term, measured on the collection dates as they fall,
so after a direct debit's move to a SEPA business day), and any choice posted is checked
again: the form is the debtor's, not ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from shared.domain.money import Cents, format_cents
from shared.domain.plans import schedule as sched
from shared.domain.plans.rules import PlanRules, SelfServiceApproval
from shared.domain.plans.schedule import Period, PlanMethod, ScheduledInstallment, ScheduleError

MIN_COUNT = 2  # one installment is a postponement, which the portal offers apart
FIRST_INSTALLMENT_DAYS = 14  # the first installment of a transfer plan, from today
STAFF_REVIEW_DAYS = 7  # time staff get to approve before a direct debit's notice runs short


@dataclass(frozen=True)
class PlanOffer:
    """What the portal lets the debtor choose from; ``None`` from :func:`plan_offer` when
    the rules allow no plan at all."""

    total: Cents
    start: date
    period: Period
    min_count: int
    max_count: int
    min_amount: Cents
    max_amount: Cents
    methods: tuple[PlanMethod, ...]

    def schedule(
        self,
        rules: PlanRules,
        method: PlanMethod,
        *,
        count: int | None = None,
        amount: Cents | None = None,
    ) -> list[ScheduledInstallment]:
        """The schedule for the debtor's choice, or :class:`ScheduleError` naming the field."""
        if method not in self.methods:
            raise ScheduleError("method", "this way of paying is not offered")
        if (count is None) == (amount is None):
            raise ScheduleError("installments", "choose a number of installments or an amount")
        if count is not None:
            if not self.min_count <= count <= self.max_count:
                raise ScheduleError(
                    "installments", f"choose {self.min_count} to {self.max_count} installments"
                )
            plan = sched.by_count(self.total, self.start, self.period, count, method)
        else:
            assert amount is not None
            if not self.min_amount <= amount <= self.max_amount:
                # what is offered said with the refusal, not only beside the field (debtor24 D4)
                raise ScheduleError(
                    "installment_amount",
                    f"the amount is outside what is offered (EUR {format_cents(self.min_amount)} "
                    f"to EUR {format_cents(self.max_amount)})",
                )
            plan = sched.by_amount(self.total, self.start, self.period, amount, method)
            if len(plan) < self.min_count:
                raise ScheduleError("installment_amount", "that pays everything at once")
        problems = rules.violations(self.start, plan, method)
        if problems:
            raise problems[0]
        return plan


def first_date(rules: PlanRules, today: date, direct_debit: bool) -> date:
    """The plan's start: two weeks out for a transfer; for a direct debit the pre-notification
    term (the agreement is the notice of every collection), plus a week for staff to approve
    when the client approves by hand."""
    days = FIRST_INSTALLMENT_DAYS
    if direct_debit:
        days = max(days, rules.prenotification_days)
        if rules.self_service is SelfServiceApproval.STAFF:
            days += STAFF_REVIEW_DAYS
    return today + timedelta(days=days)


def _fits(
    rules: PlanRules, start: date, plan: list[ScheduledInstallment], method: PlanMethod
) -> bool:
    return not rules.violations(start, plan, method)


def plan_offer(
    rules: PlanRules, total: Cents, today: date, *, direct_debit: bool
) -> PlanOffer | None:
    """The monthly plans the rules allow for ``total``: the counts whose every schedule fits
    (by transfer and, where offered, by direct debit), and the amounts between them."""
    if total <= 0 or total < rules.portal_min_total:
        return None
    methods = (
        (PlanMethod.TRANSFER, PlanMethod.DIRECT_DEBIT) if direct_debit else (PlanMethod.TRANSFER,)
    )
    start = first_date(rules, today, direct_debit)
    period = Period.MONTH

    def fits_count(n: int) -> bool:
        return all(
            _fits(rules, start, sched.by_count(total, start, period, n, m), m) for m in methods
        )

    ceiling = min(sched.MAX_INSTALLMENTS, total, rules.max_term_months + 1)
    if rules.min_installment > 0:
        ceiling = min(ceiling, max(1, total // rules.min_installment))
    max_count = next((n for n in range(ceiling, MIN_COUNT - 1, -1) if fits_count(n)), None)
    if max_count is None:
        return None
    # the smallest amount needs at most max_count installments (so its dates fit) and is
    # not below the minimum; the largest still leaves two installments
    min_amount = max(rules.min_installment, -(-total // max_count), 1)
    max_amount = -(-total // MIN_COUNT)
    return PlanOffer(
        total=total, start=start, period=period, min_count=MIN_COUNT, max_count=max_count,
        min_amount=min_amount, max_amount=max_amount, methods=methods,
    )  # fmt: skip
