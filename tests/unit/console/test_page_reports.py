"""The reports page: a short range downloads at once (CSV parsed back, Excel opened with
openpyxl), a long one runs as a job downloaded from the job page, a client's own workbook is
filled; reading roles may make reports but not change the template; tenants stay apart."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import invoice_row
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files, text, with_debtors, work_jobs


def _seed(world):
    with_debtors(world, "C1", "D1")
    with_debtors(world, "C2", "D1")
    world.agency_a.call(
        "POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", "D1", amount="121.00")]}
    )
    world.agency_a.call(
        "POST", "/v1/clients/C2/invoices", {"items": [invoice_row("G1", "D1", amount="7.50")]}
    )


def _ask(browser, **fields):
    token = csrf_of(browser.get("/reports?lang=en"))
    form = {"csrf": token, "do": "report", "kind": "open_collected", "start": "2025-01-01",
            "end": "2025-02-28", "format": "csv", **fields}  # fmt: skip
    return browser.post("/reports?lang=en", form)


def test_a_short_range_downloads_a_tidy_csv_at_once(world, tenants):
    _seed(world)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    answer = _ask(reader)
    assert answer.status == 200 and "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.encoded().decode("utf-8"))))
    assert [(r["client"], r["month"], r["invoiced"], r["open_at_month_end"]) for r in rows] == [
        ("C1", "2025-01-01", "121.00", "121.00"),
        ("C1", "2025-02-01", "0.00", "121.00"),
    ]


def test_agency_people_report_over_all_their_clients_in_excel(world, tenants):
    _seed(world)
    agency = desk_for(world, Role.AGENCY_STAFF, None, "a@agency-a.example")
    answer = _ask(agency, format="xlsx", scope="all", client=tenants.c1)
    sheet = load_workbook(io.BytesIO(answer.encoded()))["Data"]
    clients = sorted({str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True)})
    assert clients == ["C1", "C2"]
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    own = load_workbook(io.BytesIO(_ask(staff, format="xlsx", scope="all").encoded()))["Data"]
    assert {row[0] for row in own.iter_rows(min_row=2, values_only=True)} == {"C1"}


def test_a_long_range_runs_as_a_job_and_downloads_from_its_page(world, tenants):
    _seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    started = _ask(staff, start="2024-01-01", end="2025-03-31", format="xlsx")
    assert started.status == 303
    job = started.headers["Location"].removeprefix("/api/console").split("?")[0]
    assert staff.get(job + "/file").status == 404  # not made yet
    assert work_jobs(world) == 1
    assert "Refresh" not in staff.get(job).headers
    download = staff.get(job + "/file")
    sheet = load_workbook(io.BytesIO(download.encoded()))["Data"]
    assert sheet.max_row == 1 + 15  # fifteen months of C1


def test_the_clients_own_workbook_is_filled(world, tenants):
    _seed(world)
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    book = Workbook()
    cover = book.worksheets[0]
    cover.title = "Voorblad"
    cover["A1"] = "Bakkerij rapport"
    out = io.BytesIO()
    book.save(out)
    token = csrf_of(admin.get("/reports?lang=en"))
    saved = post_files(admin, "/reports?lang=en", {"csrf": token, "do": "template", "sheet": "Cijfers"},
                       {"file": ("mine.xlsx", out.getvalue())})  # fmt: skip
    assert saved.status == 303
    assert "on the sheet Cijfers" in text(admin.get("/reports?lang=en"))
    filled = load_workbook(io.BytesIO(_ask(admin, format="xlsx").encoded()))
    assert (
        filled.sheetnames == ["Voorblad", "Cijfers"]
        and filled["Voorblad"]["A1"].value == "Bakkerij rapport"
    )
    assert filled["Cijfers"]["A2"].value == "C1"
    bad = post_files(
        admin, "/reports?lang=en", {"csrf": token, "do": "template"}, {"file": ("x.xlsx", b"nope")}
    )
    assert bad.status == 400 and "Not an Excel workbook (.xlsx)" in text(bad)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    assert (
        reader.post(
            "/reports", {"csrf": csrf_of(reader.get("/reports")), "do": "untemplate"}
        ).status
        == 403
    )
    assert admin.post("/reports", {"csrf": token, "do": "untemplate"}).status == 303
    assert world.services.reports.template(world.services.repos.clients.get(tenants.c1)[0]) is None


def test_bad_requests_are_refused_with_the_reason(world, tenants):
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert _ask(staff, end="2024-12-31").status == 400
    assert _ask(staff, kind="salaries").status == 400
    assert _ask(staff, start="01-01-2025").status == 400
    assert "Usage in" not in text(staff.get("/reports?lang=en"))  # counted only when asked
    shown = text(staff.get("/reports?lang=en&usage=2025-03"))
    assert "Usage in 2025-03" in shown and "<caption>" in shown


def test_the_ageing_of_open_items_is_shown_when_asked(world, tenants):
    _seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert "Ageing of open items" in text(staff.get("/reports?lang=en"))
    assert "by days past the due date" not in text(staff.get("/reports?lang=en"))  # when asked
    shown = text(staff.get("/reports?lang=en&ageing=2025-03-03"))
    assert "Open on 2025-03-03, by days past the due date" in shown
    assert "31–60 days" in shown and "EUR 121.00" in shown  # F1, due 2025-01-31: 31 days
    assert "7.50" not in shown  # C2's invoice: another client's
    dutch = text(staff.get("/reports?lang=nl&ageing=2025-03-03"))
    assert "Openstaand op 03-03-2025" in dutch and "31–60 dagen" in dutch
    assert staff.get("/reports?lang=en&ageing=9999-12-31").status == 200  # too far: not shown
    # review31: said why, not left blank (a day too far ahead, or no day at all)
    too_far = text(staff.get("/reports?lang=en&ageing=9999-12-31"))
    assert "Choose a day up to and including 2026-03-04." in too_far
    assert "by days past the due date" not in too_far
    assert "Kies een peildatum tot en met 04-03-2026." in text(
        staff.get("/reports?lang=nl&ageing=31-03-2025")
    )
    assert "Choose a day" not in text(staff.get("/reports?lang=en"))
