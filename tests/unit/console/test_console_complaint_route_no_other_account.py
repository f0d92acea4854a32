"""review27 F2: the console's settings refuse a complaint procedure naming an account that is
not the client's or the agency's, in Dutch, and store nothing (it was saved: the portal showed
it to every disputing debtor)."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of
from tests.unit.console.test_console_data_settings import _browser
from tests.unit.people.conftest import Tenants

FOREIGN = "NL20-INGB-0001-2345-67"


def test_the_console_refuses_it_in_dutch(world: World, tenants: Tenants) -> None:
    browser, path = _browser(world, tenants, Role.AGENCY_ADMIN)
    csrf = csrf_of(browser.get(path))
    answer = browser.post(path, {"csrf": csrf, "client": tenants.c1, "do": "route",
                                 "complaint_procedure": f"Betaal eerst naar {FOREIGN}",
                                 "affiliated": ""})  # fmt: skip
    assert answer.status == 422
    assert "Hier staat rekeningnummer NL20****4567" in answer.encoded().decode()
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None and found[0].complaint_procedure is None
