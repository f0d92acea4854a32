"""A line the matcher cannot book because its lookups ran out says why and what to do, in
English and on the Dutch pages (newcomer32 F6): a real Rabobank iDEAL credit (review14's first
line: an iDEAL transaction id, a reference and "F-1" in its text) read "not booked: more
lookups needed than a line may make", which told a credit manager neither."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.api.console.action_text import reason
from shared.cli.main import main
from shared.domain.statements.matching import LOOKUPS_SPENT
from tests.conftest import STATEMENTS

IDEAL_DAY = STATEMENTS / "mt940/review14/rabo_day_with_return.swi"


def test_the_ideal_line_says_why_it_waits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoices = tmp_path / "open.csv"
    invoices.write_text(
        "invoice_number,debtor_name,debtor_iban,open_amount,payment_reference\n"
        "F-1,J. Jansen,,121.00,\n"
    )
    assert main(["match", "--invoices", str(invoices), "--statement", str(IDEAL_DAY)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("line 0: 121.00  suggest F-1") and LOOKUPS_SPENT in first, first
    assert "check the suggestion" in LOOKUPS_SPENT


def test_the_reason_reads_dutch_old_wording_too() -> None:
    dutch = (
        "niet geboekt: meer op te zoeken dan één regel mag (veel nummers in de omschrijving, "
        "of een rekening van veel debiteuren): controleer de suggestie"
    )
    assert reason(LOOKUPS_SPENT, "nl") == dutch
    assert reason(LOOKUPS_SPENT, "en") == LOOKUPS_SPENT
    old = "not booked: more lookups needed than a line may make"
    assert reason(old, "nl") == "niet geboekt: te veel zoekvragen nodig voor één regel"
