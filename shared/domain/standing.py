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

A standing is set by staff with the day it took effect, or proposed by the bank (a direct
debit returned MD07, "debtor deceased"): a proposal holds as a confirmed standing does until
a person confirms or lifts it. Lifting keeps the record (``lifted_on``) so the dunning that
resumes is paced from that day instead of sending the steps that fell in between at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Standing(StrEnum):
    NORMAL = "normal"
    DECEASED = "deceased"
    BANKRUPT = "bankrupt"
    WSNP = "wsnp"


# an insolvency ruling: the claim is fixed at the ruling, no interest after it (art. 128 Fw)
INSOLVENT = frozenset({Standing.BANKRUPT, Standing.WSNP})

# the ref under which a standing's interest stop and costs hold sit on a claim's header
STANDING_REF = "standing"

# the reason a payment plan paused for its debtor's standing carries
STANDING_PAUSE = "debtor's standing: "

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

    @property
    def in_force(self) -> bool:
        return self.lifted_on is None and self.standing is not Standing.NORMAL

    @property
    def stops_interest(self) -> bool:
        return self.in_force and self.confirmed and self.standing in INSOLVENT


def holds(standing: DebtorStanding | None) -> bool:
    """Whether nothing may be asked of the debtor himself."""
    return standing is not None and standing.in_force


def says_deceased(reason: str) -> bool:
    """Whether a bank's return reason (``MD07``, ``returned by the bank (MD07)``) is the
    debtor's death."""
    return DECEASED_REASON in reason.upper().replace("(", " ").replace(")", " ").split()
