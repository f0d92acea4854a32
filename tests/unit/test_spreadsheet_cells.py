"""One CSV-injection guard for every export (CWE-1236): the writers use the same function."""

from __future__ import annotations

from shared.domain.spreadsheet import csv_cell


def test_formula_starts_become_text() -> None:
    for planted in ("=1+1", "+1", "-1", "@SUM(A1)"):
        assert csv_cell(planted) == "'" + planted
    # a tab or return before "=": the leading quote, and the "=" after it quoted as well
    for planted in ("\t=1", "\r=1"):
        assert csv_cell(planted) == "'" + planted[0] + "'=1"
    assert csv_cell("F-0001") == "F-0001" and csv_cell("") == ""


def test_the_audit_csv_guards_tab_and_return_too() -> None:
    from datetime import UTC, datetime

    from shared.domain.people.audit import AuditEvent, Event, to_csv

    at = datetime(2026, 11, 30, tzinfo=UTC)
    row = to_csv([AuditEvent("agency:a", "e1", at, Event.LOGIN, "\t=cmd", "u", "web")])
    assert "'\t'=cmd" in row


def test_a_formula_after_a_list_separator_is_text_too() -> None:
    """Excel with Dutch settings splits a .csv on ";" whatever the file's quoting: the part
    after it must not become a formula (attack4 finding 4). Numbers and dashes stay."""
    import csv
    import io
    import re

    planted = {
        "Ik betaal volgende week;=cmd|' /C calc'!A0;": "Ik betaal volgende week;'=cmd|' /C calc'!A0;",
        "F-1;=1+1;": "F-1;'=1+1;",
        "a; +cmd|x": "a; '+cmd|x",
        "a,@SUM(A1)": "a,'@SUM(A1)",
        "a;- cmd": "a;'- cmd",
        ";=1+1": ";'=1+1",
        "x\n=HYPERLINK(1)": "x\n'=HYPERLINK(1)",
        # a sign and a digit that do not end the piece: still a formula (attack5 finding 3)
        "Ik betaal volgende week;-2+3+cmd|' /C calc'!A0;": "Ik betaal volgende week;'-2+3+cmd|' /C calc'!A0;",
        "x;+1+1": "x;'+1+1",
        # "," is the decimal comma in Dutch Excel: "-2,3+cmd" is a formula there (session5)
        "Ik betaal volgende week;-2,3+cmd|' /C calc'!A0;": "Ik betaal volgende week;'-2,3+cmd|' /C calc'!A0;",
    }
    for value, shown in planted.items():
        assert csv_cell(value) == shown
    for harmless in (
        "prijs 10,-",
        "x;-2",
        "F-0001",
        "1,5;2",
        "Jansen, J.",
        "x; -12,50;y",
        "korting; -5%",
        "totaal; 1.234,50",
    ):
        assert csv_cell(harmless) == harmless
    # written as the exports write, then opened as nl-NL Excel does (";") and as en-US (",")
    out = io.StringIO()
    for value in planted:
        csv.writer(out).writerow(["2026-11-30", csv_cell(value), "no"])
    for delimiter in (";", ","):
        for row in csv.reader(io.StringIO(out.getvalue()), delimiter=delimiter):
            formulas = [c for c in row if re.match(r"[ \t]*(?:[=+@]|-[ \t]*\d+[^\d.,])", c)]
            assert not formulas, row
