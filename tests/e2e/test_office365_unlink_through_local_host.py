"""Unlinking a client's own Office 365 mailbox over HTTP, through the real function_app.py on
the local host and Azurite: the client's plain key may not, the agency's admin key may; the
link and the mailbox's owner row are gone and the audit names who did it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from shared import bootstrap
from shared.adapters.tables.linked_accounts_repo import GraphLink
from tests.e2e.conftest import serving
from tools.demo import AGENCY_ID

TENANT = "6f1c2d3e-0000-4000-8000-000000000001"


@pytest.fixture(scope="module")
def served(storage_connection, tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    with serving(
        storage_connection, tmp_path_factory.mktemp("data"), INNING_ENVIRONMENT="local"
    ) as running:
        yield running


def test_the_agency_admin_unlinks_the_mailbox_over_http(served) -> None:
    url, keys = served
    services = bootstrap.services()
    client_id = services.repos.clients.id_for_number(AGENCY_ID, "BAKKERIJ") or ""
    found = services.repos.clients.get(client_id)
    assert found is not None
    mailbox = found[0].contact_email or "facturen@bakkerij.example"
    services.linked_accounts.save_graph(
        GraphLink(client_id, TENANT, mailbox, datetime(2026, 11, 1, tzinfo=UTC))
    )
    links = f"{url}/api/v1/clients/BAKKERIJ/links"
    agency = {"X-Api-Key": keys["agency"]}
    shown = httpx.get(links, headers=agency).json()["office365"]
    assert shown["tenant_id"] == TENANT and shown["mailbox"] == mailbox
    # the client's own integration key is its staff: in reach, not its admin
    plain = {"Authorization": f"Bearer {keys['BAKKERIJ']}"}
    assert httpx.delete(f"{links}/office365", headers=plain).status_code == 403
    assert services.linked_accounts.owner_of_mailbox(mailbox) == (TENANT, client_id)
    gone = httpx.delete(f"{links}/office365", headers=agency)
    assert gone.status_code == 204 and gone.content == b""
    assert httpx.get(links, headers=agency).json()["office365"] is None
    assert services.linked_accounts.owner_of_mailbox(mailbox) is None
    today = datetime.now(UTC).date()
    audit = httpx.get(f"{url}/api/v1/audit", headers=agency, params={
        "from": today.replace(day=1).isoformat(), "to": today.isoformat(), "client": "BAKKERIJ"})  # fmt: skip
    assert audit.status_code == 200, audit.text
    events = [e for e in audit.json()["items"] if e["event"] == "mailbox_unlinked"]
    assert len(events) == 1 and events[0]["actor"].startswith("key:")
    assert httpx.delete(f"{links}/office365", headers=agency).status_code == 204  # again: harmless
