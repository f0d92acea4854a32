"""An iDEAL credit spends its few lookups on what the payer wrote, not on the bank's
transaction id (match32, newcomer32 F6). A real Rabobank iDEAL line (review14's first: EREF
"02-12-2026 09:15 7020000000000001", REMI "0123456789012345 7020000000000001 F-1", the exact
amount of F-1, the debtor's name) was only suggested: the id and two tails cut from it took
three lookups, "F-1" none, and the amount lookup found the budget spent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shared.cli.main import main
from shared.domain.references.betalingskenmerk import generate
from shared.domain.statements.lookup_plan import ideal_ids, plan_tails
from shared.domain.statements.matching import InvoiceIndex, OpenInvoice, match_lines
from shared.domain.statements.model import StatementLine
from tests.conftest import STATEMENTS

IDEAL_DAY = STATEMENTS / "mt940/review14/rabo_day_with_return.swi"
MOMENT = "02-12-2026 09:15 7020000000000001"
TRX = "7020000000000001"


class Counted(InvoiceIndex):
    """The in-memory index, counting the tail lookups made and their keys."""

    def __init__(self, invoices: list[OpenInvoice]) -> None:
        super().__init__(invoices)
        self.tails: list[str] = []

    def by_tail(self, tail: str) -> list[OpenInvoice]:
        self.tails.append(tail)
        return super().by_tail(tail)


def ideal(remittance: str, amount: int, name: str = "J. Jansen") -> StatementLine:
    return StatementLine(
        date(2026, 12, 2), None, amount, "EUR", remittance=remittance, counterparty_name=name,
        counterparty_iban="NL91ABNA0417164300", end_to_end_id=MOMENT,
    )  # fmt: skip


def invoice(number: str, name: str, cents: int, reference: str | None = None) -> OpenInvoice:
    return OpenInvoice(number, name, name, cents, reference, date(2026, 11, 1))


def booked(line: StatementLine, invoices: list[OpenInvoice]) -> list[str]:
    [result] = match_lines([line], InvoiceIndex(invoices))
    return [a.invoice_number for a in result.booked]


def test_the_review14_ideal_line_books(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    invoices = tmp_path / "open.csv"
    invoices.write_text(
        "invoice_number,debtor_name,debtor_iban,open_amount,payment_reference\n"
        "F-1,J. Jansen,,121.00,\n"
    )
    assert main(["match", "--invoices", str(invoices), "--statement", str(IDEAL_DAY)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("line 0: 121.00  booked F-1 121.00"), first
    assert "invoice number F-1 in the description" in first


def test_the_transaction_id_is_known_and_not_looked_up_when_a_number_is_written() -> None:
    line = ideal(f"0123456789012345 {TRX} F-1", 12_100)
    assert ideal_ids(line) == {TRX}
    index = Counted([invoice("F-1", "J. Jansen", 12_100)])
    [result] = match_lines([line], index)
    assert [a.invoice_number for a in result.booked] == ["F-1"], result.reasons
    assert index.tails == ["1"]  # F-1's tail once; never the id nor its cut tails


def test_written_numbers_come_before_bare_runs_and_a_runs_tails_once() -> None:
    text = "12345678901234 FAC1234 2024-0012 9876543210"
    ranked = ["12345678901234", "9876543210", "0012", "1234", "01234", "43210", "3210"]
    plan = plan_tails(text, ranked, frozenset(), written_elsewhere=False)
    assert [p.group for p in plan][:3] == ["0012", "1234", "12345678901234"]
    assert [p.tail for p in plan].count("1234") == 1  # FAC1234 and the run's 01234: one lookup
    only_ids = plan_tails(TRX, [TRX, "00001", "0001"], frozenset({TRX}), written_elsewhere=False)
    assert [p.tail for p in only_ids] == [TRX, "1"]  # nothing else written: still read
    assert plan_tails(TRX, [TRX], frozenset({TRX}), written_elsewhere=True) == []


@pytest.mark.parametrize(
    ("remittance", "number"),
    [
        (f"0123456789012345 {TRX} Factuur 2024-0012", "2024-0012"),
        (f"0123456789012345 {TRX} FAC4711", "FAC4711"),
        (f"0123456789012345 {TRX} 202600123", "202600123"),  # the long group IS the number
        (f"202600123 {TRX} Webshop bestelling", "202600123"),  # the shop's reference is ours
    ],
)
def test_an_ideal_line_naming_our_number_books(remittance: str, number: str) -> None:
    invoices = [invoice(number, "J. Jansen", 4_250), invoice("F-7", "K. Smit", 4_250)]
    assert booked(ideal(remittance, 4_250), invoices) == [number]


def test_an_ideal_payment_reference_of_ours_is_looked_up_first_and_books() -> None:
    kenmerk = generate("000000000001234")
    line = ideal(f"{kenmerk} {TRX} Bestelling", 9_900, name="Iemand Anders")
    assert booked(line, [invoice("2026-0077", "J. Jansen", 9_900, kenmerk)]) == ["2026-0077"]


def test_a_transaction_ids_tail_never_books_another_invoice() -> None:
    # decoys: the id ends in 00001 and 0012; invoices 2026-0001 and 2026-0012 owe the amount
    decoys = [invoice("2026-0001", "K. Smit", 12_100), invoice("2026-0012", "P. Bakker", 12_100)]
    assert booked(ideal(f"0123456789012345 {TRX} Webshop", 12_100), decoys) == []
    other = "0123456789012345 7020000000000012 F-1"
    with_f1 = [*decoys, invoice("F-1", "J. Jansen", 12_100)]
    assert booked(ideal(other, 12_100), with_f1) == ["F-1"]
    assert booked(ideal(other, 5_000), with_f1) == ["F-1"]  # a part of F-1, never 2026-0012


class Asked(Counted):
    """Counting the reference lookups too."""

    def __init__(self, invoices: list[OpenInvoice]) -> None:
        super().__init__(invoices)
        self.references: list[str] = []

    def by_reference(self, reference: str) -> list[OpenInvoice]:
        self.references.append(reference)
        return super().by_reference(reference)


def test_a_transaction_id_passing_a_kenmerks_check_digit_is_no_reference() -> None:
    # one id in eleven does: it was looked up as a reference, counted as one "pointing
    # elsewhere", and with the shop's reference and FAC4711 the line ran out of lookups
    trx = generate("702000000002657")
    line = StatementLine(
        date(2026, 12, 2), None, 4_250, "EUR", remittance=f"3568498130785428 {trx} FAC4711",
        counterparty_name="J. Jansen", end_to_end_id=f"02-12-2026 09:15 {trx}",
    )  # fmt: skip
    index = Asked([invoice("FAC4711", "J. Jansen", 4_250), invoice("F-7", "K. Smit", 4_250)])
    [result] = match_lines([line], index)
    assert [a.invoice_number for a in result.booked] == ["FAC4711"], result.reasons
    assert trx not in index.references and trx.lstrip("0") not in index.tails


def test_two_kenmerken_written_as_ideal_writes_its_numbers_are_still_references() -> None:
    # only the end-to-end id's number is the bank's for sure; without it the second of two
    # 16-digit numbers may be a kenmerk of ours, and is looked up as one
    first, second = generate("000000000001234"), generate("000000000005678")
    line = StatementLine(
        date(2026, 12, 2), None, 9_900, "EUR", remittance=f"{first} {second} twee facturen",
        counterparty_name="Iemand Anders",
    )  # fmt: skip
    ours = [invoice("2026-0078", "J. Jansen", 9_900, second)]
    assert booked(line, ours) == ["2026-0078"]
