"""Interest on a claim whose principal changes: art. 6:119 / 6:119a BW with the method of
:mod:`shared.domain.law.interest` (actual/365, split at rate changes, exact until rounded),
run as a simulation over the claim's own events.

- The base is the open principal plus the capitalised interest still unpaid. On every
  anniversary of the first interest day all interest unpaid at that moment is added to the
  base (6:119 lid 2, 6:119a lid 3); interest paid later pays the capitalised part first.
- Money allocated on day d counts from d for 6:119 (the old base earns interest up to d,
  exclusive) and from d + 1 for 6:119a, whose lid 1 runs the interest "tot en met de dag
  waarop de schuldenaar de geldsom heeft voldaan" (:func:`counts_payment_day`, law7 finding 2):
  the figures on day d are what paying on d settles, so a business claim's view on d holds
  the interest of d itself.
- A write-off, or a credit or waiver marked final, stops the interest from its day on.
- No interest accrues on the days of ``terms.interest_paused`` (a payment plan kept), counted
  like a payment: for 6:119a from the day after the plan was priced.
- The anniversaries count from the claim's real first interest day, whatever the rate table's
  first date. Where the table knows no rate (before its first row) no statutory interest is
  charged, only an agreed rate that certainly applies (6:119 lid 3: the higher of the two is
  owed, so the agreed one is the least); :func:`unknown_rate_warnings` says so on the claim.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise
from math import lcm

from shared.domain.law.calendar_math import add_months, add_years
from shared.domain.law.interest import DAYS_IN_YEAR
from shared.domain.law.interest_rates import RateTable, default_rate_table
from shared.domain.ledger.model import (
    LOWERING,
    PARTIAL_CREDITS,
    RECEIVED,
    REPLAYED,
    RESTATED,
    ClaimTerms,
    Component,
    EventKind,
    InterestRule,
    LedgerEvent,
    StandIn,
    is_discount,
    is_discount_cap,
    rate_lowering,
)


def _principal_delta(event: LedgerEvent) -> int:
    if event.component is not Component.PRINCIPAL:
        return 0
    if event.kind is EventKind.REVERSAL:
        return event.amount
    if event.kind in (EventKind.ALLOCATED, EventKind.CREDIT, EventKind.WAIVER, EventKind.WRITE_OFF):
        return -event.amount
    if is_discount_cap(event):  # part of a discount taken back (charged) or given back
        return event.amount if event.kind is EventKind.CHARGED else -event.amount
    return 0


def _interest_settled(event: LedgerEvent) -> int:
    if event.component is not Component.INTEREST or rate_lowering(event):
        return 0  # a rate correction lowered what accrued, it paid none of it
    if event.kind is EventKind.REVERSAL:
        return -event.amount
    settling = (
        EventKind.ALLOCATED, EventKind.CREDIT, EventKind.WAIVER, EventKind.WRITE_OFF,
        EventKind.CORRECTION,
    )  # fmt: skip
    if event.kind in settling:
        return event.amount
    return 0


def _partial_note(event: LedgerEvent) -> bool:
    """A partial credit note's part, or what of a discount was taken or given back (from the
    first day without interest after its booking, as the note's own part)."""
    return is_discount_cap(event) or (
        event.kind is EventKind.CREDIT
        and event.component is Component.PRINCIPAL
        and not event.final
        and (event.reason or "").startswith(PARTIAL_CREDITS)
    )


def _stops(event: LedgerEvent) -> bool:
    """A write-off, or an event marked final (a waiver told to stop the interest, the credit
    of a whole claim), stops the interest; a partial credit note does not (the rest is owed)."""
    return event.kind is EventKind.WRITE_OFF or event.final


def _agreed(terms: ClaimTerms) -> Fraction | None:
    if terms.interest_rule is InterestRule.CONTRACTUAL:
        return terms.contractual_rate
    return None


