"""The port to Storage Queues for producers (the host consumes)."""

from __future__ import annotations

from typing import Protocol


class QueueSender(Protocol):
    def send(self, queue: str, body: str, *, delay_seconds: int = 0) -> None:
        """Put ``body`` on ``queue``, invisible for ``delay_seconds`` (at most 7 days)."""
        ...
