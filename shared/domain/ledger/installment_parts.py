"""Each claim's part of the installments of a payment plan over the principal
(``ClaimTerms.plan_installments``): what the plan defers on a claim on a day, and what of it
is due and open to set-off (booking.installments_due; law17b F2)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from shared.domain.ledger.booking import _open_principal
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.money import Cents

Parts = tuple[tuple[date, date, Cents], ...]


def installment_parts(
    records: Sequence[ClaimRecord], start: date, schedule: Sequence[tuple[date, Cents]]
) -> dict[str, Parts]:
    """The parts (``start``, due day, cents) of a plan agreed on ``start`` over ``records``
    with ``schedule`` (due day, amount). The plan's payments name all its claims, which take
    them oldest due first, principal first: its installments fill the claims in that order,
    each up to the principal it had open when the plan began (the money received before
    ``start``; fixed, so a set-off replayed later reads the parts it was booked with). What the
    installments have over goes on the last claim: deferred with it, never due early."""
    claims = sorted(records, key=lambda r: (r.terms.due_date, r.number))
    room = [max(0, _open_principal(r, start - timedelta(days=1))) for r in claims]
    out: dict[str, list[tuple[date, date, Cents]]] = {r.number: [] for r in claims}
    k = 0
    for day, amount in sorted(schedule):
        left = amount
        while left > 0 and claims:
            while k < len(claims) - 1 and room[k] <= 0:
                k += 1
            cents = left if k == len(claims) - 1 else min(left, room[k])
            out[claims[k].number].append((start, day, cents))
            room[k] -= cents
            left -= cents
    return {n: tuple(v) for n, v in out.items() if v}
