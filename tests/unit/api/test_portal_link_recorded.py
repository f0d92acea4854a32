"""attack24 F7: ``POST /v1/clients/{client}/debtors/{debtor}/portal-link`` handed a person the
debtor's portal link (which acts as the debtor: disputes, postpones, proposes a plan) and wrote
nothing, where the console's "open portal" puts who took it on the debtor's contact log. Now
the API's link is on the log the same way (who, when; never the link), in the console's words
in Dutch too; a refused request (sandbox, another client's debtor) records nothing."""

from __future__ import annotations

from shared.api.console.contact_text import summary
from shared.domain.people.authorisation import Role, Target
from tests.unit.api.conftest import World
from tests.unit.console.money_support import with_debtors
from tests.unit.people.conftest import Tenants, make_person, session_call
from tests.unit.people.conftest import tenants as tenants

SUMMARY = "portal link handed out through the API"


def _logged(world: World, client_id: str, debtor: str) -> list:  # type: ignore[type-arg]
    entries = world.services.repos.contacts.for_debtor(client_id, debtor)[0]
    return [e for e in entries if "portal link" in e.summary]


def test_a_persons_portal_link_from_the_api_is_on_the_debtors_log(
    world: World, tenants: Tenants
) -> None:
    with_debtors(world, "C1", "D1")
    staff = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "s@c1.example")
    reply = session_call(world, staff.signed, "POST", "/v1/clients/C1/debtors/D1/portal-link")
    assert reply.status == 200
    link = reply.body["portal_link"]
    [entry] = _logged(world, tenants.c1, "D1")  # before: [] (nothing recorded)
    assert entry.summary == SUMMARY and entry.system
    assert entry.at == world.clock.now()
    # the same author the console's "open portal" writes for this person
    console = world.services.dossier.open_portal(
        world.services.repos.clients.get(tenants.c1)[0],  # type: ignore[index]
        "D1",
        f"user:{staff.user_id}",  # the console desk's principal's key id
    )
    assert console
    by_console = [e for e in _logged(world, tenants.c1, "D1") if e.summary != SUMMARY]
    assert entry.author and entry.author == by_console[0].author
    token = link.split("/api/p/", 1)[1]
    assert all(token not in (e.summary + str(e.author)) for e in _logged(world, tenants.c1, "D1"))
    assert summary(SUMMARY, "nl") == "portaallink uitgegeven via de API"


def test_a_key_and_a_refused_request(world: World, tenants: Tenants) -> None:
    with_debtors(world, "C1", "D1")
    assert world.agency_a.call("POST", "/v1/clients/C1/debtors/D1/portal-link").status == 200
    [entry] = _logged(world, tenants.c1, "D1")
    assert world.agency_a.key is not None
    key = world.services.access.authenticate(world.agency_a.key)
    assert key is not None and entry.author == key.key_id
    # another agency's key: not found, nothing written; an unknown debtor likewise
    assert world.agency_b.call("POST", "/v1/clients/C1/debtors/D1/portal-link").status == 404
    assert world.agency_a.call("POST", "/v1/clients/C1/debtors/D9/portal-link").status == 404
    assert len(_logged(world, tenants.c1, "D1")) == 1 and _logged(world, tenants.c1, "D9") == []
