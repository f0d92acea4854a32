"""An invoice number whose digits also occur inside a payment reference on the same line is
still looked up (match32 left): the digit groups inside a reference were skipped by their
digits (``any(group in s for s in skip)``), so "FAC1234" written beside the kenmerk
"0123456789012345" was never read, and the line, its kenmerk pointing at nothing, went on the
action list. Now a group is skipped only where a reference is written."""

from __future__ import annotations

from datetime import date

from shared.domain.references import betalingskenmerk
from shared.domain.statements.matching import OpenInvoice, all_digit_groups, match_lines
from shared.domain.statements.model import StatementLine
from tests.unit.statements.test_ideal_lookup_plan import MOMENT, TRX, Asked

KENMERK = "0123456789012345"  # a valid kenmerk (check digit 0) of no invoice here


def line(remittance: str, amount: int, *, ideal: bool = False) -> StatementLine:
    return StatementLine(
        date(2026, 12, 2), None, amount, "EUR", remittance=remittance,
        counterparty_name="J. Jansen", counterparty_iban="NL91ABNA0417164300",
        end_to_end_id=MOMENT if ideal else None,
    )  # fmt: skip


def invoice(number: str, name: str, cents: int, reference: str | None = None) -> OpenInvoice:
    return OpenInvoice(number, name, name, cents, reference, date(2026, 11, 1))


def test_the_kenmerk_is_valid() -> None:
    assert betalingskenmerk.is_valid(KENMERK)


def test_a_number_whose_digits_sit_inside_the_kenmerk_is_looked_up_and_books() -> None:
    invoices = [invoice("FAC1234", "J. Jansen", 4_250), invoice("F-7", "K. Smit", 4_250)]
    for text, ideal in (
        (f"Betalingskenmerk {KENMERK} FAC1234", False),
        (f"{KENMERK} {TRX} FAC1234", True),  # iDEAL: the shop's reference, the id, our number
        ("0123 4567 8901 2345 factuur FAC1234", False),  # the kenmerk written in fours
    ):
        index = Asked(invoices)
        [result] = match_lines([line(text, 4_250, ideal=ideal)], index)
        assert [a.invoice_number for a in result.booked] == ["FAC1234"], (text, result.reasons)
        assert index.references == [KENMERK] and index.tails == ["1234"], text


def test_the_groups_of_a_written_reference_are_still_skipped() -> None:
    assert all_digit_groups(f"{KENMERK} FAC1234", exclude=[KENMERK]) == ["1234"]
    assert all_digit_groups("5000 0567 8901 2345", exclude=["5000056789012345"]) == []
    assert all_digit_groups("+++010/8068/17183+++ 8068", exclude=["010806817183"]) == ["8068"]
    assert all_digit_groups("RF18 5390 0754 7034", exclude=["RF18539007547034"]) == []


def test_a_kenmerk_of_another_invoice_beside_the_number_books_nothing() -> None:
    # the precision guard: the kenmerk names K. Smit's F-7 owing the same amount, the text
    # names J. Jansen's FAC1234: two fit, neither is booked
    kenmerk = betalingskenmerk.generate("000000000009876")
    invoices = [invoice("FAC1234", "J. Jansen", 4_250), invoice("F-7", "K. Smit", 4_250, kenmerk)]
    [result] = match_lines([line(f"{kenmerk} FAC1234", 4_250)], Asked(invoices))
    assert result.booked == (), result.reasons
    assert [a.invoice_number for a, _ in result.suggested] == ["F-7", "FAC1234"]
    assert "not booked: runner-up scores 0.95, too close" in result.reasons


def test_an_invoice_ending_in_the_kenmerks_digits_is_still_not_read_from_it() -> None:
    decoy = [invoice("2026-2345", "K. Smit", 4_250)]  # owes the amount; 2345 ends the kenmerk
    index = Asked(decoy)
    [result] = match_lines([line(f"{KENMERK} Bestelling", 4_250)], index)
    assert result.booked == () and index.tails == [], result.reasons
