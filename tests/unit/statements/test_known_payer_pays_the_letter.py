"""A known payer paying exactly what a 14-day letter over several invoices asked (its total:
principal and interest to the term's last day) is booked over the letter's invoices, with its
reason; nothing else of his fits, nothing in the text points elsewhere (newcomer17 F7: D6 paid
the letter's EUR 502,56 by its QR code from his known account, and it was a suggestion at 0.35,
"amount exceeds the open amount": before the term's end the claims are 501,68, a few days'
interest less). The precision guard holds: another debtor on the same account with a claim
that fits as well makes it a suggestion."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from shared.domain.statements.matching import (
    Asked,
    InvoiceIndex,
    MatchSettings,
    OpenInvoice,
    match_line,
)
from shared.domain.statements.model import StatementLine

PAYER = "NL44RABO0123456789"
D6 = (
    OpenInvoice("2026-0061", "D6", "K. Bakker", 30_000, due_date=date(2026, 10, 31), debtor_ibans=(PAYER,)),
    OpenInvoice("2026-0062", "D6", "K. Bakker", 20_000, due_date=date(2026, 11, 1), debtor_ibans=(PAYER,)),
)  # fmt: skip
# the claims on the day paid (interest to that day) and what the letter asked (to 18-12)
TODAY = {"2026-0061": 30_102, "2026-0062": 20_066}
ASKED = {"2026-0061": Asked(30_160, "D6|2026-12-18"), "2026-0062": Asked(20_096, "D6|2026-12-18")}
LETTER_TOTAL = 50_256


def _totals(invoices: Sequence[OpenInvoice]) -> dict[str, int]:
    return {i.number: TODAY.get(i.number, i.open_amount) for i in invoices}


def _asked(invoices: Sequence[OpenInvoice]) -> dict[str, Asked]:
    return {i.number: ASKED[i.number] for i in invoices if i.number in ASKED}


def _line(amount: int = LETTER_TOTAL, text: str = "", name: str = "K. Bakker") -> StatementLine:
    return StatementLine(date(2026, 12, 7), None, amount, "EUR", counterparty_iban=PAYER,
                         counterparty_name=name, remittance=text or None)  # fmt: skip


def _match(invoices: Sequence[OpenInvoice], line: StatementLine, asked: bool = True):  # type: ignore[no-untyped-def]
    index = InvoiceIndex(invoices)
    return match_line(0, line, index, MatchSettings(), _totals, _asked if asked else None)


def test_the_letter_s_total_from_the_known_account_is_booked_over_its_invoices() -> None:
    result = _match(D6, _line())
    assert {(a.invoice_number, a.amount) for a in result.booked} == {
        ("2026-0061", 30_102),
        ("2026-0062", 20_066),
    }
    assert any("rule known payer, letter's total" in r for r in result.reasons), result.reasons
    assert "amount equals what the letter asked for these invoices" in result.reasons
    # the few days' interest the letter asked ahead stay unallocated (an overpayment item)
    assert LETTER_TOTAL - sum(a.amount for a in result.booked) == 88


def test_without_a_name_too_and_with_the_letter_s_description_quoted() -> None:
    assert _match(D6, _line(name="")).booked
    quoted = _match(D6, _line(text="D6 2026-0061 2026-0062"))
    assert len(quoted.booked) == 2
    assert any("invoice numbers 2026-0061, 2026-0062" in r for r in quoted.reasons)


def test_what_it_was_without_the_letter_s_figures_a_suggestion() -> None:
    result = _match(D6, _line(), asked=False)
    assert not result.booked and result.suggested
    assert "amount exceeds the open amount" in result.reasons


def test_another_debtor_on_the_account_whose_claim_fits_as_well_makes_it_a_suggestion() -> None:
    """A couple's account: M. Bakker (D2) owes exactly the letter's total on one invoice."""
    d2 = OpenInvoice("2026-0042", "D2", "M. Bakker", LETTER_TOTAL, due_date=date(2026, 12, 31),
                     debtor_ibans=(PAYER,))  # fmt: skip
    result = _match((*D6, d2), _line())
    assert not result.booked and result.suggested
    assert any("too close" in r for r in result.reasons), result.reasons


def test_a_text_naming_another_invoice_or_a_part_of_the_letter_is_not_booked() -> None:
    other = OpenInvoice("2026-0070", "D6", "K. Bakker", 9_900, due_date=date(2026, 11, 20),
                        debtor_ibans=(PAYER,))  # fmt: skip
    named = _match((*D6, other), _line(text="factuur 2026-0070"))
    assert not named.booked
    # one invoice's share of the letter is not what the letter asked
    part = _match(D6, _line(amount=30_160))
    assert not part.booked
