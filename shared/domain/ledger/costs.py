"""Collection costs over combined claims (art. 6:96 lid 7 BW and docs/law.md, cumulation).

The invoices of one debtor whose costs became owed on the same day were demanded in one notice
(one 14-day letter, one sommatie, one hand-over): they carry **one** WIK amount, computed over
their principals added up, and split over the claims pro rata (largest remainder, so the parts
add up to the cent). The base is the principal still open on the last day of the term: a
consumer who paid part within the term owes costs on the unpaid part only (HR 25-11-2016,
ECLI:NL:HR:2016:2704), and interest paid within the term counts as paid against the
principal (:func:`costs_base`). A client's minimum applies to the summed base.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from shared.domain.law.calendar_math import add_months
from shared.domain.law.collection_costs import VAT_RATE, collection_costs
from shared.domain.ledger.accrual import _principal_delta
from shared.domain.ledger.model import ClaimTerms, Component, EventKind, LedgerEvent
from shared.domain.money import Cents, round_half_up


@dataclass(frozen=True)
class CumulationCap:
    """The Wki limit on stacking collection costs for consumers on small recurring claims
    (art. 6:96 BW as amended by the Wet kwaliteit incassodienstverlening, from 2024-10-01).

    Sourced from secondary sources only (docs/law.md, cumulation): the amended text could not
    be retrieved. Applied conservatively, in the debtor's favour: a consumer's notices for
    claims each below ``threshold`` whose costs became owed within ``months`` of each other
    carry at most ``cap`` in costs together. One versioned place for the figures.
    """

    effective_from: date
    threshold: Cents
    months: int
    cap: Cents


WKI_CUMULATION = CumulationCap(date(2024, 10, 1), threshold=26_667, months=6, cap=14_000)


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
    """The principal left unpaid by the end of the term (art. 6:96 lid 6 BW: a consumer owes
    costs only when he did not pay within the term what the letter demanded; a business's
    base is the principal left open).

    What was paid is measured against the principal: the interest that accrued meanwhile is
    still owed, but a payment 6:44 put on it counts as paid against the principal here, or a
    debtor who pays within the term exactly the principal the letter asks would owe the EUR 40
    minimum over the few cents of interest left on the principal (law3 finding 3). The
    letter's date is not on every claim (Inning's own letters date only the term's end), so
    every payment before the costs became owed counts: in the debtor's favour by at most the
    interest paid before the letter."""
    terms = record.terms
    assert terms.costs_owed_from is not None
    if terms.closed:
        return 0
    open_ = terms.principal - terms.principal_settled_elsewhere
    paid_otherwise = 0  # paid within the term on interest (costs are not owed yet then)
    for e in record.events:
        if e.on < terms.costs_owed_from:
            open_ += _principal_delta(e)
            if terms.consumer and e.component is not Component.PRINCIPAL and e.payment_id:
                if e.kind is EventKind.ALLOCATED:
                    paid_otherwise += e.amount
                elif e.kind is EventKind.REVERSAL:
                    paid_otherwise -= e.amount
    return max(0, open_ - paid_otherwise)


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


def costs_shares(
    records: Sequence[ClaimRecord], on: date, cumulation: CumulationCap | None = WKI_CUMULATION
) -> dict[str, CostsShare]:
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
    for (_, _), members in sorted(groups.items(), key=lambda g: g[0][1]):  # oldest notice first
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
        # a business notice: the client's agreed costs where its terms have them (6:96 lid 5)
        agreed = None if consumer else members[0].terms.agreed_costs
        wik = collection_costs(total, consumer=consumer, vat_not_deductible=vat, agreed=agreed)
        costs, vat_amount = wik.costs, wik.vat
        room = (
            _room_under_cap(records, members, out, cumulation) if cumulation and consumer else None
        )
        if room is not None and room < costs:
            costs = room
            vat_amount = round_half_up(costs * VAT_RATE) if vat else 0
        for r, c, v in zip(members, split(costs, bases), split(vat_amount, bases), strict=True):
            out[r.number] = CostsShare(c, v)
    return out


def _room_under_cap(
    records: Sequence[ClaimRecord],
    members: list[ClaimRecord],
    decided: dict[str, CostsShare],
    cap: CumulationCap,
) -> Cents | None:
    """How much costs a notice of small consumer claims may still carry: the cap less the
    costs of the debtor's earlier small-claim notices owed within the look-back window."""
    owed_from = members[0].terms.costs_owed_from
    assert owed_from is not None
    if owed_from < cap.effective_from or any(r.terms.principal >= cap.threshold for r in members):
        return None  # not small claims, or before the rule: the staffel alone decides
    window_start = add_months(owed_from, -cap.months)
    debtor = members[0].terms.debtor_number
    earlier = 0
    for r in records:
        t = r.terms
        if (
            r in members
            or t.debtor_number != debtor
            or t.costs_owed_from is None
            or t.principal >= cap.threshold
            or not window_start < t.costs_owed_from <= owed_from
        ):
            continue
        share = decided.get(r.number)
        earlier += share.costs if share else 0
    return max(0, cap.cap - earlier)
