"""Booking a fact on its own day when the claim already has later events (docs/law.md,
back-dated payments): the stream stays append-only, and what is appended brings the claim's
figures to exactly what they would be had the fact been booked on its day.

The claim is replayed twice up to the booking day: as it stands, and as it would have been
(the *ideal*): the new payment inserted on the day it was received, every later fact applied
again on its own day over the ideal figures (later payments allocated again by 6:44 over what
was then open, costs fixed when money then first reached the claim, waivers capped at what
was then open, a write-off of what was then open, a reversal undoing the payment's ideal
allocations); what the claim's own arithmetic produced after that day (``charged`` fixings,
earlier corrections) is derived, so it is recomputed rather than copied. The difference is
appended on the booking day:

- costs, their VAT or interest charged too much: a ``correction`` (taken back); too little:
  ``charged``;
- a later payment whose allocation would have gone to another component (6:44): a
  ``reversal`` of the old part and an ``allocated`` of the new one, both with the reason
  :data:`RESTATED` (not a payment that came back);
- the new payment's allocations, with the day it was received in their reason
  (:data:`RECEIVED`), so a later restatement puts it on that day again.

When a later payment would overpay the ideal claim (it paid what the claim then asked,
without this payment, which came first), the claim's figures are still the ideal ones (the
money is the same: what was paid per component on the claim is what the ideal says), but
the later payment keeps its amount on the claim (plans, statements and the payment's own
row read it already) and this payment takes that much less, the rest going on by 6:43 to the
debtor's other claims or its overpayment. Only where the later payments alone pay more
than the ideal claim took is their excess released (a ``reversal`` with the reason
:data:`RESTATED`) and allocated by :func:`~shared.domain.ledger.booking.allocate` over the
debtor's other claims on the day it was received.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from shared.domain.law.interest_rates import RateTable
from shared.domain.ledger.costs import NO_COSTS_TERM, ClaimRecord
from shared.domain.ledger.model import (
    COMPONENTS,
    ORDER_6_44,
    RESTATED,
    ClaimFigures,
    Component,
    EventKind,
    LedgerEvent,
)
from shared.domain.ledger.replay import open_claims
from shared.domain.money import Cents

RECEIVED = "received "  # + ISO day: an allocation booked after the day its money came in


CREDIT_NOTE = "credit note of "  # + ISO day the credited part counts from + ": " + reference


def received_day(event: LedgerEvent) -> date:
    """The day the event counts from in the ideal history: a back-dated allocation's
    received day, a partial credit note's first day of the claim, else its own."""
    reason = event.reason or ""
    if event.kind is EventKind.ALLOCATED and reason.startswith(RECEIVED):
        return date.fromisoformat(reason[len(RECEIVED) : len(RECEIVED) + 10])
    if event.kind is EventKind.CREDIT and reason.startswith(CREDIT_NOTE):
        return date.fromisoformat(reason[len(CREDIT_NOTE) : len(CREDIT_NOTE) + 10])
    return event.on


def _restating(event: LedgerEvent) -> bool:
    return bool(event.reason and event.reason.startswith(RESTATED))


@dataclass(frozen=True)
class Restatement:
    """The events to append on the claim (all on ``booked``), what the new payment took on
    it per component (more than it held there before: a component it left is negative), and the later payments whose allocations it changed (payment id: the
    amount released from the claim, often 0, and the day that payment was received)."""

    events: tuple[LedgerEvent, ...]
    taken: dict[Component, Cents]
    released: dict[str, tuple[Cents, date]]

    @property
    def amount(self) -> Cents:
        return sum(self.taken.values())


