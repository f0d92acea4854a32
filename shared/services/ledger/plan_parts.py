"""The installments of the plans over the principal that held a debtor's claims, on the claims'
terms (``ClaimTerms.plan_installments``): a plan defers only its installments not yet due, so
money the ledger sets off reaches a due, unpaid one (law17b F2). The claims' headers hold each
such plan's days (its costs hold, ``costs_holds.plan_costs_ref``); its schedule is the plan's."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date

from shared.adapters.tables.ledger_repo import ClaimHeader
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.installment_parts import installment_parts
from shared.domain.plans.plan import PaymentPlan, PlanStatus
from shared.services.ledger.costs_holds import plan_costs_ref


def with_plan_parts(
    records: Sequence[ClaimRecord],
    headers: Iterable[ClaimHeader],
    plan_of: Callable[[str], PaymentPlan | None],
) -> list[ClaimRecord]:
    """``records`` with their parts of the installments of each plan over the principal their
    headers name (``plan_of``: the plan by id; read only for a debtor who had one). A paused
    plan, or one gone, keeps deferring the whole principal, as before installments were known:
    nothing is set off against its claims early."""
    prefix = plan_costs_ref("")
    held: dict[str, tuple[date, list[str]]] = {}
    for h in headers:
        for ref, start, _ in h.costs_held:
            if ref.startswith(prefix):
                held.setdefault(ref[len(prefix) :], (start, []))[1].append(h.invoice_number)
    if not held:
        return list(records)
    by_number = {r.number: r for r in records}
    for plan_id, (start, numbers) in sorted(held.items()):
        plan = plan_of(plan_id)
        if plan is None or plan.include_costs or plan.status is PlanStatus.PAUSED:
            continue
        mine = [by_number[n] for n in numbers if n in by_number]
        schedule = [(i.due_date, i.amount) for i in plan.schedule]
        for number, parts in installment_parts(mine, start, schedule).items():
            r = by_number[number]
            terms = replace(r.terms, plan_installments=r.terms.plan_installments + parts)
            by_number[number] = ClaimRecord(terms, r.events)
    return [by_number[r.number] for r in records]
