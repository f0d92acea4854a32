from datetime import date

import pytest

from shared.domain.statements.matching import (
    InvoiceIndex,
    MatchSettings,
    OpenInvoice,
    match_lines,
    name_similarity,
    subset_with_sum,
)
from shared.domain.statements.model import StatementLine

KORENBLOEM = "Bakkerij De Korenbloem B.V."
INVOICES = [
    OpenInvoice("F-2024-0012", "D1", KORENBLOEM, 12_100, "5000056789012345", date(2024, 1, 1)),
    OpenInvoice(
        "F-2024-0013", "D1", KORENBLOEM, 5_000, None, date(2024, 2, 1), ("NL91ABNA0417164300",)
    ),
    OpenInvoice("F-2024-0014", "D1", KORENBLOEM, 2_500, None, date(2024, 3, 1)),
    OpenInvoice("F-2024-0099", "D2", "J. Jansen", 7_700, None, date(2024, 2, 1)),
    OpenInvoice("2024/0100", "D3", "Van Dam Bouw", 7_700, None, date(2024, 2, 1)),
]


def line(amount, **kw):
    return StatementLine(date(2024, 3, 10), None, amount, "EUR", **kw)


def run(*lines, settings=None):
    return match_lines(list(lines), InvoiceIndex(INVOICES), settings)


@pytest.mark.parametrize(
    ("statement_line", "booked"),
    [
        (
            line(12_100, remittance="betalingskenmerk 5000 0567 8901 2345"),
            [("F-2024-0012", 12_100)],
        ),
        (line(12_100, reference="5000056789012345"), [("F-2024-0012", 12_100)]),
        (line(6_000, reference="5000056789012345"), [("F-2024-0012", 6_000)]),  # partial
        (
            line(5_000, remittance="Factuur F 2024 0013", counterparty_name="Korenbloem"),
            [("F-2024-0013", 5_000)],
        ),
        (
            line(7_700, remittance="fact 2024/0100", counterparty_name="Bouwbedrijf Van Dam"),
            [("2024/0100", 7_700)],
        ),
        (
            line(
                7_500,
                remittance="facturen F-2024-0013 en F-2024-0014",
                counterparty_name=KORENBLOEM,
            ),
            [("F-2024-0013", 5_000), ("F-2024-0014", 2_500)],
        ),
    ],
)
def test_automatic_bookings(statement_line, booked):
    result = run(statement_line)[0]
    assert [(a.invoice_number, a.amount) for a in result.booked] == booked, result.reasons
    assert result.reasons


@pytest.mark.parametrize(
    "statement_line",
    [
        line(7_700, remittance="F-2024-009"),  # one character off: suggest only
        line(7_700, remittance="betaling"),  # amount alone never books (two invoices of 77.00)
        line(20_000, reference="5000056789012345"),  # overpayment: staff decide
        line(17_100, counterparty_iban="NL91ABNA0417164300"),  # IBAN + subset: suggestion
    ],
)
def test_uncertain_lines_are_suggestions(statement_line):
    result = run(statement_line)[0]
    assert result.booked == ()


def test_fuzzy_number_is_suggested_with_a_score():
    result = run(line(7_700, remittance="F-2024-009"))[0]
    assert result.suggested[0][0].invoice_number == "F-2024-0099"
    assert 0 < result.suggested[0][1] < 0.85


def test_known_iban_with_subset_sum_suggests_the_set():
    result = run(line(17_100, counterparty_iban="NL91ABNA0417164300"))[0]
    assert {a.invoice_number for a, _ in result.suggested} == {"F-2024-0012", "F-2024-0013"}


def test_debits_and_returns_are_not_matched():
    results = run(
        line(-5_000, remittance="F-2024-0013"),
        line(5_000, remittance="F-2024-0013", return_reason="MS03"),
    )
    assert results == []


def test_two_lines_cannot_pay_the_same_invoice_twice():
    first, second = run(
        line(12_100, reference="5000056789012345"), line(12_100, reference="5000056789012345")
    )
    assert first.booked and not second.booked


def test_threshold_and_margin_are_settings():
    strict = MatchSettings(auto_threshold=0.99, margin=0.5)
    assert run(line(12_100, reference="5000056789012345"), settings=strict)[0].booked
    assert not run(line(6_000, reference="5000056789012345"), settings=strict)[0].booked


def test_subset_search_is_unique_or_nothing():
    a = OpenInvoice("A", "D", "x", 100)
    b = OpenInvoice("B", "D", "x", 200)
    c = OpenInvoice("C", "D", "x", 300)
    remaining = {"A": 100, "B": 200, "C": 300}
    assert subset_with_sum([a, b, c], 500, remaining) == (b, c)
    assert subset_with_sum([a, b, c], 300, remaining) == (c,)
    assert subset_with_sum([a, b, c], 700, remaining) is None


def test_name_similarity_ignores_legal_forms():
    assert name_similarity("Bakkerij De Korenbloem B.V.", "KORENBLOEM BAKKERIJ") == 1.0
    assert name_similarity("J. Jansen", "Pietersen") == 0.0
