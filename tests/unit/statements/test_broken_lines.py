"""MT940 lines a newcomer fed Inning (review newcomer5, findings 3, 4, 8): an amount written with
a thousands point ("1.169,90") was read as 1.00 and booked; a ``:61:`` the grammar cannot read
was refused with the library's object dump and no line; an invoice number shaped like an IBAN
(FA2024000012345) in a free-text ``:86:`` became the payer's account and vanished from the text
the matcher reads."""

from __future__ import annotations

import pytest

from shared.domain.statements.model import StatementError
from shared.domain.statements.parse import parse_statement_file


def _file(
    line_61: str, details: str = "/ORDP//NAME/P. de Groot/REMI/kenmerk 1000000000004242"
) -> bytes:
    return (
        ":20:940S261201\n:25:NL02ABNA0123456789\n:28C:0\n:60F:C261130EUR1000,00\n"
        f":61:{line_61}\n:86:{details}\n:62F:C261201EUR2169,90\n"
    ).encode()


@pytest.mark.parametrize(
    "amount", ["1.169,90", "169.90", "1,169.90", "1,169,90", "1 169,90", "1'169,90"]
)
def test_an_amount_that_is_not_swift_is_refused_with_its_line(amount):
    with pytest.raises(StatementError) as refused:
        parse_statement_file(_file(f"2612011201C{amount}NTRFNONREF"))
    assert refused.value.line == 5 and refused.value.field == "61"
    assert "not a SWIFT amount" in str(refused.value) and amount in str(refused.value)


def test_a_swift_amount_is_read_to_the_cent():
    [statement] = parse_statement_file(_file("2612011201C1169,90NTRFNONREF"))
    assert [line.amount for line in statement.lines] == [116990]


def test_a_61_the_grammar_cannot_read_says_its_line_and_what_a_61_holds(capsys):
    with pytest.raises(StatementError) as refused:
        parse_statement_file(_file("20120101X12C121,00NOVB"))
    assert refused.value.line == 5
    assert ":61: not understood" in str(refused.value) and "object at 0x" not in str(refused.value)
    assert "Using regex" not in capsys.readouterr().err  # the library's debug dump is not run


def test_an_invoice_number_shaped_like_an_iban_stays_text():
    details = "/ORDP//NAME/Jansen Bouw BV/REMI/factuur FA2024000012345"
    [statement] = parse_statement_file(_file("2612011201C1169,90NTRFNONREF", details))
    [line] = statement.lines
    assert line.counterparty_iban is None
    assert "FA2024000012345" in (line.remittance or "")


def test_a_real_iban_in_free_text_is_read_but_is_not_the_payer():
    """The payer wrote it: anybody's account, a hint for matching only (iban24)."""
    details = "/REMI/NL91ABNA0417164300 P. Pietersen factuur 2024-17"
    [statement] = parse_statement_file(_file("2612011201C1169,90NTRFNONREF", details))
    [line] = statement.lines
    assert (line.counterparty_iban, line.iban_in_text) == (None, "NL91ABNA0417164300")
