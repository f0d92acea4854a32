"""Every vendored statement file is a test (see tests/fixtures/statements/outcomes.csv); chosen Dutch files
have a hand-checked expected output beside them (expected/*.json); where the mt-940 project
recorded what its parser makes of a file (*.yml), the amounts must agree with it."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from decimal import Decimal

import pytest

from shared.domain.statements.model import StatementError, line_identities, statements_as_dict
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS as CORPUS

EXPECTED = CORPUS / "expected"


def outcomes() -> list[dict[str, str]]:
    with (CORPUS / "outcomes.csv").open() as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def test_the_table_covers_the_whole_corpus():
    listed = {row["path"] for row in outcomes()}
    present = {
        str(p.relative_to(CORPUS))
        for folder in ("mt940", "camt053")
        for p in (CORPUS / folder).rglob("*")
        if p.is_file() and p.suffix not in (".yml",) and p.name != "LICENSE"
    }
    assert listed == present


@pytest.mark.parametrize("row", outcomes(), ids=lambda r: r["path"])
def test_corpus_file(row):
    data = (CORPUS / row["path"]).read_bytes()
    if row["outcome"] == "refused":
        with pytest.raises(StatementError) as info:
            parse_statement_file(data)
        assert row["error_contains"] in str(info.value)
        return
    statements = parse_statement_file(data)
    assert len(statements) == int(row["statements"])
    lines = [x for s in statements for x in s.lines]
    assert len(lines) == int(row["lines"])
    assert sum(x.amount for x in lines) == int(row["sum_cents"])
    if row["path"].startswith("mt940/") and not row["path"].endswith(".zip"):
        text = data.decode("utf-8", "replace")
        assert len(lines) == len(re.findall(r"^:61:", text, re.MULTILINE))


@pytest.mark.parametrize("expected", sorted(EXPECTED.glob("*.json")), ids=lambda p: p.name)
def test_expected_output(expected):
    source = CORPUS / expected.name[: -len(".json")].replace("__", "/")
    got = statements_as_dict(parse_statement_file(source.read_bytes()))
    assert got == json.loads(expected.read_text())


YML_AMOUNT = re.compile(
    r"^    amount: !!python/object:mt940\.models\.Amount\n"
    r"      amount: !!python/object/apply:decimal\.Decimal \['([^']+)'\]",
    re.MULTILINE,
)


@pytest.mark.parametrize(
    "row",
    [
        r
        for r in outcomes()
        if r["outcome"] == "ok" and (CORPUS / r["path"]).with_suffix(".yml").exists()
    ],
    ids=lambda r: r["path"],
)
def test_amounts_agree_with_the_mt940_project(row):
    yml = (CORPUS / row["path"]).with_suffix(".yml").read_text()
    section = yml.split("\ntransactions:\n", 1)[1] if "\ntransactions:\n" in yml else ""
    theirs = Counter(abs(int(Decimal(a) * 100)) for a in YML_AMOUNT.findall(section))
    ours = Counter(
        abs(x.amount)
        for s in parse_statement_file((CORPUS / row["path"]).read_bytes())
        for x in s.lines
    )
    if theirs:
        assert ours == theirs


def test_line_identities_are_stable_and_distinct():
    data = (CORPUS / "mt940/oca-nl/test-ing.940").read_bytes()
    first = [i for s in parse_statement_file(data) for i in line_identities(s)]
    again = [i for s in parse_statement_file(data) for i in line_identities(s)]
    assert first == again and len(set(first)) == len(first)
