"""The claim's vocabulary: components, events, the terms a claim runs on, and its figures.

Every amount is a positive number of cents; the event's kind says which way it moves the
claim. The invoice is the source of the principal (its amount, and what the client's own books
say was paid); everything else the debtor owes is an event in the claim's stream.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction

from shared.domain.law.collection_costs import AgreedCosts
from shared.domain.money import Cents


class Component(StrEnum):
    PRINCIPAL = "principal"
    COSTS = "costs"
    COSTS_VAT = "costs_vat"
    INTEREST = "interest"


COMPONENTS = (Component.PRINCIPAL, Component.COSTS, Component.COSTS_VAT, Component.INTEREST)
# art. 6:44 lid 1 BW: costs first (the BIK and the VAT raised on them), then interest, then
# the principal
ORDER_6_44 = (Component.COSTS, Component.COSTS_VAT, Component.INTEREST, Component.PRINCIPAL)
# another order agreed with the creditor (art. 6:44 is default law; lid 2 lets the creditor
# refuse another order, so it may also accept one): a payment plan over the principal only
# is the client's agreement that the plan's payments pay off the principal first
PRINCIPAL_FIRST = (Component.PRINCIPAL, Component.COSTS, Component.COSTS_VAT, Component.INTEREST)


# the reason of a payment's allocation on a written-off claim (ledger31): the money recovers
# part of what was written off; the statements and the journal name it a recovery
RECOVERY = "recovery of a write-off"


class EventKind(StrEnum):
    CHARGED = "charged"  # costs or interest fixed at an amount (principal: the invoice)
    ALLOCATED = "payment_allocated"
    CREDIT = "credit"  # the client took the claim back (credit note, withdrawal)
    WAIVER = "waiver"  # staff let part of it go (a settlement for less)
    WRITE_OFF = "write_off"  # uncollectable
    REVERSAL = "reversal"  # a payment came back: undoes exactly one allocation
    # costs or interest taken back because a back-dated fact (a payment received before
    # events the claim already has, a partial credit note) makes them not owed: the stream
    # stays append-only and the claim's figures become what they would have been had the
    # fact been booked on its day (docs/law.md, back-dated payments); counted as credited
    CORRECTION = "correction"


def rate_lowering(event: LedgerEvent) -> bool:
    """An interest correction of a rate-table restatement (:data:`RATES_RESTATED`), of a
    restatement to a claim's changed terms (:data:`TERMS_RESTATED`) or to the debtor's
    standing (:data:`STANDING_RESTATED`)."""
    return (
        event.kind is EventKind.CORRECTION
        and event.component is Component.INTEREST
        and (event.reason or "").startswith(LOWERING)
    )


# the reason of the events a restatement appends (see restate.py): not a fixing, not a
# payment that came back
RESTATED = "restated: "
# the reason of an interest ``correction`` a rate-table restatement appends: interest fixed
# under the rates then in force that the table now in force does not give (a late half-year
# row lowering the rate; law9 F4). It lowers the fixed interest itself rather than crediting
# it (the accrual under the new table is what is owed), so it is no credit note for the debtor
RATES_RESTATED = RESTATED + "statutory rates "
# the same for a restatement to a claim's terms changed after money reached it (the due date
# moved, the debtor corrected to a consumer; law10 F2): interest is read from the terms as
# they are now, so what was fixed under the old ones and is no longer owed lowers the fixed
# interest; credited instead, it stayed the floor of the interest for good (max of fixed and
# accrued) and swallowed the interest accruing under the new terms
TERMS_RESTATED = RESTATED + "terms: "
# the same for the interest a bankruptcy or WSNP ruling stopped (art. 128 Fw): lowered, not
# credited, so a standing lifted as a mistake leaves the claim as if it was never set
# (codereview11 F2: a credited correction stayed the interest's floor, 1.09 lost for good)
STANDING_RESTATED = RESTATED + "standing: "
# the same for the restatement of the claims a payment that came back had paid (a storno,
# refund, chargeback): the later payments' money it moves counts from the day it first
# reached the claim, so the claim's own accrual gives the restated history's interest from
# then on; credited on the storno's day instead, with the moves counted from that day, the
# interest ran a cent or two per restatement apart from the final facts booked afresh, and a
# later restatement kept a charge on top that the accrual then counted again (restate13)
RETURN_RESTATED = RESTATED + "returned: "
# the same for a payment's designation corrected by hand (redesignation.py): the money was never
# on the claims it is taken off, so the accrual counts its reversal there from the day it first
# reached them; charged on top instead (the interest of the days before the correction), the
# charge stayed when the payment came back later, as the accrual then left the payment out
# altogether: F1's interest of those days charged twice (codereview13 #1, 1,003.40 for 1,003.29)
DESIGNATION_RESTATED = RESTATED + "designation corrected by hand"
# the reason of an allocation booked after the day its money came in: + ISO day received,
# and for a restatement whose interest correction lowers the fixed interest (:data:`LOWERING`)
# + " " + that restatement's reason: the claim's own accrual then counts the money from the
# day received, as the restated history does (a person's correction of a designation booked
# back-dated on the claim it names; credited on the booking day instead, the interest accrued
# after it was rounded apart from the final facts booked afresh: a cent, ledger14)
RECEIVED = "received "
# the reason of a partial credit note's ``credit`` of principal: + ISO day the credited part
# counts from + ": " + reference (booking.py writes it; restate.py reads the day, accrual.py
# tells the note's day's interest taken off by it: one constant, codereview15b F6)
CREDIT_NOTE = "credit note of "
# the reason of a discount's ``credit`` of principal (a partial credit note of the other kind:
# a remission agreed after the claim was owed, kwijtschelding art. 6:160 BW, from its own day):
# + ISO day it counts from (its own date) + ": " + reference. The interest owed on the full
# principal up to that day and the costs fixed on it stay (law15c F1); the replay carries it
# on its day (replayed.py). Same length as :data:`CREDIT_NOTE`, so the day sits at one place
DISCOUNT = "discount as of "
# a principal ``credit`` of a partial credit note of either kind
PARTIAL_CREDITS = (CREDIT_NOTE, DISCOUNT)
# the reason of an event that brings a discount to what it can let go: + ISO day of the
# discount + ": " + reference (the event's ``note``). A remission (6:160 BW) releases only what
# is still owed on its day, never a payment that discharged a debt owed when it was made (that
# money was not undue, 6:203). Where a payment received before the discount is booked after
# it (the bank statement came late), the final facts leave less principal open that day than
# the note: a ``charged`` of the principal takes that part of the discount back (booked as a
# refund instead, the same facts gave the debtor 110.37 back in one booking order and nothing
# in the other; law16b F3), a ``correction`` gives it back when a later fact (that payment
# came back) leaves more open again. The note's own ``credit`` keeps the note's amount
DISCOUNT_CAPPED = "discount capped as of "


def is_discount_cap(event: LedgerEvent) -> bool:
    """An event that takes part of a discount back or gives it back (:data:`DISCOUNT_CAPPED`)."""
    return (
        event.component is Component.PRINCIPAL
        and event.kind in (EventKind.CHARGED, EventKind.CORRECTION)
        and (event.reason or "").startswith(DISCOUNT_CAPPED)
    )


def discounted(events: Iterable[LedgerEvent]) -> dict[str, Cents]:
    """Per discount (its reference), what it lets go of the principal: its ``credit`` less
    what a :data:`DISCOUNT_CAPPED` event took back of it."""
    out: dict[str, Cents] = {}
    for e in events:
        if is_discount(e):
            out[e.note or ""] = out.get(e.note or "", 0) + e.amount
        elif is_discount_cap(e):
            sign = -1 if e.kind is EventKind.CHARGED else 1
            out[e.note or ""] = out.get(e.note or "", 0) + sign * e.amount
    return out


def cap_day(event: LedgerEvent) -> date | None:
    """The day of the discount a :data:`DISCOUNT_CAPPED` event changes (None: another event)."""
    if not is_discount_cap(event):
        return None
    reason = event.reason or ""
    return date.fromisoformat(reason[len(DISCOUNT_CAPPED) : len(DISCOUNT_CAPPED) + 10])


def discount_days(events: Iterable[LedgerEvent]) -> dict[str, date]:
    """Per discount (its reference) the day it counts from."""
    return {e.note or "": day for e in events if is_discount(e) and (day := credit_day(e))}


def discount_cap(note: str, day: date, cents: Cents, on: date, seq: int = 0) -> LedgerEvent | None:
    """The event that changes discount ``note`` of ``day`` by ``cents`` (less: taken back, a
    ``charged``; more: given back, a ``correction``), booked on ``on``; None for 0."""
    if not cents:
        return None
    kind = EventKind.CORRECTION if cents > 0 else EventKind.CHARGED
    return LedgerEvent(seq, kind, Component.PRINCIPAL, abs(cents), on,
                       reason=f"{DISCOUNT_CAPPED}{day.isoformat()}: {note}", note=note)  # fmt: skip


def credit_day(event: LedgerEvent) -> date | None:
    """The day a partial credit note's part counts from (its reason's day: the claim's first
    day for a correction, its own day for a discount); None for any other event."""
    reason = event.reason or ""
    if event.kind is not EventKind.CREDIT or not reason.startswith(PARTIAL_CREDITS):
        return None
    prefix = CREDIT_NOTE if reason.startswith(CREDIT_NOTE) else DISCOUNT
    return date.fromisoformat(reason[len(prefix) : len(prefix) + 10])


def is_discount(event: LedgerEvent) -> bool:
    """A discount from its day (:data:`DISCOUNT`), not a correction of the invoice."""
    return event.kind is EventKind.CREDIT and (event.reason or "").startswith(DISCOUNT)


# the reason of the moves of a debtor's claims replayed from the final facts (replayed.py): +
# ISO day the money counts from in the claim's own accrual + ": " + the restatement's reason
REPLAYED = RESTATED + "replayed from "
# the reason of the interest a replay credits (a ``correction``) or charges on top (``charged``)
# so that what the claim's own accrual reads less what is credited is the replay's: + the
# restatement's reason (ledger15: a back-dated payment's claim-by-claim restatement had credited
# interest on the history then standing; a later return left it credited)
CREDITED_REPLAYED = RESTATED + "interest credited as replayed: "
# the reason of a payment booked after later ones over claims that share money pro rata
# (6:43 lid 2, the same age): + payment id + " received " + ISO day received. The debtor's
# claims are replayed from the final facts (replayed.py); restated claim by claim instead, a
# tier whose one claim had later events and the other not split the money on two days'
# figures: 0.33 of F0's principal paid for 0.36 booked in received order (ledger14b)
BACKDATED_REPLAYED = RESTATED + "booked after later payments: "
# the restatements whose interest correction lowers the fixed interest: the claim's own
# accrual must then give what the restated history gives (accrual.py counts their moves of a
# payment's money from the day it first reached the claim)
LOWERING = (
    RATES_RESTATED, TERMS_RESTATED, STANDING_RESTATED, RETURN_RESTATED, DESIGNATION_RESTATED,
    BACKDATED_REPLAYED,
)  # fmt: skip


class InterestRule(StrEnum):
    CONSUMER = "6:119"
    COMMERCIAL = "6:119a"
    CONTRACTUAL = "contractual"  # an agreed rate, or the statutory one where that is higher
    NONE = "none"  # the client does not charge interest


@dataclass(frozen=True)
class StandIn:
    """Money a later payment keeps on a claim in the place of an earlier one (restate.py):
    which payment it stands in for, and the day that payment was received, from which the
    money counts in every replay (interest, the costs term, a further restatement)."""

    payment_id: str
    received: date


@dataclass(frozen=True)
class LedgerEvent:
    seq: int  # order within the claim's stream
    kind: EventKind
    component: Component
    amount: Cents
    on: date  # the day it takes effect (a payment: the day the money was received)
    payment_id: str | None = None
    reason: str | None = None
    final: bool = False  # a waiver of all open interest: no interest accrues after it
    # a partial credit note's own number, kept apart from the free text of ``reason`` so that
    # it is compared exactly (a reference may itself hold ": ")
    note: str | None = None
    # an allocation or reversal of money that stands in for an earlier payment's (events
    # stored before restate10 have none: their money counts from its own day, as then)
    stands_in: StandIn | None = None

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError(f"ledger event amounts are positive cents, got {self.amount}")


@dataclass(frozen=True)
class ClaimTerms:
    """What a claim runs on, from the invoice, the debtor, the client and the import."""

    invoice_number: str
    debtor_number: str
    due_date: date
    principal: Cents  # the invoice amount
    # paid to the client before the hand-over (its books; money it received since is a
    # payment booked like any other: shared/domain/ledger/client_sync.py)
    principal_settled_elsewhere: Cents = 0
    closed: bool = False  # credited or withdrawn: nothing is owed any more
    consumer: bool = True
    # the debtor contests the claim: money he did not designate to it is not put on it (6:43
    # lets him choose; set-off against a contested debt can be refused, 6:136 BW)
    disputed: bool = False
    # a natural obligation (a clean slate or akkoord left it, art. 6:3 BW): it takes only money
    # paid for it; 6:43 lid 2 puts the rest on the enforceable debts only (codereview13 #3)
    natural: bool = False
    costs_owed_from: date | None = None  # None: no costs (not owed, or the client bears them)
    costs_vat: bool = False  # the client cannot deduct VAT (Besluit BIK art. 2 lid 3)
    costs_minimum_base: Cents = 0  # below this summed principal the client charges no costs
    # a business debtor: the costs the client's terms agree (None: the staffel); never set
    # for a consumer (6:96 lid 5 BW)
    agreed_costs: AgreedCosts | None = None
    interest_from: date | None = None  # first day of interest; None: no interest
    interest_rule: InterestRule = InterestRule.CONSUMER
    contractual_rate: Fraction | None = None  # per year, 0.08 for 8%
    # the day the agreement was concluded: ECB + 7 (before 16-3-2013) or + 8 under 6:119a;
    # None: the first interest day (the latest it can have been)
    contract_date: date | None = None
    # days no interest accrues, [from, until) (until None: still running): a payment plan over
    # the whole claim freezes interest while it is kept ("rente bevroren tijdens de regeling")
    interest_paused: tuple[tuple[date, date | None], ...] = ()
    # days a plan over the principal only held the claim, [from, until) (until None: it runs
    # or was kept): money received on them goes on the principal first, also when a later
    # fact (a return of an earlier payment) allocates it again (law16 F4; PRINCIPAL_FIRST)
    principal_first: tuple[tuple[date, date | None], ...] = ()
    # this claim's part of each installment of the plans over the principal that held it: (the
    # plan's first day, as in ``principal_first``; the installment's due day; cents), as the
    # plan's payments fill its claims. A plan defers only the parts not yet due: a part due and
    # unpaid is open to set-off (6:127 lid 2 BW; law17b F2). None of a plan's: it defers the
    # whole principal
    plan_installments: tuple[tuple[date, date, Cents], ...] = ()
    # the day the costs of the notice this claim was demanded in became owed, when an
    # arrangement on this claim alone (a promise, a pause, a plan that lapsed) moved its own
    # ``costs_owed_from``: the claim stays in that one notice (one WIK amount over all its
    # claims, law6 finding 1); None: ``costs_owed_from`` is the notice's day
    notice_from: date | None = None
    # the claim's share of its notice is not claimed (a held business letter confirmed after
    # the consumer paid this claim in full as told, :mod:`kind_letter`): it counts in the
    # notice's base with what was open when the notice's costs became owed (``notice_from``)
    share_forgone: bool = False
    # written off as uncollectable (the invoice's ``written_off_on``, or a withdrawn claim
    # whose stream holds a write-off): withdrawn from collection, yet the debt stands (a
    # write-off is the creditor's own booking, no waiver), so money paid for it still pays
    # it, costs, interest, principal (6:44), and undesignated money reaches it after every
    # claim still in collection (ledger31; :func:`~shared.domain.ledger.booking.allocate`)
    written_off: bool = False


@dataclass(frozen=True)
class Amounts:
    principal: Cents = 0
    costs: Cents = 0
    costs_vat: Cents = 0
    interest: Cents = 0

    def of(self, component: Component) -> Cents:
        return int(getattr(self, component.value))

    @property
    def total(self) -> Cents:
        return self.principal + self.costs + self.costs_vat + self.interest

    def plus(self, other: Amounts) -> Amounts:
        return Amounts(*(self.of(c) + other.of(c) for c in COMPONENTS))

    @staticmethod
    def from_map(values: dict[Component, Cents]) -> Amounts:
        return Amounts(*(values.get(c, 0) for c in COMPONENTS))


@dataclass(frozen=True)
class ClaimFigures:
    """A claim on one day: what was charged, paid, waived, written off and credited per
    component, and what is open. ``charged`` includes interest accrued up to that day."""

    invoice_number: str
    debtor_number: str
    on: date
    due_date: date
    charged: Amounts
    paid: Amounts
    waived: Amounts
    written_off: Amounts
    credited: Amounts
    open: Amounts
    costs_owed_from: date | None
    interest_from: date | None
    interest_rule: InterestRule
    costs_fixed: bool  # the costs are an event already (not a computation any more)
    payments: tuple[str, ...] = field(default=())  # ids of payments allocated and not reversed
    # why a figure may be less than the law gives (days without a known statutory rate)
    warnings: tuple[str, ...] = field(default=())
    contract_date: date | None = None  # what the commercial margin went by
    # the part of ``credited.principal`` the debtor paid the client before the claim was
    # handed over (the client's own receipts, imported as paid): off the claim like a credit,
    # but to be named as a payment, never as a credit note
    paid_before_handover: Cents = 0
    # the claim is written off (its ``written_off`` marker): statements name it so
    is_written_off: bool = False
    # of what was written off, what money received since paid after all (a recovery; counted
    # in ``paid``, no longer in ``written_off``): the client's share and the VAT on the costs
    # follow the money, as for any payment
    recovered: Amounts = field(default_factory=Amounts)
