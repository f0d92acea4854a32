"""Every table of the account, exported to and restored from JSON Lines blobs.

One blob per table, ``<date>/<Table>.jsonl``, one entity per line with each property's EDM
type kept (Int64 cents stay Int64, DateTime stays DateTime), and ``<date>/manifest.json``
written last: a backup without its manifest is incomplete and is never restored. Entities are
streamed in both directions (no table is held in memory) and restored with entity-group
transactions of up to 100 upserts per partition.

The export resumes: each table's blob is written whole (a block blob appears only when its
upload commits) and carries its entity count in its metadata; a later run of the same day
skips the tables already there and writes the manifest when the last one is done (a new
export of a day already complete deletes that day's copy first and starts afresh). A run that
passes its time budget stops between tables (:meth:`TableBackup.export` returns None), so a
timer cut short by the Functions timeout loses at most the table it was writing.

A restore is exact: rows of a restored table that the backup does not hold (written after it)
are deleted, or a restored invoice would sit beside a newer payment allocated to it. Tables
the caller names ``never_rolled_back`` (records of money that left or was asked of a bank:
settlement runs, direct-debit files) are the exception: only the rows they lack are written
back, what they hold now stays as it is.

The backup may live in another storage account than the tables (``INNING_BACKUP_STORAGE``: a
separate account in a second region whose ``backups`` container keeps every blob version
immutable for the retention, infra/app/backup-storage.bicep). There the app has no right to
delete or overwrite (``write_once``): each blob is created once, with its entity count in the
same commit (metadata set afterwards would be a second write, refused on an immutable blob); a
second export of a day already complete goes to a take of its own, ``<date>T<HHMMSS>Z/``,
instead of replacing the night's; old days are deleted by the account's lifecycle rule, not by
:meth:`TableBackup.prune`. The ``tables`` given may be another account than the one backed up:
a restore into a new account after the old one is lost.

A table backup is not a point-in-time snapshot: rows written while the export runs may or may
not be in it (the export runs at night, when nothing else writes). Host tables
(``AzureFunctions*``) are the Functions host's own and are skipped."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import EdmType, EntityProperty, TableServiceClient, UpdateMode
from azure.storage.blob import BlobBlock, BlobServiceClient

from shared.adapters.tables.file_backup import FileBackup, FileCopy, restore_files
from shared.adapters.tables.file_backup import check as check_files
from shared.adapters.tables.file_backup import listed as listed_files

BACKUP_CONTAINER = "backups"
MANIFEST = "manifest.json"
# the newest complete night is kept alive (read daily) once no night completed for this long:
# the backup-missing alert's 26 hours
KEEP_AFTER = timedelta(hours=26)
SKIP_PREFIXES = ("AzureFunctions",)
BATCH = 100
# a table's blob is staged in blocks of this size and committed once, with its count
BLOCK_BYTES = 4 * 1024 * 1024
# (the row now, the backup's) -> the entity a restore writes
Later = Callable[[Mapping[str, Any], dict[str, Any]], dict[str, Any]]


class BackupError(ValueError):
    pass


@dataclass(frozen=True)
class TableCount:
    table: str
    entities: int
    # rows written after the backup that the restore kept (``keep_newer``), by their keys
    kept: tuple[tuple[str, str], ...] = ()


def encode_entity(entity: Any) -> dict[str, Any]:
    """``{"pk", "rk", "p": {name: [edm type, value]}}`` with JSON-safe values."""
    props: dict[str, list[Any]] = {}
    for name, value in entity.items():
        if name in ("PartitionKey", "RowKey"):
            continue
        props[name] = _typed(value)
    return {"pk": entity["PartitionKey"], "rk": entity["RowKey"], "p": props}


def _typed(value: Any) -> list[Any]:
    if isinstance(value, EntityProperty):
        edm = value.edm_type.value if isinstance(value.edm_type, EdmType) else str(value.edm_type)
        return _typed_as(edm, value.value)
    if isinstance(value, bool):
        return ["Edm.Boolean", value]
    if isinstance(value, int):
        return ["Edm.Int64" if not -(2**31) <= value < 2**31 else "Edm.Int32", value]
    if isinstance(value, float):
        return ["Edm.Double", value]
    if isinstance(value, datetime):
        return ["Edm.DateTime", value.astimezone(UTC).isoformat()]
    if isinstance(value, bytes):
        return ["Edm.Binary", base64.b64encode(value).decode()]
    if isinstance(value, uuid.UUID):
        return ["Edm.Guid", str(value)]
    return ["Edm.String", str(value)]


def _typed_as(edm: str, value: Any) -> list[Any]:
    if edm == "Edm.Int64":
        return [edm, int(value)]
    if edm == "Edm.DateTime" and isinstance(value, datetime):
        return [edm, value.astimezone(UTC).isoformat()]
    if edm == "Edm.Binary" and isinstance(value, bytes):
        return [edm, base64.b64encode(value).decode()]
    if edm == "Edm.Guid":
        return [edm, str(value)]
    return [edm, value]


def decode_entity(line: dict[str, Any]) -> dict[str, Any]:
    entity: dict[str, Any] = {"PartitionKey": line["pk"], "RowKey": line["rk"]}
    for name, (edm, value) in line["p"].items():
        entity[name] = _value(edm, value)
    return entity


def _value(edm: str, value: Any) -> Any:
    if edm == "Edm.Int64":
        return EntityProperty(int(value), EdmType.INT64)
    if edm == "Edm.Int32":
        return EntityProperty(int(value), EdmType.INT32)
    if edm == "Edm.DateTime":
        return datetime.fromisoformat(value)
    if edm == "Edm.Binary":
        return base64.b64decode(value)
    if edm == "Edm.Guid":
        return uuid.UUID(value)
    if edm == "Edm.Double":
        return float(value)
    if edm == "Edm.Boolean":
        return bool(value)
    return value


class TableBackup:
    def __init__(
        self,
        tables: TableServiceClient,
        blobs: BlobServiceClient,
        *,
        write_once: bool = False,
        files: FileBackup | None = None,
    ) -> None:
        """``write_once``: the backup account, where no blob is deleted or overwritten by the
        app (its role has no such right and the container keeps versions immutable).
        ``files``: the app's blob containers, copied after the tables (restore26 F4)."""
        self.tables = tables
        self.blobs = blobs
        self.write_once = write_once
        self.files = files

    def _container(self) -> Any:
        container = self.blobs.get_container_client(BACKUP_CONTAINER)
        # the backup account's container is provisioned; the app's role there may read it but
        # not create one, so it is only created when missing (Azurite, the same account)
        if not container.exists():
            try:
                container.create_container()
            except ResourceExistsError:
                pass
        return container

    def export_day(self, day: str, now: datetime) -> str:
        """Where today's export goes: ``day``, or once that is complete on a write-once
        account (an operator's ``inning backup`` after the night), a take of its own."""
        if self.write_once and self.complete(day):
            return f"{day}T{now.astimezone(UTC):%H%M%S}Z"
        return day

    def table_names(self) -> list[str]:
        return sorted(
            t.name for t in self.tables.list_tables() if not t.name.startswith(SKIP_PREFIXES)
        )

    def export(
        self,
        day: str,
        now: datetime,
        *,
        budget_seconds: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> list[TableCount] | None:
        """Every table to ``<day>/<Table>.jsonl``, then the manifest. Tables a cut-short run
        of the same day finished are kept, not exported again. Past ``budget_seconds`` no
        further table is started and None is returned (the manifest is not written yet)."""
        container = self._container()
        started = monotonic()
        if self.complete(day):  # a second backup the same day starts afresh, not from the first
            if self.write_once:
                raise BackupError(f"the backup of {day} is complete and kept as it is")
            for blob in container.list_blobs(name_starts_with=f"{day}/"):
                container.delete_blob(blob.name)
        done = self._exported(container, day)
        counts: list[TableCount] = []
        for name in self.table_names():
            if name in done:
                counts.append(TableCount(name, done[name]))
                continue
            if budget_seconds is not None and monotonic() - started > budget_seconds:
                return None
            blob = container.get_blob_client(f"{day}/{name}.jsonl")
            counts.append(TableCount(name, self._write_table(blob, name)))
        manifest: dict[str, Any] = {
            "date": day,
            "finished_at": now.astimezone(UTC).isoformat(),
            "tables": {c.table: c.entities for c in counts},
        }
        if self.files is not None:
            deadline = None if budget_seconds is None else started + budget_seconds
            files = self.files.copy(container, day, deadline=deadline, monotonic=monotonic)
            if files is None:
                return None
            manifest["files"] = files
        text = json.dumps(manifest, indent=1)
        try:
            container.upload_blob(f"{day}/{MANIFEST}", text, overwrite=not self.write_once)
        except ResourceExistsError:
            # a write-once night another run finished meanwhile: its manifest counts its files
            return [TableCount(t, n) for t, n in sorted(self.manifest(day)["tables"].items())]
        return counts

    def _write_table(self, blob: Any, table: str) -> int:
        """The table's lines staged in blocks, then committed once with their count: the blob
        appears whole with its count or not at all, and is never written twice. On a
        write-once account a blob already there (another run's) is kept: its count is read."""
        counter = [0]
        ids: list[BlobBlock] = []
        pending = bytearray()
        for line in self._lines(table, counter):
            pending += line
            if len(pending) >= BLOCK_BYTES:
                ids.append(self._stage(blob, len(ids), bytes(pending)))
                pending.clear()
        if pending or not ids:
            ids.append(self._stage(blob, len(ids), bytes(pending)))
        condition = {"match_condition": MatchConditions.IfMissing} if self.write_once else {}
        try:
            blob.commit_block_list(ids, metadata={"entities": str(counter[0])}, **condition)
        except (ResourceExistsError, ResourceModifiedError):
            return int(blob.get_blob_properties().metadata["entities"])
        return counter[0]

    @staticmethod
    def _stage(blob: Any, index: int, data: bytes) -> BlobBlock:
        block_id = base64.b64encode(f"{uuid.uuid4().hex}-{index:06d}".encode()).decode()
        blob.stage_block(block_id, data)
        return BlobBlock(block_id=block_id)

    def _exported(self, container: Any, day: str) -> dict[str, int]:
        """Tables of ``day`` already exported whole (their count in the blob's metadata)."""
        done: dict[str, int] = {}
        for blob in container.list_blobs(name_starts_with=f"{day}/", include=["metadata"]):
            entities = (blob.metadata or {}).get("entities")
            if blob.name.endswith(".jsonl") and entities is not None:
                done[blob.name[len(day) + 1 : -len(".jsonl")]] = int(entities)
        return done

    def complete(self, day: str) -> bool:
        container = self.blobs.get_container_client(BACKUP_CONTAINER)
        try:
            container.get_blob_client(f"{day}/{MANIFEST}").get_blob_properties()
        except ResourceNotFoundError:
            return False
        return True

    def started_at(self, day: str) -> datetime | None:
        """When the first blob of ``day``'s backup was written (None: nothing yet)."""
        container = self.blobs.get_container_client(BACKUP_CONTAINER)
        try:
            created = [b.creation_time for b in container.list_blobs(name_starts_with=f"{day}/")]
        except ResourceNotFoundError:
            return None
        return min(created, default=None)

    def started_days(self) -> list[str]:
        """Every day with anything under it, complete or not (one listing per day)."""
        container = self.blobs.get_container_client(BACKUP_CONTAINER)
        try:
            return sorted(
                p.name.rstrip("/") for p in container.walk_blobs(delimiter="/")
                if p.name.endswith("/")
            )  # fmt: skip
        except ResourceNotFoundError:
            return []

    def newest_complete(self) -> datetime | None:
        """When the newest complete backup finished (its manifest), or None."""
        for day in reversed(self.started_days()):
            try:
                manifest = self.manifest(day)
            except BackupError:
                continue
            return datetime.fromisoformat(manifest["finished_at"])
        return None

    def keep_newest(self, now: datetime, after: timedelta = KEEP_AFTER) -> str | None:
        """On the backup account, while no night has completed for ``after``: read every blob
        of the newest complete night (one byte each, its listed file copies too), the day
        it names. The account's lifecycle rule deletes a blob 36 days after it was last read
        (ops27 F2: it counted from its creation, so 36 days of failing nights left no backup
        at all); the first read in 24 hours moves that on, so the last good night stays for as
        long as the nights fail, and ages as usual once a newer one completes. None: nothing
        to keep (a recent night, none at all, or not the write-once account)."""
        if not self.write_once:
            return None
        container = self.blobs.get_container_client(BACKUP_CONTAINER)
        for day in reversed(self.started_days()):
            if not day[:1].isdigit():  # files/: the file copies, no night
                continue
            try:
                finished = datetime.fromisoformat(self.manifest(day)["finished_at"])
            except BackupError:
                continue
            if now - finished <= after:
                return None
            blobs = [
                (b.name, int(b.size)) for b in container.list_blobs(name_starts_with=f"{day}/")
            ]
            blobs += [(f.key, f.size) for f in listed_files(container, day)]
            for name, size in blobs:
                try:
                    if size:
                        container.download_blob(name, offset=0, length=1).readall()
                    else:
                        container.download_blob(name).readall()
                except ResourceNotFoundError:  # a file copy aged away: the restore finds another
                    continue
            return day
        return None

    def prune(self, today: date, keep_days: int) -> list[str]:
        """Delete the backups of days more than ``keep_days`` before ``today`` (complete or
        not). Called only after a complete backup, so the newest always stays. Never on a
        write-once account: its lifecycle rule deletes what is past the retention."""
        if self.write_once:
            return []
        container = self.blobs.get_container_client(BACKUP_CONTAINER)
        cutoff = (today - timedelta(days=keep_days)).isoformat()
        gone: list[str] = []
        for day in self.started_days():
            if day >= cutoff:
                continue
            for blob in container.list_blobs(name_starts_with=f"{day}/"):
                try:
                    container.delete_blob(blob.name)
                except ResourceNotFoundError:
                    pass
            gone.append(day)
        return gone

    def _lines(self, table: str, counter: list[int]) -> Iterator[bytes]:
        client = self.tables.get_table_client(table)
        for entity in client.list_entities(results_per_page=1000):
            counter[0] += 1
            yield (json.dumps(encode_entity(entity), separators=(",", ":")) + "\n").encode()

    def manifest(self, day: str) -> dict[str, Any]:
        container = self.blobs.get_container_client(BACKUP_CONTAINER)
        try:
            raw = container.download_blob(f"{day}/{MANIFEST}").readall()
        except ResourceNotFoundError:
            raise BackupError(f"no complete backup for {day} (no {day}/{MANIFEST})") from None
        data: dict[str, Any] = json.loads(raw)
        return data

    def days(self) -> list[str]:
        container = self.blobs.get_container_client(BACKUP_CONTAINER)
        try:
            names = [b.name for b in container.list_blobs() if b.name.endswith("/" + MANIFEST)]
        except ResourceNotFoundError:
            return []
        return sorted(n.split("/", 1)[0] for n in names)

    def restore(
        self,
        day: str,
        only: Iterable[str] = (),
        *,
        may_be_absent: Iterable[str] = (),
        keep_newer: Mapping[str, Callable[[str, str], bool]] | None = None,
        skip: Iterable[str] = (),
        never_rolled_back: Iterable[str] = (),
        keep_later: Mapping[str, Later] | None = None,
    ) -> list[TableCount]:
        """Make every table (or those in ``only``) exactly as in the backup of ``day``: each
        entity upserted (replaced), tables that are missing created, and rows written since
        the backup, which it does not hold, deleted, except those ``keep_newer`` keeps for
        their table (by partition and row key; listed in the table's count). A table of
        ``may_be_absent`` that the backup lacks did not exist that night: it is emptied. The
        tables of ``skip`` are left as they are. A table of ``never_rolled_back`` only gets
        back the rows of the backup it lacks (a table lost is whole again); no row it holds
        is replaced or deleted, and those the backup does not hold are listed as kept. A table
        of ``keep_later`` is read whole first: a backup row whose key it holds is written as
        its function makes it of the row as it is now and the backup's (what ended since,
        such as a key revoked, stays ended: review27 F3)."""
        keep_newer = keep_newer or {}
        keep_later = keep_later or {}
        skipped = set(skip)
        forward_only = set(never_rolled_back)
        manifest = self.manifest(day)
        wanted = set(only)
        absent = wanted - set(manifest["tables"])
        unknown = absent - set(may_be_absent)
        if unknown:
            raise BackupError(f"not in the backup of {day}: {', '.join(sorted(unknown))}")
        existing = set(self.table_names()) if absent else set()
        container = self.blobs.get_container_client(BACKUP_CONTAINER)
        # every file read once before any row is written: a file its manifest does not count
        # (two exports of one night, ops24 F7) stopped the restore after the tables before it
        # were written back, a set half restored
        for table in sorted(manifest["tables"]):
            if (wanted and table not in wanted) or table in skipped:
                continue
            stream = container.download_blob(f"{day}/{table}.jsonl")
            held = sum(1 for _ in _lines_of(stream.chunks()))
            if held != manifest["tables"][table]:
                raise BackupError(
                    f"{table}: the backup holds {held} entities, its manifest says "
                    f"{manifest['tables'][table]}; nothing was restored"
                )
        counts: list[TableCount] = []
        for table in sorted(manifest["tables"]):
            if (wanted and table not in wanted) or table in skipped:
                continue
            try:
                self.tables.create_table(table)
            except ResourceExistsError:
                pass
            client = self.tables.get_table_client(table)
            stream = container.download_blob(f"{day}/{table}.jsonl")
            keys: set[tuple[str, str]] = set()
            present = _keys_of(client) if table in forward_only else None
            later = _later(client, keep_later[table]) if table in keep_later else None
            restored = self._restore_lines(client, _lines_of(stream.chunks()), keys, present, later)
            if restored != manifest["tables"][table]:
                raise BackupError(
                    f"{table}: the backup holds {restored} entities, its manifest says "
                    f"{manifest['tables'][table]}"
                )
            if present is not None:
                kept = tuple(sorted(present - keys))
            else:
                kept = self._delete_newer(client, keys, keep_newer.get(table))
            counts.append(TableCount(table, restored, kept))
        for table in sorted(absent & existing):
            client = self.tables.get_table_client(table)
            if table in forward_only:
                counts.append(TableCount(table, 0, tuple(sorted(_keys_of(client)))))
                continue
            counts.append(
                TableCount(table, 0, self._delete_newer(client, set(), keep_newer.get(table)))
            )
        return counts

    def file_copies(self, day: str) -> list[FileCopy]:
        """The files ``day``'s backup holds, each checked there with its size (raises
        before anything is written when one is missing or cut short)."""
        container = self.blobs.get_container_client(BACKUP_CONTAINER)
        return check_files(container, listed_files(container, day))

    def restore_files(self, files: list[FileCopy], target: BlobServiceClient) -> tuple[int, int]:
        """The files ``target`` lacks written back; (written, kept as they were)."""
        container = self.blobs.get_container_client(BACKUP_CONTAINER)
        return restore_files(container, files, target)

    def put(self, table: str, entity: Mapping[str, Any]) -> None:
        """One entity written (replaced) after a restore, into its table made if missing (a
        restore of a few sets into a new account, then the money hold's marker)."""
        client = self.tables.get_table_client(table)
        try:
            client.upsert_entity(dict(entity), mode=UpdateMode.REPLACE)
        except ResourceNotFoundError:
            try:
                self.tables.create_table(table)
            except ResourceExistsError:
                pass
            client.upsert_entity(dict(entity), mode=UpdateMode.REPLACE)

    def _delete_newer(
        self, client: Any, keys: set[tuple[str, str]], keep: Callable[[str, str], bool] | None
    ) -> tuple[tuple[str, str], ...]:
        """Rows the backup does not hold: written after it, so not part of that night;
        those ``keep`` keeps stay (returned)."""
        kept: list[tuple[str, str]] = []
        batch: list[tuple[str, dict[str, Any]]] = []
        for entity in client.list_entities(select=["PartitionKey", "RowKey"]):
            key = (entity["PartitionKey"], entity["RowKey"])
            if key in keys:
                continue
            if keep is not None and keep(*key):
                kept.append(key)
                continue
            if batch and (len(batch) == BATCH or batch[0][1]["PartitionKey"] != key[0]):
                client.submit_transaction(batch)
                batch = []
            batch.append(("delete", {"PartitionKey": key[0], "RowKey": key[1]}))
        if batch:
            client.submit_transaction(batch)
        return tuple(kept)

    def _restore_lines(
        self,
        client: Any,
        lines: Iterable[bytes],
        keys: set[tuple[str, str]] | None = None,
        present: set[tuple[str, str]] | None = None,
        later: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> int:
        """Upsert every line (counted; as ``later`` makes it); those whose key is in
        ``present`` are only counted."""
        batch: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        restored = 0
        for raw in lines:
            entity = decode_entity(json.loads(raw))
            key = (entity["PartitionKey"], entity["RowKey"])
            if keys is not None:
                keys.add(key)
            if present is not None and key in present:
                restored += 1
                continue
            if later is not None:
                entity = later(entity)
            if batch and (
                len(batch) == BATCH or batch[0][1]["PartitionKey"] != entity["PartitionKey"]
            ):
                client.submit_transaction(batch)
                batch = []
            batch.append(("upsert", entity, {"mode": UpdateMode.REPLACE}))
            restored += 1
        if batch:
            client.submit_transaction(batch)
        return restored


def _later(client: Any, keep: Later) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The backup's entity as ``keep`` makes it of the row now under its key (read before
    any is written); a key the table lacks now is restored as the backup holds it."""
    now = {(e["PartitionKey"], e["RowKey"]): dict(e) for e in client.list_entities()}

    def later(entity: dict[str, Any]) -> dict[str, Any]:
        current = now.get((entity["PartitionKey"], entity["RowKey"]))
        return entity if current is None else keep(current, entity)

    return later


def _keys_of(client: Any) -> set[tuple[str, str]]:
    return {
        (e["PartitionKey"], e["RowKey"])
        for e in client.list_entities(select=["PartitionKey", "RowKey"])
    }


def _lines_of(chunks: Iterable[bytes]) -> Iterator[bytes]:
    rest = b""
    for chunk in chunks:
        rest += chunk
        *lines, rest = rest.split(b"\n")
        yield from (line for line in lines if line.strip())
    if rest.strip():
        yield rest
