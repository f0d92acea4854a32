"""A payer's name, address and batch reference in ``:86:`` are his text, never the bank's codes
(stmt12 #1), as his end-to-end id already was (attack11b B2, B5). SEPA allows '/' in them, so
a name ``J/REMI/INV-1``, a name carrying ``/CNTP/<IBAN>`` or ``/OCMT/`` ``/CHGS/``, or a
``/PREF/`` carrying them, must not become a remittance, a counter-account or the bank's
charges. Each bank's layout bounds them (tests/fixtures/statements/mt940/stmt12/):

- ING: ``/CNTP/<IBAN>/<BIC>/<name>/<city>/`` runs to the first '//' after the BIC, the city
  after the name's last '/'; ``/PREF/`` ends at '//' like ``/EREF/``;
- Rabobank: ``/ORDP//NAME/<name>/ADDR/<address>/REMI/``: a value ends at the first code of
  the bank's layout it does not write again after it, or at Rabobank's empty ``/REMI//``;
  ``/PREF/`` before its ``/ORDP//``;
- ABN AMRO: ``/NAME/<name>/REMI/<text>/EREF/<id>``, ``/PREF/<id>/NRTX/<n>/PIND/..``.

Before: ABN AMRO's name ``J/REMI/INV-1`` made the remittance ``INV-1`` (the bank's ``F-1``
lost); a name or /PREF/ carrying ``/CNTP/NL91ABNA...`` was the payer's account; ING's name or
/PREF/ carrying ``/OCMT/EUR105,00/CHGS/EUR5,00`` booked a credit of 100.00 as 105.00."""

from __future__ import annotations

from typing import Any

import pytest

from shared.api.console.action_text import title
from shared.domain.statements.details_nl import split_details
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

PAYER = "NL02RABO0123456789"
STRANGER = "NL91ABNA0417164300"  # the account a payer's text names: never the payer's
RABO_PAYER = "NL77RABO0987654321"  # Rabobank writes the payer's IBAN in :61:


def _lines(name: str) -> tuple[list[Any], tuple[str, ...]]:
    (statement,) = parse_statement_file((STATEMENTS / "mt940" / "stmt12" / name).read_bytes())
    assert statement.balance_difference() == 0
    return list(statement.lines), statement.warnings


def _note(line: int, what: str, codes: str) -> str:
    return (
        f"line {line}: the payer's {what} contains {codes}: read as his text, not as the bank's; "
        "the credit is booked as it arrived; check the payment with the bank"
    )


@pytest.mark.parametrize(
    ("bank", "payer", "first"),
    [("ing", PAYER, 5), ("rabo", RABO_PAYER, 6), ("abn", PAYER, 8)],
)
def test_a_name_with_remi_is_the_name_and_the_banks_remittance_stays(
    bank: str, payer: str, first: int
) -> None:
    lines, warnings = _lines(f"{bank}_payer_written.sta")
    line = lines[0]
    assert (line.counterparty_name, line.remittance) == ("J/REMI/INV-1", "F-1")
    assert (line.counterparty_iban, line.amount) == (payer, 10_000)
    assert warnings[0] == _note(first, "name", "/REMI/")


@pytest.mark.parametrize(("bank", "payer"), [("rabo", RABO_PAYER), ("abn", PAYER)])
def test_a_counter_account_in_the_name_or_batch_reference_is_not_the_payers(
    bank: str, payer: str
) -> None:
    lines, warnings = _lines(f"{bank}_payer_written.sta")
    named, batch = lines[1], lines[2]
    assert named.counterparty_name == f"X/CNTP/{STRANGER}/B/KLANT"
    assert (named.counterparty_iban, named.remittance) == (payer, "F-2")
    assert STRANGER not in {batch.counterparty_iban}
    assert batch.batch_id is not None and batch.batch_id.endswith(f"/CNTP/{STRANGER}/B/K")
    assert [w.split(": the payer's ")[1].split(" contains")[0] for w in warnings[1:]] == [
        "name", "batch reference (/PREF/)",
    ]  # fmt: skip


