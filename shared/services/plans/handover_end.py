"""A plan over an invoice handed over to a collection agency ends (handover18).

Since crfix17 no plan is made, started or paid online over such an invoice, but a plan that
was already running when its invoice went to the agency kept collecting for the client: its
direct debits (our pain.008 files, Mollie's recurring payments) and its reminders went on
after the hand-over, and ops were told to cancel such plans by hand. The agency collects the
invoice until the case is withdrawn, so the plan ends the moment the hand-over is known: by
the dunning run's hand-over step, else by the plan's next look of the installment timer
(plans handed over before this rule, or a run that stopped in between). Its collections are
withdrawn as a staff cancel withdraws them, the money already paid stays booked, the debtor
is told once who collects now, and staff find it on the plan's timeline and action list.

The whole plan ends, also over its other invoices: an agreement's installments are frozen
once it is active (no invoice leaves it), and a schedule that no longer matches what the
debtor owes the client would ask the wrong amounts. What the other invoices still owe goes
back to the client's dunning as after any cancel the creditor makes: for a plan the debtor
kept, only once the days he was granted are over, which his notice tells him with what each
invoice asks by then and to whom (``handover_notice``, lawyer18 L1)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from shared.clock import amsterdam_today
from shared.domain.money import Cents
from shared.domain.parties import Client
from shared.domain.plans.plan import HOLDS_DUNNING, PaymentPlan, PlanStateError
from shared.domain.records import ActionItem
from shared.services.account_ownership import debtor_account
from shared.services.errors import ConflictingUpdate
from shared.services.plans import owed_notices
from shared.services.plans.handover_notice import Kept, Payees, to_debtor

if TYPE_CHECKING:
    from shared.services.plans.service import PlanService

# the start of the reason of a plan ended so (the rest names the agency and the invoices)
HANDED_OVER = "handed over to a collection agency: "
# the debtor's notice is marked "handed-over|<day it ended>|<agency id>"
NOTICE = owed_notices.HANDED_OVER
AUTHOR = "the hand-over to the collection agency"


def end_for_debtor(service: PlanService, client: Client, debtor_number: str) -> list[str]:
    """Ends each plan of this debtor running or paused over an invoice an agency collects
    now (the dunning run's hand-over step calls it); the plans ended. Idempotent."""
    return [
        plan.plan_id
        for plan in service.plans.of_debtor(client.client_id, debtor_number)
        if plan.status in HOLDS_DUNNING and end_if_handed_over(service, client, plan)
    ]


def end_for_client(service: PlanService, client: Client) -> list[str]:
    """Each of the client's plans running or paused over a handed-over invoice ends (the
    one-off ``inning backfill handed-over-plans`` after the deploy, for plans the timer would
    reach only at their next date); the plans ended. Idempotent."""
    return [
        plan.plan_id
        for plan in service.plans.of_client(client.client_id)
        if plan.status in HOLDS_DUNNING and end_if_handed_over(service, client, plan)
    ]


def end_if_handed_over(service: PlanService, client: Client, plan: PaymentPlan) -> bool:
    """End ``plan`` (running or paused) when one of its invoices is handed over; whether it
    did. False also when it changed meanwhile: the caller reads it again."""
    if plan.status not in HOLDS_DUNNING or plan.agency_id is not None:
        # the agency's own plan is over invoices it collects: the hand-over is its ground
        return False
    stored = service.repos.invoices.get_many(client.client_id, list(plan.invoice_numbers))
    handed = sorted(n for n, s in stored.items() if s.invoice.handed_over_to is not None)
    if not handed:
        return False
    agency_id = str(stored[handed[0]].invoice.handed_over_to)
    agency = service.repos.agencies.get(agency_id)
    name = agency.name if agency is not None else agency_id
    reason = f"{HANDED_OVER}{', '.join(handed)} to {name}, which collects them now"
    today = amsterdam_today(service.clock)

    def ended(p: PaymentPlan) -> PaymentPlan:
        # withdrawn before the save, as a staff cancel does: a crash in between collects
        # nothing (our file's debits out of their file, Mollie's payments canceled there)
        done = service._withdraw(client, p.cancel(reason, today))
        mark = owed_notices.owed(service.clock.now(), f"{NOTICE}{today.isoformat()}|{agency_id}")
        return replace(done, notice_to_tell=mark)

    try:
        plan = service._transition(client, plan.plan_id, AUTHOR, "cancelled", ended)
    except (ConflictingUpdate, PlanStateError):
        return False  # PlanConflict is a ConflictingUpdate: ended or changed meanwhile
    service._release(plan)
    owed_notices.tell(service, client, plan)
    return True


def tell(service: PlanService, client: Client, plan: PaymentPlan, mark: str, what: str) -> None:
    """The debtor's notice (once: its outbox key is ``what``), the timeline's line and the
    staff's action item (once: keyed by the plan). Repeated by whoever finds the mark."""
    agency_id = what.removeprefix(NOTICE).partition("|")[2]
    agency = service.repos.agencies.get(agency_id)
    stored = service.repos.invoices.get_many(client.client_id, list(plan.invoice_numbers))
    handed = (
        tuple(n for n in plan.invoice_numbers if n in stored and stored[n].invoice.handed_over_to)
        or plan.invoice_numbers
    )  # the case withdrawn meanwhile: it went to the agency still
    from shared.services.portal import agency_transfer_text, transfer_text  # (the portal's quotes)

    name = agency.name if agency is not None else agency_id
    payees = Payees(agency, agency_id,
                    agency_transfer_text(client.client_id, plan.debtor_number, list(handed)),
                    client.name, debtor_account(service.repos, client),
                    transfer_text(plan.debtor_number, [n for n in plan.invoice_numbers
                                                       if n not in handed]))  # fmt: skip
    kept = _kept(service, client, plan, handed)
    sent = service._send_notice(
        client, plan, what, lambda lang: to_debtor(plan, handed, payees, lang, kept)
    )
    service.plans.log(plan.client_id, plan.plan_id, mark, service.clock.now(), "handover_told",
                      f"The debtor is told the plan ended because {', '.join(handed)} went to "
                      f"{name}: {sent}")  # fmt: skip
    # once: added by the look that stopped after it
    service.repos.actions.add_once(ActionItem(
        client.client_id, f"{plan.plan_id}-handed-over", "plan_handed_over",
        f"Payment plan {plan.plan_id} ended: {', '.join(handed)} handed over to {name}; "
        "its installments are no longer collected or reminded, what was paid stays booked"
        # the agency too is bound by the days the plan gave him (lawyer18 L1)
        + (f"; the debtor kept it: he may pay up to and including {kept.pay_by.isoformat()}"
           ", claim nothing before" if kept is not None else ""),
        service.clock.now(), debtor_number=plan.debtor_number,
        invoice_numbers=plan.invoice_numbers,
        detail={"plan_id": plan.plan_id, "agency_id": agency_id, "paid": plan.paid,
                **({"pay_by": kept.pay_by.isoformat()} if kept is not None else {})},
    ))  # fmt: skip


def _kept(
    service: PlanService, client: Client, plan: PaymentPlan, handed: tuple[str, ...]
) -> Kept | None:
    """A plan the debtor kept (nothing past its grace when it ended): the last day he was
    granted and what each side's invoices owe in all then, as a staff cancel tells it
    (``PlanService._owed_after_cancel``); None: he was in breach, the open amount is due."""
    until = plan.holds_dunning_until
    if until is None or plan.ended_on is None:
        return None
    last = until - timedelta(days=1)
    rest = [n for n in plan.invoice_numbers if n not in handed]

    def owed(numbers: list[str]) -> Cents:
        if not numbers:
            return 0
        return service.money.owed_on_lapse(client, plan.debtor_number, numbers, last).total

    avoidable = service.money.costs_held_on(client, plan.debtor_number,
                                            list(plan.invoice_numbers), plan.ended_on)  # fmt: skip
    return Kept(last, owed(list(handed)), owed(rest), avoidable)
