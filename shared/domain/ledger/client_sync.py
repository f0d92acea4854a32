"""What a lower ``open_amount`` in the client's accounting sync means for the claim.

The client's books know one figure per invoice: the invoice less what they booked as received
on it. That is money, not principal: the statement and the ledger export tell the client every
payment Inning booked on the invoice in whole (costs, interest and principal lines all name the
invoice), so its books count all of it (law9 F1). What the books report paid is reconciled
against all the money Inning already holds on the claim (its own payments in whole, the
client's receipts synced earlier, principal paid before the hand-over); only the rest is new.

New money the debtor paid the client is a payment on a day (6:114 lid 2 BW) and is allocated by
6:44 from that day (costs, interest, principal) like any other, marked as received by the
client (settlement charges the agency's share of it, never pays it out) - unless it was truly
paid before the hand-over: on the invoice's first import, or before costs were owed and before
the invoice went to an agency. Only then is it principal that was never owed ("paid before
hand-over"). A later payment cannot take back costs owed over the principal unpaid when the
14-day term ended, nor the interest up to its day (HR 25-11-2016, ECLI:NL:HR:2016:2704; 6:119;
law9 F2). Money Inning booked and then saw returned (a storno) stays in the books until they
book the storno: since their last sync it counts as known, not as the client's receipt
(:func:`unseen_returns`). The sync gives no day: the earliest day Inning's own record allows
is taken (the day of the client's last sync on an earlier day, when its books still showed
less paid; else the sync's day), so the debtor is not presumed to have paid late (6:96 lid
6: the creditor shows the costs are owed), and a person is told to check it with the client.

A receipt decided is kept on the invoice row (:class:`PendingReceipt`, written under the row's
ETag) until its payment, the invoice's share and the action item are all written: two syncs
racing decide one receipt of what the books report, and a retry after a crash finishes the
one decided (failure10 F1, F2); the daily run finishes one left longer than
:data:`LEFT_AFTER` for an invoice the client never pushes again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.domain.money import Cents


@dataclass(frozen=True)
class SyncedReceipt:
    """The part of a sync's reported payments that Inning did not know yet."""

    settled_before: Cents = 0  # paid before the hand-over: off the principal from the start
    received_by_client: Cents = 0  # paid to the client since: a payment on the sync's day

    @property
    def new(self) -> Cents:
        return self.settled_before + self.received_by_client


@dataclass(frozen=True)
class PendingReceipt:
    """A receipt decided and not yet booked whole: its payment id, the money, its day and the
    figure the client's books reported paid when it was decided. ``replaces``: the receipt a
    person re-dated (booked again on the day the client's books give): that one is reversed
    before this one is booked, so the re-dating is one decision under the invoice's ETag
    that a retry, the next sync or the daily run finishes (failure11 F1, F7; attack11 A1)."""

    payment_id: str
    amount: Cents
    received_on: date
    reported: Cents
    replaces: str | None = None


# a receipt decided longer ago than this and still on its invoice was cut off: its sync (one
# request, answered within the host's 230 s) is over, and the daily run finishes it
LEFT_AFTER = timedelta(minutes=15)


def left_over(decided_at: datetime, now: datetime) -> bool:
    """Whether a receipt decided at ``decided_at`` and still on its invoice at ``now`` was
    left by its sync (rather than being booked by it right now)."""
    return now - decided_at >= LEFT_AFTER


# requests of one client closer together than this are one sync (a connector sends a night's
# open invoices in requests of at most 1,000 rows)
SYNC_RUN_GAP = timedelta(hours=1)


@dataclass(frozen=True)
class SyncRuns:
    """The client's syncs that reported open amounts, as far as a receipt's day needs them:
    when the last request came (and its Amsterdam day), and the last day of the sync before
    the one it belongs to (its books then still showed what they showed; None: none known)."""

    last_at: datetime | None = None
    last_day: date | None = None
    open_on: date | None = None


def next_run(runs: SyncRuns, at: datetime, day: date) -> SyncRuns:
    """The record once a sync request came at ``at`` (Amsterdam day ``day``): a request within
    :data:`SYNC_RUN_GAP` of the last one belongs to its sync, a later one starts the next."""
    if runs.last_at is not None and at - runs.last_at <= SYNC_RUN_GAP:
        return SyncRuns(at, day, runs.open_on)
    return SyncRuns(at, day, runs.last_day)


def receipt_day(today: date, books_open_on: date | None) -> date:
    """The day a receipt the client's books report today is booked on: the day they last
    showed less paid (the money came that day at the earliest), never after today."""
    return today if books_open_on is None else min(today, books_open_on)


def reported_paid(amount: Cents, open_amount: Cents | None) -> Cents:
    """What the client's books say was paid on an invoice of ``amount`` (credit notes off)."""
    return 0 if open_amount is None else max(0, amount - open_amount)


