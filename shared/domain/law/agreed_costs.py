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
from shared.domain.reasons import Reason

# The bounds of what may be set (attack6 finding 1; docs/law.md "Agreed costs for businesses"):
# 15 % is the staffel's own highest rate and the percentage courts usually accept as agreed
# B2B costs (higher ones are cut to the staffel, HR 10-7-2015, ECLI:NL:HR:2015:1868); a fixed
# amount per notice at most the staffel's cap (EUR 6,775: what the law allows on the largest
# claim), so no setting can ask more than any court would award on any claim.
MAX_PERCENT = Decimal(15)
MAX_FIXED: Cents = 677_500
TOP_STAFFEL_PERCENT = Decimal(STAFFEL[0][1].numerator * 100) / STAFFEL[0][1].denominator


class AgreedCostsError(ValueError):
    """A setting that cannot be agreed costs."""


_PERCENT_RANGE = Reason(
    f"the percentage is a number above 0 and at most {MAX_PERCENT:.0f}",
    code="percent_range", params={"limit": int(MAX_PERCENT)},
)  # fmt: skip


def fixed_error(amount: Cents) -> str | None:
    """Why a fixed amount per notice cannot be agreed costs; None: it can."""
    if not 0 < amount <= MAX_FIXED:
        return Reason(f"the amount is in euros, above 0 and at most {MAX_FIXED // 100:,}.00",
                      code="fixed_range", params={"amount": MAX_FIXED})  # fmt: skip
    return None


def parse_percent(text: str) -> str:
    """``"15"``, ``"12,5"``, ``"12.50 %"`` -> ``"12.50"``: above 0, at most 15, at most two
    decimals (what the setting stores)."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AgreedCostsError(_PERCENT_RANGE) from None
    if not value.is_finite() or not Decimal(0) < value <= MAX_PERCENT:
        raise AgreedCostsError(_PERCENT_RANGE)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise AgreedCostsError(
            Reason("the percentage has at most two decimals", code="percent_decimals")
        )
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
