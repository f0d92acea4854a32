"""``inning match --invoices``: a row of more or fewer fields than the header is refused in one
line (newcomer32 F5): a Dutch amount written unquoted (161,93) was read as 161.00 with
reference "93" and the line answered "no match" without a word; a short row was a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.cli.main import main
from tests.conftest import FIXTURES

HEADER = "invoice_number,debtor_name,debtor_iban,open_amount,payment_reference\n"
DAY = str(FIXTURES.parent.parent / "docs/examples/day.sta")  # the repository's own


@pytest.mark.parametrize(
    ("row", "said"),
    [
        (
            "F1,A. Jansen,,161,93,5000056789012345",
            "line 2: 6 fields, the header has 5: a comma inside a value? write an amount with "
            'a dot (161.93, no thousands separator) and put a name with a comma in quotes ("Jansen, A.")',
        ),
        ("F1,A,,5", "line 2: 4 fields, the header has 5: payment_reference missing"),
        ("F1,A", "line 2: 2 fields, the header has 5: debtor_iban, open_amount, payment_reference missing"),
        ("F1,A,,1.405,", "line 2: open_amount '1.405' is not an amount like 12.50 (a dot before the cents, no thousands separator)"),
    ],
)  # fmt: skip
def test_a_row_not_the_headers_shape_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, said: str
) -> None:
    _refused_with(tmp_path, capsys, row, said)


def test_a_quoted_comma_and_the_optional_column_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoices = tmp_path / "open.csv"
    invoices.write_text(
        HEADER.replace("\n", ",written_off\n")
        + '"F1","Jansen, A.",,161.93,5000056789012345\n'  # no written_off value: not written off
    )
    assert main(["match", "--invoices", str(invoices), "--statement", DAY]) == 0
    assert "booked F1 100.00" in capsys.readouterr().out


REFUSED = "is no payment reference (expected a betalingskenmerk, an RF creditor reference or a Belgian structured reference, or nothing)"


@pytest.mark.parametrize(
    ("row", "said"),
    [
        # five fields, the header's shape: 161,93 unquoted with the reference left empty
        ("F1,A,,161,93", f"line 2: payment_reference '93' {REFUSED}: 2 digits, a betalingskenmerk has 7, 9 to 14, or 16; was the amount 161,93? write it with a dot (161.93)"),
        ("F1,A,,161.93,50000567890123456", f"line 2: payment_reference '50000567890123456' {REFUSED}: 17 digits, a betalingskenmerk has 7, 9 to 14, or 16"),
        ("F1,A,,161.93,RF1", f"line 2: payment_reference 'RF1' {REFUSED}"),
        ("F1,A,,161.93,INV-1", f"line 2: payment_reference 'INV-1' {REFUSED}"),
    ],
)  # fmt: skip
def test_a_payment_reference_that_is_none_is_refused_naming_the_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, said: str
) -> None:
    _refused_with(tmp_path, capsys, row, said)


@pytest.mark.parametrize(
    "reference",
    ["5000056789012345", "5000 0567 8901 2345", "RF18539007547034", "+++010/8068/17183+++", "",
     "9001123412341234"],  # its check digit fails, as in ING's own example file: looked up still
)  # fmt: skip
def test_every_kind_of_reference_the_app_takes_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reference: str
) -> None:
    invoices = tmp_path / "open.csv"
    invoices.write_text(HEADER + f'F1,A. Jansen,,161.93,"{reference}"\n')
    assert main(["match", "--invoices", str(invoices), "--statement", DAY]) == 0
    assert capsys.readouterr().err == ""


def _refused_with(tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, said: str) -> None:
    """``inning match`` on the header and ``row``: exit 2, nothing on stdout, ``said`` after
    the file's name on stderr."""
    invoices = tmp_path / "open.csv"
    invoices.write_text(HEADER + row + "\n")
    assert main(["match", "--invoices", str(invoices), "--statement", DAY]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"inning: error: {invoices} {said}\n"
