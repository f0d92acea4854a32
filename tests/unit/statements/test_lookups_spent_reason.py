"""A line the matcher cannot book because its lookups ran out says why and what to do, in
English and on the Dutch pages (newcomer32 F6): a real Rabobank iDEAL credit (review14's first
line: an iDEAL transaction id, a reference and "F-1" in its text, booked since match32) read
"not booked: more lookups needed than a line may make", which told a credit manager neither."""

from __future__ import annotations

from datetime import date

from shared.api.console.action_text import reason
from shared.domain.statements.matching import (
    LOOKUPS_SPENT,
    InvoiceIndex,
    OpenInvoice,
    match_lines,
)
from shared.domain.statements.model import StatementLine


def test_a_line_out_of_lookups_says_why_it_waits() -> None:
    # three numbers nobody wrote as ours and an account two debtors pay from: six lookups (the
    # review14 iDEAL line itself now books, match32)
    shared = ("NL91ABNA0417164300",)
    invoices = [
        OpenInvoice("F-1", "D1", "J. Jansen", 12_100, None, date(2026, 11, 1), debtor_ibans=shared),
        OpenInvoice("G-9", "D2", "K. Smit", 5_000, None, date(2026, 11, 1), debtor_ibans=shared),
    ]
    line = StatementLine(date(2026, 12, 2), None, 12_100, "EUR",
                         remittance="order 12345678 klant 23456789 rit 34567890",
                         counterparty_name="J. Jansen", counterparty_iban=shared[0])  # fmt: skip
    [result] = match_lines([line], InvoiceIndex(invoices))
    assert not result.booked and result.reasons[-1] == LOOKUPS_SPENT, result.reasons
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
