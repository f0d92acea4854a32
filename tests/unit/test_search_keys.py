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
        # grouped as the console writes it: the decimal part settles it (console7 finding 10)
        (InvoiceBy.AMOUNT, "1.234,56", "000000000123456"),
        (InvoiceBy.AMOUNT, "1.234", None),  # a lone group is refused, not guessed
    ],
)
def test_query_term(by: DebtorBy | InvoiceBy, typed: str, term: str | None) -> None:
    assert query_term(by, typed) == term


def test_names_match_on_word_starts() -> None:
    assert name_matches("Bakkerij Jansen", "bak jans")
    assert not name_matches("Bakkerij Jansen", "akker")
    assert fold("Müller & Zonen") == "mullerzonen"


def test_an_amount_is_found_as_the_pages_write_it() -> None:
    """console7 finding 10: "18.150,00" (as the Dutch page shows it) found nothing."""
    from shared.domain.search.keys import InvoiceBy, query_term

    wanted = query_term(InvoiceBy.AMOUNT, "18150")
    assert wanted is not None
    for typed in ("18.150,00", "€ 18.150,00", "18,150.00", "18 150,00", "18150,00"):
        assert query_term(InvoiceBy.AMOUNT, typed) == wanted, typed
    # a lone group stays a guess the search does not make
    assert query_term(InvoiceBy.AMOUNT, "1.234") is None
