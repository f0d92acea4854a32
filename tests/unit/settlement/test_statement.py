"""The statement's arithmetic: what was received is always fully accounted for (agency
share, commission, VAT on it, payout, carried balance), never a negative transfer."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.records import AllocatedAmount, Payment, PaymentSource
from shared.domain.settlement.agreement import (
    COMPONENTS,
    AgreementError,
    Frequency,
    Recipient,
    SettlementAgreement,
    period_of,
)
from shared.domain.settlement.statement import contribution, totals
from tests.unit.settlement.conftest import PAYOUT_C1, payment


def agreement(commission_bp: int = 1000, **extra: Any) -> SettlementAgreement:
    return SettlementAgreement(
        "c1", "a", PAYOUT_C1, "Client One BV", commission_bp=commission_bp, **extra
    )


def test_one_payment_by_hand() -> None:
    # 121.00 principal, 40.00 costs, 8.40 VAT on costs, 1.55 interest; 10% commission
    c = contribution(payment("c1", "p1", date(2026, 11, 2)), agreement())
    t = totals([c], fee_vat_bp=2100, carried_in=0)
    assert c.commission == 1226  # 10% of 122.55 = 12.255, half-up
    assert (t.received, t.to_agency, t.to_client) == (17095, 4840, 12255)
    assert t.fee_vat == 257  # 21% of 12.26 = 2.5746
    assert (t.net, t.payout, t.carried_out) == (10772, 10772, 0)
    assert t.balanced


def test_fee_vat_rounds_half_up_once_per_statement() -> None:
    # two payments of 0.50 commission each: VAT on 1.00 is 0.21 (per payment it would be 0.22)
    pays = [
        payment("c1", f"p{i}", date(2026, 11, 2), principal=500, costs=0, costs_vat=0, interest=0)
        for i in range(2)
    ]
    t = totals([contribution(p, agreement()) for p in pays], fee_vat_bp=2100, carried_in=0)
    assert (t.commission, t.fee_vat) == (100, 21)
    # half-up: 21% of 0.50 is 0.105 -> 0.11
    one = totals([contribution(pays[0], agreement())], fee_vat_bp=2100, carried_in=0)
    assert one.fee_vat == 11


def test_a_reversal_takes_back_exactly_what_was_paid_and_carries_a_negative_net() -> None:
    c = contribution(payment("c1", "p1", date(2026, 11, 2)), agreement())
    t = totals([c.negated()], fee_vat_bp=2100, carried_in=0)
    assert t.received == 0 and t.reversed == -17095
    assert t.to_agency == -4840 and t.commission == -1226 and t.fee_vat == -257
    assert (t.net, t.payout, t.carried_out) == (-10772, 0, -10772)
    assert t.balanced
    later = contribution(
        payment("c1", "p2", date(2026, 11, 9), principal=20000, costs=0, costs_vat=0, interest=0),
        agreement(),
    )
    t2 = totals([later], fee_vat_bp=2100, carried_in=t.carried_out)
    assert t2.payout == 20000 - 2000 - 420 - 10772 and t2.carried_out == 0 and t2.balanced


def test_the_agreement_decides_who_receives_each_component() -> None:
    everything = {c: Recipient.CLIENT for c in COMPONENTS}
    c = contribution(payment("c1", "p1", date(2026, 11, 2)), agreement(0, recipients=everything))
    t = totals([c], fee_vat_bp=2100, carried_in=0)
    assert (t.to_agency, t.commission, t.payout) == (0, 0, 17095)


def test_agreements_refuse_what_a_bank_would() -> None:
    with pytest.raises(AgreementError) as bad_iban:
        SettlementAgreement("c1", "a", "NL00RABO0123456789", "X")
    assert bad_iban.value.field == "payout_iban"
    with pytest.raises(AgreementError):
        SettlementAgreement("c1", "a", PAYOUT_C1, "X", payout_bic="RABO")
    with pytest.raises(AgreementError):
        SettlementAgreement("c1", "a", PAYOUT_C1, "X", commission_bp=10_001)
    with pytest.raises(AgreementError):
        SettlementAgreement("c1", "a", PAYOUT_C1, "X", recipients={"principal": Recipient.CLIENT})
    ok = SettlementAgreement("c1", "a", "nl44 rabo 0123 4567 89", "X", payout_bic="rabonl2u")
    assert (ok.payout_iban, ok.payout_bic) == (PAYOUT_C1, "RABONL2U")


def test_periods() -> None:
    day = date(2026, 11, 30)  # a Monday in ISO week 49
    assert period_of(Frequency.DAILY, day) == "2026-11-30"
    assert period_of(Frequency.WEEKLY, day) == "2026-W49"
    assert period_of(Frequency.WEEKLY, date(2026, 12, 6)) == "2026-W49"
    assert period_of(Frequency.MONTHLY, day) == "2026-11"
    assert period_of(Frequency.WEEKLY, date(2027, 1, 1)) == "2026-W53"


amounts = st.integers(min_value=0, max_value=5_000_000)
allocation = st.tuples(st.sampled_from(COMPONENTS), st.integers(min_value=1, max_value=2_000_000))
payments = st.lists(
    st.tuples(st.lists(allocation, min_size=1, max_size=6), st.booleans()), min_size=0, max_size=12
)


@settings(max_examples=300, deadline=None)
@given(
    pays=payments,
    recipients=st.fixed_dictionaries({c: st.sampled_from(list(Recipient)) for c in COMPONENTS}),
    commission_bp=st.integers(min_value=0, max_value=10_000),
    vat_bp=st.integers(min_value=0, max_value=10_000),
    carried_in=st.integers(min_value=-2_000_000, max_value=0),
)
def test_payouts_and_fees_add_up_to_what_was_received(
    pays: list[tuple[list[tuple[str, int]], bool]],
    recipients: dict[str, Recipient],
    commission_bp: int,
    vat_bp: int,
    carried_in: int,
) -> None:
    terms = agreement(commission_bp, recipients=recipients, fee_vat_bp=vat_bp)
    contributions = []
    received = 0
    for i, (parts, reversal) in enumerate(pays):
        allocations = tuple(AllocatedAmount(f"F{i}", c, a) for c, a in parts)
        p = Payment(
            "c1",
            f"p{i}",
            "D1",
            sum(a for _, a in parts),
            date(2026, 11, 2),
            PaymentSource.BANK,
            allocations=allocations,
        )
        c = contribution(p, terms)
        contributions.append(c.negated() if reversal else c)
        received += -p.amount if reversal else p.amount
    t = totals(contributions, fee_vat_bp=vat_bp, carried_in=carried_in)
    # every cent received is accounted for, in integer cents
    assert t.received + t.reversed == received
    assert t.received + t.reversed + t.carried_in == (
        t.to_agency + t.commission + t.fee_vat + t.payout + t.carried_out
    )
    assert t.balanced
    assert t.payout >= 0 and t.carried_out <= 0 and min(t.payout, -t.carried_out) == 0
    assert t.to_agency + t.to_client == received
    # commission is never more than the client's share of what was collected
    if t.reversed == 0:
        assert 0 <= t.commission <= max(t.to_client, 0)
