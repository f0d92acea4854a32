"""bankfiles24: ABN AMRO's internet banking downloads an MT940 whose :86: is labelled, not
slashed ("SEPA OVERBOEKING   IBAN: ..  BIC: ..  NAAM: ..  OMSCHRIJVING: ..  KENMERK: .."; a
public parser's test has one of 2024, its :86: lines ended by a bare CR). Inning read it as
free text: no payer name, BIC or end-to-end id, and the remittance was the whole text with the
bank's labels ("SEPA OVERBOEKING IBAN: NL56CHAS.. BIC: .. NAAM: .. B.V.OMSCHRIJVING: .."), a
16-digit BETALINGSKENM. not the line's reference. Four files of zilverline/mt940 (expected
values as its spec has them) and one of ours in the 2024 shape."""

from __future__ import annotations

import pytest

from shared.domain.statements.details_nl import split_details
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

FOLDER = STATEMENTS / "mt940" / "bankfiles24"

# file: the last line's (IBAN, name, BIC, end-to-end id, remittance, reference)
READ = {
    "zilverline_abn_sepa_overboeking.txt": (
        "NL56CHAS0101010101", "AA GHGHGH NETHERLANDS B.V.", "CHASNL2XXXX", "7541410",
        "1412DEC 2015 CONSU LTING", None,
    ),
    "zilverline_abn_sepa_incasso_doorlopend.txt": (
        "NL83RABO0353535355", "BHBBAAA B.V.", None, "AA 2014-11-11 10:20:47/0000000007",
        "MAANDTERMIJN JANUA RI", None,
    ),
    "zilverline_abn_sepa_periodieke_overboeking.txt": (
        "NL52ABNA0777777777", "B C DE MAN", "ABNANL2A", None, "SALARIS G.G. DE MAN", None,
    ),
    "zilverline_anb_sepa_overboeking_belastingdienst.txt": (
        "NL86INGB0002445588", "BELASTINGDIENST APELDOORN", "INGBNL2A", None,
        "1234123412345678", "1234123412345678",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", READ, ids=READ.keys())
def test_the_labels_name_the_payer(name: str) -> None:
    [statement] = parse_statement_file((FOLDER / name).read_bytes())
    line = statement.lines[-1]
    got = (
        line.counterparty_iban,
        line.counterparty_name,
        line.counterparty_bic,
        line.end_to_end_id,
        line.remittance,
        line.reference,
    )
    assert got == READ[name]


def test_labels_in_the_payers_description_are_his_text() -> None:
    """Ours, in the 2024 shape (bare CRs inside the :86:): the description says "KENMERK:",
    "IBAN:" and "NAAM:" of somebody else; the bank's fields before it and its last KENMERK
    name the payer."""
    [statement] = parse_statement_file((FOLDER / "abn_labelled_cr_inside_86.sta").read_bytes())
    [line] = statement.lines
    assert (line.counterparty_iban, line.counterparty_name, line.end_to_end_id) == (
        "NL13INGB0001234567",
        "J DE VRIES",
        "E2E-4471",
    )
    assert line.remittance == (
        "FACTUUR F-2024-0117 KENMERK: NIET DIT IBAN: NL91ABNA0417164300 NAAM: CLIENT C2 BV"
    )


def test_notprovided_is_no_end_to_end_id() -> None:
    text = (
        "SEPA OVERBOEKING                 IBAN: NL13INGB0001234567\n"
        "BIC: INGBNL2A                    NAAM: HR TEST PERSON\n"
        "OMSCHRIJVING: RENT + DEPOSIT     KENMERK: NOTPROVIDED"
    )
    read = split_details(text, bank="ABNA")
    assert (read.counterparty_name, read.remittance, read.end_to_end_id) == (
        "HR TEST PERSON",
        "RENT + DEPOSIT",
        None,
    )


@pytest.mark.parametrize("bank", [None, "INGB", "RABO"])
def test_only_at_abn_amro(bank: str | None) -> None:
    """Another bank's free text that happens to read so stays text."""
    text = "SEPA OVERBOEKING IBAN: NL13INGB0001234567 NAAM: X OMSCHRIJVING: F-1"
    assert split_details(text, bank=bank).counterparty_name is None


@pytest.mark.parametrize(
    "first",
    ["SEPA OVERBOEKING                 NAAM: JAN IBAN: NL91ABNA0417164300 BIC: ABNANL2A",
     "SEPA OVERBOEKING                 IBAN: NL13INGB0001234567\n"
     "BIC: INGBNL2A                    NAAM: JAN IBAN: NL91ABNA0417164300 BIC: ABNANL2A"],
    ids=["no-bank-iban", "bank-iban-first"],
)  # fmt: skip
def test_an_iban_in_the_payers_name_is_not_the_banks(first: str) -> None:
    """review24: the bank writes IBAN: and BIC: before NAAM:; a name the payer gave as
    'JAN IBAN: NL91…' (no bank IBAN: before it) had that IBAN read as the bank's account of
    the payer (to be learned and proved, what iban24 keeps apart), and with one before it
    cut his name to 'JAN'."""
    read = split_details(f"{first}\nOMSCHRIJVING: F-1", bank="ABNA")
    assert read.counterparty_iban != "NL91ABNA0417164300"
    assert read.counterparty_name == "JAN IBAN: NL91ABNA0417164300 BIC: ABNANL2A"
    assert read.remittance == "F-1"
