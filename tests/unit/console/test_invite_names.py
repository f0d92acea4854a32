"""An invited person's name goes into the invitation's mail and every list of people: it
accepted line breaks, control and text-direction characters ("Jan\u202e…" reads backwards)
that a client's own name refuses (attack33 left it; small33). The same rule, by the API and
the console's Settings form, with the console's refusal in Dutch."""

from __future__ import annotations

import pytest

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_refusals_in_dutch_settings import _notice
from tests.unit.people.conftest import Tenants

BAD = ["Jan\u202eevil", "Jan\nBcc: x@evil.example", "Jan\u2066x", "Jan\x00", "Jan\x9b31m"]


@pytest.mark.parametrize("name", BAD)
def test_the_api_refuses_a_name_a_client_could_not_have(
    world: World, tenants: Tenants, name: str
) -> None:
    body = {"email": "nieuw@c1.example", "role": "client_staff", "client": "C1", "name": name}
    reply = world.agency_a.call("POST", "/v1/users", body)
    assert reply.status == 422, reply.body
    assert world.services.people.kit.people.users.by_email("nieuw@c1.example") is None


def test_a_plain_name_is_still_invited(world: World, tenants: Tenants) -> None:
    body = {"email": "nieuw@c1.example", "role": "client_staff", "client": "C1",
            "name": "Jan de Vries-Çelik"}  # fmt: skip
    assert world.agency_a.call("POST", "/v1/users", body).status == 202


def test_the_settings_form_refuses_it_in_dutch(world: World, tenants: Tenants) -> None:
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "admin@c1.example")
    csrf = csrf_of(admin.get("/settings"))
    form = {"csrf": csrf, "do": "invite", "email": "nieuw@c1.example", "role": "client_staff"}
    refused = admin.post("/settings", {**form, "name": "Jan\u202eevil"})
    assert refused.status == 422
    assert _notice(refused) == (
        "De naam staat op één regel, zonder stuurtekens of tekens die de leesrichting omkeren."
    )
    assert admin.post("/settings", {**form, "name": "Jan de Vries"}).status in (200, 303)
