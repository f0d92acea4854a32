"""A debtor's claims replayed from the final facts (docs/law.md, restatements over several
claims): after a payment came back, a rate table was put in force, a claim's terms changed,
every claim's figures are those of booking the payments that stand, in the order received,
on the terms and rates now in force, from scratch: 6:43 lid 2 decided again over all of the
debtor's claims (which claim is due, most burdensome, oldest, pro rata) and 6:44 within each.

Restating claim by claim moved a payment's money only as far as a claim released it: money a
claim later in the 6:43 order held was never taken back to a claim that now came first (a due
date moved later, a payment that came back), and money kept in another payment's place lost
whose it was when that payment came back (ledger14: 72 of 300 sequences over three claims
apart from the final facts, 55 of them by more than a euro).

The stream stays append-only. On the day the restatement is booked each claim whose history
differs gets: its money as it stands taken off on the very days its own accrual counted it
(so the accrual no longer reads it), the replayed money put on as from the day each payment
was received (:data:`~shared.domain.ledger.model.REPLAYED`, marked as standing in for the
payment itself: the day it counts from), and the costs, their VAT and the interest brought to
the replay's by ``charged`` and ``correction`` events (the interest fixed lowered or raised,
no credit for the debtor), and what is credited of the interest brought to what the claim's own
accrual differs from the replay's (:data:`~shared.domain.ledger.model.CREDITED_REPLAYED`: a
back-dated payment's claim-by-claim restatement credited interest on the history then
standing, which stayed credited after a return; ledger15, 30 of 300 sequences apart by up
to 10.66, now those with a return or rate table after it 0). Only where the facts can be replayed: payments, their stornos, the
claims' own restatements and their terms, paused interest (a whole-claim plan's pause) and
money settled with the client before the hand-over among them (ledger15: they are the claim's
terms, which the replay books the payments on as they are; claim by claim 50 and 37 of 300
sequences ended apart, tests/unit/ledger/test_replay_every_fact.py), and partial credit notes
(the claim's principal lower from its first day: the part was never owed; 193 of 300 apart, now
exact on the day and within a cent three months on), and waivers (the creditor's act, its
amount on its day among the payments; where the final facts leave less open that day, claim
by claim), and write-offs likewise (their amounts kept, the interest stopped there), and
discounts (a partial credit note that lets part of the principal go from its own day, 6:160
BW: carried on that day among the payments, the costs and interest owed before it kept; where
the final facts leave less principal open that day, claim by claim; law15c F1).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from shared.domain.law.interest_rates import RateTable
from shared.domain.ledger.accrual import _returned_in_full, accrued_interest, money_days
from shared.domain.ledger.arrangements import held_principal_first
from shared.domain.ledger.costs import NO_COSTS_TERM, ClaimRecord
from shared.domain.ledger.model import (
    COMPONENTS,
    CREDITED_REPLAYED,
    ORDER_6_44,
    PARTIAL_CREDITS,
    REPLAYED,
    RESTATED,
    ClaimFigures,
    Component,
    EventKind,
    LedgerEvent,
    StandIn,
    discount_cap,
    discount_days,
    discounted,
    is_discount,
    is_discount_cap,
    rate_lowering,
)
from shared.domain.ledger.replay import fixed_interest, interest_charged, open_claims
from shared.domain.ledger.restate import received_day
from shared.domain.money import Cents, round_half_up

# the kinds of event a replay can derive again from the payments alone
_REPLAYABLE = (
    EventKind.CHARGED, EventKind.ALLOCATED, EventKind.REVERSAL, EventKind.CORRECTION,
    EventKind.WAIVER, EventKind.WRITE_OFF,
)  # fmt: skip


@dataclass(frozen=True)
class Standing:
    """A payment the replay books: its amount, the day it was received, what it named."""

    payment_id: str
    amount: Cents
    received: date
    designated: tuple[str, ...]


def _is_note(e: LedgerEvent) -> bool:
    """A partial credit note's principal credit: a correction's or a discount's."""
    return e.component is Component.PRINCIPAL and (e.reason or "").startswith(PARTIAL_CREDITS)


