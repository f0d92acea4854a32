"""Collection costs over combined claims (art. 6:96 lid 7 BW and docs/law.md, cumulation).

The invoices of one debtor whose costs became owed on the same day were demanded in one notice
(one 14-day letter, one sommatie, one hand-over): they carry **one** WIK amount, computed over
their principals added up, and split over the claims pro rata (largest remainder, so the parts
add up to the cent). The base is the principal still open on the last day of the term: a
consumer who paid part within the term owes costs on the unpaid part only (HR 25-11-2016,
ECLI:NL:HR:2016:2704), and interest paid within the term counts as paid against the
principal (:func:`costs_base`). A client's minimum applies to the summed base. A business
invoice's share is at least EUR 40 (:func:`_business_pool`, law7 finding 1).

A notice is the letter, not the day: an arrangement on one of its invoices (a promise, a
pause, a plan that lapsed) moves only the day that invoice's share becomes owed
(``ClaimTerms.notice_from`` keeps the letter's day), so the one WIK amount stays one (law6
finding 1). Until its own day a member counts in the base with what it has open then, in the
debtor's favour: the others' shares are the smaller for it. A later letter for a claim an
earlier letter could have claimed is a member of that letter's notice the same way
(:func:`notices`, law8 finding 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from shared.domain.law.calendar_math import add_months
from shared.domain.law.collection_costs import MINIMUM, VAT_RATE, collection_costs
from shared.domain.law.fourteen_day_letter import LATEST_LETTER_BEFORE_OWED
from shared.domain.ledger.accrual import _principal_delta, _returned_in_full
from shared.domain.ledger.model import (
    RESTATED,
    ClaimTerms,
    Component,
    EventKind,
    LedgerEvent,
    is_discount,
    is_discount_cap,
)
from shared.domain.money import Cents, round_half_up


@dataclass(frozen=True)
class CumulationCap:
    """The Wki limit on stacking collection costs for consumers on small recurring claims
    (art. 6:96 BW as amended by the Wet kwaliteit incassodienstverlening, from 2024-10-01).

    Sourced from secondary sources only (docs/law.md, cumulation): the amended text could not
    be retrieved. Applied conservatively, in the debtor's favour: a consumer's notices for
    claims each below ``threshold`` whose costs became owed within ``months`` of each other
    carry at most ``cap`` in costs together. One versioned place for the figures.
    """

    effective_from: date
    threshold: Cents
    months: int
    cap: Cents


WKI_CUMULATION = CumulationCap(date(2024, 10, 1), threshold=26_667, months=6, cap=14_000)


@dataclass(frozen=True)
class CostsShare:
    costs: Cents
    vat: Cents


@dataclass(frozen=True)
class ClaimRecord:
    """One claim as stored: its terms and its event stream."""

    terms: ClaimTerms
    events: tuple[LedgerEvent, ...] = ()

    @property
    def number(self) -> str:
        return self.terms.invoice_number


def charged_costs(events: Sequence[LedgerEvent]) -> CostsShare:
    """The costs and their VAT the events charged, as charged (what restatements took back
    is credited beside it, :func:`replay`)."""
    charged = [e for e in events if e.kind is EventKind.CHARGED]
    return CostsShare(
        sum(e.amount for e in charged if e.component is Component.COSTS),
        sum(e.amount for e in charged if e.component is Component.COSTS_VAT),
    )


# the reason of a restatement's correction of costs taken back because the claim had no
# costs term any more (its 14-day letter reported undelivered; restate.py)
NO_COSTS_TERM = f"{RESTATED}no costs term"


def fixed_costs(events: Sequence[LedgerEvent]) -> CostsShare | None:
    """The claim's costs as charged once money reached it after they became owed, or None
    while they are still a computation: never charged, or charged and then taken back in
    full because the claim lost its costs term (:data:`NO_COSTS_TERM`). Such a claim is as
    if its costs were never fixed: when a term comes back (receipt confirmed, a new letter)
    they are computed again under it, or the restatement that took them back would have
    taken them for good (law6 finding 2). Costs a restatement took back for another reason
    (a payment that turned out to be inside the term) stay fixed at what is left: the
    claim's own stream no longer says on which day its restated money counts."""
    costs = [e for e in events if e.component is Component.COSTS]
    if not any(e.kind is EventKind.CHARGED for e in costs):
        return None
    kept = sum(
        e.amount if e.kind is EventKind.CHARGED else -e.amount
        for e in costs
        if e.kind in (EventKind.CHARGED, EventKind.CORRECTION)
    )
    termless = any(e.kind is EventKind.CORRECTION and e.reason == NO_COSTS_TERM for e in costs)
    return None if kept <= 0 and termless else charged_costs(events)


