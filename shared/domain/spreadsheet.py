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
# French ...) settings opens a .csv on the list separator ";", with English settings on ",",
# whatever the file's own delimiter and quoting, so "week;=cmd|..." becomes a cell
# "=cmd|...". Each piece such a split makes (also at a tab, a line break or "|") is checked as
# that locale reads it: a formula character at its start, spaces before, gets a quote; a sign
# stays only before a number of that locale ("10,-", "; -12,50", ", -5%"): "-2,3+cmd|..." is a
# formula in Dutch Excel, where "," is the decimal comma.
_LOCALES = (
    (";", re.compile(r"[+-][ \t]*\d+(?:[.]\d{3})*(?:,\d*)?%?[ \t]*")),  # nl-NL: 1.234,50
    (",", re.compile(r"[+-][ \t]*\d+(?:[.]\d*)?%?[ \t]*")),  # en-US: 1234.50
)
_BREAKS = "\t\r\n|"


def csv_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it as text, never a formula (amounts are not passed
    here: ``-12.50`` is a number), also where a spreadsheet splits it on ``;`` or ``,``."""
    quote_at: set[int] = set()
    for separator, number in _LOCALES:
        for start, piece in _pieces(value, separator):
            stripped = piece.lstrip(" \t")
            if not stripped or start == 0:
                continue  # the cell's own start: below
            at = start + len(piece) - len(stripped)
            if stripped[0] in "=@" or (
                stripped[0] in "+-" and not (number.fullmatch(stripped) or stripped in "+-")
            ):
                quote_at.add(at)
    for at in sorted(quote_at, reverse=True):
        value = value[:at] + "'" + value[at:]
    return "'" + value if value.startswith(FORMULA_START) else value


def _pieces(value: str, separator: str) -> list[tuple[int, str]]:
    """The pieces a spreadsheet splitting on ``separator`` (and on tabs, line breaks and
    ``|``) would make, each with where it starts in ``value``."""
    out: list[tuple[int, str]] = []
    start = 0
    for i, ch in enumerate(value):
        if ch == separator or ch in _BREAKS:
            out.append((start, value[start:i]))
            start = i + 1
    out.append((start, value[start:]))
    return out
