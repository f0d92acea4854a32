"""What happens to claims when money arrives or goes, or staff let part of a claim go:
each function returns the new events per invoice; nothing is changed in place.

Allocation (art. 6:43 and 6:44 BW): the claims the debtor designated first (oldest due date
first among them), then (what is left, or without a designation all of it) the due claims,
the most burdensome (highest interest rate) first, then the oldest claim first, and claims
equally burdensome and equally old pro rata; within a claim costs, VAT on the costs,
interest, then principal. Interest is fixed (a ``charged`` event) up to the day the
money is allocated, and the costs are fixed when money first reaches a claim whose costs are
owed. A payment of exactly the open total leaves nothing unallocated; what is left after
every claim is an overpayment, for staff.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from shared.domain.dunning.letter_costs import vat_in
from shared.domain.law.interest_rates import RateTable
from shared.domain.ledger.accrual import _principal_delta, rate_on_day
from shared.domain.ledger.arrangements import held_principal_first
from shared.domain.ledger.costs import ClaimRecord, charged_costs
from shared.domain.ledger.model import (
    BACKDATED_REPLAYED,
    DISCOUNT,
    LOWERING,
    ORDER_6_44,
    PARTIAL_CREDITS,
    PRINCIPAL_FIRST,
    RECOVERY,
    REPLAYED,
    RESTATED,
    RETURN_RESTATED,
    ClaimFigures,
    ClaimTerms,
    Component,
    EventKind,
    InterestRule,
    LedgerEvent,
    StandIn,
    is_discount,
)
from shared.domain.ledger.replay import fixed_interest, open_claims
from shared.domain.ledger.restate import CREDIT_NOTE, Restatement, received_day, restate

if TYPE_CHECKING:
    from shared.domain.ledger.replayed import Standing
from shared.domain.money import Cents
from shared.domain.reasons import CodedError


class LedgerRuleError(CodedError):
    """A change the claim does not allow (waiving more than is open, a closed claim...).
    ``code`` and ``params`` (amounts in cents, days) let a page say it in its reader's language."""


@dataclass(frozen=True)
class AllocationLine:
    invoice_number: str
    component: Component
    amount: Cents


@dataclass(frozen=True)
class Booking:
    payment_id: str
    amount: Cents
    on: date
    lines: tuple[AllocationLine, ...]
    unallocated: Cents
    events: dict[str, tuple[LedgerEvent, ...]] = field(default_factory=dict)
    # a back-dated payment restated claims (restate.py): later payments whose money those
    # claims no longer take, where that money went now (6:43), and what no claim took
    moved: dict[str, tuple[AllocationLine, ...]] = field(default_factory=dict)
    left: dict[str, Cents] = field(default_factory=dict)


def booking_day(records: Sequence[ClaimRecord], on: date) -> date:
    """A claim is never rewritten backwards: a back-dated entry is booked on the day of the
    claim's latest event (a payment with correcting events: :mod:`restate`)."""
    latest = [e.on for r in records for e in r.events]
    return max([on, *latest])


def _next_seq(record: ClaimRecord) -> int:
    return max((e.seq for e in record.events), default=0) + 1


def fixing_events(record: ClaimRecord, figures: ClaimFigures, seq: int) -> list[LedgerEvent]:
    """Costs and interest as owed on the figures' day, turned into ``charged`` events."""
    out: list[LedgerEvent] = []
    on = figures.on
    # costs charged before and taken back in full count as never fixed (costs.fixed_costs):
    # what is charged now is the share on top of them
    was = charged_costs([e for e in record.events if e.on <= on])
    if not figures.costs_fixed and figures.charged.costs > was.costs:
        costs = figures.charged.costs - was.costs
        out.append(LedgerEvent(seq, EventKind.CHARGED, Component.COSTS, costs, on))
        seq += 1
        if figures.charged.costs_vat > was.vat:
            vat = figures.charged.costs_vat - was.vat
            out.append(LedgerEvent(seq, EventKind.CHARGED, Component.COSTS_VAT, vat, on))
            seq += 1
    fixed = fixed_interest(record.events)
    if figures.charged.interest > fixed:
        out.append(
            LedgerEvent(
                seq,
                EventKind.CHARGED,
                Component.INTEREST,
                figures.charged.interest - fixed,
                on,
            )
        )
    return out


def claim_day(record: ClaimRecord, on: date) -> date:
    """The day a payment received on ``on`` is booked on this claim: its received day, unless
    the claim itself has later events (then that latest day; see :func:`allocate`)."""
    return booking_day([record], on)


def allocate(
    records: Sequence[ClaimRecord],
    payment_id: str,
    amount: Cents,
    on: date,
    designated: Sequence[str] = (),
    rates: RateTable | None = None,
    principal_first: frozenset[str] = frozenset(),
    continuing: bool = False,
    named: Named | None = None,
    due_only: bool | date = False,
) -> Booking:
    """Allocate ``amount`` received on ``on`` over ``records`` (all the debtor's claims, or at
    least all that share collection costs with the designated ones): the designated claims
    first (oldest due date first among them), then what is left over the other claims, the
    most burdensome first, then the oldest, equally burdensome and equally old ones pro rata
    (art. 6:43 lid 2: the part the debtor did not designate is a payment without a
    designation; :func:`_undesignated`); only what is left after every claim is an overpayment. The claims in
    ``principal_first`` take the money on their principal first, by agreement with the
    creditor (a principal-only payment plan), the rest in the order of art. 6:44.

    The payment is booked on each claim on the day it was received (interest to that day,
    "paid within the term" decided on that day); another invoice's events never move it. A
    claim the payment reaches that has events of its own after that day (an online payment
    booked before the bank statement came in) takes it on its latest day instead, restated
    (:mod:`restate`): the stream is append-only, and correcting events bring the claim to
    exactly what booking the payment on its day would have made it (docs/law.md, back-dated
    payments). ``moved``/``left``: later payments whose allocations the restatement changed,
    where their released money went, and what of it no claim took. ``continuing``: the
    payment's booking was written in part only (a write over more claims than one
    transaction holds stopped halfway): ``amount`` is its rest, over the claims as they are.
    ``due_only``: what the designated claims do not take goes to claims due on ``on`` alone
    (a replay of money a credit note freed, :mod:`replayed`; law15c F4), or (a day) due on
    ``on`` or on that day (the note's: set-off is open from then, law16b F2)."""
    if amount < 0:
        raise LedgerRuleError("a payment must not be negative")
    by_number = {r.number: r for r in records}
    unknown = [n for n in designated if n not in by_number]
    if unknown:
        raise LedgerRuleError(f"designated claims unknown: {', '.join(unknown)}")
    if not continuing and any(payment_id == e.payment_id for r in records for e in r.events):
        raise LedgerRuleError(f"payment {payment_id} is booked already")
    chosen = sorted(
        (by_number[n] for n in dict.fromkeys(designated)),
        key=lambda r: (r.terms.due_date, r.number),
    )
    rest = _undesignated(records, {r.number for r in chosen}, on, rates, due_only)
    if not continuing and not principal_first and _backdated_over_a_tie(records, rest, on):
        replayed = _replay_backdated(records, payment_id, amount, on, chosen, rates, named)
        if replayed is not None:
            return replayed
    events, lines, remaining, released = _spread(
        records, [*((r,) for r in chosen), *rest], payment_id, amount, on, rates,
        principal_first, named, continuing=continuing,
        due_by=_set_off_day(due_only, on), designated=designated,
    )  # fmt: skip
    moved, left = _move_released(records, events, released, rates, named)
    day = max((e.on for new in events.values() for e in new), default=on)
    return Booking(payment_id, amount, day, tuple(lines), remaining, events, moved, left)


def _set_off_day(due_only: bool | date, on: date) -> date | None:
    """The day money is set off on (:func:`_undesignated`'s ``due_only``; money received on
    ``on``), None: money the debtor paid, no set-off."""
    if isinstance(due_only, date):
        return due_only
    return on if due_only else None


def _backdated_over_a_tie(records: Sequence[ClaimRecord], rest: Sequence[Tier], on: date) -> bool:
    """The payment is booked after later ones (a claim of the debtor has events after ``on``)
    and claims of the same age share what reaches them pro rata (6:43 lid 2)."""
    return booking_day(records, on) > on and any(len(tier) > 1 for tier in rest)


