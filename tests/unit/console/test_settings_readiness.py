"""golive32: the console's Settings shows the client's readiness before go-live next to the
go-live day, in the page's words, to the agency's people and the client's admins; its staff
do not see it (the API answers them 404 too)."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import desk_for
from tests.unit.people.conftest import Tenants


def test_the_agency_and_the_clients_admin_see_what_is_missing(
    world: World, tenants: Tenants
) -> None:
    path = f"/settings?client={tenants.c1}&lang=nl"
    agency = desk_for(world, Role.AGENCY_ADMIN, None, "admin@x.example")
    page = agency.get(path).encoded().decode()
    assert 'id="set-ready"' in page and "Klaar voor de start" in page
    assert 'data-check="workflow" class="blocking"' in page
    assert "Actieve workflow: geen actieve workflow; niemand krijgt een stap" in page
    assert "Startdag van de invordering: niet gezet; de invordering loopt al" in page
    own = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "own@x.example")
    english = own.get(f"/settings?client={tenants.c1}&lang=en").encoded().decode()
    assert "Ready to go live" in english and "Go-live day: not set" in english
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "staff@x.example")
    assert 'id="set-ready"' not in staff.get(path).encoded().decode()
