"""A business that signed up works in a sandbox until the agency approves it, and approval
needs its bank account (newcomer20 F1); the console said neither (newcomer20 F8): Today read
"Geen openstaande acties" while nothing reached a debtor. Today now says so, and what to do."""

from __future__ import annotations

from dataclasses import replace

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import desk_for
from tests.unit.people.conftest import Tenants


def _sandboxed(world: World, client_id: str) -> None:
    clients = world.services.repos.clients
    client, etag = clients.get(client_id)  # type: ignore[misc]
    clients.save(replace(client, sandbox=True, ibans=()), etag)


def _today(world: World, client_id: str, email: str = "baas@c1.example") -> str:
    admin = desk_for(world, Role.CLIENT_ADMIN, client_id, email)
    return admin.get("/today").encoded().decode()


def test_today_tells_a_sandboxed_client_to_add_its_account(world: World, tenants: Tenants) -> None:
    _sandboxed(world, tenants.c1)
    page = _today(world, tenants.c1)
    assert "Proefomgeving: nog niets van" in page
    assert "voeg die toe onder Instellingen, Bankrekeningen" in page
    world.services.client_settings.add_iban(
        world.services.repos.clients.get(tenants.c1)[0],  # type: ignore[index]
        "NL77ABNA0574908765", by_agency=False,
    )  # fmt: skip
    page = _today(world, tenants.c1, "tweede@c1.example")
    assert "het incassobureau kan de aanmelding nu goedkeuren" in page


def test_an_approved_client_sees_no_sandbox_notice(world: World, tenants: Tenants) -> None:
    assert "Proefomgeving" not in _today(world, tenants.c1)
