"""newcomer15 #2: a CSV whose first line is Excel's ``sep=;`` hint (Excel reads and hides it,
so the credit manager never sees it) was refused whole, "De kolom factuurnummer (number)
ontbreekt; niet gelezen: sep=. Geef een van die kolommen de naam factuurnummer.": the header
was taken from line 1 and the separator guessed from it. Now the hint names the separator and
the header is the next line."""

from __future__ import annotations

import html

import pytest

from shared.api.console.invoice_csv import excel_separator, read_rows
from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files, text, with_debtors

ROWS = "Factuurnummer{s}Debiteur{s}Factuurdatum{s}Vervaldatum{s}Bedrag\r\n" + (
    "F-2025-201{s}D1{s}01-11-2025{s}01-12-2025{s}100{d}00\r\n"
)


def test_the_console_previews_an_excel_file_with_a_sep_line(world, tenants):
    with_debtors(world, "C1", "D1")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    data = ("sep=;\r\n" + ROWS.format(s=";", d=",")).encode("cp1252")
    token = csrf_of(staff.get("/upload?lang=nl"))
    page = post_files(staff, "/upload?lang=nl", {"csrf": token, "do": "preview"},
                      {"file": ("excel.csv", data)})  # fmt: skip
    body = html.unescape(text(page))
    assert page.status == 200, body[:400]
    assert "ontbreekt" not in body and "sep=" not in body
    assert "Totaal factuurbedrag van wat wordt ingelezen: € 100,00" in body


@pytest.mark.parametrize(
    ("hint", "sep", "decimal"),
    [("sep=;", ";", ","), ('"sep=,"', ",", "."), ("SEP=\t", "\t", ","), ("\ufeffsep=|", "|", ",")],
)
def test_the_sep_line_names_the_separator(hint, sep, decimal):
    rows = read_rows((hint + "\r\n" + ROWS.format(s=sep, d=decimal)).encode("utf-8"))
    assert rows == [
        {"number": "F-2025-201", "debtor": "D1", "invoice_date": "2025-11-01",
         "due_date": "2025-12-01", "amount": "100.00"},
    ]  # fmt: skip


def test_only_a_sep_hint_is_one():
    assert excel_separator("sep=;") == ";"
    assert excel_separator("factuurnummer;sep=;") is None
    assert excel_separator("sep=") is None and excel_separator("sep=ab") is None
