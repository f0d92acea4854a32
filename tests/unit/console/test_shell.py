"""The console shell: a page is reached only signed in with both factors, every POST carries
the session's CSRF token, a client's people never reach another client (whatever ``?client=``
says), and a role gets only what the authorisation table grants (deny by default)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shared.api.console.shell import PAGES, Desk, page, page_of
from shared.api.http import ApiResponse
from shared.domain.people.authorisation import Action, Role
from tests.unit.console.conftest import Browser, csrf_of, desk_for


@pytest.fixture
def probe() -> Iterator[list[Desk]]:
    """A page registered for the test only: it records the desk it was given."""
    seen: list[Desk] = []

    def handler(desk: Desk, rest: list[str]) -> ApiResponse:
        seen.append(desk)
        if desk.req.method == "POST":
            return desk.redirect("/probe", done="x")
        return desk.render("desk-message", desk.client.name, notice="/".join(rest))

    page("probe", nav="account", post_action={"grant": Action.MANAGE_USERS})(handler)
    try:
        yield seen
    finally:
        PAGES.pop("probe")


def test_a_page_needs_a_full_session(world, tenants, probe):
    from shared.api.console.app import ConsoleApp

    anonymous = Browser(ConsoleApp(world.services))
    answer = anonymous.get("/probe")
    assert answer.status == 303 and answer.headers["Location"] == "/api/console/login"
    assert probe == []


def test_client_people_see_their_own_client_only(world, tenants, probe):
    browser = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert browser.get(f"/probe/a/b?client={tenants.c2}").status == 404  # not swapped
    shown = browser.get("/probe/a/b")
    assert shown.status == 200
    assert probe[-1].client_id == tenants.c1 and [c.client_id for c in probe[-1].choices] == [
        tenants.c1
    ]
    body = shown.encoded().decode()
    assert "a/b" in body and 'name="client"' not in body  # no client picker for one client
    assert "default-src 'none'" in shown.headers["Content-Security-Policy"]


def test_agency_people_pick_among_their_agency_clients(world, tenants, probe):
    browser = desk_for(world, Role.AGENCY_STAFF, None, "s@agency-a.example")
    assert browser.get(f"/probe?client={tenants.c2}").status == 200
    assert probe[-1].client_id == tenants.c2
    assert {c.client_id for c in probe[-1].choices} == {tenants.c1, tenants.c2}
    seen = len(probe)
    # another agency's client is out of reach: refused, never swapped for one in reach
    assert browser.get(f"/probe?client={tenants.b1}").status == 404
    token = csrf_of(browser.get("/probe"))
    assert browser.post("/probe", {"csrf": token, "client": tenants.b1}).status == 404
    assert len(probe) == seen + 1  # only the GET that fetched the token reached the page
    assert probe[-1].url("/x", page=2) == f"/api/console/x?client={probe[-1].client_id}&page=2"


def test_posts_need_the_csrf_token_and_the_role(world, tenants, probe):
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "w@c1.example")
    token = csrf_of(staff.get("/probe"))
    assert staff.post("/probe", {"csrf": "f" * 32}).status == 403
    done = staff.post("/probe", {"csrf": token})
    assert done.status == 303 and done.headers["Location"].endswith("/probe?done=x")
    assert staff.post("/probe", {"csrf": token, "do": "grant"}).status == 403  # admins only
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    assert admin.post("/probe", {"csrf": csrf_of(admin.get("/probe")), "do": "grant"}).status == 303
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    assert reader.get("/probe").status == 200
    assert reader.post("/probe", {"csrf": csrf_of(reader.get("/probe"))}).status == 403


def test_page_of_reads_one_past_the_page_only():
    read: list[int] = []

    def numbers() -> Iterator[int]:
        for n in range(1000):
            read.append(n)
            yield n

    first = page_of(numbers(), 0, size=10)
    assert first.items == list(range(10)) and first.previous is None and first.next == 1
    assert len(read) == 11
    last = page_of(range(25), 2, size=10)
    assert last.items == list(range(20, 25)) and last.previous == 1 and last.next is None
