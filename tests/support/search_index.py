"""The console's search index in tests: a client whose index is kept, as its first search leaves
it (since perf28 the import keeps the search keys only for such a client:
``SearchIndexRepository.kept``), an import through the API, and the keys stored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from shared.adapters.tables.keys import encode
from shared.adapters.tables.search_repo import CONSOLE_SEARCH
from shared.services.console_search import ConsoleSearch

if TYPE_CHECKING:
    from tests.unit.api.conftest import World


def keep_search(search: ConsoleSearch, client_id: str) -> None:
    """Build the client's search index as its first search would (over what is stored now)."""
    search.ensure_built(client_id)


def import_c1(
    world: World, debtors: list[dict[str, Any]], invoices: Sequence[dict[str, Any]] = ()
) -> None:
    """Debtors, then invoices, imported for client C1 by agency A (each accepted whole)."""
    reply = world.agency_a.call("POST", "/v1/clients/C1/debtors", {"items": debtors})
    assert reply.status == 200 and not reply.body["errors"], reply.body
    if invoices:
        reply = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": list(invoices)})
        assert reply.status == 200 and not reply.body["errors"], reply.body


def search_keys(world: World, client_id: str) -> dict[str, dict[str, Any]]:
    """Every row of the client's search partition (keys and markers), by row key."""
    rows = world.store.query(CONSOLE_SEARCH, pk=encode(client_id), page_size=1000).rows
    return {r.rk: r.data for r in rows}
