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
row read it already) and this payment takes that much less. The money kept in this
payment's place is marked as standing in for it (:class:`~shared.domain.ledger.model.StandIn`)
and counts from this payment's received day in every later replay; the part of this payment
it displaced goes on as the later payment's excess would have (``Restatement.displaced``:
from that payment's day, marked as standing in for it), so the debtor's claims end as if the
payments had been booked in the order received (restate10). Only where the later payments alone pay more
than the ideal claim took is their excess released (a ``reversal`` with the reason
:data:`RESTATED`) and allocated by :func:`~shared.domain.ledger.booking.allocate` over the
debtor's other claims on the day it was received.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date

from shared.domain.law.interest_rates import RateTable
from shared.domain.ledger.arrangements import held_principal_first
from shared.domain.ledger.costs import NO_COSTS_TERM, ClaimRecord
from shared.domain.ledger.model import (
    COMPONENTS,
    CREDIT_NOTE,
    DISCOUNT,
    LOWERING,
    ORDER_6_44,
    PRINCIPAL_FIRST,
    RECEIVED,
    REPLAYED,
    RESTATED,
    ClaimFigures,
    Component,
    EventKind,
    LedgerEvent,
    StandIn,
    cap_day,
    credit_day,
    discount_cap,
    discount_days,
    discounted,
    is_discount,
    is_discount_cap,
)
from shared.domain.ledger.replay import fixed_interest, interest_charged, open_claims
from shared.domain.money import Cents

# the reasons' prefixes live in model.py; read here too
__all__ = ["CREDIT_NOTE", "RECEIVED", "REPLAYED"]


def received_day(event: LedgerEvent) -> date:
    """The day the event counts from in the ideal history: money standing in for an earlier
    payment's, that payment's received day; a back-dated allocation's received day; a
    partial credit note's day it counts from (a correction: the claim's first day; a
    discount: its own); else its own."""
    if event.stands_in is not None:
        return event.stands_in.received
    reason = event.reason or ""
    if event.kind is EventKind.ALLOCATED and reason.startswith(RECEIVED):
        return date.fromisoformat(reason[len(RECEIVED) : len(RECEIVED) + 10])
    if event.kind in (EventKind.ALLOCATED, EventKind.REVERSAL) and reason.startswith(REPLAYED):
        return date.fromisoformat(reason[len(REPLAYED) : len(REPLAYED) + 10])
    if (day := credit_day(event)) is not None:
        return day
    if (day := cap_day(event)) is not None:  # (with its discount)
        return day
    return event.on


def _fixing(event: LedgerEvent) -> bool:
    """Interest a booking fixed at what had accrued (no restatement's charge on top)."""
    return (
        event.kind is EventKind.CHARGED
        and event.component is Component.INTEREST
        and event.reason is None
    )


def _restating(event: LedgerEvent) -> bool:
    return bool(event.reason and event.reason.startswith(RESTATED))


# a payment's money on a claim counts per slot: its own (None), and each earlier payment's
# it stands in for (restate10: a further restatement put all of it on its own later day)
Slot = tuple[str, StandIn | None]


def _slot(event: LedgerEvent) -> Slot:
    return (event.payment_id or "", event.stands_in)


