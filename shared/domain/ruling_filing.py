"""What a bankruptcy or WSNP ruling's claims are filed at (art. 26, 110, 128 Fw): each claim as
it stood on the ruling's day, as the ledger knows that day now.

The ledger's figures of today already are that day's history as now known: a payment that
came back in full never paid (a storno, a chargeback, an R-transaction: the claim is restated
as if it never came), a payment received before the ruling and booked later paid on its own
day, a credit note counts from the claim's first day. A view of the ruling's day itself knows
none of what was booked after it (law14b A: a storno of 26-3 of 300.00 received on 1-2 left
the filing at 859.18 where 1,159.32 was owed). So the figure to file is today's open claim
with what happened after the ruling's day put back: the money received from that day on (art.
23 Fw: it does not lessen the claim on the estate; staff decide on it) and what was let go
since (a waiver or write-off in the client's books does not lessen what was owed on the day).
The interest after the ruling is stopped and no costs arise from it (its holds), so today's
figures add nothing after the day.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimFigures, EventKind, LedgerEvent
from shared.domain.ledger.restate import received_day
from shared.domain.money import Cents


@dataclass(frozen=True)
class Filing:
    """``to_file``: the claims' sum on the ruling's day; ``paid_after``: each payment whose
    money on them was received on or after that day, (received on, payment, cents), oldest
    first."""

    to_file: Cents
    paid_after: tuple[tuple[date, str, Cents], ...]


def money_day(event: LedgerEvent) -> date:
    """The day a payment's money on a claim counts from: the day that payment was received (a
    back-dated booking's received day, money standing in for an earlier payment that one's)."""
    return received_day(event)


def money_on_claims(
    records: Iterable[ClaimRecord], numbers: Collection[str]
) -> dict[tuple[str, str], tuple[date, date, Cents]]:
    """Per claim of ``numbers`` and payment, the money of it that stands on the claim, with
    the first and the last day it counts from (:func:`money_day`)."""
    out: dict[tuple[str, str], tuple[date, date, Cents]] = {}
    for record in records:
        if record.number not in numbers:
            continue
        for e in record.events:
            if e.payment_id is None or e.kind not in (EventKind.ALLOCATED, EventKind.REVERSAL):
                continue
            day = money_day(e)
            first, last, cents = out.get((record.number, e.payment_id), (day, day, 0))
            cents += e.amount if e.kind is EventKind.ALLOCATED else -e.amount
            out[(record.number, e.payment_id)] = (min(first, day), max(last, day), cents)
    return out


def _received_after(
    records: Iterable[ClaimRecord], numbers: Collection[str], since: date
) -> dict[str, tuple[date, Cents]]:
    """Per payment, the money on the claims of ``numbers`` that counts from ``since`` or
    later, and the first such day. Counted per slot (a payment's own money, and the money it
    keeps in an earlier payment's place, which counts from that payment's day): a later
    payment standing in for one of before the ruling holds money of before it."""
    slots: dict[tuple[str, object], tuple[date, Cents]] = {}
    for record in records:
        if record.number not in numbers:
            continue
        for e in record.events:
            if e.payment_id is None or e.kind not in (EventKind.ALLOCATED, EventKind.REVERSAL):
                continue
            key = (e.payment_id, e.stands_in)
            day, cents = slots.get(key, (money_day(e), 0))
            if e.kind is EventKind.ALLOCATED:
                day = min(day, money_day(e))
            cents += e.amount if e.kind is EventKind.ALLOCATED else -e.amount
            slots[key] = (day, cents)
    out: dict[str, tuple[date, Cents]] = {}
    for (pid, _), (day, cents) in slots.items():
        if cents <= 0 or day < since:
            continue
        first, net = out.get(pid, (day, 0))
        out[pid] = (min(first, day), net + cents)
    return out


def _let_go_since(records: Iterable[ClaimRecord], numbers: Collection[str], since: date) -> Cents:
    """What was waived or written off on the claims from ``since`` on."""
    return sum(
        e.amount
        for r in records
        if r.number in numbers
        for e in r.events
        if e.kind in (EventKind.WAIVER, EventKind.WRITE_OFF) and e.on >= since
    )


def filing(
    records: Iterable[ClaimRecord],
    today: Mapping[str, ClaimFigures],
    numbers: Collection[str],
    since: date,
    until: date | None = None,
) -> Filing:
    """The claims ``numbers`` of a ruling of ``since`` as they stood on its day, from
    ``today``'s figures of them (over ``records``, all the debtor's claims). ``until``: the
    day the ruling ended (None: it holds): the money received from then on is the debtor's
    own again and not listed, though it too is put back into the figure of the ruling's day
    (as what was let go since: the figure filed does not move when the distribution or a
    payment after the end is booked)."""
    records = list(records)
    after = _received_after(records, numbers, since)
    open_now = sum(f.open.total for n, f in today.items() if n in numbers)
    received = sum(cents for _, cents in after.values())
    paid_after = tuple(sorted(
        (day, pid, cents) for pid, (day, cents) in after.items() if until is None or day < until
    ))  # fmt: skip
    return Filing(open_now + received + _let_go_since(records, numbers, since), paid_after)
