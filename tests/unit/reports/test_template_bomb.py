"""A client's Excel template is a zip openpyxl would unpack cell by cell (console security
review of issue #16, finding 3): a workbook that packs many cells into a few KB, too many
parts or too much to unpack is refused at the upload before openpyxl opens it, and a stored
one that fails the limits is not opened at use either (the report comes as a plain workbook)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from openpyxl import Workbook, load_workbook

import shared.services.reports.writers as writers
from shared.domain.people.authorisation import Role
from shared.services.reports.service import TEMPLATES_CONTAINER
from shared.services.reports.writers import MAX_MEMBERS, TemplateError, check_template
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files, text, with_debtors
from tests.unit.people.conftest import Tenants
from tests.unit.people.conftest import tenants as tenants


def _plain() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def _with_sheet(rows: Iterator[bytes], level: int = 9) -> bytes:
    """A workbook whose first sheet's XML is ``rows`` (deflated at ``level``)."""
    src = zipfile.ZipFile(io.BytesIO(_plain()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                z.writestr(item, src.read(item.filename))
                continue
            with z.open(item.filename, "w") as f:
                f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
                        b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')  # fmt: skip
                for row in rows:
                    f.write(row)
                f.write(b"</sheetData></worksheet>")
    return out.getvalue()


def _bomb(rows: int) -> bytes:
    """The reviewer's file: 20 equal cells a row, packed some hundred times."""
    return _with_sheet(b"<row>" + b"<c><v>1</v></c>" * 20 + b"</row>" for _ in range(rows))


@pytest.fixture
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl must not be asked to open what the zip check refuses."""
    import openpyxl

    def refused(*_: object, **__: object) -> None:
        raise AssertionError("openpyxl opened a refused workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", refused)


def test_a_tightly_packed_sheet_is_refused_unopened(no_openpyxl: None) -> None:
    data = _bomb(5_000)  # 100,000 cells (1.5 MB of XML, under the XML limit) in some 11 KB
    assert len(data) < 20_000
    with pytest.raises(TemplateError, match="packed suspiciously tight"):
        check_template(data)
    with pytest.raises(TemplateError, match="sheets hold more than"):
        check_template(_bomb(30_000))  # the reviewer's 600,000 cells in some 40 KB


def test_too_many_sheets_cells_to_unpack_are_refused_even_packed_loosely(
    no_openpyxl: None,
) -> None:
    import random

    rng = random.Random(7)  # numbers that do not pack: ratio low, XML over the limit
    rows = (b"<row>" + b"".join(b"<c><v>%d</v></c>" % rng.getrandbits(60) for _ in range(20))
            + b"</row>" for _ in range(12_000))  # fmt: skip
    data = _with_sheet(rows, level=1)
    with pytest.raises(TemplateError, match="sheets hold more than"):
        check_template(data)


def test_too_many_parts_are_refused(no_openpyxl: None) -> None:
    src = zipfile.ZipFile(io.BytesIO(_plain()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in src.infolist():
            z.writestr(item, src.read(item.filename))
        for n in range(MAX_MEMBERS):
            z.writestr(f"xl/media/image{n}.png", b"x")
    with pytest.raises(TemplateError, match="more than 200 parts"):
        check_template(out.getvalue())


def test_an_ordinary_workbook_is_taken() -> None:
    book = Workbook()
    book.active["A1"] = "=SUM(Data!B:B)"  # type: ignore[index]
    data = book.create_sheet("Data")
    for n in range(2000):
        data.append([f"client {n}", n * 1.5, "note"])
    out = io.BytesIO()
    book.save(out)
    assert check_template(out.getvalue()) == ["Sheet", "Data"]


def test_the_upload_page_refuses_the_bomb(world: World, tenants: Tenants) -> None:
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    token = csrf_of(staff.get("/reports"))
    saved = post_files(staff, "/reports?lang=en", {"csrf": token, "do": "template", "sheet": "Data"},
                       {"file": ("t.xlsx", _bomb(30_000))})  # fmt: skip
    assert saved.status == 400 and "sheets hold more than 3 MB" in text(saved)
    client = world.services.repos.clients.get(tenants.c1)[0]  # type: ignore[index]
    assert world.services.reports.template(client) is None


def test_a_stored_bomb_is_not_opened_at_use(
    world: World, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workbook kept before the limits: the Excel report comes as a plain workbook."""
    with_debtors(world, "C1", "D1")
    world.services.files.put(TEMPLATES_CONTAINER, f"{tenants.c1}/template.xlsx", _bomb(30_000))
    opened: list[int] = []
    real = writers.check_zip

    def counted(data: bytes) -> None:
        opened.append(len(data))
        real(data)

    monkeypatch.setattr(writers, "check_zip", counted)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    made = staff.post("/reports", {"csrf": csrf_of(staff.get("/reports")), "do": "report",
                                   "kind": "open_collected", "start": "2025-01-01",
                                   "end": "2025-02-28", "format": "xlsx"})  # fmt: skip
    assert made.status == 200 and opened  # judged at use
    assert load_workbook(io.BytesIO(made.encoded())).sheetnames == ["Data"]
