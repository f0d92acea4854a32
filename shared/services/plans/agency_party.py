"""Which party a payment plan is (agencyplan26): the client's own, or the collection agency's.

An invoice handed over to the agency is the agency's to collect until its case is withdrawn
(``shared.services.handed_over``), so a payment arrangement over it is the agency's too: the
agency makes, starts, changes and ends it, on the invoices of one of its open cases, and the
client only reads it. These are the rules that tell the two apart; the plan itself is an
ordinary plan (the same schedule, ledger, daily run), kept in the client's partition because
its invoices and their ledger are there."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from shared.adapters.tables.cases_repo import Case
from shared.domain.invoices import Invoice
from shared.domain.plans.plan import PaymentPlan
from shared.domain.references import betalingskenmerk
from shared.domain.scopes import agency_scope
from shared.domain.statements.model import StatementLine
from shared.ports.tables import TableStore
from shared.services.errors import Invalid, NotFound, NotPermitted
from shared.services.handed_over import refuse_handed_over
from shared.services.repositories import Repositories

if TYPE_CHECKING:
    from shared.services.plan_designation import PlanMemo

# the digits after the check digit of every agency plan's betalingskenmerk: a statement line of
# the agency's account is looked up as a possible agency plan's only when its reference carries
# them, so the other references (the invoices', 99 in 100 of them) cost no read
AGENCY_PLAN_MARK = "99"


def agency_plan_reference(random_digits: int) -> str:
    """An agency plan's own betalingskenmerk: the mark, 13 random digits, its check digit."""
    return betalingskenmerk.generate(f"{AGENCY_PLAN_MARK}{random_digits % 10**13:013d}")


def could_be_an_agency_plans(reference: str) -> bool:
    """A 16-digit betalingskenmerk carrying the agency plans' mark (no read for any other)."""
    from shared.services.plan_designation import could_be_a_plans

    return could_be_a_plans(reference) and reference[1:3] == AGENCY_PLAN_MARK


# the start of the reason of an agency's plan ended because its case was withdrawn: the
# invoices are the client's again, so its notice names the client's account
CASE_WITHDRAWN = "case withdrawn: "


def refuse_for_party(
    repos: Repositories,
    agency_id: str | None,
    invoices: Iterable[Invoice],
    field: str = "invoices",
) -> None:
    """The client (``agency_id`` None) plans no invoice an agency collects
    (``invoice_handed_over``); the agency plans only invoices it collects now
    (``plan_invoice_not_handed_over``): one still the client's is the client's to arrange."""
    if agency_id is None:
        refuse_handed_over(repos, invoices, field=field)
        return
    for invoice in invoices:
        if invoice.handed_over_to != agency_id:
            raise Invalid(
                f"invoice {invoice.number} is not handed over to this agency: the client "
                "arranges payment of its own invoices",
                field=field,
                code="plan_invoice_not_handed_over",
                params={"invoice": invoice.number},
            )


def open_case(repos: Repositories, agency_id: str, case_id: str) -> Case:
    """The agency's case, open; another agency's (or none) is not found (404), a withdrawn
    one is refused (422 ``case_not_open``): its invoices are the client's again."""
    found = repos.cases.get(agency_id, case_id)
    if found is None:
        raise NotFound(f"case {case_id} not found")
    case = found[0]
    if case.status != "open":
        raise Invalid(
            f"case {case_id} is {case.status}: its invoices are the client's again, so the "
            "agency makes no plan on it",
            field="case",
            code="case_not_open",
            params={"case": case_id, "status": case.status},
        )
    return case


def refuse_other_party(plan: PaymentPlan, agency_id: str | None) -> None:
    """Only the plan's own party changes it: the client not the agency's plan (403
    ``plan_of_agency``: it may read it), the agency through its case only its own plans (a
    client's plan is not found there)."""
    if plan.agency_id == agency_id:
        return
    if agency_id is not None:
        raise NotFound(f"plan {plan.plan_id} not found")
    raise NotPermitted(
        f"plan {plan.plan_id} is the collection agency's, on invoices it collects: the agency "
        "changes, pauses or ends it (POST /v1/cases/{case}/plans/…); the client reads it",
        field="plan",
        code="plan_of_agency",
        params={"plan": plan.plan_id},
    )


def items_scope(plan: PaymentPlan) -> str:
    """The action list a plan's items go on: the agency's for its plan (the client does not
    collect those invoices), else the client's."""
    return agency_scope(plan.agency_id) if plan.agency_id else plan.client_id


def clients_of_agency_plans(
    store: TableStore,
    agency_id: str,
    lines: Iterable[StatementLine],
    memo: PlanMemo | None = None,
) -> set[str]:
    """The clients whose invoices a line of the agency's third-party account may pay because
    it quotes the betalingskenmerk of one of this agency's plans (its agreement asks the
    debtor to pay there under it, quoting nothing else): as a line quoting a client's code
    with an open case does (``StatementService._clients_for``). Only 16-digit references with
    the agency plans' mark cost a read (``AGENCY_PLAN_MARK``), at most two a line. ``memo``
    gets each plan found, as :func:`~shared.services.plan_designation.plan_of_reference`
    keeps it, so the matcher's lookup of the same reference reads it no more (review26: two
    reads a line again, seven a line in all where five is the budget, issue #13)."""
    from shared.adapters.tables.plans_repo import PlanRepository
    from shared.domain.statements.designation import line_references
    from shared.services.plan_designation import MAX_PLAN_REFERENCES

    plans = PlanRepository(store)
    seen: dict[str, str | None] = {}
    for line in lines:
        for reference in line_references(line)[:MAX_PLAN_REFERENCES]:
            if reference in seen or not could_be_an_agency_plans(reference):
                continue
            owner = plans.by_reference(reference)
            found = plans.get(*owner) if owner is not None else None
            agency = found[0].agency_id if found is not None else None
            seen[reference] = found[0].client_id if found and agency == agency_id else None
            if memo is not None and found is not None and agency == agency_id:
                memo[found[0].client_id, reference] = found[0]
    return {c for c in seen.values() if c is not None}
