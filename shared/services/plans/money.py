"""What a plan covers and what has been paid towards it, read from the claim ledger.

The plan service depends on this narrow port rather than on how claims are booked: the
ledger answers it (principal, costs, VAT on costs and interest by law), and a test can answer
it with figures of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from shared.domain.ledger.booking import CREDITED
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import RESTATED, ClaimFigures, Component, EventKind
from shared.domain.ledger.replay import open_claims
from shared.domain.ledger.restate import received_day
from shared.domain.money import Cents
from shared.domain.parties import Client
from shared.services.ledger.plan_parts import PlansById
from shared.services.ledger.service import LedgerService
from shared.services.plans.lapse_figures import OwedOnLapse, owed_on_lapse


class PlanMoney(Protocol):
    def open_amounts(
        self,
        client: Client,
        debtor_number: str,
        invoice_numbers: list[str],
        include_costs: bool,
        on: date,
    ) -> dict[str, Cents]:
        """The open amount of each invoice on ``on`` (costs, their VAT and interest included
        when asked); invoices that are closed or unknown are absent."""
        ...

    def left_owed(
        self, client: Client, debtor_number: str, invoice_numbers: list[str], on: date
    ) -> Cents:
        """Everything the invoices' claims still owe on ``on`` (costs, their VAT, interest
        and principal), also of an invoice whose principal is paid."""
        ...

    def owed_on_lapse(
        self, client: Client, debtor_number: str, invoice_numbers: list[str], on: date
    ) -> OwedOnLapse:
        """What the invoices' claims owe on ``on`` per component (principal, interest, costs
        and their VAT, the days the costs became owed): what a lapse notice states."""
        ...

    def costs_held_on(
        self, client: Client, debtor_number: str, invoice_numbers: list[str], on: date
    ) -> bool:
        """Whether collection costs on these claims are not yet owed on ``on`` and will be from
        a later day (an arrangement holds them): costs the debtor can still avoid."""
        ...

    def paid_towards(
        self,
        client: Client,
        debtor_number: str,
        invoice_numbers: list[str],
        since: date,
        include_costs: bool = True,
    ) -> Cents:
        """What payments received on or after ``since`` that still stand brought to these
        invoices, every component counted (the principal only, for a plan over it)."""
        ...

    def received_by(
        self,
        client: Client,
        debtor_number: str,
        invoice_numbers: list[str],
        since: date,
        include_costs: bool,
        until: date,
    ) -> Cents:
        """``paid_towards``, of the money received on or before ``until`` only (a back-dated
        payment by the day it was received, however late it was booked)."""
        ...

    def standing(
        self,
        client: Client,
        debtor_number: str,
        invoice_numbers: list[str],
        since: date,
        include_costs: bool,
        on: date,
        plans: PlansById | None = None,
    ) -> tuple[Cents, Cents | None]:
        """``paid_towards``, and what the invoices still owe on ``on`` (every component, or
        the principal only; None when nothing can be told), from one read: the run compares
        both with the plan. ``plans``: the plans by id the caller holds (the one it runs),
        not read again for the claims' installments."""
        ...


