"""The arithmetic of one settlement statement, in integer cents.

A payment's contribution is fixed when a settlement claims it (:func:`contribution`): its
lines per invoice and component, who receives each, and the agency's commission on the
client's part. A payment that came back after it was paid out is carried into the next
statement as the same lines and commission with the opposite sign.

Rounding, on purpose, once per statement as the rest of the ledger rounds (newcomer19 F7):
- each payment's commission is kept exact (``commission_e4``: the rate on its client part, in
  ten-thousandths of a cent); the statement's commission is their sum rounded half-up once
  (away from zero: a credit rounds symmetrically), so with one rate (and no rest carried in,
  below) it is the rate on ``to_client``, as a client checks the PDF: 10 % of 857.04 is 85.70 (rounded per payment,
  9.04 + 50.00 + 26.67, it read 85.71). A reversal or correction gives back the exact
  commission of what moved; rows stored before kept only the payment's own rounded figure,
  which is then what it was charged and what it gives back;
- what the commission's rounding leaves over (under half a cent, either way) is carried to
  the client's next statement (``commission_rest_e4``) and rounded with it, so the statements
  together charge the agreed rate on all they settled, rounded once (lawyer20 L6: 12
  statements of 12.25 at 10 % charged 12 x 1.23 = 14.76 where 10 % of 147.00 is 14.70); a
  statement is then the rate on its own client part within a cent;
- VAT on the fee is computed once per statement on the net fee of the statement (the rounded
  commission shown, plus what else is the fee), rounded half-up, and nothing carried: the
  statement is the agency's invoice for its fee, and an invoice's VAT is the rate on its own
  taxable amount (art. 35a Wet OB 1968), so 12 x 0.26 = 3.12 on those 14.70 (settle21).

VAT on the costs the agency keeps (``vat_on_costs_kept``, the agreement's default): the
costs are part of the agency's fee, so ``fee_vat`` is the VAT on commission plus kept costs.
For a client that cannot deduct VAT the debtor paid that VAT already (``costs_vat``, kept by
the agency): it is shown as part of ``fee_vat`` (``fee_vat_from_debtor``), not in
``to_agency``, and only the rest is taken from the payout, so it is never counted twice.
The statutory interest the agency keeps (``vat_on_interest_kept``, the agreement's default) is
its fee in the same way: ``fee_vat`` is on it too (law17 S2; no VAT on it came from the debtor).

Money the ledger moves after it was settled (a credit note sends it to other invoices, a
ledger correction re-allocates it) comes back as correction lines: per invoice and component,
what the ledger now says the payment paid minus what earlier statements settled for it
(:mod:`shared.domain.settlement.restate`); ``corrected`` sums them, ``reversed`` the payments
that came back.

Money the client received itself (:class:`~shared.domain.records.Receiver`: a statement of its
own account, its own Mollie, a plan's direct debit into its own account) is settled like money
on the third-party account (the same lines, recipients and commission), but it is not paid
out again: the client has it. ``received_direct`` is what debtors paid the client itself,
apart from ``received`` (what reached the third-party account); ``kept_by_client`` is all that
such payments settle in the statement (their corrections and reversals too), deducted from
the net. So the client owes the agency, from money it holds, its commission, the VAT on the fee
and the components the agreement gives the agency; that is set off against the payout of the
third-party money, and what is left over is a negative net, carried forward and claimed back.
The client ends with the same money whichever account the debtor paid into.

Bank charges (``bank_charges``): what the bank of the third-party account kept of a debtor's
payment booked less its charges. The debtor is credited what he sent (``received`` holds it),
but less arrived: the agreement says who bears the difference (``bank_charges_by``). Borne by
the agency (the default), the payout is as without charges and the agency's share is that much
smaller in fact; borne by the client, it comes off the net as a line of its own
(``bank_charges_to_client``; no commission on it, fee VAT on it where the agreement says,
``vat_on_bank_charges``). The statement shows both, so what arrived = payout + commission + fee
VAT + agency share - charges the agency bears. A payment that comes back undoes its line of
charges with it (its claim reopens whole), so over credits and returns the money in is paid
out, the agency's, or the charges the agency bears, and nothing is left owned by no one.

And always: received + received direct + reversed + corrected + carried in + repaid == agency
share + commission + fee VAT + kept by the client + bank charges to the client + payout +
carried out. A negative net is
never transferred: it is carried to the next statement (set off against the next payout), and
staff are asked to claim it back; what the client repays by bank transfer
(:mod:`shared.domain.settlement.repayment`) comes into its next statement as ``repaid``, which
meets the negative balance carried in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction

from shared.domain.money import Cents, round_half_up
from shared.domain.records import Payment, Receiver
from shared.domain.settlement.agreement import BASIS_POINTS, Recipient, SettlementAgreement

REVERSED = "reversed"  # the reason of a correction for a payment that came back
E4 = 10_000  # an exact commission is kept in ten-thousandths of a cent
# the figures that are the rounding's rests, in ten-thousandths of a cent: no money of their own
EXACT_RESTS = ("commission_rest_in_e4", "commission_rest_e4")


def came_back(x: SettlementLine) -> bool:
    """A correction line of a payment that came back (stored before reasons: no reason)."""
    return x.reversal and x.reason in ("", REVERSED)


@dataclass(frozen=True)
class SettlementLine:
    payment_id: str
    received_on: date
    invoice_number: str
    component: str
    amount: Cents  # negative on a reversal carried into a later statement
    recipient: Recipient
    reversal: bool = False  # a correction of money settled before (see ``reason``)
    # why a correction line is there (:class:`~shared.domain.settlement.restate.Reason`);
    # empty on a payment settled for the first time, and on reversals stored before reasons
    reason: str = ""
    # where the payment's money arrived: the client's own money is settled, not paid out
    received_by: Receiver = Receiver.THIRD_PARTY

    @property
    def direct(self) -> bool:
        """Money the client received itself."""
        return self.received_by is Receiver.CLIENT


@dataclass(frozen=True)
class Contribution:
    """What one payment brings into a settlement (or takes back, when ``reversal``)."""

    payment_id: str
    received_on: date
    debtor_number: str | None
    lines: tuple[SettlementLine, ...]
    commission: Cents
    received_by: Receiver = Receiver.THIRD_PARTY  # the payment's, on each of its lines too
    # what the bank of the third-party account kept of the payment (the debtor paid the
    # gross, settled in ``lines``; this much less arrived); 0 on money the client received
    # itself (its own bank's charges are its own) and on corrections; negative on a reversal
    bank_charges: Cents = 0
    # a correction is priced by the terms the payment was first settled under (law17 S1):
    # whether the costs and the interest the agency kept were part of its fee then (VAT on
    # them). None: as the statement's own setting (a payment settled for the first time,
    # older rows)
    vat_on_costs_kept: bool | None = None
    vat_on_interest_kept: bool | None = None
    # the exact commission in ten-thousandths of a cent (client part x basis points): the
    # statement sums these and rounds once; ``commission`` is it rounded for this payment
    # alone (what rows stored before held, and all they hold: None)
    commission_e4: int | None = None

    @property
    def exact_commission(self) -> Fraction:
        if self.commission_e4 is None:
            return Fraction(self.commission)
        return Fraction(self.commission_e4, E4)

    def negated(self) -> Contribution:
        return Contribution(
            self.payment_id,
            self.received_on,
            self.debtor_number,
            tuple(
                replace(x, amount=-x.amount, reversal=True, reason=x.reason or REVERSED)
                for x in self.lines
            ),
            -self.commission,
            self.received_by,
            # the payment did not stand: its claim reopens whole (the debtor's again, what he
            # sent less what came back is between him and the bank) and the line of charges
            # set off when it was settled is undone with it, whoever bore them (failure11b B2,
            # law11b F3: kept, the 12.50 stayed on the third-party account owned by no one)
            -self.bank_charges,
            self.vat_on_costs_kept,
            self.vat_on_interest_kept,
            None if self.commission_e4 is None else -self.commission_e4,
        )


def in_e4(commission: Fraction) -> int:
    """An exact commission in ten-thousandths of a cent (every rate in basis points on whole
    cents is one)."""
    scaled = commission * E4
    assert scaled.denominator == 1, commission
    return scaled.numerator


def with_charges_moved(
    fix: Contribution, now: Contribution | None, settled: Sequence[Contribution]
) -> Contribution:
    """A payment's correction with the bank's charges it moves: all of those settled when the
    payment came back (``now`` None; its claim reopens whole, so the line of charges set off
    goes with it, whoever bore them: failure11b B2), none while it stands."""
    had = sum(c.bank_charges for c in settled)
    return replace(fix, bank_charges=(now.bank_charges if now is not None else 0) - had)


def contribution(payment: Payment, agreement: SettlementAgreement) -> Contribution:
    """The lines of a booked payment and the commission on the client's part of it.

    Only what was allocated to a claim is settled: an unallocated remainder (overpayment)
    stays on the third-party account until staff refund or book it (or with the client, whose
    own account it reached). Money the client received itself is settled the same way and
    marked so (``received_by``): :func:`totals` does not pay it out.
    """
    lines = tuple(
        SettlementLine(
            payment.payment_id,
            payment.received_on,
            a.invoice_number,
            a.component,
            a.amount,
            agreement.recipient(a.component),
            received_by=payment.received_by,
        )
        for a in payment.allocations
        if a.amount != 0
    )
    client_part = sum(x.amount for x in lines if x.recipient is Recipient.CLIENT)
    # the client's own money carries the commission only where the agreement says (settle28)
    charged = payment.received_by is Receiver.THIRD_PARTY or agreement.commission_on_direct
    exact = (
        Fraction(client_part * agreement.commission_bp, BASIS_POINTS) if charged else Fraction(0)
    )
    charges = payment.bank_charges if payment.received_by is Receiver.THIRD_PARTY else 0
    return Contribution(
        payment.payment_id, payment.received_on, payment.debtor_number, lines,
        round_half_up(exact), payment.received_by, max(charges, 0) if lines else 0,
        commission_e4=in_e4(exact),
    )  # fmt: skip


@dataclass(frozen=True)
class StatementTotals:
    received: Cents  # collected on the third-party account since the last statement
    reversed: Cents  # taken back: payments reversed after they were paid out (<= 0)
    to_agency: Cents  # components the agreement gives the agency
    to_client: Cents  # components the agreement gives the client, before the fee
    commission: Cents
    fee_vat: Cents
    carried_in: Cents  # a negative net of the previous statement (<= 0)
    net: Cents
    payout: Cents  # what is transferred (>= 0)
    carried_out: Cents  # what the next statement starts with (<= 0)
    # the part of fee_vat the debtors paid as costs_vat (kept by the agency): not in to_agency,
    # not taken from the payout
    fee_vat_from_debtor: Cents = 0
    # money settled before that the ledger has since moved to other invoices or components
    # (a credit note, a ledger correction): what it adds or takes back (either sign)
    corrected: Cents = 0
    # what the client repaid by bank transfer of a negative balance (>= 0): no commission,
    # no VAT; it meets the negative balance carried in (statements before it read 0)
    repaid: Cents = 0
    # what debtors paid the client itself since the last statement (its own account, its own
    # Mollie, a plan's direct debit): settled, in to_client and to_agency, never paid out
    received_direct: Cents = 0
    # what the statement's lines of money the client received itself add up to (received_direct
    # with their corrections and reversals, either sign): the client holds it, so it comes off
    # the net; statements before it read 0
    kept_by_client: Cents = 0
    # what the bank of the third-party account kept of this statement's payments as its
    # charges, less those of payments that came back (undone with them): ``received`` is what
    # the debtors paid, this much less arrived
    bank_charges: Cents = 0
    # the part of bank_charges the agreement has the client bear: set off against the payout
    # (no commission; the fee VAT on it where ``vat_on_bank_charges``); the rest the agency bears
    bank_charges_to_client: Cents = 0
    # the exact part of a cent, in ten-thousandths of a cent, that the rounding of the client's
    # commission left uncharged (+) or charged ahead (-): taken in from the client's statement
    # before (``commission_rest_in_e4``) and carried to the next (``commission_rest_e4``), so
    # over any number of statements the commission is the rate on the total, rounded once
    # (lawyer20 L6); statements before it read 0. The fee VAT carries nothing (an invoice's
    # VAT is the rate on its own fee: art. 35a Wet OB 1968)
    commission_rest_in_e4: int = 0
    commission_rest_e4: int = 0
    # payments received before the agreement started (:mod:`.before_agreement`), listed once
    # on the statement but not settled: on the third-party account, and received by the client
    # itself. Shown, not added: outside the balance, as they are outside the settlement;
    # statements before it read 0
    before_agreement: Cents = 0
    before_agreement_direct: Cents = 0

    @property
    def balanced(self) -> bool:
        return (
            self.received
            + self.received_direct
            + self.reversed
            + self.corrected
            + self.carried_in
            + self.repaid
            == self.to_agency
            + self.commission
            + self.fee_vat
            + self.kept_by_client
            + self.bank_charges_to_client
            + self.payout
            + self.carried_out
        )

    @property
    def bank_charges_by_agency(self) -> Cents:
        """The bank's charges the agency bears out of its own share."""
        return self.bank_charges - self.bank_charges_to_client

    @property
    def arrived(self) -> Cents:
        """What reached the third-party account of what this statement settles for the first
        time: ``received`` less the bank's charges. With the agency's bearing of the rest,
        ``arrived + bank_charges_by_agency == to_agency + commission + fee_vat + payout``
        when nothing else (reversals, corrections, balances) moves: the money in is paid out,
        kept as the agency's fee, or the bank's."""
        return self.received - self.bank_charges


