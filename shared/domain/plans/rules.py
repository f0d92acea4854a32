"""A client's rules for payment plans, with the defaults a new client gets on first use.

A change of rules applies to plans made after it: a plan keeps the rules it was made under
(the service stores a copy with the plan).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.domain.law.calendar_math import add_months
from shared.domain.money import Cents, format_cents
from shared.domain.plans.pain008 import creditor_id_valid
from shared.domain.plans.schedule import PlanMethod, ScheduledInstallment, ScheduleError
from shared.domain.plans.sepa_calendar import next_sepa_business_day


class ReminderChannel(StrEnum):
    """SMS is not offered on purpose: a plan reminder carries amounts and a schedule."""

    EMAIL = "email"
    LETTER = "letter"
    NONE = "none"


class SelfServiceApproval(StrEnum):
    AUTOMATIC = "automatic"  # a plan within the rules starts at once
    STAFF = "staff"  # every plan a debtor proposes waits on the action list


@dataclass(frozen=True)
class PlanRules:
    min_installment: Cents = 2_500
    max_term_months: int = 12
    portal_min_total: Cents = 10_000  # below this the portal offers no plan
    tolerance_amount: Cents = 500  # arrears up to this are not a breach
    tolerance_days: int = 7  # grace after a due date before it counts as arrears
    early_recalculation: bool = False
    early_threshold_days: int = 7  # "early" means more than this before the due date
    reminder_channel: ReminderChannel = ReminderChannel.EMAIL
    reminder_offset_days: int = -3  # negative: before the due date
    prenotification_days: int = 14  # SEPA default; a shorter term must be agreed
    self_service: SelfServiceApproval = SelfServiceApproval.AUTOMATIC
    creditor_id: str | None = None  # the client's SEPA incassant-ID, needed for direct debit
    debtor_postpone_days: int = 14  # a debtor may move one installment this far on their own
    # how a direct debit is collected: "file" (our pain.008 file, uploaded to the bank) or
    # "mollie" (a first payment through Mollie's checkout creates the mandate, then one
    # recurring Mollie payment per installment)
    direct_debit_via: str = "file"

    def __post_init__(self) -> None:
        for name in ("min_installment", "portal_min_total", "tolerance_amount"):
            if getattr(self, name) < 0:
                raise ScheduleError(name, f"{name} must not be negative")
        if not 1 <= self.max_term_months <= 120:
            raise ScheduleError("max_term_months", "max_term_months must be 1 to 120")
        for name in ("tolerance_days", "early_threshold_days"):
            if not 0 <= getattr(self, name) <= 365:
                raise ScheduleError(name, f"{name} must be 0 to 365")
        if not -60 <= self.reminder_offset_days <= 60:
            raise ScheduleError("reminder_offset_days", "reminder_offset_days must be -60 to 60")
        if not 1 <= self.prenotification_days <= 30:
            raise ScheduleError("prenotification_days", "prenotification_days must be 1 to 30")
        if not 0 <= self.debtor_postpone_days <= 62:
            raise ScheduleError("debtor_postpone_days", "debtor_postpone_days must be 0 to 62")
        if self.direct_debit_via not in ("file", "mollie"):
            raise ScheduleError("direct_debit_via", "direct_debit_via is file or mollie")
        if self.creditor_id is not None and not creditor_id_valid(self.creditor_id):
            raise ScheduleError("creditor_id", "not a valid SEPA creditor identifier")

    @property
    def collects_through_mollie(self) -> bool:
        return self.direct_debit_via == "mollie"

    def term_end(self, start: date, method: PlanMethod = PlanMethod.TRANSFER) -> date:
        """The last day a plan starting on ``start`` may ask an installment: the maximum term
        on, for a direct debit on the SEPA business day that day moves to."""
        end = add_months(start, self.max_term_months)
        return next_sepa_business_day(end) if method is PlanMethod.DIRECT_DEBIT else end

    def violations(
        self,
        start: date,
        schedule: list[ScheduledInstallment],
        method: PlanMethod = PlanMethod.TRANSFER,
    ) -> list[ScheduleError]:
        """What in this schedule the client's rules forbid (empty when it is acceptable).
        The last installment may be below the minimum: it carries the remainder. The term
        ends ``max_term_months`` after the start; for a direct debit, whose collections move
        to the next SEPA business day, on the business day the term's end moves to, so a
        weekend at the end never shortens what the client allows."""
        problems: list[ScheduleError] = []
        for inst in schedule[:-1]:
            if inst.amount < self.min_installment:
                problems.append(
                    ScheduleError(
                        "installments",
                        f"installment {inst.number} is below the minimum of "
                        f"EUR {format_cents(self.min_installment)}",
                    )
                )
                break
        term_end = self.term_end(start, method)
        if schedule and schedule[-1].due_date > term_end:
            problems.append(
                ScheduleError(
                    "installments",
                    f"the plan runs past the maximum term of {self.max_term_months} months",
                )
            )
        if schedule and schedule[0].due_date < start:
            problems.append(ScheduleError("start", "an installment falls before the start"))
        return problems