def _carried(events: Sequence[LedgerEvent], on: date) -> CostsShare:
    """What a claim's costs fixed by ``on`` come to after restatements took part back: its
    part of its notice's one WIK amount. A restatement's ``correction`` says what the costs
    always were (it is booked later than the fact it restates), so it counts whatever its day:
    money a credit note released is moved over the debtor's other claims on its received day,
    before the correction's booking day."""

    def net(component: Component) -> Cents:
        return sum(
            e.amount if e.kind is EventKind.CHARGED else -e.amount
            for e in events
            if e.component is component
            and ((e.kind is EventKind.CHARGED and e.on <= on) or e.kind is EventKind.CORRECTION)
        )

    return CostsShare(max(0, net(Component.COSTS)), max(0, net(Component.COSTS_VAT)))


def _counts_from(event: LedgerEvent) -> date:
    """The day an event counts from for the term: a back-dated payment's received day, a
    partial credit note's first day of the claim (:func:`restate.received_day`), else its own."""
    from shared.domain.ledger.restate import received_day  # restate builds on this module

    return received_day(event)


def notice_day(terms: ClaimTerms) -> date | None:
    """The day the costs of the notice the claim was demanded in became owed: the notice it
    belongs to (one WIK amount per notice), whatever an arrangement did to its own day."""
    return terms.notice_from or terms.costs_owed_from


def notices(records: Sequence[ClaimRecord]) -> dict[str, date]:
    """Each claim with a notice: the day of the notice it is one WIK amount with.

    A creditor who can send a 14-day letter for more than one claim sends one, and the costs
    are one staffel over the added principals (art. 6:96 lid 7 BW): a consumer's letter with a
    claim that was already due when an earlier letter of the same debtor went out could have
    been that letter, so it joins the earlier letter's notice instead of opening a staffel of
    its own (law8 finding 2: a second letter the client sent and imported for one invoice of a
    combined letter, or separate letters for invoices open and due together, gave 425.00 +
    425.00 = 850.00 for 2 x 3,000.00 where one notice is 675.00). Its claims count in that
    notice's base from the notice's day and owe their shares from their own day, as a member
    an arrangement moved does; neither claim owes more than its own letter could announce.
    A claim that fell due after a letter went out may have a letter and costs of its own.

    Inning's letters date only the term's end, so a letter's day is taken as the latest it
    can be (:data:`LATEST_LETTER_BEFORE_OWED` before the costs were owed): a claim that fell due in
    the few days of post between the real letter and that day joins too, in the debtor's
    favour. A business's notices stay as they are: each invoice there carries its own EUR 40
    (:func:`_business_pool`) and its costs may be owed from its own due date."""
    letters: dict[tuple[str, date], list[ClaimRecord]] = {}
    for record in records:
        if (day := notice_day(record.terms)) is not None:
            letters.setdefault((record.terms.debtor_number, day), []).append(record)
    out: dict[str, date] = {}
    sent: dict[str, list[tuple[date, date]]] = {}  # debtor -> (a letter's day, its notice's)
    for (debtor, day), members in sorted(letters.items(), key=lambda g: g[0][1]):
        notice = day
        if all(r.terms.consumer for r in members):
            earlier = sent.setdefault(debtor, [])
            notice = next(
                (
                    joined
                    for own, joined in earlier
                    if any(r.terms.due_date < own - LATEST_LETTER_BEFORE_OWED for r in members)
                ),
                day,
            )
            earlier.append((day, notice))
        for r in members:
            out[r.number] = notice
    return out


def _owes_on(terms: ClaimTerms, on: date) -> bool:
    return terms.costs_owed_from is not None and terms.costs_owed_from <= on