def concluded(terms: ClaimTerms) -> date | None:
    """The agreement's date the 6:119a margin goes by: the claim's, else its first interest
    day (the latest the agreement can have been concluded)."""
    return terms.contract_date or terms.interest_from


def _rate(terms: ClaimTerms, table: RateTable, day: date) -> Fraction:
    return _rate_of(
        terms.interest_rule, terms.consumer, terms.contractual_rate, concluded(terms), table, day
    )


def _rate_of(
    rule: InterestRule,
    consumer: bool,
    contractual_rate: Fraction | None,
    contract_date: date | None,
    table: RateTable,
    day: date,
) -> Fraction:
    commercial = rule is InterestRule.COMMERCIAL or (
        rule is InterestRule.CONTRACTUAL and not consumer
    )
    agreed = contractual_rate if rule is InterestRule.CONTRACTUAL else None
    if not table.knows(day):  # charge only what is owed for certain; the claim warns
        return agreed or Fraction(0)
    statutory = table.rate_on(day, commercial=commercial, contract_date=contract_date)
    if agreed is not None:
        return max(statutory, agreed)  # 6:119 lid 3, 6:119a lid 8
    return statutory


def _paused(pauses: tuple[tuple[date, date | None], ...], day: date) -> bool:
    return any(a <= day and (b is None or day < b) for a, b in pauses)


def _returned_in_full(events: list[LedgerEvent]) -> set[str]:
    """Payments whose money came back in full (refund, chargeback, storno, bank return: a
    reversal that is no restatement, nothing left allocated): they never paid, so the interest
    runs as if they had never come (6:119 BW: until the creditor has the money; law5 finding
    2), as :mod:`restate` leaves them out of a claim's ideal history."""
    net: dict[str, int] = {}
    returned: set[str] = set()
    for e in events:
        if not e.payment_id:
            continue
        if e.kind is EventKind.ALLOCATED:
            net[e.payment_id] = net.get(e.payment_id, 0) + e.amount
        elif e.kind is EventKind.REVERSAL:
            net[e.payment_id] = net.get(e.payment_id, 0) - e.amount
            if not (e.reason or "").startswith(RESTATED):
                returned.add(e.payment_id)
    return {p for p in returned if net.get(p, 0) == 0}


def _moved(event: LedgerEvent) -> bool:
    """A restatement to the rates, terms or standing now in force moved the payment's money
    on the claim between components (6:44) or between payments: an ``allocated`` or
    ``reversal`` booked on the restatement's day for money that was on the claim since the
    payment first reached it. Its interest correction lowers the fixed interest instead of
    crediting it (:func:`~shared.domain.ledger.model.rate_lowering`), so the accrual itself
    must give the restated history's interest; a back-dated payment's or a return's moves
    stay on their day (their difference is a correction credited, restate.py)."""
    return event.kind in (EventKind.ALLOCATED, EventKind.REVERSAL) and (
        event.reason or ""
    ).startswith(LOWERING)


def _money_days(events: list[LedgerEvent]) -> dict[tuple[str, StandIn | None], date]:
    """Per payment (and slot it stands in), the first day its money reached the claim: a
    restatement's moves count from there, as the restated history (restate.py) counts the
    payment's money from its first day. Counted on the restatement's own day instead, the
    principal a move put on an earlier payment bore interest up to that day: a debtor
    corrected to a consumer after two payments was charged 90.00 of interest on 6,221.54 that
    his first payment had paid (law12b #1; a due-date move alone left 7.15, #3)."""
    out: dict[tuple[str, StandIn | None], date] = {}
    for e in events:
        if e.payment_id and e.kind is EventKind.ALLOCATED:
            key = (e.payment_id, e.stands_in)
            day = _received(e) or e.on
            out[key] = min(out.get(key, day), day)
    return out