class _Ideal:
    """The claim's ideal history, built event by event (seq numbers are its own)."""

    def __init__(
        self,
        records: Sequence[ClaimRecord],
        record: ClaimRecord,
        start: Sequence[LedgerEvent],
        rates: RateTable | None,
    ) -> None:
        self.others = [r for r in records if r.number != record.number]
        self.terms = record.terms
        self.events: list[LedgerEvent] = list(start)
        self.rates = rates

    @property
    def record(self) -> ClaimRecord:
        return ClaimRecord(self.terms, tuple(self.events))

    def _seq(self) -> int:
        return max((e.seq for e in self.events), default=0) + 1

    def figures(self, day: date) -> ClaimFigures:
        return open_claims([*self.others, self.record], day, self.rates)[self.terms.invoice_number]

    def fix(self, day: date) -> ClaimFigures:
        """Costs and interest fixed on ``day``, as a booking or staff change would."""
        from shared.domain.ledger.booking import fixing_events  # booking imports this module

        fig = self.figures(day)
        self.events.extend(fixing_events(self.record, fig, self._seq()))
        return self.figures(day)

    def add(self, kind: EventKind, component: Component, amount: Cents, day: date,
            payment_id: str | None = None, final: bool = False) -> None:  # fmt: skip
        if amount > 0:
            self.events.append(
                LedgerEvent(self._seq(), kind, component, amount, day, payment_id, final=final)
            )

    def allocate(
        self, payment_id: str, amount: Cents, day: date, order: Sequence[Component]
    ) -> Cents:
        """Allocate up to ``amount`` on ``day``; returns what the claim could not take."""
        fig = self.fix(day)
        if self.terms.closed:
            return amount
        for component in order:
            take = min(amount, fig.open.of(component))
            self.add(EventKind.ALLOCATED, component, take, day, payment_id)
            amount -= max(0, take)
        return amount

    def net(self, payment_id: str) -> dict[Component, Cents]:
        return _net([e for e in self.events if e.payment_id == payment_id])

    def credit(self, amount: Cents, day: date, final: bool = False) -> dict[str, Cents]:
        """A credit note's part off the principal on ``day``. Money paid on the principal
        beyond the lower claim is taken off the payments, the latest first (law5 #6: it is
        the debtor's, to go on by 6:43); what each gave up."""
        fig = self.fix(day)
        excess = amount - fig.open.principal
        out: dict[str, Cents] = {}
        for e in reversed(list(self.events)):
            if excess <= 0:
                break
            if (
                e.payment_id is None
                or e.payment_id in out
                or e.component is not Component.PRINCIPAL
            ):
                continue
            take = min(excess, self.net(e.payment_id)[Component.PRINCIPAL])
            self.add(EventKind.REVERSAL, Component.PRINCIPAL, take, day, e.payment_id)
            out[e.payment_id] = take
            excess -= take
        self.add(EventKind.CREDIT, Component.PRINCIPAL, amount, day, final=final)
        return {p: v for p, v in out.items() if v > 0}


def _net(events: Sequence[LedgerEvent]) -> dict[Component, Cents]:
    out = dict.fromkeys(COMPONENTS, 0)
    for e in events:
        if e.kind is EventKind.ALLOCATED:
            out[e.component] += e.amount
        elif e.kind is EventKind.REVERSAL:
            out[e.component] -= e.amount
    return out


def _owed(fig: ClaimFigures, component: Component) -> Cents:
    return fig.open.of(component) + fig.paid.of(component)