def totals(
    contributions: Sequence[Contribution],
    *,
    fee_vat_bp: int,
    carried_in: Cents,
    vat_on_costs_kept: bool = False,
    repaid: Cents = 0,
    vat_on_interest_kept: bool = False,
    bank_charges_by: Recipient = Recipient.AGENCY,
    vat_on_bank_charges: bool = False,
    commission_rest_in_e4: int = 0,
) -> StatementTotals:
    """The statement's figures from what it settles (new payments and reversals).

    ``vat_on_costs_kept``: the costs the agency keeps are part of its fee (VAT on them too);
    settlements made before the agreement said so are recomputed without it.
    ``vat_on_interest_kept``: so is the interest the agency keeps (law17 S2). ``repaid``: what
    the client repaid of a negative balance since (added to the net as it is: the client's
    own money coming back, no fee on it; more than it owed is paid out again). Lines of money
    the client received itself count as any other for the fee and the split, and what they
    add up to (``kept_by_client``) comes off the net: the client has it already.
    ``bank_charges_by``: who bears what the third-party account's bank kept of the payments
    (``bank_charges``): the client's part comes off the net as a line of its own.
    ``vat_on_bank_charges``: that part is the agency's recharge of its own account's costs,
    part of its taxable fee (art. 8 lid 5 Wet OB 1968): the fee VAT is on it too.
    ``commission_rest_in_e4``: what the rounding of the client's commission on the statement
    before left over (its ``commission_rest_e4``): the statement charges its own exact
    commission plus that, rounded once (:func:`carried_rounding`). The fee VAT is the rate on
    this statement's fee, rounded, whatever the statements before charged: the statement is
    the agency's invoice for that fee (art. 35a Wet OB 1968)."""
    if carried_in > 0:
        raise ValueError("only a negative balance is carried forward")
    if repaid < 0:
        raise ValueError("a repayment is never negative")
    lines = [x for c in contributions for x in c.lines]
    received = sum(x.amount for x in lines if not x.reversal and not x.direct)
    received_direct = sum(x.amount for x in lines if not x.reversal and x.direct)
    kept_by_client = sum(x.amount for x in lines if x.direct)
    reversed_ = sum(x.amount for x in lines if came_back(x))
    corrected = sum(x.amount for x in lines if x.reversal and not came_back(x))
    to_agency = _sum_for(lines, Recipient.AGENCY)
    to_client = _sum_for(lines, Recipient.CLIENT)
    commission, commission_rest = carried_rounding(
        sum((c.exact_commission for c in contributions), Fraction(0)), commission_rest_in_e4
    )
    fee = commission
    from_debtor = 0
    for c in contributions:
        # each contribution by the terms it was priced with: a correction by those the payment
        # was first settled under (law17 S1b: costs moved off a payment settled with VAT on
        # them give that VAT back, whatever the agreement says now), the rest by this statement's
        if _own(c.vat_on_costs_kept, vat_on_costs_kept):
            fee += _kept(c.lines, "costs")
            # the VAT the debtor paid on those costs is the VAT on that part of the fee (also
            # when it comes in a later statement than the costs: the client is credited it)
            from_debtor += _kept(c.lines, "costs_vat")
        if _own(c.vat_on_interest_kept, vat_on_interest_kept):
            fee += _kept(c.lines, "interest")  # the interest it keeps: its fee too (law17 S2)
    charges = sum(c.bank_charges for c in contributions)
    to_client_charges = charges if bank_charges_by is Recipient.CLIENT else 0
    if vat_on_bank_charges:
        fee += to_client_charges
    fee_vat = round_half_up(Fraction(fee * fee_vat_bp, BASIS_POINTS))
    to_agency -= from_debtor
    net = (
        to_client - commission - (fee_vat - from_debtor) + carried_in + repaid - kept_by_client
        - to_client_charges
    )  # fmt: skip
    payout = max(net, 0)
    return StatementTotals(
        received=received,
        reversed=reversed_,
        to_agency=to_agency,
        to_client=to_client,
        commission=commission,
        fee_vat=fee_vat,
        carried_in=carried_in,
        net=net,
        payout=payout,
        carried_out=net - payout,
        fee_vat_from_debtor=from_debtor,
        corrected=corrected,
        repaid=repaid,
        received_direct=received_direct,
        kept_by_client=kept_by_client,
        bank_charges=charges,
        bank_charges_to_client=to_client_charges,
        commission_rest_in_e4=commission_rest_in_e4,
        commission_rest_e4=commission_rest,
    )


def carried_rounding(exact: Fraction, rest_in_e4: int) -> tuple[Cents, int]:
    """A statement's exact commission in cents, with what the client's statements before left
    over, rounded half-up once, and what this leaves over in turn (at most half a cent either
    way). Charged so, the statements together charge their exact sum rounded once:
    12 statements of 12.25 at 10 % charge 14.70, not 12 x 1.23 = 14.76 (lawyer20 L6). A
    statement that charges none of its own (a repayment alone, a 0 % rate) carries the rest on
    untouched: it charges no cent for nothing."""
    if exact == 0:
        return 0, rest_in_e4
    due = exact + Fraction(rest_in_e4, E4)
    charged = round_half_up(due)
    return charged, in_e4(due - charged)


def _own(setting: bool | None, statement: bool) -> bool:
    """A contribution's own setting where it has one, else the statement's."""
    return statement if setting is None else setting


def _kept(lines: Iterable[SettlementLine], component: str) -> Cents:
    return sum(
        x.amount for x in lines if x.component == component and x.recipient is Recipient.AGENCY
    )


def _sum_for(lines: Iterable[SettlementLine], recipient: Recipient) -> Cents:
    return sum(x.amount for x in lines if x.recipient is recipient)