@dataclass(frozen=True)
class Restatement:
    """The events to append on the claim (all on ``booked``), what the new payment took on
    it per component (more than it held there before: a component it left is negative), and the later payments whose allocations it changed (payment id: the
    amount released from the claim, often 0, and the day that payment was received).

    ``displaced``: what of the new payment later payments keep on the claim in its place
    (whose money that was, booked in received order: the later payment's excess or the
    earlier one's it stood in for; the amount; the day it counts from): it goes on to the
    debtor's other claims as that excess would have, from that day
    (:func:`~shared.domain.ledger.booking.allocate`)."""

    events: tuple[LedgerEvent, ...]
    taken: dict[Component, Cents]
    released: dict[str, tuple[Cents, date]]
    displaced: tuple[tuple[str, Cents, date], ...] = ()
    # what of ``released`` each slot gave up (payment, amount, the day it counts from, whose
    # money it stood in for): it goes on as money of that slot
    freed: tuple[tuple[str, Cents, date, StandIn | None], ...] = ()

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
            payment_id: str | None = None, final: bool = False,
            stands_in: StandIn | None = None, reason: str | None = None,
            note: str | None = None) -> None:  # fmt: skip
        if amount > 0:
            self.events.append(
                LedgerEvent(
                    self._seq(),
                    kind,
                    component,
                    amount,
                    day,
                    payment_id,
                    reason=reason,
                    final=final,
                    note=note,
                    stands_in=stands_in,
                )
            )

    def allocate(
        self, payment_id: str, amount: Cents, day: date, order: Sequence[Component],
        stands_in: StandIn | None = None,
    ) -> Cents:  # fmt: skip
        """Allocate up to ``amount`` on ``day``; returns what the claim could not take."""
        fig = self.fix(day)
        # a written-off claim takes money for what was written off too (ledger31)
        gone = fig.written_off if self.terms.written_off else None
        if self.terms.closed and gone is None:
            return amount
        for component in order:
            take = min(amount, fig.open.of(component) + (gone.of(component) if gone else 0))
            self.add(EventKind.ALLOCATED, component, take, day, payment_id, stands_in=stands_in)
            amount -= max(0, take)
        return amount

    def slots(self, payment_id: str) -> dict[StandIn | None, dict[Component, Cents]]:
        return _slots([e for e in self.events if e.payment_id == payment_id])

    def credit(self, amount: Cents, day: date, final: bool = False,
               reason: str | None = None, note: str | None = None) -> dict[Slot, Cents]:  # fmt: skip
        """A credit note's part off the principal on ``day``. Money paid on the principal
        beyond the lower claim is taken off the payments, the latest first (law5 #6: it is
        the debtor's, to go on by 6:43); what each gave up. ``reason`` and ``note``: the
        note's own (a discount's reason makes the accrual count it as the claim's does).

        A discount (6:160 BW) lets go only of the principal still open on its day: what was
        paid before it discharged a debt that was owed, so no payment gives anything up and
        the discount is at most that principal (restate() books the difference as
        :data:`~shared.domain.ledger.model.DISCOUNT_CAPPED`; law16b F3: kept whole, a payment
        received before it and booked after it released 110.37 to be refunded)."""
        fig = self.fix(day)
        if (reason or "").startswith(DISCOUNT):
            self.add(EventKind.CREDIT, Component.PRINCIPAL, min(amount, fig.open.principal), day,
                     final=final, reason=reason, note=note)  # fmt: skip
            return {}
        excess = amount - fig.open.principal
        out: dict[Slot, Cents] = {}
        for e in reversed(list(self.events)):
            if excess <= 0:
                break
            if e.payment_id is None or _slot(e) in out or e.component is not Component.PRINCIPAL:
                continue
            take = min(excess, self.slots(e.payment_id)[e.stands_in][Component.PRINCIPAL])
            self.add(EventKind.REVERSAL, Component.PRINCIPAL, take, day, e.payment_id,
                     stands_in=e.stands_in)  # fmt: skip
            out[_slot(e)] = take
            excess -= take
        self.add(EventKind.CREDIT, Component.PRINCIPAL, amount, day, final=final, reason=reason,
                 note=note)  # fmt: skip
        return {p: v for p, v in out.items() if v > 0}


def _net(events: Sequence[LedgerEvent]) -> dict[Component, Cents]:
    out = dict.fromkeys(COMPONENTS, 0)
    for e in events:
        if e.kind is EventKind.ALLOCATED:
            out[e.component] += e.amount
        elif e.kind is EventKind.REVERSAL:
            out[e.component] -= e.amount
    return out


def _slots(events: Sequence[LedgerEvent]) -> dict[StandIn | None, dict[Component, Cents]]:
    """A payment's net money per slot (its own, and each payment it stands in for)."""
    out: dict[StandIn | None, list[LedgerEvent]] = {}
    for e in events:
        out.setdefault(e.stands_in, []).append(e)
    return {slot: _net(evs) for slot, evs in out.items()}


def _slot_order(slot: StandIn | None) -> tuple[date, str]:
    return (slot.received, slot.payment_id) if slot else (date.min, "")


def _overflow_order(item: tuple[Slot, tuple[Cents, date]]) -> tuple[date, str, date, str]:
    (pid, slot), (_, day) = item
    return (day, pid, *_slot_order(slot))


def _owed(fig: ClaimFigures, component: Component) -> Cents:
    return fig.open.of(component) + fig.paid.of(component)


