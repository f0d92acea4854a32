"""A debtor's standing: whether he can still be dunned himself.

A debtor who died, was declared bankrupt (faillissement) or admitted to the statutory debt
scheme (WSNP) is not asked to pay by the workflow any more:

- ``deceased``: the debt passes to the estate (4:182 BW); the heirs have a term to choose
  (4:185, 4:190) in which their own goods are out of reach (4:186 lid 2), and a letter to the
  dead man does not reach a debtor (3:37 lid 3): no 14-day letter, no costs term rests on it.
  Letters go to the estate or the heirs, by a person. Interest runs on (the estate owes it).
- ``bankrupt``: claims are filed with the curator (art. 26, 110 Fw); no collection against the
  debtor; interest running after the declaration is not admitted (art. 128 Fw), so it stops
  from the day of the ruling (it takes effect from 00:00 that day, art. 23 Fw).
- ``wsnp``: claims of before the ruling are settled in the scheme (art. 299, 358 Fw); no
  collection; interest stops from the ruling as in bankruptcy (art. 128 via art. 299 lid 1).

Only the claims that existed on the ruling's day are in it (art. 24 Fw: the estate is not
liable for a debt arising after the declaration; art. 299 lid 1 Fw: the scheme covers the
claims existing at its start): a later claim keeps its interest and is not filed.

A standing is set by staff with the day it took effect, or proposed by the bank (a direct
debit returned MD07, "debtor deceased"): a proposal holds as a confirmed standing does until
a person confirms or lifts it. Lifting keeps the record (``lifted_on``) so the dunning that
resumes is paced from that day instead of sending the steps that fell in between at once.

A lift says why (:class:`LiftReason`). Only a mistake undoes the standing as if never set.
A ruling that ended leaves its claims as the ruling made them: an akkoord (art. 157, 160 Fw;
art. 340 Fw) binds the creditors to its percentage, a clean slate (schone lei, art. 358 lid 1
Fw) makes what is left a natural obligation (nothing may be collected, art. 6:3 BW), and a
bankruptcy or WSNP that ended otherwise (no assets, art. 16 Fw; the final distribution, art.
195 Fw; a WSNP ended without a clean slate) gives the creditors back their right to what the
distribution left unpaid. Either way the interest stays stopped for the ruling's period and the
claims of the ruling are not dunned until staff booked what the ruling paid
(:func:`held_after_ruling`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.domain.invoices import Invoice
    from shared.domain.parties import Debtor


class Standing(StrEnum):
    NORMAL = "normal"
    DECEASED = "deceased"
    BANKRUPT = "bankrupt"
    WSNP = "wsnp"


# an insolvency ruling: the claim is fixed at the ruling, no interest after it (art. 128 Fw)
INSOLVENT = frozenset({Standing.BANKRUPT, Standing.WSNP})

# the ref under which a standing's interest stop and costs hold sit on a claim's header
STANDING_REF = "standing"
# the ref of those of a ruling that ended before the standing now recorded (``ended``)
ENDED_RULING_REF = "standing-ended-ruling"

# the reason a payment plan paused for its debtor's standing carries
STANDING_PAUSE = "debtor's standing: "


class LiftReason(StrEnum):
    """Why a standing was lifted."""

    MISTAKE = "mistake"  # it was never so: as if never set
    AKKOORD = "akkoord"  # a bankruptcy or WSNP ended by a homologated akkoord
    CLEAN_SLATE = "clean_slate"  # the WSNP ended with a clean slate (art. 354, 358 Fw)
    ENDED = "ended"  # ended otherwise: no assets, the final distribution, no clean slate


# the reasons that end a ruling (not a mistake): the ruling's effects on its claims stay
RULING_ENDED = frozenset({LiftReason.AKKOORD, LiftReason.CLEAN_SLATE, LiftReason.ENDED})


@dataclass(frozen=True)
class Lift:
    """One lift of a standing, kept for the history (who, when, why): a ruling lifted as a
    mistake over an earlier one that ended leaves both to be read back."""

    standing: Standing
    since: date
    lifted_on: date
    reason: LiftReason
    by: str  # who lifted it (the key or console user, as the audit log names them)
    confirmed: bool = True  # False: the bank's proposal lifted


# the lifts kept on the standing (the audit log keeps every one): the row stays small
LIFTS_KEPT = 50


# the SEPA return reason that says the debtor died (EPC guidance: stop all collections)
DECEASED_REASON = "MD07"


@dataclass(frozen=True)
class DebtorStanding:
    standing: Standing
    since: date  # the day it took effect: the death, the ruling
    recorded_on: date
    confirmed: bool = True  # False: proposed by an MD07 return, for a person to decide
    lifted_on: date | None = None  # back to normal from this day (a mistake, an akkoord)
    # the bank returns (payment or end-to-end ids) that proposed a standing for this debtor:
    # one delivered again never proposes it again once a person lifted it (a new one may)
    proposed_by: tuple[str, ...] = ()
    # why it was lifted (None: lifted before a reason was asked, read as a mistake)
    lift_reason: LiftReason | None = None
    # the insolvency rulings that ended before this standing was set (a bank's MD07 proposal,
    # a death, a new ruling), newest first as a chain (each keeps the ones before it in its
    # own ``ended``): their claims stay as they left them whatever comes after (a clean
    # slate's natural obligations are never dunned again), also once this one is lifted, and
    # however many standings are set after it (attack14 A2: one kept, a third standing lost
    # the agency's clean slate)
    ended: DebtorStanding | None = None
    # who lifted it (None: not lifted, or lifted before the name was kept)
    lifted_by: str | None = None
    # every lift of this debtor's standings, oldest first, carried to each standing set after
    lifts: tuple[Lift, ...] = ()
    # set or confirmed by the agency (its key or staff): then only the agency changes or lifts
    # it while it holds; a ruling the agency files claims under is not the client's to undo
    # (attack13b G3: a client's admin lifted the agency's WSNP "as a mistake")
    recorded_by_agency: bool = False

    @property
    def in_force(self) -> bool:
        return self.lifted_on is None and self.standing is not Standing.NORMAL

    @property
    def stops_interest(self) -> bool:
        return self.in_force and self.confirmed and self.standing in INSOLVENT

    @property
    def ruling_ended(self) -> bool:
        """An insolvency ruling that ended (not a mistake): its claims stay as it left them."""
        return (
            self.lifted_on is not None
            and self.confirmed
            and self.standing in INSOLVENT
            and self.lift_reason in RULING_ENDED
        )

    def covers(self, arose_on: date) -> bool:
        """Whether a claim that arose on ``arose_on`` is one of the ruling's (existed on its
        day, art. 24, 299 lid 1 Fw); a death: every claim (the estate owes them all)."""
        return self.standing not in INSOLVENT or arose_on < self.since


def holds(standing: DebtorStanding | None) -> bool:
    """Whether nothing may be asked of the debtor himself."""
    return standing is not None and standing.in_force


def arose_on(contract_date: date | None, invoice_date: date) -> date:
    """The day a claim arose: its contract's (a sale concluded before the ruling is a claim
    on the estate even if invoiced after it, art. 130 Fw), else its invoice's."""
    return contract_date or invoice_date


