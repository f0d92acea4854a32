"""ops24 F5 against one Azurite holding three accounts: the tables' own (devstoreaccount1),
the backup account (``INNING_BACKUP_STORAGE``) and a new, empty account. The nightly backup
goes to the backup account only; after losing the tables' account ``inning restore
--target-connection`` makes the new account's tables equal, entity by entity and type by
type; a restore into an account that already holds data is exact for the tables it restores
(rows the backup lacks deleted, money that left kept) and leaves the others alone; on the
backup account nothing finished is overwritten or deleted by the app (a second backup of the
day goes to a take of its own, old days are left to the lifecycle rule); and the nights kept in
the tables' own account before stay restorable."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from azure.data.tables import EdmType, EntityProperty, TableServiceClient
from azure.storage.blob import BlobServiceClient

from shared import bootstrap
from shared.adapters.tables.backup import BACKUP_CONTAINER, BackupError, TableBackup
from shared.adapters.tables.settlement_repo import RUNS
from shared.cli.main import main
from shared.clock import FixedClock
from shared.services.operations.backups import back_up
from shared.services.operations.money_hold import HOLD_PK, HOLD_RK, HOLD_TABLE
from shared.settings import Settings
from tests.support.backup_accounts import backing_up, three_accounts, wipe
from tools import azurite

pytestmark = pytest.mark.azurite
BIG = 12_345_678_901  # more than 2^31: must stay Int64
PROBE = "Invoices"


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with three_accounts(tmp_path_factory.mktemp("azurite3")) as accounts:
        yield accounts


@pytest.fixture
def world(accounts: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    backing_up(accounts, monkeypatch)
    own = TableServiceClient.from_connection_string(accounts["own"])
    invoices = own.create_table_if_not_exists(PROBE)
    for i in range(130):  # more than one transaction of 100
        invoices.upsert_entity({
            "PartitionKey": "client-1", "RowKey": f"inv{i:03d}",
            "Cents": EntityProperty(BIG + i, EdmType.INT64), "Small": i,
            "At": datetime(2026, 11, 29, 23, 59, i % 60, tzinfo=UTC), "Paid": i % 2 == 0,
            "Blob": bytes([i % 256, 0, 255]), "Ref": uuid.UUID(int=i), "Text": f"factuur {i} €",
        })  # fmt: skip
    runs = own.create_table_if_not_exists(RUNS)
    runs.upsert_entity({"PartitionKey": "agency-1", "RowKey": "R20261128", "Total": 10772})
    yield accounts
    wipe(accounts)


def _rows(conn: str) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    """Every table's entities with each value's EDM type, to compare two accounts."""
    service = TableServiceClient.from_connection_string(conn)
    found: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
    for table in service.list_tables():
        found[table.name] = {
            (e["PartitionKey"], e["RowKey"]): {
                k: (v.edm_type, v.value) if isinstance(v, EntityProperty) else (type(v), v)
                for k, v in e.items()
            }
            for e in service.get_table_client(table.name).list_entities()
        }
    return found


def _day() -> str:
    return datetime.now(UTC).date().isoformat()


def test_the_backup_goes_to_the_backup_account_and_restores_into_a_new_one(
    world: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {PROBE: 130, RUNS: 1}
    day = _day()
    backups = BlobServiceClient.from_connection_string(world["backupacct"])
    names = {b.name for b in backups.get_container_client(BACKUP_CONTAINER).list_blobs()}
    assert {f"{day}/{PROBE}.jsonl", f"{day}/{RUNS}.jsonl", f"{day}/manifest.json"} <= names
    own = BlobServiceClient.from_connection_string(world["own"])
    assert BACKUP_CONTAINER not in {c.name for c in own.list_containers()}  # not beside them
    # the watch's figure reads the backup account: a night missing there pages
    assert bootstrap.table_backup(Settings.from_env()).newest_complete() is not None

    # the tables' account is lost; the new account is empty
    assert _rows(world["newacct"]) == {}
    assert main(["restore", "--from", day, "--target-connection", world["newacct"],
                 "--json"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out) == {PROBE: 130, RUNS: 1}
    restored, original = _rows(world["newacct"]), _rows(world["own"])
    # and the money hold's marker (restore26 F5): payouts wait for the operator's confirm
    assert list(restored.pop(HOLD_TABLE)) == [(HOLD_PK, HOLD_RK)]
    assert restored == original and len(restored[PROBE]) == 130
    row = restored[PROBE][("client-1", "inv005")]
    assert row["Cents"] == (EdmType.INT64, BIG + 5) and row["Text"][1] == "factuur 5 €"


def test_a_restore_into_an_account_with_data_is_exact_for_what_it_restores(
    world: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup"]) == 0
    new = TableServiceClient.from_connection_string(world["newacct"])
    new.create_table_if_not_exists(PROBE).upsert_entity(
        {"PartitionKey": "client-9", "RowKey": "written-there", "Text": "not in the backup"}
    )
    new.create_table_if_not_exists(RUNS).upsert_entity(
        {"PartitionKey": "agency-1", "RowKey": "R20261203", "Total": 5000}
    )
    new.create_table_if_not_exists("Elsewhere").upsert_entity(
        {"PartitionKey": "p", "RowKey": "r", "Text": "a table the backup does not hold"}
    )
    capsys.readouterr()
    assert main(["restore", "--from", _day(), "--target-connection", world["newacct"]]) == 0
    said = capsys.readouterr().err
    restored = _rows(world["newacct"])
    assert restored[PROBE] == _rows(world["own"])[PROBE]  # the row written there is gone
    # a settlement run is money that left: never rolled back, named for the operator
    assert set(restored[RUNS]) == {("agency-1", "R20261128"), ("agency-1", "R20261203")}
    assert "R20261203 (agency-1)" in said
    assert ("p", "r") in restored["Elsewhere"]  # a table outside the backup: left as it is


def test_on_the_backup_account_nothing_finished_is_overwritten_or_deleted(
    world: dict[str, str],
) -> None:
    settings = Settings.from_env()
    backup = bootstrap.table_backup(settings)
    assert backup.write_once
    container = backup.blobs.get_container_client(BACKUP_CONTAINER)
    # early in the UTC day, so that nine hours later is the same backup day whenever CI runs
    # (from 15:00 UTC on, now + 9 h was tomorrow, a night of its own: CI failed at 15:20)
    now = datetime.now(UTC).replace(hour=5, minute=0, second=0, microsecond=0)
    old = (now - timedelta(days=40)).date().isoformat()
    backup._container().upload_blob(f"{old}/manifest.json", b'{"tables": {}}')
    first = back_up(backup, FixedClock(now), retention_days=35)
    assert first.complete and first.pruned == []  # the lifecycle rule's to delete, not ours
    night = {b.name: b.etag for b in container.list_blobs(name_starts_with=f"{first.day}/")}
    # an operator's `inning backup` later that day: a take of its own, the night untouched
    later = now + timedelta(hours=9)
    second = back_up(backup, FixedClock(later), retention_days=35)
    assert second.day == f"{first.day}T{later:%H%M%S}Z" and second.complete
    assert {b.name: b.etag for b in container.list_blobs(name_starts_with=f"{first.day}/")
            if "T" not in b.name.split("/")[0]} == night  # fmt: skip
    assert old in backup.days() and second.day in backup.days()
    # the take is restored by its name
    TableServiceClient.from_connection_string(world["own"]).get_table_client(PROBE).delete_entity(
        "client-1", "inv009"
    )
    assert main(["restore", "--from", second.day, "--set", "ledger"]) == 0
    assert backup.tables.get_table_client(PROBE).get_entity("client-1", "inv009")["Small"] == 9
    assert main(["restore", "--from", f"{first.day}T9"]) == 2  # neither a date nor a take
    with pytest.raises(BackupError, match="complete and kept as it is"):
        backup.export(first.day, later)
    # a table blob another run committed first is kept as it is, its count taken from it
    racing = f"{(now + timedelta(days=1)).date().isoformat()}"
    other = container.upload_blob(f"{racing}/{PROBE}.jsonl", b"{}\n", metadata={"entities": "1"})
    counts = backup.export(racing, now)
    assert counts is not None and {c.table: c.entities for c in counts}[PROBE] == 1
    assert container.get_blob_client(f"{racing}/{PROBE}.jsonl").get_blob_properties().etag == (
        other.get_blob_properties().etag
    )


def test_the_nights_kept_in_the_tables_own_account_stay_restorable_and_are_pruned(
    world: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    own = TableServiceClient.from_connection_string(world["own"])
    legacy = TableBackup(own, BlobServiceClient.from_connection_string(world["own"]))
    now = datetime.now(UTC).replace(microsecond=0)
    before = (now - timedelta(days=2)).date().isoformat()
    expired = (now - timedelta(days=40)).date().isoformat()
    for day in (before, expired):
        assert legacy.export(day, now) is not None  # made before the backup account
    own.get_table_client(PROBE).delete_entity("client-1", "inv007")
    assert main(["restore", "--list"]) == 0
    assert f"{before}\tsame-account" in capsys.readouterr().out.splitlines()
    assert main(["restore", "--from", before, "--set", "ledger", "--json"]) == 0
    said = capsys.readouterr()
    assert json.loads(said.out)[PROBE] == 130 and "tables' own account" in said.err
    assert own.get_table_client(PROBE).get_entity("client-1", "inv007")["Small"] == 7
    assert main(["backup"]) == 0  # to the backup account; the same account's old days pruned
    assert legacy.days() == [before]


def test_the_list_says_the_lost_accounts_nights_are_unreadable_at_once(
    world: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables' account lost (its blob endpoint answers nothing): `inning restore --list`
    lists the backup account's nights and says the old container cannot be read, after one
    try; the SDK's retries took 89 s to give up on a deleted account's name."""
    assert main(["backup"]) == 0
    capsys.readouterr()
    lost = world["own"].replace(
        re.search(r"BlobEndpoint=http://127.0.0.1:(\d+)", world["own"]).group(1),  # type: ignore[union-attr]
        str(azurite.free_port()),
    )
    monkeypatch.setenv("AzureWebJobsStorage", lost)
    started = time.monotonic()
    assert main(["restore", "--list"]) == 0
    said = capsys.readouterr()
    assert said.out.splitlines() == [_day()]
    assert "cannot be read" in said.err and time.monotonic() - started < 10
