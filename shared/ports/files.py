"""The port to blob storage: statement files in, quarantined files and reports out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class FileStore(Protocol):
    def put(
        self,
        container: str,
        name: str,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
    ) -> None: ...

    def get(self, container: str, name: str) -> bytes | None: ...

    def exists(self, container: str, name: str) -> bool: ...

    def delete(self, container: str, name: str) -> None: ...

    def names(self, container: str, prefix: str = "") -> Sequence[str]: ...
