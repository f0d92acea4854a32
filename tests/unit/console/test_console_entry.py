"""The console's entry point (`/api/console/`, the README's link): the sign-in form for a
visitor, the day's work (Today) for someone already signed in."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import Browser, desk_for


def test_the_entry_point_sends_a_visitor_to_sign_in(world, tenants):
    from shared.api.console.app import ConsoleApp

    for path in ("/", ""):
        answer = Browser(ConsoleApp(world.services)).get(path)
        assert answer.status == 303 and answer.headers["Location"] == "/api/console/login"


def test_the_entry_point_sends_a_signed_in_user_to_today(world, tenants):
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    answer = staff.get("/")
    assert answer.status == 303 and answer.headers["Location"] == "/api/console/today"
    assert staff.get("/today").status == 200