def _noted(record: ClaimRecord) -> Cents:
    """What the claim's partial credit notes correcting the invoice took off its principal:
    never owed (a discount's part was owed up to its day: carried on that day)."""
    return sum(e.amount for e in record.events
               if e.kind is EventKind.CREDIT and _is_note(e) and not is_discount(e))  # fmt: skip


def _held(records: Sequence[ClaimRecord]) -> dict[str, dict[str, Cents]]:
    """Per payment, what it reached: per claim its money there now (0: all taken off again)."""
    out: dict[str, dict[str, Cents]] = {}
    for r in records:
        for e in r.events:
            if e.payment_id and e.kind in (EventKind.ALLOCATED, EventKind.REVERSAL):
                sign = 1 if e.kind is EventKind.ALLOCATED else -1
                mine = out.setdefault(e.payment_id, {})
                mine[r.number] = mine.get(r.number, 0) + sign * e.amount
    return out


def freed_by_notes(records: Sequence[ClaimRecord]) -> dict[str, tuple[tuple[Cents, date], ...]]:
    """Per payment, the money the claims' partial credit notes freed from it (what their
    restatements, ``RESTATED`` + the note's reason, took off it net), per note: the amount and
    the day the note was booked, earliest first. Set-off of each note's money is open from
    its own day against the claims due then (law16b F2): counted all from the later note's
    day, money the first note left over was put on a claim due only between the notes (law17b
    F3: 99.51 moved by an unrelated return). A payment booked after a note was never freed by
    it: the note is in the claim it paid."""
    why = tuple(f"{RESTATED}{p}" for p in PARTIAL_CREDITS)
    per_day: dict[str, dict[date, Cents]] = {}
    for r in records:
        for e in r.events:
            if not e.payment_id or not (e.reason or "").startswith(why):
                continue
            if e.kind not in (EventKind.ALLOCATED, EventKind.REVERSAL):
                continue
            sign = 1 if e.kind is EventKind.REVERSAL else -1
            days = per_day.setdefault(e.payment_id, {})
            days[e.on] = days.get(e.on, 0) + sign * e.amount
    out: dict[str, tuple[tuple[Cents, date], ...]] = {}
    for pid, days in per_day.items():
        total = sum(days.values())
        parts: list[tuple[Cents, date]] = []
        for day in sorted(days):  # (a note that put money back: off the earlier notes' parts)
            cents = days[day]
            while cents < 0 and parts:
                was, d = parts.pop()
                if was + cents > 0:
                    parts.append((was + cents, d))
                cents = min(0, was + cents)
            if cents > 0:
                parts.append((cents, day))
        if total > 0 and parts:
            out[pid] = tuple(parts)
    return out


def _replayable(records: Sequence[ClaimRecord]) -> bool:
    for r in records:
        # (paused interest and money settled before the hand-over are terms: the fresh claims
        # carry them, the accrual and 6:43 read them there as on the claims as they stand)
        if r.terms.closed:
            return False
        # (a waiver that stops the interest, its `stop_interest`: the fresh claim carries it too)
        if any(e.final and e.kind is not EventKind.WAIVER for e in r.events):
            return False
        # a partial credit note (a correction: its part off the principal from the claim's
        # first day; a discount: from its own day) is replayed; any other credit is not
        if any(e.kind is EventKind.CREDIT and not _is_note(e) for e in r.events):
            return False
        if any(e.kind not in _REPLAYABLE for e in r.events if e.kind is not EventKind.CREDIT):
            return False
        # a note's or a lost costs term's correction is no payment's: not derived here
        # (what of a discount was taken or given back is derived again: DISCOUNT_CAPPED)
        if any((e.kind is EventKind.CORRECTION and not (e.reason or "").startswith(RESTATED)
                and not is_discount_cap(e))
               or e.reason == NO_COSTS_TERM for e in r.events):  # fmt: skip
            return False
    return True


