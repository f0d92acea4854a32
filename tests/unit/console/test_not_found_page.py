"""A console address that names no page (newcomer33: a mistyped ``/api/console/import`` showed
the sign-in page's title over a bare "404", to a person signed in, with no way back): the 404
says the page does not exist and links to Today, in the page's language, signed in or not."""

from __future__ import annotations

from shared.api.console.app import ConsoleApp
from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import Browser, desk_for


def _body(browser: Browser, path: str) -> str:
    page = browser.get(path)
    assert page.status == 404
    return page.encoded().decode()


def test_a_signed_in_person_is_told_the_page_does_not_exist_and_led_back(world, tenants):
    desk = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    body = _body(desk, "/import")
    assert "<title>Page not found - Inning</title>" in body
    assert "There is no such page in the console (404)." in body
    assert '<a href="/api/console/today">To Today</a>' in body
    assert "Sign in" not in body.split("</title>", 1)[1].split("</header>", 1)[1]
    dutch = _body(desk, "/import?lang=nl")
    assert "<title>Pagina niet gevonden - Inning</title>" in dutch
    assert '<a href="/api/console/today">Naar Vandaag</a>' in dutch


def test_a_stranger_gets_the_same_page(world, tenants):
    body = _body(Browser(ConsoleApp(world.services)), "/nothing-here")
    assert "There is no such page in the console (404)." in body
