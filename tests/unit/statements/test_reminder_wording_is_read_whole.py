"""A debtor who pays what a reminder asks, quoting the description it asks for, is booked.

newcomer26 F2: the starter reminder asks for "<debtor> <invoice> <invoice> ..." ("K006 2026-0026
2026-0027 2026-0029 2026-0030"). The matcher looked up at most three digit groups of a
description, so a reminder over four or more invoices was never read whole: the exact amount
of all of them "exceeded the open amount" of the three it read, and every such transfer went
to the action list as a suggestion. newcomer26 F6: the digits of a debtor number written in
that wording or in a case's transfer quote ("K061") were read as the tail of another debtor's
invoice ("2026-0061"); on the agency's account that invoice, never handed over, made the case's
money "the client's"."""

from __future__ import annotations

from datetime import date

from shared.domain.statements.matching import (
    MAX_LOOKUPS_PER_LINE,
    InvoiceIndex,
    OpenInvoice,
    candidates,
    match_lines,
)
from shared.domain.statements.model import StatementLine

KLANT6 = "J. Klant6"
K006 = [
    OpenInvoice("2026-0026", "K006", KLANT6, 67_178, None, date(2026, 8, 22)),
    OpenInvoice("2026-0027", "K006", KLANT6, 102_244, None, date(2026, 9, 9)),
    OpenInvoice("2026-0029", "K006", KLANT6, 137_374, None, date(2026, 10, 31)),
    OpenInvoice("2026-0030", "K006", KLANT6, 16_944, None, date(2026, 9, 3)),
]
OTHERS = [
    # another debtor's invoice whose tail is the digits of the debtor number K006
    OpenInvoice("2026-0006", "K002", "J. Klant2", 133_289, None, date(2026, 8, 20)),
    OpenInvoice("2026-0028", "K006", KLANT6, 113_714, None, date(2026, 12, 3)),  # not named
    OpenInvoice("2026-0061", "K013", "J. Klant13", 41_000, None, date(2026, 10, 1)),
]
WORDING = "K006 2026-0026 2026-0027 2026-0029 2026-0030"


class Counting(InvoiceIndex):
    def __init__(self, invoices):  # type: ignore[no-untyped-def]
        super().__init__(invoices)
        self.calls: list[str] = []

    def by_tail(self, tail):  # type: ignore[no-untyped-def]
        self.calls.append(f"tail {tail}")
        return super().by_tail(tail)

    def of_debtor(self, debtor):  # type: ignore[no-untyped-def]
        self.calls.append(f"debtor {debtor}")
        return super().of_debtor(debtor)

    def by_reference(self, reference):  # type: ignore[no-untyped-def]
        self.calls.append(f"reference {reference}")
        return super().by_reference(reference)

    def debtors_for_iban(self, iban):  # type: ignore[no-untyped-def]
        self.calls.append(f"iban {iban}")
        return super().debtors_for_iban(iban)

    def by_amount(self, amount, limit):  # type: ignore[no-untyped-def]
        self.calls.append(f"amount {amount}")
        return super().by_amount(amount, limit)


def _line(amount: int, text: str, name: str | None = KLANT6) -> StatementLine:
    # a payer account Inning does not know yet: its lookup is made too, as in the bank's file
    return StatementLine(
        date(2026, 12, 3),
        None,
        amount,
        "EUR",
        remittance=text,
        counterparty_name=name,
        counterparty_iban="NL56INGB0001234506" if name else None,
    )


def test_the_whole_of_a_four_invoice_reminder_paid_with_its_wording_is_booked():
    total = sum(i.open_amount for i in K006)  # 3,237.40
    index = Counting([*K006, *OTHERS])
    (result,) = match_lines([_line(total, WORDING)], index)
    assert sorted((a.invoice_number, a.amount) for a in result.booked) == sorted(
        (i.number, i.open_amount) for i in K006
    ), result.reasons
    assert any("invoice numbers" in r and "2026-0030" in r for r in result.reasons)
    # no more lookups than before: two numbers, the debtor's claims, the payer, the amount
    assert len(index.calls) <= MAX_LOOKUPS_PER_LINE, index.calls
    assert "debtor K006" in index.calls


def test_five_invoices_named_and_paid_in_part_are_booked_on_them_oldest_first():
    invoices = [
        OpenInvoice(f"2026-00{n}", "K007", "J. Klant7", 10_000, None, date(2026, 9, n - 30))
        for n in (31, 32, 33, 34, 35)
    ]
    text = "K007 2026-0031 2026-0032 2026-0033 2026-0034 2026-0035"
    (result,) = match_lines([_line(25_000, text, "J. Klant7")], InvoiceIndex(invoices))
    # part of the five: designated to the five the text names, oldest first (6:43 lid 1)
    assert [(a.invoice_number, a.amount) for a in result.booked] == [
        ("2026-0031", 10_000),
        ("2026-0032", 10_000),
        ("2026-0033", 5_000),
    ], result.reasons


def test_an_invoice_the_text_does_not_write_is_not_taken_along():
    # the debtor's fifth invoice (2026-0028) is open too, but the text does not name it
    total = sum(i.open_amount for i in K006)
    (result,) = match_lines([_line(total, WORDING)], InvoiceIndex([*K006, *OTHERS]))
    assert "2026-0028" not in {a.invoice_number for a in result.booked}


def test_a_debtor_numbers_digits_are_no_tail_of_another_debtors_invoice():
    # "K061" is a debtor number: never the tail of invoice 2026-0061 (the 0.5 rule)
    invoices = [
        OpenInvoice("2026-0301", "K061", "Wielerclub Noord BV", 242_000, None, date(2026, 10, 1)),
        OpenInvoice("2026-0302", "K061", "Wielerclub Noord BV", 60_500, None, date(2026, 10, 15)),
        *OTHERS,
    ]
    text = "TMNLZNC K061 2026-0301 2026-0302 WIELERCLUB NOORD BV"
    found = candidates(_line(302_500, text, None), InvoiceIndex(invoices))
    assert ("2026-0301", "2026-0302") in found
    assert not [key for key in found if "2026-0061" in key], found.keys()


def test_a_prefix_the_invoice_carries_still_makes_its_tail():
    # "F061" of invoice F2026-061: the letters are the invoice's own prefix
    inv = OpenInvoice("F2026-061", "D9", "P. Pietersen", 5_000, None, date(2026, 10, 1))
    (result,) = match_lines([_line(5_000, "betaling F061", "P. Pietersen")], InvoiceIndex([inv]))
    assert any("F2026-061" in r for r in result.reasons), result.reasons


def test_a_suggestion_names_each_invoice_once():
    # more than the four are open: a suggestion, whose candidates share invoices
    (result,) = match_lines([_line(999_999, WORDING)], InvoiceIndex([*K006, *OTHERS]))
    assert not result.booked and result.suggested
    numbers = [a.invoice_number for a, _ in result.suggested]
    assert len(numbers) == len(set(numbers)), numbers
    assert set(numbers) >= {i.number for i in K006}