def standing(
    records: Sequence[ClaimRecord],
    spare: Mapping[str, tuple[Cents, date, str]],
    named: Callable[[str], Sequence[str]] | None,
    gone: Collection[str],
) -> list[Standing]:
    """The payments that stand on the debtor's claims, with their money no claim holds
    (``spare``): amount, received day (the earliest day its own money counts from), naming."""
    held: dict[str, Cents] = {}
    first: dict[str, date] = {}
    returned: set[str] = set(gone)
    for r in records:
        returned |= _returned_in_full(list(r.events))
    for r in records:
        for e in r.events:
            if not e.payment_id or e.kind not in (EventKind.ALLOCATED, EventKind.REVERSAL):
                continue
            sign = 1 if e.kind is EventKind.ALLOCATED else -1
            held[e.payment_id] = held.get(e.payment_id, 0) + sign * e.amount
            own = e.stands_in is None or e.stands_in.payment_id == e.payment_id
            if e.kind is EventKind.ALLOCATED and own:
                day = received_day(e)
                first[e.payment_id] = min(first.get(e.payment_id, day), day)
    out: list[Standing] = []
    for pid in sorted({*held, *spare}):
        left = spare[pid][0] if pid in spare else 0
        amount = held.get(pid, 0) + max(0, left)
        if amount <= 0 or (pid in returned and held.get(pid, 0) <= 0):
            continue
        since = spare[pid][1] if pid in spare else first.get(pid)
        if since is None:
            continue
        out.append(Standing(pid, amount, since, tuple(named(pid)) if named else ()))
    return out


