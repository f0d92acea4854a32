"""Invoice numbers as payers' accounting packages write them in a Rabobank description (review
newcomer5, finding 1, from dovadi/mt940's real Rabobank SEPA file): a number followed by the
invoice date after a slash, and a number behind a longer unrelated one. The numbers were never
looked up: the line became unknown money or a suggestion on its amount alone."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.statements.matching import InvoiceIndex, OpenInvoice, digit_groups, match_lines
from shared.domain.statements.model import StatementLine

INVOICES = [
    OpenInvoice("201303-111", "D1", "Bedrijf B.V.", 10_000, None, date(2013, 3, 1)),
    OpenInvoice("201303-112", "D1", "Bedrijf B.V.", 6_990, None, date(2013, 3, 1)),
    OpenInvoice("201303-088", "D2", "EVEREST BV", 1_343_100, None, date(2013, 3, 1)),
    OpenInvoice("2013-0456", "D3", "Jansen Bouw", 25_000, None, date(2013, 3, 1)),
]


@pytest.mark.parametrize(
    ("text", "amount", "name", "booked"),
    [
        ("NR.201303-111/11.3.2013NR.201303-112/11.3.2013", 16_990, "Bedrijf B.V.",
         [("201303-111", 10_000), ("201303-112", 6_990)]),
        ("12420/20001512 201303-088 XX201303-088XX ZILVERLINE TRAINING1098 TW AMSTERDAM",
         1_343_100, "EVEREST BV", [("201303-088", 1_343_100)]),
        ("factuur 2013-0456/15-03-2013", 25_000, "Jansen Bouw", [("2013-0456", 25_000)]),
    ],
)  # fmt: skip
def test_a_number_written_with_its_date_or_behind_another_is_booked(text, amount, name, booked):
    line = StatementLine(date(2013, 3, 12), None, amount, "EUR", remittance=text,
                         counterparty_name=name)  # fmt: skip
    [result] = match_lines([line], InvoiceIndex(INVOICES))
    assert [(a.invoice_number, a.amount) for a in result.booked] == booked, result.reasons


def test_a_dates_year_is_no_invoice_number_and_a_long_runs_tails_come_last():
    assert digit_groups("NR.201303-111/11.3.2013") == ["111"]
    assert digit_groups("betaling 7.9.2021") == []
    assert digit_groups("12420/20001512 201303-088")[:2] == ["20001512", "088"]
    assert digit_groups("202401483") == ["202401483", "01483", "1483"]  # the hyphen left out
    assert digit_groups("2024-01483") == ["01483"]


def test_a_number_glued_to_another_reference_by_a_letter_led_piece_is_in_the_description():
    # newcomer5: "1000122-P5549161" (our invoice, the payer's own purchase-order number) was one
    # token, so the invoice number counted only as a tail of a longer number
    invoices = [OpenInvoice("1000122", "D9", "Smit Techniek", 48_400, None, date(2013, 3, 1))]
    line = StatementLine(date(2013, 3, 12), None, 48_400, "EUR", remittance="1000122-P5549161",
                         counterparty_name="Smit Techniek")  # fmt: skip
    [result] = match_lines([line], InvoiceIndex(invoices))
    assert [(a.invoice_number, a.amount) for a in result.booked] == [("1000122", 48_400)]
    assert "rule number: invoice number 1000122 in the description" in result.reasons


def test_a_letter_led_piece_is_no_reason_to_book_a_different_number():
    # the split adds pieces, it never widens a number: "2024-A001" names neither 2024 nor A0012
    invoices = [OpenInvoice("A0012", "D9", "Smit Techniek", 48_400, None, date(2013, 3, 1))]
    line = StatementLine(date(2013, 3, 12), None, 48_400, "EUR", remittance="2024-A001",
                         counterparty_name="Smit Techniek")  # fmt: skip
    [result] = match_lines([line], InvoiceIndex(invoices))
    assert result.booked == ()
