"""The console security review's findings on the dossier and the lists (issue #16): the
debtor's portal link, which acts as the debtor, is only for people who may write and is put
on the debtor's timeline when taken; a made-up ``?not_before=`` is not the page's notice;
debtor numbers are one quoted path segment in every link and form; a tampered mail
continuation starts the list again instead of a 500."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime

import pytest

from shared.api.portal_app import PortalApp
from shared.domain.people.authorisation import Role
from shared.domain.records import ActionItem
from tests.unit.api.conftest import World, debtor_row, invoice_row
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import text, with_debtors
from tests.unit.payments.test_portal import Browser as PortalBrowser
from tests.unit.people.conftest import Tenants


def _debtor_with_invoice(world: World) -> None:
    with_debtors(world, "C1", "D1")
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices",
                               {"items": [invoice_row("F1", "D1")]}).status == 200  # fmt: skip


def test_a_reader_gets_no_portal_link(world: World, tenants: Tenants) -> None:
    _debtor_with_invoice(world)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = text(reader.get("/dossier/D1?lang=en"))
    assert "/api/p/" not in page and "/portal" not in page
    csrf = csrf_of(reader.get("/dossier/D1"))
    assert reader.post("/dossier/D1/portal", {"csrf": csrf, "client": tenants.c1}).status == 403
    entries = list(world.services.repos.contacts.for_debtor(tenants.c1, "D1")[0])
    assert not any("portal" in e.summary for e in entries)


def test_a_writer_reaches_the_portal_through_a_recorded_console_link(
    world: World, tenants: Tenants
) -> None:
    _debtor_with_invoice(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = text(staff.get("/dossier/D1?lang=en"))
    assert "/api/p/" not in page  # the signed link itself is in no console page
    assert 'action="/api/console/dossier/D1/portal?lang=en"' in page
    csrf = csrf_of(staff.get("/dossier/D1"))
    went = staff.post("/dossier/D1/portal", {"csrf": csrf, "client": tenants.c1})
    assert went.status == 303
    link = went.headers["Location"]
    assert "/api/p/" in link
    portal = PortalBrowser(PortalApp(world.services))
    assert portal.go("GET", link[link.index("/api/p/") :].removeprefix("/api")).status == 303
    logged = [e for e in world.services.repos.contacts.for_debtor(tenants.c1, "D1")[0]
              if e.summary == "portal link opened from the console"]  # fmt: skip
    assert len(logged) == 1 and logged[0].system and logged[0].author
    # another client's debtor: not found, nothing recorded
    with_debtors(world, "C2", "D9")
    assert staff.post("/dossier/D9/portal", {"csrf": csrf, "client": tenants.c1}).status == 404


def test_a_link_from_another_site_opens_no_portal_and_writes_nothing(
    world: World, tenants: Tenants
) -> None:
    """attack24 F6: a GET of the portal route (a link or redirect on any site: SameSite=Lax
    sends the session with it) wrote "portal link opened from the console" on the debtor's
    log in the person's name and sent the browser into the portal as the debtor; a POST
    without the page's token is refused."""
    _debtor_with_invoice(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    went = staff.get("/dossier/D1/portal")
    assert went.status == 303 and "/api/p/" not in went.headers["Location"]
    assert went.headers["Location"].startswith("/api/console/dossier/D1")
    forged = staff.post("/dossier/D1/portal", {"client": tenants.c1})
    assert forged.status == 403 and "/api/p/" not in forged.headers.get("Location", "")
    entries = list(world.services.repos.contacts.for_debtor(tenants.c1, "D1")[0])
    assert not any("portal" in e.summary for e in entries)


def test_a_made_up_not_before_is_not_the_pages_notice(world: World, tenants: Tenants) -> None:
    world.agency_a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = text(staff.get("/dossier/D1?lang=en&not_before=never.Call.0900-FRAUD.to.pay.now"))
    assert "0900-FRAUD" not in page


def test_a_debtor_number_stays_one_segment_in_every_link(world: World, tenants: Tenants) -> None:
    crafted = f"D1?client={tenants.c2}&x="
    assert world.agency_a.call("POST", "/v1/clients/C1/debtors",
                               {"items": [debtor_row(crafted)]}).status == 200  # fmt: skip
    world.services.repos.actions.add(ActionItem(tenants.c1, "a1", "staff_task", "Call",
                                                datetime(2025, 3, 3, tzinfo=UTC),
                                                debtor_number=crafted))  # fmt: skip
    agency = desk_for(world, Role.AGENCY_STAFF, None, "a@agency-a.example")
    quoted = "D1%3Fclient%3D" + tenants.c2 + "%26x%3D"
    for path in (f"/actions?client={tenants.c1}", f"/dossier/{quoted}?client={tenants.c1}"):
        page = text(agency.get(path))
        assert quoted in page, path
        links = re.findall(r'(?:href|action)="([^"]*)"', page)
        assert not any(f"/D1?client={tenants.c2}" in link for link in links), path


@pytest.mark.parametrize(
    "after", ["u:%%%notbase64", "l:" + base64.urlsafe_b64encode(b"{}").decode(), "x:1", "u:"]
)
def test_a_tampered_mail_continuation_starts_again(
    world: World, tenants: Tenants, after: str
) -> None:
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get("/mail?after=" + after)
    assert page.status == 200
