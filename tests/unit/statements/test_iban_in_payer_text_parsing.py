"""iban24 at the parser: only the bank's field is the counterparty's account; an IBAN found in
the payer's own text is kept apart (``iban_in_text``), and the line keeps its identity."""

from __future__ import annotations

from shared.domain.statements.details_nl import split_details
from shared.domain.statements.model import line_identities
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

ING_UNSTRUCTURED = (
    STATEMENTS / "mt940" / "ing-libmt94x" / "ibp-unstructured-ing-provided-example.txt"
)
VICTIM = "NL91ABNA0417164300"


def test_ings_unstructured_layout_keeps_its_leading_iban_as_the_banks() -> None:
    [statement] = parse_statement_file(ING_UNSTRUCTURED.read_bytes())
    got = [(x.counterparty_iban, x.iban_in_text) for x in statement.lines]
    assert got == [
        ("NL20INGB0002222222", None), ("NL20INGB0002222222", None),
        ("NL12INGB0003333333", None), ("NL20INGB0002222222", None),
        ("NL20INGB0002222222", None),
    ]  # fmt: skip


def test_ings_old_layout_after_the_account_number_and_a_direct_debits_kind() -> None:
    for text in (
        f"0123456789 {VICTIM} ABNANL2A J. Janssen \nFactuurnr 123456",
        f"Europese Incasso, doorlopend {VICTIM} ABNANL2A JAAP\n FIETS",
    ):
        read = split_details(text, bank="INGB")
        assert (read.counterparty_iban, read.iban_in_text) == (VICTIM, None), text


def test_the_same_start_at_another_bank_is_text() -> None:
    read = split_details(f"{VICTIM} ABNANL2A J. Janssen factuur 12", bank="BUNQ")
    assert (read.counterparty_iban, read.iban_in_text) == (None, VICTIM)


def test_an_iban_later_in_an_ing_text_is_the_payers_writing() -> None:
    read = split_details(f"betaling factuur 12 van {VICTIM} INGBNL2A", bank="INGB")
    assert (read.counterparty_iban, read.iban_in_text) == (None, VICTIM)


def test_a_slash_line_without_the_banks_account_reads_the_text_iban_apart() -> None:
    read = split_details(f"/EREF/NOTPROVIDED//REMI/USTD//factuur 12 rek {VICTIM}/", bank="RABO")
    assert (read.counterparty_iban, read.iban_in_text) == (None, VICTIM)
    banks = split_details(f"/CNTP/NL02RABO0123456789/RABONL2U/J JANSEN//REMI/USTD//{VICTIM}/")
    assert (banks.counterparty_iban, banks.iban_in_text) == ("NL02RABO0123456789", None)


def test_a_line_keeps_its_identity() -> None:
    """The identity was made with the text's IBAN as the counterparty's: a file read before
    and uploaded again books nothing twice."""
    data = (
        ":20:S1\r\n:25:NL02RABO0123456789EUR\r\n:28C:1\r\n:60F:C250303EUR0,00\r\n"
        ":61:2503030303C10,00NTRFNONREF\r\n"
        f":86:/EREF/NOTPROVIDED//REMI/USTD//factuur 12 rek {VICTIM}/\r\n"
        ":62F:C250303EUR10,00\r\n-\r\n"
    ).encode()
    [statement] = parse_statement_file(data)
    [line] = statement.lines
    as_before = type(line)(**{**line.__dict__, "counterparty_iban": VICTIM, "iban_in_text": None})
    before = type(statement)(**{**statement.__dict__, "lines": (as_before,)})
    assert line_identities(statement) == line_identities(before)
