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
not counted as sent, so the plan's next look within the installment's window sends it. The
timeline's "not sent" entry is written once per notice and hold, not at every look while held
(leftover32: a plan held for weeks had one a day); a later hold writes its own.

A notice without a mark (a lapse, a failed or returned collection) is held and logged, not
kept (leftover32 looked again): it states the figures and the moment of its event ("the plan
lapsed, the whole claim is due", "the collection of installment 3 came back, transfer it"),
which are stale by the time an account comes, and what it asked is asked again with the
figures of that day: a lapsed plan's claim goes back to the dunning run, held the same way
until the account and then resumed with its next step naming the account; an installment
whose collection failed stays open and its reminder, not counted as sent while held, goes at
the next look in its window. The lapse's item tells the client meanwhile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.clock import amsterdam_today
from shared.domain.parties import Client
from shared.domain.plans.plan import PaymentPlan
from shared.services.dunning_account_hold import HELD_LOGGED, hold_without_account

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


def first_look(service: PlanService, plan: PaymentPlan, what: str) -> bool:
    """True the first time ``what`` of ``plan`` is held in this hold: its timeline entry is
    written then only."""
    # kept beside the client's hold mark and taken away with it (release_hold)
    return service.repos.dunning.mark_once(plan.client_id, f"{HELD_LOGGED}{plan.plan_id}|{what}")
