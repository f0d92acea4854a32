"""Storage requests counted where the Azure SDK clients send them, per service.

Every client the adapters build (tables, blobs, queues) reports each HTTP request to ``METER``
through the SDK's ``raw_request_hook``, which runs after the retry policy: a retried request
counts once per attempt, a batch transaction once. Benchmarks read the difference of two
snapshots; nothing in the app depends on it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

SERVICES = ("table", "blob", "queue")


class StorageMeter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(SERVICES, 0)

    def hook(self, service: str) -> Callable[[Any], None]:
        """A ``raw_request_hook`` for one service's client."""
        if service not in self._counts:
            raise ValueError(f"unknown storage service {service!r}")

        def counted(_request: Any) -> None:
            with self._lock:
                self._counts[service] += 1

        return counted

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    @staticmethod
    def since(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
        """Requests per service between two snapshots, and their total."""
        spent = {s: after[s] - before[s] for s in SERVICES}
        return {**spent, "total": sum(spent.values())}


METER = StorageMeter()  # process-wide: one worker process, one count