# the ended rulings a new standing may be set over: a person's life holds a few; a set over
# more is refused (none is ever dropped: attack14 A2), so the debtor's row stays small
RULINGS_KEPT = 20


def ended_rulings(standing: DebtorStanding | None) -> tuple[DebtorStanding, ...]:
    """The insolvency rulings that ended and still shape their claims, newest first: the
    standing itself if it is one, and every one it was set over (the ``ended`` chain)."""
    if standing is None:
        return ()
    own = (standing,) if standing.ruling_ended else ()
    return own + earlier_rulings(standing)


def earlier_rulings(standing: DebtorStanding) -> tuple[DebtorStanding, ...]:
    """The rulings that ended before ``standing`` was set (its ``ended`` chain), newest
    first; a ruling set again later to correct how it ended counts once, as its newest."""
    out: list[DebtorStanding] = []
    seen: set[tuple[Standing, date]] = set()
    ruling = standing.ended
    while ruling is not None:
        if (ruling.standing, ruling.since) not in seen:
            seen.add((ruling.standing, ruling.since))
            out.append(ruling)
        ruling = ruling.ended
    return tuple(out)


def ruling_chain(rulings: Sequence[DebtorStanding]) -> DebtorStanding | None:
    """``rulings`` (newest first) as the ``ended`` chain a standing keeps (the history of
    lifts rides on the standing itself)."""
    chain: DebtorStanding | None = None
    for ruling in reversed(rulings):
        chain = replace(ruling, ended=chain, lifts=())
    return chain


def rulings_that_bind(standing: DebtorStanding | None) -> tuple[DebtorStanding, ...]:
    """Every standing that still shapes the debtor's claims: the one in force (if any) and the
    insolvency rulings that ended and keep their claims as they left them, newest first (a
    ruling lifted as a mistake is not among them; one that ended before it is)."""
    if standing is None:
        return ()
    own = (standing,) if standing.in_force else ()
    return own + ended_rulings(standing)


def with_lift(
    standing: DebtorStanding, on: date, why: LiftReason, by: str, *, agency: bool = False
) -> DebtorStanding:
    """``standing`` lifted on ``on`` for ``why`` by ``by``, the lift added to its history.
    ``agency``: the agency lifted it; a ruling it ended (an akkoord, a clean slate, ended
    otherwise) is then the agency's record of how the ruling ended, the agency's alone to set
    again and undo, whoever set the ruling (attack14b S1: a client's admin set its own WSNP
    again over the agency's clean slate and lifted it as a mistake)."""
    lift = Lift(standing.standing, standing.since, on, why, by, standing.confirmed)
    ours = standing.recorded_by_agency or (agency and why in RULING_ENDED)
    return replace(
        standing, lifted_on=on, lift_reason=why, lifted_by=by,
        lifts=(*standing.lifts, lift)[-LIFTS_KEPT:], recorded_by_agency=ours,
    )  # fmt: skip


