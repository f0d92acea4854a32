"""A business client's agreed collection costs as a setting (law4 finding 10; docs/law.md,
"Agreed costs for businesses").

Between businesses the costs clause of the client's terms applies instead of the staffel
(art. 6:96 lid 5 BW makes the staffel mandatory only for consumers): a percentage of the
principal or a fixed amount, never below EUR 40 (:func:`collection_costs`). A consumer always
gets the staffel, whatever the client agreed with its business debtors. The court tests the
agreed amount's reasonableness (6:96 lid 2; HR 10-7-2015, ECLI:NL:HR:2015:1868) and may cut
it to the staffel: :func:`reasonableness_note` says when the setting goes above it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from shared.domain.law.collection_costs import STAFFEL, AgreedCosts, CostBasis
from shared.domain.money import Cents

MAX_PERCENT = Decimal(100)
TOP_STAFFEL_PERCENT = Decimal(STAFFEL[0][1].numerator * 100) / STAFFEL[0][1].denominator


class AgreedCostsError(ValueError):
    """A setting that cannot be agreed costs."""


def parse_percent(text: str) -> str:
    """``"15"``, ``"12,5"``, ``"12.50 %"`` -> ``"12.50"``: above 0, at most 100, at most two
    decimals (what the setting stores)."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AgreedCostsError("the percentage is a number above 0 and at most 100") from None
    if not value.is_finite() or not Decimal(0) < value <= MAX_PERCENT:
        raise AgreedCostsError("the percentage is a number above 0 and at most 100")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise AgreedCostsError("the percentage has at most two decimals")
    return f"{value:.2f}"


def agreed_costs(percent: str | None, fixed: Cents) -> AgreedCosts | None:
    """The client's setting as the costs rule takes it; None: the staffel."""
    if percent:
        return AgreedCosts(CostBasis.PERCENTAGE, percentage=Fraction(Decimal(percent)) / 100)
    if fixed > 0:
        return AgreedCosts(CostBasis.FIXED, fixed=fixed)
    return None


def reasonableness_note(percent: str | None, fixed: Cents) -> str | None:
    """When the agreed costs exceed the staffel for some claims, what a court may do."""
    if percent and Decimal(percent) > TOP_STAFFEL_PERCENT:
        return (
            f"{percent} % is above the staffel's highest rate ({TOP_STAFFEL_PERCENT:.0f} %): "
            "a court may cut agreed costs to the staffel unless they are reasonable "
            "(art. 6:96 lid 2 BW; HR 10-7-2015, ECLI:NL:HR:2015:1868)"
        )
    if fixed > 0:
        return (
            "a fixed amount is above the staffel for the smaller claims: a court may cut it to "
            "the staffel unless it is reasonable (art. 6:96 lid 2 BW; HR 10-7-2015, "
            "ECLI:NL:HR:2015:1868)"
        )
    return None
