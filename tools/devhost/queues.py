"""Queue triggers with the Storage Queues extension's semantics.

- fetch up to ``batchSize`` messages under a 10-minute lease (renewed at half time while the
  function runs); fetch again once in-flight work drops to ``newBatchThreshold``;
- success deletes the message; a failure releases it after ``visibilityTimeout``; the
  ``maxDequeueCount``-th failure copies the body to ``<queue>-poison`` and deletes it;
- a message already dequeued more than ``maxDequeueCount`` times, or one that does not
  decode under the configured encoding, goes to the poison queue without an invocation;
- a queue whose name ends in ``-poison`` gets no poison queue: a failed message stays leased;
- an empty queue is polled with randomised exponential back-off up to ``maxPollingInterval``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.functions.queue import QueueMessage
from azure.storage.queue import QueueClient, QueueServiceClient
from azure.storage.queue import QueueMessage as StorageMessage

from tools.devhost.config import QueueOptions

log = logging.getLogger("devhost.queues")
LEASE_SECONDS = 600


class UndecodableMessage(ValueError):
    pass


def encode_body(body: str | bytes, encoding: str) -> str:
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if encoding == "base64":
        return base64.b64encode(raw).decode("ascii")
    return raw.decode("utf-8")


def decode_body(content: str, encoding: str) -> bytes:
    if encoding == "base64":
        try:
            return base64.b64decode(content.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise UndecodableMessage(f"message is not base64: {exc}") from exc
    return content.encode("utf-8")


def poison_name(queue: str) -> str | None:
    name = f"{queue}-poison"
    if queue.endswith("-poison") or len(name) > 63:
        return None
    return name


class QueueSender:
    """Writes output-binding messages the way the host does (its configured encoding)."""

    def __init__(self, service: QueueServiceClient, encoding: str) -> None:
        self.service = service
        self.encoding = encoding
        self._made: set[str] = set()
        self._lock = threading.Lock()

    def client(self, queue: str) -> QueueClient:
        client = self.service.get_queue_client(queue)
        with self._lock:
            if queue not in self._made:
                try:
                    client.create_queue()
                except ResourceExistsError:
                    pass
                self._made.add(queue)
        return client

    def send(self, queue: str, value: Any) -> None:
        items = value if isinstance(value, list) else [value]
        client = self.client(queue)
        for item in items:
            if isinstance(item, QueueMessage):
                item = item.get_body()
            client.send_message(encode_body(item, self.encoding))


def to_function_message(msg: StorageMessage, body: bytes) -> QueueMessage:
    return QueueMessage(  # type: ignore[no-untyped-call]
        id=msg.id,
        body=body,
        dequeue_count=msg.dequeue_count,
        expiration_time=msg.expires_on,
        insertion_time=msg.inserted_on,
        time_next_visible=msg.next_visible_on,
        pop_receipt=msg.pop_receipt,
    )


class QueueListener:
    def __init__(
        self,
        queue: str,
        sender: QueueSender,
        options: QueueOptions,
        handle: Callable[[QueueMessage], None],
        *,
        label: str,
        poison_queue: str | None = None,
    ) -> None:
        self.queue = queue
        self.poison_queue = poison_queue or poison_name(queue)
        self.sender = sender
        self.options = options
        self.handle = handle
        self.label = label
        self.client = sender.client(queue)
        self._stop = threading.Event()
        self._inflight = 0
        self._cond = threading.Condition()
        self._pool = ThreadPoolExecutor(
            max_workers=options.batch_size + options.new_batch_threshold,
            thread_name_prefix=f"q-{queue}",
        )
        self._thread = threading.Thread(target=self._run, name=f"listener-{queue}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request_stop(self) -> None:
        """Tell the listener to stop, without waiting (the host tells all, then waits)."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()

    def stop(self) -> None:
        self.request_stop()
        # a listener stuck in the SDK's retries (Azurite already gone after a Ctrl-C) is a
        # daemon thread: it is not waited for long
        self._thread.join(timeout=2)
        self._pool.shutdown(wait=True)

    def _run(self) -> None:
        delay = 0.1
        while not self._stop.is_set():
            with self._cond:
                while self._inflight > self.options.new_batch_threshold and not self._stop.is_set():
                    self._cond.wait(timeout=0.5)
            if self._stop.is_set():
                return
            try:
                messages = list(
                    self.client.receive_messages(
                        max_messages=self.options.batch_size,
                        messages_per_page=self.options.batch_size,
                        visibility_timeout=LEASE_SECONDS,
                    )
                )
            except Exception:  # storage hiccup: log and back off, never kill the listener
                log.exception("receiving from %s failed", self.queue)
                messages = []
            if not messages:
                self._stop.wait(delay * (0.5 + random.random() / 2))
                delay = min(delay * 2, self.options.max_polling_interval)
                continue
            delay = 0.1
            for message in messages:
                with self._cond:
                    self._inflight += 1
                self._pool.submit(self._process, message)

    def _done(self) -> None:
        with self._cond:
            self._inflight -= 1
            self._cond.notify_all()

    def _process(self, msg: StorageMessage) -> None:
        renew = _LeaseRenewal(self.client, msg)
        try:
            if msg.dequeue_count is not None and msg.dequeue_count > self.options.max_dequeue_count:
                self._poison(msg, "dequeue count above maxDequeueCount")
                return
            try:
                body = decode_body(msg.content, self.options.message_encoding)
            except UndecodableMessage as exc:
                self._poison(msg, str(exc))
                return
            renew.start()
            try:
                log.info(
                    "Executing '%s' (queue %s, id %s, try %s)",
                    self.label,
                    self.queue,
                    msg.id,
                    msg.dequeue_count,
                )
                self.handle(to_function_message(msg, body))
            except Exception:
                renew.stop()
                log.exception("'%s' failed on message %s", self.label, msg.id)
                self._failed(msg, renew.pop_receipt)
                return
            renew.stop()
            try:
                self.client.delete_message(msg.id, renew.pop_receipt)
            except ResourceNotFoundError:
                pass
        finally:
            renew.stop()
            self._done()

    def _failed(self, msg: StorageMessage, pop_receipt: str | None) -> None:
        if (msg.dequeue_count or 0) >= self.options.max_dequeue_count:
            self._poison(msg, "maxDequeueCount reached", pop_receipt)
            return
        try:
            self.client.update_message(
                msg.id, pop_receipt, visibility_timeout=int(self.options.visibility_timeout)
            )
        except ResourceNotFoundError:
            pass

    def _poison(self, msg: StorageMessage, reason: str, pop_receipt: str | None = None) -> None:
        target = self.poison_queue
        if target is None:
            log.error(
                "message %s on %s failed (%s); no poison queue, left leased",
                msg.id,
                self.queue,
                reason,
            )
            return
        self.sender.client(target).send_message(msg.content)  # the body as it arrived
        log.warning("message %s moved to %s: %s", msg.id, target, reason)
        try:
            self.client.delete_message(msg.id, pop_receipt or msg.pop_receipt)
        except ResourceNotFoundError:
            pass


class _LeaseRenewal:
    """Keeps a running message invisible: renews the lease at half its length."""

    def __init__(self, client: QueueClient, msg: StorageMessage) -> None:
        self.client = client
        self.msg = msg
        self.pop_receipt: str | None = msg.pop_receipt
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(LEASE_SECONDS / 2):
            try:
                updated = self.client.update_message(
                    self.msg.id, self.pop_receipt, visibility_timeout=LEASE_SECONDS
                )
                self.pop_receipt = updated.pop_receipt
            except Exception:
                log.warning("lease renewal failed for %s at %s", self.msg.id, datetime.now(UTC))

    def stop(self) -> None:
        self._stop.set()
