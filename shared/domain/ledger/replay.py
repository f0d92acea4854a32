"""Replaying a claim's events into its figures on a day, and the open claims of a set of
invoices (the one function every reader of amounts calls)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from shared.domain.law.interest_rates import RateTable
from shared.domain.ledger.accrual import accrued_interest, concluded, unknown_rate_warnings
from shared.domain.ledger.costs import ClaimRecord, CostsShare, costs_shares, fixed_costs
from shared.domain.ledger.model import (
    COMPONENTS,
    RESTATED,
    Amounts,
    ClaimFigures,
    Component,
    EventKind,
    LedgerEvent,
    rate_lowering,
)
from shared.domain.money import Cents, round_half_up

# claims a process keeps replayed (a window's debtors several times over): 4,096 claims of three
# events each, their records and figures, hold about 5 MB
REPLAYS_KEPT = 4096


def fixed_interest(events: Sequence[LedgerEvent]) -> Cents:
    """The interest fixed by ``charged`` events, less what a rate-table restatement took off
    it (:func:`~shared.domain.ledger.model.rate_lowering`)."""
    charged = sum(
        e.amount
        for e in events
        if e.kind is EventKind.CHARGED and e.component is Component.INTEREST
    )
    return charged - sum(e.amount for e in events if rate_lowering(e))


def interest_charged(record: ClaimRecord, on: date, rates: RateTable | None = None) -> Cents:
    """Interest fixed so far, or what has accrued up to ``on`` when that is more: a fixed
    amount does not move by itself when the rate table is corrected afterwards; the table's
    upload restates the claims (``LedgerService.restate_rates``), whose rate ``correction``
    lowers it where the new table gives less (law9 F4), and whose 6:44 re-allocation takes
    the interest a payment paid beyond that to the principal."""
    events = [e for e in record.events if e.on <= on]
    charged = [
        e for e in events if e.kind is EventKind.CHARGED and e.component is Component.INTEREST
    ]
    # interest a restatement charged on top (restate.py: the history as it should have been
    # had more interest than the stream accrues) stays on top of what accrues later
    extra = sum(e.amount for e in charged if e.reason and e.reason.startswith(RESTATED))
    fixed = fixed_interest(events) - extra
    return extra + max(fixed, round_half_up(accrued_interest(record.terms, events, on, rates)))


def replay(
    record: ClaimRecord, on: date, costs: CostsShare | None, rates: RateTable | None = None
) -> ClaimFigures:
    """The claim on ``on``: events after that day are not yet in it."""
    terms = record.terms
    events: list[LedgerEvent] = [e for e in record.events if e.on <= on]
    sums: dict[EventKind, dict[Component, Cents]] = {
        k: dict.fromkeys(COMPONENTS, 0) for k in EventKind
    }
    for e in events:
        sums[e.kind][e.component] += e.amount
    charged = {
        Component.PRINCIPAL: terms.principal,
        Component.COSTS: costs.costs if costs else 0,
        Component.COSTS_VAT: costs.vat if costs else 0,
        Component.INTEREST: interest_charged(record, on, rates),
    }
    paid = {c: sums[EventKind.ALLOCATED][c] - sums[EventKind.REVERSAL][c] for c in COMPONENTS}
    # a correction takes back what was charged too much: for the debtor it is credited
    credited = {c: sums[EventKind.CREDIT][c] + sums[EventKind.CORRECTION][c] for c in COMPONENTS}
    # a discount's part taken back (model.DISCOUNT_CAPPED: the principal is never charged by an
    # event otherwise) is no longer credited
    credited[Component.PRINCIPAL] -= sums[EventKind.CHARGED][Component.PRINCIPAL]
    # a rate restatement's correction lowered the interest charged itself (interest_charged)
    credited[Component.INTEREST] -= sum(e.amount for e in events if rate_lowering(e))
    waived, written_off = sums[EventKind.WAIVER], sums[EventKind.WRITE_OFF]
    # what the client's own books say was paid covers only what Inning did not book itself
    # (the two may overlap for a moment while a booking is being finished)
    unpaid_principal = (
        terms.principal
        - paid[Component.PRINCIPAL]
        - credited[Component.PRINCIPAL]
        - waived[Component.PRINCIPAL]
        - written_off[Component.PRINCIPAL]
    )
    # counted with what was credited (it is off the claim either way) but named apart: it is
    # money the debtor paid the client before the hand-over, not a credit note
    paid_before_handover = min(terms.principal_settled_elsewhere, max(0, unpaid_principal))
    credited[Component.PRINCIPAL] += paid_before_handover
    open_ = {c: charged[c] - paid[c] - credited[c] - waived[c] - written_off[c] for c in COMPONENTS}
    recovered = dict.fromkeys(COMPONENTS, 0)
    if terms.written_off:
        # money paid on a written-off claim pays what was written off (ledger31): the debt
        # stood, so that part counts as paid, no longer as written off; money coming back
        # (a reversal) writes it off again by itself
        recovered = {c: min(written_off[c], max(0, -open_[c])) for c in COMPONENTS}
        open_ = {c: open_[c] + recovered[c] for c in COMPONENTS}
        written_off = {c: written_off[c] - recovered[c] for c in COMPONENTS}
    if terms.closed:  # credited or withdrawn: what was still open is credited as well
        for c in COMPONENTS:
            credited[c] += max(0, open_[c])
            open_[c] = min(0, open_[c])
    for c in COMPONENTS:
        if open_[c] < 0:
            raise ValueError(
                f"claim {terms.invoice_number}: {c.value} is overpaid by {-open_[c]} cents"
            )
    allocated: dict[str, int] = {}
    for e in events:
        if e.payment_id and e.kind in (EventKind.ALLOCATED, EventKind.REVERSAL):
            sign = 1 if e.kind is EventKind.ALLOCATED else -1
            allocated[e.payment_id] = allocated.get(e.payment_id, 0) + sign * e.amount
    return ClaimFigures(
        invoice_number=terms.invoice_number,
        debtor_number=terms.debtor_number,
        on=on,
        due_date=terms.due_date,
        charged=Amounts.from_map(charged),
        paid=Amounts.from_map(paid),
        waived=Amounts.from_map(waived),
        written_off=Amounts.from_map(written_off),
        credited=Amounts.from_map(credited),
        open=Amounts.from_map(open_),
        paid_before_handover=paid_before_handover,
        is_written_off=terms.written_off,
        recovered=Amounts.from_map(recovered),
        costs_owed_from=terms.costs_owed_from,
        interest_from=terms.interest_from,
        interest_rule=terms.interest_rule,
        costs_fixed=fixed_costs(events) is not None,
        payments=tuple(sorted(p for p, v in allocated.items() if v > 0)),
        warnings=unknown_rate_warnings(terms, on, rates),
        contract_date=concluded(terms),
    )


def open_claims(
    records: Sequence[ClaimRecord], on: date, rates: RateTable | None = None
) -> dict[str, ClaimFigures]:
    """Each invoice's claim on ``on``, per component: ``figures[n].open.total`` is what the
    debtor must pay for invoice ``n`` that day (principal + costs + VAT on costs + interest).

    Pass **all** claims of the debtor whose costs may have been demanded together with these
    (the collection costs are one amount over the claims of one notice, art. 6:96 lid 7 BW);
    the answer has an entry for every record passed in.
    """
    shares = costs_shares(records, on)
    return {r.number: _replayed(r, on, shares.get(r.number), rates) for r in records}


@lru_cache(maxsize=REPLAYS_KEPT)
def _replayed(
    record: ClaimRecord, on: date, costs: CostsShare | None, rates: RateTable | None
) -> ClaimFigures:
    """:func:`replay`, kept for claims replayed again unchanged: a statement line's debtor is
    replayed by the window's matching, then by the booking's allocation and by the claim
    writes (after the booking, where only the booked claims changed), each of the same
    records on the same day; the replay (its exact interest in fractions) was a sixth of a
    booked line's CPU. Keyed by value (the records, terms and events are frozen), so a
    changed claim is a new key, never a stale answer."""
    return replay(record, on, costs, rates)
