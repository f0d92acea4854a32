"""attack17 F1: a console upload's confirm books each row only on the debtor its preview
showed, also a debtor stored at the preview; and a preview is confirmed only for a while."""

from __future__ import annotations

import re
from datetime import timedelta

from shared.domain.people.authorisation import Role
from shared.services.console_jobs import PREVIEW_KEPT, UPLOADS_CONTAINER
from shared.services.invoice_upload import Upload
from tests.unit.api.conftest import debtor_row
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files, text, with_debtors, work_jobs

HEADER = "Factuurnr.;Deb.nr.;Naam;Soort;Factuurdatum;Vervalt;Factuur\n"
FILE = HEADER + "NEW-3;D1;Debtor D1;consument;01-11-2026;01-12-2026;250,00\n"


def _preview(browser, data: bytes):  # type: ignore[no-untyped-def]
    token = csrf_of(browser.get("/upload?lang=en"))
    return post_files(browser, "/upload?lang=en", {"csrf": token, "do": "preview"},
                      {"file": ("export.csv", data)})  # fmt: skip


def _token(page) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="upload" value="([^"]+)"', text(page))
    assert found, text(page)[:800]
    return found.group(1)


def _confirm(browser, token: str):  # type: ignore[no-untyped-def]
    fresh = browser.get("/upload?lang=en")
    return browser.post(
        "/upload?lang=en", {"csrf": csrf_of(fresh), "do": "confirm", "upload": token}
    )


def _give_d1_to_a_business(world) -> None:  # type: ignore[no-untyped-def]
    """The client's CRM gives number D1 to another debtor (numbers are reused)."""
    reply = world.agency_a.call("POST", "/v1/clients/C1/debtors", {"items": [
        debtor_row("D1", kind="b2b", name="Fietsenhandel Jansen", emails=["info@jansen.example"])]})  # fmt: skip
    assert reply.status == 200 and not reply.body["errors"], reply.body


def test_a_row_of_a_debtor_stored_at_the_preview_is_refused_when_the_number_changed_hands(
    world, tenants
):  # type: ignore[no-untyped-def]
    with_debtors(world, "C1", "D1")  # consumer "Debtor D1"
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = _preview(staff, FILE.encode())
    assert "To be imported: 1" in text(page), text(page)[:800]
    token = _token(page)
    _give_d1_to_a_business(world)
    done = _confirm(staff, token)
    assert done.status == 200, text(done)[:800]
    # before the fix: "New: 1, Rejected: 0", 250.00 on the business
    assert world.services.repos.invoices.for_debtor(tenants.c1, "D1") == []
    shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(done)))
    assert "Fietsenhandel Jansen" in shown and "Debtor D1" in shown, shown[-800:]


def test_a_row_without_a_name_column_is_checked_against_the_debtor_the_preview_found(
    world, tenants
):  # type: ignore[no-untyped-def]
    with_debtors(world, "C1", "D1", "D2")
    data = ("Factuurnr.;Deb.nr.;Factuurdatum;Vervalt;Factuur\n"
            "N-1;D1;01-11-2026;01-12-2026;250,00\nN-2;D2;01-11-2026;01-12-2026;75,00\n")  # fmt: skip
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = _preview(staff, data.encode())
    assert "To be imported: 2" in text(page), text(page)[:800]
    _give_d1_to_a_business(world)
    assert _confirm(staff, _token(page)).status == 200
    invoices = world.services.repos.invoices
    assert invoices.for_debtor(tenants.c1, "D1") == []
    assert [i.number for i in invoices.for_debtor(tenants.c1, "D2")] == ["N-2"]  # D2 as shown


def test_a_debtor_whose_name_agrees_still_gets_the_row(world, tenants):  # type: ignore[no-untyped-def]
    """Case and spaces make no other debtor (nor does a kind corrected since): booked."""
    with_debtors(world, "C1", "D1")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = _preview(staff, FILE.encode())
    reply = world.agency_a.call("POST", "/v1/clients/C1/debtors", {"items": [
        debtor_row("D1", kind="b2b", name="debtor  d1")]})  # fmt: skip
    assert reply.status == 200 and not reply.body["errors"], reply.body
    assert _confirm(staff, _token(page)).status == 200
    on_d1 = world.services.repos.invoices.for_debtor(tenants.c1, "D1")
    assert [(i.number, i.amount) for i in on_d1] == [("NEW-3", 25000)]


