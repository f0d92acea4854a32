"""golive33: the Settings page sets a client's first steps a day (a backlog spread over days),
for the agency's people and the client's own admin, in the page's words; the client's staff
read it; a value that is no number from 1 on is refused, empty means no limit."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.people.conftest import Tenants


def _limit(world: World, tenants: Tenants) -> int | None:
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None
    return found[0].first_steps_per_day


def _spread(browser, tenants: Tenants, path: str, value: str):  # type: ignore[no-untyped-def]
    form = {"csrf": csrf_of(browser.get(path)), "client": tenants.c1, "do": "spread",
            "first_steps_per_day": value}  # fmt: skip
    return browser.post(path, form)


def test_the_agency_and_the_clients_admin_set_it_and_staff_read_it(
    world: World, tenants: Tenants
) -> None:
    path = f"/settings?client={tenants.c1}&lang=nl"
    agency = desk_for(world, Role.AGENCY_ADMIN, None, "admin@x.example")
    page = agency.get(path).encoded().decode()
    assert "Achterstand spreiden" in page and 'name="first_steps_per_day"' in page
    assert _spread(agency, tenants, path, "300").status in (302, 303)
    assert _limit(world, tenants) == 300
    refused = _spread(agency, tenants, path, "0")
    assert refused.status == 422
    assert "Geef het aantal eerste stappen per dag" in refused.encoded().decode()
    assert _spread(agency, tenants, path, "veel").status == 422
    assert _spread(agency, tenants, path, "²").status == 422  # a digit, no number (review33)
    assert _limit(world, tenants) == 300
    own = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "own@x.example")
    assert _spread(own, tenants, path, "").status in (302, 303)  # empty: no limit
    assert _limit(world, tenants) is None
    assert _spread(own, tenants, path, "50").status in (302, 303)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "staff@x.example")
    english = staff.get(f"/settings?client={tenants.c1}&lang=en").encoded().decode()
    assert "First steps a day: 50" in english and 'name="first_steps_per_day"' not in english
    assert _spread(staff, tenants, path, "").status == 403
    assert _limit(world, tenants) == 50
