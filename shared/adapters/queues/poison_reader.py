"""Reading poison queues straight from Storage Queues, without the host's decoding: a message
that is not valid base64 (which no queue trigger can even receive) is still read and drained."""

from __future__ import annotations

from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.queue import QueueServiceClient

from shared.services.poison import RawPoison

LEASE_SECONDS = 300


class StoragePoisonQueues:
    def __init__(self, service: QueueServiceClient) -> None:
        self.service = service

    def poison_queues(self) -> list[str]:
        names = [q.name for q in self.service.list_queues() if q.name.endswith("-poison")]
        return sorted(set(names))  # the blob trigger's ({BLOB_TRIGGER_POISON}) included

    def _client(self, queue: str) -> Any:
        return self.service.get_queue_client(queue)  # no decode policy: the raw text

    def receive(self, queue: str, limit: int) -> list[tuple[RawPoison, str]]:
        out: list[tuple[RawPoison, str]] = []
        try:
            for message in self._client(queue).receive_messages(
                messages_per_page=min(32, limit), visibility_timeout=LEASE_SECONDS
            ):
                content = message.content
                if isinstance(content, bytes):
                    content = content.decode("utf-8", "surrogateescape")
                out.append(
                    (
                        RawPoison(message.id, message.inserted_on, str(content or "")),
                        message.pop_receipt,
                    )
                )
                if len(out) >= limit:
                    break
        except ResourceNotFoundError:
            return []
        return out

    def hold(self, queue: str, message_id: str, pop_receipt: str, seconds: int) -> None:
        """Keep a message on its queue, invisible for ``seconds`` (still counted in its depth)."""
        try:
            self._client(queue).update_message(message_id, pop_receipt, visibility_timeout=seconds)
        except ResourceNotFoundError:
            pass  # the lease ran out and another sweep has it

    def delete(self, queue: str, message_id: str, pop_receipt: str) -> None:
        try:
            self._client(queue).delete_message(message_id, pop_receipt)
        except ResourceNotFoundError:
            pass  # the lease ran out and another sweep took it: its item is the same one
