"""The queue adapter on Azurite: every job carries the operation that queued it (base64, as
the host expects), and queue depths can be read for the watch and the health check."""

from __future__ import annotations

import base64
import json
import uuid

from azure.storage.queue import QueueClient

from shared.adapters.queues.storage import StorageQueueSender
from shared.telemetry import context


def test_a_job_carries_its_operation(storage_connection: str) -> None:
    queue = "op-" + uuid.uuid4().hex[:10]
    sender = StorageQueueSender.from_connection_string(storage_connection)
    with context.operation("daily_dunning") as op:
        sender.send(queue, json.dumps({"client_id": "C1", "date": "2026-11-30"}))
    sender.send(queue, json.dumps({"client_id": "C2"}))  # outside any operation: as given
    assert sender.depth(queue) == 2
    assert sender.depth("no-such-queue-" + uuid.uuid4().hex[:6]) == 0
    client = QueueClient.from_connection_string(storage_connection, queue)
    bodies = [
        json.loads(base64.b64decode(m.content)) for m in client.receive_messages(max_messages=2)
    ]
    stamped = next(b for b in bodies if b["client_id"] == "C1")
    assert stamped["traceparent"] == op.traceparent
    assert stamped["date"] == "2026-11-30"
    assert "traceparent" not in next(b for b in bodies if b["client_id"] == "C2")