def succeeds(ruling: DebtorStanding, new: DebtorStanding) -> bool:
    """Whether the insolvency ruling ``new`` set over ``ruling`` (confirmed) succeeds it rather
    than correcting it: the other kind, from a later day. A WSNP ended early on a ground of
    art. 350 lid 3 c-g Fw leaves the debtor bankrupt by law from that day (art. 350 lid 5 Fw),
    and a bankruptcy turned into a WSNP ends with the WSNP's start (art. 15b Fw); neither
    undoes the ruling before it for the period it ran: its interest stop (art. 128 Fw) and the
    money received under it (art. 23, 296 Fw) stay, so it is kept as ended ('ended') on the
    new ruling's day (law15b #3). The same kind from a later day corrects the day (a debtor is
    not declared bankrupt twice at once), and one on or before the ruling's day corrects it."""
    return (
        ruling.confirmed
        and ruling.standing in INSOLVENT
        and new.standing in INSOLVENT
        and new.standing is not ruling.standing
        and new.since > ruling.since
    )


def lift_of(ruling: DebtorStanding, lifts: Sequence[Lift]) -> Lift | None:
    """The lift that ended ``ruling``, from the history ``lifts`` (oldest first): the newest
    of that ruling, day and reason."""
    for lift in reversed(lifts):
        if (lift.standing, lift.since, lift.lifted_on, lift.reason) == (
            ruling.standing, ruling.since, ruling.lifted_on, ruling.lift_reason,
        ):  # fmt: skip
            return lift
    return None


def carried_rulings(
    standing: DebtorStanding | None, replaced: tuple[Standing, date] | None = None
) -> tuple[DebtorStanding, ...]:
    """The ended rulings a new standing set over ``standing`` keeps, newest first: every one
    that still binds (the standing itself if it is one, and all it carried), but the ruling
    ``replaced`` names ((standing, since): that ruling set again, to correct how it ended)."""
    seen: set[tuple[Standing, date]] = set()
    kept: list[DebtorStanding] = []
    for ruling in ended_rulings(standing):
        key = (ruling.standing, ruling.since)
        if key != replaced and key not in seen:
            seen.add(key)
            kept.append(ruling)
    return tuple(kept)


def carried_ruling(
    standing: DebtorStanding | None, replaced: tuple[Standing, date] | None = None
) -> DebtorStanding | None:
    """The ``ended`` chain a new standing set over ``standing`` keeps
    (:func:`carried_rulings`)."""
    return ruling_chain(carried_rulings(standing, replaced))


def held_after_ruling(standing: DebtorStanding | None, arose: date) -> str | None:
    """Why a claim that arose on ``arose`` may not be dunned though its debtor's standing
    was lifted, or None: an akkoord or a clean slate settled it (what the akkoord does not
    pay, and all after a clean slate, is a natural obligation: art. 160, 358 lid 1 Fw)."""
    how = settled_how(standing, arose)
    if how is LiftReason.CLEAN_SLATE:
        return "a natural obligation after a clean slate (art. 358 Fw)"
    if how is LiftReason.AKKOORD:
        return "settled by the akkoord (art. 160 Fw)"
    return None


def settled_how(standing: DebtorStanding | None, arose: date) -> LiftReason | None:
    """How a ruling that ended settled a claim that arose on ``arose`` for good, or None: a
    clean slate or an akkoord (what remains is a natural obligation, art. 6:3 BW: it cannot
    be claimed, no dunning, interest, costs or plan, but a payment made anyway is no undue
    payment, 6:3 lid 2 and 6:5 BW, and is booked). A ruling ended otherwise settles nothing:
    its claims are paused until staff booked the distribution and resume them."""
    for ruling in ended_rulings(standing):
        if not ruling.ruling_ended or not ruling.covers(arose):
            continue
        if ruling.lift_reason in (LiftReason.CLEAN_SLATE, LiftReason.AKKOORD):
            return ruling.lift_reason
    return None


def natural_obligation(debtor: Debtor, invoice: Invoice) -> LiftReason | None:
    """How a ruling that ended left the claim a natural obligation (a clean slate, an
    akkoord: art. 6:3 BW, nothing may be claimed), or None (claimable as the rest)."""
    return settled_how(debtor.standing, arose_on(invoice.contract_date, invoice.invoice_date))


def says_deceased(reason: str) -> bool:
    """Whether a bank's return reason (``MD07``, ``returned by the bank (MD07)``) is the
    debtor's death."""
    return DECEASED_REASON in reason.upper().replace("(", " ").replace(")", " ").split()
