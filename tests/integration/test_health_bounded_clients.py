"""The health route's storage clients give up at once (ops6 #2): against an account whose
endpoints refuse every connection, the three checks fail within seconds, not minutes."""

from __future__ import annotations

import socket
import time

from shared.adapters.blobs.store import AzureFileStore
from shared.adapters.health_probes import bounded
from shared.adapters.queues.storage import StorageQueueSender
from shared.adapters.tables.azure import AzureTableStore
from shared.clock import SystemClock
from shared.services.operations.health import HealthService

KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nobody listens


def test_health_fails_fast_against_unreachable_storage() -> None:
    port = _closed_port()
    conn = (
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        f"AccountKey={KEY};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;"
        f"QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;"
        f"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;"
    )
    store, files, queues = bounded(
        AzureTableStore.from_connection_string(conn),
        AzureFileStore.from_connection_string(conn),
        StorageQueueSender.from_connection_string(conn),
    )
    started = time.monotonic()
    healthy, report = HealthService(store, files, queues, SystemClock()).check()
    elapsed = time.monotonic() - started
    assert not healthy
    assert {name: check["ok"] for name, check in report["checks"].items()} == {
        "tables": False,
        "queues": False,
        "blobs": False,
    }
    # the SDKs' default retries took 80-90 s per check here (ops6_probe_2)
    assert elapsed < 6, report
