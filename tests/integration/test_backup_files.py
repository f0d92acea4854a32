"""restore26 F4 against one Azurite with three accounts (as test_backup_account.py): the
files of the tables' account (a bank statement, a settlement's pain.001, a client's logo)
are copied to the backup account with the night's tables and listed in its manifest; the
next night copies only what is new or changed and rewrites nothing; a night cut at its time
budget goes on without copying again; after losing the tables' account ``inning restore
--target-connection`` gives the files back to the new account, byte for byte, and refuses
before writing anything when a copy is missing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from shared import bootstrap
from shared.adapters.tables.backup import BACKUP_CONTAINER, MANIFEST
from shared.adapters.tables.file_backup import FILES_PREFIX
from shared.cli.main import main
from shared.clock import FixedClock
from shared.services.operations.backups import back_up
from shared.settings import Settings
from tests.support.backup_accounts import backing_up, three_accounts, wipe

pytestmark = pytest.mark.azurite
FILES = {
    ("statements", "ing/2026-11-29.xml"): b"<Document>camt.053 29-11</Document>",
    ("settlements", "ag-1/R20261128/pain.001.xml"): b"<Document>pain.001 107.72</Document>",
    ("house-style", "cl-1/logo.png"): b"\x89PNG logo",
}
NIGHT1 = datetime(2026, 11, 29, 2, 30, tzinfo=UTC)
NIGHT2 = datetime(2026, 11, 30, 2, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with three_accounts(tmp_path_factory.mktemp("azurite-files")) as accounts:
        yield accounts


@pytest.fixture
def world(accounts: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    backing_up(accounts, monkeypatch)
    TableServiceClient.from_connection_string(accounts["own"]).create_table_if_not_exists(
        "Invoices"
    ).upsert_entity({"PartitionKey": "cl-1", "RowKey": "F1", "Cents": 10772})
    own = BlobServiceClient.from_connection_string(accounts["own"])
    for (container, name), data in FILES.items():
        own.get_container_client(container).create_container()
        own.get_blob_client(container, name).upload_blob(data)
    yield accounts
    wipe(accounts)


def _copies(conn: str) -> dict[str, str]:
    """The backup account's file copies by name, with their ETags (a rewrite changes one)."""
    container = BlobServiceClient.from_connection_string(conn).get_container_client(
        BACKUP_CONTAINER
    )
    return {b.name: b.etag for b in container.list_blobs(name_starts_with=FILES_PREFIX)}


def _files(conn: str) -> dict[tuple[str, str], bytes]:
    blobs = BlobServiceClient.from_connection_string(conn)
    return {
        (c.name, b.name): blobs.get_blob_client(c.name, b.name).download_blob().readall()
        for c in blobs.list_containers()
        if c.name != BACKUP_CONTAINER
        for b in blobs.get_container_client(c.name).list_blobs()
    }


def _manifest(conn: str, day: str) -> dict[str, object]:
    container = BlobServiceClient.from_connection_string(conn).get_container_client(
        BACKUP_CONTAINER
    )
    loaded: dict[str, object] = json.loads(container.download_blob(f"{day}/{MANIFEST}").readall())
    return loaded


