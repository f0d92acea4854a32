"""The VAT inside a 14-day letter's announced collection costs.

The ledger announces one figure per letter, costs and VAT together, for the letter's invoices:
one notice (one debtor, one date from which costs are owed), whose VAT is 21 % of its costs
rounded half up once (shared/domain/ledger/costs.py). ``costs + round_half_up(21 % of costs)``
grows with the costs, so the figure splits back into its two parts exactly; the letter of a
client that cannot deduct VAT must state that part (Besluit BIK art. 2 lid 3).
"""

from __future__ import annotations

from shared.domain.law.collection_costs import VAT_RATE
from shared.domain.money import Cents, round_half_up


def with_vat(costs: Cents) -> Cents:
    return costs + round_half_up(costs * VAT_RATE)


def vat_in(total: Cents) -> Cents:
    """The VAT in ``total`` = costs + 21 % VAT on them. A total no costs figure gives (a sum of
    separately rounded notices) keeps the largest costs figure that fits: the VAT part then
    carries the cent of difference."""
    if total <= 0:
        return 0
    costs = int(total / (1 + VAT_RATE))  # within a cent or two below the answer
    while with_vat(costs + 1) <= total:
        costs += 1
    while costs > 0 and with_vat(costs) > total:
        costs -= 1
    return total - costs
