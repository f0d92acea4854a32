"""A refused MT940 file names its line and field in words a person can act on, never a library
object's repr; text after a closing balance is no part of its amount (review newcomer8 #7)."""

from __future__ import annotations

import pytest

from shared.cli.main import main
from shared.domain.statements.model import StatementError
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

FILES = STATEMENTS / "mt940" / "review"


@pytest.mark.parametrize(
    ("name", "line", "value"),
    [
        ("day_statement_number_with_letter.sta", 3, "'1/A'"),  # :28C:1/A
        ("zetb_php_mt940_sample.sta", 4, "'/1'"),  # Zenith Bank's ":28C: /1"
    ],
)
def test_a_statement_number_not_understood_is_refused_with_its_line(name, line, value):
    with pytest.raises(StatementError) as info:
        parse_statement_file((FILES / name).read_bytes())
    refusal = info.value.as_dict()
    assert (refusal["line"], refusal["field"]) == (line, "28C")
    assert str(refusal["error"]).startswith(f":28C: statement number {value} not understood")
    assert "object at 0x" not in str(refusal["error"])


def test_the_cli_refusal_is_one_line_with_the_line_and_nothing_else(capsys):
    path = FILES / "day_statement_number_with_letter.sta"
    assert main(["statement", "parse", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"inning: error: {path}: line 3: :28C: statement number '1/A' not understood "
        "(expected a number, optionally /sequence number, e.g. 00012/001)"
    ]


def test_text_after_the_closing_balance_is_reported_not_read_as_its_amount():
    (statement,) = parse_statement_file((FILES / "day_text_after_closing_balance.sta").read_bytes())
    assert statement.closing is not None and statement.closing.amount == 10_000
    assert statement.warnings == (
        "line 9: text after the balance :62F: not read ('2. volgende voorbeeld')",
    )


def test_a_balance_with_three_decimals_is_refused_with_its_line():
    data = (FILES / "day_text_after_closing_balance.sta").read_bytes()
    data = data.replace(b":62F:C250320EUR100,00", b":62F:C250320EUR100,002")
    with pytest.raises(StatementError) as info:
        parse_statement_file(data)
    assert info.value.as_dict() == {
        "line": 8,
        "field": "62F",
        "error": ":62F: balance amount '100,002' is not an amount Inning can book (digits, one "
        "decimal comma, at most two decimals)",
    }
