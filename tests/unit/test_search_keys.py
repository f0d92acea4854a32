"""The key range a console search reads for what a person typed."""

from __future__ import annotations

import pytest

from shared.domain.search.keys import DebtorBy, InvoiceBy, fold, name_matches, query_term


@pytest.mark.parametrize(
    ("by", "typed", "term"),
    [
        (DebtorBy.NAME, "Mül", "mul"),
        (DebtorBy.NAME, "de G", "de|"),  # a whole word: its own range, not "dekker" or "den"
        (DebtorBy.NAME, "de ", "de|"),
        (DebtorBy.NAME, "Jan de Vries", "vries"),  # the longest word being typed
        (DebtorBy.NAME, "  ", None),
        (DebtorBy.NUMBER, "K/3", "k3"),
        (InvoiceBy.NUMBER, "F-2025/00", "f202500"),
        (InvoiceBy.REFERENCE, "5000 0567", "50000567"),
        (InvoiceBy.REFERENCE, "abc", None),
        (InvoiceBy.AMOUNT, "€ 121,00", "000000000012100"),
        (InvoiceBy.AMOUNT, "1.234,56", None),  # thousands separators are refused, not guessed
    ],
)
def test_query_term(by: DebtorBy | InvoiceBy, typed: str, term: str | None) -> None:
    assert query_term(by, typed) == term


def test_names_match_on_word_starts() -> None:
    assert name_matches("Bakkerij Jansen", "bak jans")
    assert not name_matches("Bakkerij Jansen", "akker")
    assert fold("Müller & Zonen") == "mullerzonen"
