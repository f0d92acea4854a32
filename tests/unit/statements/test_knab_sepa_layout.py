"""bankfiles24: since 2016 Knab writes its :86: in ABN AMRO's SEPA layout, the bank's own
``/TRTP/`` first ("/TRTP/SEPA OVERBOEKING/IBAN/../BIC/../NAME/../EREF/../REMI/.."). Inning read
a Knab account's :86: only in Knab's older layout (the payer's text, then "REK: <IBAN>/NAAM:")
and took every other one for free text: the payer's name, BIC and end-to-end id were lost and
the remittance was the whole slash text ("TRTP/SEPA OVERBOEKING/IBAN/NL61RABO..."), so no
invoice number in it was the payer's description. Files of three projects (zilverline/mt940,
fruitl00p/php-mt940, webschik/mt940-js), expected values as zilverline's own spec has them."""

from __future__ import annotations

import pytest

from shared.domain.statements.details_nl import split_details
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

FOLDER = STATEMENTS / "mt940" / "bankfiles24"

# file: (IBAN, name, BIC, end-to-end id, remittance)
READ = {
    "zilverline_knab_sepa_overboeking.txt": (
        "NL61RABO0242424242", "ABABABABA AAAA SSSSSS", "KNABNL2HXXX", "3111211AA002222",
        "201604-005",
    ),
    "zilverline_knab_sepa_doorlopend_incasso.txt": (
        "NL52RBOS0343434343", "ABLAS", "KNABNL2HXXX", "DD2EFGAD446A45379D13C0DHDHDHDHAS",
        "ABLAS:9999999999, FACTUURNUMMER:88888888",
    ),
    "zilverline_knab_sepa_acceptgiro.txt": (
        "NL86INGB0002445588", "BELASTINGDIENST", "INGBNL2AXXX", "6767676767676766",
        "AANGIFTE LOONHEFFINGEN APRIL 1234 5678 1234 5678 6767676767676766",
    ),
    "zilverline_knab_sepa_ideal.txt": (
        "NL51ABNA0393939393", "ABSCS", "ABNANL2AXXX", None,
        "1717171717171711 6868686868686868 FHFHA-XXXXXXXXAREWERT - DD 1234 GHAKDLLLA4AAA",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", READ, ids=READ.keys())
def test_knabs_sepa_layout_names_the_payer(name: str) -> None:
    [statement] = parse_statement_file((FOLDER / name).read_bytes())
    [line] = statement.lines
    got = (
        line.counterparty_iban,
        line.counterparty_name,
        line.counterparty_bic,
        line.end_to_end_id,
        line.remittance,
    )
    assert got == READ[name]
    assert "TRTP" not in (line.remittance or "")  # was the whole slash text


def test_both_of_knabs_layouts_in_one_page() -> None:
    """php-mt940's Knab sample: the older layout's "REK: <IBAN>/NAAM:" line still names the
    payer, and the SEPA layout's line beside it names its own."""
    [statement] = parse_statement_file((FOLDER / "knab_php_mt940_sample.sta").read_bytes())
    older, sepa = statement.lines[1], statement.lines[4]
    assert (older.counterparty_iban, older.counterparty_name) == ("NL52RABO0326203011", "SOME NAME")
    assert (sepa.counterparty_iban, sepa.counterparty_name, sepa.end_to_end_id) == (
        "NL83ABNA0437015300",
        "ACHMEA SCHADEVERZEKERINGEN N.V.",
        "5002100023310160",
    )
    assert sepa.remittance == "EERSTE MAAND, MAART VERZEKERING 5002100023 310160"


def test_a_card_payment_without_an_account() -> None:
    """mt940-js's Knab file: a card payment abroad names the shop, no account (was None)."""
    [statement] = parse_statement_file((FOLDER / "knab_mt940js_base2.mta").read_bytes())
    first = statement.lines[0]
    assert (first.counterparty_iban, first.counterparty_name) == (None, "ITM HANDELSGESELLSCHAF")
    assert first.remittance == "KIEFERSFELDEN 25-02-2017 16:57 PAS: 8XX9"


def test_a_rek_line_in_the_remittance_is_the_payers_text() -> None:
    """In the SEPA layout a "REK: <IBAN>/NAAM:" row is the payer's remittance wrapped to a
    line's start: never the typed account and name (as the older layout read it). Nor the
    /IBAN/ and /NAME/ before it: an older line's description can start so (attack25 F1)."""
    text = (
        "/TRTP/SEPA OVERBOEKING/IBAN/NL61RABO0242424242/BIC/RABONL2UXXX\n"
        "/NAME/J JANSEN/EREF/NOTPROVIDED/REMI/FACTUUR F-1 BETAALD VOOR\n"
        "REK: NL91ABNA0417164300/NAAM: CLIENT C2 BV"
    )
    read = split_details(text, bank="KNAB")
    assert (read.counterparty_iban, read.counterparty_name) == (None, None)
    assert read.remittance is not None and "NL91ABNA0417164300" in read.remittance
