"""DELETE /v1/clients/{client}/links/office365: the client's admin or its agency's admin lets
go of the client's own mailbox; the owner row goes (another tenant may link it next), the
mailbox's delta round starts afresh, and the audit trail says who did it."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.adapters.tables.inbound_repo import MailboxStateRepository
from shared.adapters.tables.linked_accounts_repo import GraphLink
from shared.domain.people.audit import Event, tenant_key
from tests.unit.api.conftest import client_row

TENANT = "6f1c2d3e-0000-4000-8000-000000000001"
OTHER = "6f1c2d3e-0000-4000-8000-000000000002"
BOX = "facturen@bakkerij.example"


def linked_client(world):
    a = world.agency_a
    a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", contact_email=BOX), client_row("C2")]}
    )
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    links = world.services.linked_accounts
    links.save_graph(GraphLink(cid, TENANT, BOX, datetime(2025, 3, 1, tzinfo=UTC)))
    MailboxStateRepository(world.store).save(BOX, "https://graph/delta?x", world.clock.now(),
                                             world.clock.now())  # fmt: skip
    return a, cid, links


def test_the_agency_admin_unlinks_and_another_tenant_may_link_next(world) -> None:
    a, cid, links = linked_client(world)
    assert a.call("GET", "/v1/clients/C1/links").body["office365"]["tenant_id"] == TENANT
    assert a.call("DELETE", "/v1/clients/C1/links/office365").status == 204
    assert links.graph(cid) is None and links.owner_of_mailbox(BOX) is None
    assert a.call("GET", "/v1/clients/C1/links").body["office365"] is None
    assert MailboxStateRepository(world.store).get(BOX) == (None, None)
    # the mailbox is free: the rightful owner (another client, another tenant) links it
    c2 = world.services.repos.clients.id_for_number("agency-a", "C2")
    links.save_graph(GraphLink(c2, OTHER, BOX, world.clock.now()))
    assert links.owner_of_mailbox(BOX) == (OTHER, c2)
    # audited for the client and for the agency, naming who did it and what was let go
    for tenant in (tenant_key("agency-a", cid), tenant_key("agency-a", None)):
        [entry] = [e for e in world.services.people.kit.people.audit.between(tenant, "0", "g")
                   if e.event is Event.MAILBOX_UNLINKED]  # fmt: skip
        assert entry.actor.startswith("key:") and entry.subject == cid
        assert entry.detail == {"tenant": TENANT, "mailbox": BOX}
    # unlinking again is harmless and audits nothing more
    assert a.call("DELETE", "/v1/clients/C1/links/office365").status == 204
    again = [e for e in world.services.people.kit.people.audit.between(
        tenant_key("agency-a", cid), "0", "g") if e.event is Event.MAILBOX_UNLINKED]  # fmt: skip
    assert len(again) == 1


def test_only_admins_in_reach_unlink(world) -> None:
    a, cid, links = linked_client(world)
    plain = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"]
    other_admin = a.call("POST", "/v1/keys", {"scope": "client", "client": "C2", "admin": True})
    # the client's staff key: in reach, but not its admin (403); another agency, and the
    # admin of a sibling client, do not even learn the client exists (404)
    assert a.as_key(plain).call("DELETE", "/v1/clients/C1/links/office365").status == 403
    assert world.agency_b.call("DELETE", "/v1/clients/C1/links/office365").status == 404
    reply = a.as_key(other_admin.body["key"]).call("DELETE", "/v1/clients/C1/links/office365")
    assert reply.status == 404
    assert links.graph(cid) is not None and links.owner_of_mailbox(BOX) == (TENANT, cid)
    admin = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True})
    assert (
        a.as_key(admin.body["key"]).call("DELETE", "/v1/clients/C1/links/office365").status == 204
    )
    assert links.graph(cid) is None
