"""The arrangements stored on a claim's header that keep its collection costs from arising
(docs/law.md, "Arrangements inside the 14-day term"; the rule is
``shared.domain.ledger.arrangements``).

Three kinds are stored: a payment plan over the whole claim (its interest pause: agreed on the
day it was priced, running while kept, ended on the day it lapsed), a payment plan over the
principal only (the same days, as a costs hold of its own, :func:`plan_costs_ref`: it freezes
no interest, but kept it pays what the letter demanded on the days the creditor agreed, law7
finding 8) and a postponement granted (the portal's grant, a pause of the invoice or of the
debtor until a day, a promise to pay by a day that staff record: agreed on the day granted,
costs owed at the earliest the day after the granted day).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

from shared.adapters.tables.ledger_repo import ClaimHeader
from shared.domain.law.dispute_costs import is_dispute_hold
from shared.domain.ledger.arrangements import CostsHold, costs_owed_after_arrangements
from shared.domain.ledger.model import ClaimTerms

POSTPONEMENT = "postponement"


def holds_of(header: ClaimHeader, *, disputes: bool = True) -> list[CostsHold]:
    plans = [CostsHold(a, b) for _, a, b in header.interest_paused]
    granted = [
        CostsHold(a, b) for ref, a, b in header.costs_held if disputes or not is_dispute_hold(ref)
    ]
    return plans + granted


def held_costs_from(terms: ClaimTerms, header: ClaimHeader) -> date | None:
    """The day the costs are owed given the claim's arrangements. A dispute's hold counts only
    when raised before the day they would be owed without any dispute (inside the 14-day
    letter's term, as moved by plans and postponements): a dispute raised again after one was
    rejected, the day before the moved day, would move it once more after each rejection, and
    a consumer disputing on the portal again and again would never owe them (attack27 F1)."""
    owed_from = terms.costs_owed_from
    undisputed = costs_owed_after_arrangements(owed_from, holds_of(header, disputes=False))
    disputes = [
        CostsHold(a, b)
        for ref, a, b in header.costs_held
        if is_dispute_hold(ref) and (undisputed is None or a < undisputed)
    ]
    return costs_owed_after_arrangements(owed_from, [*holds_of(header, disputes=False), *disputes])


def held_terms(terms: ClaimTerms, header: ClaimHeader) -> ClaimTerms:
    """The claim's terms with its arrangements: its own ``costs_owed_from`` moved (or gone
    while a plan runs), and the day of the notice it was demanded in kept as
    ``notice_from``. An arrangement on one invoice of a combined 14-day letter decides only
    when that invoice's share of the letter's one WIK amount becomes owed; it does not make
    a notice of its own with its own staffel (law6 finding 1: 425.00 + 425.00 on a letter
    over 6,000.00 whose maximum is 675.00)."""
    prefix = plan_costs_ref("")
    spans = tuple((a, b) for ref, a, b in header.costs_held if ref.startswith(prefix))
    if spans:  # money received on these days goes on the principal first (law16 F4)
        terms = replace(terms, principal_first=spans)
    held = held_costs_from(terms, header)
    if held == terms.costs_owed_from:
        return terms
    return replace(terms, costs_owed_from=held,
                   notice_from=terms.notice_from or terms.costs_owed_from)  # fmt: skip


def plan_costs_ref(plan_id: str) -> str:
    """The costs hold of a plan over the principal only (a whole-claim plan's is its interest
    pause)."""
    return f"plan|{plan_id}"


def ended_plan_costs_ref(plan_id: str) -> str:
    """The costs hold a plan over the whole claim kept after the creditor ended it while the
    debtor kept it, when its interest pause ended on that day and the costs waited for the
    plan's own days (``PaymentPlan.costs_held_until``, law16 F2). Since law16b F1 the pause
    itself runs to then and holds the costs with it, so such plans cancelled before keep this
    hold and new ones write none. Not under :func:`plan_costs_ref`'s prefix: that one says a
    plan over the principal ran (principal-first allocation)."""
    return f"plan-ended|{plan_id}"


def ended_plan_held_on(headers: Iterable[ClaimHeader], on: date) -> frozenset[str]:
    """The claims among these that a payment plan (over the whole claim: its interest pause;
    over the principal: its costs hold) held on ``on`` and no longer holds: money received
    that day, booked later, may mean it was kept after all (the plan service judges that,
    ``PlanService.payments_changed``), so its plan must hear of the booking."""
    every = tuple(headers)
    ended = {h.invoice_number for h in every for _, made_on, until in h.interest_paused
             if until is not None and made_on <= on < until}  # fmt: skip
    return frozenset(ended) | principal_plan_ran_on(every, on)


def principal_plan_ran_on(headers: Iterable[ClaimHeader], on: date) -> frozenset[str]:
    """The claims among these that an ended plan over the principal only held on ``on``:
    its costs hold reads from the day it was agreed to the day it ended. Money received on
    such a day goes on the principal first, however late it is booked (a transfer on a
    statement uploaded after the plan lapsed, a late webhook): the order the creditor agreed
    when the debtor paid (6:44 BW is default law, law8 F5; a running plan's order is the plan
    service's ``principal_first``). Pure: the headers are read with the claims already."""
    prefix = plan_costs_ref("")
    return frozenset(
        h.invoice_number
        for h in headers
        for ref, made_on, resumes_on in h.costs_held
        if ref.startswith(prefix) and made_on <= on and (resumes_on is None or on < resumes_on)
    )


def postponement_hold(
    granted_on: date, until: date, kind: str = POSTPONEMENT
) -> tuple[str, tuple[date, date | None]]:
    """The stored hold of a postponement (``kind``: an invoice's ``postponement``, an
    accepted ``promise`` to pay, a ``debtor``'s dated pause) granted on ``granted_on`` until
    ``until`` (inclusive: the debtor may pay on that day): one per kind and day granted, so a
    redelivery or a second click the same day stores the same row."""
    resumes = until if until == date.max else until + timedelta(days=1)
    return f"{kind}|{granted_on.isoformat()}", (granted_on, resumes)
