"""ops6 #3/#4 against Azurite: an export cut short at its time budget is resumed (tables
already written are kept, the manifest comes when the last one is done); after a complete
backup, days past retention are deleted; a restore is exact (rows written after the backup
go); the runbook's old partial restore is refused before anything is touched."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from azure.core.exceptions import ResourceExistsError
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from shared.adapters.tables.backup import BACKUP_CONTAINER, BackupError, TableBackup
from shared.cli.main import main
from shared.clock import FixedClock
from shared.services.operations.backups import back_up, resume

pytestmark = pytest.mark.azurite
NOW = datetime.now(UTC).replace(microsecond=0)
DAY = NOW.date().isoformat()


@pytest.fixture
def probe(storage_connection: str) -> Iterator[tuple[TableBackup, list[str], BlobServiceClient]]:
    tables = TableServiceClient.from_connection_string(storage_connection)
    blobs = BlobServiceClient.from_connection_string(storage_connection)
    names = [f"ResumeProbe{uuid.uuid4().hex[:8]}{n}" for n in range(3)]
    for i, name in enumerate(names):
        client = tables.create_table_if_not_exists(name)
        for r in range(i + 2):
            client.upsert_entity({"PartitionKey": "p", "RowKey": f"r{r}", "N": r})
    try:
        blobs.create_container(BACKUP_CONTAINER)
    except ResourceExistsError:
        pass
    backup = TableBackup(tables, blobs)
    backup.table_names = lambda: names  # type: ignore[method-assign]  # only this test's tables
    yield backup, names, blobs
    for name in names:
        tables.delete_table(name)


def _ticks(*values: float) -> object:
    it = iter(values)
    last = [values[-1]]

    def monotonic() -> float:
        last[0] = next(it, last[0])
        return last[0]

    return monotonic


def test_an_export_cut_at_its_budget_is_resumed_without_redoing_tables(probe) -> None:
    backup, names, blobs = probe
    container = blobs.get_container_client(BACKUP_CONTAINER)
    for blob in container.list_blobs(name_starts_with=f"{DAY}/"):
        container.delete_blob(blob.name)  # a clean night for this test
    # started at 0, first table begun at 0, the second would begin at 400 s: past 360
    assert backup.export(DAY, NOW, budget_seconds=360, monotonic=_ticks(0, 0, 400)) is None  # type: ignore[arg-type]
    assert not backup.complete(DAY) and DAY in backup.started_days()
    written = [b.name for b in container.list_blobs(name_starts_with=f"{DAY}/")]
    assert written == [f"{DAY}/{names[0]}.jsonl"]
    # rows added meanwhile to the table already done do not make it export again
    backup.tables.get_table_client(names[0]).upsert_entity({"PartitionKey": "p", "RowKey": "late"})
    assert resume(backup, FixedClock(NOW)) is None  # begun just now: its run may be working
    begun = backup.started_at(DAY)
    assert begun is not None and abs(begun - datetime.now(UTC)) < timedelta(minutes=1)
    later = max(NOW, begun)
    done = resume(backup, FixedClock(later), run_limit=timedelta(0))  # that run is over
    assert done is not None and done.complete
    assert {c.table: c.entities for c in done.counts} == {names[0]: 2, names[1]: 3, names[2]: 4}
    manifest = json.loads(container.download_blob(f"{DAY}/manifest.json").readall())
    assert manifest["tables"] == {names[0]: 2, names[1]: 3, names[2]: 4}
    assert resume(backup, FixedClock(NOW)) is None  # complete: nothing more to do
    assert backup.newest_complete() == later


class _Blob:
    """A blob client whose commit (with its count) first lets ``before`` run (another
    worker's turn)."""

    def __init__(self, inner: Any, before: Callable[[str], None]) -> None:
        self.inner, self.before = inner, before

    def commit_block_list(self, *args: Any, **kwargs: Any) -> Any:
        self.before(self.inner.blob_name)
        return self.inner.commit_block_list(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class _Container:
    def __init__(self, inner: Any, before: Callable[[str], None]) -> None:
        self.inner, self.before = inner, before

    def get_blob_client(self, *args: Any, **kwargs: Any) -> _Blob:
        return _Blob(self.inner.get_blob_client(*args, **kwargs), self.before)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_the_resume_at_the_backups_own_second_leaves_it_to_its_run(
    probe, storage_connection: str
) -> None:
    """ops24 F7: backup_tables (02:30 UTC) and resume_backup (every 15 minutes from 02:00)
    fire in the same second. The resume found the night begun and exported it alongside: the
    nightly run wrote its first table (2 rows), a webhook added one, the resume wrote the
    table again (3 rows) and its manifest, the nightly run stamped 2 and wrote its manifest
    (2): a backup the watch took for complete, refused at restore ("holds 3 entities, its
    manifest says 2") after it had written rows back."""
    backup, names, blobs = probe
    container = blobs.get_container_client(BACKUP_CONTAINER)
    for blob in container.list_blobs(name_starts_with=f"{DAY}/"):
        container.delete_blob(blob.name)
    resumer = TableBackup(
        backup.tables, BlobServiceClient.from_connection_string(storage_connection)
    )
    resumer.table_names = lambda: names  # type: ignore[method-assign]
    turns: list[object] = []

    def the_resume_timer(blob_name: str) -> None:
        if blob_name.endswith(f"/{names[0]}.jsonl") and not turns:
            backup.tables.get_table_client(names[0]).upsert_entity(
                {"PartitionKey": "p", "RowKey": "webhook"}
            )
            turns.append(resume(resumer, FixedClock(datetime.now(UTC))))

    real = backup._container
    backup._container = lambda: _Container(real(), the_resume_timer)  # type: ignore[method-assign]
    counts = backup.export(DAY, NOW)
    assert turns == [None]  # the resume left the night to the run that began it
    assert counts is not None
    manifest = backup.manifest(DAY)["tables"]
    assert manifest == {c.table: c.entities for c in counts}
    restored = {c.table: c.entities for c in backup.restore(DAY, names)}
    assert restored == manifest


def test_a_backup_whose_manifest_miscounts_a_file_is_refused_before_anything_is_written(
    probe,
) -> None:
    """ops24 F7: such a backup (two exports of one night, before the fix) was refused only at
    the table whose file disagreed, after the tables before it were written back: the first
    table lost its newer row, the set was left half restored."""
    backup, names, blobs = probe
    back_up(backup, FixedClock(NOW), retention_days=0)
    container = blobs.get_container_client(BACKUP_CONTAINER)
    manifest = backup.manifest(DAY)
    first, last = sorted(names)[0], sorted(names)[-1]  # restored in this order
    held = manifest["tables"][last]
    manifest["tables"][last] = held - 1  # the other export's count
    container.upload_blob(f"{DAY}/manifest.json", json.dumps(manifest), overwrite=True)
    table = backup.tables.get_table_client(first)
    table.upsert_entity({"PartitionKey": "p", "RowKey": "after-the-backup"})
    with pytest.raises(BackupError, match=f"{last}: the backup holds {held} entities"):
        backup.restore(DAY, names)
    rows = {(e["PartitionKey"], e["RowKey"]) for e in table.list_entities()}
    assert ("p", "after-the-backup") in rows  # nothing was written back


def test_days_past_retention_are_deleted_after_a_complete_backup(probe) -> None:
    backup, _, blobs = probe
    container = blobs.get_container_client(BACKUP_CONTAINER)
    old = (NOW - timedelta(days=40)).date().isoformat()
    kept = (NOW - timedelta(days=3)).date().isoformat()
    for day in (old, kept):
        container.upload_blob(f"{day}/Invoices.jsonl", b"", overwrite=True)
        container.upload_blob(f"{day}/manifest.json", b'{"tables": {}}', overwrite=True)
    run = back_up(backup, FixedClock(NOW), retention_days=35)
    assert run.complete and old in run.pruned and kept not in run.pruned
    left = {b.name.split("/")[0] for b in container.list_blobs()}
    assert old not in left and kept in left and DAY in left


def test_a_restore_is_exact_rows_written_after_the_backup_go(probe) -> None:
    backup, names, _ = probe
    back_up(backup, FixedClock(NOW), retention_days=0)
    table = backup.tables.get_table_client(names[1])
    table.upsert_entity({"PartitionKey": "p", "RowKey": "after-the-backup", "N": 99})
    table.upsert_entity({"PartitionKey": "q", "RowKey": "another-partition"})
    table.update_entity({"PartitionKey": "p", "RowKey": "r0", "N": 42})
    [count] = backup.restore(DAY, [names[1]])
    assert count.entities == 3
    rows = {(e["PartitionKey"], e["RowKey"]): e["N"] for e in table.list_entities()}
    assert rows == {("p", "r0"): 0, ("p", "r1"): 1, ("p", "r2"): 2}


def test_the_runbooks_old_partial_restore_is_refused(
    storage_connection: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AzureWebJobsStorage", storage_connection)
    monkeypatch.setenv("INNING_ENVIRONMENT", "local")
    code = main(["restore", "--from", DAY, "--table", "Invoices", "--table", "Payments"])
    assert code == 2
    err = capsys.readouterr().err
    assert "'ledger' set" in err and "--set ledger" in err


def test_a_restore_keeps_the_newer_rows_it_is_told_to_keep_and_lists_them(probe) -> None:
    """newcomer10 #3: the records of online payments started after the backup survive a
    restore (the caller then watches them again); every other newer row goes."""
    backup, names, _ = probe
    back_up(backup, FixedClock(NOW), retention_days=0)
    table = backup.tables.get_table_client(names[1])
    table.upsert_entity({"PartitionKey": "tr_new", "RowKey": "p", "N": 7})
    table.upsert_entity({"PartitionKey": "tr_new", "RowKey": "hook-begun"})
    [count] = backup.restore(DAY, [names[1]], keep_newer={names[1]: lambda pk, rk: rk == "p"})
    assert count.entities == 3 and count.kept == (("tr_new", "p"),)
    rows = {(e["PartitionKey"], e["RowKey"]) for e in table.list_entities()}
    assert rows == {("p", "r0"), ("p", "r1"), ("p", "r2"), ("tr_new", "p")}


def test_a_restore_of_every_table_leaves_the_skipped_ones_as_they_are(probe) -> None:
    """newcomer11 #3: the payment simulation's records are the provider's, not Inning's: a
    restore of every table leaves them (the simulated Mollie must still know what a debtor
    paid after the backup, or the restore's watch reports the payment missing)."""
    backup, names, _ = probe
    back_up(backup, FixedClock(NOW), retention_days=0)
    provider = backup.tables.get_table_client(names[2])
    provider.upsert_entity({"PartitionKey": "sim", "RowKey": "tr_paid_since", "N": 5})
    ours = backup.tables.get_table_client(names[0])
    ours.upsert_entity({"PartitionKey": "p", "RowKey": "after-the-backup"})
    counts = backup.restore(DAY, skip=[names[2]])
    assert [c.table for c in counts] == sorted(names[:2])
    assert ("sim", "tr_paid_since") in {
        (e["PartitionKey"], e["RowKey"]) for e in provider.list_entities()
    }
    assert "after-the-backup" not in {e["RowKey"] for e in ours.list_entities()}


def test_a_table_never_rolled_back_only_gets_back_the_rows_it_lacks(probe) -> None:
    """failure16 R1: the settlement and collection tables record money that left; a restore
    rolling them back forgot a paid-out run and paid it out again. Such a table keeps every
    row it holds (newer ones listed, changed ones as changed) and gets back only the rows of
    the backup it lacks; the table beside it is exact again."""
    backup, names, _ = probe
    back_up(backup, FixedClock(NOW), retention_days=0)
    paid = backup.tables.get_table_client(names[2])  # p r0..r3 that night
    paid.upsert_entity({"PartitionKey": "agency", "RowKey": "R-since", "N": 9})
    paid.update_entity({"PartitionKey": "p", "RowKey": "r0", "N": 42})  # approved since
    paid.delete_entity("p", "r3")  # lost
    ledger = backup.tables.get_table_client(names[1])
    ledger.upsert_entity({"PartitionKey": "p", "RowKey": "after-the-backup"})
    counts = backup.restore(DAY, names[1:], never_rolled_back=[names[2]])
    assert {c.table: (c.entities, c.kept) for c in counts} == {
        names[1]: (3, ()),
        names[2]: (4, (("agency", "R-since"),)),
    }
    rows = {(e["PartitionKey"], e["RowKey"]): e.get("N") for e in paid.list_entities()}
    assert rows == {("p", "r0"): 42, ("p", "r1"): 1, ("p", "r2"): 2, ("p", "r3"): 3,
                    ("agency", "R-since"): 9}  # fmt: skip
    assert "after-the-backup" not in {e["RowKey"] for e in ledger.list_entities()}