def test_ing_figures_in_the_name_or_batch_reference_book_what_arrived() -> None:
    lines, warnings = _lines("ing_payer_written.sta")
    assert [(x.amount, x.charges, x.moved) for x in lines] == [(10_000, 0, 10_000)] * 3
    named, batch = lines[1], lines[2]
    assert named.counterparty_name == "K/OCMT/EUR105,00/CHGS/EUR5,00"
    assert (named.counterparty_iban, named.remittance) == (PAYER, "F-2")
    assert batch.batch_id == "B-7/OCMT/EUR105,00/CHGS/EUR5,00"
    assert warnings[1:] == (
        _note(8, "name", "/OCMT/, /CHGS/"),
        _note(11, "batch reference (/PREF/)", "/OCMT/, /CHGS/"),
    )


def test_the_note_reads_in_dutch() -> None:
    assert title(_note(5, "name", "/REMI/"), "nl").startswith(
        "regel 5: de naam van de betaler bevat /REMI/: gelezen als zijn tekst"
    )
    assert title(_note(11, "batch reference (/PREF/)", "/CNTP/"), "nl").startswith(
        "regel 11: de batchreferentie (/PREF/) van de betaler bevat /CNTP/"
    )
    assert title(_note(3, "address", "/REMI/"), "nl").startswith("regel 3: het adres van de")


def test_the_banks_own_layouts_read_as_before() -> None:
    # ING: an empty BIC, a city, no city; the payer's name ends where the bank's '//' starts
    ing = split_details(
        f"/EREF/F1//CNTP/{PAYER}//A. Jansen///REMI/STRD/CUR/5000056789012345/", bank="INGB"
    )
    assert (ing.counterparty_name, ing.counterparty_bic, ing.reference) == (
        "A. Jansen", None, "5000056789012345",
    )  # fmt: skip
    city = split_details(f"/EREF/E//CNTP/{PAYER}/INGBNL2A/ING Test/AMSTERDAM//REMI/USTD//F/")
    assert (city.counterparty_name, city.remittance) == ("ING Test", "F")
    # Rabobank: its empty /REMI// before the text, /ISDT/ after an empty one, /ADDR/
    twice = split_details(
        "/EREF/1/ORDP//NAME/STG. KLANT/ADDR/Dr. Huisstraat 99/REMI//REMI/AFREK. 11", bank="RABO"
    )
    assert (twice.counterparty_name, twice.remittance) == ("STG. KLANT", "AFREK. 11")
    isdt = split_details("/EREF/X/BENM//NAME/CONTRA HOLDER/REMI//ISDT/2013-07-11", bank="RABO")
    assert (isdt.counterparty_name, isdt.remittance) == ("CONTRA HOLDER", None)
    # ABN AMRO: /NAME/ then /REMI/, its batch /PREF/ then /NRTX/
    abn = split_details(
        f"/TRTP/SEPA OVERBOEKING/IBAN/{PAYER}/BIC/RABONL2U/NAME/CAFE/REMI/897/EREF/NOTPROVIDED",
        bank="ABNA",
    )
    assert (abn.counterparty_name, abn.remittance, abn.payer_texts) == ("CAFE", "897", ())
    batch = split_details("/TRTP/SEPA Incasso batch/PREF/109180-911/NRTX/162/PIND/BRUTO")
    assert (batch.batch_id, batch.payer_texts) == ("109180-911", ())
    # a code in the name the bank writes again later is his; one it does not, the bank's end
    # (up to the first '//': a /REMI/ in the remittance after "USTD//" is no recurrence)
    addr = split_details("/EREF/N/ORDP//NAME/J/ADDR/X/ADDR/Y/REMI/USTD//F-9 /REMI/ 2/", bank="RABO")
    assert (addr.counterparty_name, addr.remittance) == ("J/ADDR/X", "F-9")
    assert addr.payer_texts == ()  # /ADDR/ is no code a person is told of
