"""The nightly table backup and ``inning restore --from DATE`` against Azurite: every
property comes back with its EDM type (Int64 cents, DateTime, Binary, Guid...), a table that
was dropped is recreated, a lost or changed row is put back, and a date without a complete
backup is refused."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from azure.data.tables import EdmType, EntityProperty, TableServiceClient
from azure.storage.blob import BlobServiceClient

from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.backup import BACKUP_CONTAINER
from shared.cli.main import main
from shared.ports.tables import Row

TABLE = "BackupProbe" + uuid.uuid4().hex[:8]
BIG = 12_345_678_901  # more than 2^31: must stay Int64


@pytest.fixture
def storage(storage_connection: str, monkeypatch: pytest.MonkeyPatch) -> TableServiceClient:
    monkeypatch.setenv("AzureWebJobsStorage", storage_connection)
    monkeypatch.setenv("INNING_ENVIRONMENT", "local")
    service = TableServiceClient.from_connection_string(storage_connection)
    table = service.create_table_if_not_exists(TABLE)
    entities = [
        {
            "PartitionKey": "client-1",
            "RowKey": f"row{i:03d}",
            "Cents": EntityProperty(BIG + i, EdmType.INT64),
            "Small": i,
            "At": datetime(2026, 11, 29, 23, 59, i % 60, tzinfo=UTC),
            "Paid": i % 2 == 0,
            "Rate": 0.125,
            "Blob": bytes([i % 256, 0, 255]),
            "Ref": uuid.UUID(int=i),
            "Text": f"factuur {i} — €",
        }
        for i in range(130)  # more than one transaction of 100
    ] + [{"PartitionKey": "client-2", "RowKey": "only", "Text": "second partition"}]
    for entity in entities:
        table.upsert_entity(entity)
    return service


def test_backup_then_restore_from_the_date(
    storage: TableServiceClient, storage_connection: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts[TABLE] == 131
    day = datetime.now(UTC).date().isoformat()
    blobs = BlobServiceClient.from_connection_string(storage_connection).get_container_client(
        BACKUP_CONTAINER
    )
    manifest = json.loads(blobs.download_blob(f"{day}/manifest.json").readall())
    assert manifest["tables"][TABLE] == 131

    # disaster: a row changed, a row deleted, then the whole table dropped
    table = storage.get_table_client(TABLE)
    table.update_entity({"PartitionKey": "client-1", "RowKey": "row005", "Text": "tampered"})
    table.delete_entity("client-2", "only")
    before = {(e["PartitionKey"], e["RowKey"]): e for e in table.list_entities()}
    storage.delete_table(TABLE)

    assert main(["restore", "--from", day, "--table", TABLE, "--json"]) == 0
    said = capsys.readouterr()
    assert json.loads(said.out) == {TABLE: 131}
    # what a restore never rolls back, and what it kept of it (failure16 R1)
    assert "Money that left is never rolled back" in said.err
    assert "Settlement runs since the backup, kept: none" in said.err
    restored = {
        (e["PartitionKey"], e["RowKey"]): e for e in storage.get_table_client(TABLE).list_entities()
    }
    assert len(restored) == 131
    row = restored[("client-1", "row005")]
    assert row["Text"] == "factuur 5 — €"
    assert row["Cents"].value == BIG + 5 and row["Cents"].edm_type == EdmType.INT64
    assert row["Small"] == 5 and row["Paid"] is False and row["Rate"] == 0.125
    assert row["At"] == datetime(2026, 11, 29, 23, 59, 5, tzinfo=UTC)
    assert row["Blob"] == bytes([5, 0, 255]) and row["Ref"] == uuid.UUID(int=5)
    assert restored[("client-2", "only")]["Text"] == "second partition"
    assert before[("client-1", "row005")]["Text"] == "tampered"  # the control: it was changed


def test_restored_rows_read_back_through_the_app_adapter(
    storage: TableServiceClient, storage_connection: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = AzureTableStore.from_connection_string(storage_connection)
    store.ensure_tables([TABLE])
    store.upsert(TABLE, Row("app", "r1", {"Amount": 250_000_000_000, "Name": "x"}))
    assert main(["backup"]) == 0
    capsys.readouterr()
    store.delete(TABLE, "app", "r1")
    day = datetime.now(UTC).date().isoformat()
    assert main(["restore", "--from", day, "--table", TABLE]) == 0
    found = store.get(TABLE, "app", "r1")
    assert found is not None and found.data["Amount"] == 250_000_000_000


def test_a_date_without_a_backup_is_refused(
    storage: TableServiceClient, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["restore", "--from", "1999-01-01"]) == 2
    assert "no complete backup for 1999-01-01" in capsys.readouterr().err
    assert main(["restore", "--from", "yesterday"]) == 2
    assert "--from" in capsys.readouterr().err
