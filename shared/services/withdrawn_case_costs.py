"""Business cases withdrawn before disputes27's deploy, which lost the costs of their hand-over.

disputes27 (newfix26 F6) keeps a withdrawn business case's hand-over as the claim's sommatie
day (``Ledger.FourteenDayLetterOn``), so the costs made in engaging collection stay owed when
the client collects again (6:96 lid 2 sub c and lid 4 BW). Cases withdrawn before that deploy
lost the day: their claims owe 0.00 costs (K061 1,000.00: 0.00 where 150.00 is owed).

They are not restated by themselves, neither at the deploy nor in a daily run (law28). The
client took the case back and has collected since on the figure without costs. It may have
named that figure to the debtor, agreed a plan on it, or been paid it. Costs owed by a
business are default law the creditor may leave unclaimed. And raising a claim months later
moves what the client was told is open. Unlike a statutory rate table (rate_restatement.py),
nothing in the law makes the higher figure apply by itself, so a person decides, case by case:

- :func:`withdrawn_without_costs` lists them: the agency's withdrawn cases of a business
  debtor, handed over by the daily run, whose claims have no sommatie day;
- :func:`restore` writes the hand-over day on the claims still open with no money Inning
  booked since (those need no new allocation). It writes only where the day is empty, so a
  second run changes nothing. It notes the restatement once on the debtor's contact log, which
  the client reads. Paid, credited or withdrawn claims, claims with money booked and claims a
  payment plan holds (agreed on the figure without costs: review28) are listed with the
  reason and left to the person (an import of ``fourteen_day_letter_on``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from shared.adapters.tables.cases_repo import Case
from shared.clock import amsterdam_date
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.ledger.terms import default_from
from shared.domain.parties import DebtorKind
from shared.domain.records import ContactEntry, ContactKind
from shared.ports.tables import Conflict
from shared.services.ledger.service import LedgerService
from shared.services.repositories import Repositories

OPEN = (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID)


@dataclass(frozen=True)
class ClaimWithoutCosts:
    number: str
    owed_from: date  # the day the costs are owed from once restored
    left: str | None  # why restore() leaves it to a person; None: restore() restores it


@dataclass(frozen=True)
class WithdrawnWithoutCosts:
    case_id: str
    client_id: str
    debtor_number: str
    handed_over_on: date
    withdrawn_on: date | None
    claims: tuple[ClaimWithoutCosts, ...]


def withdrawn_without_costs(
    repos: Repositories, ledger: LedgerService, agency_id: str
) -> list[WithdrawnWithoutCosts]:
    found: list[WithdrawnWithoutCosts] = []
    for case in repos.cases.list(agency_id):
        if case.status != "withdrawn":
            continue
        claims = _claims(repos, ledger, case)
        if claims:
            withdrawn = amsterdam_date(case.withdrawn_at) if case.withdrawn_at else None
            found.append(WithdrawnWithoutCosts(case.case_id, case.client_id, case.debtor_number,
                                               amsterdam_date(case.created_at), withdrawn,
                                               tuple(claims)))  # fmt: skip
    return found


def restore(
    repos: Repositories, ledger: LedgerService, agency_id: str, case_id: str, now: datetime
) -> list[str]:
    """The claims of withdrawn case ``case_id`` restored (their numbers); none when it is not
    one of :func:`withdrawn_without_costs` or all of them were restored already."""
    wanted = [w for w in withdrawn_without_costs(repos, ledger, agency_id) if w.case_id == case_id]
    if not wanted:
        return []
    case = wanted[0]
    restored: list[str] = []
    for claim in case.claims:
        if claim.left is not None:
            continue
        header = ledger.ledger.header(case.client_id, case.debtor_number, claim.number)
        interest_from = header.interest_from if header is not None else None
        ledger.set_imported_dates(case.client_id, case.debtor_number, claim.number,
                                  claim.owed_from, interest_from)  # fmt: skip
        restored.append(claim.number)
    if restored:
        key = hashlib.sha256(f"{case_id}|{'|'.join(restored)}".encode()).hexdigest()[:12]
        try:  # once per case and claims: a second run finds nothing left to restore anyway
            repos.contacts.add(ContactEntry(
                case.client_id, case.debtor_number, f"costs-restored-{key}", now, ContactKind.STATUS,
                f"Collection costs of the hand-over restored on {', '.join(restored)}: owed from "
                f"{case.handed_over_on.isoformat()} (case {case_id}, withdrawn before it kept them)",
                invoice_numbers=tuple(restored)))  # fmt: skip
        except Conflict:
            pass
    return restored


def _claims(repos: Repositories, ledger: LedgerService, case: Case) -> list[ClaimWithoutCosts]:
    found = repos.clients.get(case.client_id)
    if found is None or found[0].client_bears_costs:
        return []  # the client bears the costs: the debtor owes none of them
    debtor = repos.debtors.get(case.client_id, case.debtor_number)
    if debtor is None or debtor[0].kind is DebtorKind.B2C:
        return []  # a consumer's costs rest on his 14-day letter, untouched by a withdrawal
    handed_over_on = amsterdam_date(case.created_at)
    stored = repos.invoices.get_many(case.client_id, list(case.invoice_numbers))
    claims: list[ClaimWithoutCosts] = []
    for number in sorted(stored):
        invoice = stored[number].invoice
        if invoice.handed_over_to is not None or invoice.dunning_step_on is None:
            continue  # handed over again (its own case), or by hand: no costs from the run
        header = ledger.ledger.header(case.client_id, case.debtor_number, number)
        if header is not None and header.fourteen_day_letter_on is not None:
            continue  # kept at the withdrawal (disputes27), restored, or a letter of its own
        interest_from = header.interest_from if header is not None else None
        owed_from = max(default_from(invoice.due_date, interest_from), handed_over_on)
        left = _left(invoice) or _in_plan(repos, case.client_id, number)
        claims.append(ClaimWithoutCosts(number, owed_from, left))
    return claims


def _in_plan(repos: Repositories, client_id: str, number: str) -> str | None:
    """Why a claim a payment plan holds is left to a person: the plan was agreed on the figure
    without costs and asks no more when the claim rises, so restored costs would be dunned
    after the debtor kept it (review28)."""
    from shared.adapters.tables.plans_repo import PlanRepository

    plan_id = PlanRepository(repos.store).holding_plan(client_id, number)
    if plan_id is None:
        return None
    return f"held by payment plan {plan_id}: agreed on the figure without costs"


def _left(invoice: Invoice) -> str | None:
    if invoice.status is InvoiceStatus.DISPUTED:  # open, and waits: not closed by the client
        return "disputed: restore it once the dispute has ended"
    if invoice.status not in OPEN:
        return f"{invoice.status.value}: the client closed it on the figure without costs"
    if invoice.payments:
        return "money booked since: a new figure would move what it paid (6:44)"
    return None
