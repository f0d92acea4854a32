"""Fixtures of the integration tests that run the same checks on both table stores."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.memory import InMemoryTableStore
from shared.ports.tables import TableStore
from shared.services.repositories import Repositories


@pytest.fixture(params=["memory", "azurite"])
def repos(request: pytest.FixtureRequest) -> Iterator[Repositories]:
    """The repositories over the in-memory store and over Azurite: what passes on one must
    pass on the other (the fake must not be kinder than Table Storage)."""
    store: TableStore
    if request.param == "memory":
        store = InMemoryTableStore()
    else:
        store = AzureTableStore.from_connection_string(
            request.getfixturevalue("storage_connection")
        )
    r = Repositories.over(store)
    r.ensure_tables()
    yield r
