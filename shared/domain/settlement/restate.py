"""Settlement that follows the ledger: what a payment settled before must be corrected by.

A payment is settled once, with the lines its allocations had then. After that the ledger can
still change what it paid for: it came back (refund, chargeback, bank return), a credit note
moved its money to the debtor's other claims or left it over as an overpayment, a correction
re-allocated it. Each settlement therefore compares, per payment it settled before, what the
ledger now says the payment paid (per invoice and component) with the sum of what earlier
statements settled for it, and settles the difference as correction lines:

- a line per invoice, component and recipient whose amount changed, negative where the client
  (or the agency) was credited too much, positive where the money went to it since;
- the commission follows the client's part: the correction's commission is the commission on
  what the payment now brings the client minus what was charged for it, so a payment that came
  back gives back exactly what was charged, and a euro moved from principal (the client's) to
  costs (the agency's) takes its commission back;
- all of it priced by the terms the payment was first settled under (its commission rate, its
  recipients, VAT on the costs kept), not by the agreement in force when it moves: money
  collected and settled under the agreement then was earned at its rate and split by its
  recipients, and a change of the agreement binds from its day (law17 S1: a commission raised
  from 10 % to 15 % charged 5 % of a whole settled payment again when a credit note moved it
  between two of the client's invoices; recipients changed re-split all of it). Only what
  moved is charged or given back: with the client's part unchanged, no commission;
- the reason says why: ``reversed`` (the money came back), ``credited`` (a credit note on an
  invoice it paid moved it) or ``reallocated`` (the ledger moved it otherwise: a back-dated
  payment restated the claims).

Nothing changed: no correction. The sum of a payment's settled contributions is then always
the contribution the ledger gives it now, however often it moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from enum import StrEnum
from fractions import Fraction

from shared.domain.money import Cents
from shared.domain.records import Receiver
from shared.domain.settlement.agreement import Recipient
from shared.domain.settlement.statement import REVERSED, Contribution, SettlementLine, in_e4


class Reason(StrEnum):
    REVERSED = REVERSED  # the money came back: refund, chargeback, bank return
    CREDITED = "credited"  # a credit note on an invoice it paid moved it (credit.py)
    REALLOCATED = "reallocated"  # the ledger moved it otherwise (a back-dated correction)


Part = tuple[str, str]  # invoice number, component
Line = tuple[str, str, Recipient]  # and who received it


def by_part(contributions: Iterable[Contribution]) -> dict[Part, Cents]:
    """What the contributions settled per invoice and component (zeros left out)."""
    out: dict[Part, Cents] = {}
    for c in contributions:
        for x in c.lines:
            out[(x.invoice_number, x.component)] = (
                out.get((x.invoice_number, x.component), 0) + x.amount
            )
    return {k: v for k, v in out.items() if v != 0}


def _by_line(contributions: Iterable[Contribution]) -> dict[Line, Cents]:
    out: dict[Line, Cents] = {}
    for c in contributions:
        for x in c.lines:
            key = (x.invoice_number, x.component, x.recipient)
            out[key] = out.get(key, 0) + x.amount
    return out


def correction(
    payment_id: str,
    received_on: date,
    debtor_number: str | None,
    now: Contribution | None,
    settled: Sequence[Contribution],
    reason: Reason,
    received_by: Receiver = Receiver.THIRD_PARTY,
) -> Contribution | None:
    """What a settlement must add to ``settled`` (every contribution earlier statements made
    for this payment, corrections included) so that the payment has settled ``now`` (the
    contribution its allocations in the ledger give it today, priced by the terms the payment
    was first settled under; None when it came back or pays nothing any more). None: nothing to correct.
    ``received_by``: where the money was when it was first settled (a correction moves money
    that was settled as the third-party account's, or as the client's own, the same way)."""
    current = [now] if now is not None else []
    if by_part(current) == by_part(settled):
        return None  # the same money on the same invoices: nothing moved
    was, becomes = _by_line(settled), _by_line(current)
    lines = []
    for key in sorted(set(was) | set(becomes)):
        delta = becomes.get(key, 0) - was.get(key, 0)
        if delta:
            invoice, component, recipient = key
            lines.append(
                SettlementLine(
                    payment_id,
                    received_on,
                    invoice,
                    component,
                    delta,
                    recipient,
                    reversal=True,
                    reason=reason.value,
                    received_by=received_by,
                )
            )
    charged = sum(c.commission for c in settled)
    # exact: what the payment now brings at its rate minus what was charged for it (a row
    # stored before: its own rounded figure, what it was in fact charged)
    exact = (now.exact_commission if now is not None else 0) - sum(
        (c.exact_commission for c in settled), Fraction(0)
    )
    return Contribution(
        payment_id,
        received_on,
        debtor_number,
        tuple(lines),
        (now.commission if now is not None else 0) - charged,
        received_by,
        commission_e4=in_e4(exact),
    )


def taken_from(fix: Contribution) -> set[str]:
    """The invoices a correction takes money from (where the cause of a move is)."""
    return {x.invoice_number for x in fix.lines if x.amount < 0}


def because(fix: Contribution, reason: Reason) -> Contribution:
    """The correction with ``reason`` on each line."""
    lines = tuple(replace(x, reason=reason.value) for x in fix.lines)
    return replace(fix, lines=lines)