def costs_base(record: ClaimRecord) -> Cents:
    """The principal left unpaid by the end of the term (art. 6:96 lid 6 BW: a consumer owes
    costs only when he did not pay within the term what the letter demanded; a business's
    base is the principal left open).

    What was paid is measured against the principal: the interest that accrued meanwhile is
    still owed, but a payment 6:44 put on it counts as paid against the principal here, or a
    debtor who pays within the term exactly the principal the letter asks would owe the EUR 40
    minimum over the few cents of interest left on the principal (law3 finding 3). The
    letter's date is not on every claim (Inning's own letters date only the term's end), so
    every payment before the costs became owed counts: in the debtor's favour by at most the
    interest paid before the letter.

    A claim whose own costs are not owed yet (an arrangement on it runs) counts with every
    payment so far: all of them came before its term ended.

    A payment that came back in full (a storno, a chargeback, a bank return) never paid,
    whatever the day it came back: it is left out, as :mod:`restate` and :mod:`accrual`
    leave it out (law6 finding 3). Only its return makes that known, so a view of a day
    before the return still counts it."""
    terms = record.terms
    # a member whose share is not claimed counts with what was open on the notice's day
    owed_from = terms.costs_owed_from or (terms.notice_from if terms.share_forgone else None)
    owed_from = owed_from or date.max
    if terms.closed:
        return 0
    open_ = terms.principal - terms.principal_settled_elsewhere
    paid_otherwise = 0  # paid within the term on interest (costs are not owed yet then)
    returned = _returned_in_full(list(record.events))
    for e in record.events:
        if e.payment_id in returned:
            continue
        if _counts_from(e) < owed_from:
            open_ += _principal_delta(e)
            if terms.consumer and e.component is not Component.PRINCIPAL and e.payment_id:
                if e.kind is EventKind.ALLOCATED:
                    paid_otherwise += e.amount
                elif e.kind is EventKind.REVERSAL:
                    paid_otherwise -= e.amount
    return max(0, open_ - paid_otherwise)


def split(total: Cents, weights: Sequence[Cents]) -> list[Cents]:
    """``total`` over ``weights`` pro rata; the parts add up to ``total`` exactly."""
    whole = sum(weights)
    if whole <= 0:
        return [0] * len(weights)
    floors = [total * w // whole for w in weights]
    rest = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-((total * weights[i]) % whole), i))
    for i in order[:rest]:
        floors[i] += 1
    return floors


