"""A claim keeps the cost terms its 14-day letter or sommatie announced (law8 finding 1;
docs/law.md, "Client settings changed after a letter").

The letter states the costs and whether VAT is added to them (art. 6:96 lid 6 BW; Besluit
BIK art. 2 lid 3: VAT only when the creditor expressly says it cannot deduct it), and the
interest it claims. The ledger builds a claim's terms from the client's settings, so a
setting changed after the letter (VAT no longer deductible, costs no longer borne by the
client, a minimum lowered, interest switched on, a contractual rate set) would ask the
debtor another figure than his letter said. The client keeps its earlier cost terms
(``Client.earlier_terms``), and a claim runs on the terms in force on the day of its
letter: a claim announced before a change keeps the old ones, one whose letter comes after
it runs on the new ones (a new contractual rate, too, only for claims whose letter states
it, from their first interest day). A claim without a letter yet runs on today's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.domain.invoices import Invoice
from shared.domain.law.fourteen_day_letter import LATEST_LETTER_BEFORE_OWED
from shared.domain.parties import Client, CostTerms


def cost_terms(client: Client, until: date) -> CostTerms:
    return CostTerms(
        until=until,
        vat_deductible=client.vat_deductible,
        client_bears_costs=client.client_bears_costs,
        charge_interest=client.charge_interest,
        contractual_interest_percent=client.contractual_interest_percent,
        costs_minimum_principal=client.costs_minimum_principal,
    )


def keep_earlier_terms(before: Client, after: Client, today: date) -> Client:
    """``after`` (the client as it is saved) with the terms ``before`` had kept in its history
    when the change touches them: claims announced until ``today`` keep those."""
    was = cost_terms(before, today)
    history = before.earlier_terms
    if was != cost_terms(after, today):
        history = (*history, was)
    return replace(after, earlier_terms=history)


def terms_on(client: Client, day: date) -> Client:
    """The client with the cost terms in force on ``day`` (the day of a claim's letter)."""
    for terms in client.earlier_terms:  # oldest first
        if day <= terms.until:
            return replace(
                client,
                vat_deductible=terms.vat_deductible,
                client_bears_costs=terms.client_bears_costs,
                charge_interest=terms.charge_interest,
                contractual_interest_percent=terms.contractual_interest_percent,
                costs_minimum_principal=terms.costs_minimum_principal,
            )
    return client


def announced_on(invoice: Invoice, *, consumer: bool, letter_on: date | None) -> date | None:
    """The day of the claim's first letter: the imported one's date, or for Inning's own the
    latest day it can have had (it is dated by its term's end: a change in the days of post
    before it counts as before it, the letter having gone out on the older terms at the
    latest then); a business's sommatie is the day its costs became owed. None: no letter."""
    days = [letter_on] if letter_on is not None else []
    if invoice.costs_owed_from is not None:
        owed = invoice.costs_owed_from
        days.append(owed - LATEST_LETTER_BEFORE_OWED if consumer else owed)
    return min(days) if days else None
