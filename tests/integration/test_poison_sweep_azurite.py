"""The poison sweep against real Storage Queues (Azurite): messages no trigger can decode
(not base64) and messages naming nobody are read raw, become items on the platform list, and
are deleted only after their item is written; a known client's job lands on its own list."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from azure.storage.queue import QueueServiceClient

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.queues.poison_reader import StoragePoisonQueues
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.azure import AzureTableStore
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.parties import Agency, Client
from shared.services.poison import PLATFORM_SCOPE
from tests.unit.api.conftest import SETTINGS

pytestmark = pytest.mark.azurite


def test_the_sweep_drains_raw_poison_from_storage_queues(storage_connection):
    from datetime import UTC, datetime

    store = AzureTableStore.from_connection_string(storage_connection)
    services = build_services(SETTINGS, clock=FixedClock(datetime(2025, 3, 3, 9, tzinfo=UTC)), store=store,
                              files=InMemoryFileStore(), queues=InMemoryQueueSender(), senders={})  # fmt: skip
    agency = "ag" + uuid.uuid4().hex[:8]
    services.repos.agencies.save(Agency(agency, "A"))
    client_id = "cl" + uuid.uuid4().hex[:10]
    services.repos.clients.save(
        Client(client_id=client_id, agency_id=agency, number="C1", name="C"), new=True
    )
    service = QueueServiceClient.from_connection_string(storage_connection)
    queue = f"send-t{uuid.uuid4().hex[:8]}-poison"  # a message queue: a job names its client
    raw = service.get_queue_client(queue)  # no encode policy: what a broken producer wrote
    raw.create_queue()
    raw.send_message("%%% not base64 at all")
    raw.send_message(base64.b64encode(json.dumps({"client_id": "x" * 3000}).encode()).decode())
    raw.send_message(
        base64.b64encode(json.dumps({"client_id": client_id, "key": "k"}).encode()).decode()
    )
    reader = StoragePoisonQueues(service)
    assert queue in reader.poison_queues()
    drained = services.poison.sweep(reader)
    assert drained >= 3
    assert list(raw.peek_messages()) == []
    platform, _ = services.repos.actions.list(PLATFORM_SCOPE, page_size=1000)
    mine = [a for a in platform if a.detail.get("poison_queue") == queue]
    assert len(mine) == 2
    assert any(a.detail.get("readable") is False for a in mine)
    own, _ = services.repos.actions.list(client_id)
    assert [a.kind for a in own] == ["poison"]


def test_without_an_operator_platform_poison_stays_on_its_queue_out_of_sight(
    storage_connection,
):
    """ops6 #1: nobody could read the platform list, so the sweep keeps such a message on its
    poison queue (its depth keeps the poison-queue alert firing), out of sight (held for an
    hour) so it does not hold back the messages behind it."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from shared.adapters.queues.storage import StorageQueueSender

    store = AzureTableStore.from_connection_string(storage_connection)
    services = build_services(replace(SETTINGS, operator_agency=""),
                              clock=FixedClock(datetime(2025, 3, 3, 9, tzinfo=UTC)), store=store,
                              files=InMemoryFileStore(), queues=InMemoryQueueSender(), senders={})  # fmt: skip
    service = QueueServiceClient.from_connection_string(storage_connection)
    queue = f"send-u{uuid.uuid4().hex[:8]}-poison"
    raw = service.get_queue_client(queue)
    raw.create_queue()
    raw.send_message(base64.b64encode(json.dumps({"client_id": "nobody"}).encode()).decode())
    assert services.poison.sweep(StoragePoisonQueues(service)) == 0
    assert list(raw.peek_messages()) == []  # out of sight ...
    depth = StorageQueueSender(service).depth(queue)
    assert depth == 1  # ... but still counted: the watch timer's depth, the alert
    platform, _ = services.repos.actions.list(PLATFORM_SCOPE, page_size=1000)
    assert not [a for a in platform if a.detail.get("poison_queue") == queue]