def unseen_returns(returns: Iterable[tuple[date, Cents]], books_open_on: date | None) -> Cents:
    """Of the money Inning booked on an invoice and saw come back (``returns``: the day it came
    back, the cents the invoice had of it), what the client's books may still count as paid:
    the books counted it once the export told them of the payment, and drop it only once they
    book the storno the export shows in its day's period. They were last in step with Inning
    at their sync before this one (``books_open_on``, its day): money back on that day or
    later counts as known still; with no earlier sync known, all of it does. A sync that
    reports it paid again after that is taken at its word (the debtor paid the client)."""
    return sum(cents for day, cents in returns if books_open_on is None or day >= books_open_on)


@dataclass(frozen=True)
class BooksFigure:
    """What the client's books last reported paid on an invoice (``reported``) and the day of
    the sync that first reported it (``since``). Kept per invoice: a receipt is a rise in the
    books' own figure, never the same figure read again (law11b F2: 700.00 open on 6-3 and
    again on 7-3 was booked as a 300.00 receipt on the second sync: Inning's storno, which the
    books lagged). A figure that reports a receipt moves with the receipt's decision (under
    the invoice's ETag), so a sync cut off before it decides again when sent again."""

    reported: Cents
    since: date


def books_after(figure: BooksFigure | None, reported: Cents, day: date) -> BooksFigure:
    """The figure once a sync on ``day`` reported ``reported`` paid: the same figure keeps its
    day (the books did not move), another one starts there."""
    if figure is not None and figure.reported == reported:
        return figure
    return BooksFigure(reported, day)


@dataclass(frozen=True)
class BooksMove:
    """How far the books' figure rose with this sync, and the day they last moved before it:
    Inning's money that came back on or after that day may still be in them (they book a
    storno when they book it, in any sync after)."""

    rise: Cents
    moved_on: date


def books_move(figure: BooksFigure | None, reported: Cents) -> BooksMove | None:
    """The move ``reported`` makes on the kept ``figure`` (None: nothing kept to compare with)."""
    if figure is None:
        return None
    return BooksMove(reported - figure.reported, figure.since)


def before_handover(
    *, first_import: bool, handed_over: bool, costs_owed_from: date | None, on: date
) -> bool:
    """Whether money the client reports on ``on`` was paid before the claim was handed over:
    on the invoice's first import, or while no costs were owed and no agency had the case."""
    if first_import:
        return True
    if handed_over:
        return False
    return costs_owed_from is None or on < costs_owed_from


def reconcile(
    *,
    reported: Cents,
    known: Cents,
    before: bool,
    open_principal: Cents,
    rise: Cents | None = None,
) -> SyncedReceipt:
    """``reported``: what the client's books say was paid; ``known``: all the money Inning
    already holds on the claim (its payments in whole, receipts synced before, principal paid
    before the hand-over). Less reported than known is the books' lag: nothing changes (no
    payment either side knows of is reopened). More is new money; paid before the hand-over it
    comes off the principal (at most what is open of it). ``rise``: how far the books' own
    figure rose with this sync (None: no figure of theirs kept): new money is never more (a
    storno they lag stays in the figure they reported before)."""
    new = max(0, reported - known)
    if rise is not None:
        new = min(new, max(0, rise))
    if not new:
        return SyncedReceipt()
    if before:
        return SyncedReceipt(settled_before=min(new, max(0, open_principal)))
    return SyncedReceipt(received_by_client=new)


# A bank line on the client's own account and a receipt the client's sync booked are the same
# money when they are of the same amount and the line's day lies within this of the receipt's
# (the receipt is dated on the day the books last showed less paid, or on the sync's day when
# no earlier sync is known: the money came around it, the books give no day; syncs are nightly
# or at least weekly)
SAME_MONEY_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class TakenBack:
    """What the books no longer count of the client's receipts: the receipts reversed whole
    (``whole``, newest first) and, when the figure fell by less than the next newest one, that
    receipt and the cents taken back of it (``part``: the rest of it stands)."""

    whole: tuple[str, ...] = ()
    part: tuple[str, Cents] | None = None


def taken_back(receipts: Iterable[tuple[str, Cents]], reported: Cents) -> TakenBack:
    """The client's receipts (``receipts``: payment id and amount, oldest first) the books no
    longer count now that they report only ``reported`` paid (their figure holds the client's
    own receipts at least: Inning's money in it is never less than nothing). What exceeds it
    is taken back newest first, cents exact: whole receipts while they fit, then the rest of
    the difference from the next newest (a bookkeeper who took 50.00 off a 200.00 receipt
    leaves 150.00 of it; receipts12: the 50.00 was put before a person, the 200.00 stood)."""
    listed = list(receipts)
    excess = sum(c for _, c in listed) - reported
    whole: list[str] = []
    for payment_id, cents in reversed(listed):
        if excess <= 0:
            break
        if cents > excess:
            return TakenBack(tuple(whole), (payment_id, excess))
        whole.append(payment_id)
        excess -= cents
    return TakenBack(tuple(whole))


def same_money(receipt: Cents, receipt_day: date, line: Cents, line_day: date) -> bool:
    """Whether a bank line of ``line`` cents on ``line_day`` on the client's own account is the
    money a sync receipt of ``receipt`` cents dated ``receipt_day`` reported (failure11 F5):
    then the bank's booking takes the receipt's place, dated by the bank."""
    return receipt == line and abs(line_day - receipt_day) <= SAME_MONEY_WITHIN
