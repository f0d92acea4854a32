"""Settlement to the client, computed by hand (settle32).

Worked example: the 700.00 of tests/unit/ledger/test_worked_allocation_settle32.py (F2 costs
75.00, interest 6.08, principal 500.00; F1 costs 118.92), the default agreement (costs to the
agency, interest and principal to the client), 10 % commission, 21 % VAT on the agency's fee
(commission and the costs it keeps). To the agency 193.92; to the client 506.08; commission
10 % of 506.08 = 50.608 -> 50.61; fee VAT 21 % of (50.61 + 193.92) = 51.3513 -> 51.35; payout
506.08 - 50.61 - 51.35 = 404.12; and 193.92 + 50.61 + 51.35 + 404.12 = 700.00.

And over a client's run of statements with random payments, reversals and negative balances
carried over: every cent collected is paid out, kept by the agency (its share, commission, fee
VAT) or still carried, and the commission is the rate on the total within one cent.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.records import AllocatedAmount, Payment, PaymentSource
from shared.domain.settlement.agreement import COMPONENTS, Recipient, SettlementAgreement
from shared.domain.settlement.statement import contribution, totals
from tests.unit.settlement.conftest import PAYOUT_C1


def _paid(pid: str, *parts: tuple[str, str, int]) -> Payment:
    allocations = tuple(AllocatedAmount(i, c, a) for i, c, a in parts)
    return Payment(
        "c1", pid, "D1", sum(a.amount for a in allocations), date(2025, 3, 31),
        PaymentSource.BANK, allocations=allocations,
    )  # fmt: skip


def test_the_worked_example_by_hand() -> None:
    terms = SettlementAgreement("c1", "a", PAYOUT_C1, "Client One BV", commission_bp=1000)
    p = _paid(
        "p1",
        ("F2", "costs", 7_500), ("F2", "interest", 608), ("F2", "principal", 50_000),
        ("F1", "costs", 11_892),
    )  # fmt: skip
    t = totals(
        [contribution(p, terms)], fee_vat_bp=2100, carried_in=0,
        vat_on_costs_kept=terms.vat_on_costs_kept,
    )  # fmt: skip
    assert (t.received, t.to_agency, t.to_client) == (70_000, 19_392, 50_608)
    assert (t.commission, t.fee_vat, t.payout) == (5_061, 5_135, 40_412)
    assert t.to_agency + t.commission + t.fee_vat + t.payout == 70_000


def _to_client(p: Payment, terms: SettlementAgreement) -> int:
    return sum(a.amount for a in p.allocations if terms.recipient(a.component) is Recipient.CLIENT)


part = st.tuples(st.sampled_from(COMPONENTS), st.integers(min_value=1, max_value=500_000))
statement = st.lists(st.tuples(st.lists(part, min_size=1, max_size=4), st.booleans()), max_size=6)


@settings(max_examples=200, deadline=None)
@given(
    statements=st.lists(statement, min_size=1, max_size=8),
    commission_bp=st.integers(min_value=0, max_value=3_000),
    costs_kept_vat=st.booleans(),
)
def test_no_cent_is_lost_over_a_run_of_statements(
    statements: list[list[tuple[list[tuple[str, int]], bool]]],
    commission_bp: int,
    costs_kept_vat: bool,
) -> None:
    terms = SettlementAgreement("c1", "a", PAYOUT_C1, "C", commission_bp=commission_bp)
    carried, rest = 0, 0
    collected = kept = paid_out = 0
    exact_commission, charged_commission = Fraction(0), 0
    settled: list[tuple[Payment, int]] = []  # payments that stand, with the statement index
    for n, items in enumerate(statements):
        contributions = []
        for k, (parts, comes_back) in enumerate(items):
            if comes_back and settled:
                p, _ = settled.pop()
                contributions.append(contribution(p, terms).negated())
                collected -= p.amount
                exact_commission -= Fraction(_to_client(p, terms) * commission_bp, 10_000)
                continue
            p = _paid(f"p{n}-{k}", *(("F1", c, a) for c, a in parts))
            settled.append((p, n))
            contributions.append(contribution(p, terms))
            collected += p.amount
            exact_commission += Fraction(_to_client(p, terms) * commission_bp, 10_000)
        t = totals(
            contributions, fee_vat_bp=2100, carried_in=carried, vat_on_costs_kept=costs_kept_vat,
            commission_rest_in_e4=rest,
        )  # fmt: skip
        assert t.balanced and t.payout >= 0 and t.carried_out <= 0
        kept += t.to_agency + t.commission + t.fee_vat
        paid_out += t.payout
        charged_commission += t.commission
        carried, rest = t.carried_out, t.commission_rest_e4
    assert collected == kept + paid_out + carried
    assert abs(charged_commission - exact_commission) <= Fraction(1, 2)
