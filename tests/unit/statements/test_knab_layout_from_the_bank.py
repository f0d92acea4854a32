"""docs15: Knab's layout (the payer's description, then the bank's ``REK: <IBAN>/NAAM: <name>``
line) was also recognised from a ``REK:`` line in the :86: itself where the file names no bank,
and from a "REK: x/NAAM: y" anywhere in a free text at any bank. That line can be the payer's
own description: wrapped to a line's start in a Belgian account's statement it hid the bank's
``/IBAN/`` and ``/NAME/`` and named the account and name the payer typed (NL91ABNA0417164300,
"CLIENT C2 BV") as the counterparty. Knab's layout is now read only where the bank says the
statement is Knab's: the file's header BIC or the account's IBAN (the synthetic fixture
tests/fixtures/statements/mt940/docs15/rek_in_payer_text.sta)."""

from __future__ import annotations

import pytest

from shared.domain.statements.details_nl import split_details
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

TYPED = "NL91ABNA0417164300"  # the account the payer's description names
REAL = "NL65INGB0123456789"  # the account the bank says the money came from


def test_a_rek_line_in_a_payers_text_hides_not_the_banks_payer() -> None:
    data = (STATEMENTS / "mt940" / "docs15" / "rek_in_payer_text.sta").read_bytes()
    [statement] = parse_statement_file(data)
    tagged, free = statement.lines
    # the bank's slash tags: its /IBAN/ and /NAME/ are the payer (was NL91ABNA0417164300,
    # "CLIENT C2 BV" from the payer's text, the bank's own tags dropped as description)
    assert (tagged.counterparty_iban, tagged.counterparty_name) == (REAL, "JANSEN")
    assert tagged.remittance is not None and TYPED in tagged.remittance
    # a free text: the payer's words name no counterparty's name (was "CLIENT C2 BV")
    assert free.counterparty_name is None
    assert free.remittance == f"FACTUUR F-2025-002 VOOR REK: {TYPED}/NAAM: CLIENT C2 BV"


@pytest.mark.parametrize("bank", [None, "ABNA", "SNSB", "INGB"])
def test_rek_and_naam_in_a_free_text_name_nobody_outside_knab(bank: str | None) -> None:
    read = split_details(f"F-1 BETAALD REK: {TYPED}/NAAM: CLIENT C2 BV", bank=bank)
    assert read.counterparty_name is None
    assert read.remittance == f"F-1 BETAALD REK: {TYPED}/NAAM: CLIENT C2 BV"


def test_at_knab_the_banks_line_is_still_read() -> None:
    read = split_details(f"F-1 BETAALD\nREK: {REAL}/NAAM: J JANSEN", bank="KNAB")
    assert (read.counterparty_iban, read.counterparty_name, read.remittance) == (
        REAL, "J JANSEN", "F-1 BETAALD",
    )  # fmt: skip
