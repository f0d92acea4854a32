"""What every CSV and Excel file Inning writes does with text a spreadsheet would run.

OWASP CSV injection (CWE-1236): a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return, which some spreadsheets skip before reading one of those) is a formula when
the file is opened, so a debtor's note or a client's invoice number ``=HYPERLINK(...)`` would
send the sheet's cells out. Such a cell gets a leading quote and stays text. One guard for
every export (dunning, reports, settlement, upload rejections, audit) so none is missed.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it as text, never a formula (amounts are not passed
    here: ``-12.50`` is a number)."""
    return "'" + value if value.startswith(FORMULA_START) else value