def _agreed_order(
    record: ClaimRecord, received: date, order: Sequence[Component]
) -> Sequence[Component]:
    """The order a later payment is allocated again in: principal first when it was received
    on a day a plan over the principal held the claim (the order the creditor had agreed
    when the debtor paid; law16 F4: a return of the plan's first payment put 11.29 of the
    second, paid under the plan, on interest), else ``order``."""
    held = held_principal_first(record.terms.principal_first, received)
    return PRINCIPAL_FIRST if held and tuple(order) == ORDER_6_44 else order


def _ideal(
    records: Sequence[ClaimRecord],
    record: ClaimRecord,
    payment_id: str,
    cap: Cents,
    received: date,
    booked: date,
    order: Sequence[Component],
    rates: RateTable | None,
    credit: LedgerEvent | None = None,
    gone: Collection[str] = (),
    stands_in: StandIn | None = None,
) -> tuple[_Ideal, dict[Slot, tuple[Cents, date]]]:
    """The claim had ``payment_id`` (at most ``cap``, with what it holds on the claim
    already) been booked on ``received``; and how much of each later payment's money (per
    slot) it could not take, and the day that money counts from."""
    # a payment that came back in full (refund, chargeback, bank return) never paid the
    # claim: the ideal history has neither it nor its reversal
    returned = {
        e.payment_id
        for e in record.events
        if e.kind is EventKind.REVERSAL and e.payment_id and not _restating(e)
    }
    returned = {p for p in returned if not any(_net([e for e in record.events
                                                     if e.payment_id == p]).values())}  # fmt: skip
    # money that stood in for a payment that came back in full is its holder's own again:
    # that payment never paid, so the money counts from the holder's own day
    gone = {*returned, *gone}
    # the payment itself may be on the claim already (its money released from another claim
    # comes to one it also paid): its allocations here in the slot it is booked in are left
    # out and ``cap`` holds them, so the ideal books it once, whole, on its day (ledger-rest6
    # item 3: its restated allocations were counted as a later payment's and raised a
    # KeyError); its money in other slots counts from their own days (restate10)
    events = sorted(
        (
            replace(e, stands_in=None) if e.stands_in and e.stands_in.payment_id in gone else e
            for e in record.events
            if e.payment_id is None
            or (e.payment_id not in returned
                and (e.payment_id != payment_id or e.stands_in != stands_in))
        ),
        key=lambda e: (received_day(e), e.seq),
    )  # fmt: skip
    # the history before the payment's day is kept as it was booked, unless a fact booked
    # after its own day (a back-dated payment, a credit note counting from the claim's first
    # day) reaches back into it: the claim's events after that fact's day were corrected only
    # at that fact's booking, so from its day on everything is derived again (ledger-rest6
    # item 3: kept verbatim, a note's corrections were lost and a payment counted twice)
    back = [received_day(e) for e in events if received_day(e) < e.on]
    # a later payment's money on this claim: all its allocations and reversals (restated,
    # or re-booked by its designation: taken off and put back), net; one returned in full
    # is left out above
    # (per slot: money standing in for an earlier payment counts from that payment's day)
    firsts: dict[Slot, date] = {}
    amounts: dict[Slot, Cents] = {}
    lasts: dict[Slot, date] = {}
    for e in events:
        if e.payment_id is None:
            continue
        if e.kind in (EventKind.ALLOCATED, EventKind.REVERSAL):
            slot = _slot(e)
            sign = 1 if e.kind is EventKind.ALLOCATED else -1
            amounts[slot] = amounts.get(slot, 0) + sign * e.amount
            day = received_day(e)
            lasts[slot] = max(lasts.get(slot, day), day)
            if e.kind is EventKind.ALLOCATED:
                firsts[slot] = min(firsts.get(slot, day), day)
    # a payment whose money here was moved after its first day (restated by an earlier
    # back-dated payment or note, re-booked by its designation) is derived whole from that
    # first day: kept in the history as first booked, its later moves were dropped and the
    # ideal gave it back what a restatement had released elsewhere (restate9: a payment of
    # 604 held 605, 7 cents released from F3 to F0, then all 604 put back on F3)
    back.extend(d for p, d in firsts.items() if lasts[p] > d)
    # a payment that came back in full was in the history the claim's costs and interest were
    # fixed on from its first day: from there everything is derived again without it (kept,
    # the costs fixed at the business minimum while it paid the claim in the term stayed when
    # it came back: 40.00 where 15 % of 341.67 = 51.25 was owed, ledger14)
    back.extend(received_day(e) for e in record.events
                if e.payment_id in returned and e.kind is EventKind.ALLOCATED)  # fmt: skip
    cut = min((d for d in back if d <= received), default=None)

    def history(day: date) -> bool:
        return day < cut if cut is not None else day <= received

    # interest fixed by a booking is what had accrued then under the terms and rates then in
    # force: derived, like the later fixings, so the ideal fixes it again under those now in
    # force (kept, a business rate fixed before the debtor was corrected to a consumer stayed
    # the floor of the ideal's interest: 40.80 where the consumer owed 32.53; restate13)
    def kept(e: LedgerEvent) -> bool:
        # a discount of the payment's own day comes after the payment (before_it below): kept
        # in the history, a payment received on that day and booked after it was put on a
        # principal the discount had lowered already (ledfix17 F1: 105.27 left over)
        day = received_day(e)
        return history(day) and not (day == received and is_discount(e))

    before = [replace(e, on=received_day(e)) for e in events if kept(e) and not _fixing(e)]
    later = [e for e in events if not kept(e)]
    ideal = _Ideal(records, record, before, rates)
    released: dict[Slot, tuple[Cents, date]] = {}
    seen: set[Slot] = set()

    def release(slot: Slot, cents: Cents, first: date) -> None:
        was, day = released.get(slot, (0, first))
        released[slot] = (was + cents, min(day, first))

    def again(e: LedgerEvent) -> None:
        day = received_day(e)
        if e.kind in (EventKind.CHARGED, EventKind.CORRECTION):
            return  # derived: recomputed by the ideal's own fixings
        if e.payment_id is not None and e.kind in (EventKind.ALLOCATED, EventKind.REVERSAL):
            slot = _slot(e)
            if slot in seen or history(firsts.get(slot, day)):
                return  # counted whole at its first day (or history before the payment)
            if slot not in firsts:
                return  # reversed before any allocation here: nothing of it on the claim
            seen.add(slot)
            first = firsts[slot]
            left = ideal.allocate(e.payment_id, max(0, amounts[slot]), first,
                                  _agreed_order(record, first, order), e.stands_in)  # fmt: skip
            if left > 0:
                release(slot, left, first)
        elif e.kind is EventKind.WAIVER:
            fig = ideal.fix(day)
            ideal.add(e.kind, e.component, min(e.amount, fig.open.of(e.component)), day,
                      final=e.final)  # fmt: skip
        elif e.kind is EventKind.WRITE_OFF:
            fig = ideal.fix(day)
            ideal.add(e.kind, e.component, fig.open.of(e.component), day, final=e.final)
        elif e.kind is EventKind.CREDIT:  # a note on a claim paid beyond it releases money
            for slot, cents in ideal.credit(e.amount, day, e.final, e.reason, e.note).items():
                if cents > 0 and slot[0] != payment_id:  # (its own goes on by its booking)
                    release(slot, cents, firsts.get(slot, day))

    def before_it(e: LedgerEvent) -> bool:
        # (a discount of the payment's own day comes after it: the money was on the claim
        # before the act let part of what was still owed go, as order A books it and the
        # replay carries it)
        day = received_day(e)
        return day < received or (day == received and not is_discount(e))

    for e in later:  # derived again up to the payment's day (none: no fact reached back)
        if before_it(e):
            again(e)
    if credit is not None and is_discount(credit):
        # a discount from its day (6:160 BW): the claim was owed in full up to then, so the
        # payments received before it stay where they are and it lets go of what is open
        # (at most: _Ideal.credit; booking.credit_part refuses more as the history stands)
        ideal.credit(credit.amount, received, False, credit.reason, credit.note)
    elif credit is not None:  # a credit note: that part of the principal was never owed
        ideal.add(EventKind.CREDIT, Component.PRINCIPAL, credit.amount, received)
    else:
        ideal.allocate(payment_id, cap, received, order, stands_in)
    for e in later:
        if not before_it(e):
            again(e)
    ideal.fix(booked)
    return ideal, released


