"""attack25 F3: a free-text ``:86:`` starting "<ISO return reason> <IBAN>" is ING's
unstructured return layout only in ING's file (the account at ING, or the file's own ING
header). Elsewhere it may be the payer's own description: a credit is no return, and the IBAN
he typed is a hint (``iban_in_text``, iban24), never the counterparty's account; a debit (text
the payer cannot write) keeps the reason."""

from __future__ import annotations

import pytest

from shared.domain.references import iban
from shared.domain.statements.details_nl import split_details
from shared.domain.statements.parse import parse_statement_file

VICTIM = "NL91ABNA0417164300"
TEXT = f"AC04 {VICTIM} FACTUUR F-0001"
ING_HEADER = "0000 01INGBNL2AXXXX00001\n940 00\n"


def _line(account_bank: str, sign: str, header: str = ""):
    account = iban.build("NL", account_bank + "0123456789")
    data = (
        f"{header}:20:S1\n:25:{account}EUR\n:28C:1\n:60F:C250303EUR100,00\n"
        f":61:2503030303{sign}10,00NTRFNONREF\n:86:{TEXT}\n"
        f":62F:C250303EUR{'110,00' if sign == 'C' else '90,00'}\n-\n"
    ).encode()
    [statement] = parse_statement_file(data)
    [line] = statement.lines
    return line


@pytest.mark.parametrize("bank", ["RABO", "ABNA", "KNAB", "BUNQ", "SNSB"])
def test_a_payers_credit_starting_with_a_reason_is_no_return_and_names_no_account(bank):
    line = _line(bank, "C")
    assert (line.return_reason, line.is_return) == (None, False)
    assert (line.counterparty_iban, line.iban_in_text) == (None, VICTIM)


@pytest.mark.parametrize("bank", ["RABO", "ABNA", "KNAB", "BUNQ"])
def test_a_debit_keeps_the_reason_but_the_iban_is_text(bank):
    line = _line(bank, "D")
    assert (line.return_reason, line.is_return) == ("AC04", True)
    assert (line.counterparty_iban, line.iban_in_text) == (None, VICTIM)


@pytest.mark.parametrize(("bank", "header"), [("INGB", ""), ("ABNA", ING_HEADER)])
def test_in_ings_file_it_is_the_banks_return_and_account(bank, header):
    line = _line(bank, "C", header)
    assert (line.return_reason, line.is_return) == ("AC04", True)
    assert (line.counterparty_iban, line.iban_in_text) == (VICTIM, None)


def test_the_files_own_ing_header_is_ings_layout_at_the_parser():
    read = split_details(TEXT, bank="ABNA", file_bank="INGB")
    assert (read.return_reason, read.counterparty_iban) == ("AC04", VICTIM)
    typed = split_details(TEXT, bank="ABNA")
    assert (typed.return_reason, typed.return_in_text) == (None, "AC04")
    assert (typed.counterparty_iban, typed.iban_in_text) == (None, VICTIM)
