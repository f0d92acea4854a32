from datetime import date

import pytest

from shared.domain.law.allocation import Component, OpenClaim, allocate_payment

OLD = OpenClaim("INV-1", date(2024, 1, 1), principal=10_000, interest=500, costs=4_000)
NEW = OpenClaim("INV-2", date(2024, 3, 1), principal=20_000, interest=300, costs=0)


def test_costs_then_interest_then_principal_oldest_first():
    result = allocate_payment(5_000, [NEW, OLD])
    assert [(x.claim_id, x.component, x.amount) for x in result.lines] == [
        ("INV-1", Component.COSTS, 4_000),
        ("INV-1", Component.INTEREST, 500),
        ("INV-2", Component.INTEREST, 300),
        ("INV-1", Component.PRINCIPAL, 200),
    ]
    assert result.unallocated == 0


def test_overpayment_is_left_unallocated():
    result = allocate_payment(40_000, [OLD, NEW])
    assert result.unallocated == 40_000 - (14_500 + 20_300)
    assert result.applied_to("INV-2")[Component.PRINCIPAL] == 20_000


def test_designated_claim_goes_first_but_still_costs_before_principal():
    result = allocate_payment(20_300, [OLD, NEW], designated=["INV-2"])
    assert result.applied_to("INV-2") == {
        Component.COSTS: 0,
        Component.INTEREST: 300,
        Component.PRINCIPAL: 20_000,
    }
    assert result.applied_to("INV-1")[Component.PRINCIPAL] == 0


def test_rest_after_designated_claims_follows_the_default_rule():
    result = allocate_payment(25_000, [OLD, NEW], designated=["INV-2"])
    assert result.applied_to("INV-1")[Component.COSTS] == 4_000
    assert result.applied_to("INV-1")[Component.INTEREST] == 500
    assert result.applied_to("INV-1")[Component.PRINCIPAL] == 200


def test_unknown_designation_is_refused():
    with pytest.raises(ValueError, match="not open"):
        allocate_payment(100, [OLD], designated=["NOPE"])


def test_sum_of_lines_plus_unallocated_is_the_payment():
    for amount in (0, 1, 4_000, 4_501, 34_800, 99_999):
        result = allocate_payment(amount, [OLD, NEW])
        assert sum(x.amount for x in result.lines) + result.unallocated == amount
