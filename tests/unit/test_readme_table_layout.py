"""README's *Table layout* lists the rows the table adapters write (newcomer14b #5): the plan
tables (PlanReferences, the matcher's lookup of a plan's own payment reference, among them)
and every fixed RowKey the adapters' own layouts name for a table README lists
(PaymentRefs' ``sent-back``, returns14)."""

from __future__ import annotations

import re

from shared.adapters.tables import banking_repo, plans_repo
from tests.support.code_scan import ROOT


def _layout() -> dict[str, str]:
    """README's layout rows by table name (a row naming two tables counts for both)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Table layout", 1)[1].split("\n####", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith(("| Table", "| ---")):
            for name in re.split(r"[,/] ", line.split(" | ", 1)[0].removeprefix("| ")):
                rows[name.strip()] = rows.get(name.strip(), "") + line
    return rows


def _fixed_row_keys(doc: str) -> dict[str, set[str]]:
    """The adapter docstring's layout: per table, the RowKeys written as a literal."""
    keys: dict[str, set[str]] = {}
    table = ""
    for line in doc.splitlines():
        if not line.startswith("| ") or line.startswith("| table"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        table = cells[0] or table
        for literal in re.findall(r"``([^`]+)``", cells[2] if len(cells) > 2 else ""):
            if re.fullmatch(r"[~a-z][\w:<>~-]*", literal):  # a fixed key, not a pattern
                keys.setdefault(table, set()).add(literal)
    return keys


def test_every_plan_table_has_a_row():
    rows = _layout()
    assert [t for t in plans_repo.TABLES if t not in rows] == []
    assert "betalingskenmerk" in rows["PlanReferences"]


def test_every_fixed_row_key_of_a_listed_table_is_named():
    rows = _layout()
    for module in (banking_repo, plans_repo):
        assert module.__doc__ is not None
        for table, keys in _fixed_row_keys(module.__doc__).items():
            if table in rows:
                # a key's variable part is named in README's own words (`stmt-<statement identity>`)
                missing = sorted(k for k in keys if not _named(k, rows[table]))
                assert missing == [], f"README's {table} row lacks {missing}"


def _named(key: str, row: str) -> bool:
    if "<" in key:
        return f"`{key.split('<', 1)[0]}<" in row
    return f"`{key}`" in row