def _replay_backdated(
    records: Sequence[ClaimRecord],
    payment_id: str,
    amount: Cents,
    on: date,
    chosen: Sequence[ClaimRecord],
    rates: RateTable | None,
    named: Named | None,
) -> Booking | None:
    """A back-dated payment over claims that share money pro rata, booked as the debtor's
    claims replayed from the final facts with it among them (:mod:`replayed`): restated claim
    by claim, a tier whose one claim had later events (restated on their day) and the other
    not (booked on the payment's day) split it on two days' figures, and the later payments'
    money the restatement released went on from its own day: a few cents landed on the wrong
    claim (ledger14b: F0 0.83 of its principal paid for 0.90 booked in received order). None
    where the facts cannot be replayed (see :func:`_replayed`): then claim by claim."""
    from shared.domain.ledger.replayed import Standing

    why = f"{BACKDATED_REPLAYED}{payment_id} received {on.isoformat()}"
    also = (Standing(payment_id, amount, on, tuple(r.number for r in chosen)),)
    done = _replayed(records, {}, rates, named, why, (), {}, also, spare_known=False)
    if done is None:
        return None
    lines = done.moved.get(payment_id, ())
    # (the replay takes a claim's money off and puts it back: a payment whose money stays
    # where it was did not move)
    moved = {p: v for p, v in done.moved.items()
             if p != payment_id and _net(v) != _net(_held_lines(records, p))}  # fmt: skip
    left = {p: v for p, v in done.left.items() if p in moved}
    day = max((e.on for new in done.events.values() for e in new), default=on)
    return Booking(payment_id, amount, day, lines, amount - sum(x.amount for x in lines),
                   done.events, moved, left)  # fmt: skip


def _held_lines(records: Sequence[ClaimRecord], payment_id: str) -> list[AllocationLine]:
    net: dict[tuple[str, Component], Cents] = {}
    for r in records:
        for e in r.events:
            if e.payment_id == payment_id and e.kind in (EventKind.ALLOCATED, EventKind.REVERSAL):
                sign = 1 if e.kind is EventKind.ALLOCATED else -1
                net[(r.number, e.component)] = net.get((r.number, e.component), 0) + sign * e.amount
    return [AllocationLine(n, c, v) for (n, c), v in net.items() if v > 0]


def _net(lines: Iterable[AllocationLine]) -> dict[tuple[str, Component], Cents]:
    out: dict[tuple[str, Component], Cents] = {}
    for line in lines:
        key = (line.invoice_number, line.component)
        out[key] = out.get(key, 0) + line.amount
    return out


def restated_moves(events: Iterable[LedgerEvent], payment_id: str) -> tuple[str, ...]:
    """The later payments whose allocations back-dated payment ``payment_id`` changed when it
    restated a claim (their ``RESTATED`` events among the debtor's ``events`` name it): what
    a repeat of the booking lets follow the ledger again (invoices, payment rows), as the
    first booking did."""
    why = f"{RESTATED}payment {payment_id} received "
    # (over claims that share money pro rata the debtor's claims are replayed: the moves'
    # reasons name the replay's, after the day their money counts from)
    replayed = f"{BACKDATED_REPLAYED}{payment_id} received "

    def names(reason: str) -> bool:
        # (a move's reason: REPLAYED + ISO day + ": " + the replay's)
        tail = reason[len(REPLAYED) + 12 :] if reason.startswith(REPLAYED) else ""
        return reason.startswith(why) or tail.startswith(replayed)

    return _named(events, names, payment_id)


def credit_note_moves(events: Iterable[LedgerEvent], reference: str) -> tuple[str, ...]:
    """The payments whose allocations credit note ``reference`` changed (the restatement's
    ``RESTATED`` events among the credited claim's ``events`` name the note): what a repeat
    of the note lets follow the ledger again."""
    # (a correction's or a discount's: their prefixes are of one length)
    why = tuple(f"{RESTATED}{p}" for p in PARTIAL_CREDITS)
    named = f": {reference}: "
    return _named(
        events,
        lambda reason: reason.startswith(why) and reason[len(why[0]) + 10 :].startswith(named),
    )


def _named(
    events: Iterable[LedgerEvent], names: Callable[[str], bool], besides: str = ""
) -> tuple[str, ...]:
    found = {
        e.payment_id
        for e in events
        if e.payment_id and e.payment_id != besides and names(e.reason or "")
    }
    return tuple(sorted(found))


# the kinds of interest, in the order taken at an equal rate: claims of another kind are not
# equally burdensome (statutory interest is added to the principal every year, 6:119 lid 2 and
# 6:119a lid 3), so they are never split pro rata; the order only keeps them apart
_KIND_ORDER = (
    InterestRule.CONSUMER,
    InterestRule.COMMERCIAL,
    InterestRule.CONTRACTUAL,
    InterestRule.NONE,
)

# claims that take undesignated money together, in proportion (art. 6:43 lid 2 BW, last words)
Tier = tuple[ClaimRecord, ...]


def _undesignated(
    records: Iterable[ClaimRecord],
    besides: Collection[str],
    on: date | None = None,
    rates: RateTable | None = None,
    due_only: bool | date = False,
) -> list[Tier]:
    """Where money the debtor did not designate goes (art. 6:43 lid 2): his claims that are
    due before those that are not, among them the most burdensome first (the highest interest
    rate on ``on``: a contractual rate, or 6:119a's ECB + 8 against an older agreement's ECB +
    7), then the oldest due date (the day the claim became exigible); never one he disputes
    (what none takes is an overpayment, for staff to refund or re-book with his consent).
    A claim under a running payment plan over the whole claim (its interest frozen on ``on``)
    is not exigible beyond its installments: the plan gave the debtor time, and it becomes
    exigible as a whole only when the plan lapses (law14 F1), so it comes after the due claims;
    so is one a plan over the principal holds while its principal is open (:func:`due_on`).
    Claims equally burdensome and equally old form one tier that takes the money pro rata
    ("bij gelijke ouderdom naar evenredigheid"): the same due date, the same rate and kind of
    interest, and the collection costs owed on ``on`` on both or on neither (a claim whose
    costs are owed is past its last term, open to a suit without further notice: it goes
    first). Without ``on`` and ``rates`` the burden is not known: oldest first.
    ``due_only``: the claims due on ``on`` alone (money a credit note freed: the debtor never
    meant it for a claim he need not pay yet, and the creditor may set it off only against a
    claim it can enforce, art. 6:127 lid 2 BW; law15c F4); a day: the claims due on ``on``
    or on that day (the day a credit note freed it: the debtor's claim to have it back and
    the creditor's due claim face each other from then, so set-off is open, 6:127 lid 2, and
    works back to when both could be set off, 6:129 lid 1: counted from ``on``, the money
    reaches a claim that fell due since no later than its first day of interest and inside
    any term it had; law16b F2: F2 200.00, due 30-4, dunned in full on the note's day 10-6
    while 59.01 of the debtor's money waited as an overpayment)."""

    def rank(r: ClaimRecord) -> tuple[bool, bool, Fraction, date, bool, int]:
        due = on is None or due_on(r.terms, on, r)
        burden = _rate_of(r.terms, rates, on) if due and on and rates else Fraction(0)
        owed = r.terms.costs_owed_from
        costs = on is not None and owed is not None and owed <= on
        # a written-off claim last of all (ledger31): it bears no interest any more, so it
        # is the least burdensome (6:43 lid 2), and it is out of collection
        return (r.terms.written_off, not due, -burden, r.terms.due_date, not costs,
                _KIND_ORDER.index(r.terms.interest_rule))  # fmt: skip

    ranked = sorted(
        ((rank(r), r) for r in records if r.number not in besides and _takes_surplus(r.terms)),
        key=lambda x: (x[0], x[1].number),
    )
    if due_only:
        # (a claim a plan over the principal holds: as far as its installments are due)
        by = due_only if isinstance(due_only, date) else on
        ranked = [(key, r) for key, r in ranked if not key[1] or (by is not None
                  and (due_on(r.terms, by, r) or installments_due(r, by) > 0))]  # fmt: skip
    tiers: list[Tier] = []
    for key, record in ranked:
        if tiers and rank(tiers[-1][0]) == key:
            tiers[-1] = (*tiers[-1], record)
        else:
            tiers.append((record,))
    return tiers


