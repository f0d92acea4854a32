"""settle28: no client onboarding date was stored. The console's Settings page shows it
("Klant sinds"), the agency's people set or correct it in the details form, a bad day is
refused in the page's words, and a client's own admin cannot change it (the form has no field,
and a posted one is ignored)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.people.conftest import Tenants


def _details(browser, tenants: Tenants, path: str, **extra: str):  # type: ignore[no-untyped-def]
    form = {"csrf": csrf_of(browser.get(path)), "client": tenants.c1, "do": "details",
            "name": "Client C1", "contact_email": "", "contact_phone": "", "kvk_number": "",
            "language": "nl", "street": "", "postal_code": "", "city": "", "country": "NL",
            **extra}  # fmt: skip
    return browser.post(path, form)


def _onboarded(world: World, tenants: Tenants) -> date | None:
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None
    return found[0].onboarded_on


def test_the_agency_sets_the_day_it_took_the_client_on(world: World, tenants: Tenants) -> None:
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None  # a client stored before the day was kept: none on its row
    world.services.repos.clients.save(replace(found[0], onboarded_on=None), found[1])
    agency = desk_for(world, Role.AGENCY_ADMIN, None, "admin@x.example")
    path = f"/settings?client={tenants.c1}&lang=nl"
    page = agency.get(path).encoded().decode()
    assert 'name="onboarded_on"' in page and "Klant sinds: -" in page
    done = _details(agency, tenants, path, onboarded_on="2026-11-20")
    assert done.status in (302, 303), done.status
    assert _onboarded(world, tenants) == date(2026, 11, 20)
    assert "Klant sinds: 20-11-2026" in agency.get(path).encoded().decode()
    english = agency.get(f"/settings?client={tenants.c1}&lang=en").encoded().decode()
    assert "Client since: 2026-11-20" in english
    # a form sent without a day keeps it; a bad one is refused in Dutch
    _details(agency, tenants, path)
    assert _onboarded(world, tenants) == date(2026, 11, 20)
    refused = _details(agency, tenants, path, onboarded_on="20-11")
    assert refused.status == 422
    assert "Geef de dag waarop de klant is aangenomen" in refused.encoded().decode()


def test_a_clients_own_admin_cannot_move_it(world: World, tenants: Tenants) -> None:
    agency = desk_for(world, Role.AGENCY_ADMIN, None, "admin@x.example")
    path = f"/settings?client={tenants.c1}&lang=nl"
    _details(agency, tenants, path, onboarded_on="2026-11-20")
    own = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "own@x.example")
    page = own.get(path).encoded().decode()
    assert 'name="onboarded_on"' not in page and "Klant sinds: 20-11-2026" in page
    _details(own, tenants, path, onboarded_on="2014-01-01")
    assert _onboarded(world, tenants) == date(2026, 11, 20)
