"""The Today page: the figures of the chosen client with the ageing drawn as SVG and as a
table, the action counts linking to the action list, the broadcasts, and for agency people
their clients by last successful run. Recount: a POST with the CSRF token, not for readers."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.figures.test_console_figures import seed


def test_today_shows_the_client_figures_and_ageing(world, tenants):
    seed(world)
    browser = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = browser.get("/today?lang=en")
    body = page.encoded().decode()
    assert page.status == 200
    assert "<svg" in body and 'role="img"' in body and "<caption>" in body
    # the table is the chart's text alternative: every bucket with its amount
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">([^<]+)</td>', body))
    assert rows["Not yet due"] == "EUR 121.00"
    assert rows["0–30 days"] == "EUR 121.00" and rows["over 90 days"] == "EUR 50.00"
    assert rows["Overdue"] == "EUR 171.00"
    assert "Clients by last successful" not in body  # an agency's view only
    for form in forms_of(page):
        assert 'name="csrf"' in form


def test_agency_people_see_their_clients_by_last_run(world, tenants):
    browser = desk_for(world, Role.AGENCY_STAFF, None, "s@agency-a.example")
    body = browser.get(f"/today?client={tenants.c2}&lang=en").encoded().decode()
    assert "Client C1" in body and "Client C2" in body and "Client B1" not in body
    assert "Active clients" in body and "Inactive clients" in body


def test_recount_needs_write_and_the_token(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "w@c1.example")
    token = csrf_of(staff.get("/today"))
    assert staff.post("/today", {"csrf": "x" * 32, "do": "recount"}).status == 403
    done = staff.post("/today", {"csrf": token, "do": "recount"})
    assert done.status == 303 and "done=today_recounted" in done.headers["Location"]
    assert "counted again" in staff.get("/today?done=today_recounted&lang=en").encoded().decode()
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get("/today")
    assert b"recount" not in page.encoded()
    assert reader.post("/today", {"csrf": csrf_of(page), "do": "recount"}).status == 403


def test_after_sign_in_the_console_lands_on_today(world, tenants):
    browser = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    assert browser.get("/login/second-factor").headers["Location"] == "/api/console/today"


def test_a_stale_rate_table_is_said_on_today(world, tenants):
    # the shipped table's newest rate is 2026-07-01: stale from seven months after it
    world.clock.at = datetime(2026, 9, 2, 9, 0, tzinfo=UTC)
    early = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert "out of date" not in early.get("/today?lang=en").encoded().decode()
    world.clock.at = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    browser = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "t@c1.example")
    body = browser.get("/today?lang=en").encoded().decode()
    assert (
        "The statutory interest table is out of date: its newest rate applies from 2026-07-01"
        in body
    )
    nl = browser.get("/today?lang=nl").encoded().decode()
    assert "De tabel met de wettelijke rente is verouderd" in nl