def due_on(terms: ClaimTerms, on: date, record: ClaimRecord | None = None) -> bool:
    """Whether the claim is due (exigible) on ``on``: its due date passed and no payment plan
    holds it (:func:`_undesignated`): not one over the whole claim, nor (``record``: the
    claim's events tell) one over the principal while its principal is open that day."""
    if terms.due_date > on or _plan_runs(terms, on):
        return False
    return record is None or not _principal_plan_holds(record, on)


def _principal_plan_holds(record: ClaimRecord, on: date) -> bool:
    """Whether a payment plan over the principal only holds the claim on ``on``: it ran that
    day (its costs hold's span, ``terms.principal_first``) and the principal was still open
    (the money received by then). The plan gave the debtor its days for the principal, so
    the claim is not exigible beyond its installments (one due and unpaid while the plan's
    tolerance runs: :func:`installments_due`) and the creditor cannot set money it owes the debtor off against it (6:127 lid 2
    BW; law16b F5: 300.00 a credit note freed went on F1 weeks before its first installment).
    A kept plan's span has no end: the principal it paid off is what ends its hold, so the
    interest and costs left after it are due again."""
    terms = record.terms
    if not held_principal_first(terms.principal_first, on):
        return False
    return _open_principal(record, on) > 0


def installments_due(record: ClaimRecord, by: date) -> Cents:
    """What of the claim's principal a running plan over the principal holds and no longer
    defers on ``by``: its installments' parts on this claim due by then and unpaid (the
    principal open less the parts due later; a plan's payments pay the earliest first). The
    plan gave the debtor its days for the later installments only, so a due one is exigible
    and open to set-off (6:127 lid 2 BW; law17b F2: freed money waited as an overpayment
    while installment 1 was due and unpaid); of a plan over the whole claim, what
    :func:`_whole_plan_due` finds. 0 where the installments are not known."""
    if _plan_runs(record.terms, by):
        return _whole_plan_due(record, by)[0]
    parts = _plan_parts(record, by)
    if not parts or not _principal_plan_holds(record, by):
        return 0
    later = sum(cents for day, cents in parts if day > by)
    return max(0, _open_principal(record, by) - later)


def _whole_plan_due(record: ClaimRecord, by: date) -> tuple[Cents, date | None]:
    """What of the claim a running plan over the whole claim (its interest pause) no longer
    defers on ``by``: its installments' parts on this claim due by then less what was paid on
    the claim since the plan began (every component: such a plan's payments go costs, interest,
    principal), and the day of the first of them still unpaid in part. A due installment is
    exigible and open to set-off like a plan over the principal's (6:127 lid 2 BW; lawyer18
    L2: the plan lapsed and 150.00 costs fell due while 600.00 a credit note freed waited as
    an overpayment); (0, None) where the installments are not known."""
    starts = [a for a, b in record.terms.interest_paused if a <= by and (b is None or by < b)]
    if not starts:
        return 0, None
    start = max(starts)
    parts = sorted((day, c) for a, day, c in record.terms.plan_installments if a == start)
    paid = 0
    for e in record.events:
        if e.kind in (EventKind.ALLOCATED, EventKind.REVERSAL) and start <= received_day(e) <= by:
            paid += e.amount if e.kind is EventKind.ALLOCATED else -e.amount
    asked, first = 0, None
    for day, cents in parts:
        if day > by:
            break
        asked += cents
        if first is None and asked > paid:
            first = day
    return max(0, asked - paid), first


def _plan_parts(record: ClaimRecord, on: date) -> list[tuple[date, Cents]]:
    """The claim's parts (due day, cents) of the installments of the plan over the principal
    that holds it on ``on`` (the latest agreed of those whose span runs then); [] not known."""
    starts = [a for a, b in record.terms.principal_first if a <= on and (b is None or on < b)]
    if not starts:
        return []
    start = max(starts)
    return [(day, cents) for a, day, cents in record.terms.plan_installments if a == start]


def _open_principal(record: ClaimRecord, on: date) -> Cents:
    """The claim's principal open on ``on`` by the money received by then."""
    terms = record.terms
    return (
        terms.principal
        - terms.principal_settled_elsewhere
        + sum(_principal_delta(e) for e in record.events if received_day(e) <= on)
    )


def _rate_of(terms: ClaimTerms, rates: RateTable, on: date) -> Fraction:
    """The rate that makes a claim burdensome on ``on``: the interest that runs on it that
    day. None for a claim on which the client charges no interest (the statutory table would
    rank it with a 6:119 claim of the same day), nor for one whose interest has not started
    yet or is frozen by a payment plan that day (law14 F2: a claim bearing no interest is not
    as onerous as one that does)."""
    if terms.interest_rule is InterestRule.NONE or terms.interest_from is None:
        return Fraction(0)
    if terms.interest_from > on or _plan_runs(terms, on):
        return Fraction(0)
    return rate_on_day(terms, rates, on)


def _plan_runs(terms: ClaimTerms, on: date) -> bool:
    """Whether a payment plan over the whole claim holds it on ``on``: its stored interest
    pause reads [the day it was agreed, the day it ended), the end None while it runs."""
    return any(a <= on and (b is None or on < b) for a, b in terms.interest_paused)


