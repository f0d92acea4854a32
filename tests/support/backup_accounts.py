"""One Azurite holding three accounts for the backup tests: the tables' own
(devstoreaccount1), the backup account (``INNING_BACKUP_STORAGE``) and a new, empty account to
recover into; and the settings a shell backing up to that account has."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from tools import azurite

KEYS = {name: base64.b64encode(name.encode() * 4).decode() for name in ("backupacct", "newacct")}


@contextmanager
def three_accounts(path: Path) -> Iterator[dict[str, str]]:
    """``own``, ``backupacct`` and ``newacct``: their connection strings."""
    with azurite.running(path, in_memory=True, accounts=KEYS) as ports:
        yield {
            "own": ports.connection_string,
            **{n: ports.connection_string_for(n, k) for n, k in KEYS.items()},
        }


def backing_up(accounts: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The app on ``own``, its backups on ``backupacct``, a local shell."""
    monkeypatch.setenv("AzureWebJobsStorage", accounts["own"])
    monkeypatch.setenv("INNING_BACKUP_STORAGE", accounts["backupacct"])
    monkeypatch.setenv("INNING_ENVIRONMENT", "local")


def wipe(accounts: dict[str, str]) -> None:
    """Every table and container of the three accounts gone, for the next test."""
    for conn in accounts.values():
        service = TableServiceClient.from_connection_string(conn)
        for table in list(service.list_tables()):
            service.delete_table(table.name)
        blobs = BlobServiceClient.from_connection_string(conn)
        for props in list(blobs.list_containers()):
            blobs.delete_container(props.name)
