"""Property test of the restatement's promise (docs/law.md, back-dated payments): however the
payments are booked (late bank statements after online payments, in any order) and whichever
of them come back (a storno), the claims' figures are those of booking the payments that
stand in the order they were received, from scratch; and no payment holds more than it paid
(restate10: money kept in a back-dated payment's place was dated on its own later day by the
next restatement, and a claim paid within the term was asked its costs again)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import (
    COMPONENTS,
    RESTATED,
    ClaimFigures,
    ClaimTerms,
    Component,
    EventKind,
    InterestRule,
    LedgerEvent,
)
from shared.domain.ledger.replay import open_claims
from shared.domain.ledger.restate import RECEIVED

START = date(2025, 1, 1)

claim_st = st.tuples(
    st.integers(min_value=100, max_value=100_000),  # principal in cents
    st.integers(min_value=0, max_value=30),  # due date offset
    st.booleans(),  # a business claim (6:119a, the EUR 40 minimum) or a consumer's
    st.booleans(),  # costs owed (a letter)
)
payment_st = st.tuples(
    st.integers(min_value=1, max_value=120_000),  # amount
    st.integers(min_value=0, max_value=80),  # received, days after START + 20
    st.booleans(),  # comes back (a storno) after it was booked
)


def build(claims: Sequence[tuple[int, int, bool, bool]]) -> list[ClaimRecord]:
    out = []
    for i, (principal, offset, business, owed) in enumerate(claims):
        due = START + timedelta(days=offset)
        terms = ClaimTerms(
            invoice_number=f"F{i}", debtor_number="D1", due_date=due, principal=principal,
            consumer=not business,
            interest_rule=InterestRule.COMMERCIAL if business else InterestRule.CONSUMER,
            # one claim with costs: a notice's one WIK amount split over claims fixed on other
            # days differs by cents from booking in order (reported, restate10)
            costs_owed_from=due + timedelta(days=20) if owed and i == 0 else None,
            interest_from=due + timedelta(days=1),
        )  # fmt: skip
        out.append(ClaimRecord(terms))
    return out


def apply(
    records: list[ClaimRecord], events: dict[str, tuple[LedgerEvent, ...]]
) -> list[ClaimRecord]:
    return [ClaimRecord(r.terms, r.events + events.get(r.number, ())) for r in records]


def figures(fig: ClaimFigures) -> dict[str, tuple[int, int, int]]:
    """Per component what is owed (charged less credited: a restatement takes back by a
    correction what booking in order never charged), paid, and open."""
    return {
        c.value: (fig.charged.of(c) - fig.credited.of(c), fig.paid.of(c), fig.open.of(c))
        for c in COMPONENTS
    }


def restating(reason: str | None) -> bool:
    return (reason or "").startswith((RESTATED, RECEIVED))


def held(records: list[ClaimRecord], payment_id: str) -> int:
    total = 0
    for r in records:
        for e in r.events:
            if e.payment_id == payment_id and e.kind is EventKind.ALLOCATED:
                total += e.amount
            elif e.payment_id == payment_id and e.kind is EventKind.REVERSAL:
                total -= e.amount
    return total


def run(
    claims: Sequence[tuple[int, int, bool, bool]],
    payments: Sequence[tuple[int, int, bool]],
    order: Sequence[int],
) -> None:
    note(f"claims={claims!r} payments={payments!r} order={order!r}")
    received = {f"p{i}": START + timedelta(days=20 + p[1]) for i, p in enumerate(payments)}
    amount = {f"p{i}": p[0] for i, p in enumerate(payments)}
    returns = {f"p{i}" for i, p in enumerate(payments) if p[2]}
    booked_order = [f"p{i}" for i in dict.fromkeys([*order, *range(len(payments))])
                    if i < len(payments)]  # fmt: skip
    records = build(claims)
    # a return reopens claims: the money of the debtor's other payments that no claim holds
    # (left over at its booking, or released by a restatement: storno11) pays them again from
    # the day it was received, so what the debtor owes in all is that of booking in received
    # order. Money an earlier restatement moved (to another claim, component or slot) is not
    # moved back: claim by claim the figures may differ by what it moved (the interest it
    # took back, a claim's principal paid instead of another's; reported, restate10,
    # storno11), so per claim they are checked only when no restatement moved money, and
    # the total only when none put money on another claim
    per_claim, elsewhere, in_all, placed = True, False, True, False
    for pid in booked_order:
        done = booking.allocate(records, pid, amount[pid], received[pid])
        records = apply(records, done.events)
        elsewhere = elsewhere or bool(done.moved)
        placed = placed or any(done.moved.values())
        if pid in returns:
            per_claim = per_claim and not elsewhere
            in_all = in_all and not placed
            day = max(e.on for r in records for e in r.events)
            # the debtor's other payments' money no claim holds (their rows' unallocated part)
            spare = {q: (amount[q] - held(records, q), received[q], "D1")
                     for q in booked_order[: booked_order.index(pid)] if q not in returns}  # fmt: skip
            undone = booking.return_payment(records, pid, day, "storno", spare=spare)
            records = apply(records, undone.events)
            elsewhere = elsewhere or bool(undone.moved)
            placed = placed or any(undone.moved.values())
    expected = build(claims)
    standing = [p for p in booked_order if p not in returns]
    for pid in sorted(standing, key=lambda p: (received[p], booked_order.index(p))):
        expected = apply(
            expected, booking.allocate(expected, pid, amount[pid], received[pid]).events
        )
    last = max([START + timedelta(days=21), *(e.on for r in records for e in r.events)])
    got, want = open_claims(records, last), open_claims(expected, last)
    # interest accrued after a restatement runs over the days the money was booked, on top of
    # the interest the restatement fixed: four amounts rounded apart (accrued then and now, as
    # booked and in order), under 2 cents per restatement; a cent more interest on one claim
    # is a cent less for the debtor's next claim (reported, restate10)
    slack = 2 * sum(len({e.reason for e in r.events if restating(e.reason)}) for r in records)
    for record in records if per_claim else ():
        mine, theirs = figures(got[record.number]), figures(want[record.number])
        # the collection costs owed: exactly (restate10: EUR 40.00 asked again)
        for c in ("costs", "costs_vat"):
            assert mine[c][0] == theirs[c][0], (record.number, c, mine, theirs)
        for c in COMPONENTS:
            for x, y in zip(mine[c.value], theirs[c.value], strict=True):
                assert abs(x - y) <= slack, (record.number, c, mine, theirs, slack)

    # the collection costs the debtor has open in all (storno11: F0's 39.00 asked again
    # where he was 132.87 over), unless a restatement put money on another claim before a
    # return: a claim paid in the term as booked in order may then not be, and owe its
    # costs; its interest may differ by what restatements moved (reported, storno11)
    def costs_open(fig: dict[str, ClaimFigures]) -> int:
        return sum(f.open.of(c) for f in fig.values() for c in (Component.COSTS,
                                                                 Component.COSTS_VAT))  # fmt: skip

    assert not in_all or costs_open(got) == costs_open(want), (got, want)
    for pid in booked_order:
        total = held(records, pid)
        assert total == 0 if pid in returns else 0 <= total <= amount[pid], (pid, total)


ORDER = [0, 1, 2, 3, 4]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# what it found (kept so they run every time): the back-dated p1's part p0 kept on F0 went on
# from p1's day to F1 before its costs were owed (now: from p0's day, as p0's excess)
@example(claims=[(100, 0, False, False), (100, 0, False, True)],
         payments=[(1, 12, False), (4100, 0, False)], order=ORDER)  # fmt: skip
# p1's money on F1 from two days (its own rest, and what it displaced from F0) counted from
# the first: F1's interest of p0's day was paid from principal
@example(claims=[(100, 0, False, False), (139, 0, False, False)],
         payments=[(1, 3, False), (101, 0, False), (1, 0, False)], order=ORDER)  # fmt: skip
# (found while building the slots) p2's own money on F1 re-dated to the day of the money it
# brought there in p0's place
@example(claims=[(100, 0, False, False), (100, 0, False, False)],
         payments=[(1, 3, False), (101, 12, False), (105, 0, False)], order=ORDER)  # fmt: skip
# money a restatement released from a stand-in moved as its holder's own, from the day of
# the money it stood in for: it re-dated the holder's money on the next claim
@example(claims=[(100, 0, False, False), (6559, 0, False, False)],
         payments=[(174, 13, False), (101, 12, False), (5, 0, False)], order=ORDER)  # fmt: skip
# (ledger14b) p2 back-dated over two claims of one age (pro rata) where only F1 had a later
# event (p3's): restated claim by claim, F1's share was split on the figures of p3's day and
# F0's on p2's own, and p3's released money went on from its day: F0 0.83 paid for 0.90, and
# 0.33 for 0.36 (now: the debtor's claims replayed from the final facts)
@example(claims=[(145, 0, False, False), (4238, 0, False, False)],
         payments=[(1, 0, False), (347, 0, False), (2374, 0, False), (1, 1, False)],
         order=[0, 3, 2, 1, 4])  # fmt: skip
@example(claims=[(100, 0, False, False), (100, 0, False, False)],
         payments=[(1, 0, False), (24, 0, False), (45, 0, False), (1, 1, False)],
         order=[0, 3, 2, 1, 4])  # fmt: skip
@given(
    claims=st.lists(claim_st, min_size=1, max_size=3),
    payments=st.lists(payment_st, min_size=1, max_size=5),
    order=st.permutations(range(5)),
)
def test_restated_claims_equal_booking_in_received_order(claims, payments, order):  # type: ignore[no-untyped-def]
    run(claims, [(a, d, False) for a, d, _ in payments], order)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# (found while building the slots) p1 kept money on F0 in p2's place, from p2's day; p2
# came back: it never paid, so p1's money counts from p1's own day again (F0 has nothing of
# p2 left to say so)
@example(claims=[(100, 0, False, False)],
         payments=[(1, 0, False), (1, 12, False), (99, 0, True)], order=ORDER)  # fmt: skip
# (found while building the slots) the storno of money standing in for another payment's
# undid it without the mark: the next restatement allocated it again
@example(claims=[(4041, 0, False, False), (4606, 0, False, False)],
         payments=[(1, 0, False), (2984, 0, True), (4055, 5, False)], order=[0, 2, 1, 4, 3])  # fmt: skip
# (storno11, law11 #8) p2's restatement released p3's money to an overpayment; p2 came
# back: F0's EUR 40 costs were asked again while the debtor was 132.87 over
@example(claims=[(100, 23, True, True), (100, 23, True, True), (100, 23, True, True)],
         payments=[(400, 39, False), (400, 39, False), (644, 11, True), (16790, 34, False)],
         order=[0, 3, 1, 2, 4])  # fmt: skip
# (ledger14) p2's money kept on F0 in p0's and p1's place (from their day, when F0's costs
# were owed) then kept in p3's: when p3 came back it counted from p2's own day, before the
# costs, and paid F0's principal (0.05, costs 40.00 open for 39.98)
@example(claims=[(100, 1, False, True), (100, 0, False, False)],
         payments=[(1, 1, False), (1, 1, False), (103, 0, False), (362, 0, True)], order=ORDER)  # fmt: skip
@given(
    claims=st.lists(claim_st, min_size=1, max_size=3),
    payments=st.lists(payment_st, min_size=1, max_size=5),
    order=st.permutations(range(5)),
)
def test_with_returns_too(claims, payments, order):  # type: ignore[no-untyped-def]
    """Payments that come back in full too: what the debtor owes as if they had never come;
    claim by claim too, unless a restatement moved money before the return (see ``run``)."""
    run(claims, payments, order)


def test_money_kept_in_a_returned_payments_place_pays_what_it_paid_when_booked_in_order() -> None:
    """The drawn case (ledger14): consumer F0 1.00 due 2-1-2025 with a letter (the minimum
    40.00 owed from 22-1), F1 1.00 due 1-1. p0 and p1 0.01 each received 22-1, p2 1.03 and p3
    3.62 received 21-1, booked in that order; p3 comes back. In received order: on 21-1 p2
    pays F1 (older; interest 1.00 x 6 % x 19/365 = 0.003, nothing) 1.00 and F0 0.03 of its
    principal (no costs owed yet); on 22-1 p0 and p1 pay F0's costs, 6:44: open 39.98 costs
    and 0.97 principal. Before, F0 had 0.05 principal paid and 40.00 costs open."""
    claims = [(100, 1, False, True), (100, 0, False, False)]
    records = build(claims)
    got = {"p0": 1, "p1": 1, "p2": 103, "p3": 362}
    day = {"p0": date(2025, 1, 22), "p1": date(2025, 1, 22), "p2": date(2025, 1, 21),
           "p3": date(2025, 1, 21)}  # fmt: skip
    for pid in ("p0", "p1", "p2", "p3"):
        records = apply(records, booking.allocate(records, pid, got[pid], day[pid]).events)
    spare = {q: (got[q] - held(records, q), day[q], "D1") for q in ("p0", "p1", "p2")}
    on = max(e.on for r in records for e in r.events)
    undone = booking.return_payment(records, "p3", on, "storno", spare=spare)
    records = apply(records, undone.events)
    fig = open_claims(records, date(2025, 1, 22))
    assert (fig["F0"].paid.costs, fig["F0"].paid.principal) == (2, 3)
    assert (fig["F0"].open.costs, fig["F0"].open.principal) == (3_998, 97)
    assert (fig["F1"].paid.principal, fig["F1"].open.total) == (100, 0)
    assert held(records, "p3") == 0


def test_a_back_dated_payment_over_claims_of_one_age_pays_them_as_in_received_order() -> None:
    """The drawn case (ledger14b): consumer F0 and F1 of 1.00 each, both due 1-1-2025 (one
    tier, pro rata). p0 0.01, p2 0.45 and p1 0.24 received 21-1, p3 0.01 received 22-1,
    booked p0, p3, p2, p1. In received order (interest 1.00 x 19 days: under a cent): p0 to
    F0 (a cent over two equal claims: the lower number); p2 0.45 over 0.99 and 1.00: 0.22 and
    0.23 (the cent to the larger remainder, F1's); p1 0.24 over 0.77 and 0.77: 0.12 each; p3
    0.01 over 0.65 and 0.65: F0. F0 0.36 paid, F1 0.35. Restated claim by claim F0 had 0.33."""
    records = build([(100, 0, False, False), (100, 0, False, False)])
    got = {"p0": 1, "p1": 24, "p2": 45, "p3": 1}
    day = {"p0": date(2025, 1, 21), "p1": date(2025, 1, 21), "p2": date(2025, 1, 21),
           "p3": date(2025, 1, 22)}  # fmt: skip
    done = {}
    for pid in ("p0", "p3", "p2", "p1"):
        done[pid] = booking.allocate(records, pid, got[pid], day[pid])
        records = apply(records, done[pid].events)
    fig = open_claims(records, date(2025, 1, 22))
    assert (fig["F0"].paid.principal, fig["F1"].paid.principal) == (36, 35)
    assert (fig["F0"].open.total, fig["F1"].open.total) == (64, 65)
    assert {p: held(records, p) for p in got} == got
    # the back-dated p2 moved p3's cent from F1 to F0 (what its booking says, for p3's row)
    p3_on_f0 = booking.AllocationLine("F0", Component.PRINCIPAL, 1)
    assert done["p2"].moved == {"p3": (p3_on_f0,)}
    assert (done["p2"].unallocated, done["p1"].unallocated) == (0, 0)
    events = [e for r in records for e in r.events]
    assert "p3" in booking.restated_moves(events, "p2")
