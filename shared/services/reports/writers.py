"""A tidy table as CSV shaped for Power BI, or as an Excel workbook (openpyxl, loaded only
here: a trigger that writes no workbook pays nothing for it).

CSV: UTF-8, a header row, spelled by a :class:`~shared.services.reports.words.Spelling`: for
Power BI (the default) comma-separated, ISO dates (``2025-03-01``), a decimal point and no
thousands separator (``1234.50``), ``true``/``false``; for a person's Excel the language's own
(Dutch: ``;``, ``31-12-2025``, ``1.234,56``, ``ja``/``nee``, behind a byte-order mark). Cells
that a spreadsheet would run as a formula are prefixed with a quote (CWE-1236).

Excel: the table goes into the sheet ``Data`` of a new workbook, or, when the client uploaded
a workbook of its own, into its sheet named ``sheet`` (created when missing; its old cells
cleared); the client's other sheets, pivot tables and formatting are kept as openpyxl keeps
them. Dates are date cells, money is a number with two decimals, each in the number format
of the spelling (Dutch: ``dd-mm-yyyy`` and ``#,##0.00``, which Excel shows as ``1.234,56``).

A client's workbook is a zip that openpyxl would unpack and parse cell by cell: a 40 KB file
can hold a million cells (seconds of CPU, hundreds of MB). So before openpyxl sees it, at the
upload and again at every use, :func:`check_zip` reads only the zip's directory and refuses
too many members, too much to unpack in all or as XML, and a member packed more than
:data:`MAX_RATIO` times. The sizes it judges are the ones the directory declares, and they
bound the work: Python's zip reader never inflates a member past its declared size.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from shared.domain.reasons import CodedError
from shared.domain.spreadsheet import csv_cell
from shared.services.reports.tables import Cell, Table
from shared.services.reports.words import POWER_BI, Spelling

DEFAULT_SHEET = "Data"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 200  # parts of the zip (sheets, styles, drawings, media)
MAX_UNPACKED = 20 * 1024 * 1024  # all members unpacked (media included)
MAX_XML = 3 * 1024 * 1024  # the XML openpyxl parses: about 200,000 cells
MAX_RATIO = 100  # unpacked / packed of one member (larger than RATIO_FROM)
RATIO_FROM = 256 * 1024
_XML = (".xml", ".rels", ".vml")


class TemplateError(CodedError):
    """The uploaded workbook cannot be used as a template (why, for the person; ``code`` and
    ``params`` say it in the page's language, shared/api/console/refusal_words_claims.py)."""


def _csv_cell(value: Cell, spelling: Spelling) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return spelling.flag(value)
    if isinstance(value, Decimal):
        return spelling.money(value)
    if isinstance(value, date):
        return spelling.day(value)
    if isinstance(value, int):
        return str(value)
    return csv_cell(str(value))


def to_csv(table: Table, spelling: Spelling = POWER_BI) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=spelling.delimiter, lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(v, spelling) for v in row])
    return ("\ufeff" if spelling.bom else "").encode() + out.getvalue().encode("utf-8")


def check_zip(data: bytes) -> None:
    """TemplateError unless the workbook's zip is within the limits above (read from its
    directory only: nothing is unpacked)."""
    import zipfile

    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(
            f"the workbook is larger than {MAX_TEMPLATE_BYTES // 1024 // 1024} MB",
            code="workbook_too_large",
            params={"mb": MAX_TEMPLATE_BYTES // 1024 // 1024},
        )
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise TemplateError(
            f"not an Excel workbook (.xlsx): {exc.__class__.__name__}", code="workbook_unreadable"
        ) from None
    if len(members) > MAX_MEMBERS:
        raise TemplateError(
            f"the workbook has more than {MAX_MEMBERS} parts",
            code="workbook_parts",
            params={"parts": MAX_MEMBERS},
        )
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise TemplateError(
            f"the workbook unpacks to more than {MAX_UNPACKED // 1024 // 1024} MB",
            code="workbook_unpacked",
            params={"mb": MAX_UNPACKED // 1024 // 1024},
        )
    if sum(m.file_size for m in members if m.filename.lower().endswith(_XML)) > MAX_XML:
        raise TemplateError(
            f"the workbook's sheets hold more than {MAX_XML // 1024 // 1024} MB; "
            "a template needs its layout, not its data",
            code="workbook_sheets_large",
            params={"mb": MAX_XML // 1024 // 1024},
        )
    for m in members:
        if m.file_size > RATIO_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise TemplateError(
                f"a part of the workbook ({m.filename}) is packed suspiciously tight",
                code="workbook_packed_tight",
                params={"part": m.filename},
            )


def check_template(data: bytes) -> list[str]:
    """The sheet names of an uploaded workbook; TemplateError when it is no usable .xlsx."""
    import zipfile

    from openpyxl import load_workbook

    check_zip(data)
    try:
        # read-only: the sheet names come from workbook.xml; no sheet's cells are parsed
        book = load_workbook(io.BytesIO(data), read_only=True)
        names = list(book.sheetnames)
        book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise TemplateError(
            f"not an Excel workbook (.xlsx): {exc.__class__.__name__}", code="workbook_unreadable"
        ) from None
    return names


def to_excel(
    table: Table,
    template: bytes | None = None,
    sheet: str = DEFAULT_SHEET,
    spelling: Spelling = POWER_BI,
) -> bytes:
    from openpyxl import Workbook, load_workbook
    from openpyxl.worksheet.worksheet import Worksheet

    if template is not None:
        check_zip(template)  # a workbook kept from before the limits is judged again
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
                cell.number_format = spelling.excel_date
            elif isinstance(cell.value, float | Decimal):
                cell.number_format = spelling.excel_money
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _excel_cell(value: Cell) -> object:
    if isinstance(value, str):
        return csv_cell(value)  # a text cell, never a formula the client's Excel would run
    return value
