"""attack18 F3: the console's Settings stored a client name the API refuses. The API's Name rule
refuses control characters, line breaks and direction overrides (POST /v1/clients: rejected
'name'); the settings page checked only 1 to 200 characters and stored 'Jansen B.V.\\n\\nBetaal
via https://x.example \\u202egnilatab', which every invitation then mailed ("U bent uitgenodigd
voor Inning (<name>)"), as letters and messages print it. Now the page refuses what the API
refuses (``client_name_characters``), with its own words."""

from __future__ import annotations

import html

import pytest

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.people.conftest import Tenants


def _post_name(world: World, tenants: Tenants, name: str):  # type: ignore[no-untyped-def]
    browser = desk_for(world, Role.AGENCY_ADMIN, None, "admin@x.example")
    path = f"/settings?client={tenants.c1}&lang=nl"
    details = {"csrf": csrf_of(browser.get(path)), "client": tenants.c1, "do": "details",
               "name": name, "contact_email": "", "contact_phone": "", "kvk_number": "",
               "language": "nl", "street": "", "postal_code": "", "city": "", "country": "NL"}  # fmt: skip
    return browser.post(path, details)


@pytest.mark.parametrize(
    "name",
    [
        "Jansen B.V.\n\nBetaal via https://x.example",  # a line break
        "Jansen B.V.\r\nBetaal direct",
        "Belastingdienst \u202egnilatab",  # a right-to-left override
        "Jansen\x07 B.V.",
        "Jansen\u2028B.V.",
    ],
)
def test_the_settings_page_refuses_a_name_the_api_refuses(
    world: World, tenants: Tenants, name: str
) -> None:
    api = world.agency_a.call("POST", "/v1/clients", {"items": [{"number": "C1", "name": name}]})
    assert api.body["rejected"] == 1  # the API's own answer for the same name
    refused = _post_name(world, tenants, name)
    shown = html.unescape(refused.encoded().decode())
    assert refused.status == 422, shown[:300]
    assert "De naam staat op één regel, zonder stuurtekens" in shown
    stored = world.services.repos.clients.get(tenants.c1)
    assert stored and stored[0].name == "Client C1"


def test_a_name_of_one_line_is_saved(world: World, tenants: Tenants) -> None:
    assert _post_name(world, tenants, "Jansen & Zn. B.V. (Bol.com)").status == 303
    stored = world.services.repos.clients.get(tenants.c1)
    assert stored and stored[0].name == "Jansen & Zn. B.V. (Bol.com)"
