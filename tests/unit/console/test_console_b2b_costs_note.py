"""cm24 F3: the settings page says from which claims 15 % agreed exceeds the staffel (2,500.00);
before, no note for any percentage that can be set."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of
from tests.unit.console.test_console_data_settings import _browser
from tests.unit.people.conftest import Tenants


def test_the_settings_page_shows_the_note_for_fifteen_percent(world: World, tenants: Tenants):
    admin, path = _browser(world, tenants, Role.AGENCY_ADMIN)
    post = {"csrf": csrf_of(admin.get(path)), "client": tenants.c1, "do": "b2b_costs"}
    assert admin.post(path, {**post, "basis": "percentage", "value": "15"}).status == 303
    body = admin.get(path).encoded().decode()
    assert "vorderingen boven € 2.500,00" in body or "claims above EUR 2,500.00" in body
