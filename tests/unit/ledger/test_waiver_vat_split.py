"""law15 F3: a waiver of part of the costs of a client that cannot deduct VAT leaves VAT at
21 % of the costs left (Besluit BIK art. 2 lid 3: the costs are raised by the VAT; Inning's
rule: costs + round_half_up(21 % of costs), split back by letter_costs.vat_in).

Consumer F1 1,000.00, costs 15 % = 150.00 + VAT 31.50 = 181.50. Waive 50.00 (costs with their
VAT): 131.50 left. By hand: C + round(0.21 C) = 131.50 gives C = 108.68 (0.21 x 108.68 =
22.8228 -> 22.82; 108.68 + 22.82 = 131.50): waived 41.32 + 8.68. The VAT share was rounded
down (50.00 x 31.50 / 181.50 = 8.677 -> 8.67), leaving 108.67 + 22.83 where 21 % of 108.67 is
22.82."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from shared.domain.dunning.letter_costs import vat_in, with_vat
from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import Component
from shared.domain.ledger.replay import open_claims
from shared.domain.money import round_half_up
from tests.unit.ledger.test_claims import terms

DAY = date(2025, 3, 10)


def _left_after(principal: int, amount: int, costs_vat: bool = True) -> tuple[int, int, int, int]:
    """(costs, VAT) open before and after waiving ``amount`` of the costs on DAY."""
    record = ClaimRecord(terms(principal=principal, costs_vat=costs_vat))
    before = open_claims([record], DAY)["F1"].open
    events = booking.waive([record], "F1", Component.COSTS, amount, DAY, "goodwill")
    after = open_claims([ClaimRecord(record.terms, events)], DAY)["F1"].open
    return before.costs, before.costs_vat, after.costs, after.costs_vat


def test_the_lawyers_waiver() -> None:
    assert _left_after(100_000, 5_000) == (15_000, 3_150, 10_868, 2_282)


@given(st.integers(min_value=5_000, max_value=2_000_000), st.data())
def test_a_waiver_leaves_vat_at_21_percent_of_the_costs_left(
    principal: int, data: st.DataObject
) -> None:
    record = ClaimRecord(terms(principal=principal, costs_vat=True))
    open_costs = open_claims([record], DAY)["F1"].open
    whole = open_costs.costs + open_costs.costs_vat
    amount = data.draw(st.integers(min_value=1, max_value=whole))
    costs_before, vat_before, costs, vat = _left_after(principal, amount)
    # what is waived is the amount, no part of it more than was open, none negative
    assert costs + vat == whole - amount
    assert 0 <= costs <= costs_before and 0 <= vat <= vat_before
    left = whole - amount
    if with_vat(left - vat_in(left)) == left:  # an exact split exists: the waiver keeps it
        assert vat == round_half_up(costs * Fraction(21, 100)), (amount, costs, vat)


@given(st.integers(min_value=1, max_value=15_000))
def test_a_client_that_deducts_vat_waives_costs_only(amount: int) -> None:
    assert _left_after(100_000, amount, costs_vat=False) == (15_000, 0, 15_000 - amount, 0)
