"""The collection agency's payment plans on its cases (agencyplan26, newcomer24 F4).

An incassobureau's most common work on a case is a payment arrangement with the debtor. The
agency makes it on the invoices of one of its open cases (the case's debtor, the whole claim as
the case books it: costs, interest and principal in the order of art. 6:44 BW), the debtor
pays it to the agency's third-party account under the plan's own betalingskenmerk, and the
booked money is the case's money: the agency's settlement pays it out to the client as it does
all case money. Everything else is the ordinary plan (``PlanService``): the schedule, the
ledger, the daily run's reminders, grace and lapse; only its party differs
(``agency_party``): its items and lapse go to the agency, never to the client, and the client
reads it but does not change it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.adapters.tables.cases_repo import Case
from shared.domain.parties import Client
from shared.domain.plans.plan import HOLDS_DUNNING, PaymentPlan
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.plans.agency_party import CASE_WITHDRAWN, open_case
from shared.services.plans.service import PlanRequest, PlanService
from shared.services.repositories import Repositories


class AgencyPlans:
    def __init__(self, repos: Repositories, plans: PlanService) -> None:
        self.repos = repos
        self.plans = plans

    def _client(self, case: Case) -> Client:
        found = self.repos.clients.get(case.client_id)
        if found is None or found[0].agency_id != case.agency_id:
            raise NotFound(f"case {case.case_id} not found")
        return found[0]

    def _open(self, agency_id: str, case_id: str) -> tuple[Case, Client]:
        case = open_case(self.repos, agency_id, case_id)
        return case, self._client(case)

    def _paid_to(self, agency_id: str) -> None:
        """The agency's plan is paid to its third-party account: one without it makes or starts
        none (422 ``agency_no_third_party_account``). The agreement told the debtor to pay
        "naar  onder vermelding van ..." (no account), and no statement could book it: the
        plan lapsed on a debtor with nowhere to pay (attack27 F3)."""
        agency = self.repos.agencies.get(agency_id)
        if agency is None or not agency.third_party_iban:
            raise Invalid(
                "the agency's plan is paid to its third-party account (derdengeldenrekening), "
                "and the agency has none: record it first (inning agency update <agency> --iban)",
                field="agency",
                code="agency_no_third_party_account",
                params={"agency": agency_id},
            )

    def _read(self, agency_id: str, case_id: str, client_id: str | None) -> tuple[Case, Client]:
        """The case for reading, open or withdrawn: the agency's, or (``client_id``) the
        client's own case only (another's answers 404 as one that does not exist)."""
        found = self.repos.cases.get(agency_id, case_id)
        if found is None or (client_id is not None and found[0].client_id != client_id):
            raise NotFound(f"case {case_id} not found")
        return found[0], self._client(found[0])

    def create(self, agency_id: str, case_id: str, req: PlanRequest, author: str) -> PaymentPlan:
        """A draft plan of the agency over invoices of its open case: the case's debtor, by
        default every invoice of the case it still collects. 422 ``case_not_open`` for a
        withdrawn case, ``plan_invoice_not_in_case`` for an invoice the case does not hold."""
        case, client = self._open(agency_id, case_id)
        self._paid_to(agency_id)
        numbers = req.invoice_numbers or self._collected(client, case)
        outside = [n for n in numbers if n not in case.invoice_numbers]
        if outside:
            raise Invalid(
                f"invoice {outside[0]} is not in case {case_id}: the agency's plan covers "
                "invoices of the case",
                field="invoices",
                code="plan_invoice_not_in_case",
                params={"invoice": outside[0], "case": case_id},
            )
        request = replace(req, debtor_number=case.debtor_number, invoice_numbers=numbers)
        return self.plans.create(client, request, author, agency_id=agency_id)

    def _collected(self, client: Client, case: Case) -> tuple[str, ...]:
        """The case's invoices the agency still collects (handed over, open)."""
        stored = self.repos.invoices.get_many(client.client_id, list(case.invoice_numbers))
        return tuple(
            n
            for n in case.invoice_numbers
            if n in stored
            and stored[n].invoice.handed_over_to == case.agency_id
            and stored[n].invoice.is_collectable
        )

    def of_case(
        self, agency_id: str, case_id: str, client_id: str | None = None
    ) -> list[PaymentPlan]:
        """The agency's plans on the case's invoices (the client may read those of its own
        cases: their status, not to change them)."""
        case, client = self._read(agency_id, case_id, client_id)
        held = set(case.invoice_numbers)
        return [
            p
            for p in self.plans.plans.of_debtor(client.client_id, case.debtor_number)
            if p.agency_id == agency_id and set(p.invoice_numbers) <= held
        ]

    def get(
        self, agency_id: str, case_id: str, plan_id: str, client_id: str | None = None
    ) -> tuple[Client, PaymentPlan]:
        case, client = self._read(agency_id, case_id, client_id)
        found = self.plans.plans.get(client.client_id, plan_id)
        if (
            found is None
            or found[0].agency_id != agency_id
            or found[0].debtor_number != case.debtor_number
            or not set(found[0].invoice_numbers) <= set(case.invoice_numbers)
        ):
            raise NotFound(f"plan {plan_id} not found")
        return client, found[0]

    def _own(self, agency_id: str, case_id: str, plan_id: str) -> Client:
        """The client whose partition holds the agency's plan on this case (404 otherwise)."""
        return self.get(agency_id, case_id, plan_id)[0]

    def activate(self, agency_id: str, case_id: str, plan_id: str, author: str) -> PaymentPlan:
        """Start the draft: only while the case is open (a withdrawn case's invoices are the
        client's again: ``case_not_open``)."""
        self._open(agency_id, case_id)
        client = self._own(agency_id, case_id, plan_id)
        self._paid_to(agency_id)
        return self.plans.activate(client, plan_id, author, agency_id=agency_id)

    def delete(self, agency_id: str, case_id: str, plan_id: str) -> None:
        client = self._own(agency_id, case_id, plan_id)
        self.plans.delete(client, plan_id, agency_id=agency_id)

    def pause(
        self, agency_id: str, case_id: str, plan_id: str, reason: str, author: str
    ) -> PaymentPlan:
        client = self._own(agency_id, case_id, plan_id)
        return self.plans.pause(client, plan_id, reason, author, agency_id=agency_id)

    def resume(self, agency_id: str, case_id: str, plan_id: str, author: str) -> PaymentPlan:
        self._open(agency_id, case_id)
        client = self._own(agency_id, case_id, plan_id)
        return self.plans.resume(client, plan_id, author, agency_id=agency_id)

    def cancel(
        self, agency_id: str, case_id: str, plan_id: str, reason: str, author: str
    ) -> PaymentPlan:
        client = self._own(agency_id, case_id, plan_id)
        return self.plans.cancel(client, plan_id, reason, author, agency_id=agency_id)

    def postpone(
        self,
        agency_id: str,
        case_id: str,
        plan_id: str,
        move: tuple[int, date, bool],
        author: str,
    ) -> PaymentPlan:
        """Move installment ``n`` to a day (and the later ones with it): the debtor gets the
        new schedule, as for a client's plan."""
        number, to, shift_later = move
        client = self._own(agency_id, case_id, plan_id)
        return self.plans.postpone(client, plan_id, number, to, shift_later, author,
                                   agency_id=agency_id)  # fmt: skip

    def end_for_case(self, client: Client, case: Case) -> list[str]:
        """The case was withdrawn: its invoices are the client's again, so each of the
        agency's plans running or paused over them ends (``case withdrawn: <case>``), the
        debtor told by the cancel's notice whom to pay now (the client, on its account:
        ``PlanService._payee``). The plans ended; idempotent (a repeat finds them ended)."""
        held = set(case.invoice_numbers)
        ended = []
        for plan in self.plans.plans.of_debtor(client.client_id, case.debtor_number):
            if (
                plan.agency_id != case.agency_id
                or plan.status not in HOLDS_DUNNING
                or not held & set(plan.invoice_numbers)
            ):
                continue
            try:
                self.plans.cancel(client, plan.plan_id, f"{CASE_WITHDRAWN}{case.case_id}",
                                  "the case's withdrawal", agency_id=case.agency_id)  # fmt: skip
            except ConflictingUpdate:
                continue  # changed meanwhile (ended by its own run): the repeat looks again
            ended.append(plan.plan_id)
        return ended
