"""Collection costs over combined claims (art. 6:96 lid 7 BW and docs/law.md, cumulation).

The invoices of one debtor whose costs became owed on the same day were demanded in one notice
(one 14-day letter, one sommatie, one hand-over): they carry **one** WIK amount, computed over
their principals added up, and split over the claims pro rata (largest remainder, so the parts
add up to the cent). The base is the principal still open on the last day of the term: a
consumer who paid part within the term owes costs on the unpaid part only (HR 25-11-2016,
ECLI:NL:HR:2016:2704). A client's minimum applies to the summed base.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from shared.domain.law.collection_costs import collection_costs
from shared.domain.ledger.accrual import _principal_delta
from shared.domain.ledger.model import ClaimTerms, Component, EventKind, LedgerEvent
from shared.domain.money import Cents


@dataclass(frozen=True)
class CostsShare:
    costs: Cents
    vat: Cents


@dataclass(frozen=True)
class ClaimRecord:
    """One claim as stored: its terms and its event stream."""

    terms: ClaimTerms
    events: tuple[LedgerEvent, ...] = ()

    @property
    def number(self) -> str:
        return self.terms.invoice_number


def fixed_costs(events: Sequence[LedgerEvent]) -> CostsShare | None:
    charged = [e for e in events if e.kind is EventKind.CHARGED]
    costs = [e for e in charged if e.component is Component.COSTS]
    if not costs:
        return None
    vat = sum(e.amount for e in charged if e.component is Component.COSTS_VAT)
    return CostsShare(sum(e.amount for e in costs), vat)


def costs_base(record: ClaimRecord) -> Cents:
    """Principal open at the end of the day before the costs became owed."""
    terms = record.terms
    assert terms.costs_owed_from is not None
    if terms.closed:
        return 0
    open_ = terms.principal - terms.principal_settled_elsewhere
    for e in record.events:
        if e.on < terms.costs_owed_from:
            open_ += _principal_delta(e)
    return max(0, open_)


def split(total: Cents, weights: Sequence[Cents]) -> list[Cents]:
    """``total`` over ``weights`` pro rata; the parts add up to ``total`` exactly."""
    whole = sum(weights)
    if whole <= 0:
        return [0] * len(weights)
    floors = [total * w // whole for w in weights]
    rest = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-((total * weights[i]) % whole), i))
    for i in order[:rest]:
        floors[i] += 1
    return floors


def costs_shares(records: Sequence[ClaimRecord], on: date) -> dict[str, CostsShare]:
    """Each claim's part of the collection costs owed on ``on`` (fixed ones as fixed)."""
    out: dict[str, CostsShare] = {}
    groups: dict[tuple[str, date], list[ClaimRecord]] = {}
    for record in records:
        terms = record.terms
        fixed = fixed_costs([e for e in record.events if e.on <= on])
        if fixed is not None:
            out[record.number] = fixed
        elif terms.costs_owed_from is not None and terms.costs_owed_from <= on:
            groups.setdefault((terms.debtor_number, terms.costs_owed_from), []).append(record)
    for (_, _), members in groups.items():
        members = sorted(members, key=lambda r: r.number)
        bases = [costs_base(r) for r in members]
        total = sum(bases)
        minimum = max(r.terms.costs_minimum_base for r in members)
        if total <= 0 or total < minimum:
            for r in members:
                out[r.number] = CostsShare(0, 0)
            continue
        consumer = any(r.terms.consumer for r in members)
        vat = any(r.terms.costs_vat for r in members)
        wik = collection_costs(total, consumer=consumer, vat_not_deductible=vat)
        for r, c, v in zip(members, split(wik.costs, bases), split(wik.vat, bases), strict=True):
            out[r.number] = CostsShare(c, v)
    return out