class LedgerMoney:
    def __init__(self, ledger: LedgerService) -> None:
        self.ledger = ledger

    def open_amounts(
        self,
        client: Client,
        debtor_number: str,
        invoice_numbers: list[str],
        include_costs: bool,
        on: date,
    ) -> dict[str, Cents]:
        # the debtor's invoices read once, and handed to the ledger (which would read them again)
        found = self.ledger.repos.debtors.get(client.client_id, debtor_number)
        invoices = self.ledger.repos.invoices.for_debtor(client.client_id, debtor_number)
        collectable = {i.number for i in invoices if i.is_collectable}
        figures = self.ledger.open_claims(
            client,
            invoice_numbers,
            on,
            debtor=found[0] if found else None,
            every_invoice=invoices,
        )
        out: dict[str, Cents] = {}
        for number, f in figures.items():
            if number not in collectable:
                continue
            amount = f.open.total if include_costs else f.open.principal
            if amount > 0:
                out[number] = amount
        return out

    def _open_claims(
        self, client: Client, debtor_number: str, invoice_numbers: list[str], on: date
    ) -> dict[str, ClaimFigures]:
        """The plan's claims as they stand on ``on`` (the debtor read for his kind)."""
        found = self.ledger.repos.debtors.get(client.client_id, debtor_number)
        return self.ledger.open_claims(
            client, invoice_numbers, on, debtor=found[0] if found else None
        )

    def left_owed(
        self, client: Client, debtor_number: str, invoice_numbers: list[str], on: date
    ) -> Cents:
        figures = self._open_claims(client, debtor_number, invoice_numbers, on)
        return Cents(sum(f.open.total for f in figures.values()))

    def owed_on_lapse(
        self, client: Client, debtor_number: str, invoice_numbers: list[str], on: date
    ) -> OwedOnLapse:
        figures = self._open_claims(client, debtor_number, invoice_numbers, on)
        return owed_on_lapse(list(figures.values()), on)

    def costs_held_on(
        self, client: Client, debtor_number: str, invoice_numbers: list[str], on: date
    ) -> bool:
        figures = self._open_claims(client, debtor_number, invoice_numbers, on)
        return any(f.costs_owed_from is not None and f.costs_owed_from > on
                   for f in figures.values())  # fmt: skip

    def paid_towards(
        self,
        client: Client,
        debtor_number: str,
        invoice_numbers: list[str],
        since: date,
        include_costs: bool = True,
    ) -> Cents:
        records = self.ledger.debtor_claims(client, debtor_number).records
        return _paid(records, set(invoice_numbers), since, principal_only=not include_costs)

    def received_by(
        self,
        client: Client,
        debtor_number: str,
        invoice_numbers: list[str],
        since: date,
        include_costs: bool,
        until: date,
    ) -> Cents:
        records = self.ledger.debtor_claims(client, debtor_number).records
        return _paid(records, set(invoice_numbers), since, principal_only=not include_costs,
                     until=until)  # fmt: skip

    def standing(
        self,
        client: Client,
        debtor_number: str,
        invoice_numbers: list[str],
        since: date,
        include_costs: bool,
        on: date,
        plans: PlansById | None = None,
    ) -> tuple[Cents, Cents | None]:
        wanted = set(invoice_numbers)
        claims = self.ledger.debtor_claims(client, debtor_number, plans=plans)
        paid = _paid(claims.records, wanted, since, principal_only=not include_costs)
        # always replayed: a claim is lowered not only by what is let go on it (a waiver,
        # write-off or credit: events), but also by what it is read under, which leaves no
        # event when no money had to move (a debtor corrected to a consumer, a 14-day letter
        # reported undeliverable: law11 #2); a plan that asked on would be paid "short"
        rates = self.ledger.rates_in_force() if self.ledger.rates_in_force else None
        figures = open_claims(claims.records, on, rates)
        owed = 0
        for record in claims.records:
            f = figures.get(record.number)
            if record.number not in wanted or f is None or record.terms.closed:
                continue  # a credited or withdrawn invoice owes nothing any more
            owed += max(0, f.open.total if include_costs else f.open.principal)
        return paid, owed


def _paid(
    records: Sequence[ClaimRecord],
    wanted: set[str],
    since: date,
    principal_only: bool = False,
    until: date | None = None,
) -> Cents:
    """Allocations to these invoices on or after ``since`` of the payments that still stand
    (to their principal only, for a plan over the principal: what it asks is principal);
    with ``until``, only of money received on or before that day (``received_day``)."""
    allocated: dict[str, Cents] = {}
    reversed_ids: set[str] = set()
    counted: dict[tuple[str, str, Component], Cents] = {}
    moved: dict[tuple[str, str, Component], Cents] = {}
    for record in records:
        if record.terms.invoice_number not in wanted:
            continue
        for event in record.events:
            if event.payment_id is None:
                continue
            if event.kind is EventKind.REVERSAL and (
                event.reason == CREDITED or (event.reason or "").startswith(RESTATED)
            ):  # a restatement moved it (another component or claim): not money returned
                # a credit note moved the money to the debtor's other claims (where it counts
                # if they are the plan's): only what this claim counted is taken off here
                if not (principal_only and event.component is not Component.PRINCIPAL):
                    key = (record.number, event.payment_id, event.component)
                    moved[key] = moved.get(key, 0) + event.amount
            elif event.kind is EventKind.REVERSAL:
                reversed_ids.add(event.payment_id)
            elif event.kind is EventKind.ALLOCATED and event.on >= since:
                if principal_only and event.component is not Component.PRINCIPAL:
                    continue
                if until is not None and received_day(event) > until:
                    continue
                allocated[event.payment_id] = allocated.get(event.payment_id, 0) + event.amount
                key = (record.number, event.payment_id, event.component)
                counted[key] = counted.get(key, 0) + event.amount
    for key, amount in moved.items():
        allocated[key[1]] = allocated.get(key[1], 0) - min(amount, counted.get(key, 0))
    return sum(a for pid, a in allocated.items() if pid not in reversed_ids)