def _received(event: LedgerEvent) -> date | None:
    """The day a payment booked after it was received counts from, when a restatement that
    lowers the fixed interest booked it (its allocation's reason,
    :data:`~shared.domain.ledger.model.RECEIVED`): the restated history has it on that day."""
    reason = event.reason or ""
    day = len(RECEIVED) + 10
    if (
        event.kind is EventKind.ALLOCATED
        and reason.startswith(RECEIVED)
        and reason[day + 1 :].startswith(LOWERING)
    ):
        return date.fromisoformat(reason[len(RECEIVED) : day])
    if event.kind in (EventKind.ALLOCATED, EventKind.REVERSAL) and reason.startswith(REPLAYED):
        return date.fromisoformat(reason[len(REPLAYED) : len(REPLAYED) + 10])
    return None


def money_days(events: list[LedgerEvent]) -> dict[int, date]:
    """Per payment event (by ``seq``) the day the claim's accrual counts its money from (the
    first day without interest follows from it, :func:`interest_end`): what a replay of the
    debtor's claims (replayed.py) takes off again on that same day, so that the accrual then
    reads only the replayed history."""
    since = _money_days(events)
    out: dict[int, date] = {}
    for e in events:
        if not e.payment_id:
            continue
        day = _received(e)
        if day is None:
            day = since.get((e.payment_id, e.stands_in), e.on) if _moved(e) else e.on
        out[e.seq] = day
    return out


def counts_payment_day(terms: ClaimTerms) -> bool:
    """Whether the day the money is paid bears interest: under 6:119a BW (commercial interest,
    and an agreed rate in a business agreement, lid 8) it does, "tot en met de dag waarop de
    schuldenaar de geldsom heeft voldaan" (lid 1). Under 6:119 the interest runs "over de tijd
    dat de schuldenaar ... in verzuim is geweest", which says nothing of the payment day: it
    ends the day before, the reading in the consumer's favour (docs/law.md)."""
    return terms.interest_rule is InterestRule.COMMERCIAL or (
        terms.interest_rule is InterestRule.CONTRACTUAL and not terms.consumer
    )


def interest_end(terms: ClaimTerms, on: date) -> date:
    """The first day without interest when the claim is settled on ``on``."""
    return on + timedelta(days=1) if counts_payment_day(terms) else on


def accrued_interest(
    terms: ClaimTerms,
    events: list[LedgerEvent],
    on: date,
    rates: RateTable | None = None,
) -> Fraction:
    """Exact interest in cents from ``terms.interest_from`` for a settlement on ``on``: up to
    ``on`` exclusive (6:119), or inclusive (6:119a, :func:`counts_payment_day`). Money paid
    on a day counts from the first day without interest after it."""
    start = terms.interest_from
    if start is None or terms.interest_rule is InterestRule.NONE or terms.closed:
        return Fraction(0)
    table = rates or default_rate_table()
    end = interest_end(terms, on)
    if end <= start:
        return Fraction(0)
    gone = _returned_in_full(events)
    since = _money_days(events)
    # what of a discount was taken or given back counts from where its note's part counts: the
    # two together are the discount the final facts let go (else a cent of interest apart)
    noted = {e.note: e.on for e in events if is_discount(e)}

    def counted(e: LedgerEvent) -> date:
        if is_discount_cap(e):
            return interest_end(terms, noted.get(e.note, e.on))
        if _partial_note(e):
            # the note's own restatement credited the interest on its part up to a settlement
            # on its day (6:119a: that day included): the lower principal bears interest from
            # the first day after that, as money paid that day would (ledger15: counted from
            # the day itself, a business claim's note took that day's interest off twice,
            # 326.58 x 10.15 % / 365 = 0.09: 27.97 owed where 28.05 was)
            return interest_end(terms, e.on)
        if not e.payment_id:
            return e.on
        if (day := _received(e)) is not None:
            return interest_end(terms, day)
        return interest_end(terms, since.get((e.payment_id, e.stands_in), e.on) if _moved(e)
                            else e.on)  # fmt: skip

    # each event on the day it counts from (worked out once), in (day, seq) order
    dated = [
        (day, e)
        for e in events
        if (e.payment_id is None or e.payment_id not in gone) and (day := counted(e)) < end
    ]
    dated.sort(key=lambda de: (de[0], de[1].seq))
    principal = terms.principal - terms.principal_settled_elsewhere
    settled = 0
    stopped = False
    by_day: dict[date, list[LedgerEvent]] = {}
    for day, e in dated:
        if day <= start:
            principal += _principal_delta(e)
            settled += _interest_settled(e)
            stopped = stopped or _stops(e)
        else:
            by_day.setdefault(day, []).append(e)
    if stopped:
        return Fraction(0)
    # a plan priced on day d took the interest of a settlement on d (6:119a: d included), so
    # its pause runs from the first day without interest after d; a lapse on day l likewise
    pauses = tuple(
        (interest_end(terms, a), interest_end(terms, b) if b is not None else None)
        for a, b in terms.interest_paused
    )
    anniversaries, cuts, rates_from = _schedule(terms, table, start, end)
    if by_day or pauses:
        days = {*by_day, *(d for p in pauses for d in p if d is not None and start < d < end)}
        cuts = tuple(sorted({*cuts, *days}))
        rates_from = tuple(_rate(terms, table, a) for a in cuts[:-1])
    return _accrue(principal, settled, cuts, rates_from, anniversaries, by_day, pauses)


