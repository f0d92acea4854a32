"""The payment plans a statement line names by their own betalingskenmerk (law14 F0).

A plan's notice tells the debtor to transfer each installment "onder vermelding van
betalingskenmerk {the plan's reference}" (plans/notices.py). A line carrying it is his
designation of the plan's invoices (art. 6:43 lid 1 BW), read wherever a line's designation is
decided (the matcher's booking, a statement window, a person's confirm) and wherever the
matcher looks a reference up, so the installment is booked on the plan's claims and the plan
counts it paid, as an online installment is (pay_online.py)."""

from __future__ import annotations

from collections.abc import Collection

from shared.adapters.tables.plans_repo import PlanRepository
from shared.domain.plans.plan import PaymentPlan
from shared.domain.references import betalingskenmerk
from shared.domain.statements.designation import line_references
from shared.domain.statements.model import StatementLine
from shared.ports.tables import TableStore

# as the matcher: a line's first two references are looked up, no more (a text full of digit
# runs must not cost a read each)
MAX_PLAN_REFERENCES = 2


# the plans a statement file's references were found to be (or not): a line's reference is
# asked by the matcher's lookup and again by its booking's designation (one file, one answer)
PlanMemo = dict[tuple[str, str], "PaymentPlan | None"]


def plan_of_reference(
    store: TableStore, client_id: str, reference: str, memo: PlanMemo | None = None
) -> PaymentPlan | None:
    """The client's plan whose own betalingskenmerk ``reference`` is (normalised digits); None
    when it is no plan's, or another client's (one point read, two when found; none for a
    reference no plan can have, or one ``memo`` answered already)."""
    if not could_be_a_plans(reference):
        return None
    if memo is not None and (client_id, reference) in memo:
        return memo[client_id, reference]
    plans = PlanRepository(store)
    owner = plans.by_reference(reference)
    found = plans.get(*owner) if owner is not None and owner[0] == client_id else None
    plan = found[0] if found else None
    if memo is not None:
        memo[client_id, reference] = plan
    return plan


def could_be_a_plans(reference: str) -> bool:
    """A plan's own reference is a 16-digit betalingskenmerk with its check digit
    (``PlanService`` makes it with :func:`betalingskenmerk.generate`): anything else (an RF or
    Belgian reference, a digit run, a number with a typo) is no plan's and costs no read of
    ``PlanReferences`` (issue #13: at most 5 storage requests a statement line)."""
    return len(reference) == 16 and betalingskenmerk.is_valid(reference)


def plan_invoices_named(
    store: TableStore,
    client_id: str,
    line: StatementLine,
    debtor: str | None = None,
    memo: PlanMemo | None = None,
) -> frozenset[str]:
    """The invoices of the client's plans whose reference the line carries: named by the
    debtor whatever the plan's status now (paid after a lapse it still names those claims;
    docs/law.md, "Designation"). ``debtor``: only his plans (the debtor the line is booked
    on: the plan's reference designates all its invoices, also those the booking does not
    use, and a payment is designated only to its own debtor's claims); None: any."""
    out: set[str] = set()
    for reference in line_references(line)[:MAX_PLAN_REFERENCES]:
        plan = plan_of_reference(store, client_id, reference, memo)
        if plan is not None and debtor in (None, plan.debtor_number):
            out.update(plan.invoice_numbers)
    return frozenset(out)


def plan_designation(
    store: TableStore, client_id: str, line: StatementLine, booked: Collection[tuple[str, str]]
) -> frozenset[str]:
    """The plan invoices the line designates when booked on ``booked`` (number, debtor): every
    invoice of the plans of that debtor whose reference it carries (codereview14 F6); booked
    on no one debtor, only those among ``booked`` (a payment is designated only to its own
    debtor's claims)."""
    debtors = {debtor for _, debtor in booked}
    if len(debtors) == 1:
        return plan_invoices_named(store, client_id, line, debtors.pop())
    return plan_invoices_named(store, client_id, line) & {number for number, _ in booked}
