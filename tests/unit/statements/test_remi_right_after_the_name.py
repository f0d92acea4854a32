"""Where a ``:86:`` puts the bank's ``/REMI/`` straight after the payer's name, with no space
and no closing '/', the name ends there and the remittance (the invoice number) is read
(misc13). ING's own files always close the city with '/' before its ``/REMI/``
(``/CNTP/<iban>/<bic>/<name>/<city>//REMI/``, the city may be empty: ``J.Janssen///REMI/``), so
ING's layout is read as before; ABN AMRO's and bunq's ``/NAME/<name>/REMI/`` already ended at
it. Before: at ING ``/CNTP/<iban>/<bic>/Jansen BV/REMI/USTD//F-2026-001/`` read the name
``Jansen BV/REMI/USTD`` up to the remittance's own '//' and no remittance: the credit named no
invoice."""

from __future__ import annotations

import re

import pytest

from shared.domain.statements.details_nl import split_details
from tests.conftest import STATEMENTS

CNTP = "/EREF/NOTPROVIDED//CNTP/NL02RABO0123456789/RABONL2U/"


@pytest.mark.parametrize(
    "after_bic",
    [
        "Jansen BV/REMI/USTD//F-2026-001/",  # no city, no closing '/'
        "Jansen BV/AMSTERDAM/REMI/USTD//F-2026-001/",  # a city, no closing '/'
        "Jansen BV/AMSTERDAM//REMI/USTD//F-2026-001/",  # ING's own layout
        "Jansen BV///REMI/USTD//F-2026-001/",  # ING's, the city empty
    ],
)
def test_an_ing_name_ends_at_the_remi_after_it(after_bic: str) -> None:
    d = split_details(CNTP + after_bic, bank="INGB")
    assert (d.counterparty_name, d.remittance) == ("Jansen BV", "F-2026-001")
    assert d.counterparty_iban == "NL02RABO0123456789" and d.payer_texts == ()


def test_a_structured_reference_right_after_the_name_is_read() -> None:
    d = split_details(CNTP + "Jansen BV/REMI/STRD/CUR/5200150700013379/", bank="INGB")
    assert (d.counterparty_name, d.reference) == ("Jansen BV", "5200150700013379")


def test_a_remi_the_payer_wrote_in_his_name_stays_his_where_ing_writes_its_own() -> None:
    # stmt12: ING's own "/REMI/" follows a '/'; the bare one before it is the payer's text
    d = split_details(CNTP + "J/REMI/INV-1/AMSTERDAM//REMI/USTD//F-1/", bank="INGB")
    assert (d.counterparty_name, d.remittance) == ("J/REMI/INV-1", "F-1")
    assert d.payer_texts == (("NAME", ("REMI",)),)


@pytest.mark.parametrize("bank", ["ABNA", "INGB"])
def test_a_name_tag_followed_by_remi_ends_there(bank: str) -> None:
    text = ("/TRTP/SEPA OVERBOEKING/IBAN/NL02RABO0123456789/BIC/RABONL2U/NAME/Jansen BV"
            "/REMI/F-2026-001/EREF/NOTPROVIDED")  # fmt: skip
    d = split_details(text, bank=bank)
    assert (d.counterparty_name, d.remittance) == ("Jansen BV", "F-2026-001")


def test_ings_own_files_close_the_city_before_their_remi() -> None:
    """The layout the reading above relies on, in every ING file we hold: a /CNTP/ or /BENM/
    party's /REMI/ follows a '/' (ING's closing slash of the city)."""
    seen = 0
    for name in ("ing-libmt94x/ing-provided-example-multiple-messages.txt",
                 "ing-libmt94x/ing-provided-example-single-message.txt",
                 "ing-libmt94x/ming-from-spec.txt",
                 "ing-libmt94x/ibp-structured-ing-provided-example.txt",
                 "oca-nl/test-ing.940", "review10/ing_ocmt_chgs.sta"):  # fmt: skip
        text = (STATEMENTS / "mt940" / name).read_text().replace("\r", "")
        for field in re.findall(r":86:(.*?)(?=\n:\d\d[A-Z]?:|\n-|\Z)", text, flags=re.S):
            joined = field.replace("\n", "")
            party = re.search(r"/(CNTP|BENM)/[^/]*/[^/]*/", joined)
            if party is None or "/REMI/" not in joined:
                continue
            seen += 1
            at = joined.index("/REMI/", party.end())
            assert joined[at - 1] == "/", (name, joined)
    assert seen >= 20
