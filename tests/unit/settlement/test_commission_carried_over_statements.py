"""Over many statements the commission is the agreed rate on the total, rounded once
(lawyer20 L6). Before, each statement rounded its own half cent up: 12 monthly statements of
one installment of 12.25 at 10 % charged 12 x 1.23 = 14.76 where 10 % of 147.00 is 14.70:
10.04 % charged. Now what a statement's rounding of the commission leaves over is carried to
the client's next statement. The fee VAT is not carried: a statement is the agency's invoice
for its fee, whose VAT is the rate on that fee (art. 35a Wet OB 1968), so 12 x 0.26 = 3.12."""

from __future__ import annotations

import io
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pypdf
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.adapters.tables.codec import get_json, put_json
from shared.adapters.tables.settlement_repo import SETTLEMENTS
from shared.domain.money import round_half_up
from shared.domain.parties import Agency
from shared.domain.settlement.csv_statement import statement_csv
from shared.domain.settlement.records import RunStatus
from shared.domain.settlement.statement import StatementTotals, contribution, totals
from shared.ports.tables import Row
from shared.services.settlement.runs import settlement_id_for
from tests.unit.settlement.conftest import THIRD_PARTY, payment
from tests.unit.settlement.test_settlement_run import Setup
from tests.unit.settlement.test_statement import agreement

INSTALLMENT = 1_225  # 12.25 principal: 10 % of it is 1.225, a half cent each time
FIRST_DAY = date(2026, 12, 1)


def _chain(parts: list[int], bp: int = 1000, fee_vat_bp: int = 2100) -> list[StatementTotals]:
    """One statement per client part, each taking in the commission's rest of the one before
    (a negative part: a payment of that much that came back)."""
    out: list[StatementTotals] = []
    commission_rest = 0
    for i, cents in enumerate(parts):
        p = payment("c1", f"p{i}", date(2026, 1, 3), principal=abs(cents), costs=0, costs_vat=0,
                    interest=0)  # fmt: skip
        made = contribution(p, agreement(bp))
        t = totals([made if cents > 0 else made.negated()], fee_vat_bp=fee_vat_bp, carried_in=0,
                   commission_rest_in_e4=commission_rest)  # fmt: skip
        commission_rest = t.commission_rest_e4
        out.append(t)
    return out


def test_twelve_statements_of_12_25_charge_10_percent_of_147_00() -> None:
    chain = _chain([INSTALLMENT] * 12)
    assert sum(t.commission for t in chain) == 1_470  # 10 % of 147.00 (before: 14.76)
    # each statement is still its own rate within a cent: 1.23, 1.22, 1.23, ...
    assert [t.commission for t in chain[:4]] == [123, 122, 123, 122]
    # the VAT on each is 21 % of the fee it shows (0.2583 and 0.2562: 0.26), nothing carried:
    # an invoice's VAT is the rate on its own fee (3.12, not 21 % of 14.70 = 3.09)
    assert [t.fee_vat for t in chain] == [26] * 12
    assert sum(t.payout for t in chain) == 14_700 - 1_470 - 312  # 129.18 (before: 129.12)
    assert all(t.balanced for t in chain)


def test_the_first_statement_reads_the_rate_on_its_client_part() -> None:
    # nothing carried in: 10 % of 857.04 is 85.70, VAT 18.00 (17.997), as settle20 made it
    pays = [
        payment("c1", f"p{i}", date(2026, 11, 27), principal=c, costs=0, costs_vat=0, interest=0)
        for i, c in enumerate((9_036, 50_000, 26_668))
    ]
    t = totals([contribution(p, agreement()) for p in pays], fee_vat_bp=2100, carried_in=0)
    assert (t.commission, t.fee_vat) == (8_570, 1_800)
    assert t.commission_rest_e4 == 4_000  # 0.4 cent left for the next statement


