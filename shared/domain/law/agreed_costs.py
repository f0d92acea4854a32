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
from math import ceil

from shared.domain.law.collection_costs import MINIMUM, STAFFEL, AgreedCosts, CostBasis
from shared.domain.money import Cents, format_eur_en, format_eur_nl
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


def above_staffel_from(rate: Fraction) -> Cents | None:
    """The principal (cents, rounded up) above which ``rate`` of it exceeds the staffel, or
    None when it never does. The staffel is concave (its bands' rates fall), so a percentage
    that passes it stays above it until the cap binds both (EUR 6,775 from 1,000,000.00)."""
    lower, staffel = 0, Fraction(0)
    for width, band_rate in STAFFEL:
        if rate > band_rate:
            # rate x P > staffel(lower) + band_rate x (P - lower) from this principal on
            start = (staffel - band_rate * lower) / (rate - band_rate)
            if width is None or start < lower + width:
                return max(lower, ceil(start))
        if width is None:
            return None
        lower, staffel = lower + width, staffel + band_rate * width
    return None


def below_staffel_until(fixed: Cents) -> Cents:
    """The principal (cents) below which a fixed amount exceeds the staffel: where the staffel
    reaches it (EUR 40 and less: never, the minimum is EUR 40 whatever was agreed)."""
    lower, staffel = 0, Fraction(0)
    for width, band_rate in STAFFEL:
        reach = lower + (fixed - staffel) / band_rate
        if width is None or reach <= lower + width:
            return 0 if fixed <= MINIMUM else ceil(reach)
        lower, staffel = lower + width, staffel + band_rate * width
    return 0  # not reached: the last band has no width


_CUT = {
    "en": "a court may cut agreed costs to the staffel unless they are reasonable "
    "(art. 6:96 lid 2 BW; HR 10-7-2015, ECLI:NL:HR:2015:1868)",
    "nl": "een rechter kan overeengekomen incassokosten tot de staffel matigen, tenzij ze "
    "redelijk zijn (art. 6:96 lid 2 BW; HR 10-7-2015, ECLI:NL:HR:2015:1868)",
}


def reasonableness_note(percent: str | None, fixed: Cents, lang: str = "en") -> str | None:
    """When the agreed costs exceed the staffel, and for which claims, what a court may do
    (cm24 F3: a percentage of at most 15 % exceeds it above some principal, 15 % above
    2,500.00; the note spoke only of one above 15 %, which cannot be set)."""
    nl = lang == "nl"
    cut = _CUT["nl" if nl else "en"]
    if percent:
        start = above_staffel_from(Fraction(Decimal(percent)) / 100)
        if start is None:
            return None
        shown = percent.replace(".", ",") if nl else percent
        if nl:
            return f"{shown} % is meer dan de staffel voor vorderingen boven {format_eur_nl(start)}: {cut}"
        return f"{shown} % is above the staffel for claims above {format_eur_en(start)}: {cut}"
    if fixed > MINIMUM:
        until = below_staffel_until(fixed)
        if nl:
            return f"een vast bedrag van {format_eur_nl(fixed)} is meer dan de staffel voor vorderingen onder {format_eur_nl(until)}: {cut}"
        return f"a fixed amount of {format_eur_en(fixed)} is above the staffel for claims below {format_eur_en(until)}: {cut}"
    return None
