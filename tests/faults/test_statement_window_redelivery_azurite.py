"""The statement window killed half-way and delivered again, on Azurite: the ETags the window
settles its lines with are the ones Table Storage hands back for its transactions, and the
keyed side effects collide as the real service makes them collide (409 on an insert)."""

from __future__ import annotations

from typing import Any

import pytest
from azure.data.tables import TableServiceClient

from shared.adapters.tables.azure import AzureTableStore
from tests.faults.test_statement_window_redelivery import _crashed_at

pytestmark = pytest.mark.azurite

# a crash right after these writes of the window (their first occurrence after the claims)
POINTS = (
    "transact Payments",
    "transact Invoices",
    "transact ContactLog",
    "insert Actions",
    "transact StatementLines",  # the lines settled (the statement not yet marked done)
)


def _fresh(conn: str) -> AzureTableStore:
    """A store with no tables left from an earlier run (the runs share their ids)."""
    service = TableServiceClient.from_connection_string(conn)
    for table in list(service.list_tables()):
        service.delete_table(table.name)
    return AzureTableStore(lambda **kw: TableServiceClient.from_connection_string(conn, **kw))


def test_a_window_killed_after_its_main_writes_ends_as_one_clean_run_on_azurite(
    storage_connection: str,
):
    expected, writes = _crashed_at(None, store=_fresh(storage_connection))
    claims = writes.index("transact StatementLines")
    points = [writes.index(p, claims + 1) + 1 for p in POINTS[:-1]]
    points.append(len(writes) - writes[::-1].index("transact StatementLines"))
    differences: dict[str, Any] = {}
    for k in points:
        state, _ = _crashed_at(k, store=_fresh(storage_connection))
        wrong = [aspect for aspect, value in expected.items() if state[aspect] != value]
        if wrong:
            differences[f"{k} ({writes[k - 1]})"] = wrong
    assert differences == {}
