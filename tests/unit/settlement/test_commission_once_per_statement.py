"""The commission is the rate on the statement's client part, rounded half-up once (newcomer19
F7). Before, each payment's commission was rounded on its own: three payments of 90.36, 500.00
and 266.68 (to_client 857.04) at 10 % read "Provisie 10,00% -EUR 85,71" (9.04 + 50.00 + 26.67),
where a client checking the PDF finds 85.70."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Any

import pypdf
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.money import round_half_up
from shared.domain.settlement.records import RunStatus
from shared.domain.settlement.statement import contribution, totals
from tests.unit.settlement.conftest import payment
from tests.unit.settlement.test_settlement_run import MONDAY, Setup
from tests.unit.settlement.test_statement import agreement

CLIENT_PARTS = (9_036, 50_000, 26_668)  # 90.36 + 500.00 + 266.68 = 857.04


def _principal(pid: str, cents: int) -> Any:
    return payment("c1", pid, date(2026, 11, 27), principal=cents, costs=0, costs_vat=0, interest=0)


def test_the_statement_rounds_the_commission_once() -> None:
    pays = [_principal(f"p{i}", cents) for i, cents in enumerate(CLIENT_PARTS)]
    t = totals([contribution(p, agreement()) for p in pays], fee_vat_bp=2100, carried_in=0)
    assert t.to_client == 85_704
    assert t.commission == 8_570  # 10 % of 857.04 = 85.704
    assert t.fee_vat == 1_800  # 21 % of the 85.70 shown = 17.997: the same rule
    assert (t.payout, t.balanced) == (85_704 - 8_570 - 1_800, True)


def test_a_reversal_gives_back_the_exact_commission_of_its_payment() -> None:
    pays = [_principal(f"p{i}", cents) for i, cents in enumerate(CLIENT_PARTS)]
    first = [contribution(p, agreement()) for p in pays]
    # 90.36 comes back beside a new 266.68: 10 % of (266.68 - 90.36) = 17.632
    later = contribution(_principal("p9", 26_668), agreement())
    t = totals([first[0].negated(), later], fee_vat_bp=2100, carried_in=0)
    assert (t.to_client, t.commission, t.balanced) == (17_632, 1_763, True)


def test_a_row_stored_before_gives_back_what_it_was_charged() -> None:
    # a claim stored before the exact commission was kept: its commission (rounded for that
    # payment alone) is what was charged for it, and a reversal gives back just that
    stored = replace(contribution(_principal("p1", 12_255), agreement()), commission_e4=None)
    assert stored.commission == 1_226
    assert totals([stored.negated()], fee_vat_bp=0, carried_in=0).commission == -1_226


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.integers(min_value=1, max_value=500_000), min_size=1, max_size=8),
    back=st.lists(st.booleans(), min_size=8, max_size=8),
    bp=st.integers(min_value=0, max_value=10_000),
)
def test_one_rate_the_commission_is_the_rate_on_to_client(
    parts: list[int], back: list[bool], bp: int
) -> None:
    made = [contribution(_principal(f"p{i}", c), agreement(bp)) for i, c in enumerate(parts)]
    mixed = [c.negated() if b else c for c, b in zip(made, back, strict=False)]
    t = totals(mixed, fee_vat_bp=2100, carried_in=0)
    assert t.commission == round_half_up(Fraction(t.to_client * bp, 10_000))
    assert t.balanced


def test_the_pdf_reads_the_rate_on_to_client(world: Any) -> None:
    s = Setup(world)
    for i, cents in enumerate(CLIENT_PARTS):
        s.pay(s.c1, f"p{i}", date(2026, 11, 27), principal=cents, costs=0, costs_vat=0,
              interest=0)  # fmt: skip
    run = s.run(MONDAY)
    assert run.status is RunStatus.AWAITING_APPROVAL
    t = s.statements(run.run_id)["C1"].totals
    assert (t.to_client, t.commission, t.fee_vat) == (85_704, 8_570, 1_800)
    pdf = s.statements(run.run_id)["C1"].pdf
    text = "".join(p.extract_text() for p in pypdf.PdfReader(_io(s.blob(pdf))).pages)
    assert "85,70" in text and "85,71" not in text


def _io(data: bytes) -> Any:
    import io

    return io.BytesIO(data)