def _ideal(
    records: Sequence[ClaimRecord],
    record: ClaimRecord,
    payment_id: str,
    cap: Cents,
    received: date,
    booked: date,
    order: Sequence[Component],
    rates: RateTable | None,
    credit: Cents = 0,
) -> tuple[_Ideal, dict[str, tuple[Cents, date]]]:
    """The claim had ``payment_id`` (at most ``cap``, with what it holds on the claim
    already) been booked on ``received``; and how much of each later payment it could not
    take (and the day it came)."""
    # a payment that came back in full (refund, chargeback, bank return) never paid the
    # claim: the ideal history has neither it nor its reversal
    returned = {
        e.payment_id
        for e in record.events
        if e.kind is EventKind.REVERSAL and e.payment_id and not _restating(e)
    }
    returned = {p for p in returned if not any(_net([e for e in record.events
                                                     if e.payment_id == p]).values())}  # fmt: skip
    # the payment itself may be on the claim already (its money released from another claim
    # comes to one it also paid): its allocations here are left out and ``cap`` holds them,
    # so the ideal books it once, whole, on its day (ledger-rest6 item 3: its restated
    # allocations were counted as a later payment's and raised a KeyError)
    returned.add(payment_id)
    events = sorted(
        (e for e in record.events if e.payment_id is None or e.payment_id not in returned),
        key=lambda e: (received_day(e), e.seq),
    )
    # the history before the payment's day is kept as it was booked, unless a fact booked
    # after its own day (a back-dated payment, a credit note counting from the claim's first
    # day) reaches back into it: the claim's events after that fact's day were corrected only
    # at that fact's booking, so from its day on everything is derived again (ledger-rest6
    # item 3: kept verbatim, a note's corrections were lost and a payment counted twice)
    back = [received_day(e) for e in events if received_day(e) < e.on]
    # a later payment's money on this claim: all its allocations and reversals (restated,
    # or re-booked by its designation: taken off and put back), net; one returned in full
    # is left out above
    firsts: dict[str, date] = {}
    amounts: dict[str, Cents] = {}
    lasts: dict[str, date] = {}
    for e in events:
        if e.payment_id is None or e.payment_id == payment_id:
            continue
        if e.kind in (EventKind.ALLOCATED, EventKind.REVERSAL):
            sign = 1 if e.kind is EventKind.ALLOCATED else -1
            amounts[e.payment_id] = amounts.get(e.payment_id, 0) + sign * e.amount
            day = received_day(e)
            lasts[e.payment_id] = max(lasts.get(e.payment_id, day), day)
            if e.kind is EventKind.ALLOCATED:
                firsts[e.payment_id] = min(firsts.get(e.payment_id, day), day)
    # a payment whose money here was moved after its first day (restated by an earlier
    # back-dated payment or note, re-booked by its designation) is derived whole from that
    # first day: kept in the history as first booked, its later moves were dropped and the
    # ideal gave it back what a restatement had released elsewhere (restate9: a payment of
    # 604 held 605, 7 cents released from F3 to F0, then all 604 put back on F3)
    back.extend(d for p, d in firsts.items() if lasts[p] > d)
    cut = min((d for d in back if d <= received), default=None)

    def history(day: date) -> bool:
        return day < cut if cut is not None else day <= received

    before = [replace(e, on=received_day(e)) for e in events if history(received_day(e))]
    later = [e for e in events if not history(received_day(e))]
    ideal = _Ideal(records, record, before, rates)
    released: dict[str, tuple[Cents, date]] = {}
    seen: set[str] = set()

    def again(e: LedgerEvent) -> None:
        day = received_day(e)
        if e.kind in (EventKind.CHARGED, EventKind.CORRECTION):
            return  # derived: recomputed by the ideal's own fixings
        if e.payment_id is not None and e.kind in (EventKind.ALLOCATED, EventKind.REVERSAL):
            if e.payment_id in seen or history(firsts.get(e.payment_id, day)):
                return  # counted whole at its first day (or history before the payment)
            if e.payment_id not in firsts:
                return  # reversed before any allocation here: nothing of it on the claim
            seen.add(e.payment_id)
            first = firsts[e.payment_id]
            left = ideal.allocate(e.payment_id, max(0, amounts[e.payment_id]), first, order)
            if left > 0:
                released[e.payment_id] = (left, first)
        elif e.kind is EventKind.WAIVER:
            fig = ideal.fix(day)
            ideal.add(e.kind, e.component, min(e.amount, fig.open.of(e.component)), day,
                      final=e.final)  # fmt: skip
        elif e.kind is EventKind.WRITE_OFF:
            fig = ideal.fix(day)
            ideal.add(e.kind, e.component, fig.open.of(e.component), day, final=e.final)
        elif e.kind is EventKind.CREDIT:  # a note on a claim paid beyond it releases money
            for pid, cents in ideal.credit(e.amount, day, e.final).items():
                if pid != payment_id:  # (the payment's own money goes on by its booking)
                    first = firsts.get(pid, day)
                    released[pid] = (released.get(pid, (0, first))[0] + cents, first)

    for e in later:  # derived again up to the payment's day (none: no fact reached back)
        if received_day(e) <= received:
            again(e)
    if credit:  # a credit note: that part of the principal was never owed
        ideal.add(EventKind.CREDIT, Component.PRINCIPAL, credit, received)
    else:
        ideal.allocate(payment_id, cap, received, order)
    for e in later:
        if received_day(e) > received:
            again(e)
    ideal.fix(booked)
    return ideal, released


