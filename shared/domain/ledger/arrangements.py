"""Arrangements the creditor agreed inside the 14-day term, and the collection costs
(art. 6:96 lid 6 BW; docs/law.md, "Arrangements inside the 14-day term").

A consumer owes the costs only when he did not pay within the term the 14-day letter gave
him. When the creditor itself, before that term ended, agreed to be paid later, the debtor
who pays as agreed has paid in time: a postponement (uitstel van betaling) until a day moves
the first day the costs can be owed to the day after it; a payment plan (over the whole claim
or over the principal only, law7 finding 8) keeps them from arising while it runs and is kept (a kept plan pays the claim off, so they
never arise), and when it lapses they are owed from the day it lapsed, over the principal
then unpaid (the base rule of 6:96 lid 6, HR 25-11-2016, ECLI:NL:HR:2016:2704: costs on the
unpaid part only). An arrangement made after the costs became owed changes nothing: the costs
were owed already.

Pure: the claim's figures on any day follow from the stored arrangements, so the ledger stays
replayable and a redelivered booking computes the same costs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CostsHold:
    """An arrangement agreed on ``made_on``; the costs can be owed from ``resumes_on`` at
    the earliest (None: the arrangement still runs, or was kept to the end)."""

    made_on: date
    resumes_on: date | None


def costs_owed_after_arrangements(
    owed_from: date | None, holds: Iterable[CostsHold]
) -> date | None:
    """The first day the costs are owed, given the arrangements agreed before that day.

    Arrangements are taken in the order they were made: one made before the (possibly already
    moved) day counts, so a second postponement granted within the first one moves the day
    again, and one made after the costs became owed does not."""
    if owed_from is None:
        return None
    day = owed_from
    for hold in sorted(holds, key=lambda h: (h.made_on, h.resumes_on or date.max)):
        if hold.made_on >= day:
            continue  # agreed after the costs became owed: they stay owed
        if hold.resumes_on is None:
            return None  # runs (or was kept): no costs
        day = max(day, hold.resumes_on)
    return day


def held_principal_first(spans: Iterable[tuple[date, date | None]], received: date) -> bool:
    """Whether money received on ``received`` falls in a plan over the principal only that held
    the claim (``spans``: [from, until), until None while it runs or once it was kept): the
    creditor agreed that order when the debtor paid, so the money goes on the principal first
    however late a fact allocates it again (a return of an earlier payment; law16 F4: 11.29 of
    the 500.00 paid under the plan went to interest when the plan's first payment came back)."""
    return any(start <= received and (until is None or received < until) for start, until in spans)
