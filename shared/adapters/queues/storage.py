"""QueueSender on Azure Storage Queues. Messages are base64 encoded, as host.json's
``messageEncoding`` says the trigger expects (the SDK sends raw text unless told)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from azure.core.exceptions import ResourceExistsError
from azure.storage.queue import QueueServiceClient, TextBase64EncodePolicy

from shared.adapters.metering import METER
from shared.telemetry.context import stamp

MAX_DELAY = 7 * 24 * 3600


class StorageQueueSender:
    def __init__(self, service: QueueServiceClient) -> None:
        self.service = service
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_connection_string(cls, conn: str) -> StorageQueueSender:
        return cls(
            QueueServiceClient.from_connection_string(conn, raw_request_hook=METER.hook("queue"))
        )

    @classmethod
    def from_endpoint(cls, endpoint: str, credential: Any) -> StorageQueueSender:
        return cls(
            QueueServiceClient(
                endpoint, credential=credential, raw_request_hook=METER.hook("queue")
            )
        )

    def _client(self, queue: str) -> Any:
        with self._lock:
            client = self._clients.get(queue)
            if client is None:
                client = self.service.get_queue_client(
                    queue, message_encode_policy=TextBase64EncodePolicy()
                )
                try:
                    client.create_queue()
                except ResourceExistsError:
                    pass
                self._clients[queue] = client
            return client

    def send(self, queue: str, body: str, *, delay_seconds: int = 0) -> None:
        # the message carries the operation that caused it (shared/telemetry/context.py)
        self._client(queue).send_message(
            stamp(body), visibility_timeout=max(0, min(delay_seconds, MAX_DELAY)) or None
        )

    def depth(self, queue: str) -> int:
        """Approximate number of messages waiting (0 for a queue that does not exist)."""
        from azure.core.exceptions import ResourceNotFoundError

        try:
            props = self.service.get_queue_client(queue).get_queue_properties()
        except ResourceNotFoundError:
            return 0
        return int(props.approximate_message_count or 0)


@dataclass
class QueuedMessage:
    queue: str
    body: str
    delay_seconds: int


@dataclass
class InMemoryQueueSender:
    sent: list[QueuedMessage] = field(default_factory=list)

    def send(self, queue: str, body: str, *, delay_seconds: int = 0) -> None:
        self.sent.append(QueuedMessage(queue, body, delay_seconds))

    def depth(self, queue: str) -> int:
        return sum(1 for m in self.sent if m.queue == queue)

    def take(self, queue: str) -> list[QueuedMessage]:
        taken = [m for m in self.sent if m.queue == queue]
        self.sent = [m for m in self.sent if m.queue != queue]
        return taken
