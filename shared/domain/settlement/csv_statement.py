"""The settlement statement as CSV: every line settled, then the statement's figures.

One header, one row per invoice and component of each payment (``kind`` is ``payment``;
``reversal`` for money taken back because the payment came back; ``correction`` for money the
ledger moved after it was settled: ``reason`` says why, ``credited`` for a credit note on an
invoice it paid, ``reallocated`` for another move; the row names the payment and the invoice), then one row per figure (``kind`` names it, ``amount``
holds it; the commission's rounding rests, ``commission_rest_in_e4`` and ``commission_rest_e4``,
are exact parts of a cent in euros with six decimals). Amounts are euros with a dot, as the API writes them; text cells never start a
formula (the invoice number is the client's text). A repayment of a negative balance the
client made by bank transfer is a row of its own (``repayment``: its day, the bank's
reference in ``payment_id``, the amount), before the figures, where ``repaid`` sums them.

The ninth column, ``received_by``, says where each line's money arrived: ``third_party`` (the
agency's third-party account: paid out) or ``client`` (the client received it itself: its own
account, its own Mollie, a plan's direct debit; settled for the agency's share, not paid out:
the figures ``received_direct`` and ``kept_by_client``). So the client can check both kinds.

Three columns follow it (appended, so software reading the columns before keeps working):
``debtor_number`` and ``debtor_name``, who paid the line, and ``payment_reference``, what the
client finds the payment by (a bank credit's end-to-end id, bank reference or description; a
Mollie id), a dash "—" where the payment's record holds none (agency21 N1, booked24). ``payment_id`` stays
Inning's own id of the payment.

Payments received before the client's settlement agreement started are not settled, but the
statement lists each of them once (settle28), so every euro that came in is on a statement:
one row each (``payment_before_agreement``: its day, its id, the invoices its money went to, the
amount the debtor paid, ``reason`` naming the agreement's start, ``received_by``), after the
repayments, and the figures ``before_agreement`` (on the third-party account) and
``before_agreement_direct`` (received by the client itself) sum them, outside the balance.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import astuple, fields
from decimal import Decimal

from shared.domain.money import format_cents
from shared.domain.records import Receiver
from shared.domain.settlement.before_agreement import BeforeAgreement
from shared.domain.settlement.line_parties import NOBODY, LineParty
from shared.domain.settlement.repayment import Repayment
from shared.domain.settlement.statement import (
    EXACT_RESTS,
    REVERSED,
    SettlementLine,
    StatementTotals,
    came_back,
)
from shared.domain.spreadsheet import csv_cell

HEADER = (
    "kind", "received_on", "payment_id", "invoice", "component", "recipient", "amount", "reason",
    "received_by", "debtor_number", "debtor_name", "payment_reference",
)  # fmt: skip
NO_PARTY = ("", "", "")  # the cells of a row that names no payment
FIGURES = tuple(f.name for f in fields(StatementTotals))
BEFORE_KIND = (
    "payment_before_agreement"  # a payment received before the agreement: listed, not settled
)


def statement_csv(
    settlement_id: str,
    lines: Sequence[SettlementLine],
    t: StatementTotals,
    repayments: Sequence[Repayment] = (),
    parties: Mapping[str, LineParty] | None = None,
    before: BeforeAgreement | None = None,
) -> str:
    """``parties``: each line's payment's debtor and reference by payment id (one missing:
    empty cells). ``before``: the payments received before the agreement it lists."""
    found = parties or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("settlement", csv_cell(settlement_id), "", "", "", "", "", "", "", *NO_PARTY))
    writer.writerow(HEADER)
    for x in lines:
        party = found.get(x.payment_id, NOBODY)
        writer.writerow(
            (
                _kind(x),
                x.received_on.isoformat(),
                csv_cell(x.payment_id),
                csv_cell(x.invoice_number),  # the client's text: never a formula (CWE-1236)
                csv_cell(x.component),
                x.recipient.value,
                format_cents(x.amount),
                _reason(x),
                x.received_by.value,
                csv_cell(party.debtor_number),  # the client's texts: never a formula
                csv_cell(party.debtor_name),
                csv_cell(party.reference),
            )
        )
    for r in repayments:
        writer.writerow(("repayment", r.received_on.isoformat(), csv_cell(r.reference), "", "",
                         "client", format_cents(r.amount), "repaid by the client",
                         Receiver.THIRD_PARTY.value, *NO_PARTY))  # fmt: skip
    early = before.payments if before is not None else ()
    why = (
        f"received before the agreement of {before.starts_on.isoformat()}, not settled"
        if before
        else ""
    )
    for p in early:
        party = found.get(p.payment_id, NOBODY)
        writer.writerow((
            BEFORE_KIND, p.received_on.isoformat(), csv_cell(p.payment_id),
            csv_cell(" ".join(sorted({a.invoice_number for a in p.allocations}))), "", "",
            format_cents(p.amount), why, p.received_by.value, csv_cell(party.debtor_number), csv_cell(party.debtor_name),
            csv_cell(party.reference),
        ))  # fmt: skip
    for name, value in zip(FIGURES, astuple(t), strict=True):
        shown = _exact(value) if name in EXACT_RESTS else format_cents(value)
        writer.writerow((name, "", "", "", "", "", shown, "", "", *NO_PARTY))
    return out.getvalue()


def _exact(e4: int) -> str:
    """A rounding rest (ten-thousandths of a cent) in euros, exact: 6 decimals."""
    return f"{Decimal(e4).scaleb(-6):.6f}"


def _kind(x: SettlementLine) -> str:
    if not x.reversal:
        return "payment"
    return "reversal" if came_back(x) else "correction"


def _reason(x: SettlementLine) -> str:
    if not x.reversal:
        return ""
    return x.reason or REVERSED  # a reversal stored before reasons were