def replay_debtor(
    records: Sequence[ClaimRecord],
    payments: Sequence[Standing],
    booked: date,
    why: str,
    rates: RateTable | None = None,
    named: Callable[[str], Sequence[str]] | None = None,
) -> dict[str, tuple[LedgerEvent, ...]] | None:
    """The events that bring each of the debtor's claims (``records``, all of them) to the
    replay of ``payments`` from scratch, booked on ``booked`` (see the module's text); None
    when the facts cannot be replayed. ``why``: the restatement's reason (one that lowers
    the fixed interest, :data:`~shared.domain.ledger.model.LOWERING`)."""
    from shared.domain.ledger.booking import (  # booking uses this module
        allocate,
        fixing_events,
    )

    if not _replayable(records):
        return None
    # a partial credit note's part was never owed (docs/law.md, a partial credit note): the
    # claim as it should be has the lower principal from its first day, as the note's own
    # restatement put it (its ``credit`` stays on the claim as it stands)
    fresh = [ClaimRecord(replace(r.terms, principal=r.terms.principal - _noted(r)))
             for r in records]  # fmt: skip
    numbers = {r.number for r in records}
    # a waiver or write-off is the creditor's own act: it keeps its amount, on its day, among
    # the payments (one received that day first: it was on the claim before the act was
    # booked); a discount likewise, on the day it counts from (its date: booked later, on the
    # claim's latest day, its restatement put it there)
    waivers = [(received_day(e), 1, "", i, e.seq) for i, r in enumerate(records)
               for e in r.events
               if e.kind in (EventKind.WAIVER, EventKind.WRITE_OFF) or is_discount(e)]  # fmt: skip
    by_id = {p.payment_id: p for p in payments}
    # money a credit note freed from a payment went to the claims it named, then to those due
    # when it was received, else it was an overpayment (booking.credit_part, law15c F4): that
    # much of the payment, and no more, is replayed so too; the rest of its surplus goes by
    # 6:43 lid 2 as the claim-by-claim restatement sends money freed for any other reason
    # (codereview16 F2: a payment booked after an earlier note, its costs later taken back,
    # left 135.00 as an overpayment where claim by claim it paid F2)
    freed = freed_by_notes(records)
    held = _held(records)
    for day, _, pid, i, seq in sorted([*((p.received, 0, p.payment_id, 0, 0) for p in payments),
                                       *waivers]):  # fmt: skip
        if pid:
            p = by_id[pid]
            # (an invoice it named that is not among them: that part of its designation is none)
            designated = [n for n in p.designated if n in numbers]
            # money received while a plan over the principal held a claim: principal first
            agreed = frozenset(
                r.number for r in fresh if held_principal_first(r.terms.principal_first, p.received)
            )
            if p.payment_id not in freed:
                done = allocate(fresh, p.payment_id, p.amount, p.received, designated, rates,
                                agreed, named=named)  # fmt: skip
                fresh = [ClaimRecord(r.terms, r.events + done.events.get(r.number, ()))
                         for r in fresh]  # fmt: skip
                continue
            # booked as claim by claim: the payment without what its notes freed by 6:43 lid 2
            # as received (its own surplus too), then each note's freed money on the claims due
            # by that note's day (law16b F2: not by 6:43 alone, which ranks a claim not yet due
            # when the money came in by its due date, a claim a plan held that day among them),
            # and what none takes left over, at most what the payment holds on no claim as
            # booked (the rest: a note before ledger16 moved it to a claim not yet due, where it
            # stays, docs/operations.md)
            parts = freed[p.payment_id]
            part = min(sum(v for v, _ in parts), p.amount)
            steps: list[tuple[Cents, bool | date]] = [(p.amount - part, False)]
            for cents, noted in parts:  # each note's money from its own day (law17b F3)
                steps.append((min(cents, part), max(noted, p.received)))
                part -= min(cents, part)
            left, booked_any = 0, False
            for amount, due in steps:
                if amount <= 0:
                    continue
                # (set off by the creditor, not paid under a plan: in the order the booking sets
                # it off, booking._set_off_from; principal first as money paid in the plan's
                # days, after its lapse 7.01 went on F1's principal instead of its interest)
                order = frozenset() if due else agreed
                done = allocate(fresh, p.payment_id, amount, p.received, designated, rates,
                                order, named=named, due_only=due, continuing=booked_any)  # fmt: skip
                fresh = [ClaimRecord(r.terms, r.events + done.events.get(r.number, ()))
                         for r in fresh]  # fmt: skip
                booked_any = booked_any or bool(done.lines)
                left += done.unallocated
            spare = p.amount - sum(held.get(p.payment_id, {}).values())
            rest = left - min(left, max(0, spare))
            if rest > 0:
                done = allocate(fresh, p.payment_id, rest, p.received, designated, rates, agreed,
                                named=named, continuing=booked_any)  # fmt: skip
                fresh = [ClaimRecord(r.terms, r.events + done.events.get(r.number, ()))
                         for r in fresh]  # fmt: skip
            continue
        waiver = next(e for e in records[i].events if e.seq == seq)
        fig = open_claims(fresh, day, rates)[fresh[i].number]
        if is_discount(waiver):
            # a discount lets go only of the principal the final facts leave open on its day
            # (6:160 BW: a payment received before it discharged a debt that was owed; law16b
            # F3), as the claim-by-claim restatement caps it (restate._Ideal.credit)
            if fig.open.principal <= 0:
                continue
            waiver = replace(waiver, amount=min(waiver.amount, fig.open.principal))
        elif waiver.amount > fig.open.of(waiver.component):
            return None  # more than the final facts leave open that day: claim by claim
        waiver = replace(waiver, on=day)  # (a discount booked after later events: its day)
        fixed = fixing_events(fresh[i], fig, max((e.seq for e in fresh[i].events), default=0) + 1)
        last = max([e.seq for e in (*fresh[i].events, *fixed)], default=0)
        fresh[i] = ClaimRecord(fresh[i].terms,
                               (*fresh[i].events, *fixed, replace(waiver, seq=last + 1)))  # fmt: skip
    received = {p.payment_id: p.received for p in payments}
    # a payment that stands is not gone for all it left one claim in full (a designation
    # re-booked it on the claims named: ledger14b, p3 off F3 kept its money on F2 beside the
    # replay's, F2's principal paid twice)
    gone = set().union(*(_returned_in_full(list(r.events)) for r in records)) - set(received)
    should_on = {booked: open_claims(fresh, booked, rates)}
    now_on = {booked: open_claims(records, booked, rates)}
    # pass 1: per claim that differs, the fixings of the claim as it stands and the moves
    fixings: dict[str, list[LedgerEvent]] = {}
    given: dict[str, list[LedgerEvent]] = {}
    moves: dict[str, list[LedgerEvent]] = {}
    for r, f in zip(records, fresh, strict=True):
        want = _money(f.events)
        # the same money on the same days in the claim's own accrual, and the same figures:
        # nothing to replay (a repeat of the restatement finds this)
        same = (
            _timeline(r.events, gone) == _timeline(f.events, ())
            and _owed(now_on[booked][r.number]) == _owed(should_on[booked][r.number])
            and discounted(r.events) == discounted(f.events)
        )
        if same:
            continue
        seq = max((e.seq for e in r.events), default=0) + 1
        # each discount brought to what the replay lets it go (model.DISCOUNT_CAPPED), read
        # with the claim as it stands in pass 2, and the interest the part taken back bore
        # since fixed with the claim's own (a floor for a later rate table, as any fixing)
        lets, had, noted_on = discounted(f.events), discounted(r.events), discount_days(r.events)
        caps = [c for n in sorted({*lets, *had})
                if (c := discount_cap(n, noted_on[n], lets.get(n, 0) - had.get(n, 0), booked))]  # fmt: skip
        # (a discount given back is read with the moves: it lowers the principal the payments
        # overpay until the moves take the paid part off)
        given[r.number] = [c for c in caps if c.kind is EventKind.CORRECTION]
        caps = [replace(c, seq=seq + i)
                for i, c in enumerate(c for c in caps if c.kind is EventKind.CHARGED)]  # fmt: skip
        if caps:
            capped = ClaimRecord(r.terms, r.events + tuple(caps))
            fig = open_claims([capped if x.number == r.number else x for x in records], booked,
                              rates)[r.number]  # fmt: skip
            fixings[r.number] = [*caps, *fixing_events(capped, fig, seq + len(caps))]
        else:
            fixings[r.number] = fixing_events(r, now_on[booked][r.number], seq)
        out: list[LedgerEvent] = []
        days = money_days(list(r.events))
        groups: dict[tuple[str, StandIn | None, Component, date], Cents] = {}
        for e in r.events:
            if not e.payment_id or e.payment_id in gone:
                continue
            if e.kind not in (EventKind.ALLOCATED, EventKind.REVERSAL):
                continue
            key = (e.payment_id, e.stands_in, e.component, days[e.seq])
            sign = 1 if e.kind is EventKind.ALLOCATED else -1
            groups[key] = groups.get(key, 0) + sign * e.amount
        for (pid, slot, component, day), cents in sorted(groups.items(), key=_group_order):
            kind = EventKind.REVERSAL if cents > 0 else EventKind.ALLOCATED
            if cents:
                out.append(LedgerEvent(0, kind, component, abs(cents), booked, pid,
                                       f"{REPLAYED}{day.isoformat()}: {why}", stands_in=slot))  # fmt: skip
        for (pid, component), cents in sorted(want.items()):
            if cents > 0:
                day = received[pid]
                out.append(LedgerEvent(0, EventKind.ALLOCATED, component, cents, booked, pid,
                                       f"{REPLAYED}{day.isoformat()}: {why}",
                                       stands_in=StandIn(pid, day)))  # fmt: skip
        moves[r.number] = [*given[r.number], *out]
    if not moves:
        return {}
    # pass 2: costs, VAT and interest brought to the replay's, read on the claims with their
    # fixings (the costs the moves pay may be charged only by these corrections) and the
    # interest with the moves (only the accrual reads them)
    actual = [ClaimRecord(r.terms, r.events + tuple(fixings.get(r.number, ()))) for r in records]
    now = open_claims(actual, booked, rates)
    should = should_on[booked]
    result: dict[str, tuple[LedgerEvent, ...]] = {}
    numbers_in_order = [r.number for r in records]
    for r in actual:
        if r.number not in moves:
            continue
        owed = {c: now[r.number].open.of(c) + now[r.number].paid.of(c) for c in COMPONENTS}
        moving = ClaimRecord(r.terms, r.events + tuple(moves[r.number]))
        owed[Component.INTEREST] += (
            interest_charged(moving, booked, rates) - now[r.number].charged.interest
        )
        target = should[r.number]
        corrections: list[LedgerEvent] = []
        fresh_of = fresh[numbers_in_order.index(r.number)]
        # what is credited (less charged on top) must differ from the replay's by what the
        # claim's own accrual differs from it, and by nothing else: interest a back-dated
        # payment's claim-by-claim restatement credited (on the history as it then stood)
        # stays credited on every later day, which lowering the fixed interest (below) does
        # not reach once the accrual is above it (ledger15: 1.64 + 140.63 x 6 % x 182 / 365
        # = 5.84 owed three months on, 4.94 before)
        differs = round_half_up(accrued_interest(r.terms, list(moving.events), booked, rates)) - (
            round_half_up(accrued_interest(fresh_of.terms, list(fresh_of.events), booked, rates))
        )
        credit = differs - (_net_credited(moving.events) - _net_credited(fresh_of.events))
        if credit:
            kind = EventKind.CORRECTION if credit > 0 else EventKind.CHARGED
            corrections.append(LedgerEvent(0, kind, Component.INTEREST, abs(credit), booked,
                                           reason=f"{CREDITED_REPLAYED}{why}"))  # fmt: skip
            owed[Component.INTEREST] -= credit
        for component in (Component.COSTS, Component.COSTS_VAT, Component.INTEREST):
            gap = target.open.of(component) + target.paid.of(component) - owed[component]
            if gap:
                kind = EventKind.CHARGED if gap > 0 else EventKind.CORRECTION
                corrections.append(LedgerEvent(0, kind, component, abs(gap), booked, reason=why))
        # (what the accrual reads above the replay's and is credited is fixed with it: a rate
        # table put in force later lowers what accrues, not what was credited)
        floor = target.charged.interest + differs - fixed_interest([*r.events, *corrections])
        if floor > 0:
            corrections.append(LedgerEvent(0, EventKind.CHARGED, Component.INTEREST, floor, booked))
        seq = max((e.seq for e in r.events), default=0) + 1
        new = [*corrections, *moves[r.number]]
        result[r.number] = (
            *fixings[r.number],
            *(replace(e, seq=seq + i) for i, e in enumerate(new)),
        )
    return result


