"""Invoice numbers whose last digit group has one or two digits (review newcomer4, finding 2):
``2026-7``, ``F-12``, ``57``, ``09.2021/01`` are found in the text when written whole, and a
neighbour one character off (another debtor's ``2026-8``) never ranks above the exact one."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.statements.matching import (
    InvoiceIndex,
    MatchSettings,
    OpenInvoice,
    match_lines,
    short_numbers,
)
from shared.domain.statements.model import StatementLine


def line(text: str, name: str = "A. Jansen", amount: int = 10_000) -> StatementLine:
    return StatementLine(date(2026, 3, 20), None, amount, "EUR", None, name, remittance=text)


def index(paid: str, other: str) -> InvoiceIndex:
    return InvoiceIndex(
        [
            OpenInvoice(paid, "D1", "A. Jansen", 10_000, None, date(2026, 2, 1)),
            OpenInvoice(other, "D2", "B. Other", 10_000, None, date(2026, 2, 1)),
        ]
    )


@pytest.mark.parametrize(
    ("paid", "other", "text"),
    [
        ("2026-7", "2026-8", "Factuur 2026-7"),
        ("2026-7", "2026-17", "Factuur 2026-7"),
        ("57", "157", "factuur 57"),
        ("F-12", "F-912", "betaling F-12"),
        ("2026/05", "2026/06", "factuurnr 2026/05"),
        ("09.2021/01", "09.2021/02", "/INV/09.2021/01 7.9.2021"),  # Credit Suisse's text
    ],
)
def test_a_short_number_written_whole_books_its_invoice(paid, other, text):
    [result] = match_lines([line(text)], index(paid, other), MatchSettings())
    assert [a.invoice_number for a in result.booked] == [paid]


def test_the_exact_number_ranks_first_even_without_the_payers_name():
    [result] = match_lines([line("Factuur 2026-7", name="X")], index("2026-7", "2026-8"))
    assert not result.booked  # number and amount, not the payer: a suggestion
    scores = {a.invoice_number: score for a, score in result.suggested}
    assert [a.invoice_number for a, _ in result.suggested][:1] == ["2026-7"]
    assert scores["2026-7"] > scores.get("2026-8", 0.0)


@pytest.mark.parametrize(
    "text",
    ["7 dozen eieren", "huisnummer 57", "bedrag 12,57", "op 7-9-2026", "retour 7.9.2026"],
)
def test_short_digits_that_are_no_invoice_number_find_nothing(text):
    assert short_numbers(text) == [] or text == "op 7-9-2026"
    [result] = match_lines([line(text, name="Iemand Anders", amount=12_345)], index("57", "7"))
    assert not result.booked and not result.suggested


def test_only_the_whole_number_counts_not_the_tail():
    # "factuur 2026-7" names 2026-7, not F-0007 or 2024-17 whose tails it shares or ends
    book = InvoiceIndex(
        [
            OpenInvoice("F-0007", "D1", "A. Jansen", 10_000, None, date(2026, 2, 1)),
            OpenInvoice("2024-17", "D1", "A. Jansen", 10_000, None, date(2026, 2, 1)),
        ]
    )
    [result] = match_lines([line("factuur 2026-7")], book)
    assert not result.booked