def test_the_files_go_to_the_backup_account_incrementally_and_come_back_in_a_new_one(
    world: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    backup = bootstrap.table_backup(Settings.from_env())
    assert back_up(backup, FixedClock(NIGHT1)).complete
    first = _copies(world["backupacct"])
    assert len(first) == 3
    assert _manifest(world["backupacct"], "2026-11-29")["files"] == 3

    # the next night: the statement delivered again with other content, a new pain.001
    own = BlobServiceClient.from_connection_string(world["own"])
    own.get_blob_client("statements", "ing/2026-11-29.xml").upload_blob(
        b"<Document>camt.053 29-11, corrected</Document>", overwrite=True
    )
    own.get_blob_client("settlements", "ag-1/R20261130/pain.001.xml").upload_blob(b"<pain/>")
    assert back_up(backup, FixedClock(NIGHT2)).complete
    second = _copies(world["backupacct"])
    assert len(second) == 5  # two copies more; none of the first night's rewritten
    assert {k: second[k] for k in first} == first
    assert _manifest(world["backupacct"], "2026-11-30")["files"] == 4

    # the tables' account is lost: the night restored into the new account, files too
    assert main(["restore", "--from", "2026-11-30", "--target-connection", world["newacct"]]) == 0
    capsys.readouterr()
    now = _files(world["own"])
    assert _files(world["newacct"]) == now and len(now) == 4


def test_a_night_cut_at_its_budget_goes_on_without_copying_again(world: dict[str, str]) -> None:
    backup = bootstrap.table_backup(Settings.from_env())
    ticks = iter([0.0, 0.0, 0.0, 0.0, 99.0])  # the start, the table, two files, then past

    def monotonic() -> float:
        return next(ticks, 99.0)

    now = NIGHT1
    day = backup.export_day(now.date().isoformat(), now)
    assert backup.export(day, now, budget_seconds=10, monotonic=monotonic) is None
    made = _copies(world["backupacct"])
    assert 0 < len(made) < 3 and not backup.complete(day)
    assert backup.export(day, now) is not None
    done = _copies(world["backupacct"])
    assert len(done) == 3 and {k: done[k] for k in made} == made
    assert _manifest(world["backupacct"], day)["files"] == 3


def test_a_restore_with_a_file_missing_writes_nothing(
    world: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    backup = bootstrap.table_backup(Settings.from_env())
    assert back_up(backup, FixedClock(NIGHT1)).complete
    lost = next(iter(_copies(world["backupacct"])))
    BlobServiceClient.from_connection_string(world["backupacct"]).get_blob_client(
        BACKUP_CONTAINER, lost
    ).delete_blob()
    assert main(["restore", "--from", "2026-11-29", "--target-connection", world["newacct"]]) == 2
    assert "1 file(s) of the backup missing or cut short" in capsys.readouterr().err
    assert _files(world["newacct"]) == {}
    new = TableServiceClient.from_connection_string(world["newacct"])
    assert [t.name for t in new.list_tables()] == []


def test_an_unchanged_file_is_copied_again_each_week_and_an_aged_copy_is_read_from_a_later_one(
    world: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The lifecycle rule deletes a copy 36 days after it was made. Copied once only, a logo
    uploaded in October would be gone from the backup account in December while every night
    still listed it: the restore of any night refused (a file missing)."""
    backup = bootstrap.table_backup(Settings.from_env())
    assert back_up(backup, FixedClock(NIGHT1)).complete  # Sunday 29-11
    week1 = _copies(world["backupacct"])
    assert back_up(backup, FixedClock(datetime(2026, 12, 6, 2, 30, tzinfo=UTC))).complete
    week2 = _copies(world["backupacct"])
    assert len(week2) == 6 and set(week1) < set(week2)  # each file again, in its new week
    # the lifecycle rule took the first week's copies: night 29-11 reads the later week's
    container = BlobServiceClient.from_connection_string(world["backupacct"]).get_container_client(
        BACKUP_CONTAINER
    )
    for name in week1:
        container.delete_blob(name)
    assert main(["restore", "--from", "2026-11-29", "--target-connection", world["newacct"]]) == 0
    capsys.readouterr()
    assert _files(world["newacct"]) == _files(world["own"])


def test_a_large_file_is_streamed_both_ways_in_chunks_not_held_whole(
    world: dict[str, str],
) -> None:
    """ops27 F3 (restore26 F6): each file was read whole (``readall``) and put whole, so a
    24 MiB statement archive held ten times that at once in a worker of about 1.5 GB. Now it
    goes over in ranges of CHUNK, staged as blocks and committed once, both to the backup and
    back: the peak held stays within a few chunks, and the bytes are the same."""
    import tracemalloc

    from shared.adapters.tables.file_backup import CHUNK, FileBackup, listed, restore_files

    size = 6 * CHUNK + 5
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    own = BlobServiceClient.from_connection_string(world["own"])
    own.get_blob_client("statements", "ing/archive-2026.zip").upload_blob(data)
    backup = BlobServiceClient.from_connection_string(world["backupacct"])
    container = backup.get_container_client(BACKUP_CONTAINER)
    container.create_container()
    tracemalloc.start()
    try:
        assert FileBackup(own, ("statements",)).copy(container, "2026-11-29") == 2
        _, copied_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        files = [f for f in listed(container, "2026-11-29") if f.name == "ing/archive-2026.zip"]
        new = BlobServiceClient.from_connection_string(world["newacct"])
        assert restore_files(container, files, new) == (1, 0)
        _, restored_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the HTTP stack holds about 9 times what one request reads: bounded by the chunk, not
    # by the file (read whole, the 24 MiB file held over 200 MiB)
    assert copied_peak < 12 * CHUNK, f"copy held {copied_peak} bytes for a {size}-byte file"
    assert restored_peak < 12 * CHUNK, f"restore held {restored_peak} bytes"
    [copy] = files
    assert container.get_blob_client(copy.key).get_block_list()[0].__len__() == 7
    got = new.get_blob_client("statements", "ing/archive-2026.zip").download_blob().readall()
    assert got == data
    # restored again: the file there is kept, no block staged on it
    assert restore_files(container, files, new) == (0, 1)


def test_the_last_good_night_is_read_again_each_night_while_the_nights_fail(
    world: dict[str, str],
) -> None:
    """ops27 F2: the lifecycle rule deleted a night 36 days after it was made whatever came
    after, so backups failing for 36 days left none at all. The rule now counts from a blob's
    last read (infra/app/backup-storage.bicep), and each night, before it tries, the backup
    reads every blob of the newest complete night (its file copies too) once no night has
    completed for 26 hours; a recent night, or a newer one completed, is left to age."""
    from datetime import timedelta

    from azure.data.tables import TableServiceClient as Tables

    from shared.adapters.tables.backup import TableBackup
    from shared.adapters.tables.file_backup import FileBackup

    back_up(bootstrap.table_backup(Settings.from_env()), FixedClock(NIGHT1))
    reads: list[str] = []

    def seen(request: object) -> None:
        http = request.http_request  # type: ignore[attr-defined]  # azure-core's PipelineRequest
        if http.method == "GET" and "/backups/" in http.url and "comp=list" not in http.url:
            reads.append(http.url.split("/backups/", 1)[1].split("?", 1)[0])

    blobs = BlobServiceClient.from_connection_string(world["backupacct"], raw_request_hook=seen)
    backup = TableBackup(Tables.from_connection_string(world["own"]), blobs, write_once=True,
                         files=FileBackup(BlobServiceClient.from_connection_string(world["own"])))  # fmt: skip
    day = NIGHT1.date().isoformat()
    night = {
        b.name for b in blobs.get_container_client(BACKUP_CONTAINER).list_blobs()
        if b.name.startswith(f"{day}/") or b.name.startswith(FILES_PREFIX)
    }  # fmt: skip
    assert len([n for n in night if n.startswith(FILES_PREFIX)]) == len(FILES)
    # the next evening, 20 hours on: the night is recent, nothing read
    assert backup.keep_newest(NIGHT1 + timedelta(hours=20)) is None
    assert [r for r in reads if not r.endswith("manifest.json")] == []
    # three nights failed: every blob of the last good night is read again
    reads.clear()
    assert backup.keep_newest(NIGHT1 + timedelta(days=3)) == day
    assert set(reads) == night
    # not on the tables' own account (its prune keeps the newest night)
    own = TableBackup(Tables.from_connection_string(world["own"]), blobs)
    assert own.keep_newest(NIGHT1 + timedelta(days=3)) is None
    # the nightly backup does it before its own export, and a night completed ends it
    reads.clear()
    back_up(backup, FixedClock(NIGHT1 + timedelta(days=3)))
    assert night <= set(reads)
    reads.clear()
    assert backup.keep_newest(NIGHT1 + timedelta(days=3, hours=2)) is None
    assert [r for r in reads if r.startswith(f"{day}/") and not r.endswith("manifest.json")] == []


def test_the_operator_keeps_the_last_good_night_by_hand(
    world: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ops28: with the backup timer unable to read (the app down, its role lost) the last
    good night is deleted 36 days after its last read; the backup-expiring alert pages five
    days before and says ``inning backup --keep``, which reads every blob of it (its file
    copies too) as the operator, whatever its age, and exports nothing."""
    reads: list[str] = []

    def seen(request: object) -> None:
        http = request.http_request  # type: ignore[attr-defined]  # azure-core's PipelineRequest
        if http.method == "GET" and "/backups/" in http.url and "comp=list" not in http.url:
            reads.append(http.url.split("/backups/", 1)[1].split("?", 1)[0])

    real = bootstrap.table_backup

    def watched(*args: Any, **kwargs: Any) -> Any:
        backup = real(*args, **kwargs)
        backup.blobs = BlobServiceClient.from_connection_string(
            world["backupacct"], raw_request_hook=seen
        )
        return backup

    monkeypatch.setattr(bootstrap, "table_backup", watched)
    assert main(["backup", "--keep"]) == 1  # nothing complete yet: nothing to keep
    assert "nothing kept: no complete night" in capsys.readouterr().err
    back_up(real(Settings.from_env()), FixedClock(NIGHT1))
    container = BlobServiceClient.from_connection_string(world["backupacct"]).get_container_client(
        BACKUP_CONTAINER
    )
    day = NIGHT1.date().isoformat()
    night = {b.name for b in container.list_blobs() if b.name.startswith(f"{day}/")}
    copies = {b.name for b in container.list_blobs(name_starts_with=FILES_PREFIX)}
    before = set(night)
    reads.clear()
    assert main(["backup", "--keep"]) == 0
    assert f"kept {day}: every blob of it read now" in capsys.readouterr().out
    assert night | copies <= set(reads)
    after = {b.name for b in container.list_blobs() if b.name.startswith(f"{day}/")}
    assert after == before and not any(n[:10] > day for n in after)  # nothing exported
    assert {b.name[:10] for b in container.list_blobs() if b.name[:1].isdigit()} == {day}