def _group_order(
    item: tuple[tuple[str, StandIn | None, Component, date], Cents],
) -> tuple[bool, str, date, str, int]:
    (pid, slot, component, day), cents = item
    return (cents < 0, pid, day, slot.payment_id if slot else "", ORDER_6_44.index(component))


def _timeline(
    events: Sequence[LedgerEvent], gone: Collection[str]
) -> dict[tuple[str, Component, date], Cents]:
    """Per payment, component and the day the claim's accrual counts it from: its money."""
    days = money_days(list(events))
    out: dict[tuple[str, Component, date], Cents] = {}
    for e in events:
        if e.payment_id and e.payment_id not in gone and e.kind in (EventKind.ALLOCATED,
                                                                    EventKind.REVERSAL):  # fmt: skip
            sign = 1 if e.kind is EventKind.ALLOCATED else -1
            key = (e.payment_id, e.component, days[e.seq])
            out[key] = out.get(key, 0) + sign * e.amount
    return {k: v for k, v in out.items() if v}


def _money(events: Sequence[LedgerEvent]) -> dict[tuple[str, Component], Cents]:
    out: dict[tuple[str, Component], Cents] = {}
    for e in events:
        if e.payment_id and e.kind in (EventKind.ALLOCATED, EventKind.REVERSAL):
            sign = 1 if e.kind is EventKind.ALLOCATED else -1
            key = (e.payment_id, e.component)
            out[key] = out.get(key, 0) + sign * e.amount
    return {k: v for k, v in out.items() if v}


def _net_credited(events: Sequence[LedgerEvent]) -> Cents:
    """Interest credited (a correction that does not lower the fixed interest) less what a
    restatement charged on top of what accrues (``interest_charged``'s extra)."""
    credited = sum(e.amount for e in events if e.component is Component.INTEREST
                   and e.kind in (EventKind.CREDIT, EventKind.CORRECTION)
                   and not rate_lowering(e))  # fmt: skip
    on_top = sum(e.amount for e in events if e.component is Component.INTEREST
                 and e.kind is EventKind.CHARGED and (e.reason or "").startswith(RESTATED))  # fmt: skip
    return credited - on_top


def _owed(fig: ClaimFigures) -> tuple[int, ...]:
    """Per component what is owed (charged less credited), paid and open."""
    return tuple(
        v
        for c in COMPONENTS
        for v in (fig.charged.of(c) - fig.credited.of(c), fig.paid.of(c), fig.open.of(c))
    )
