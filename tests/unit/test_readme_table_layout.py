"""README's *Table layout* lists the rows the table adapters write (newcomer14b #5): the plan
tables (PlanReferences, the matcher's lookup of a plan's own payment reference, among them)
and every fixed RowKey the adapters' own layouts name for a table README lists
(PaymentRefs' ``sent-back``, returns14).

docs15: it listed 37 of the 78 tables the code writes (the people, settlement, portal, Mollie,
inbound and console tables missing). Every table the code writes (the repositories' tables,
the infra's, and every table a store write or ``ensure_tables`` in ``shared/`` names) now has
its row, its keys, who writes it, what holds a client's rows apart and its restore set, which
is the one ``inning restore`` takes it with."""

from __future__ import annotations

import ast
import re

from shared.adapters.tables import banking_repo, plans_repo
from shared.adapters.tables.memory import InMemoryTableStore
from shared.services.operations.backups import (
    NEVER_RESTORED,
    NEVER_ROLLED_BACK,
    RESTORE_SETS,
    STANDALONE,
)
from shared.services.repositories import Repositories
from tests.support.code_scan import ROOT

STORAGE = (ROOT / "infra" / "app" / "storage.bicep").read_text(encoding="utf-8")
# the store's calls that write a table, and the one that creates it
WRITES = {"insert", "upsert", "replace", "delete", "transact", "ensure_tables"}
TABLE_NAME = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+")  # PaymentRefs, not EUR


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


def _tables(header: str) -> dict[str, list[str]]:
    """The cells of one table of the section (the one whose header starts ``header``), by
    table name (a row naming several tables counts for each)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Table layout", 1)[1].split("\n####", 1)[0]
    rows: dict[str, list[str]] = {}
    inside = False
    for line in section.splitlines():
        if not line.startswith("| "):
            inside = False
            continue
        if line.startswith("| Table"):
            inside = line.startswith(header)
            continue
        if inside and not line.startswith("| ---"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
            for name in re.split(r"[,/] ", cells[0]):
                rows[name.strip()] = cells
    return rows


def _named_in_code() -> set[str]:
    """Tables a store write (or ``ensure_tables``) in ``shared/`` names, as a literal or a
    module-level constant: a table an adapter writes but no list declares is found too."""
    constants: dict[str, set[str]] = {}
    trees = [
        ast.parse(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "shared").rglob("*.py"))
    ]
    for tree in trees:
        for stmt in tree.body:
            if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], ast.Name)
                    and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)):  # fmt: skip
                constants.setdefault(stmt.targets[0].id, set()).add(stmt.value.value)
    found: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in WRITES and node.args):  # fmt: skip
                continue
            first = node.args[0]
            names = first.elts if isinstance(first, ast.Tuple | ast.List) else [first]
            for arg in names:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
                elif isinstance(arg, ast.Name | ast.Attribute):
                    found |= constants.get(arg.id if isinstance(arg, ast.Name) else arg.attr, set())
    return {t for t in found if TABLE_NAME.fullmatch(t)}


def _written() -> set[str]:
    """Every table the code writes: the repositories' (as a deploy creates them), the
    infra's, and those a store write in ``shared/`` names."""
    store = InMemoryTableStore()
    Repositories.over(store).ensure_tables()
    block = re.search(r"var tables = \[(.*?)\n\]", STORAGE, re.S)
    assert block is not None
    infra = set(re.findall(r"^\s*'([^']+)'", block.group(1), re.M))
    return set(store._tables) | infra | _named_in_code()


def test_every_table_the_code_writes_has_its_row_and_its_writer():
    written = _written()
    assert {"LineClaims", "Users", "SettledPayments", "LocalSecrets"} <= written
    layout = _tables("| Table | PartitionKey")
    writers = _tables("| Table | Written by")
    assert sorted(written - set(layout)) == []
    assert sorted(written - set(writers)) == []
    for table in written:
        for cells in (layout[table], writers[table]):
            assert len(cells) == 4 and all(cells), f"README's {table} row has an empty cell"


def test_each_tables_restore_set_is_the_one_a_restore_takes():
    chosen = {t: name for name, tables in RESTORE_SETS.items() for t in tables}
    chosen |= dict.fromkeys(STANDALONE, "standalone") | dict.fromkeys(NEVER_RESTORED, "never")
    chosen |= {t: f"{chosen[t]}, never rolled back" for t in NEVER_ROLLED_BACK}
    for table, cells in _tables("| Table | Written by").items():
        assert cells[3] == chosen.get(table, "(local only)"), table


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
