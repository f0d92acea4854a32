"""The storage meter sees every service the adapters talk to, one count per HTTP request."""

from __future__ import annotations

import time

from shared.adapters.blobs.store import AzureFileStore
from shared.adapters.metering import METER, StorageMeter
from shared.adapters.queues.storage import StorageQueueSender
from shared.adapters.tables.azure import AzureTableStore
from shared.ports.tables import Op, OpKind, Row


def test_tables_blobs_and_queues_are_each_counted(storage_connection: str) -> None:
    suffix = time.time_ns() % 10**9
    tables = AzureTableStore.from_connection_string(storage_connection)
    files = AzureFileStore.from_connection_string(storage_connection)
    queues = StorageQueueSender.from_connection_string(storage_connection)
    table, container, queue = f"meter{suffix}", f"meter-{suffix}", f"meter-{suffix}"
    tables.ensure_tables([table])
    files.put(container, "warm", b"x")  # creates the container: not part of the counts below
    queues.send(queue, "warm")  # creates the queue

    before = METER.snapshot()
    tables.upsert(table, Row("p", "a", {"N": 1}))
    tables.transact(table, [Op(OpKind.UPSERT, Row("p", f"b{i}", {})) for i in range(50)])
    files.put(container, "doc", b"hello")
    assert files.get(container, "doc") == b"hello"
    queues.send(queue, "hello")
    spent = StorageMeter.since(before, METER.snapshot())

    assert spent == {"table": 2, "blob": 2, "queue": 1, "total": 5}
