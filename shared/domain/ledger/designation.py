"""A designated payment goes back to the invoices the debtor named (art. 6:43 lid 1 BW: a
payment the debtor designates goes to the debt he named) once they are open again.

A back-dated payment restated onto a claim a later payment had already paid keeps that later
payment on the claim and sends its own money elsewhere (:mod:`restate`); when the later
payment then comes back (a bank return, a storno), the named claim is open again while the
designated payment sits on another claim or unallocated (law5 finding 4). Its money is
then taken off the claims it holds money on (reversed there, the claims restated without
it) and allocated again, whole, on the day it was received over the claims it named first
(earliest due first), the rest oldest first by 6:43, each claim by 6:44 (costs, interest,
principal). That holds as well for a payment already *partly* on a claim it named (it is
taken off that claim too and put back with the rest: the restatement books a payment on a
claim only where it holds nothing, so the part is not topped up in place) and for one that
is wholly *unallocated* (an overpayment: nothing to take off; ledger-rest6 item 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from shared.domain.law.interest_rates import RateTable
from shared.domain.ledger.booking import (
    Named,
    Release,
    _add,
    _move_released,
    _replayed,
    _spread,
    _undesignated,
    booking_day,
    restate_claims,
    reverse,
)
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import LOWERING, RESTATED, EventKind, LedgerEvent
from shared.domain.ledger.replay import open_claims
from shared.domain.ledger.replayed import Standing
from shared.domain.money import Cents

REBOOKED = "re-booked on the invoices the debtor named"


def _net_per_claim(records: Sequence[ClaimRecord], payment_id: str) -> dict[str, Cents]:
    out: dict[str, Cents] = {}
    for r in records:
        for e in r.events:
            if e.payment_id != payment_id:
                continue
            if e.kind is EventKind.ALLOCATED:
                out[r.number] = out.get(r.number, 0) + e.amount
            elif e.kind is EventKind.REVERSAL:
                out[r.number] = out.get(r.number, 0) - e.amount
    return out


def came_back(records: Sequence[ClaimRecord], payment_id: str) -> bool:
    """The ledger has the payment back (a bank return, storno, refund: a reversal that is no
    restatement) and it holds nothing on any claim: no money of it is left to designate, though
    its row may not say reversed yet (a return saves the row after the ledger)."""
    returned = any(
        e.payment_id == payment_id
        and e.kind is EventKind.REVERSAL
        and not (e.reason or "").startswith(RESTATED)
        for r in records
        for e in r.events
    )
    return returned and all(v <= 0 for v in _net_per_claim(records, payment_id).values())


def rebook_designated(
    records: Sequence[ClaimRecord],
    payment_id: str,
    amount: Cents,
    designated: Sequence[str],
    received: date,
    on: date,
    rates: RateTable | None = None,
    named_by: Named | None = None,
    reason: str = REBOOKED,
) -> Release | None:
    """Payment ``payment_id`` (``amount``, received on ``received``, naming ``designated``)
    back on the claims it named (see the module's text), booked on ``on`` or each claim's
    latest day. None when nothing moves: no named claim is open, all its money is on the
    claims it named already (a payment without a designation: always None), or it came back
    (reversed off every claim by a return, not a restatement). ``reason``: the
    reversals' (a person's correction of the designation is a restatement: the money never
    left, so its interest counts as if it had been booked so from its day)."""
    by_number = {r.number: r for r in records}
    named = [n for n in dict.fromkeys(designated) if n in by_number]
    if not named:
        return None
    net = _net_per_claim(records, payment_id)
    if came_back(records, payment_id):
        return None  # a payment that came back pays nothing (failure13b G1)
    if sum(v for n, v in net.items() if n in named and v > 0) >= amount:
        return None  # all of it is where the debtor put it (a repeat finds this too)
    free = amount
    figures = open_claims(records, booking_day(records, on), rates)
    # (a written-off claim takes money for what was written off too: ledger31)
    if not any(figures[n].open.total + (figures[n].written_off.total if t.written_off else 0) > 0
               for n in named if not (t := by_number[n].terms).closed or t.written_off):  # fmt: skip
        return None
    # off every claim it holds money on, the named ones too: the restatement below books a
    # payment on a claim where it holds nothing, so a part already there goes back with the
    # rest rather than being topped up around its own allocations
    holding = [by_number[n] for n, v in sorted(net.items()) if v > 0]
    undone = reverse(holding, payment_id, on, reason)
    restated = reason if reason.startswith(RESTATED) else None
    if restated is not None and restated.startswith(LOWERING):
        # the debtor's claims replayed from the final facts, the payment naming these claims
        # (replayed.py): where the claim it leaves shares a notice with the one it names, the
        # notice's costs are split on the final base (ledger14: 84.37 for 138.89)
        also = (Standing(payment_id, amount, received, tuple(named)),)

        def replayed(off: dict[str, tuple[LedgerEvent, ...]]) -> Release | None:
            left_by = {r.number: r for r in records}
            first: dict[str, tuple[LedgerEvent, ...]] = {}
            _add(left_by, first, off)
            return _replayed(list(left_by.values()), first, rates, named_by, restated, (), {},
                             also, spare_known=False)  # fmt: skip

        back_dated = replayed(_undone_from_its_day(records, undone, payment_id))
        if back_dated is not None:
            placed = _placed_from_its_day(back_dated, payment_id)
            if _reads_on_every_day(records, placed, rates):
                return placed
            # its money on the claims named from its day would pay costs or interest those
            # claims did not charge yet on some day before (the replay brings them to the
            # final facts on its own day): both halves of the move on the correction's day,
            # so every earlier day reads the payment once, where it was booked then
            on_its_day = replayed(undone)
            if on_its_day is not None:
                return on_its_day
    if restated is not None:
        undone = _undone_from_its_day(records, undone, payment_id)
    # the claims it leaves are restated without it (it never paid them: interest runs, costs
    # as their term says); their later payments move as a return moves them
    # (a correction by hand restates them as the money never having been there: its reason
    # is the restatement's too, so the claims' own accrual gives the restated interest)
    first = restate_claims(records, sorted(undone), rates, undone, named_by, reason=restated)
    current = {r.number: r for r in records}
    events: dict[str, tuple[LedgerEvent, ...]] = {}
    _add(current, events, first.events)
    chosen = sorted((current[n] for n in named), key=lambda r: (r.terms.due_date, r.number))
    rest = _undesignated(current.values(), set(named), received, rates)
    new, _, _, released = _spread(
        list(current.values()), [*((r,) for r in chosen), *rest], payment_id, free, received, rates,
        named=named_by, reason=restated,
    )  # fmt: skip
    moved, left = _move_released(list(current.values()), new, released, rates, named_by)
    _add(current, events, new)
    for pid, lines in first.moved.items():
        moved[pid] = lines + moved.get(pid, ())
    for pid, cents in first.left.items():
        left[pid] = left.get(pid, 0) + cents
    return Release(events, moved, left)


def _undone_from_its_day(
    records: Sequence[ClaimRecord], undone: dict[str, tuple[LedgerEvent, ...]], payment_id: str
) -> dict[str, tuple[LedgerEvent, ...]]:
    """A correction by hand books the payment as if designated so from its day: its money
    leaves a claim on the day it reached that claim, as it goes on the claims named from the
    day received. Dated on the correction's day instead, the claim on every day before it
    counted the payment twice, on the claim it left and on the one it went to (newcomer14 #2:
    200.00 paid of one 100.00; each correction back and forth one more). The accrual counts
    such a reversal from that day already (:data:`~shared.domain.ledger.model.
    DESIGNATION_RESTATED`)."""
    reached: dict[str, date] = {}
    for r in records:
        days = [
            e.on for e in r.events if e.payment_id == payment_id and e.kind is EventKind.ALLOCATED
        ]
        if days:
            reached[r.number] = min(days)
    return {
        number: tuple(replace(e, on=min(e.on, reached.get(number, e.on))) for e in new)
        for number, new in undone.items()
    }


def _placed_from_its_day(done: Release, payment_id: str) -> Release:
    """The other half of :func:`_undone_from_its_day` where the debtor's claims are replayed:
    the replay books its moves on the claims' latest day, so with the payment taken off on the
    day it reached its claim it stood on no claim on every day between (codereview14b F1:
    506.00 on no claim from 15-1 to 24-1). Its money put on again is dated on the day it
    counts from (the day received), as designated so from then; the accrual reads it from
    that day already, and other payments' moves stay on the replay's day."""
    events = {
        number: tuple(
            replace(e, on=min(e.on, e.stands_in.received))
            if e.payment_id == payment_id
            and e.kind is EventKind.ALLOCATED
            and e.stands_in is not None
            and e.stands_in.payment_id == payment_id
            else e
            for e in new
        )
        for number, new in done.events.items()
    }
    return Release(events, done.moved, done.left)


def _reads_on_every_day(
    records: Sequence[ClaimRecord], done: Release, rates: RateTable | None
) -> bool:
    """The claims after ``done`` read on every day from its earliest booking on (a claim's
    figures refuse a component paid beyond what it charged by that day)."""
    after = [ClaimRecord(r.terms, r.events + done.events.get(r.number, ())) for r in records]
    new = [e.on for events in done.events.values() for e in events]
    if not new:
        return True
    since = min(new)
    days = sorted({e.on for r in after for e in r.events if e.on >= since})
    try:
        for day in days:
            open_claims(after, day, rates)
    except ValueError:
        return False
    return True
