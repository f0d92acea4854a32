"""Allocation of a payment, art. 6:43 and 6:44 BW.

A payment goes first to costs, then to interest, then to principal (6:44 lid 1). Across claims
it goes to the oldest claim first (the default rule Inning applies for 6:43 lid 2), unless the
debtor designated claims (6:43 lid 1); what remains after the designated claims follows the
default rule, and anything left over is an overpayment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.domain.money import Cents


class Component(StrEnum):
    COSTS = "costs"
    INTEREST = "interest"
    PRINCIPAL = "principal"


ORDER = (Component.COSTS, Component.INTEREST, Component.PRINCIPAL)


@dataclass(frozen=True)
class OpenClaim:
    claim_id: str
    due_date: date
    principal: Cents
    interest: Cents = 0
    costs: Cents = 0

    def __post_init__(self) -> None:
        if min(self.principal, self.interest, self.costs) < 0:
            raise ValueError(f"claim {self.claim_id}: open amounts must not be negative")

    def open_part(self, component: Component) -> Cents:
        return {
            Component.COSTS: self.costs,
            Component.INTEREST: self.interest,
            Component.PRINCIPAL: self.principal,
        }[component]


@dataclass(frozen=True)
class AllocationLine:
    claim_id: str
    component: Component
    amount: Cents


@dataclass(frozen=True)
class Allocation:
    payment: Cents
    lines: tuple[AllocationLine, ...]
    unallocated: Cents

    def applied_to(self, claim_id: str) -> dict[Component, Cents]:
        out = {c: 0 for c in ORDER}
        for line in self.lines:
            if line.claim_id == claim_id:
                out[line.component] += line.amount
        return out


def allocate_payment(
    payment: Cents, claims: list[OpenClaim], designated: list[str] | None = None
) -> Allocation:
    if payment < 0:
        raise ValueError("payment must not be negative")
    ids = [c.claim_id for c in claims]
    if len(set(ids)) != len(ids):
        raise ValueError("claim ids must be unique")
    unknown = [d for d in designated or [] if d not in ids]
    if unknown:
        raise ValueError(f"designated claims not open: {', '.join(unknown)}")

    by_age = sorted(claims, key=lambda c: (c.due_date, c.claim_id))
    chosen = [next(c for c in claims if c.claim_id == d) for d in designated or []]
    rest = [c for c in by_age if c not in chosen]

    remaining = payment
    lines: list[AllocationLine] = []
    for group in (chosen, rest):
        for component in ORDER:
            for claim in group:
                take = min(remaining, claim.open_part(component))
                if take > 0:
                    lines.append(AllocationLine(claim.claim_id, component, take))
                    remaining -= take
    return Allocation(payment=payment, lines=tuple(lines), unallocated=remaining)
