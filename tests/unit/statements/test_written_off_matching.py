"""A bank line quoting a written-off claim (ledger31): booked as a recovery only on an exact
key, its own betalingskenmerk or its number written whole from its debtor's known account;
never by its amount, its tail or a typo of its number (womatch31)."""

from datetime import date

from shared.domain.statements.matching import (
    InvoiceIndex,
    OpenInvoice,
    match_lines,
)
from shared.domain.statements.model import StatementLine

PAYER = "NL91ABNA0417164300"
OTHER = "NL02RABO0123456789"
KENMERK = "5000056789012345"
# written off, 121.00 of its principal not recovered; the debtor's account known
GONE = OpenInvoice(
    "F-2024-0012", "D1", "Bakkerij De Korenbloem", 12_100, KENMERK, date(2024, 1, 1),
    (PAYER,), written_off=True,
)  # fmt: skip
OPEN = OpenInvoice("F-2024-0099", "D2", "J. Jansen", 7_700, None, date(2024, 2, 1))


def line(amount, **kw):
    return StatementLine(date(2024, 3, 10), None, amount, "EUR", **kw)


def run(*lines, invoices=(GONE, OPEN)):
    return match_lines(list(lines), InvoiceIndex(invoices))


def test_its_own_kenmerk_books_a_recovery():
    (result,) = run(line(12_100, reference=KENMERK))
    assert [(a.invoice_number, a.amount) for a in result.booked] == [("F-2024-0012", 12_100)]
    assert any("written off: a recovery" in r for r in result.reasons)


def test_its_kenmerk_in_the_text_books_part_of_it():
    (result,) = run(line(5_000, remittance="betalingskenmerk 5000 0567 8901 2345"))
    assert [(a.invoice_number, a.amount) for a in result.booked] == [("F-2024-0012", 5_000)]


def test_its_number_from_the_debtors_known_account_books():
    (result,) = run(line(12_100, remittance="factuur F-2024-0012", counterparty_iban=PAYER))
    assert [a.invoice_number for a in result.booked] == ["F-2024-0012"]


def test_its_number_from_an_unknown_account_is_not_named():
    (result,) = run(line(12_100, remittance="factuur F-2024-0012", counterparty_iban=OTHER))
    assert result.booked == ()
    assert all(a.invoice_number != "F-2024-0012" for a, _ in result.suggested)


def test_its_amount_alone_is_no_key():
    (result,) = run(
        line(12_100, counterparty_iban=PAYER, counterparty_name="Bakkerij De Korenbloem")
    )
    assert result.booked == ()
    assert all(a.invoice_number != "F-2024-0012" for a, _ in result.suggested)


def test_a_typo_in_its_number_is_no_key():
    (result,) = run(
        line(
            12_100,
            remittance="factuur F-2024-0021",
            counterparty_iban=PAYER,
            counterparty_name="Bakkerij De Korenbloem",
        )
    )
    assert result.booked == ()
    assert all(a.invoice_number != "F-2024-0012" for a, _ in result.suggested)


def test_its_tail_alone_is_no_key():
    (result,) = run(line(12_100, remittance="voor nr 12", counterparty_iban=PAYER))
    assert result.booked == ()


def test_an_open_claim_of_the_same_amount_is_booked_not_the_written_off_one():
    open_twin = OpenInvoice("F-2024-0050", "D1", "Bakkerij De Korenbloem", 12_100, None,
                            date(2024, 2, 1), (PAYER,))  # fmt: skip
    (result,) = run(line(12_100, counterparty_iban=PAYER), invoices=(GONE, open_twin))
    assert [a.invoice_number for a in result.booked] == ["F-2024-0050"]