def _schedule(
    terms: ClaimTerms, table: RateTable, start: date, end: date
) -> tuple[frozenset[date], tuple[date, ...], tuple[Fraction, ...]]:
    """The interest years' anniversaries, the cuts (first interest day, anniversaries, the
    rate changes of both tables, the end) and the rate from each cut on: what the claim's own
    events do not move, kept per terms and days (a window replays a debtor's claims on one
    day several times over, and most claims have no event in their interest period)."""
    return _schedule_kept(
        terms.interest_rule, terms.consumer, terms.contractual_rate, concluded(terms),
        table, start, end,
    )  # fmt: skip


@lru_cache(maxsize=4096)
def _schedule_kept(
    rule: InterestRule,
    consumer: bool,
    contractual_rate: Fraction | None,
    contract_date: date | None,
    table: RateTable,
    start: date,
    end: date,
) -> tuple[frozenset[date], tuple[date, ...], tuple[Fraction, ...]]:
    anniversaries = []
    year = 1
    while (day := add_years(start, year)) < end:
        anniversaries.append(day)
        year += 1
    commercial_table = rule is InterestRule.COMMERCIAL or not consumer
    cuts = tuple(
        sorted(
            {
                start,
                end,
                *anniversaries,
                *table.change_dates_between(
                    start, end, commercial=commercial_table, contract_date=contract_date
                ),
                *table.change_dates_between(
                    start, end, commercial=not commercial_table, contract_date=contract_date
                ),
            }
        )
    )
    return (
        frozenset(anniversaries),
        cuts,
        tuple(
            _rate_of(rule, consumer, contractual_rate, contract_date, table, a) for a in cuts[:-1]
        ),
    )