def costs_shares(
    records: Sequence[ClaimRecord],
    on: date,
    cumulation: CumulationCap | None = WKI_CUMULATION,
    *,
    as_announced: bool = True,
) -> dict[str, CostsShare]:
    """Each claim's part of the collection costs owed on ``on`` (fixed ones as fixed).

    A notice stays one claim for the staffel when money reaches one of its claims first (that
    claim's costs are then fixed, :mod:`booking`): the WIK amount is still computed over all
    the notice's principals (the fixed claims at their base too), and the claims not fixed
    yet share what is left of it after the fixed ones' costs. Computing the rest again on
    their own principal would put the notice above the maximum its letter announced (law5
    finding 1: 762.50 on a 6,000.00 notice whose maximum is 675.00).

    The notice is grouped by its letter (:func:`notice_day`): a member whose own costs are
    not owed yet on ``on`` (an arrangement on it) counts in the base and in the split, but
    gets its share only from its own day (law6 finding 1); a later letter for a claim an
    earlier letter could have claimed joins that notice (:func:`notices`, law8 finding 2).

    ``as_announced``: a capped notice never carries more than the cap left it on its own day
    (:func:`_announced_room`); False for that computation itself."""
    out: dict[str, CostsShare] = {}
    fixed_of: set[str] = set()
    taken_back: dict[str, CostsShare] = {}  # charged once, taken back in full since
    everything = {r.number: r.events for r in records}
    groups: dict[tuple[str, date], list[ClaimRecord]] = {}
    notice_of = notices(records)
    for record in records:
        terms = record.terms
        upto = tuple(e for e in record.events if e.on <= on)
        fixed = fixed_costs(upto)
        if fixed is not None:
            out[record.number] = fixed
            fixed_of.add(record.number)
        elif (was := charged_costs(upto)).costs:
            taken_back[record.number] = was
        notice = notice_of.get(record.number)
        if notice is not None and notice <= on:
            groups.setdefault((terms.debtor_number, notice), []).append(
                ClaimRecord(terms, upto)  # as known on ``on``: a figure once sent stays
            )
    for (_, day), members in sorted(groups.items(), key=lambda g: g[0][1]):  # oldest first
        members = sorted(members, key=lambda r: r.number)
        unfixed = [r for r in members if r.number not in fixed_of]
        owing = {r.number for r in unfixed if _owes_on(r.terms, on)}
        if not owing:
            continue
        # a credited or withdrawn claim was never owed: it neither counts nor carries costs
        carried = [
            _carried(everything[r.number], on)
            for r in members
            if r.number in fixed_of and not r.terms.closed
        ]
        bases = [costs_base(r) for r in unfixed]
        # a fixed claim as restated since (a credit note, a back-dated payment): its base and
        # its costs together, both as the restatement says they always were
        fixed_bases = {
            r.number: costs_base(ClaimRecord(r.terms, everything[r.number]))
            for r in members
            if r.number in fixed_of
        }
        total = sum(bases) + sum(fixed_bases.values())
        every_base = [fixed_bases.get(r.number, 0) for r in members]
        for r, b in zip(unfixed, bases, strict=True):
            every_base[members.index(r)] = b
        minimum = max(r.terms.costs_minimum_base for r in members)
        if total <= 0 or total < minimum:
            for r in unfixed:
                if r.number in owing:
                    out[r.number] = CostsShare(0, 0)
            continue
        consumer = any(r.terms.consumer for r in members)
        vat = any(r.terms.costs_vat for r in members)
        # a later letter that joined the notice may have been sent after the client's VAT
        # status changed: the claims keep the VAT their own letters announced
        mixed_vat = vat and not all(r.terms.costs_vat for r in members)
        # a business notice: the client's agreed costs where its terms have them (6:96 lid 5)
        agreed = None if consumer else members[0].terms.agreed_costs
        wik = collection_costs(total, consumer=consumer, vat_not_deductible=vat, agreed=agreed)
        costs, vat_amount = wik.costs, wik.vat
        room = (
            _room_under_cap(records, notice_of, day, members, out, cumulation)
            if cumulation and consumer
            else None
        )
        if room is not None and cumulation is not None and as_announced:
            room = min(room, _announced_room(records, day, members, cumulation))
        if room is not None and room < costs:
            costs = room
            vat_amount = round_half_up(costs * VAT_RATE) if vat else 0
        if not consumer:
            fixed_members = [r for r in members if r.number in fixed_of and not r.terms.closed]
            costs, vat_amount = _business_pool(
                costs, vat_amount, members, fixed_members, everything, carried
            )
            parts, vat_parts = split(costs, bases), split(vat_amount, bases)
        else:
            whole, whole_vat = split(costs, every_base), split(vat_amount, every_base)
            costs = max(0, costs - sum(c.costs for c in carried))
            vat_amount = max(0, vat_amount - sum(c.vat for c in carried))
            parts = _as_a_whole(costs, bases, [whole[members.index(r)] for r in unfixed])
            vat_parts = _as_a_whole(
                vat_amount, bases, [whole_vat[members.index(r)] for r in unfixed]
            )
        for r, c, v, b in zip(unfixed, parts, vat_parts, bases, strict=True):
            if r.number not in owing:  # the others' shares wait for their own day
                continue
            if not consumer and b > 0 and c < MINIMUM:
                c, v = MINIMUM, round_half_up(MINIMUM * VAT_RATE) if vat else 0
            if mixed_vat:  # each claim's VAT as its own letter stated it (law8 finding 1)
                v = round_half_up(c * VAT_RATE) if r.terms.costs_vat else 0
            out[r.number] = CostsShare(c, v)
    # the replay credits what restatements took back: the share owed now comes on top of it
    for number, was in taken_back.items():
        now = out.get(number, CostsShare(0, 0))
        out[number] = CostsShare(was.costs + now.costs, was.vat + now.vat)
    return out


def _as_a_whole(rest: Cents, bases: Sequence[Cents], shares: Sequence[Cents]) -> list[Cents]:
    """What is left of a notice's one WIK amount (``rest``, after the shares of its claims
    fixed before) over the claims not fixed yet: each its share of the amount split over the
    whole notice (``shares``, :func:`split`: pro rata to the bases, the cents left by rounding
    down to the largest remainders, ties to the lower invoice number), so the parts are those
    of the notice as a whole whichever day each claim was fixed (restate13: a 3,404.00 notice
    owes 465.40, F0 1,422.00 its 194.42 fixed first; split again over the two left, F1
    1,389.00 and F2 593.00 took 189.90 and 81.08 where the whole notice gives 189.91 and
    81.07). Only where the claims fixed before carry other than their
    share (fixed over other bases: a restatement since) is the difference split over these."""
    gap = rest - sum(shares)
    if gap == 0:
        return list(shares)
    fix = split(abs(gap), bases)
    out = [s + f if gap > 0 else s - f for s, f in zip(shares, fix, strict=True)]
    return out if all(v >= 0 for v in out) else split(rest, bases)


