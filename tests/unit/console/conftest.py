"""Console pages on the in-memory world: people of every role signed in through the real
sign-in pages, and a browser without a browser (:class:`Browser`) to walk the pages."""

from __future__ import annotations

import re

import pytest

from shared.api.console.app import ConsoleApp
from shared.api.http import ApiResponse
from shared.domain.people.authorisation import Role, Target
from tests.unit.api.conftest import World
from tests.unit.people.conftest import Tenants, make_person
from tests.unit.people.conftest import tenants as tenants
from tests.unit.people.test_console_pages import Browser, _signed_in_browser, csrf_of

__all__ = ["Browser", "csrf_of", "desk_for", "forms_of"]


def desk_for(world: World, role: Role, client_id: str | None, email: str) -> Browser:
    """A signed-in browser of a new person with ``role`` at the client (None: the agency)."""
    person = make_person(world, role, Target("agency-a", client_id), email)
    browser: Browser = _signed_in_browser(world, person)
    assert isinstance(browser.app, ConsoleApp)
    return browser


def forms_of(page: ApiResponse) -> list[str]:
    """The forms of a page, each as its HTML (to check every one carries the CSRF token)."""
    return re.findall(r"<form\b.*?</form>", page.encoded().decode(), flags=re.S)


@pytest.fixture
def agency_desk(world: World, tenants: Tenants) -> Browser:
    return desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
