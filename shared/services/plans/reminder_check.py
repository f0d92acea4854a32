"""A payment plan's installment reminder looked at again when its message is handled.

The plan run queues a reminder (outbox key ``plan|<plan>|remind|<n>@<due date>``) days before
the installment is due; the message may wait (contact hours, a provider's back-off, the
mailbox's day, a poison replay) while the debtor pays that installment or the plan ends. Sent
then, it asked for money no longer owed under the plan (failure31 F1). The messaging service
asks :func:`not_due` before it sends one, and closes it unsent with the reason.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from shared.adapters.tables.plans_repo import PlanRepository
from shared.domain.plans.plan import RUNNING
from shared.ports.tables import TableStore

_KEY = re.compile(r"^plan\|(?P<plan>.+)\|remind\|(?P<number>\d+)@(?P<due>\d{4}-\d{2}-\d{2})$")

NOT_SENT_KIND = "reminder_not_sent"  # the plan timeline's entry of a reminder closed unsent


def reminder_of(key: str) -> tuple[str, int, date] | None:
    """(plan id, installment number, due date) of a plan reminder's outbox key; None for any
    other message."""
    found = _KEY.match(key)
    if found is None:
        return None
    return found["plan"], int(found["number"]), date.fromisoformat(found["due"])


def not_due(store: TableStore, client_id: str, key: str, today: date) -> str | None:
    """Why the plan reminder under ``key`` must not go out ``today`` (its plan ended or
    paused, its installment paid or moved to another date); None: send it, as for every
    message that is not a plan reminder. One read of the plan."""
    reminder = reminder_of(key)
    if reminder is None:
        return None
    plan_id, number, due = reminder
    found = PlanRepository(store).get(client_id, plan_id)
    if found is None:
        return "the plan is gone"
    plan = found[0]
    if plan.status not in RUNNING:
        return f"the plan is {plan.status.value}"
    state = next((s for s in plan.installments(today) if s.number == number), None)
    if state is None or state.due_date != due:
        return f"installment {number} is no longer due on {due:%d-%m-%Y}"
    if state.paid >= state.amount:
        return f"installment {number} is paid"
    return None


def tell_not_sent(
    store: TableStore, client_id: str, key: str, why: str, entry_id: str, at: datetime
) -> None:
    """The plan timeline's entry of a reminder closed unsent, under ``entry_id`` (a redone
    follow-up writes it once)."""
    reminder = reminder_of(key)
    if reminder is None:
        return
    plan_id, number, _ = reminder
    PlanRepository(store).log(client_id, plan_id, entry_id, at, NOT_SENT_KIND,
                              f"Reminder for installment {number} not sent: {why}")  # fmt: skip
