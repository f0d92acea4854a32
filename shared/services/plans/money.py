"""What a plan covers and what has been paid towards it, read from the books.

The plan service depends on this narrow port rather than on how claims are booked, so that
the claim ledger (principal, costs, VAT, interest) can answer it without the plans knowing.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from shared.domain.money import Cents
from shared.domain.parties import Client
from shared.services.repositories import Repositories


class PlanMoney(Protocol):
    def open_amounts(
        self, client: Client, invoice_numbers: list[str], include_costs: bool, on: date
    ) -> dict[str, Cents]:
        """The open amount of each invoice on ``on`` (costs and interest included when asked
        and owed); invoices that are closed or unknown are absent."""
        ...

    def paid_towards(self, client: Client, invoice_numbers: list[str], since: date) -> Cents:
        """What payments received on or after ``since`` that still stand brought to these
        invoices."""
        ...


class PrincipalMoney:
    """The books as invoices keep them: the open principal, and the payments each invoice
    records (a reversed payment leaves the invoice's list, so it no longer counts)."""

    def __init__(self, repos: Repositories) -> None:
        self.repos = repos

    def open_amounts(
        self, client: Client, invoice_numbers: list[str], include_costs: bool, on: date
    ) -> dict[str, Cents]:
        stored = self.repos.invoices.get_many(client.client_id, invoice_numbers)
        return {
            n: s.invoice.open_amount
            for n, s in stored.items()
            if s.invoice.is_collectable and s.invoice.open_amount > 0
        }

    def paid_towards(self, client: Client, invoice_numbers: list[str], since: date) -> Cents:
        total = 0
        for stored in self.repos.invoices.get_many(client.client_id, invoice_numbers).values():
            for payment_id, cents in stored.invoice.payments:
                payment = self.repos.payments.get(client.client_id, payment_id)
                if payment is not None and not payment.reversed and payment.received_on >= since:
                    total += cents
        return total
