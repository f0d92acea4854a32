"""A betalingskenmerk in free ``:86:`` text is found and books the line (review newcomer3,
finding 1): the payer's IBAN written in the text spends no lookup and is no reference, a
check-digit-valid kenmerk that settles the line alone is not vetoed by the lookup budget, and
a kenmerk cut by the bank's 65-character wrap is one number again."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import pairwise

import pytest

from shared.domain.money import Cents
from shared.domain.references.iban_in_text import iban_spans, without_ibans
from shared.domain.statements.details_nl import split_details
from shared.domain.statements.matching import (
    MAX_LOOKUPS_PER_LINE,
    Allocation,
    InvoiceIndex,
    MatchSettings,
    OpenInvoice,
    match_lines,
)
from shared.domain.statements.model import StatementLine
from shared.domain.statements.mt940_format import parse_mt940

KENMERK = "5000056789012345"  # check-digit valid (the README's example)
PAYER = "NL43INGB0002821135"
F1 = OpenInvoice("F1", "D1", "A. Jansen", 16_193, KENMERK, date(2025, 2, 1))
# another debtor's claims whose numbers end in digits of the payer's IBAN
OTHERS = [
    OpenInvoice("2821135", "D2", "B. Bakker", 10_000, None, date(2025, 2, 1)),
    OpenInvoice("F-21135", "D3", "C. Visser", 10_000, None, date(2025, 2, 1)),
    OpenInvoice("F-1135", "D4", "D. Smit", 10_000, None, date(2025, 2, 1)),
]


class Counting(InvoiceIndex):
    """The in-memory index, counting the lookups a line makes."""

    def __init__(
        self, invoices: Iterable[OpenInvoice], learned_ibans: dict[str, set[str]] | None = None
    ) -> None:
        super().__init__(invoices, learned_ibans)
        self.calls: list[str] = []

    def by_reference(self, reference: str) -> list[OpenInvoice]:
        self.calls.append(f"reference {reference}")
        return super().by_reference(reference)

    def by_tail(self, tail: str) -> list[OpenInvoice]:
        self.calls.append(f"tail {tail}")
        return super().by_tail(tail)

    def debtors_for_iban(self, iban: str) -> set[str]:
        self.calls.append(f"iban {iban}")
        return super().debtors_for_iban(iban)

    def of_debtor(self, debtor: str) -> list[OpenInvoice]:
        self.calls.append(f"debtor {debtor}")
        return super().of_debtor(debtor)

    def by_amount(self, amount: Cents, limit: int) -> list[OpenInvoice]:
        self.calls.append(f"amount {amount}")
        return super().by_amount(amount, limit)


def statement(details: str, amount: str = "100,00") -> bytes:
    """The probe's statement: one credit with an unstructured (older Rabobank/ING) ``:86:``."""
    return (
        ":20:X\n:25:NL02ABNA0123456789EUR\n:28C:00001\n:60F:C250319EUR0,00\n"
        f":61:2503200320C{amount}N526NONREF\n:86:{details}\n:62F:C250320EUR{amount}\n-\n"
    ).encode()


def parsed_line(details: str) -> StatementLine:
    return parse_mt940(statement(details))[0].lines[0]


def booked(line: StatementLine, invoices: Sequence[OpenInvoice]) -> tuple[Allocation, ...]:
    (result,) = match_lines([line], InvoiceIndex(invoices))
    return result.booked


PROBE_TEXTS = [
    f"P. Pietersen betaling {KENMERK} factuur F1",
    f"{PAYER} P. Pietersen betaling {KENMERK} factuur F1",
]


@pytest.mark.parametrize("text", PROBE_TEXTS)
def test_the_probes_lines_book_the_kenmerks_invoice_with_or_without_the_payers_iban(text):
    line = parsed_line(text)
    assert line.reference == KENMERK
    (result,) = match_lines([line], InvoiceIndex([F1, *OTHERS]))
    assert result.booked == (Allocation("F1", 10_000),)
    assert not any("more lookups" in r for r in result.reasons)
    assert any("rule reference" in r for r in result.reasons)


def test_the_payers_iban_in_the_text_costs_no_lookup_and_names_no_invoice():
    line = parsed_line(PROBE_TEXTS[1])
    # found in the text: the payer's writing, never his account (iban24), kept as a hint
    assert (line.counterparty_iban, line.iban_in_text) == (None, PAYER)
    index = Counting([F1, *OTHERS])
    (result,) = match_lines([line], index)
    # the kenmerk settles the line alone: no tail of the IBAN's digits, no payer, no amount
    assert index.calls == [f"reference {KENMERK}"]
    assert result.booked == (Allocation("F1", 10_000),)


def test_a_kenmerk_that_settles_the_line_is_not_vetoed_by_the_lookup_budget():
    # as many digit groups as a line may look up besides the kenmerk, and a payer account
    # known for another debtor: before, the payer's claims and the amount were read too, the
    # budget ran out and the kenmerk's booking became a suggestion
    text = f"betaling {KENMERK} order 48213 klant 77120 rit 90314 pakket 55102"
    line = StatementLine(
        date(2025, 3, 20), None, 10_000, "EUR", remittance=text, counterparty_iban=PAYER
    )
    index = Counting([F1, *OTHERS], learned_ibans={PAYER: {"D2"}})
    (result,) = match_lines([line], index)
    assert len(index.calls) <= MAX_LOOKUPS_PER_LINE
    assert not any(c.startswith(("iban", "debtor", "amount")) for c in index.calls)
    assert result.booked == (Allocation("F1", 10_000),)
    assert not any("more lookups" in r for r in result.reasons)


