"""The blob containers Inning keeps its files in, copied to the backup account and back
(restore26 F4): bank statement files (and those refused, with their reasons), dossiers and
letters, invoice PDFs, rendered messages, inbound mail attachments, settlement statements
and pain.001 payouts, direct-debit files, the statutory rate tables, house style and report
templates. Lost with the tables' account, the tables restored alone named files nobody had.

Incremental and write-once: a file is copied to ``files/<container>/<name>~<version>.<week>``,
where ``<version>`` is a digest of the blob's ETag (a changed file is a new version, an
unchanged one is already there that week), created once (If-None-Match) and never
overwritten or deleted by the app; the account's lifecycle rule ages them like the nights
(36 days after they were made), so an unchanged file is copied again each week: a night's
list never names a copy older than its week. Each night lists what it holds,
one line per file with the copy's name and size, in ``<night>/files.jsonl``, written once
before the night's manifest (which counts them under ``files``). A night cut by its time
budget goes on where it stopped: the copies already made are found by name and skipped.

A restore reads the night's list, checks every copy is there with its size before writing
anything, and gives back the files the target account lacks; a file there now (newer, or
the same) is left as it is.

Both ways a file is streamed: read in ranges of :data:`CHUNK` (pinned to the ETag listed, so
a file rewritten during its copy is never mixed of two versions) and written as staged
blocks committed once (If-None-Match), so a copy holds one chunk in memory whatever the
file's size (ops27 F3: a 50 MB statement archive was read whole, then handed whole to the
upload, in a worker of about 1.5 GB). A file of one chunk or less is one read and one put."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.storage.blob import BlobBlock

# the containers whose files the tables refer to or that only Inning holds; not the app
# package, the backups themselves, poison messages or the console's short-lived inputs
FILE_CONTAINERS = (
    "statements", "statements-quarantine", "dossiers", "invoice-pdfs", "messages",
    "inbound-mail", "settlements", "direct-debits", "statutory-rates", "house-style",
    "report-templates",
)  # fmt: skip
FILES_PREFIX = "files/"
# read per request: the HTTP stack holds about 9 times a response while reading it (measured:
# 38 MB for a 4 MiB range), so a 50 MB file read whole held some 450 MB
CHUNK = 4 * 1024 * 1024
FILES_INDEX = "files.jsonl"


class FileBackupError(ValueError):
    pass


@dataclass(frozen=True)
class FileCopy:
    container: str
    name: str
    key: str  # the copy's name in the backup container
    size: int


def copy_key(container: str, name: str, etag: str, day: str) -> str:
    """The copy of one version of a file made in ``day``'s week: a file unchanged is copied
    again once a week, so that every night's list names copies made in the 7 days before it
    and the lifecycle rule (which deletes a copy 36 days after it was made) never takes one
    a night of the last 30 days still needs."""
    version = hashlib.sha256(etag.strip('"').encode()).hexdigest()[:16]
    return f"{FILES_PREFIX}{container}/{name}~{version}.{_week(day)}"


def _week(day: str) -> int:
    return date.fromisoformat(day[:10]).toordinal() // 7


def _same_version(key: str) -> str:
    return key.rsplit(".", 1)[0] + "."


class FileBackup:
    def __init__(
        self, source: Any, containers: tuple[str, ...] = FILE_CONTAINERS, chunk: int = CHUNK
    ) -> None:
        """``source``: the app's blob service (the tables' account)."""
        self.source = source
        self.containers = containers
        self.chunk = chunk

    def copy(
        self,
        backup: Any,
        day: str,
        *,
        deadline: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> int | None:
        """Every file of the containers to ``backup`` (the backup container's client) not
        copied before, then ``<day>/files.jsonl``: the number of files listed, or None when
        ``deadline`` passed first (the next run of the night goes on)."""
        index = backup.get_blob_client(f"{day}/{FILES_INDEX}")
        try:
            return int(index.get_blob_properties().metadata["files"])
        except ResourceNotFoundError:
            pass
        lines: list[bytes] = []
        for container in self.containers:
            have = {
                b.name: b.size
                for b in backup.list_blobs(name_starts_with=f"{FILES_PREFIX}{container}/")
            }
            for item in self._files(container):
                if deadline is not None and monotonic() > deadline:
                    return None
                key = copy_key(container, item.name, item.etag, day)
                if key not in have:
                    try:
                        have[key] = self._copy(backup, container, item, key)
                    except ResourceModifiedError:  # rewritten since listed: copy the new one
                        item = self._blob(container, item.name).get_blob_properties()
                        key = copy_key(container, item.name, item.etag, day)
                        if key not in have:
                            have[key] = self._copy(backup, container, item, key)
                entry = {"c": container, "n": item.name, "k": key, "size": have[key]}
                lines.append((json.dumps(entry, separators=(",", ":")) + "\n").encode())
        try:
            index.upload_blob(b"".join(lines), metadata={"files": str(len(lines))},
                              overwrite=False)  # fmt: skip
        except (ResourceExistsError, ResourceModifiedError):
            return int(index.get_blob_properties().metadata["files"])
        return len(lines)

    def _files(self, container: str) -> Iterator[Any]:
        try:
            yield from self.source.get_container_client(container).list_blobs()
        except ResourceNotFoundError:  # a container this account never made
            return

    def _blob(self, container: str, name: str) -> Any:
        return self.source.get_container_client(container).get_blob_client(name)

    def _copy(self, backup: Any, container: str, item: Any, key: str) -> int:
        try:
            # a create the write-once account allows (If-None-Match:*)
            return stream(self._blob(container, item.name), int(item.size),
                          backup.get_blob_client(key), self.chunk, etag=item.etag)  # fmt: skip
        except ResourceExistsError:  # another run of the night copied it meanwhile
            return int(item.size)


def stream(source: Any, size: int, target: Any, chunk: int, etag: str | None = None) -> int:
    """Copy the blob ``source`` (``size`` bytes; ``etag``: only this version) to the new blob
    ``target``, holding at most ``chunk`` bytes: a small file in one put, a larger one in
    staged blocks committed once. ResourceExistsError when ``target`` exists (nothing of it
    changed); ResourceModifiedError when ``source`` is no longer that version."""
    pinned: dict[str, Any] = (
        {"etag": etag, "match_condition": MatchConditions.IfNotModified} if etag else {}
    )
    if size <= chunk:
        data = source.download_blob(**pinned).readall()
        target.upload_blob(data, overwrite=False)
        return len(data)
    blocks = []
    for offset in range(0, size, chunk):
        part = source.download_blob(offset=offset, length=min(chunk, size - offset), **pinned)
        block = BlobBlock(block_id=f"{offset // chunk:010d}")
        target.stage_block(block.id, part.readall())
        blocks.append(block)
    target.commit_block_list(blocks, match_condition=MatchConditions.IfMissing)
    return size


def listed(backup: Any, day: str) -> list[FileCopy]:
    """The files of ``day``'s list (none for a night made before files were copied)."""
    try:
        raw = backup.download_blob(f"{day}/{FILES_INDEX}").readall()
    except ResourceNotFoundError:
        return []
    found = []
    for line in raw.splitlines():
        if line.strip():
            entry = json.loads(line)
            found.append(FileCopy(entry["c"], entry["n"], entry["k"], int(entry["size"])))
    return found


def check(backup: Any, files: list[FileCopy]) -> list[FileCopy]:
    """Every copy there with its size, before a file is written. A copy the lifecycle rule
    aged away (a night over 30 days old) is taken from a later week's copy of the same
    version of the file when there is one; the files with the copies to read are returned."""
    sizes = {b.name: b.size for b in backup.list_blobs(name_starts_with=FILES_PREFIX)}
    found: list[FileCopy] = []
    wrong: list[FileCopy] = []
    for f in files:
        if sizes.get(f.key) != f.size:
            later = [
                k for k, n in sizes.items() if k.startswith(_same_version(f.key)) and n == f.size
            ]
            if not later:
                wrong.append(f)
                continue
            f = FileCopy(f.container, f.name, min(later), f.size)
        found.append(f)
    if wrong:
        first = wrong[0]
        raise FileBackupError(
            f"{len(wrong)} file(s) of the backup missing or cut short (the first: "
            f"{first.container}/{first.name}, {sizes.get(first.key, 'missing')} bytes of "
            f"{first.size}); nothing was restored"
        )
    return found


def restore_files(
    backup: Any, files: list[FileCopy], target: Any, chunk: int = CHUNK
) -> tuple[int, int]:
    """The files ``target`` (a blob service) lacks, written from their copies; those it has
    are kept. (written, kept)."""
    written = kept = 0
    made: set[str] = set()
    for f in files:
        container = target.get_container_client(f.container)
        if f.container not in made:
            try:
                container.create_container()
            except ResourceExistsError:
                pass
            made.add(f.container)
        target_blob = container.get_blob_client(f.name)
        if f.size > chunk and target_blob.exists():
            kept += 1  # no blocks staged on a file the target holds
            continue
        try:
            stream(backup.get_blob_client(f.key), f.size, target_blob, chunk)
            written += 1
        except ResourceExistsError:
            kept += 1
    return written, kept


__all__ = [
    "FILE_CONTAINERS", "FileBackup", "FileBackupError", "FileCopy", "check", "copy_key",
    "listed", "restore_files", "stream",
]  # fmt: skip