def _accrue(
    principal: int,
    settled: int,
    cuts: tuple[date, ...],
    rates_from: tuple[Fraction, ...],
    anniversaries: frozenset[date],
    by_day: dict[date, list[LedgerEvent]],
    pauses: tuple[tuple[date, date | None], ...],
) -> Fraction:
    """The simulation in integers: every amount a numerator over one common denominator, so
    that no step reduces a fraction (a ``Fraction`` takes a gcd at every operation; this was
    half of a claim's replay). ``unit`` = 365 x the rates' common denominator makes a day's
    interest on one cent an integer; the capitalised interest is kept over ``scale`` (one at
    first, times ``unit`` at every anniversary), the accrued interest over ``scale`` x
    ``unit``. Exactly the fractions' answer: the same sums, reduced once at the end."""
    common = lcm(*(r.denominator for r in rates_from))
    unit = DAYS_IN_YEAR * common
    factors = [r.numerator * (common // r.denominator) for r in rates_from]
    scale = 1
    accrued = 0  # over scale * unit
    capitalised_unpaid = 0  # over scale
    stopped = False
    for (a, b), factor in zip(pairwise(cuts), factors, strict=True):
        if stopped:
            break
        if not (pauses and _paused(pauses, a)):
            base = principal * scale + capitalised_unpaid
            if base > 0:
                accrued += base * factor * (b - a).days
        if b in anniversaries:
            capitalised_unpaid = max(0, accrued - settled * scale * unit)
            scale *= unit
            accrued *= unit
        for e in by_day.get(b, ()):
            principal += _principal_delta(e)
            paid = _interest_settled(e)
            settled += paid
            # a reversal (negative) reopens interest without capitalising it: unpaid interest
            # joins the base only at the next anniversary (6:119 lid 2 BW; law5 finding 7)
            capitalised_unpaid = max(0, capitalised_unpaid - max(paid, 0) * scale)
            stopped = stopped or _stops(e)
    return Fraction(accrued, scale * unit)


def unknown_rate_warnings(
    terms: ClaimTerms, on: date, rates: RateTable | None = None
) -> tuple[str, ...]:
    """Why the interest for a settlement on ``on`` (:func:`accrued_interest`) may differ from
    what the law gives: the days before the rate table's first row, for which no statutory
    rate is known; and, when the table is stale, the days past its newest rate's half-year
    (:func:`past_table`)."""
    start = terms.interest_from
    if start is None or terms.interest_rule is InterestRule.NONE or terms.closed:
        return ()
    table = rates or default_rate_table()
    end = interest_end(terms, on)
    beyond = past_table(start, end, table, as_of=on)
    if table.knows(start) or end <= start:
        return beyond
    last = min(end, table.first_date) - timedelta(days=1)
    charged = "only the agreed rate is charged" if _agreed(terms) else "no interest is charged"
    return (
        f"no statutory interest rate is known before {table.first_date.isoformat()}: for "
        f"{start.isoformat()} to {last.isoformat()} {charged} (put a rate table with the "
        "earlier rows in force: inning rates update FILE)",
        *beyond,
    )


# the 6:119a rate is set per half-year (art. 6:120 lid 2 BW); the 6:119 rate changes by AMvB
# on the same 1 January / 1 July when it changes
RATE_PERIOD_MONTHS = 6


def rates_known_until(table: RateTable) -> date:
    """The first day the table says nothing certain about: statutory rates are set per
    half-year (1 January, 1 July), so its newest rate holds for six months."""
    return add_months(table.newest.effective_from, RATE_PERIOD_MONTHS)


def past_table(
    start: date, end: date, table: RateTable, as_of: date | None = None
) -> tuple[str, ...]:
    """The days from ``start`` up to ``end`` (exclusive) past the newest rate's half-year,
    when the table is stale on ``end``: they are charged at that rate, though a half-yearly
    change has probably been published since, so the figures are not complete. A period the
    table covers gets no warning however old the table is."""
    first = max(start, rates_known_until(table))
    if not table.is_stale(as_of or end) or end <= first:
        return ()
    newest = table.newest.effective_from.isoformat()
    return (
        f"the newest statutory interest rate in force is from {newest}: for "
        f"{first.isoformat()} to {(end - timedelta(days=1)).isoformat()} that rate is charged, "
        "though a half-yearly change has probably been published since (put the newer table "
        "in force: inning rates update FILE)",
    )


def rate_on_day(terms: ClaimTerms, table: RateTable, day: date) -> Fraction:
    """The claim's yearly interest rate on ``day``: what makes one claim more burdensome than
    another (art. 6:43 lid 2 BW)."""
    return _rate(terms, table, day)