def test_a_kenmerk_of_a_claim_smaller_than_the_amount_is_still_only_suggested():
    # the reference rule books at most the open total: more than that stays for a person
    line = parsed_line(f"{PAYER} P. Pietersen betaling {KENMERK} factuur F1")
    line = StatementLine(line.booking_date, None, 20_000, "EUR", remittance=line.remittance,
                         reference=line.reference, counterparty_iban=line.counterparty_iban,
                         iban_in_text=line.iban_in_text)  # fmt: skip
    (result,) = match_lines([line], InvoiceIndex([F1, *OTHERS]))
    assert result.booked == ()
    assert result.suggested and result.suggested[0][0].invoice_number == "F1"


def test_an_iban_is_no_invoice_number_even_when_its_digits_end_one():
    # before: the IBAN's digits were looked up as the tail of an invoice number, and "2821135"
    # (an invoice of another debtor) came up as a candidate
    line = StatementLine(
        date(2025, 3, 20), None, 10_000, "EUR", remittance=f"{PAYER} betaling huur maart"
    )
    index = Counting([F1, *OTHERS])
    (result,) = match_lines([line], index)
    assert not any(c.startswith("tail") for c in index.calls)
    assert result.booked == () and result.suggested == ()


WRAPPED = f"{PAYER} P. Pietersen Rabobank Nederland betaling {KENMERK} factuur F1"


def cut(text: str, *at: int) -> str:
    """``text`` as a bank wraps it: a line break at each position."""
    bounds = [0, *at, len(text)]
    return "\n".join(text[a:b] for a, b in pairwise(bounds))


@pytest.mark.parametrize(
    "details",
    [
        # the probe's own lines: the wrap falls inside the kenmerk
        f"{PAYER} P. Pietersen  Rabobank Nederland betaling 50000\n56789012345 factuur F1",
        cut(WRAPPED, 65),  # Rabobank: 65 characters after the tag
        cut(WRAPPED, 61),  # ING: 65 characters with the tag
        # a short first line, then a full one cut inside the kenmerk
        f"{PAYER} P. Pietersen\n"
        + cut(f"Betaling van de factuur van februari en maart, kenmerk {KENMERK} factuur F1", 65),
    ],
    ids=["probe", "rabobank", "ing", "second-line"],
)
def test_a_kenmerk_cut_by_the_banks_65_character_wrap_is_one_number_again(details):
    found = split_details(details)
    assert KENMERK in (found.remittance or "")
    assert found.reference == KENMERK
    assert booked(parsed_line(details), [F1, *OTHERS]) == (Allocation("F1", 10_000),)


def test_sns_text_wrapped_below_the_name_is_joined_where_it_was_cut():
    text = f"Betaling van de factuur van februari, kenmerk {KENMERK} factuur F1, bedankt"
    details = f"{PAYER} P. Pietersen\n" + cut(text, 65)
    found = split_details(details, bank="SNSB")
    assert (found.counterparty_iban, found.counterparty_name) == (PAYER, "P. Pietersen")
    assert found.remittance == text and found.reference == KENMERK


def test_a_line_that_ended_short_of_the_width_keeps_its_space():
    # a bank that wraps at word boundaries (and ABN AMRO's 64-character columns): two numbers
    found = split_details("Betaling voor factuur 2024\n0013 en 0014")
    assert found.remittance == "Betaling voor factuur 2024 0013 en 0014"
    abn = "GIRO   428428 KPN - DIGITENNE    BETALINGSKENM.  000000042188659\n5314606715"
    assert split_details(abn).remittance == " ".join(abn.split())


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        (f"{PAYER} P. Pietersen", [(0, 18)]),
        ("van NL91 ABNA 0417 1643 00 betaling", [(4, 26)]),  # grouped in fours
        ("van NL43 INGB 0002 8211 35 betaling", []),  # grouped, check digits wrong: words
        ("NL02RABO0123456780 (made up, Dutch shape)", [(0, 18)]),
        ("BE68539007547034 factuur 12", [(0, 16)]),  # valid Belgian
        ("factuur FA2024000012345 en DE12 wat", []),  # an invoice number, a short word
        (f"XNL43INGB0002821135 {KENMERK}", []),  # glued to a letter: not an IBAN start
        ("NL43INGB00028211351 extra digit", []),
    ],
)
def test_ibans_in_text(text, spans):
    assert iban_spans(text) == spans


def test_the_counterparty_account_is_blanked_however_the_bank_spelled_it():
    odd = "GB00NOTACHECKEDIBAN1"  # no valid check digits, not a SEPA length
    assert without_ibans(f"{odd} betaling {KENMERK}", also=odd).split() == ["betaling", KENMERK]
    assert without_ibans(f"a {PAYER}1 b") == f"a {PAYER}1 b"


def test_auto_booking_off_still_only_suggests_a_settled_kenmerk():
    line = parsed_line(PROBE_TEXTS[1])
    (result,) = match_lines([line], InvoiceIndex([F1]), MatchSettings(auto_book=False))
    assert result.booked == () and result.suggested[0][0].invoice_number == "F1"
