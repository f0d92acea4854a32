"""onboard32: the agency's people set a client's go-live day on the Settings page (the daily
run sends nothing for the client before it); the page shows it while it is ahead, an empty
field makes the dunning live, a bad day is refused in the page's words, and a client's own
admin cannot move it."""

from __future__ import annotations

from datetime import date

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_client_onboarding_day import _details
from tests.unit.people.conftest import Tenants


def _starts(world: World, tenants: Tenants) -> date | None:
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None
    return found[0].dunning_starts_on


def test_the_agency_sets_shows_and_clears_the_go_live_day(world: World, tenants: Tenants) -> None:
    agency = desk_for(world, Role.AGENCY_ADMIN, None, "admin@x.example")
    path = f"/settings?client={tenants.c1}&lang=nl"
    page = agency.get(path).encoded().decode()
    assert 'name="dunning_starts_on"' in page and "Invordering begint op:" not in page
    ahead = "2026-01-04"
    done = _details(agency, tenants, path, dunning_starts_on=ahead)
    assert done.status in (302, 303), done.status
    assert _starts(world, tenants) == date(2026, 1, 4)
    assert "Invordering begint op: 04-01-2026" in agency.get(path).encoded().decode()
    _details(agency, tenants, path)  # a form without the field keeps it
    assert _starts(world, tenants) == date(2026, 1, 4)
    refused = _details(agency, tenants, path, dunning_starts_on="4-1")
    assert refused.status == 422
    assert "Geef de dag waarop de invordering begint" in refused.encoded().decode()
    _details(agency, tenants, path, dunning_starts_on="")  # empty: live now
    assert _starts(world, tenants) is None


def test_a_clients_own_admin_cannot_move_it(world: World, tenants: Tenants) -> None:
    agency = desk_for(world, Role.AGENCY_ADMIN, None, "admin@x.example")
    path = f"/settings?client={tenants.c1}&lang=nl"
    _details(agency, tenants, path, dunning_starts_on="2026-01-04")
    own = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "own@x.example")
    page = own.get(path).encoded().decode()
    assert 'name="dunning_starts_on"' not in page and "Invordering begint op: 04-01-2026" in page
    _details(own, tenants, path, dunning_starts_on="")
    assert _starts(world, tenants) == date(2026, 1, 4)
