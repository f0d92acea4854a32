"""Blob triggers as Flex Consumption runs them (``source=EventGrid``).

Event Grid announces each created or changed blob; the host turns the event into a
``BlobTriggerMessage`` on its queue ``azure-webjobs-blobtrigger-<hostId>`` and processes that
queue with ordinary queue semantics (poison: ``webjobs-blobtrigger-poison``). Locally a
watcher plays Event Grid: it lists the watched containers and announces every blob whose
ETag it has not announced before, recording a receipt blob so a restart announces nothing
twice.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.functions.blob import InputStream
from azure.storage.blob import BlobServiceClient

from tools.devhost.queues import QueueSender
from tools.devhost.timers import HOSTS_CONTAINER

log = logging.getLogger("devhost.blobs")


@dataclass(frozen=True)
class BlobPath:
    container: str
    pattern: re.Pattern[str]

    @classmethod
    def parse(cls, path: str) -> BlobPath:
        container, _, rest = path.partition("/")
        if not container or "{" in container:
            raise ValueError(f"blob path {path!r} needs a literal container name")
        regex = re.escape(rest or "{name}")
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+)", regex)
        return cls(container, re.compile(f"^{regex}$"))

    def matches(self, blob_name: str) -> bool:
        return bool(self.pattern.match(blob_name))


def host_queue(host_id: str) -> str:
    return f"azure-webjobs-blobtrigger-{host_id}"[:63]


class BlobWatcher:
    def __init__(
        self,
        blobs: BlobServiceClient,
        sender: QueueSender,
        host_id: str,
        watched: dict[str, BlobPath],
        interval: float = 1.0,
    ) -> None:
        self.blobs = blobs
        self.sender = sender
        self.host_id = host_id
        self.watched = watched  # function name -> path
        self.interval = interval
        self.receipts = blobs.get_container_client(HOSTS_CONTAINER)
        try:
            self.receipts.create_container()
        except ResourceExistsError:
            pass
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="blob-watcher", daemon=True)
        for path in watched.values():
            try:
                blobs.get_container_client(path.container).create_container()
            except ResourceExistsError:
                pass

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def announce(self, function: str, container: str, name: str, etag: str) -> None:
        message = {
            "Type": "BlobTrigger",
            "FunctionId": f"Host.Functions.{function}",
            "BlobType": "BlockBlob",
            "ContainerName": container,
            "BlobName": name,
            "ETag": etag,
        }
        self.sender.send(host_queue(self.host_id), json.dumps(message))

    def scan_once(self) -> int:
        announced = 0
        for function, path in self.watched.items():
            container = self.blobs.get_container_client(path.container)
            for blob in container.list_blobs():
                if not path.matches(blob.name):
                    continue
                etag = str(blob.etag).strip('"')
                receipt = self.receipts.get_blob_client(
                    f"blobreceipts/{self.host_id}/Host.Functions.{function}/{etag}/{path.container}/{blob.name}"
                )
                try:
                    receipt.upload_blob(b"", overwrite=False)
                except ResourceExistsError:
                    continue
                self.announce(function, path.container, blob.name, etag)
                announced += 1
        return announced

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.scan_once()
            except Exception:
                log.exception("blob scan failed")
            self._stop.wait(self.interval)


def blob_input(blobs: BlobServiceClient, container: str, name: str) -> InputStream | None:
    client = blobs.get_blob_client(container, name)
    try:
        data = client.download_blob().readall()
        props = client.get_blob_properties()
    except ResourceNotFoundError:
        return None
    return InputStream(
        data=data,
        name=f"{container}/{name}",
        uri=client.url,
        length=len(data),
        blob_properties={"ETag": props.etag, "Length": len(data)},
        metadata=dict(props.metadata or {}),
    )


def dispatcher(
    blobs: BlobServiceClient, handlers: dict[str, Callable[[InputStream], None]]
) -> Callable[[bytes], None]:
    """Handles one message of the host's blob-trigger queue."""

    def handle(body: bytes) -> None:
        message = json.loads(body)
        function = str(message["FunctionId"]).rsplit(".", 1)[-1]
        stream = blob_input(blobs, message["ContainerName"], message["BlobName"])
        if stream is None:
            log.info(
                "blob %s/%s is gone; nothing to do", message["ContainerName"], message["BlobName"]
            )
            return
        handlers[function](stream)

    return handle
