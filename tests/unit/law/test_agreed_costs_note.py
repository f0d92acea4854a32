"""cm24 F3: agreed B2B collection costs are said to exceed the staffel where they do, and for
which claims: a percentage (at most 15 %) above some principal (15 % above 2,500.00: 1,500.00 on
10,000.00 where the staffel gives 875.00), a fixed amount below some principal; in the page's
language. Before: no note for any percentage that can be set (it spoke only of one above 15 %),
a fixed amount's note in English on the Dutch page and without the claims it concerns."""

from __future__ import annotations

from fractions import Fraction

import pytest

from shared.domain.law.agreed_costs import (
    above_staffel_from,
    below_staffel_until,
    reasonableness_note,
)
from shared.domain.law.collection_costs import AgreedCosts, CostBasis, collection_costs


def _agreed(percent: str, principal: int) -> int:
    rate = Fraction(percent) / 100
    return collection_costs(principal, consumer=False,
                            agreed=AgreedCosts(CostBasis.PERCENTAGE, percentage=rate)).costs  # fmt: skip


def _staffel(principal: int) -> int:
    return collection_costs(principal, consumer=False).costs


@pytest.mark.parametrize(("percent", "start"), [("15", 250_000), ("12.5", 500_000),
                                                ("10", 750_000), ("5", 1_937_500),
                                                ("1", 35_500_000), ("0.5", None)])  # fmt: skip
def test_a_percentage_exceeds_the_staffel_from_its_principal_on(percent: str, start: int | None):
    assert above_staffel_from(Fraction(percent) / 100) == start
    if start is not None:  # at it no more than the staffel, a hundred euros above it more
        assert _agreed(percent, start) <= _staffel(start)
        assert _agreed(percent, start + 10_000) > _staffel(start + 10_000)


def test_a_fixed_amount_exceeds_the_staffel_below_its_principal():
    assert below_staffel_until(25_000) == 166_667  # 250.00 = 15 % of 1,666.67
    assert below_staffel_until(62_500) == 500_000
    assert below_staffel_until(4_000) == 0  # the minimum: never above the staffel
    assert _staffel(166_600) < 25_000 <= _staffel(166_700)


def test_the_note_says_for_which_claims_in_the_page_language():
    assert reasonableness_note("15.00", 0) == (
        "15.00 % is above the staffel for claims above EUR 2,500.00: a court may cut agreed "
        "costs to the staffel unless they are reasonable (art. 6:96 lid 2 BW; HR 10-7-2015, "
        "ECLI:NL:HR:2015:1868)"
    )
    nl = reasonableness_note("10.00", 0, "nl")
    assert nl is not None and nl.startswith(
        "10,00 % is meer dan de staffel voor vorderingen boven € 7.500,00: een rechter kan "
    )
    fixed = reasonableness_note(None, 25_000, "nl")
    assert fixed is not None
    assert fixed.startswith(
        "een vast bedrag van € 250,00 is meer dan de staffel voor vorderingen onder € 1.666,67"
    )
    assert reasonableness_note(None, 4_000) is None and reasonableness_note(None, 0) is None
