"""A tidy table as CSV shaped for Power BI, or as an Excel workbook (openpyxl, loaded only
here: a trigger that writes no workbook pays nothing for it).

CSV: UTF-8, a header row, comma-separated, ISO dates (``2025-03-01``), a decimal point and
no thousands separator (``1234.50``), ``true``/``false``; cells that a spreadsheet would run
as a formula are prefixed with a quote (CWE-1236).

Excel: the table goes into the sheet ``Data`` of a new workbook, or, when the client uploaded
a workbook of its own, into its sheet named ``sheet`` (created when missing; its old cells
cleared); the client's other sheets, pivot tables and formatting are kept as openpyxl keeps
them. Dates are date cells (``yyyy-mm-dd``), money is a number with two decimals.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from shared.services.reports.tables import Cell, Table

DEFAULT_SHEET = "Data"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class TemplateError(ValueError):
    """The uploaded workbook cannot be used as a template (why, for the person)."""


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def check_template(data: bytes) -> list[str]:
    """The sheet names of an uploaded workbook; TemplateError when it is no usable .xlsx."""
    import zipfile

    from openpyxl import load_workbook

    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"the workbook is larger than {MAX_TEMPLATE_BYTES // 1024 // 1024} MB")
    try:
        book = load_workbook(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TemplateError(f"not an Excel workbook (.xlsx): {exc.__class__.__name__}") from None
    return list(book.sheetnames)


def to_excel(table: Table, template: bytes | None = None, sheet: str = DEFAULT_SHEET) -> bytes:
    from openpyxl import Workbook, load_workbook
    from openpyxl.worksheet.worksheet import Worksheet

    if template is not None:
        book = load_workbook(io.BytesIO(template))
        if sheet in book.sheetnames:
            target = book[sheet]
            target.delete_rows(1, target.max_row)  # the old data, not the sheet's formatting
        else:
            target = book.create_sheet(sheet)
    else:
        book = Workbook()
        first = book.active
        assert isinstance(first, Worksheet)
        target = first
        target.title = sheet
    target.append(list(table.columns))
    for row in table.rows:
        target.append([_excel_cell(v) for v in row])
    for cells in target.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, float | Decimal):
                cell.number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _excel_cell(value: Cell) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # a text cell, never a formula the client's Excel would run
    return value