def _reads_before_moves(event: LedgerEvent) -> bool:
    """Whether an event restate() appends is read with the claim before the payments' moves:
    not a credit note, nor a discount given back (model.DISCOUNT_CAPPED): both lower the
    principal, which the payments overpay until the reversals take the paid part off it."""
    given_back = is_discount_cap(event) and event.kind is EventKind.CORRECTION
    return event.kind is not EventKind.CREDIT and not given_back


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
    gone: Collection[str] = (),
    stands_in: StandIn | None = None,
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
    correction lowers the interest fixed instead of crediting it).

    ``gone``: payments that came back in full; money that stood in for theirs counts from
    its holder's own day again (they may have nothing left on this claim to say so).

    ``stands_in``: the payment's money stands in for another's (its part a later payment
    kept in its place elsewhere, going on as that payment's excess would have): booked with
    that mark, counting from that payment's day (``received``)."""
    record = next(r for r in records if r.number == number)
    # what the payment holds on the claim already (its money coming back to a claim it paid):
    # the ideal books all of it again, whole, as its own money on its day
    mine = [e for e in record.events if payment_id and e.payment_id == payment_id]
    own = _slots(mine).get(stands_in, dict.fromkeys(COMPONENTS, 0))
    ideal, overflow = _ideal(records, record, payment_id, amount + sum(own.values()),
                             received, booked, order, rates, credit,
                             gone, stands_in)  # fmt: skip
    taken = {**ideal.slots(payment_id).get(stands_in, dict.fromkeys(COMPONENTS, 0))}
    # a later payment keeps its amount: what the ideal released of it is taken out of this
    # payment's part, component by component (the figures stay the ideal ones); that money
    # stands in for this payment's, so it counts from this payment's received day
    becomes = {
        pid: {k: v for k, v in ideal.slots(pid).items() if (pid, k) != (payment_id, stands_in)}
        for pid in sorted({e.payment_id for e in record.events if e.payment_id})
    }
    instead = StandIn(payment_id, received)
    released: dict[str, tuple[Cents, date]] = {}
    displaced: list[tuple[str, Cents, date]] = []
    freed: list[tuple[str, Cents, date, StandIn | None]] = []
    for (pid, was_in), (excess, day) in sorted(overflow.items(), key=_overflow_order):
        kept = 0
        for component in order:
            part = min(excess, taken[component])
            if part > 0:
                taken[component] -= part
                standing = becomes[pid].setdefault(instead, dict.fromkeys(COMPONENTS, 0))
                standing[component] += part
                excess -= part
                kept += part
        if kept:  # booked in received order, this money was the excess of whose it was
            displaced.append((was_in.payment_id if was_in else pid, kept, day))
        if excess > 0:
            total, first = released.get(pid, (0, day))
            released[pid] = (total + excess, min(first, day))
            freed.append((pid, excess, day, was_in))
    seq = max((e.seq for e in record.events), default=0) + 1
    out = [replace(e, seq=seq + i) for i, e in enumerate(actual_fixings)]
    if credit is not None:
        out.append(replace(credit, seq=seq + len(out), on=booked))
    # a discount lets go of what the ideal history leaves open on its day (_Ideal.credit):
    # what the claim's discounts let go now is brought to that, read with the claim as it
    # stands below (the part taken back bears interest from where the note's part counts)
    notes = [*record.events, *((credit,) if credit is not None else ())]
    want, have, days = discounted(ideal.events), discounted(notes), discount_days(notes)
    caps = [c for n in sorted({*want, *have})
            if (c := discount_cap(n, days[n], want.get(n, 0) - have.get(n, 0), booked))]  # fmt: skip
    out.extend([replace(c, seq=seq + len(out) + i) for i, c in enumerate(caps)])
    if caps:  # the interest it bore since fixed as a booking fixes it (a floor for later rates)
        from shared.domain.ledger.booking import fixing_events  # booking imports this module

        capped = ClaimRecord(record.terms, record.events + tuple(
            e for e in out if _reads_before_moves(e)))  # fmt: skip
        fig = open_claims([*(r for r in records if r.number != number), capped], booked,
                          rates)[number]  # fmt: skip
        out.extend(fixing_events(capped, fig, seq + len(out)))
    seq += len(out)
    why = f"{RESTATED}payment {payment_id} received {received.isoformat()}"
    if credit is not None:
        why = f"{RESTATED}{credit.reason}"
    if reason is not None:
        why = reason
    paying: list[LedgerEvent] = []  # the payments' moves, numbered after the corrections

    def emit(kind: EventKind, component: Component, cents: Cents, pid: str | None,
             reason: str, stands_in: StandIn | None = None,
             into: list[LedgerEvent] = paying) -> None:  # fmt: skip
        if cents > 0:
            into.append(LedgerEvent(0, kind, component, cents, booked, pid, reason,
                                    stands_in=stands_in))  # fmt: skip

    moves: list[tuple[str, StandIn | None, Component, Cents]] = []
    zero = dict.fromkeys(COMPONENTS, 0)
    for pid, ideal_slots in becomes.items():
        was_slots = _slots([e for e in record.events if e.payment_id == pid])
        if pid == payment_id:  # the slot it is booked in: below
            was_slots.pop(stands_in, None)
        for slot in sorted({*ideal_slots, *was_slots}, key=_slot_order):
            now_, was = ideal_slots.get(slot, zero), was_slots.get(slot, zero)
            moves.extend((pid, slot, c, now_[c] - was[c]) for c in ORDER_6_44)
            if pid != payment_id and any(now_[c] != was[c] for c in ORDER_6_44):
                released.setdefault(pid, (0, booked))  # moved (component or slot): rows follow
    for pid, slot, component, delta in moves:  # take away first, so nothing is overpaid
        emit(EventKind.REVERSAL, component, -delta, pid, why, slot)
    for component in order:  # the payment's own part the ideal puts elsewhere (6:44)
        emit(EventKind.REVERSAL, component, own[component] - taken[component], payment_id, why,
             stands_in)  # fmt: skip
    for pid, slot, component, delta in moves:
        emit(EventKind.ALLOCATED, component, delta, pid, why, slot)
    lowering = why.startswith(LOWERING)
    # booked by a restatement that lowers the fixed interest, the payment's money counts from
    # its received day in the claim's own accrual (model.RECEIVED)
    booked_as = f"{RECEIVED}{received.isoformat()}" + (f" {why}" if lowering else "")
    for component in order:
        emit(EventKind.ALLOCATED, component, taken[component] - own[component], payment_id,
             booked_as, stands_in)  # fmt: skip
    # the claim as it stands, its costs and interest pinned by the fixings: the credit note
    # stays out of this replay, as on ``booked`` it only lowers the principal (what is owed
    # of the other components is fixed), and a note above the open principal (law5 #6)
    # overpays the principal until the reversals below take the paid part off it. A
    # restatement that lowers the fixed interest (rates, terms, standing) is read with its
    # moves: the accrual counts them from each payment's first day (accrual.py), so the
    # interest it gives is part of what the claim asks already (else a cent charged on top
    # here was counted twice once the accrual caught up: law12b #2)
    fixed = tuple(e for e in out if _reads_before_moves(e))
    actual = ClaimRecord(record.terms, record.events + fixed)
    others = [r for r in records if r.number != number]
    now = open_claims([*others, actual], booked, rates)[number]
    owed = {c: _owed(now, c) for c in COMPONENTS}
    if lowering:  # the interest with the moves (only the accrual reads them: the costs the
        # moves pay may be charged only by the corrections below; restate13)
        moving = ClaimRecord(record.terms, actual.events + tuple(paying))
        owed[Component.INTEREST] += interest_charged(moving, booked, rates) - now.charged.interest
    should = ideal.figures(booked)
    corrections: list[LedgerEvent] = []
    for component in (Component.COSTS, Component.COSTS_VAT, Component.INTEREST):
        # what the debtor owes on it, paid or not (charged less what was let go): a waiver
        # of costs the ideal never charged needs no correction on top
        gap = _owed(should, component) - owed[component]
        # costs taken back because the claim has no costs term now (a 14-day letter reported
        # undelivered): computed again when a term comes back (costs.fixed_costs, law6 #2)
        termless = component is not Component.INTEREST and record.terms.costs_owed_from is None
        emit(EventKind.CHARGED if gap > 0 else EventKind.CORRECTION, component, abs(gap), None,
             NO_COSTS_TERM if termless and gap < 0 else why, into=corrections)  # fmt: skip
    if lowering:
        # the interest the restated history charged up to ``booked`` is fixed, as a booking
        # fixes it: read only from the accrual, it fell under what the payments hold on the
        # claim once the next table put in force lowered the accrual (restate13: a storno's
        # restatement left 40.77 interest paid over 39.94 fixed; the next rates replayed it
        # overpaid)
        floor = should.charged.interest - fixed_interest([*record.events, *fixed, *corrections])
        if floor > 0:
            corrections.append(LedgerEvent(0, EventKind.CHARGED, Component.INTEREST, floor, booked))
    out.extend(replace(e, seq=seq + i) for i, e in enumerate([*corrections, *paying]))
    change = {c: taken[c] - own[c] for c in order}
    return Restatement(
        tuple(out), {c: v for c, v in change.items() if v}, released, tuple(displaced),
        tuple(freed),
    )  # fmt: skip
