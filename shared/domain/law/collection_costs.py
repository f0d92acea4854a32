"""Extrajudicial collection costs (BIK) under the Besluit vergoeding voor buitengerechtelijke
incassokosten (Stb. 2012, 141), art. 2, and art. 6:96 BW.

The staffel is computed exactly (fractions of a cent kept) and rounded half up once, at the end,
so that 266.66 gives 39.999 -> 40.00 and 2,501.00 gives 375.10.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from shared.domain.money import Cents, round_half_up

MINIMUM: Cents = 4_000  # art. 2 lid 2
MAXIMUM: Cents = 677_500  # art. 2 lid 1, "met een maximum van € 6775"
VAT_RATE = Fraction(21, 100)  # art. 2 lid 3 via art. 9 lid 1 Wet OB 1968

# (width of the band in cents or None for "the remainder", rate)
STAFFEL: tuple[tuple[Cents | None, Fraction], ...] = (
    (250_000, Fraction(15, 100)),
    (250_000, Fraction(10, 100)),
    (500_000, Fraction(5, 100)),
    (19_000_000, Fraction(1, 100)),
    (None, Fraction(5, 1000)),
)


class CostBasis(StrEnum):
    STAFFEL = "staffel"
    PERCENTAGE = "percentage"
    FIXED = "fixed"


@dataclass(frozen=True)
class AgreedCosts:
    """Collection costs agreed in a B2B client's terms (art. 6:96 lid 5: default law for B2B).

    ``percentage`` is a fraction of the principal (``Fraction(15, 100)`` for 15%);
    ``fixed`` is an amount in cents. Either way the result is at least EUR 40 (lid 4) and at
    most the staffel's cap, EUR 6,775 (the most the law gives on any claim).
    """

    basis: CostBasis = CostBasis.STAFFEL
    percentage: Fraction | None = None
    fixed: Cents | None = None

    def __post_init__(self) -> None:
        if self.basis is CostBasis.PERCENTAGE and (self.percentage is None or self.percentage <= 0):
            raise ValueError("agreed percentage costs need a positive percentage")
        if self.basis is CostBasis.FIXED and (self.fixed is None or self.fixed <= 0):
            raise ValueError("agreed fixed costs need a positive amount")


@dataclass(frozen=True)
class Band:
    lower: Cents
    upper: Cents | None
    rate: Fraction
    base: Cents
    amount: Fraction  # exact, in cents


@dataclass(frozen=True)
class CollectionCosts:
    principal: Cents
    basis: CostBasis
    bands: tuple[Band, ...]
    uncapped: Fraction  # exact staffel or agreed amount before minimum/maximum, in cents
    costs: Cents  # after minimum, maximum and rounding, excluding VAT
    vat: Cents
    minimum_applied: bool
    maximum_applied: bool

    @property
    def total(self) -> Cents:
        return self.costs + self.vat


def staffel_bands(principal: Cents) -> tuple[Band, ...]:
    if principal < 0:
        raise ValueError("principal must not be negative")
    bands: list[Band] = []
    lower = 0
    for width, rate in STAFFEL:
        upper = None if width is None else lower + width
        base = principal - lower if upper is None else min(principal, upper) - lower
        if base <= 0:
            break
        bands.append(Band(lower, upper, rate, base, base * rate))
        if upper is None:
            break
        lower = upper
    return tuple(bands)


def collection_costs(
    principal: Cents,
    *,
    consumer: bool,
    vat_not_deductible: bool = False,
    agreed: AgreedCosts | None = None,
) -> CollectionCosts:
    """The collection costs for the summed principal of all claims in one notice (6:96 lid 7).

    ``consumer``: a natural person not acting in a profession or business; the staffel is then
    mandatory (lid 5) and ``agreed`` terms are ignored. Whether the costs are *owed* yet (after
    the 14-day letter) is :mod:`shared.domain.law.fourteen_day_letter`'s question, not this one.

    ``vat_not_deductible``: the client cannot deduct VAT and says so explicitly (Besluit art. 2
    lid 3); 21% is then added on top, also on top of the maximum.
    """
    if principal <= 0:
        raise ValueError("principal must be positive")
    terms = agreed if (agreed is not None and not consumer) else AgreedCosts()
    bands = staffel_bands(principal)
    if terms.basis is CostBasis.STAFFEL:
        uncapped = sum((b.amount for b in bands), Fraction(0))
        rounded = round_half_up(uncapped)
        costs = min(max(rounded, MINIMUM), MAXIMUM)
        minimum_applied = rounded < MINIMUM
        maximum_applied = rounded > MAXIMUM
    else:
        if terms.basis is CostBasis.PERCENTAGE:
            assert terms.percentage is not None
            uncapped = principal * terms.percentage
        else:
            assert terms.fixed is not None
            uncapped = Fraction(terms.fixed)
        rounded = round_half_up(uncapped)
        # agreed costs never exceed the staffel's cap: a percentage grows with the principal,
        # and 15 % of 1,000,000.00 (150,000.00) is 22 times what the law gives on the largest
        # claim; no court finds that reasonable (6:96 lid 2 BW; HR 10-7-2015,
        # ECLI:NL:HR:2015:1868), and a fixed amount is bounded by the same figure (law8 F4)
        costs = min(max(rounded, MINIMUM), MAXIMUM)
        minimum_applied = rounded < MINIMUM
        maximum_applied = rounded > MAXIMUM
    vat = round_half_up(costs * VAT_RATE) if vat_not_deductible else 0
    return CollectionCosts(
        principal=principal,
        basis=terms.basis,
        bands=bands if terms.basis is CostBasis.STAFFEL else (),
        uncapped=uncapped,
        costs=costs,
        vat=vat,
        minimum_applied=minimum_applied,
        maximum_applied=maximum_applied,
    )