def test_a_large_uploads_job_refuses_the_rows_of_a_number_that_changed_hands(world, tenants):  # type: ignore[no-untyped-def]
    with_debtors(world, "C1", "D1", "D2")
    rows = "".join(
        f"J-{i};D1;Debtor D1;consument;01-11-2026;01-12-2026;10,00\n" for i in range(600)
    )
    rows += "J-600;D2;Debtor D2;consument;01-11-2026;01-12-2026;10,00\n"
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = _preview(staff, (HEADER + rows).encode())
    assert "To be imported: 601" in text(page), text(page)[:800]
    _give_d1_to_a_business(world)
    assert _confirm(staff, _token(page)).status == 303
    work_jobs(world)
    invoices = world.services.repos.invoices
    # before the fix: 600 invoices, 6,000.00 on Fietsenhandel Jansen
    assert invoices.for_debtor(tenants.c1, "D1") == []
    assert [i.number for i in invoices.for_debtor(tenants.c1, "D2")] == ["J-600"]
    (job,) = world.services.console_jobs.latest(tenants.c1)
    assert job.state["rejected"] == 600 and job.state["created"] == 1, job.state


def test_the_preview_keeps_the_names_it_showed():  # type: ignore[no-untyped-def]
    from datetime import date

    from shared.services.imports import InvoiceDraft

    day = date(2026, 11, 1)
    upload = Upload("f.csv", [(0, InvoiceDraft("N1", "D1", day, day, 100))], [],
                    shown=(("D1", "Debtor D1"),))  # fmt: skip
    again = Upload.load(upload.dump())
    assert again.names_for(again.rows) == {"D1": "Debtor D1"}


def _kept_alive_until(world, browser, later: timedelta) -> None:  # type: ignore[no-untyped-def]
    """The clock moved on by ``later`` while the person kept the session alive (idle: 30 min)."""
    left = later
    while left > timedelta(0):
        step = min(left, timedelta(minutes=20))
        world.clock.at += step
        left -= step
        assert browser.get("/upload?lang=en").status == 200


def test_a_preview_older_than_it_is_kept_is_refused_and_deleted(world, tenants):  # type: ignore[no-untyped-def]
    with_debtors(world, "C1", "D1")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = _preview(staff, FILE.encode())
    token = _token(page)
    files = world.services.files
    assert files.names(UPLOADS_CONTAINER, f"{tenants.c1}/") == [f"{tenants.c1}/{token}"]
    _kept_alive_until(world, staff, PREVIEW_KEPT + timedelta(minutes=1))
    done = _confirm(staff, token)
    assert done.status == 410, text(done)[:800]
    assert "This check has expired; upload the file again." in text(done)
    assert world.services.repos.invoices.for_debtor(tenants.c1, "D1") == []
    assert files.names(UPLOADS_CONTAINER, f"{tenants.c1}/") == []  # deleted, not kept


def test_a_preview_within_its_time_is_confirmed(world, tenants):  # type: ignore[no-untyped-def]
    with_debtors(world, "C1", "D1")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = _preview(staff, FILE.encode())
    _kept_alive_until(world, staff, PREVIEW_KEPT - timedelta(minutes=1))
    done = _confirm(staff, _token(page))
    assert done.status == 200, text(done)[:800]
    assert [i.number for i in world.services.repos.invoices.for_debtor(tenants.c1, "D1")] == [
        "NEW-3"
    ]
    assert world.services.files.names(UPLOADS_CONTAINER, f"{tenants.c1}/") == []


def test_a_token_of_a_stash_from_before_its_time_was_kept_is_gone(world, tenants):  # type: ignore[no-untyped-def]
    """A preview stashed before the deploy (``console-jobs/<client>/uploads/<token>``, a token
    without its time) is answered 'upload again', not booked."""
    from datetime import date

    from shared.services.console_jobs import JOBS_CONTAINER
    from shared.services.imports import InvoiceDraft

    with_debtors(world, "C1", "D1")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    draft = InvoiceDraft("NEW-3", "D1", date(2026, 11, 1), date(2026, 12, 1), 25000)
    old = "Q2xkT2xkT2xkT2xkT2xkT2xk"
    world.services.files.put(JOBS_CONTAINER, f"{tenants.c1}/uploads/{old}",
                             Upload("export.csv", [(0, draft)], []).dump())  # fmt: skip
    done = _confirm(staff, old)
    assert done.status == 410 and "upload the file again" in text(done)
    assert world.services.repos.invoices.for_debtor(tenants.c1, "D1") == []


def test_an_instance_a_little_behind_finds_the_preview_and_a_made_up_time_finds_none(
    world, tenants
):  # type: ignore[no-untyped-def]
    import pytest

    from shared.services.errors import NotFound

    jobs = world.services.console_jobs
    token = jobs.stash(tenants.c1, b"{}")
    world.clock.at -= timedelta(minutes=1)  # the confirm reaches an instance a minute behind
    assert jobs.unstash(tenants.c1, token) == b"{}"
    _, _, rest = token.partition("-")
    later = format(int((world.clock.at + timedelta(days=30)).timestamp()), "x")
    with pytest.raises(NotFound):  # a time written into the token finds no preview
        jobs.unstash(tenants.c1, f"{later}-{rest}")
    with pytest.raises(NotFound):
        jobs.unstash(tenants.c1, rest)  # no time: a token of before the deploy