def _business_pool(
    costs: Cents,
    vat: Cents,
    members: list[ClaimRecord],
    fixed_members: list[ClaimRecord],
    everything: dict[str, tuple[LedgerEvent, ...]],
    carried: list[CostsShare],
) -> tuple[Cents, Cents]:
    """What of a business notice's one amount the claims not fixed yet share pro rata.

    Each invoice of a business notice costs at least EUR 40 (art. 6:96 lid 4 BW, Directive
    2011/7 art. 6: the fixed minimum is owed per late invoice, also when several are claimed
    together, CJEU 20-10-2022, C-585/20, BFF Finance Iberia): a share below it is raised to
    it on top of the notice's amount. A fixed claim carries its raised share, so only its
    pro-rata part of the notice's amount is taken from the pool, or a small invoice paid
    first would take EUR 40 from the others' shares instead of its pro-rata cents."""
    fixed = {r.number for r in fixed_members}
    weights = [
        costs_base(ClaimRecord(r.terms, everything[r.number]))
        if r.number in fixed
        else costs_base(r)
        for r in members
    ]
    parts = dict(zip((r.number for r in members), split(costs, weights), strict=True))
    vat_parts = dict(zip((r.number for r in members), split(vat, weights), strict=True))
    for r, c in zip(fixed_members, carried, strict=True):
        costs -= min(c.costs, parts[r.number])
        vat -= min(c.vat, vat_parts[r.number])
    return max(0, costs), max(0, vat)


def _announced_room(
    records: Sequence[ClaimRecord], day: date, members: list[ClaimRecord], cap: CumulationCap
) -> Cents:
    """What the cap left a notice of small claims on its own day ``day``: what its letter
    could announce. Costs may go down after it, never above it (6:96 lid 6 BW: the letter
    states the costs; law8 finding 6: crediting an older claim in full gave its room to a
    later notice, 20.00 -> 40.00). The records as they stood that day; a claim credited or
    withdrawn since counts as still running, as the day of a credit is not kept: a credit
    before the letter then lowers nothing the letter said, in the debtor's favour."""
    then = [
        ClaimRecord(replace(r.terms, closed=False), tuple(e for e in r.events if e.on <= day))
        for r in records
    ]
    decided = costs_shares(then, day, cap, as_announced=False)
    room = _room_under_cap(then, notices(then), day, members, decided, cap)
    return cap.cap if room is None else room


def _room_under_cap(
    records: Sequence[ClaimRecord],
    notice_of: dict[str, date],
    owed_from: date,
    members: list[ClaimRecord],
    decided: dict[str, CostsShare],
    cap: CumulationCap,
) -> Cents | None:
    """How much costs a notice of small consumer claims (owed from ``owed_from``) may still
    carry: the cap less the costs of the debtor's earlier small-claim notices owed within the
    look-back window."""
    if owed_from < cap.effective_from or any(_principal(r) >= cap.threshold for r in members):
        return None  # not small claims, or before the rule: the staffel alone decides
    window_start = add_months(owed_from, -cap.months)
    debtor = members[0].terms.debtor_number
    earlier = 0
    for r in records:
        t = r.terms
        if (
            r.number in {m.number for m in members}
            or t.debtor_number != debtor
            or (notice := notice_of.get(r.number)) is None
            or _principal(r) >= cap.threshold
            or not window_start < notice <= owed_from
        ):
            continue
        share = decided.get(r.number)
        earlier += share.costs if share else 0
    return max(0, cap.cap - earlier)


def _principal(record: ClaimRecord) -> Cents:
    """The claim's principal for the small-claims test: the invoice less its partial credit
    notes, which count as never owed (the staffel's base does the same; law11 #9: a 300.00
    claim credited to 200.00 kept 40.00 costs where the same claim of 200.00 owed 20.00). A
    discount from a day on or after the notice's (law15c F1: a remission from its day) leaves
    the claim as it was when the costs became owed."""
    notice = notice_day(record.terms) or date.max
    credited = sum(
        e.amount
        for e in record.events
        if e.kind is EventKind.CREDIT
        and e.component is Component.PRINCIPAL
        and not (is_discount(e) and _counts_from(e) >= notice)
    )
    # (what of a discount before the notice was taken back: model.DISCOUNT_CAPPED)
    credited += sum(
        -_principal_delta(e)
        for e in record.events
        if is_discount_cap(e) and _counts_from(e) < notice
    )
    return record.terms.principal - credited