def pro_rata(amount: Cents, weights: Sequence[tuple[str, Cents]]) -> dict[str, Cents]:
    """``amount`` (at most the weights' sum) split over claims in proportion to their open
    totals (``weights``: claim, cents): each share rounded down and the cents left over one
    each to the largest remainders, as the costs of a notice are split (costs.py), a tie to
    the larger claim, then the lower invoice number. 598.67 over two claims of 1,008.33:
    299.34 and 299.33; 600.00 over 1,008.33 and 504.16: 400.00 and 200.00 (to the larger
    claim whatever its remainder it would be 400.01 and 199.99)."""
    whole = sum(w for _, w in weights)
    if whole <= 0:
        return {}
    shares = {n: amount * w // whole for n, w in weights}
    left = amount - sum(shares.values())
    by_rest = sorted(weights, key=lambda x: (-(amount * x[1] % whole), -x[1], x[0]))
    for n, _ in by_rest[:left]:
        shares[n] += 1
    return shares


def _takes_surplus(terms: ClaimTerms) -> bool:
    """Whether money the debtor did not designate may go to the claim (6:43 lid 2): not one
    he disputes, nor a natural obligation (a clean slate or akkoord left it, art. 6:3 BW):
    6:43 lid 2 imputes to the enforceable debts, and only what is paid *for* a natural
    obligation is no undue payment (6:3 lid 2); what none takes is spare money, as for a
    debtor with nothing else open (codereview13 #3)."""
    return not terms.disputed and not terms.natural


# the invoices a payment's debtor named (its row's ``designated``; () when none is known):
# where its money goes first when it is allocated again (6:43 lid 1 BW; law5 finding 4)
Named = Callable[[str], Sequence[str]]


def _again(
    current: dict[str, ClaimRecord],
    besides: Collection[str],
    named: Sequence[str],
    on: date | None = None,
    rates: RateTable | None = None,
    due_only: bool | date = False,
) -> list[Tier]:
    """Where a payment's money goes when it is allocated again: the claims it named (but
    ``besides``), earliest due first, then the debtor's other claims by 6:43 lid 2 as of the
    day it was received (:func:`_undesignated`; ``due_only``: those due that day alone)."""
    chosen = sorted(
        (current[n] for n in dict.fromkeys(named) if n in current and n not in besides),
        key=lambda r: (r.terms.due_date, r.number),
    )
    rest = _undesignated(current.values(), {*besides, *(r.number for r in chosen)}, on, rates,
                         due_only)  # fmt: skip
    return [*((r,) for r in chosen), *rest]


# each move may restate a claim that releases money in turn; bounded so that a chain that
# never settled would leave the rest unallocated (an overpayment for staff), not loop
MOVES_AT_MOST = 1_000
# money a restatement released from a claim: (claim, payment, amount, the day it counts
# from, whose money it stood in for: see restate.StandIn)
Released = tuple[str, str, Cents, date, StandIn | None]


def _released(number: str, done: Restatement) -> list[Released]:
    """What restating claim ``number`` released, per slot; a payment only moved between
    components with 0 (its rows follow the ledger)."""
    out: list[Released] = [(number, p, v, d, s) for p, v, d, s in done.freed]
    out.extend((number, p, 0, d, None) for p, (v, d) in done.released.items() if not v)
    return out


def _move_released(
    records: Sequence[ClaimRecord],
    events: dict[str, tuple[LedgerEvent, ...]],
    released: list[Released],
    rates: RateTable | None,
    named: Named | None = None,
    within: Collection[str] | None = None,
    reason: str | None = None,
    due_only: Collection[str] = (),
    due_by: date | None = None,
) -> tuple[dict[str, tuple[AllocationLine, ...]], dict[str, Cents]]:
    """Later payments' money a restatement released: allocated over the debtor's other
    claims on the day it counts from, those the payment named first (``named``; money that
    stood in for another payment's: the claims that one named, restate10), then oldest
    first by 6:43 (``events`` grows with the new allocations); the rest is left unallocated.
    Money the moves release in turn moves the same way. ``within``: only those claims take
    it (the others are still read: costs shared over the debtor's claims). ``reason``: why a
    claim with later events it reaches is restated (:func:`_spread`). ``due_only``: money
    released from those claims (a credit note's) goes, after the claims its payment named, to
    claims due on the day it counts from alone; what they do not take is an overpayment
    (law15c F4: 59.01 freed on F1 paid F2 six weeks before F2 was due), or due on ``due_by``
    (the note's day: set-off is open from then, law16b F2)."""
    current = {r.number: r for r in records}
    for n, more in events.items():
        current[n] = ClaimRecord(current[n].terms, current[n].events + more)
    moved: dict[str, tuple[AllocationLine, ...]] = {}
    left: dict[str, Cents] = {}
    queue = list(released)
    for _ in range(MOVES_AT_MOST):
        if not queue:
            break
        number, payment_id, amount, received, slot = queue.pop(0)
        whose = slot.payment_id if slot else payment_id
        limit = (due_by or True) if number in due_only else False
        wanted = named(whose) if named else ()
        others = _again(current, {number}, wanted, received, rates, limit)
        if within is not None:
            others = [t for t in (tuple(r for r in tier if r.number in within)
                                  for tier in others) if t]  # fmt: skip
        new, lines, rest, freed = _spread(list(current.values()), others, payment_id, amount,
                                          received, rates, named=named, stands_in=slot,
                                          reason=reason,
                                          due_by=_set_off_day(limit, received),
                                          designated=wanted)  # fmt: skip
        _add(current, events, new)
        moved[payment_id] = moved.get(payment_id, ()) + tuple(lines)
        left[payment_id] = left.get(payment_id, 0) + rest
        queue.extend(freed)
    for _, payment_id, amount, _, _ in queue:  # never reached in practice: an overpayment
        left[payment_id] = left.get(payment_id, 0) + amount
    return moved, left


def _spread(
    records: Sequence[ClaimRecord],
    pool: Sequence[Tier],
    payment_id: str,
    amount: Cents,
    on: date,
    rates: RateTable | None,
    principal_first: frozenset[str] = frozenset(),
    named: Named | None = None,
    stands_in: StandIn | None = None,
    continuing: bool = False,
    reason: str | None = None,
    due_by: date | None = None,
    designated: Collection[str] = (),
) -> tuple[
    dict[str, tuple[LedgerEvent, ...]],
    list[AllocationLine],
    Cents,
    list[Released],
]:
    """``amount`` received on ``on`` over the claims of ``pool`` in that order, each claim on
    its own :func:`claim_day` (figures of the whole debtor on that day: shared costs); a
    claim with later events of its own is restated (:mod:`restate`), and the later
    payments' money it releases is returned (claim, payment, amount, received day). The
    claims of one tier (equally burdensome and equally old, :func:`_undesignated`) take what
    reaches the tier pro rata to what each asked on ``on`` (:func:`pro_rata`); what one of
    them does not take goes on to the next tier.

    What later payments keep on a restated claim in this payment's place goes on as their
    excess would have, had the payments been booked in the order received: from their day,
    over the claims they named first, then by 6:43, marked as standing in for theirs
    (restate10: from this payment's earlier day it reached the other claims before their
    costs and interest were owed). ``stands_in``: that mark, for this spread.
    ``continuing``: ``amount`` is the rest of a booking written in part only (see
    :func:`allocate`): a tier is split as the whole booking split it, what the payment holds
    on its claims already counted in, so the claims written before take nothing again.
    ``reason``: why a claim with later events is restated, instead of the payment (a person's
    correction of its designation: :data:`~shared.domain.ledger.model.DESIGNATION_RESTATED`).
    ``due_by``: money set off on that day (a credit note freed it): a claim a plan over the
    principal held when the money was received, due again by then, takes it from the day the
    plan ended (6:129 lid 1 BW: set-off works back only to when the claim became exigible;
    law17b F6: counted from the day received, the debtor was spared 0.26 of interest); one the
    plan still holds then takes at most its installments due and unpaid, from the first's day
    (:func:`_set_off_from`), on their principal (what alone is exigible; a plan over the whole
    claim's by 6:44, as its own payments go: :func:`_whole_plan_due`), unless among
    ``designated`` (the claims the payment named: the debtor may pay a claim before it is due)."""
    figures_on: dict[date, dict[str, ClaimFigures]] = {}
    remaining = amount
    lines: list[AllocationLine] = []
    events: dict[str, tuple[LedgerEvent, ...]] = {}
    released: list[Released] = []
    displaced: list[tuple[str, str, Cents, date]] = []

    def figures(day: date) -> dict[str, ClaimFigures]:
        if day not in figures_on:
            figures_on[day] = open_claims(records, day, rates)
        return figures_on[day]

    def take(record: ClaimRecord, cents: Cents) -> Cents:
        """Up to ``cents`` on ``record``; what it took (with what later payments keep on it
        in this payment's place, which goes on as theirs)."""
        start, most = _set_off_from(record, on, due_by, record.number in designated)
        day = claim_day(record, start)
        fig = figures(day)[record.number]
        written_off = record.terms.written_off
        if record.terms.closed and not written_off:
            return 0
        if most is not None:
            cents = min(cents, most)
            if cents <= 0:
                return 0
        # set off against a due installment: its principal, what alone is exigible (the plan
        # holds the interest and costs until it ends; 6:44 first, 8.22 of 300.00 went on them
        # and the plan counted 291.78 of its installment)
        # (a plan over the whole claim: by 6:44, as its own payments go)
        whole = due_by is not None and _plan_runs(record.terms, due_by)
        held = record.number in principal_first or (most is not None and not whole)
        order = PRINCIPAL_FIRST if held else ORDER_6_44
        # the claim has events of its own after the payment was received, or a discount of
        # the payment's own day, which comes after it (restate._ideal: a payment received
        # that day discharged what was owed before the discount let part of the rest go;
        # booked as it stands, 105.27 of 1,150.00 was left over with the discount kept
        # whole, ledfix17 F1)
        # (a written-off claim bears no interest and its costs are fixed: the money recovers
        # what was written off on the claim's latest day, restating nothing)
        if not written_off and (day > start or _discount_on(record, start)):
            done = restate(records, record.number, payment_id, cents, start, day,
                           fixing_events(record, fig, _next_seq(record)), order, rates,
                           stands_in=stands_in, reason=reason)  # fmt: skip
            if done.events:
                events[record.number] = done.events
            lines.extend(AllocationLine(record.number, c, v) for c, v in done.taken.items())
            released.extend(_released(record.number, done))
            displaced.extend((record.number, w, v, d) for w, v, d in done.displaced)
            return done.amount + sum(v for _, v, _ in done.displaced)
        if _asks(record, fig) <= 0:
            return 0
        new = fixing_events(record, fig, _next_seq(record))
        seq = _next_seq(record) + len(new)
        took = 0
        for component in ORDER_6_44 if written_off else order:
            part = min(cents - took, _asks(record, fig, component))
            if part <= 0:
                continue
            new.append(
                LedgerEvent(
                    seq,
                    EventKind.ALLOCATED,
                    component,
                    part,
                    day,
                    payment_id=payment_id,
                    reason=RECOVERY if written_off else None,
                    stands_in=stands_in,
                )
            )
            seq += 1
            lines.append(AllocationLine(record.number, component, part))
            took += part
        events[record.number] = tuple(new)
        return took

    for tier in pool:
        if remaining <= 0:
            break
        if len(tier) == 1:
            remaining -= take(tier[0], remaining)
            continue
        # what each asked on the day the money was received (a claim with later events of
        # its own is restated to that day): the weights of the split; a booking finished
        # after a stop counts what its first parts put on them (seen on that day or later)
        held = {r.number: _holds(r, payment_id, on) if continuing else (0, 0) for r in tier}
        asked = [(r.number, _asks(r, figures(on)[r.number]) + held[r.number][0])
                 for r in tier if not r.terms.closed or r.terms.written_off]  # fmt: skip
        asked = [(n, v) for n, v in asked if v > 0]
        whole = sum(v for _, v in asked)
        spent = sum(held[n][1] for n, _ in asked)
        shares = dict(asked) if remaining + spent >= whole else pro_rata(remaining + spent, asked)
        for record in tier:
            want = min(shares.get(record.number, 0) - held[record.number][1], remaining)
            if want > 0:
                remaining -= take(record, want)
    current = {r.number: r for r in records}
    for n, more in events.items():
        current[n] = ClaimRecord(current[n].terms, current[n].events + more)
    for number, whose, cents, day in displaced:
        others = _again(current, {number}, named(whose) if named else (), day, rates)
        new_, extra, rest, freed = _spread(list(current.values()), others, payment_id, cents,
                                          day, rates, principal_first, named,
                                          StandIn(whose, day))  # fmt: skip
        _add(current, events, new_)
        lines.extend(extra)
        released.extend(freed)
        remaining += rest
    if displaced:  # one line per invoice and component, as a booking without them has
        sums: dict[tuple[str, Component], Cents] = {}
        for line in lines:
            key = (line.invoice_number, line.component)
            sums[key] = sums.get(key, 0) + line.amount
        lines = [AllocationLine(n, c, v) for (n, c), v in sums.items() if v]
    return events, lines, remaining, released


def _asks(record: ClaimRecord, fig: ClaimFigures, component: Component | None = None) -> Cents:
    """What money paid on the claim can still pay (of ``component``; None: in all): what is
    open, and on a written-off claim what was written off too (the debt stands: ledger31)."""
    gone = fig.written_off if record.terms.written_off else None
    if component is None:
        return fig.open.total + (gone.total if gone else 0)
    return fig.open.of(component) + (gone.of(component) if gone else 0)


def _set_off_from(
    record: ClaimRecord, on: date, due_by: date | None, named: bool = False
) -> tuple[date, Cents | None]:
    """The day money received on ``on`` and set off by ``due_by`` counts from on the claim,
    and the most it may take there (None: no bound): ``on``, unless a plan over the principal
    held the claim then and its span ended by ``due_by`` (the claim was exigible again only
    from that day), or the plan holds it on ``due_by`` (and the payment did not name it,
    ``named``: he may pay a claim early): then only its installments due by then and unpaid
    (:func:`installments_due`), from the first of them's day (6:129 lid 1 BW: set-off works
    back to when both claims were due; law17b F2), were the money received before the plan
    or in it."""
    if due_by is None:
        return on, None
    if not named and _plan_runs(record.terms, due_by):
        # (nothing of it due and unpaid: it takes nothing, as before its installments were known)
        due, first = _whole_plan_due(record, due_by)
        return (on, 0) if first is None else (max(on, first), due)
    if _principal_plan_holds(record, on):
        ends = [b for a, b in record.terms.principal_first
                if a <= on and b is not None and on < b]  # fmt: skip
        if ends and min(ends) <= due_by:
            return min(ends), None
    # (money received before the plan too: on ``due_by`` the plan defers what is not yet due)
    parts = _plan_parts(record, due_by)
    if named or not parts or not _principal_plan_holds(record, due_by):
        return on, None
    due = installments_due(record, due_by)
    if due <= 0:
        return on, 0
    open_ = _open_principal(record, due_by)
    # the first installment still unpaid in part: the open principal is more than the parts due
    # after it (the plan's payments paid the earlier ones); none due yet: what is due is the
    # principal beyond the plan's parts (a payment from before the plan came back), which the
    # plan never deferred (codereview18 F2: StopIteration, the credit note a 500)
    first = next((d for d in sorted({d for d, _ in parts if d <= due_by})
                  if open_ > sum(c for x, c in parts if x > d)), on)  # fmt: skip
    return max(on, first), due


def _discount_on(record: ClaimRecord, on: date) -> bool:
    """The claim has a discount (6:160 BW) counting from ``on``."""
    return any(is_discount(e) and received_day(e) == on for e in record.events)


def _holds(record: ClaimRecord, payment_id: str, on: date) -> tuple[Cents, Cents]:
    """What ``payment_id`` holds on the claim: booked up to ``on`` (in its figures of that
    day), and in all."""
    seen = whole = 0
    for e in record.events:
        if e.payment_id == payment_id and e.kind in (EventKind.ALLOCATED, EventKind.REVERSAL):
            cents = e.amount if e.kind is EventKind.ALLOCATED else -e.amount
            whole += cents
            seen += cents if e.on <= on else 0
    return seen, whole


def reverse(
    records: Sequence[ClaimRecord], payment_id: str, on: date, reason: str
) -> dict[str, tuple[LedgerEvent, ...]]:
    """Undo exactly what ``payment_id`` was allocated to (refund, chargeback, bank return);
    nothing when it was reversed already. Money of it that stood in for another payment's is
    undone with that mark (restate.py counts a payment's money per slot)."""
    out: dict[str, tuple[LedgerEvent, ...]] = {}
    for record in records:
        net: dict[tuple[StandIn | None, Component], Cents] = {}
        last = None
        for e in record.events:
            if e.payment_id != payment_id:
                continue
            key = (e.stands_in, e.component)
            if e.kind is EventKind.ALLOCATED:
                net[key] = net.get(key, 0) + e.amount
                last = e.on if last is None else max(last, e.on)
            elif e.kind is EventKind.REVERSAL:
                net[key] = net.get(key, 0) - e.amount
        seq = _next_seq(record)
        day = booking_day([record], max(on, last or on))
        new = []
        slots = sorted({slot for slot, _ in net}, key=lambda s: (s is not None, s and s.received))
        for slot in slots:
            for component in ORDER_6_44:
                cents = net.get((slot, component), 0)
                if cents > 0:
                    new.append(LedgerEvent(seq, EventKind.REVERSAL, component, cents, day,
                                           payment_id=payment_id, reason=reason,
                                           stands_in=slot))  # fmt: skip
                    seq += 1
        if new:
            out[record.number] = tuple(new)
    return out


def return_payment(
    records: Sequence[ClaimRecord],
    payment_id: str,
    on: date,
    reason: str,
    rates: RateTable | None = None,
    named: Named | None = None,
    spare: Mapping[str, tuple[Cents, date, str]] | None = None,
) -> Release:
    """Money that came back (a refund, chargeback, SEPA storno, bank return): what the payment
    was allocated to is undone (:func:`reverse`), and each claim it paid is restated as if it
    had never been paid (:mod:`restate` leaves a payment that came back in full out of the
    ideal history): the collection costs are owed when it was only "paid" inside the term
    (art. 6:96 lid 6 BW: the debtor did not pay), the interest runs over the days it sat with
    the creditor (6:119: until the creditor has the money), and the claim's later payments are
    allocated again by 6:44 over what was then open, their excess moved by 6:43 (law5 finding
    2). Booked on each claim's latest day, like the reversal; nothing when it was reversed
    already.

    ``spare``: the debtor's other payments' money no claim holds (their rows' unallocated
    part), the day each was received and its debtor. Booked in the order received, that money would have
    paid the claims the return reopens before it was left over (6:43, 6:44), so it is
    allocated over them again from that day, restated where a claim has later events
    (storno11: a back-dated payment's restatement had released a later payment's money to
    an overpayment; returned, it reopened the claim's EUR 40 costs while the debtor was
    132.87 over)."""
    undone = reverse(records, payment_id, on, reason)
    # and each claim where other payments' money stood in for it (restate.py): it never paid
    standing = {r.number for r in records for e in r.events
                if e.stands_in and e.stands_in.payment_id == payment_id}  # fmt: skip
    if not undone and not standing and _returned_before(records, payment_id):
        # its reversal and restatement were one change: a return is a replay's reason
        # (LOWERING), and the debtor's claims replayed again are no fixpoint after a
        # back-dated booking; a repeat moved a re-dated receipt's money again, over claims it
        # never named when its payment row was not written yet (failure27 F3)
        return Release({}, {}, {})
    return restate_claims(records, sorted({*undone, *standing}), rates, undone, named,
                          reason=f"{RETURN_RESTATED}{payment_id}", gone=(payment_id,),
                          spare=spare, spare_anywhere=True)  # fmt: skip


def _returned_before(records: Sequence[ClaimRecord], payment_id: str) -> bool:
    """Does a claim hold the payment's own reversal (a return's, not a restatement's move)?"""
    return any(
        e.payment_id == payment_id
        and e.kind is EventKind.REVERSAL
        and not (e.reason or "").startswith(RESTATED)
        for r in records
        for e in r.events
    )


def _offer_spare(
    records: Sequence[ClaimRecord],
    done: Release,
    spare: Mapping[str, tuple[Cents, date, str]],
    rates: RateTable | None,
    named: Named | None,
    gone: Collection[str],
    within: Collection[str] | None,
    reason: str | None = None,
) -> Release:
    """The debtor's money no claim holds (``spare``: per payment its unallocated part, the day
    it was received and its debtor) offered to the claims a restatement (``done``) changed:
    booked in the order received, it would have paid what they ask now before it was left
    over (6:43, 6:44), so it is allocated over them from its day, restated where a claim has
    later events (storno11; law12b #2: a rate table put in force left F1 0.44 and F2 0.14
    open while the payment naming F2 held 322.02 over). ``within``: the claims that may take
    it (None: all the debtor's). ``reason``: the restatement's (a return's, a rate table's: the
    spare money booked back-dated on a claim counts from its received day in the claim's own
    accrual, as the final facts booked afresh count it; booked as a back-dated payment of its
    own, its interest was rounded a cent apart, ledger14)."""
    waiting = sorted(
        ((day, pid, cents, debtor) for pid, (cents, day, debtor) in spare.items()
         if pid not in gone and cents > 0)
    )  # fmt: skip
    if not done.events or not waiting:
        return done
    events = dict(done.events)
    current = {r.number: r for r in records}
    _add(current, {}, events)
    freed = _freed_by_credits(records)
    moved: dict[str, tuple[AllocationLine, ...]] = {}
    left: dict[str, Cents] = {}
    for debtor in sorted({d for *_, d in waiting}):
        # a payment's money pays its own debtor's claims only (one transfer may have paid
        # two debtors' invoices: the other's claims are read too)
        mine = [r for r in current.values() if r.terms.debtor_number == debtor]
        # money a credit note freed goes only to claims due when it was received or by the
        # note's day, as its booking sent it (law15c F4, law16b F2); offered to every claim a
        # return reopened, 300.00 a full credit had left over paid an invoice due 3 1/2
        # months later (ledfix17 F7); the rest of a payment's spare money goes as before
        queue: list[Released] = []
        held_off: list[tuple[Released, date]] = []
        for d, p, v, w in waiting:
            if w != debtor:
                continue
            cents, noted = freed.get(p, (0, d))
            part = min(v, cents)
            if v - part > 0:
                queue.append(("", p, v - part, d, None))
            if part > 0:
                held_off.append((("", p, part, d, None), max(noted, d)))
        steps = [(queue, None), *(([item], day) for item, day in held_off)]
        for items, due_by in steps:
            if not items:
                continue
            new: dict[str, tuple[LedgerEvent, ...]] = {}
            went, rest = _move_released(mine, new, items,
                                        rates, named, within, reason,
                                        due_only={""} if due_by else (), due_by=due_by)  # fmt: skip
            _add(current, events, new)
            mine = [current[r.number] for r in mine]
            for pid, lines in went.items():
                moved[pid] = moved.get(pid, ()) + lines
            for pid, cents in rest.items():
                left[pid] = left.get(pid, 0) + cents
    for pid, lines in done.moved.items():
        moved[pid] = lines + moved.get(pid, ())
    for pid, cents in done.left.items():
        left[pid] = cents + left.get(pid, 0)
    # a payment none of whose spare money a claim took did not move
    moved = {p: v for p, v in moved.items() if v or p in done.moved}
    return Release(events, moved, {p: v for p, v in left.items() if p in moved})


def _freed_by_credits(records: Sequence[ClaimRecord]) -> dict[str, tuple[Cents, date]]:
    """Per payment, the money credit notes freed from it (a full credit's reversals,
    :data:`CREDITED`; a partial note's restatements, :func:`replayed.freed_by_notes`) and the
    latest note's day: set-off of it is open against the claims due by then (law16b F2)."""
    from shared.domain.ledger.replayed import freed_by_notes  # replayed imports this module

    out = {p: (sum(v for v, _ in parts), max(d for _, d in parts))
           for p, parts in freed_by_notes(records).items()}  # fmt: skip
    for r in records:
        for e in r.events:
            if e.payment_id and e.kind is EventKind.REVERSAL and e.reason == CREDITED:
                cents, day = out.get(e.payment_id, (0, e.on))
                out[e.payment_id] = (cents + e.amount, max(day, e.on))
    return out


def restate_claims(
    records: Sequence[ClaimRecord],
    numbers: Sequence[str],
    rates: RateTable | None = None,
    first: dict[str, tuple[LedgerEvent, ...]] | None = None,
    named: Named | None = None,
    reason: str | None = None,
    since: date | None = None,
    gone: Collection[str] = (),
    replay_from: Mapping[str, date] | None = None,
    spare: Mapping[str, tuple[Cents, date, str]] | None = None,
    spare_anywhere: bool = False,
) -> Release:
    """Claims ``numbers`` (after the events ``first``) restated on their latest day to what
    their history gives under their terms as they are now: a payment that came back in full
    left out, the costs owed only if the (current) costs term says so, the interest at the
    ``rates`` now in force, the payments allocated again by 6:44 and their excess moved by
    6:43 (:mod:`restate`). Nothing for a claim whose figures do not change. ``reason``: see
    :func:`restate` (a rate table put in force); ``since``: only claims with a booking on or
    after that day (the first day a new rate table differs: nothing before depends on it).
    ``replay_from``: per claim, a day before its due date from which its history is derived
    again (a due date moved later: what was booked between the old and the new date rested
    on the old one); by default its due date (nothing before it depends on the terms).
    ``spare``: the debtor's money no claim holds, offered to the claims restated (with
    ``spare_anywhere`` to all his claims: a payment that came back reopens them) as
    :func:`_offer_spare` says; the claims then read as if every standing payment had been
    booked in the order received under the terms as they are now (docs/law.md)."""
    events: dict[str, tuple[LedgerEvent, ...]] = {}
    released: list[Released] = []
    current = {r.number: r for r in records}
    _add(current, events, first or {})
    if reason is not None and reason.startswith(LOWERING) and spare is not None:
        replayed = _replayed(list(current.values()), events, rates, named, reason, gone, spare)
        if replayed is not None:
            return replayed
    for number in numbers:
        if number not in current or not current[number].events:
            continue
        record = current[number]
        day = max(e.on for e in record.events)
        if since is not None and day < since:
            continue
        fig = open_claims(list(current.values()), day, rates)[number]
        fixings = fixing_events(record, fig, _next_seq(record))
        start = min(record.terms.due_date, (replay_from or {}).get(number, date.max))
        done = restate(list(current.values()), number, "", 0, start, day,
                       fixings, ORDER_6_44, rates, reason=reason, gone=gone)  # fmt: skip
        if len(done.events) == len(fixings):
            continue  # nothing depended on the payment beyond its own allocations
        _add(current, events, {number: done.events})
        released.extend(_released(number, done))
    moved, left = _move_released(records, events, released, rates, named)
    within = None if spare_anywhere else sorted(events)
    return _offer_spare(records, Release(events, moved, left), spare or {}, rates, named, gone,
                        within, reason)  # fmt: skip


def _replayed(
    records: Sequence[ClaimRecord],
    first: dict[str, tuple[LedgerEvent, ...]],
    rates: RateTable | None,
    named: Named | None,
    reason: str,
    gone: Collection[str],
    spare: Mapping[str, tuple[Cents, date, str]],
    also: Sequence[Standing] = (),
    spare_known: bool = True,
) -> Release | None:
    """The debtor's claims replayed from the final facts (:mod:`replayed`), after the events
    ``first``; None where they cannot be (another debtor's claims among them, facts other than
    payments): then they are restated claim by claim. ``also``: a payment no claim holds yet
    (one being booked again on the claims its payer named). Without ``spare_known`` (the
    caller does not know the payments' money no claim holds) a payment's amount is what the
    claims hold of it, which is its amount only where no money stands in for another's."""
    from shared.domain.ledger.replayed import replay_debtor, standing

    if len({r.terms.debtor_number for r in records}) != 1:
        return None
    if not spare_known and any(
        e.stands_in is not None and e.stands_in.payment_id != e.payment_id
        for r in records
        for e in r.events
    ):
        return None
    if any(d != records[0].terms.debtor_number for *_, d in spare.values()):
        return None
    mine = {p.payment_id for p in also}
    payments = [p for p in standing(records, spare, named, gone) if p.payment_id not in mine]
    payments.extend(also)
    booked = max([e.on for r in records for e in r.events])
    done = replay_debtor(records, payments, booked, reason, rates, named)
    if done is None:
        return None
    events = dict(first)
    current = {r.number: r for r in records}
    _add(current, events, done)
    moved: dict[str, tuple[AllocationLine, ...]] = {}
    left: dict[str, Cents] = {}
    for p in payments:
        touched = [e for n, new in done.items() for e in new if e.payment_id == p.payment_id]
        if not touched:
            continue
        lines: list[AllocationLine] = []
        for r in current.values():
            net: dict[Component, Cents] = {}
            for e in r.events:
                if e.payment_id == p.payment_id and e.kind in (EventKind.ALLOCATED,
                                                               EventKind.REVERSAL):  # fmt: skip
                    sign = 1 if e.kind is EventKind.ALLOCATED else -1
                    net[e.component] = net.get(e.component, 0) + sign * e.amount
            lines.extend(AllocationLine(r.number, c, v) for c, v in net.items() if v > 0)
        moved[p.payment_id] = tuple(lines)
        left[p.payment_id] = p.amount - sum(line.amount for line in lines)
    return Release(events, moved, left)


CREDITED = "credit: the invoice was not owed"


@dataclass(frozen=True)
class Release:
    """What crediting a claim did to the money on it: the new events per invoice, and per
    payment where its freed money went and what no claim took (an overpayment)."""

    events: dict[str, tuple[LedgerEvent, ...]]
    moved: dict[str, tuple[AllocationLine, ...]]
    left: dict[str, Cents]


def release_credited(
    records: Sequence[ClaimRecord],
    number: str,
    on: date,
    rates: RateTable | None = None,
    named: Named | None = None,
) -> Release:
    """The client credited invoice ``number``: it was not owed, and neither were the costs and
    interest charged for not paying it. Every payment's allocations on it are reversed (as a
    bank return is) and the freed money is allocated over the debtor's other claims on the day
    it was received: the others the payment named first (``named``; 6:43 lid 1), then by 6:43
    lid 2 those that were due that day (the part of the designation that named a debt that
    does not exist is none); what they do not take is an overpayment (law15c F4). Nothing when nothing is allocated on it any
    more (a credit handled twice moves the money once)."""
    found = [r for r in records if r.number == number]
    if not found:
        raise LedgerRuleError(
            f"no claim for invoice {number}", code="no_claim", params={"invoice": number}
        )
    current = {r.number: r for r in records}
    net: dict[str, Cents] = {}
    received: dict[str, date] = {}
    for e in found[0].events:
        if e.payment_id is None:
            continue
        if e.kind is EventKind.ALLOCATED:
            net[e.payment_id] = net.get(e.payment_id, 0) + e.amount
            day = received_day(e)  # a restated allocation: the day its money came in
            received[e.payment_id] = min(received.get(e.payment_id, day), day)
        elif e.kind is EventKind.REVERSAL:
            net[e.payment_id] = net.get(e.payment_id, 0) - e.amount
    events: dict[str, tuple[LedgerEvent, ...]] = {}
    moved: dict[str, tuple[AllocationLine, ...]] = {}
    left: dict[str, Cents] = {}
    for payment_id in sorted(net, key=lambda p: (received[p], p)):
        if net[payment_id] <= 0:
            continue
        undone = reverse([current[number]], payment_id, on, CREDITED)
        _add(current, events, undone)
        named_ = named(payment_id) if named else ()
        # (money the credit frees: to the claims named, then to those due when it was
        # received, else an overpayment; never a claim the debtor need not pay yet, law15c F4)
        # (or due on the credit's day: set-off is open from then, law16b F2)
        others = _again(current, {number}, named_, received[payment_id], rates,
                        due_only=max(on, received[payment_id]))  # fmt: skip
        new, lines, rest, _ = _spread(
            list(current.values()), others, payment_id, net[payment_id], received[payment_id],
            rates, named=named, due_by=max(on, received[payment_id]), designated=named_,
        )  # fmt: skip
        _add(current, events, new)
        moved[payment_id] = tuple(lines)
        left[payment_id] = rest
    return Release(events, moved, left)


def _add(
    current: dict[str, ClaimRecord],
    events: dict[str, tuple[LedgerEvent, ...]],
    new: dict[str, tuple[LedgerEvent, ...]],
) -> None:
    for n, more in new.items():
        record = current[n]
        current[n] = ClaimRecord(record.terms, record.events + more)
        events[n] = events.get(n, ()) + more


def waive(
    records: Sequence[ClaimRecord],
    number: str,
    component: Component,
    amount: Cents,
    on: date,
    reason: str,
    rates: RateTable | None = None,
    *,
    stop_interest: bool = False,
) -> tuple[LedgerEvent, ...]:
    """Let ``amount`` of the costs (with their VAT, pro rata) or of the interest go. Letting
    accrued interest go (kwijtschelding, 6:160 BW) is not giving up the interest still to
    come (6:119: owed for every day of default): only ``stop_interest``, the waiver's own
    explicit choice, stops further interest from its day (a final settlement), whatever the
    amount; waiving all that is open does not (law15c F2: 19.73 of 19.73 stopped it, 19.72
    did not)."""
    if component not in (Component.COSTS, Component.INTEREST):
        raise LedgerRuleError("only costs or interest can be waived", code="waive_what")
    if stop_interest and component is not Component.INTEREST:
        raise LedgerRuleError(
            "only a waiver of interest can stop further interest", code="waive_stop_interest_costs"
        )
    if amount <= 0:
        raise LedgerRuleError("the amount to waive must be positive", code="waive_positive")
    record, fig = _figures(records, number, on, rates)
    day = fig.on
    new = fixing_events(record, fig, _next_seq(record))
    seq = _next_seq(record) + len(new)
    if component is Component.INTEREST:
        if amount > fig.open.interest:
            raise LedgerRuleError(
                f"only {fig.open.interest} cents of interest are open on {day.isoformat()}",
                code="waive_more_interest",
                params={"amount": fig.open.interest, "day": day},
            )
        new.append(
            LedgerEvent(
                seq, EventKind.WAIVER, component, amount, day, reason=reason, final=stop_interest
            )
        )
        return tuple(new)
    open_costs = fig.open.costs + fig.open.costs_vat
    if amount > open_costs:
        raise LedgerRuleError(
            f"only {open_costs} cents of costs are open on {day.isoformat()}",
            code="waive_more_costs",
            params={"amount": open_costs, "day": day},
        )
    # what is left keeps VAT at 21 % of the costs left (Besluit BIK art. 2 lid 3; costs +
    # round_half_up(21 %), split back by vat_in) where such a split exists: 181.50 less 50.00
    # leaves 108.68 + 22.82, not 108.67 + 22.83 (law15 F3); never more VAT waived than is
    # open, nor more costs
    fitting = fig.open.costs_vat - vat_in(open_costs - amount)
    vat = min(max(fitting, amount - fig.open.costs, 0), fig.open.costs_vat, amount)
    for comp, part in ((Component.COSTS, amount - vat), (Component.COSTS_VAT, vat)):
        if part > 0:
            new.append(LedgerEvent(seq, EventKind.WAIVER, comp, part, day, reason=reason))
            seq += 1
    return tuple(new)


def write_off(
    records: Sequence[ClaimRecord],
    number: str,
    on: date,
    reason: str,
    rates: RateTable | None = None,
) -> tuple[LedgerEvent, ...]:
    """The claim is uncollectable: everything open is written off; interest stops."""
    record, fig = _figures(records, number, on, rates)
    if fig.open.total <= 0:
        raise LedgerRuleError(
            f"nothing is open on invoice {number}",
            code="nothing_open_invoice",
            params={"invoice": number},
        )
    new = fixing_events(record, fig, _next_seq(record))
    seq = _next_seq(record) + len(new)
    for component in ORDER_6_44:
        if fig.open.of(component) > 0:
            new.append(
                LedgerEvent(
                    seq, EventKind.WRITE_OFF, component, fig.open.of(component), fig.on,
                    reason=reason,
                )
            )  # fmt: skip
            seq += 1
    return tuple(new)


def _figures(
    records: Sequence[ClaimRecord], number: str, on: date, rates: RateTable | None
) -> tuple[ClaimRecord, ClaimFigures]:
    found = [r for r in records if r.number == number]
    if not found:
        raise LedgerRuleError(
            f"no claim for invoice {number}", code="no_claim", params={"invoice": number}
        )
    if found[0].terms.closed:
        raise LedgerRuleError(
            f"invoice {number} is closed", code="claim_closed", params={"invoice": number}
        )
    day = booking_day(records, on)
    return found[0], open_claims(records, day, rates)[number]


class CreditNoteConflict(LedgerRuleError):
    """The same credit note reference booked with another amount."""


def credit_note_on(record: ClaimRecord, reference: str) -> Cents | None:
    """What the claim credited under ``reference`` (None: not booked), compared exactly: the
    reference is the event's ``note`` (a prefix of the reason text took note ``X: Y`` for
    ``X`` whose reason starts ``Y: ``, attack5)."""
    found = [e.amount for e in _credit_notes(record, reference)]
    return sum(found) if found else None


# the kinds of a partial credit note (the API's ``kind``): a correction of the invoice (the
# part was never owed) or a discount from its day (6:160 BW)
NoteKind = Literal["correction", "discount"]
CORRECTION_NOTE: NoteKind = "correction"
DISCOUNT_NOTE: NoteKind = "discount"


def credit_note_kinds(events: Iterable[LedgerEvent]) -> dict[str, NoteKind]:
    """Per credit note reference booked among a claim's ``events``, its kind (a discount's
    reason starts :data:`~shared.domain.ledger.model.DISCOUNT`): what the invoice's notes
    say, since the invoice keeps only the reference and the amount."""
    out: dict[str, NoteKind] = {}
    for e in events:
        reference = _note_of(e) if e.kind is EventKind.CREDIT else None
        if reference is not None:
            out[reference] = DISCOUNT_NOTE if is_discount(e) else CORRECTION_NOTE
    return out


def credit_note_day(record: ClaimRecord, reference: str) -> date | None:
    """The day the claim booked credit note ``reference`` (None: not booked)."""
    return min((e.on for e in _credit_notes(record, reference)), default=None)


def _credit_notes(record: ClaimRecord, reference: str) -> list[LedgerEvent]:
    return [e for e in record.events if e.kind is EventKind.CREDIT and _note_of(e) == reference]


def _note_of(event: LedgerEvent) -> str | None:
    """The credit note a credit event books: its ``note``; an event written before the note
    had a field of its own (reason ``credit note of <day>: <reference>: <why>``) is read from
    the text up to the first ``": "``, which is exact for every reference without ``": "``."""
    if event.note is not None:
        return event.note
    reason = event.reason or ""
    if not reason.startswith(CREDIT_NOTE):
        return None
    rest = reason[len(CREDIT_NOTE) + 10 :]
    if not rest.startswith(": "):
        return None
    return rest[2:].split(": ", 1)[0]


def credit_part(
    records: Sequence[ClaimRecord],
    number: str,
    cents: Cents,
    on: date,
    reference: str,
    reason: str,
    rates: RateTable | None = None,
    named: Named | None = None,
    discount: bool = False,
) -> Release:
    """A credit note for part of invoice ``number``'s principal, dated ``on`` (docs/law.md, a
    partial credit note): the principal goes down on that day (the claim's latest day when
    it has later events); that part was never owed, so the interest on it is taken back from
    the first day and the collection costs follow the lower principal (restate.py: the claim
    replayed with the part off from its due date, the difference appended as corrections);
    money paid on the claim beyond what it now asks goes to the claims its payment named,
    then by 6:43 lid 2 to the debtor's claims that were due on the day it was received (the
    most burdensome, then the oldest first), the rest left unallocated: an overpayment, never
    a claim not yet due the debtor did not name (:func:`_move_released`, law15c F4).

    ``discount``: a remission agreed on ``on`` (kwijtschelding, art. 6:160 BW: a goodwill
    discount, a price reduction after delivery) instead of a correction of the invoice: the
    part comes off the principal from ``on`` itself (:data:`~shared.domain.ledger.model.DISCOUNT`),
    the interest owed on the full principal up to that day stays, and so do the collection
    costs fixed on the principal as it stood when they became owed (art. 6:96 lid 6 BW; law15c
    F1: 1,000.00 with 125.00 off on 1-6-2025 lost 2.47 of interest and 18.75 of costs). It
    lets go of what is owed, so it is at most the principal open that day (what the debtor
    paid is refunded, not discounted). Nothing when ``reference`` is booked already with this
    amount and kind; another amount or kind: refused."""
    found = [r for r in records if r.number == number]
    if not found:
        raise LedgerRuleError(
            f"no claim for invoice {number}", code="no_claim", params={"invoice": number}
        )
    record = found[0]
    if record.terms.closed:
        raise LedgerRuleError(
            f"invoice {number} is closed", code="claim_closed", params={"invoice": number}
        )
    booked = credit_note_on(record, reference)
    if booked is not None:
        if booked != cents:
            raise CreditNoteConflict(
                f"credit note {reference} was booked on {number} for {booked} cents",
                code="credit_note_other_amount",
                params={"reference": reference, "amount": booked},
            )
        kind = credit_note_kinds(record.events).get(reference, CORRECTION_NOTE)
        if kind != (DISCOUNT_NOTE if discount else CORRECTION_NOTE):
            # another kind is another note: kept silently, the repeat answered as booked while
            # the ledger kept the first kind (codereview16 F6: a discount reposted after a
            # correction left 1,023.51 where 1,044.73 is owed)
            raise LedgerRuleError(
                f"credit note {reference} was booked on {number} as a {kind}",
                code="credit_note_other_kind",
                params={"reference": reference, "note_kind": kind},
            )
        return Release({}, {}, {})
    day = claim_day(record, on)
    fig = open_claims(records, day, rates)[number]
    # the note may take more than is open (law5 #6): money the debtor paid beyond the lower
    # claim is released below and moved by 6:43, so the bound is the principal the claim
    # still asks (charged less earlier notes, waivers and write-offs), paid or not
    principal = (
        fig.charged.principal - fig.credited.principal - fig.waived.principal
        - fig.written_off.principal
    )  # fmt: skip
    if not 0 < cents < principal:
        raise LedgerRuleError(
            f"a partial credit must be above 0 and below the claim's principal ({principal}"
            " cents); credit the whole invoice instead",
            code="partial_credit_range",
            params={"amount": principal},
        )
    if discount:
        # what is open that day as the claim's history stands up to it: a payment received
        # before the discount and booked after it counts too (restate.py's received day)
        upto = [ClaimRecord(r.terms, tuple(e for e in r.events if received_day(e) <= on))
                for r in records]  # fmt: skip
        still = open_claims(upto, on, rates)[number].open.principal
        if cents > still:
            raise LedgerRuleError(
                f"a discount lets go of what is still owed: {still} cents of principal are open"
                f" on {on.isoformat()} (what the debtor paid is refunded, not discounted)",
                code="discount_above_open",
                params={"amount": still, "day": on},
            )
        # from its own day: the claim was owed in full until then
        start, prefix = on, DISCOUNT
    else:
        # the part was never owed: off the principal before anything happened on the claim,
        # a payment made before the due date included (else the ideal would put the note
        # after that payment and leave the claim overpaid instead of releasing the money)
        start = min([record.terms.due_date,
                     *(received_day(e) - timedelta(days=1) for e in record.events)])  # fmt: skip
        prefix = CREDIT_NOTE
    note = LedgerEvent(
        1, EventKind.CREDIT, Component.PRINCIPAL, cents, day,
        reason=f"{prefix}{start.isoformat()}: {reference}: {reason}", note=reference,
    )  # fmt: skip
    done = restate(records, number, "", 0, start, day,
                   fixing_events(record, fig, _next_seq(record)), ORDER_6_44, rates, note)  # fmt: skip
    events = {number: done.events}
    released = _released(number, done)
    # (the money the note frees from this claim: to the claims its payment named, then to the
    # claims due on the day it was received, else an overpayment; law15c F4)
    # (or due on the note's day: set-off is open from then, law16b F2)
    moved, left = _move_released(records, events, released, rates, named, due_only={number},
                                 due_by=day)  # fmt: skip
    return Release(events, moved, left)
