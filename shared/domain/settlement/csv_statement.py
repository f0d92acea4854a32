"""The settlement statement as CSV: every line settled, then the statement's figures.

One header, one row per invoice and component of each payment (``kind`` is ``payment``, or
``reversal`` for money taken back), then one row per figure (``kind`` names it, ``amount``
holds it). Amounts are euros with a dot, as the API writes them; text cells never start a
formula (the invoice number is the client's text).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import astuple, fields

from shared.domain.money import format_cents
from shared.domain.settlement.statement import SettlementLine, StatementTotals
from shared.domain.spreadsheet import csv_cell

HEADER = ("kind", "received_on", "payment_id", "invoice", "component", "recipient", "amount")
FIGURES = tuple(f.name for f in fields(StatementTotals))


def statement_csv(settlement_id: str, lines: Sequence[SettlementLine], t: StatementTotals) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("settlement", settlement_id, "", "", "", "", ""))
    writer.writerow(HEADER)
    for x in lines:
        writer.writerow(
            (
                "reversal" if x.reversal else "payment",
                x.received_on.isoformat(),
                csv_cell(x.payment_id),
                csv_cell(x.invoice_number),  # the client's text: never a formula (CWE-1236)
                csv_cell(x.component),
                x.recipient.value,
                format_cents(x.amount),
            )
        )
    for name, value in zip(FIGURES, astuple(t), strict=True):
        writer.writerow((name, "", "", "", "", "", format_cents(value)))
    return out.getvalue()
