"""Property tests of the claim ledger: whatever payments, reversals and waivers arrive, the sum
of all allocations equals the sum of all payments (less what was left over), no component is
ever negative, and a reversal undoes exactly what its payment was allocated to."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import COMPONENTS, ClaimTerms, Component, EventKind, LedgerEvent
from shared.domain.ledger.replay import open_claims

START = date(2024, 1, 1)

claim_st = st.tuples(
    st.integers(min_value=1, max_value=2_000_000),  # principal in cents
    st.integers(min_value=0, max_value=200),  # due date offset
    st.booleans(),  # consumer
    st.booleans(),  # costs owed (after a letter)
    st.booleans(),  # VAT on costs
)
op_st = st.tuples(
    st.sampled_from(["pay", "pay", "pay", "reverse", "waive_costs", "waive_interest"]),
    st.integers(min_value=0, max_value=40),  # days later
    st.integers(min_value=1, max_value=3_000_000),  # amount
    st.integers(min_value=0, max_value=10),  # which claim / which payment
)


def build(claims: list[tuple[int, int, bool, bool, bool]]) -> list[ClaimRecord]:
    out = []
    for i, (principal, offset, consumer, owed, vat) in enumerate(claims):
        due = START + timedelta(days=offset)
        out.append(
            ClaimRecord(
                ClaimTerms(
                    invoice_number=f"F{i}", debtor_number="D1", due_date=due, principal=principal,
                    consumer=consumer, costs_owed_from=due + timedelta(days=20) if owed else None,
                    costs_vat=vat, interest_from=due + timedelta(days=1),
                )
            )
        )  # fmt: skip
    return out


def apply(
    records: list[ClaimRecord], events: dict[str, tuple[LedgerEvent, ...]]
) -> list[ClaimRecord]:
    return [ClaimRecord(r.terms, r.events + events.get(r.number, ())) for r in records]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims=st.lists(claim_st, min_size=1, max_size=4), ops=st.lists(op_st, max_size=12))
def test_allocations_add_up_never_negative_reversals_exact(claims, ops):
    records = build(claims)
    day = START + timedelta(days=30)
    payments: dict[str, int] = {}  # payment id -> allocated cents (not reversed)
    for n, (kind, later, amount, pick) in enumerate(ops):
        day += timedelta(days=later)
        if kind == "pay":
            pid = f"p{n}"
            designated = [records[pick % len(records)].number] if pick % 3 == 0 else []
            result = booking.allocate(records, pid, amount, day, designated)
            allocated = sum(x.amount for x in result.lines)
            assert allocated + result.unallocated == amount and result.unallocated >= 0
            records = apply(records, result.events)
            payments[pid] = allocated
        elif kind == "reverse" and payments:
            pid = sorted(payments)[pick % len(payments)]
            before = {r.number: r for r in records}
            undo = booking.reverse(records, pid, day, "chargeback")
            undone = sum(e.amount for evs in undo.values() for e in evs)
            assert undone == payments.pop(pid)  # exactly what it was allocated to
            for number, evs in undo.items():
                by_part = {
                    c: sum(
                        e.amount for e in before[number].events
                        if e.payment_id == pid and e.kind is EventKind.ALLOCATED and e.component is c
                    )
                    for c in COMPONENTS
                }  # fmt: skip
                assert {e.component: e.amount for e in evs} == {
                    c: a for c, a in by_part.items() if a
                }
            records = apply(records, undo)
            event("a payment was reversed")
            assert booking.reverse(records, pid, day, "again") == {}
        elif kind.startswith("waive"):
            record = records[pick % len(records)]
            fig = open_claims(records, booking.booking_day(records, day))[record.number]
            component = Component.COSTS if kind == "waive_costs" else Component.INTEREST
            open_ = (
                fig.open.costs + fig.open.costs_vat
                if component is Component.COSTS
                else fig.open.interest
            )
            if open_ > 0:
                events = booking.waive(
                    records, record.number, component, min(amount, open_), day, "x"
                )
                records = apply(records, {record.number: events})
                event(f"{component.value} waived")
        figures = open_claims(records, booking.booking_day(records, day))
        for f in figures.values():
            for c in COMPONENTS:
                assert f.open.of(c) >= 0 and f.paid.of(c) >= 0
        assert sum(f.paid.total for f in figures.values()) == sum(payments.values())