def restate(
    records: Sequence[ClaimRecord],
    number: str,
    payment_id: str,
    amount: Cents,
    received: date,
    booked: date,
    actual_fixings: Sequence[LedgerEvent],
    order: Sequence[Component] = ORDER_6_44,
    rates: RateTable | None = None,
    credit: LedgerEvent | None = None,
    reason: str | None = None,
) -> Restatement:
    """Payment ``payment_id`` (``amount`` left of it) received on ``received`` reaches claim
    ``number``, whose own events run to ``booked``: the events that book it on ``booked``
    with the figures it would have had on ``received`` (see the module's text).
    ``actual_fixings``: the fixings on ``booked`` of the claim as it stands (appended
    first).

    ``credit``: a partial credit note instead of a payment (``payment_id`` empty, ``amount``
    0): its ``credit`` event is appended on ``booked`` and the ideal has the credited part
    off the principal from ``received`` (the claim's first day: it was never owed); later
    payments' money the lower claim does not take is released.

    ``reason``: why the claim is restated, instead of the payment or the note (a rate table
    put in force: :data:`~shared.domain.ledger.model.RATES_RESTATED`, whose interest
    correction lowers the interest fixed instead of crediting it)."""
    record = next(r for r in records if r.number == number)
    # what the payment holds on the claim already (its money coming back to a claim it paid)
    own = _net([e for e in record.events if payment_id and e.payment_id == payment_id])
    have = sum(own.values())
    ideal, overflow = _ideal(records, record, payment_id, amount + have, received, booked, order,
                             rates, credit.amount if credit else 0)  # fmt: skip
    taken = ideal.net(payment_id)
    # a later payment keeps its amount: what the ideal released of it is taken out of this
    # payment's part, component by component (the figures stay the ideal ones)
    becomes = {
        pid: ideal.net(pid)
        for pid in sorted({e.payment_id for e in record.events if e.payment_id} - {payment_id})
    }
    released: dict[str, tuple[Cents, date]] = {}
    for pid, (excess, day) in sorted(overflow.items(), key=lambda x: (x[1][1], x[0])):
        for component in order:
            part = min(excess, taken[component])
            taken[component] -= part
            becomes[pid][component] += part
            excess -= part
        if excess > 0:
            released[pid] = (excess, day)
    seq = max((e.seq for e in record.events), default=0) + 1
    out = [replace(e, seq=seq + i) for i, e in enumerate(actual_fixings)]
    if credit is not None:
        out.append(replace(credit, seq=seq + len(out), on=booked))
    seq += len(out)
    # the claim as it stands, its costs and interest pinned by the fixings: the credit note
    # stays out of this replay, as on ``booked`` it only lowers the principal (what is owed
    # of the other components is fixed), and a note above the open principal (law5 #6)
    # overpays the principal until the reversals below take the paid part off it
    fixed = tuple(e for e in out if e.kind is not EventKind.CREDIT)
    actual = ClaimRecord(record.terms, record.events + fixed)
    others = [r for r in records if r.number != number]
    now = open_claims([*others, actual], booked, rates)[number]
    should = ideal.figures(booked)
    why = f"{RESTATED}payment {payment_id} received {received.isoformat()}"
    if credit is not None:
        why = f"{RESTATED}{credit.reason}"
    if reason is not None:
        why = reason

    def emit(kind: EventKind, component: Component, cents: Cents, pid: str | None,
             reason: str) -> None:  # fmt: skip
        nonlocal seq
        if cents > 0:
            out.append(LedgerEvent(seq, kind, component, cents, booked, pid, reason))
            seq += 1

    for component in (Component.COSTS, Component.COSTS_VAT, Component.INTEREST):
        # what the debtor owes on it, paid or not (charged less what was let go): a waiver
        # of costs the ideal never charged needs no correction on top
        gap = _owed(should, component) - _owed(now, component)
        # costs taken back because the claim has no costs term now (a 14-day letter reported
        # undelivered): computed again when a term comes back (costs.fixed_costs, law6 #2)
        termless = component is not Component.INTEREST and record.terms.costs_owed_from is None
        emit(EventKind.CHARGED if gap > 0 else EventKind.CORRECTION, component, abs(gap), None,
             NO_COSTS_TERM if termless and gap < 0 else why)  # fmt: skip
    moves: list[tuple[str, Component, Cents]] = []
    for pid, ideal_net in becomes.items():
        was = _net([e for e in record.events if e.payment_id == pid])
        moves.extend((pid, c, ideal_net[c] - was[c]) for c in ORDER_6_44)
        if any(ideal_net[c] != was[c] for c in ORDER_6_44):
            released.setdefault(pid, (0, booked))  # moved between components: rows follow
    for pid, component, delta in moves:  # take away first, so no component is overpaid
        emit(EventKind.REVERSAL, component, -delta, pid, why)
    for component in order:  # the payment's own part the ideal puts elsewhere (6:44)
        emit(EventKind.REVERSAL, component, own[component] - taken[component], payment_id, why)
    for pid, component, delta in moves:
        emit(EventKind.ALLOCATED, component, delta, pid, why)
    for component in order:
        emit(EventKind.ALLOCATED, component, taken[component] - own[component], payment_id,
             f"{RECEIVED}{received.isoformat()}")  # fmt: skip
    change = {c: taken[c] - own[c] for c in order}
    return Restatement(tuple(out), {c: v for c, v in change.items() if v}, released)
