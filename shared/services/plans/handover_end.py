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
back to the client's dunning as after any cancel the creditor makes."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import TYPE_CHECKING

from shared.clock import amsterdam_today
from shared.domain.money import format_eur_en, format_eur_nl
from shared.domain.parties import Agency, Client
from shared.domain.plans.plan import HOLDS_DUNNING, PaymentPlan, PlanStateError
from shared.domain.records import ActionItem
from shared.ports.tables import Conflict
from shared.services.errors import ConflictingUpdate
from shared.services.plans import owed_notices
from shared.services.plans.notices import Notice
from shared.services.portal import agency_transfer_text

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
    if plan.status not in HOLDS_DUNNING:
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
    name = agency.name if agency is not None else agency_id
    # what the portal and the agency's case ask him to quote: the client's code names the
    # client on the account all the agency's clients share (quote18)
    quote = agency_transfer_text(client.client_id, plan.debtor_number, list(handed))
    sent = service._send_notice(
        client, plan, what, lambda lang: to_debtor(plan, handed, agency, agency_id, lang, quote)
    )
    service.plans.log(plan.client_id, plan.plan_id, mark, service.clock.now(), "handover_told",
                      f"The debtor is told the plan ended because {', '.join(handed)} went to "
                      f"{name}: {sent}")  # fmt: skip
    with contextlib.suppress(Conflict):  # added by the look that stopped after it
        service.repos.actions.add(ActionItem(
            client.client_id, f"{plan.plan_id}-handed-over", "plan_handed_over",
            f"Payment plan {plan.plan_id} ended: {', '.join(handed)} handed over to {name}; "
            "its installments are no longer collected or reminded, what was paid stays booked",
            service.clock.now(), debtor_number=plan.debtor_number,
            invoice_numbers=plan.invoice_numbers,
            detail={"plan_id": plan.plan_id, "agency_id": agency_id, "paid": plan.paid},
        ))  # fmt: skip


def to_debtor(
    plan: PaymentPlan,
    handed: tuple[str, ...],
    agency: Agency | None,
    agency_id: str,
    language: str,
    quote: str,
) -> Notice:
    """The debtor's notice: the plan ended, who collects now and where to pay it quoting
    ``quote`` (:func:`agency_transfer_text`: without the client's code a transfer to the
    agency's pooled account names no client and waits on the agency's list), that what he
    paid counts; nothing asks him to pay the client (no payment block: the plan ended)."""
    name = agency.name if agency is not None else agency_id
    ended = plan.ended_on or plan.start
    rest = tuple(n for n in plan.invoice_numbers if n not in handed)
    day = ended.strftime("%d-%m-%Y") if language == "nl" else ended.isoformat()
    account = agency.third_party_iban if agency is not None else None
    email = agency.contact_email if agency is not None else None
    if language == "nl":
        lines = [
            f"Uw betalingsregeling voor facturen {', '.join(plan.invoice_numbers)} is op {day} "
            f"beëindigd: {'factuur' if len(handed) == 1 else 'facturen'} {', '.join(handed)} "
            f"{'is' if len(handed) == 1 else 'zijn'} overgedragen aan incassobureau {name}, "
            "dat het openstaande bedrag nu int. Wij vragen en incasseren geen termijnen meer.",
            f"Betaal daarvoor niet meer aan ons, maar aan {name}"
            + (f" (rekening {account}, onder vermelding van {quote})" if account else "")
            + (f"; vragen kunt u stellen via {email}." if email else "."),
        ]
        if plan.paid > 0:
            lines.append(f"Wat u al betaalde, {format_eur_nl(plan.paid)}, blijft geboekt.")
        if rest:
            lines.append(f"Over {', '.join(rest)} hoort u van ons wat daarvan nog openstaat.")
        return Notice("Uw betalingsregeling is beëindigd", tuple(lines))
    lines = [
        f"Your payment plan for invoices {', '.join(plan.invoice_numbers)} was ended on {day}: "
        f"{'invoice' if len(handed) == 1 else 'invoices'} {', '.join(handed)} "
        f"{'was' if len(handed) == 1 else 'were'} handed over to the collection agency {name}, "
        "which now collects what is open. We no longer ask for or collect installments.",
        f"Do not pay us for it any more, but {name}"
        + (f" (account {account}, quoting {quote})" if account else "")
        + (f"; questions go to {email}." if email else "."),
    ]
    if plan.paid > 0:
        lines.append(f"What you paid, {format_eur_en(plan.paid)}, stays booked.")
    if rest:
        lines.append(f"For {', '.join(rest)} we will tell you what is still open.")
    return Notice("Your payment plan has ended", tuple(lines))
