"""wki27: the settings page records where a debtor who disagrees can go: the client's complaint
procedure and its geschillencommissie (by name, none, or not recorded), as POST /v1/clients
does; the agency's admins set it (MANAGE_CLIENTS), a client's own people read it; a bad value
is refused in Dutch."""

from __future__ import annotations

from typing import Any

from shared.domain.parties import NO_DISPUTES_COMMITTEE
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of
from tests.unit.console.test_console_data_settings import _browser
from tests.unit.people.conftest import Tenants


def _post(page: tuple[Any, str], tenants: Tenants, **fields: str) -> int:
    browser, path = page
    csrf = csrf_of(browser.get(path))
    answer = browser.post(path, {"csrf": csrf, "client": tenants.c1, "do": "route", **fields})
    return int(answer.status)


def _stored(world: World, tenants: Tenants) -> tuple[str | None, str | None]:
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None
    return found[0].complaint_procedure, found[0].disputes_committee


def test_the_agency_records_the_route_and_the_page_shows_it(world: World, tenants: Tenants) -> None:
    assert _stored(world, tenants) == (None, None)  # not recorded
    page = _browser(world, tenants, Role.AGENCY_ADMIN)
    status = _post(page, tenants, complaint_procedure=" https://c1.example/klacht ",
                   affiliated="yes", disputes_committee="De Geschillencommissie Thuiswinkel")  # fmt: skip
    assert status == 303
    assert _stored(world, tenants) == (
        "https://c1.example/klacht",
        "De Geschillencommissie Thuiswinkel",
    )
    browser, path = page
    shown = browser.get(path).encoded().decode()
    assert 'value="https://c1.example/klacht"' in shown and "Klachten en geschillen" in shown
    assert _post(page, tenants, complaint_procedure="", affiliated="no",
                 disputes_committee="ignored") == 303  # fmt: skip
    assert _stored(world, tenants) == (None, NO_DISPUTES_COMMITTEE)
    assert _post(page, tenants, affiliated="", disputes_committee="") == 303
    assert _stored(world, tenants) == (None, None)


def test_a_committee_without_a_name_is_refused_in_dutch(world: World, tenants: Tenants) -> None:
    browser, path = _browser(world, tenants, Role.AGENCY_ADMIN)
    csrf = csrf_of(browser.get(path))
    answer = browser.post(path, {"csrf": csrf, "client": tenants.c1, "do": "route",
                                 "affiliated": "yes", "disputes_committee": " "})  # fmt: skip
    assert answer.status == 422
    assert "Vul de naam van de geschillencommissie in" in answer.encoded().decode()
    assert _stored(world, tenants) == (None, None)


def test_a_clients_own_admin_reads_it_but_does_not_set_it(world: World, tenants: Tenants) -> None:
    page = _browser(world, tenants, Role.CLIENT_ADMIN)
    assert _post(page, tenants, affiliated="no") == 403
    assert _stored(world, tenants) == (None, None)
    browser, path = page
    shown = browser.get(path).encoded().decode()
    assert "Klachten en geschillen" in shown and 'name="affiliated"' not in shown
