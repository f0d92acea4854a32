"""Notices a plan's change owes the debtor, recorded on the plan with the change itself.

A credit note that lowers a running plan owes the debtor the new schedule; money received
within the grace of a lapsed plan, booked later, owes the debtor and the client the news that
the plan runs on. Both used to be sent right after the plan's save, and judged again only by
comparing the plan before and after: a host that stopped in between left a retry that found
nothing to compare (the plan already lower, or already running), and the debtor was never
told (failure9 #4, #5). The change now carries its notice (``PaymentPlan.notice_to_tell``,
"<id> <what>"), and whoever looks at the plan next (the retry, the redelivered booking, the
daily run) tells it: rows under the id, messages under their outbox keys, so it is told once;
then the mark goes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from shared.domain.ids import time_ordered_id
from shared.domain.messaging import Channel, MessageContent, OutboundMessage
from shared.domain.parties import Client
from shared.domain.plans.plan import RUNNING, PaymentPlan, PlanStatus
from shared.domain.records import ContactEntry, ContactKind
from shared.services.errors import ConflictingUpdate
from shared.services.plans import account_hold, notices

if TYPE_CHECKING:
    from shared.services.plans.service import PlanService

LOWERED = "lowered|"
KEPT = "kept-"
CANCELLED = "cancelled|"
# ended because an invoice went to a collection agency (``handover_end``)
HANDED_OVER = "handed-over|"
# paused while an invoice of it is disputed, and resumed after (``dispute_pause``)
DISPUTE_PAUSED = "dispute-paused|"
DISPUTE_RESUMED = "dispute-resumed|"
# a postponed installment: the new schedule (keyed by its dates, as it was sent before)
SCHEDULE = "schedule|"
RETRIES = 3


def owed(now: datetime, what: str) -> str:
    """The mark of a notice owed: the id its rows take, and ``what`` (its outbox key)."""
    return f"{time_ordered_id(now)} {what}"


def lowered(now: datetime, plan: PaymentPlan) -> str:
    """The new schedule owed after ``plan`` was lowered (keyed by its new total, as before:
    a repeat sends nothing, a second lowering its own)."""
    return owed(now, f"{LOWERED}{plan.total}")


def kept(now: datetime, lapsed_on: str) -> str:
    return owed(now, f"{KEPT}{lapsed_on}")


def cancelled(now: datetime, plan: PaymentPlan) -> str:
    """The debtor's notice that staff cancelled his plan (law16 F2), keyed by the day it
    ended: a plan is cancelled once."""
    day = plan.ended_on.isoformat() if plan.ended_on else ""
    return owed(now, f"{CANCELLED}{day}")


def tell(service: PlanService, client: Client, plan: PaymentPlan) -> PaymentPlan:
    """Send what ``plan``'s mark says it owes (a lowering's or a postponement's new schedule,
    ...), then drop the mark. A paused plan's lowering is told with the word that nothing is
    asked while it is paused. A plan that stopped meanwhile owes nothing more (its completion
    or lapse is told on its own)."""
    if waits(service, client, plan):
        return plan  # the mark stays: told by the first look after the account is registered
    mark, _, what = plan.notice_to_tell.partition(" ")
    if plan.status in RUNNING and what.startswith((LOWERED, SCHEDULE)):
        service._send_notice(client, plan, what, functools.partial(notices.new_schedule, plan))
    elif plan.status is PlanStatus.PAUSED and what.startswith(LOWERED):
        # with the word that nothing is asked until it resumes
        service._send_notice(
            client, plan, what, functools.partial(notices.lowered_while_paused, plan)
        )
    elif plan.status in RUNNING and what.startswith(KEPT):
        _tell_kept(service, client, plan, mark, what)
    elif plan.status is PlanStatus.CANCELLED and what.startswith(CANCELLED):
        iban = service._payee(client, plan)[1]  # the agency's account for its plan
        owed = service._owed_after_cancel(client, plan)
        sent = service._send_notice(
            client,
            plan,
            what,
            functools.partial(notices.cancelled_to_debtor, plan, iban, owed=owed),
        )
        service.plans.log(plan.client_id, plan.plan_id, mark, service.clock.now(),
                          "cancel_told", f"The debtor is told the plan ended: {sent}")  # fmt: skip
    elif what.startswith((DISPUTE_PAUSED, DISPUTE_RESUMED)):
        from shared.services.plans import dispute_pause  # (it marks plans with this module)

        dispute_pause.tell(service, client, plan, what)
    elif plan.status is PlanStatus.CANCELLED and what.startswith(HANDED_OVER):
        from shared.services.plans import handover_end  # (it marks plans with this module)

        handover_end.tell(service, client, plan, mark, what)
    return _told(service, plan)


def waits(service: PlanService, client: Client, plan: PaymentPlan) -> bool:
    """Whether the notice ``plan`` owes waits, its mark kept, for the client's own bank
    account (``account_hold``): a running or paused plan is looked at daily while it has a
    mark; an ended one is not, so its notice is held (not sent, logged) and its mark goes."""
    return (plan.status in RUNNING or plan.status is PlanStatus.PAUSED) and account_hold.held(
        service, client, plan
    )


def _tell_kept(
    service: PlanService, client: Client, plan: PaymentPlan, mark: str, what: str
) -> None:
    lapsed_on = what.removeprefix(KEPT)
    now = service.clock.now()
    service.plans.log(plan.client_id, plan.plan_id, mark, now, "kept",
                      "A payment received within the grace was booked after the plan "
                      f"lapsed on {lapsed_on}: the plan was kept and runs on")  # fmt: skip
    # once under its mark: the line's key holds its time, so the repeat of an attempt that
    # stopped after it (at another moment) meets no Conflict (failure18 F1)
    service.repos.contacts.add_once(ContactEntry(
        plan.client_id, plan.debtor_number, mark, now, ContactKind.STATUS,
        f"Payment plan {plan.plan_id} runs on: paid within the grace, booked after it "
        f"lapsed on {lapsed_on}", invoice_numbers=plan.invoice_numbers, system=True,
    ))  # fmt: skip
    service._send_notice(client, plan, what, lambda lang: notices.kept_to_debtor(plan, lang))
    # the party the lapse was told to: the agency for its plan (it was told to resume its
    # collection of the case, so it must hear the plan holds the case again), else the client
    to = service._party_email(client, plan)
    if to:
        note = notices.kept_to_client(plan, client.language.value)
        message = OutboundMessage(client.client_id, f"plan|{plan.plan_id}|{what}-client",
                                  Channel.EMAIL, None, to, now,
                                  invoice_numbers=plan.invoice_numbers)  # fmt: skip
        service.messaging.enqueue(message, MessageContent(subject=note.subject, text=note.text,
                                                          language=client.language.value))  # fmt: skip


def _told(service: PlanService, plan: PaymentPlan) -> PaymentPlan:
    """The notice told: its mark goes (a plan whose mark changed meanwhile keeps the new
    one, told by the next look)."""
    return clear_mark(service, plan, "notice_to_tell")


Mark = Literal["notice_to_tell", "activation_to_tell", "lapse_to_tell"]
_CLEARED: dict[str, Callable[[PaymentPlan], PaymentPlan]] = {
    "notice_to_tell": lambda p: replace(p, notice_to_tell=""),
    "activation_to_tell": lambda p: replace(p, activation_to_tell=""),
    "lapse_to_tell": lambda p: replace(p, lapse_to_tell=""),
}


def clear_mark(
    service: PlanService, plan: PaymentPlan, field: Mark, retries: int = RETRIES
) -> PaymentPlan:
    """Drop the mark ``field`` (``notice_to_tell``, ``activation_to_tell``,
    ``lapse_to_tell``) once what it owed is told, under the plan's ETag. A plan whose mark
    changed meanwhile keeps the new one; one still changing after ``retries`` reads is left
    marked: the next look tells it again, under the same rows and keys."""
    for _ in range(retries):
        found = service.plans.get(plan.client_id, plan.plan_id)
        if found is None or getattr(found[0], field) != getattr(plan, field):
            return plan
        told = _CLEARED[field](found[0])
        try:
            service._save(told, found[1])
        except ConflictingUpdate:
            continue
        return told
    return plan
