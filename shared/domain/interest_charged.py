"""Which kinds of interest a claim was really charged (misc16 #1).

A claim under an agreed rate is charged the higher of the agreed and the statutory rate on
each day (art. 6:119 lid 3, 6:119a lid 8 BW; :mod:`shared.domain.ledger.accrual`): on a day
the statutory rate is the higher, that day's interest is statutory interest, not
"overeengekomen rente". An agreed 8 % over 2024 for a business charged the statutory 12.50 %
and 12.25 % every day: all of it was "wettelijke handelsrente"; an agreed 11 % from June 2025
charged 11.15 % in June and its own 11 % from July (10.15 %): both kinds. So the name of a claim's interest
follows the days that bore it, not the client's terms alone.

The answer is exact: it compares the claim's accrual with the accrual at the statutory rate
alone and at the agreed rate alone (the same events, payments and anniversaries). The actual
accrual equals one of them exactly when that rate was the higher (or equal) on every day that
bore interest; days without a base (the principal paid, a plan's pause) decide nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from fractions import Fraction

from shared.domain.law.interest_rates import RateChange, RateTable, default_rate_table
from shared.domain.ledger.accrual import accrued_interest
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, InterestRule, LedgerEvent


def statutory_rule(terms: ClaimTerms) -> InterestRule:
    """The statutory kind an agreed rate stands in for: 6:119a for a business, 6:119 for a
    consumer (the table :func:`accrual._rate` reads for the claim)."""
    return InterestRule.CONSUMER if terms.consumer else InterestRule.COMMERCIAL


def _agreed_only(table: RateTable) -> RateTable:
    """A table whose statutory rate is nil wherever the real one knows a rate: the higher of
    it and the agreed rate is the agreed rate on every day."""
    return RateTable((RateChange(table.first_date, Fraction(0), Fraction(0)),))


def kinds_charged(
    terms: ClaimTerms,
    events: Sequence[LedgerEvent],
    on: date,
    rates: RateTable | None = None,
) -> tuple[InterestRule, ...]:
    """The kinds of interest in the claim's interest for a settlement on ``on``: its rule
    itself, except for an agreed rate, which gives ``(CONTRACTUAL,)`` when the agreed rate
    was the higher (or equal) on every day that bore interest (or none did yet), the
    statutory kind alone when that one was higher on every such day, and both otherwise."""
    if terms.interest_rule is not InterestRule.CONTRACTUAL or terms.contractual_rate is None:
        return (terms.interest_rule,)
    table = rates or default_rate_table()
    seen = [e for e in events if e.on <= on]
    charged = accrued_interest(terms, seen, on, table)
    if charged == accrued_interest(terms, seen, on, _agreed_only(table)):
        return (InterestRule.CONTRACTUAL,)
    statutory = replace(terms, interest_rule=statutory_rule(terms), contractual_rate=None)
    if charged == accrued_interest(statutory, seen, on, table):
        return (statutory_rule(terms),)
    return (InterestRule.CONTRACTUAL, statutory_rule(terms))


def kinds_of_claims(
    records: Iterable[ClaimRecord],
    numbers: Iterable[str],
    on: date,
    rates: RateTable | None = None,
) -> dict[str, tuple[InterestRule, ...]]:
    """:func:`kinds_charged` of each of ``numbers`` among ``records``."""
    wanted = set(numbers)
    return {
        r.number: kinds_charged(r.terms, r.events, on, rates) for r in records if r.number in wanted
    }
