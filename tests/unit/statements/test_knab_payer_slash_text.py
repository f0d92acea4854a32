"""attack14 A1: at Knab the payer's description comes first and the bank's
``REK: <IBAN>/NAAM: <name>`` line last. A description starting "/CNTP/<IBAN>/.." (or
"/EREF/..", "/RTRN/..") was read as the bank's slash tags: the payer wrote the counterparty's
IBAN and name (an account proved as a client's, another client's debtor drawn on the pooled
account), an end-to-end id or a return. The bank's own layout decides: Knab's REK: line is the
payer, and the description is text."""

from __future__ import annotations

import pytest

from shared.domain.statements.details_nl import split_details
from shared.domain.statements.parse import parse_statement_file

REAL = "NL55KNAB0255525598"  # the account the money came from (the bank's REK: line)
VICTIM = "NL91ABNA0417164300"  # another debtor's account, typed by the payer
BANK_LINE = f"REK: {REAL}/NAAM: ATTACKER"

FORGED = {
    "cntp": f"/CNTP/{VICTIM}/ABNANL2A/J JANSEN//REMI/F-0001",
    "cntp-no-double-slash": f"/CNTP/{VICTIM}/ABNANL2A/J JANSEN BV/REMI/F-0001/",
    "leading-space": f" /CNTP/{VICTIM}/ABNANL2A/J JANSEN//REMI/F-0001",
    "eref": "/EREF/SDD-E2E-1234//REMI/F-0001",
    "rtrn": "/TRTP/SEPA OVERBOEKING/RTRN/MD06/EREF/SDD-E2E-1234/REMI/F-0001",
    "name": f"/IBAN/{VICTIM}/BIC/ABNANL2A/NAME/J JANSEN/REMI/F-0001",
}


@pytest.mark.parametrize("text", FORGED.values(), ids=FORGED.keys())
def test_a_payers_slash_text_at_knab_names_nothing(text: str) -> None:
    # Knab only where the bank says so (docs15): a Knab account's statement names Knab by its
    # IBAN (NLxxKNAB..) or its header; a bare number in a file naming no bank is nobody's
    read = split_details(f"{text}\n{BANK_LINE}", bank="KNAB")
    assert (read.counterparty_iban, read.counterparty_name) == (REAL, "ATTACKER")
    assert read.counterparty_bic is None
    assert read.end_to_end_id is None
    assert read.return_reason is None and read.return_in_text is None
    assert read.remittance == " ".join(text.split()).strip(" /")  # the description, as text
    assert read.reference is None or read.reference == "F-0001"


def test_a_knab_line_without_the_banks_account_line_is_text() -> None:
    """Knab writes no slash tags of its own: its line without REK: (costs, interest) is text."""
    read = split_details(f"/CNTP/{VICTIM}/ABNANL2A/J JANSEN//REMI/F-0001", bank="KNAB")
    assert read.counterparty_name is None and read.end_to_end_id is None
    # an IBAN in the text, as in any free text: the payer's writing, never his account
    assert (read.counterparty_iban, read.iban_in_text) == (None, VICTIM)
    assert read.remittance == f"CNTP/{VICTIM}/ABNANL2A/J JANSEN//REMI/F-0001"


def test_another_banks_slash_layout_reads_as_before() -> None:
    """At a bank the file names its layout decides: ING's /CNTP/ is the bank's."""
    text = f"/CNTP/{VICTIM}/ABNANL2A/J JANSEN//REMI/F-0001"
    read = split_details(text, bank="INGB")
    assert (read.counterparty_iban, read.counterparty_name) == (VICTIM, "J JANSEN")


def test_a_knab_file_reads_the_banks_account_whatever_the_description() -> None:
    """Through the statement parser: the file's header names Knab."""
    data = (
        "{1:F01KNABNL2HAXXX0000000000}{2:I940KNABNL2HXXXXN3020}{4:\n:20:ABCDEFG123343545\n"
        ":25:0123456789\n:28C:1/1\n:60F:C141024EUR0,\n"
        ":61:1410241024C0,01NTRFNONREF//ABC9886658908791\n"
        f":86:{FORGED['cntp']}\n{BANK_LINE}\n:62F:C141027EUR0,01\n-}}\n"
    ).encode()
    [statement] = parse_statement_file(data)
    [line] = statement.lines
    assert (line.counterparty_iban, line.counterparty_name) == (REAL, "ATTACKER")
    assert line.end_to_end_id is None
