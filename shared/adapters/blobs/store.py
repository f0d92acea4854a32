"""FileStore on Azure Blob Storage (Azurite locally), and an in-memory fake for unit tests."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContentSettings

from shared.adapters.metering import METER


class AzureFileStore:
    def __init__(self, service: BlobServiceClient) -> None:
        self.service = service
        self._made: set[str] = set()
        self._lock = threading.Lock()

    @classmethod
    def from_connection_string(cls, conn: str) -> AzureFileStore:
        return cls(
            BlobServiceClient.from_connection_string(conn, raw_request_hook=METER.hook("blob"))
        )

    @classmethod
    def from_endpoint(cls, endpoint: str, credential: Any) -> AzureFileStore:
        return cls(
            BlobServiceClient(endpoint, credential=credential, raw_request_hook=METER.hook("blob"))
        )

    def _container(self, name: str) -> Any:
        client = self.service.get_container_client(name)
        with self._lock:
            if name not in self._made:
                try:
                    client.create_container()
                except ResourceExistsError:
                    pass
                self._made.add(name)
        return client

    def put(
        self,
        container: str,
        name: str,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
    ) -> None:
        self._container(container).upload_blob(
            name, data, overwrite=True, content_settings=ContentSettings(content_type=content_type)
        )

    def get(self, container: str, name: str) -> bytes | None:
        try:
            return bytes(self._container(container).download_blob(name).readall())
        except ResourceNotFoundError:
            return None

    def exists(self, container: str, name: str) -> bool:
        return bool(self._container(container).get_blob_client(name).exists())

    def delete(self, container: str, name: str) -> None:
        try:
            self._container(container).delete_blob(name)
        except ResourceNotFoundError:
            pass

    def names(self, container: str, prefix: str = "") -> Sequence[str]:
        return [
            b.name for b in self._container(container).list_blobs(name_starts_with=prefix or None)
        ]


class InMemoryFileStore:
    def __init__(self) -> None:
        self.blobs: dict[tuple[str, str], bytes] = {}

    def put(
        self,
        container: str,
        name: str,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
    ) -> None:
        self.blobs[(container, name)] = data

    def get(self, container: str, name: str) -> bytes | None:
        return self.blobs.get((container, name))

    def exists(self, container: str, name: str) -> bool:
        return (container, name) in self.blobs

    def delete(self, container: str, name: str) -> None:
        self.blobs.pop((container, name), None)

    def names(self, container: str, prefix: str = "") -> Sequence[str]:
        return sorted(n for c, n in self.blobs if c == container and n.startswith(prefix))
