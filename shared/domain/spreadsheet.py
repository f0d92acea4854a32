"""What every CSV and Excel file Inning writes does with text a spreadsheet would run.

OWASP CSV injection (CWE-1236): a cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return, which some spreadsheets skip before reading one of those) is a formula when
the file is opened, so a debtor's note or a client's invoice number ``=HYPERLINK(...)`` would
send the sheet's cells out. Such a cell gets a leading quote and stays text. One guard for
every export (dunning, reports, settlement, upload rejections, audit) so none is missed.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# a spreadsheet may split a cell where the file's writer saw none: Excel with Dutch (German,
# French ...) settings opens a .csv on the list separator ";", whatever the file's own
# delimiter and quoting, so "week;=cmd|..." becomes a cell "=cmd|...". A formula character
# right after such a separator (or a tab or line break), spaces between, gets a quote too;
# a sign stays only where the whole piece it starts, up to the next separator, is a number or
# a dash ("10,-", "; -12,50;"): "-2+3+cmd|..." starts with a digit and is still a formula.
_SEP = r"[;,\t\r\n|]"
_INNER_FORMULA = re.compile(
    rf"({_SEP}[ \t]*)([+\-])(?![ \t]*(?:\d+(?:[.,]\d+)?)?[ \t]*(?:{_SEP}|$))"
    rf"|({_SEP}[ \t]*)([=@])"
)


def csv_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it as text, never a formula (amounts are not passed
    here: ``-12.50`` is a number), also where a spreadsheet splits it on ``;`` or ``,``."""
    value = _INNER_FORMULA.sub(_quoted, value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _quoted(found: re.Match[str]) -> str:
    separator = found[1] if found[1] is not None else found[3]
    formula = found[2] if found[2] is not None else found[4]
    return f"{separator}'{formula}"