def test_a_statement_without_a_commission_of_its_own_charges_no_cent() -> None:
    # a rest of +0.5 cent (a credit rounded away from zero) meets a statement that settles
    # only a repayment: nothing is charged for nothing, the rest waits for the next one
    t = totals([], fee_vat_bp=2100, carried_in=-1_000, repaid=1_000,
               commission_rest_in_e4=5_000)  # fmt: skip
    assert (t.commission, t.fee_vat, t.commission_rest_e4) == (0, 0, 5_000)


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.integers(min_value=-50_000, max_value=500_000), min_size=1, max_size=15),
    bp=st.integers(min_value=0, max_value=10_000),
)
def test_any_number_of_statements_charge_the_rate_on_the_total(parts: list[int], bp: int) -> None:
    # statements of new payments and of payments that came back, credits rounded too
    parts = [p for p in parts if p] or [1]
    chain = _chain(parts, bp)
    exact = Fraction(sum(parts) * bp, 10_000)
    charged = sum(t.commission for t in chain)
    assert abs(charged - exact) <= Fraction(1, 2)  # the rate on the total, rounded once
    assert charged == round_half_up(exact) or exact.denominator == 2  # a half: either way
    # and each statement's VAT is 21 % of its own fee, rounded: nothing carried into it
    assert all(t.fee_vat == round_half_up(Fraction(t.commission * 2100, 10_000)) for t in chain)


def _twelve_runs(s: Setup, *, twice: bool = False) -> list[Any]:
    out = []
    for i in range(12):
        day = FIRST_DAY + timedelta(days=i)
        s.pay(s.c1, f"p{i}", day - timedelta(days=1), principal=INSTALLMENT, costs=0,
              costs_vat=0, interest=0)  # fmt: skip
        run = s.run(day)
        if twice:
            assert s.run(day) == run  # a repeated message changes nothing
        assert run.status is RunStatus.AWAITING_APPROVAL
        out.append(s.statements(run.run_id)["C1"].totals)
    return out


def test_twelve_runs_charge_10_percent_of_147_00(world: Any) -> None:
    s = Setup(world)
    figures = _twelve_runs(s, twice=True)
    assert sum(t.commission for t in figures) == 1_470  # before: 1_476
    assert sum(t.fee_vat for t in figures) == 312  # 0.26 on each statement's own fee
    assert sum(t.payout for t in figures) == 12_918
    assert [(t.commission, t.fee_vat) for t in figures] == [
        (t.commission, t.fee_vat) for t in _chain([INSTALLMENT] * 12)
    ]
    # the CSV shows what was carried, exactly (half a cent charged ahead on the first)
    first = s.statements(f"R{FIRST_DAY:%Y%m%d}")["C1"]
    text = s.blob(first.csv).decode()
    assert "commission_rest_e4,,,,,,-0.005000" in text
    assert "fee_vat_rest" not in text
    # the PDF of one that took a rest in says why it is a cent off its own rate
    assert "alle afdrachten samen" not in _pdf_text(s, first.pdf)
    second = s.statements(f"R{FIRST_DAY + timedelta(days=1):%Y%m%d}")["C1"]
    assert second.totals.commission == 122 and "alle afdrachten samen" in _pdf_text(s, second.pdf)


def _pdf_text(s: Setup, name: str) -> str:
    reader = pypdf.PdfReader(io.BytesIO(s.blob(name)))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_a_statement_made_again_in_its_run_takes_the_same_rest(world: Any) -> None:
    # the agency has no third-party account on the second day: that run waits (building) and
    # takes in the client's later payment when it is finished, completing its statement again
    s = Setup(world)
    s.pay(s.c1, "p0", FIRST_DAY - timedelta(days=1), principal=INSTALLMENT, costs=0,
          costs_vat=0, interest=0)  # fmt: skip
    s.run(FIRST_DAY)
    agencies = s.services.repos.agencies
    agencies.save(Agency("agency-a", "Acme Incasso", None))
    second = FIRST_DAY + timedelta(days=1)
    s.pay(s.c1, "p1", FIRST_DAY, principal=INSTALLMENT, costs=0, costs_vat=0, interest=0)
    assert s.run(second).status is RunStatus.BUILDING
    sid = settlement_id_for(f"R{second:%Y%m%d}", s.c1.client_id)
    made = s.services.settlements.store.settlement("agency-a", sid)
    assert made is not None and made[0].totals is not None
    assert (made[0].totals.commission, made[0].totals.commission_rest_in_e4) == (122, -5_000)
    s.pay(s.c1, "p2", second, principal=INSTALLMENT, costs=0, costs_vat=0, interest=0)
    agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    assert s.run(second).status is RunStatus.AWAITING_APPROVAL
    found = s.services.settlements.store.settlement("agency-a", sid)
    assert found is not None and found[0].totals is not None
    again = found[0].totals
    # 24.50 at 10 % with -0.5 cent carried in: 2.45 - 0.005 = 2.445, 2.45
    assert (again.to_client, again.commission_rest_in_e4, again.commission) == (2_450, -5_000, 245)
    assert sum(t.commission for t in (_first(s), again)) == 368  # 10 % of 36.75 = 3.675


