"""The installments of the plans that held a debtor's claims, on the claims' terms
(``ClaimTerms.plan_installments``): a plan defers only its installments not yet due, so money
the ledger sets off reaches a due, unpaid one (law17b F2; a plan over the whole claim too,
lawyer18 L2). The claims' headers hold each plan's days (a plan over the principal: its costs
hold, ``costs_holds.plan_costs_ref``; over the whole claim: its interest pause); its schedule
is the plan's."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from shared.adapters.tables.ledger_repo import ClaimHeader
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.installment_parts import installment_parts
from shared.domain.money import Cents
from shared.domain.plans.plan import PaymentPlan, PlanStatus
from shared.services.ledger.costs_holds import plan_costs_ref

# a client's plans by id as a caller read them (None: no such plan)
PlansById = dict[str, PaymentPlan | None]


def with_plan_parts(
    records: Sequence[ClaimRecord],
    headers: Iterable[ClaimHeader],
    plan_of: Callable[[str], PaymentPlan | None],
) -> list[ClaimRecord]:
    """``records`` with their parts of the installments of each plan their headers name (over
    the principal, or over the whole claim while it froze the interest; ``plan_of``: the plan
    by id; read only for a debtor who had one). A paused
    plan, or one gone, keeps deferring the whole principal, as before installments were known:
    nothing is set off against its claims early."""
    prefix = plan_costs_ref("")
    held: dict[str, tuple[date, list[str]]] = {}
    # a plan over the whole claim: its interest pause (plan id, its first day); lawyer18 L2
    whole: dict[str, tuple[date, list[str]]] = {}
    for h in headers:
        for ref, start, _ in h.costs_held:
            if ref.startswith(prefix):
                held.setdefault(ref[len(prefix) :], (start, []))[1].append(h.invoice_number)
        for plan_id, start, _ in h.interest_paused:
            whole.setdefault(plan_id, (start, []))[1].append(h.invoice_number)
    if not held and not whole:
        return list(records)
    by_number = {r.number: r for r in records}
    plans = [(plan_id, start, numbers, False) for plan_id, (start, numbers) in held.items()]
    plans += [(plan_id, start, numbers, True) for plan_id, (start, numbers) in whole.items()]
    for plan_id, start, numbers, over_whole in sorted(plans):
        plan = plan_of(plan_id)
        if plan is None or plan.status is PlanStatus.PAUSED:
            continue
        if plan.include_costs is not over_whole or (over_whole and not plan.freezes_interest):
            continue
        mine = [by_number[n] for n in numbers if n in by_number]
        schedule = _asked(plan)
        for number, parts in installment_parts(mine, start, schedule).items():
            r = by_number[number]
            terms = replace(r.terms, plan_installments=r.terms.plan_installments + parts)
            by_number[number] = ClaimRecord(terms, r.events)
    return [by_number[r.number] for r in records]


def _asked(plan: PaymentPlan) -> list[tuple[date, Cents]]:
    """The plan's installments as it asks them: a plan the creditor ended while the debtor
    kept it asks nothing more before the last day it granted him (``holds_dunning_until``,
    law16b F4: "tot die dag vragen wij het niet van u op"), so what fell due from its end on
    is due on that day only; its earlier installments kept their days (a set-off booked while
    it ran replays as booked)."""
    until = plan.holds_dunning_until
    if until is None or plan.ended_on is None:
        return [(i.due_date, i.amount) for i in plan.schedule]
    last = until - timedelta(days=1)
    ended = plan.ended_on
    return [(i.due_date if i.due_date < ended else last, i.amount) for i in plan.schedule]
