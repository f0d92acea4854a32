"""The go-live day had no upper bound: a typo's year (2062 for 2026) stored a client whose
dunning waited for decades. Every path that sets it refuses a day more than MAX_DAYS_AHEAD
(366) days ahead, as the preview does (small33); the world's today is 2025-03-03."""

from __future__ import annotations

from datetime import date

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_client_go_live_day import _starts
from tests.unit.console.test_client_onboarding_day import _details
from tests.unit.people.conftest import Tenants
from tests.unit.people.test_accounts import _defaults
from tests.unit.people.test_onboarding_needs_bank_account import BODY

LAST = "2026-03-04"  # 366 days after 2025-03-03
PAST_IT = "2026-03-05"


def test_post_clients_refuses_the_row(world: World, tenants: Tenants) -> None:
    api = world.agency_a
    reply = api.call(
        "POST", "/v1/clients", {"items": [{"number": "C1", "dunning_starts_on": PAST_IT}]}
    )
    assert reply.body["rejected"] == 1, reply.body
    [error] = reply.body["errors"]
    assert error["field"] == "dunning_starts_on" and "dunning_starts_on_too_far" in error["message"]
    assert _starts(world, tenants) is None
    reply = api.call(
        "POST", "/v1/clients", {"items": [{"number": "C1", "dunning_starts_on": LAST}]}
    )
    assert reply.body["rejected"] == 0, reply.body
    assert _starts(world, tenants) == date(2026, 3, 4)


def test_onboarding_refuses_it(world: World) -> None:
    _defaults(world)
    body = {**BODY, "iban": "NL34 RABO 0142 6233 93", "dunning_starts_on": PAST_IT}
    reply = world.agency_a.call("POST", "/v1/onboarding/clients", body)
    assert reply.status == 422, reply.body
    [detail] = reply.body["error"]["details"]
    assert (detail["code"], detail["field"]) == ("dunning_starts_on_too_far", "dunning_starts_on")
    assert world.services.repos.clients.id_for_number("agency-a", "VIS") is None
    reply = world.agency_a.call(
        "POST", "/v1/onboarding/clients", {**body, "dunning_starts_on": LAST}
    )
    assert reply.status == 201, reply.body


def test_the_settings_page_refuses_it_in_dutch(world: World, tenants: Tenants) -> None:
    agency = desk_for(world, Role.AGENCY_ADMIN, None, "admin@x.example")
    path = f"/settings?client={tenants.c1}&lang=nl"
    refused = _details(agency, tenants, path, dunning_starts_on=PAST_IT)
    assert refused.status == 422
    assert "ligt hoogstens 366 dagen vooruit" in refused.encoded().decode()
    assert _starts(world, tenants) is None
    assert _details(agency, tenants, path, dunning_starts_on=LAST).status in (302, 303)
    assert _starts(world, tenants) == date(2026, 3, 4)
