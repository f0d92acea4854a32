"""VAT on the collection costs the agency keeps as its fee (law3 finding 7): the agreement's
default, the debtor's costs_vat as that VAT for a client that cannot deduct VAT (never counted
twice), and settlements from before the setting unchanged."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.records import AllocatedAmount, Payment, PaymentSource
from shared.domain.settlement.agreement import SettlementAgreement
from shared.domain.settlement.statement import contribution, totals
from tests.unit.settlement.conftest import PAYOUT_C1


def agreement(**extra: object) -> SettlementAgreement:
    return SettlementAgreement("C1", "A1", PAYOUT_C1, "Bakkerij", commission_bp=1000, **extra)  # type: ignore[arg-type]


def pay(pid: str, *allocs: tuple[str, int]) -> Payment:
    return Payment(
        "C1", pid, "D1", sum(a for _, a in allocs), date(2025, 4, 1), PaymentSource.BANK,
        allocations=tuple(AllocatedAmount("F1", c, a) for c, a in allocs),
    )  # fmt: skip


def settle(a: SettlementAgreement, *payments: Payment) -> dict[str, int]:
    t = totals([contribution(p, a) for p in payments], fee_vat_bp=a.fee_vat_bp, carried_in=0,
               vat_on_costs_kept=a.vat_on_costs_kept)  # fmt: skip
    assert t.balanced
    return {
        k: getattr(t, k)
        for k in ("to_agency", "commission", "fee_vat", "fee_vat_from_debtor", "payout")
    }


def test_a_deducting_client_is_charged_vat_on_the_costs_the_agency_keeps() -> None:
    # 1,000.00 = costs 150.00 + interest 10.00 + principal 840.00; 10 % commission, 21 % VAT.
    # Hand: client part 850.00, commission 85.00; fee 85.00 + 150.00 = 235.00, VAT 21 % =
    # 49.35 (17.85 on the commission + 31.50 on the costs, the input VAT the client deducts);
    # payout 850.00 - 85.00 - 49.35 = 715.65. (main: fee_vat 17.85, payout 747.15)
    a = agreement()
    assert a.vat_on_costs_kept  # the default
    got = settle(a, pay("p1", ("costs", 15000), ("interest", 1000), ("principal", 84000)))
    assert got == {"to_agency": 15000, "commission": 8500, "fee_vat": 4935,
                   "fee_vat_from_debtor": 0, "payout": 71565}  # fmt: skip


def test_a_non_deducting_clients_costs_vat_is_the_vat_on_the_fee_counted_once() -> None:
    # 1,000.00 = costs 150.00 + costs_vat 31.50 + interest 10.00 + principal 808.50.
    # Hand: client part 818.50, commission 81.85; fee 81.85 + 150.00 = 231.85, VAT 21 % =
    # 48.6885 -> 48.69, of which 31.50 the debtor paid (costs_vat): the client pays 17.19.
    # to_agency 150.00 (the 31.50 is in fee_vat, not also here); payout 818.50 - 81.85 -
    # 17.19 = 719.46 (main: to_agency 181.50, fee_vat 17.19 as VAT on commission only).
    got = settle(
        agreement(),
        pay("p1", ("costs", 15000), ("costs_vat", 3150), ("interest", 1000), ("principal", 80850)),
    )
    assert got == {"to_agency": 15000, "commission": 8185, "fee_vat": 4869,
                   "fee_vat_from_debtor": 3150, "payout": 71946}  # fmt: skip


def test_costs_vat_paid_in_a_later_statement_is_credited_back_to_the_client() -> None:
    # statement 1: costs 150.00 + principal 50.00 -> fee 5.00 + 150.00, VAT 32.55 (client pays
    # it all: 200 - 150 - 5 - 32.55 = 12.45); statement 2: costs_vat 31.50 + principal 68.50 ->
    # fee 6.85, VAT 1.44 (1.4385), the debtor paid 31.50 of VAT: the client is credited
    # 31.50 - 1.44, payout 68.50 - 6.85 + 30.06 = 91.71. Over both the client paid VAT on the
    # commission only (1.05 + 1.44 = 2.49 of 32.55 + 1.44 - 31.50 = 2.49).
    a = agreement()
    one = settle(a, pay("p1", ("costs", 15000), ("principal", 5000)))
    two = settle(a, pay("p2", ("costs_vat", 3150), ("principal", 6850)))
    assert (one["fee_vat"], one["payout"]) == (3255, 1245)
    assert (two["fee_vat"], two["fee_vat_from_debtor"], two["payout"]) == (144, 3150, 9171)


def test_turned_off_the_fee_vat_is_on_the_commission_only() -> None:
    got = settle(
        agreement(vat_on_costs_kept=False),
        pay("p1", ("costs", 15000), ("interest", 1000), ("principal", 84000)),
    )
    assert got == {"to_agency": 15000, "commission": 8500, "fee_vat": 1785,
                   "fee_vat_from_debtor": 0, "payout": 74715}  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(*(st.integers(0, 50_000) for _ in range(4)), st.booleans()),
        min_size=1,
        max_size=6,
    ),
    st.booleans(),
)
def test_still_balanced_with_reversals(
    rows: list[tuple[int, int, int, int, bool]], on: bool
) -> None:
    a = agreement(vat_on_costs_kept=on)
    contributions = []
    for i, (c, v, n, p, back) in enumerate(rows):
        allocs = tuple(
            (k, x)
            for k, x in (("costs", c), ("costs_vat", v), ("interest", n), ("principal", p))
            if x
        )
        if not allocs:
            continue
        got = contribution(pay(f"p{i}", *allocs), a)
        contributions.append(got.negated() if back else got)
    t = totals(contributions, fee_vat_bp=2100, carried_in=0, vat_on_costs_kept=on)
    assert t.balanced