def _first(s: Setup) -> StatementTotals:
    found = s.services.settlements.store.settlement(
        "agency-a", settlement_id_for(f"R{FIRST_DAY:%Y%m%d}", s.c1.client_id)
    )
    assert found is not None and found[0].totals is not None
    first: StatementTotals = found[0].totals
    return first


def test_a_statement_stored_before_carries_nothing() -> None:
    # a statement saved before the rests were kept reads them as 0: its figures stand
    stored = StatementTotals(**{k: 0 for k in ("received", "reversed", "to_agency", "to_client",
                                               "commission", "fee_vat", "carried_in", "net",
                                               "payout", "carried_out")})  # fmt: skip
    assert stored.commission_rest_e4 == 0
    assert "commission_rest_e4" in statement_csv("S1", [], stored)


def test_a_statement_saved_with_a_fee_vat_rest_loads_and_passes_none_on(world: Any) -> None:
    # settle21's first build saved the fee VAT's rounding rest in the statement's figures: such
    # a statement still reads, and the next statement's VAT is the rate on its own fee
    s = Setup(world)
    s.pay(s.c1, "p0", FIRST_DAY - timedelta(days=1), principal=INSTALLMENT, costs=0,
          costs_vat=0, interest=0)  # fmt: skip
    s.run(FIRST_DAY)
    key = ("agency-a", settlement_id_for(f"R{FIRST_DAY:%Y%m%d}", s.c1.client_id))
    row = world.store.get(SETTLEMENTS, *key)
    saved = {**get_json(row.data["Totals"], None), "fee_vat_rest_in_e4": 0,
             "fee_vat_rest_e4": -4_170}  # fmt: skip
    world.store.upsert(SETTLEMENTS, Row(*key, {**row.data, "Totals": put_json(saved)}))
    assert _first(s).fee_vat == 26  # it loads, its figures as they were
    second = FIRST_DAY + timedelta(days=1)
    s.pay(s.c1, "p1", FIRST_DAY, principal=INSTALLMENT, costs=0, costs_vat=0, interest=0)
    s.run(second)
    figures = s.statements(f"R{second:%Y%m%d}")["C1"].totals
    # 1.22 with the commission's half cent taken in; VAT 21 % of 1.22 = 0.2562: 0.26 (with
    # the old fee VAT rest of -0.417 cent taken in it would read 0.25)
    assert (figures.commission, figures.fee_vat) == (122, 26)


def test_a_payment_that_came_back_leaves_the_rate_on_what_was_kept() -> None:
    # 122.55 settled alone at 10 %: 12.26; it comes back beside a new 500.00. Rounded on its
    # own the second read 37.75 (10 % of 377.45 = 37.745): 50.01 in all for 500.00 kept
    back = contribution(payment("c1", "p1", date(2026, 1, 3), principal=12_255, costs=0,
                                costs_vat=0, interest=0), agreement())  # fmt: skip
    new = contribution(payment("c1", "p2", date(2026, 2, 3), principal=50_000, costs=0,
                               costs_vat=0, interest=0), agreement())  # fmt: skip
    first = totals([back], fee_vat_bp=2100, carried_in=0)
    second = totals([back.negated(), new], fee_vat_bp=2100, carried_in=0,
                    commission_rest_in_e4=first.commission_rest_e4)  # fmt: skip
    assert (first.commission, second.commission) == (1_226, 3_774)  # 50.00 in all
    # each VAT on its own fee: 21 % of 12.26 = 2.5746, of 37.74 = 7.9254
    assert (first.fee_vat, second.fee_vat) == (257, 793)
    assert second.balanced
