"""The exact interest as the ledger worked it out in ``Fraction`` objects before perf22 (a
copy of ``accrual.accrued_interest`` at ea85a9b1): the reference the integer simulation must
equal to the last fraction of a cent (test_accrual_integers.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from itertools import pairwise

from shared.domain.law.calendar_math import add_years
from shared.domain.law.interest import DAYS_IN_YEAR
from shared.domain.law.interest_rates import RateTable, default_rate_table
from shared.domain.ledger.accrual import (
    _interest_settled,
    _money_days,
    _moved,
    _partial_note,
    _paused,
    _principal_delta,
    _rate,
    _received,
    _returned_in_full,
    _stops,
    concluded,
    interest_end,
)
from shared.domain.ledger.model import (
    ClaimTerms,
    InterestRule,
    LedgerEvent,
    is_discount,
    is_discount_cap,
)


def fraction_accrued_interest(
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

    ordered = sorted(
        (
            replace(e, on=counted(e))
            for e in events
            if counted(e) < end and (e.payment_id is None or e.payment_id not in gone)
        ),
        key=lambda e: (e.on, e.seq),
    )
    principal = terms.principal - terms.principal_settled_elsewhere
    settled = 0
    stopped = False
    pending = []
    for e in ordered:
        if e.on <= start:
            principal += _principal_delta(e)
            settled += _interest_settled(e)
            stopped = stopped or _stops(e)
        else:
            pending.append(e)
    if stopped:
        return Fraction(0)
    anniversaries = []
    year = 1
    while (day := add_years(start, year)) < end:
        anniversaries.append(day)
        year += 1
    commercial_table = terms.interest_rule is InterestRule.COMMERCIAL or not terms.consumer
    cuts = sorted(
        {
            start,
            end,
            *anniversaries,
            *(e.on for e in pending),
            *table.change_dates_between(
                start, end, commercial=commercial_table, contract_date=concluded(terms)
            ),
            *table.change_dates_between(
                start, end, commercial=not commercial_table, contract_date=concluded(terms)
            ),
        }
    )
    by_day: dict[date, list[LedgerEvent]] = {}
    for e in pending:
        by_day.setdefault(e.on, []).append(e)
    anniversary_set = set(anniversaries)
    # a plan priced on day d took the interest of a settlement on d (6:119a: d included), so
    # its pause runs from the first day without interest after d; a lapse on day l likewise
    pauses = tuple(
        (interest_end(terms, a), interest_end(terms, b) if b is not None else None)
        for a, b in terms.interest_paused
    )
    cuts = sorted({*cuts, *(d for p in pauses for d in p if d is not None and start < d < end)})
    accrued = Fraction(0)
    capitalised_unpaid = Fraction(0)
    for a, b in pairwise(cuts):
        if stopped:
            break
        base = max(Fraction(0), principal + capitalised_unpaid)
        if _paused(pauses, a):
            base = Fraction(0)
        accrued += base * _rate(terms, table, a) * (b - a).days / DAYS_IN_YEAR
        if b in anniversary_set:
            capitalised_unpaid = max(Fraction(0), accrued - settled)
        for e in by_day.get(b, []):
            principal += _principal_delta(e)
            paid = _interest_settled(e)
            settled += paid
            # a reversal (negative) reopens interest without capitalising it: unpaid interest
            # joins the base only at the next anniversary (6:119 lid 2 BW; law5 finding 7)
            capitalised_unpaid = max(Fraction(0), capitalised_unpaid - max(paid, 0))
            stopped = stopped or _stops(e)
    return accrued
