"""law17 S2: the statutory interest an agreement gives the agency is its fee for collecting as
the costs it keeps are (the client leaves it its damages, 6:119 BW, as the price of the
service: consideration for a taxable service, art. 8 Wet OB 1968; debt collection is no exempt
dealing in claims), so VAT is charged on it as on the commission (``vat_on_interest_kept``,
default on; docs/law.md "VAT on the interest the agency keeps"). 10 % commission, 21 % VAT."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from typing import Any

import pypdf

from shared.domain.settlement.agreement import DEFAULT_RECIPIENTS, Recipient
from shared.domain.settlement.statement import contribution, totals
from tests.unit.settlement.test_fee_vat_on_costs import agreement, pay
from tests.unit.settlement.test_settlement_run import MONDAY, Setup

KEEPS_INTEREST = {**DEFAULT_RECIPIENTS, "interest": Recipient.AGENCY}


def _figures(a: Any, *payments: Any) -> tuple[int, int, int, int]:
    t = totals([contribution(p, a) for p in payments], fee_vat_bp=a.fee_vat_bp, carried_in=0,
               vat_on_costs_kept=a.vat_on_costs_kept,
               vat_on_interest_kept=a.vat_on_interest_kept)  # fmt: skip
    assert t.balanced
    return t.to_agency, t.commission, t.fee_vat, t.payout


def test_interest_the_agency_keeps_carries_the_fee_vat_as_kept_costs_do() -> None:
    # 1,000.00 = costs 150.00 + interest 40.00 + principal 810.00: commission 81.00 on the
    # client's 810.00; fee 81.00 + 150.00 + 40.00 = 271.00, VAT 56.91; payout 810.00 - 81.00 -
    # 56.91 = 672.09 (before: VAT 48.51 on 231.00, payout 680.49)
    a = agreement(recipients=KEEPS_INTEREST)
    assert a.vat_on_interest_kept  # the default
    p = pay("p1", ("costs", 15_000), ("interest", 4_000), ("principal", 81_000))
    assert _figures(a, p) == (19_000, 8_100, 5_691, 67_209)
    # the tax adviser may rule otherwise: turned off, the VAT is on commission and costs only
    assert _figures(replace(a, vat_on_interest_kept=False), p) == (19_000, 8_100, 4_851, 68_049)
    # interest the client receives is no fee of the agency's: commission 85.00 on 850.00, fee
    # 85.00 + 150.00, VAT 49.35, as before
    assert _figures(agreement(), p) == (15_000, 8_500, 4_935, 71_565)


def test_the_run_charges_it_and_a_settlement_keeps_the_setting_it_started_with(world: Any) -> None:
    s = Setup(world)
    store = s.services.settlements.store
    for c in (s.c1, s.c2):
        a = store.agreement("agency-a", c.client_id)
        assert a is not None
        store.save_agreement(replace(a, recipients=KEEPS_INTEREST,
                                     vat_on_interest_kept=c is s.c1))  # fmt: skip
    for c in (s.c1, s.c2):
        s.pay(c, "p1", MONDAY, principal=81_000, costs=15_000, costs_vat=0, interest=4_000)
    run = s.run(MONDAY)
    got = s.statements(run.run_id)
    t1, t2 = got["C1"].totals, got["C2"].totals
    assert (t1.fee_vat, t1.payout) == (5_691, 67_209)
    assert (t2.fee_vat, t2.payout) == (4_851, 68_049)
    assert got["C1"].vat_on_interest_kept and not got["C2"].vat_on_interest_kept
    pdf = pypdf.PdfReader(io.BytesIO(s.blob(got["C1"].pdf))).pages[0].extract_text()
    assert "ingehouden rente" in pdf
    # a payment settled without VAT on the interest (C2) that comes back gives back no VAT on
    # it, though the agreement charges it by now: the correction keeps the terms it was
    # settled under (law17 S1); commission -81.00, VAT on -81.00 - 150.00 = -48.51
    a2 = store.agreement("agency-a", s.c2.client_id)
    assert a2 is not None
    store.save_agreement(replace(a2, vat_on_interest_kept=True))
    s.reverse(s.c2, "p1")
    back = s.statements(s.run(date(2026, 12, 1)).run_id)["C2"].totals
    assert (back.commission, back.fee_vat) == (-8_100, -4_851)
