"""Storage clients for ``/api/v1/health`` that fail fast: no retries, short timeouts.

The app's own clients retry (the SDKs' default policy, the lean table reader's budget), which
is right for work but wrong for a health check: with storage down, three probes one after
another took three minutes to answer 503 (ops6 #2), holding a worker thread all the while.
These copies talk to the same account with the same credential, once, within seconds."""

from __future__ import annotations

from typing import Any

from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient

from shared.adapters.blobs.store import AzureFileStore
from shared.adapters.queues.storage import StorageQueueSender
from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.lean import LeanTableReader, authorizer_for

CONNECT_SECONDS = 2
READ_SECONDS = 3
# the SDK keyword arguments of one bounded attempt
BOUNDED: dict[str, Any] = {
    "retry_total": 0,
    "retry_connect": 0,
    "retry_read": 0,
    "retry_status": 0,
    "connection_timeout": CONNECT_SECONDS,
    "read_timeout": READ_SECONDS,
}


def bounded(store: Any, files: Any, queues: Any) -> tuple[Any, Any, Any]:
    """(store, files, queues) as bounded copies where they are Azure clients; anything else
    (the in-memory fakes of the tests) as given."""
    if isinstance(store, AzureTableStore):
        service = store._service

        def factory(**kw: Any) -> TableServiceClient:
            return TableServiceClient(service.url, credential=service.credential, **kw, **BOUNDED)

        copy = AzureTableStore(factory, read_retries=0)
        copy.reader = LeanTableReader(
            service.url,
            authorizer_for(service.credential),
            retries=0,
            timeout=float(READ_SECONDS),
            deadline=float(CONNECT_SECONDS + READ_SECONDS),
        )
        store = copy
    if isinstance(files, AzureFileStore):
        blob = files.service
        files = AzureFileStore(BlobServiceClient(blob.url, credential=blob.credential, **BOUNDED))
    if isinstance(queues, StorageQueueSender):
        queue = queues.service
        queues = StorageQueueSender(
            QueueServiceClient(queue.url, credential=queue.credential, **BOUNDED)
        )
    return store, files, queues
