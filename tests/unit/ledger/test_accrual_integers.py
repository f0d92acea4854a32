"""The exact interest worked out in integers over one common denominator (perf22) equals the
``Fraction`` simulation it replaced to the last fraction of a cent, over random claims,
rates, periods and events: payments (also received earlier, moved by a restatement, coming
back in full), reversals, waivers, write-offs, partial credit notes, discounts, pauses, and
interest years that capitalise."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.domain.law.interest_rates import RateChange, RateTable, default_rate_table
from shared.domain.ledger.accrual import accrued_interest
from shared.domain.ledger.model import (
    CREDIT_NOTE,
    DISCOUNT,
    DISCOUNT_CAPPED,
    RATES_RESTATED,
    RECEIVED,
    REPLAYED,
    ClaimTerms,
    Component,
    EventKind,
    InterestRule,
    LedgerEvent,
    StandIn,
)
from tests.unit.ledger.fraction_accrual import fraction_accrued_interest

FIRST = date(2010, 1, 1)

rate_st = st.fractions(min_value=0, max_value=Fraction(3, 10), max_denominator=40_000)
day_st = st.integers(min_value=0, max_value=365 * 9)


@st.composite
def tables(draw: st.DrawFn) -> RateTable | None:
    """The shipped table, or one of odd rates on odd days (denominators the shipped one never
    has, so that a common denominator of several must hold)."""
    if draw(st.booleans()):
        return None
    offsets = sorted(set(draw(st.lists(day_st, min_size=1, max_size=8))))
    return RateTable(
        tuple(RateChange(FIRST + timedelta(days=d), draw(rate_st), draw(rate_st)) for d in offsets)
    )


reasons = st.sampled_from(
    [
        None,
        "chargeback",
        CREDIT_NOTE + "2012-03-04: C1",
        DISCOUNT + "2012-03-04",
        DISCOUNT_CAPPED + "2012-03-04",
        RATES_RESTATED + "x",
        RECEIVED + "2011-02-03 " + RATES_RESTATED + "x",
        REPLAYED + "2011-05-06: y",
    ]
)


@st.composite
def claims(draw: st.DrawFn) -> tuple[ClaimTerms, list[LedgerEvent], date, RateTable | None]:
    start = FIRST + timedelta(days=draw(day_st))
    rule = draw(st.sampled_from(list(InterestRule)))
    pauses = []
    for a, span, open_ in draw(st.lists(st.tuples(day_st, day_st, st.booleans()), max_size=2)):
        begin = start + timedelta(days=a // 3)
        pauses.append((begin, None if open_ else begin + timedelta(days=span // 3 + 1)))
    terms = ClaimTerms(
        invoice_number="F1",
        debtor_number="D1",
        due_date=start - timedelta(days=1),
        principal=draw(st.integers(min_value=0, max_value=50_000_000)),
        principal_settled_elsewhere=draw(st.sampled_from([0, 0, 1_000, 60_000_000])),
        consumer=draw(st.booleans()),
        interest_from=start,
        interest_rule=rule,
        contractual_rate=draw(st.none() | rate_st),
        contract_date=draw(st.none() | st.dates(date(2011, 1, 1), date(2016, 1, 1))),
        interest_paused=tuple(pauses),
    )
    events = []
    payments = ["p1", "p2", "p3"]
    for seq, (kind, component, amount, later, payment, reason, final, stand) in enumerate(
        draw(
            st.lists(
                st.tuples(
                    # mostly money paid and taken back: what moves the base between cuts
                    st.sampled_from([*EventKind, *[EventKind.ALLOCATED] * 4, EventKind.REVERSAL]),
                    st.sampled_from([*Component, Component.INTEREST, Component.PRINCIPAL]),
                    st.integers(min_value=1, max_value=3_000_000),
                    st.integers(min_value=-30, max_value=365 * 7),
                    st.none() | st.sampled_from(payments),
                    reasons,
                    st.integers(0, 5).map(lambda n: n == 0),  # final: it stops the interest
                    st.booleans(),
                ),
                max_size=10,
            )
        )
    ):
        on = start + timedelta(days=later)
        events.append(
            LedgerEvent(
                seq, kind, component, amount, on,
                payment_id=payment if kind in (EventKind.ALLOCATED, EventKind.REVERSAL) else None,
                reason=reason, final=final and kind is not EventKind.ALLOCATED,
                note="C1" if reason and reason.startswith((CREDIT_NOTE, DISCOUNT)) else None,
                stands_in=StandIn("p1", on - timedelta(days=40)) if stand and payment else None,
            )
        )  # fmt: skip
    on = start + timedelta(days=draw(st.integers(min_value=-5, max_value=365 * 8)))
    return terms, events, on, draw(tables())


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claim=claims())
def test_integers_equal_fractions_exactly(claim):
    terms, events, on, rates = claim
    assert accrued_interest(terms, events, on, rates) == fraction_accrued_interest(
        terms, events, on, rates
    )


def test_capitalised_years_and_a_contractual_rate_of_its_own_denominator():
    """Nine interest years (eight capitalisations) at the shipped rates and an agreed 7/97 a
    year, with payments and a part of one returned between: the common denominator grows at every
    anniversary, and the answer is still the fractions' one."""
    terms = ClaimTerms(
        invoice_number="F1", debtor_number="D1", due_date=date(2014, 2, 27),
        principal=12_345_678, consumer=False, interest_from=date(2014, 2, 28),
        interest_rule=InterestRule.CONTRACTUAL, contractual_rate=Fraction(7, 97),
    )  # fmt: skip
    events = [
        LedgerEvent(1, EventKind.ALLOCATED, Component.INTEREST, 400_000, date(2016, 5, 1), "p1"),
        LedgerEvent(2, EventKind.ALLOCATED, Component.PRINCIPAL, 99_999, date(2017, 2, 28), "p2"),
        LedgerEvent(3, EventKind.REVERSAL, Component.INTEREST, 150_000, date(2019, 1, 2), "p1"),
    ]
    on = date(2023, 3, 1)
    got = accrued_interest(terms, events, on, default_rate_table())
    assert got == fraction_accrued_interest(terms, events, on, default_rate_table())
    assert got > 0
