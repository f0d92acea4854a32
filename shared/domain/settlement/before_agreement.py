"""Money received before the client's settlement agreement started, as its statement shows it.

Such money is not settled (newcomer27 F4: no commission on what the agency never collected),
but a credit manager reconciling the statement against the bank must find every euro that
came in on it. So the statement lists these payments in a section of their own, once: on the
first statement made after they were booked (the statement keeps the ids it has shown, with
those its predecessors showed, and the next one leaves them out)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from shared.domain.money import Cents
from shared.domain.records import Payment, Receiver


@dataclass(frozen=True)
class BeforeAgreement:
    """The payments a statement lists as received before its agreement's ``starts_on``."""

    starts_on: date
    payments: tuple[Payment, ...] = ()

    def total(self, received_by: Receiver) -> Cents:
        return sum(p.amount for p in self.payments if p.received_by is received_by)


def not_shown(
    starts_on: date | None, before: Iterable[Payment], shown: Sequence[str]
) -> BeforeAgreement | None:
    """What a statement lists: those of ``before`` no earlier statement of the client showed,
    in the order received. None without a start (an agreement stored before it was kept)."""
    if starts_on is None:
        return None
    seen = set(shown)
    fresh = sorted(
        (p for p in before if p.payment_id not in seen),
        key=lambda p: (p.received_on, p.payment_id),
    )
    return BeforeAgreement(starts_on, tuple(fresh))
