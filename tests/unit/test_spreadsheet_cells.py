"""One CSV-injection guard for every export (CWE-1236): the writers use the same function."""

from __future__ import annotations

from shared.domain.spreadsheet import csv_cell


def test_formula_starts_become_text() -> None:
    for planted in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert csv_cell(planted) == "'" + planted
    assert csv_cell("F-0001") == "F-0001" and csv_cell("") == ""


def test_the_audit_csv_guards_tab_and_return_too() -> None:
    from datetime import UTC, datetime

    from shared.domain.people.audit import AuditEvent, Event, to_csv

    at = datetime(2026, 11, 30, tzinfo=UTC)
    row = to_csv([AuditEvent("agency:a", "e1", at, Event.LOGIN, "\t=cmd", "u", "web")])
    assert "'\t=cmd" in row
