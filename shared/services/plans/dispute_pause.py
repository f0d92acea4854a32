"""A dispute on an invoice a running plan holds pauses the plan (review26 F4).

The debtor who disputes reads "U hoeft nu niets te betalen ... zolang wij dat bekijken vragen
wij daarvoor geen betaling", and the agency is told to stop collecting the invoice. The plan
over it kept reminding, and lapsed for a breach ("installments not paid within the tolerance")
while the dispute stood. A credit manager stops the arrangement while one of its invoices is
looked into: the plan (the client's or the agency's) pauses with the dispute as its reason, its
collections are taken out of their files, no reminder goes and no breach is judged; the debtor
hears that nothing is asked meanwhile. When no invoice of it is disputed any more (resolved,
rejected, credited, withdrawn) it resumes by itself: the installments not yet paid move on by
the days it was held (so none is overdue the day it resumes), and the debtor gets the new
schedule. A disputed invoice that is credited or withdrawn leaves the plan's total as any credit
does (``PlanService.basis_changed``), the plan stays one agreement.

The day the hold began is kept in the plan's reason ("dispute: F1 disputed since 2025-03-05"):
no new column, and older plans paused by a person (any other reason) are resumed by a person
only, as before."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from shared.clock import amsterdam_today
from shared.domain.invoices import InvoiceStatus
from shared.domain.parties import Client
from shared.domain.plans import schedule as sched
from shared.domain.plans.plan import RUNNING, PaymentPlan, PlanStateError, PlanStatus
from shared.domain.plans.schedule import PlanMethod, ScheduleError
from shared.services.errors import ConflictingUpdate
from shared.services.plans import notices, owed_notices

if TYPE_CHECKING:
    from shared.services.plans.service import PlanService

DISPUTE_PAUSE = "dispute: "
AUTHOR = "the dispute"
PAUSED, RESUMED = owed_notices.DISPUTE_PAUSED, owed_notices.DISPUTE_RESUMED


def reason(numbers: list[str], since: date) -> str:
    return f"{DISPUTE_PAUSE}{', '.join(numbers)} disputed since {since.isoformat()}"


def held_since(plan: PaymentPlan) -> date | None:
    """The day a dispute paused this plan; None: not paused by a dispute."""
    if plan.status is not PlanStatus.PAUSED or not (plan.reason or "").startswith(DISPUTE_PAUSE):
        return None
    try:
        return date.fromisoformat((plan.reason or "").rsplit(" ", 1)[-1])
    except ValueError:
        return None


def disputed(service: PlanService, client: Client, plan: PaymentPlan) -> list[str]:
    stored = service.repos.invoices.get_many(client.client_id, list(plan.invoice_numbers))
    return sorted(n for n, s in stored.items() if s.invoice.status is InvoiceStatus.DISPUTED)


def follow(service: PlanService, client: Client, invoice_numbers: list[str]) -> None:
    """A dispute was raised or ended on these invoices: the plans holding them pause or resume
    now. Idempotent (a retried request finds the plan paused or running already)."""
    held = {service.plans.holding_plan(client.client_id, n) for n in invoice_numbers}
    for plan_id in sorted(p for p in held if p):
        found = service.plans.get(client.client_id, plan_id)
        if found is None:
            continue
        plan = found[0]
        if plan.status in RUNNING:
            pause_if_disputed(service, client, plan)
        elif held_since(plan) is not None:
            resume_if_ended(service, client, plan)


def pause_if_disputed(service: PlanService, client: Client, plan: PaymentPlan) -> bool:
    """Pause this running plan while an invoice of it is disputed; whether it did."""
    from shared.services.plans.service import PlanConflict

    numbers = disputed(service, client, plan)
    if not numbers or plan.status not in RUNNING:
        return False
    today = amsterdam_today(service.clock)
    why = reason(numbers, today)

    def paused(p: PaymentPlan) -> PaymentPlan:
        held = service._withdraw(client, p.pause(why))
        return replace(held, notice_to_tell=owed_notices.owed(
            service.clock.now(), f"{PAUSED}{today.isoformat()}"))  # fmt: skip

    try:
        done = service._transition(client, plan.plan_id, AUTHOR, "paused", paused)
    except (ConflictingUpdate, PlanConflict, PlanStateError):
        return False  # changed meanwhile: the caller reads it again
    if not disputed(service, client, done):
        # the dispute ended between the read above and this save, its end's follow-up finding
        # the plan still running (failure28 F2: the debtor was told "paused", then "resumed"):
        # it runs on at once, its pause never told
        resume_if_ended(service, client, done, untold=True)
        return True
    owed_notices.tell(service, client, done)
    return True


def resume_if_ended(
    service: PlanService, client: Client, plan: PaymentPlan, *, untold: bool = False
) -> bool:
    """Resume a plan a dispute paused once none of its invoices is disputed; whether it did.
    The unpaid installments move on by the days it was held. ``untold``: paused this moment,
    its pause not told: resumed the same day it owes the debtor nothing."""
    from shared.services.plans.service import PlanConflict

    since = held_since(plan)
    if since is None or disputed(service, client, plan):
        return False
    today = amsterdam_today(service.clock)

    def resumed(p: PaymentPlan) -> PaymentPlan:
        running = p.resume(today)
        running = running.with_schedule(moved_on(running, today - since, today)).settle(
            running.paid, today
        )
        if untold and since == today and p.notice_to_tell.endswith(f"{PAUSED}{today}"):
            return replace(running, notice_to_tell="")  # its dates kept: nothing to tell
        mark = f"{RESUMED}{service._schedule_version(running)}"
        return replace(running, notice_to_tell=owed_notices.owed(service.clock.now(), mark))

    try:
        done = service._transition(client, plan.plan_id, AUTHOR, "resumed", resumed)
    except (ConflictingUpdate, PlanConflict, PlanStateError, ScheduleError):
        return False
    if done.notice_to_tell:
        owed_notices.tell(service, client, done)
    return True


def moved_on(plan: PaymentPlan, held: timedelta, today: date) -> list[sched.ScheduledInstallment]:
    """The schedule with its first unpaid installment moved on by ``held`` (and never before
    today, nor, for a direct debit, inside its notice term), the later ones keeping their
    distance. A plan held less than a day, or paid up, keeps its dates."""
    unpaid = [s.number for s in plan.installments(today) if s.paid < s.amount]
    if not unpaid or held.days <= 0:
        return list(plan.schedule)
    first = next(i for i in plan.schedule if i.number == unpaid[0])
    to = max(first.due_date + held, today)
    if plan.method is PlanMethod.DIRECT_DEBIT:
        to = max(to, today + timedelta(days=plan.rules.prenotification_days))
    if to <= first.due_date:
        return list(plan.schedule)
    return sched.postpone(list(plan.schedule), first.number, to, plan.period, shift_later=True,
                          method=plan.method)  # fmt: skip


def tell(service: PlanService, client: Client, plan: PaymentPlan, what: str) -> None:
    """The debtor's notice of the pause or of the resumed plan's new schedule (once: its key)."""
    if what.startswith(PAUSED) and plan.status is PlanStatus.PAUSED:
        service._send_notice(
            client, plan, what, functools.partial(notices.paused_for_dispute, plan)
        )
    elif what.startswith(RESUMED) and plan.status in RUNNING:
        service._send_notice(client, plan, what,
                             functools.partial(notices.resumed_after_dispute, plan))  # fmt: skip
