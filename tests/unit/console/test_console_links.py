"""The Links page: everyone who reads the client sees its own mailbox and Mollie account; the
client's admin and the agency's admin unlink the mailbox (the API's MANAGE_BANK_ACCOUNTS),
other roles get no form and a 403; another agency's client is out of reach."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters.tables.linked_accounts_repo import GraphLink
from shared.domain.people.audit import Event, tenant_key
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.people.conftest import Tenants

TENANT = "6f1c2d3e-0000-4000-8000-000000000001"
BOX = "facturen@bakkerij.example"
MAY_UNLINK = {Role.AGENCY_ADMIN, Role.CLIENT_ADMIN}


@pytest.mark.parametrize("role", list(Role))
def test_the_link_is_shown_and_only_admins_unlink_it(
    world: World, tenants: Tenants, role: Role
) -> None:
    links = world.services.linked_accounts
    links.save_graph(GraphLink(tenants.c1, TENANT, BOX, datetime(2025, 3, 1, tzinfo=UTC)))
    agency = role.agency_level
    browser = desk_for(world, role, None if agency else tenants.c1, f"{role.value}@x.example")
    path = f"/links?client={tenants.c1}" if agency else "/links"
    page = browser.get(path)
    assert page.status == 200
    body = page.encoded().decode()
    assert BOX in body and TENANT in body
    assert ('value="office365_unlink"' in body) == (role in MAY_UNLINK)
    answer = browser.post(
        path, {"csrf": csrf_of(page), "client": tenants.c1, "do": "office365_unlink"}
    )
    assert answer.status == (303 if role in MAY_UNLINK else 403), (role, answer.status)
    assert (links.graph(tenants.c1) is None) == (role in MAY_UNLINK)
    assert (links.owner_of_mailbox(BOX) is None) == (role in MAY_UNLINK)
    entries = [e for e in world.services.people.kit.people.audit.between(
        tenant_key("agency-a", tenants.c1), "0", "g") if e.event is Event.MAILBOX_UNLINKED]  # fmt: skip
    assert len(entries) == (1 if role in MAY_UNLINK else 0)
    if role in MAY_UNLINK:
        assert entries[0].actor == browser_user(world, f"{role.value}@x.example")
        after = browser.get(path).encoded().decode()
        assert BOX not in after and 'value="office365_unlink"' not in after


def test_another_agencys_client_is_out_of_reach(world: World, tenants: Tenants) -> None:
    world.services.linked_accounts.save_graph(
        GraphLink(tenants.b1, TENANT, BOX, datetime(2025, 3, 1, tzinfo=UTC))
    )
    browser = desk_for(world, Role.AGENCY_ADMIN, None, "admin@x.example")
    page = browser.get(f"/links?client={tenants.b1}")
    assert page.status in (403, 404) and BOX not in page.encoded().decode()
    assert world.services.linked_accounts.graph(tenants.b1) is not None


def browser_user(world: World, email: str) -> str:
    found = world.services.people.kit.people.users.by_email(email)
    assert found is not None
    return found[0].user_id
