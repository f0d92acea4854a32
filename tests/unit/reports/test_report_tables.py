"""The report figures against a hand-computed fixture (every expected number is worked out in
the comments), and the writers: the CSV parsed back, the Excel opened with openpyxl, a
client's own workbook filled without losing its other sheets."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.parties import Client
from shared.domain.records import ContactEntry, ContactKind, Payment, PaymentSource
from shared.services.reports import tables
from shared.services.reports.tables import COLUMNS, Table
from shared.services.reports.writers import TemplateError, check_template, to_csv, to_excel

CLIENT = Client(client_id="cl1", agency_id="ag", number="C1", name="Bakkerij")
START, END = date(2025, 1, 1), date(2025, 3, 31)


def _inv(number, on, amount, status=InvoiceStatus.OPEN, paid=0, payments=(), step=-1):
    return Invoice("cl1", number, "D1", on, on, amount, paid=paid, status=status,
                   payments=tuple(payments), dunning_step=step)  # fmt: skip


INVOICES = [
    # A: 100.00 in January, paid 40.00 (Jan 20) and 60.00 (Mar 5), after the second step
    _inv("A", date(2025, 1, 10), 10000, InvoiceStatus.PAID, 10000, [("p1", 4000), ("p2", 6000)], step=1),
    # B: 50.00 in February, 20.00 paid in the client's own ledger (no day known)
    _inv("B", date(2025, 2, 5), 5000, InvoiceStatus.PARTIALLY_PAID, 2000),
    _inv("C", date(2025, 2, 20), 3000, InvoiceStatus.CREDITED),  # never open
    _inv("D", date(2025, 4, 2), 7000),  # after the range
    # E: 25.00 from December, paid Feb 1 before any dunning step
    _inv("E", date(2024, 12, 15), 2500, InvoiceStatus.PAID, 2500, [("p3", 2500)]),
]  # fmt: skip
PAYMENTS = [
    Payment("cl1", "p1", "D1", 4000, date(2025, 1, 20), PaymentSource.BANK),
    Payment("cl1", "p2", "D1", 6000, date(2025, 3, 5), PaymentSource.BANK),
    Payment("cl1", "p3", "D1", 2500, date(2025, 2, 1), PaymentSource.MOLLIE),
    # 10.00 received in February, reversed in March (a chargeback)
    Payment("cl1", "p4", "D1", 1000, date(2025, 2, 10), PaymentSource.MOLLIE, reversed=True,
            reversed_on=date(2025, 3, 2)),
]  # fmt: skip


def test_open_and_collected_per_month():
    rows = tables.open_collected(CLIENT, INVOICES, PAYMENTS, START, END)
    d = Decimal
    assert rows == [
        # Jan: invoiced A 100; collected p1 40; open A 100-40 + E 25 = 85
        ("C1", date(2025, 1, 1), d("100.00"), d("40.00"), d("85.00")),
        # Feb: invoiced B 50 (C credited); collected p3 25 + p4 10 = 35; open A 60 + E 0 + B 50-20 = 90
        ("C1", date(2025, 2, 1), d("50.00"), d("35.00"), d("90.00")),
        # Mar: collected p2 60 - reversed p4 10 = 50; open A 0 + B 30 = 30
        ("C1", date(2025, 3, 1), d("0.00"), d("50.00"), d("30.00")),
    ]


def test_dunning_results_count_the_invoices_paid_after_each_step():
    assert tables.dunning_results(CLIENT, INVOICES, PAYMENTS, START, END) == [
        ("C1", 0, 1, Decimal("25.00")),  # E: paid Feb 1 before any step
        ("C1", 2, 1, Decimal("100.00")),  # A: last payment Mar 5, after the second step
    ]
    # February alone: A's last payment (Mar 5) falls outside
    assert tables.dunning_results(
        CLIENT, INVOICES, PAYMENTS, date(2025, 2, 1), date(2025, 2, 28)
    ) == [("C1", 0, 1, Decimal("25.00"))]


def test_the_contact_log_uses_the_amsterdam_day():
    late = ContactEntry("cl1", "D1", "e1", datetime(2025, 1, 31, 23, 30, tzinfo=UTC), ContactKind.MESSAGE,
                        "=HYPERLINK(\"x\")", channel="email")  # fmt: skip
    assert tables.contact_log(CLIENT, [late], date(2025, 1, 1), date(2025, 1, 31)) == []
    (row,) = tables.contact_log(CLIENT, [late], date(2025, 2, 1), date(2025, 2, 28))
    assert row[:4] == ("C1", date(2025, 2, 1), "00:30", "D1")


def _table() -> Table:
    return Table("open_collected", COLUMNS["open_collected"],
                 tables.open_collected(CLIENT, INVOICES, PAYMENTS, START, END))  # fmt: skip


def test_csv_is_tidy_for_power_bi():
    data = to_csv(_table())
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert parsed[0] == ["client", "month", "invoiced", "collected", "open_at_month_end"]
    assert parsed[2] == ["C1", "2025-02-01", "50.00", "35.00", "90.00"]
    formula = Table("contact_log", ("summary",), [("=1+1",), ("-5",)])
    assert list(csv.reader(io.StringIO(to_csv(formula).decode())))[1:] == [["'=1+1"], ["'-5"]]


def test_excel_has_the_data_sheet_with_typed_cells():
    book = load_workbook(io.BytesIO(to_excel(_table())))
    sheet = book["Data"]
    assert [c.value for c in sheet[1]] == list(COLUMNS["open_collected"])
    month, invoiced = sheet["B3"], sheet["C3"]
    assert month.value == datetime(2025, 2, 1) and month.number_format == "yyyy-mm-dd"
    assert invoiced.value == 50 and invoiced.number_format == "0.00"
    assert sheet.max_row == 4


def _template(sheet: str | None) -> bytes:
    book = Workbook()
    pivot = book.worksheets[0]
    pivot.title = "Overzicht"
    pivot["A1"] = "Totaal"
    pivot["B1"] = "=SUM(Data!C:C)"
    if sheet:
        data = book.create_sheet(sheet)
        for n in range(10):
            data.append(["old", n])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("sheet", ["Data", "Gegevens"])
def test_a_clients_own_workbook_is_filled_and_kept(sheet):
    template = _template("Data")
    book = load_workbook(io.BytesIO(to_excel(_table(), template, sheet)))
    assert book.sheetnames[0] == "Overzicht" and book["Overzicht"]["B1"].value == "=SUM(Data!C:C)"
    filled = book[sheet]
    assert filled.max_row == 4 and filled["A2"].value == "C1" and filled["C4"].value == 0
    if sheet != "Data":
        assert book["Data"]["A1"].value == "old"  # the client's own sheet untouched
    else:
        assert all(row[0].value != "old" for row in filled.iter_rows())


def test_a_file_that_is_no_workbook_is_refused():
    with pytest.raises(TemplateError):
        check_template(b"not a zip")
    assert check_template(_template(None)) == ["Overzicht"]


def test_a_status_line_a_person_wrote_is_not_the_systems():
    """cm18 F9: Sanne ended D-3's dispute on its action item; the dossier showed the line as
    hers, the March contact-log report said "Betwisting van factuur F-1004 opgelost;ja" under
    "door het systeem". A status line with an author is the author's."""
    at = datetime(2025, 3, 4, 7, 1, tzinfo=UTC)
    hers = ContactEntry("cl1", "D-3", "e1", at, ContactKind.STATUS,
                        "Dispute on invoice F-1004 resolved", system=True,
                        author="user:u7aaa7526dc4ee04c")  # fmt: skip
    own = ContactEntry("cl1", "D-3", "e2", at, ContactKind.STATUS,
                       "Bellen (task for staff)", system=True)  # fmt: skip
    rows = tables.contact_log(CLIENT, [hers, own], date(2025, 3, 1), date(2025, 3, 31))
    assert [r[-1] for r in rows] == [False, True]
