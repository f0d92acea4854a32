"""A client's own plan waits while the client has no bank account of its own (heldplan31).

The daily dunning run holds a client whose debtors could be told no account of its own
(``dunning_account_hold``), but the plan letters went on: the agreement and its schedule PDF,
the installment reminders, a postponement's new schedule, each saying "maak over naar  ..."
(no account) or naming another party's proven account. The same hold now stands before every
notice of the client's own plan (an agency's plan names the agency's third-party account):
nothing is sent, the plan's timeline says so, and the client gets the hold's one
``no_bank_account`` item (the run closes it once an account is registered).

What waits is kept on the plan itself, where its sending was already kept: the agreement's and
a change's marks (``activation_to_tell``, ``notice_to_tell``) stay, so the plan is looked at
daily and the first look after the account is registered sends them; a reminder not sent is
not counted as sent, so the plan's next look within the installment's window sends it. A
notice without a mark (a lapse, a returned collection) is held and logged, not kept: its
moment has passed by the time an account comes, and the lapse's item tells the client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.clock import amsterdam_today
from shared.domain.parties import Client
from shared.domain.plans.plan import PaymentPlan
from shared.services.dunning_account_hold import hold_without_account

if TYPE_CHECKING:
    from shared.services.plans.service import PlanService

HELD = "held: the client has no bank account of its own"


def held(
    service: PlanService, client: Client, plan: PaymentPlan, account: str | None = None
) -> bool:
    """Whether ``plan``'s notices wait for the client's own account: the client's plan (or an
    agency's ended by the case's withdrawal, the client's claim again) of a live client
    ``debtor_account`` names none for; the hold's item written once per hold. ``account``:
    the client's ``debtor_account`` when the caller read it already."""
    if service._speaking_agency(plan) is not None:
        return False  # the agency's plan: its third-party account is named
    now = service.clock.now()
    today = amsterdam_today(service.clock)
    return hold_without_account(service.repos, client, today, now, account)
