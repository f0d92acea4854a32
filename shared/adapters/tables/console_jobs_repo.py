"""The console's long work (a large CSV import, a report over a year): one row per job in the
client's partition, so a job is only ever found through the client the person has in reach.

Row keys run newest first (an inverted millisecond clock), so the latest jobs are the first
rows of the partition. Every update after creation is guarded by the ETag it was read with:
two deliveries of one queue message never both write progress.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from shared.adapters.tables.keys import decode, encode
from shared.ports.tables import Row, TableStore

JOBS = "ConsoleJobs"
TABLES = (JOBS,)
_NEWEST = 10**13  # milliseconds; far past any clock this code will see


class JobStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    ENDED = frozenset({"done", "failed"})


@dataclass(frozen=True)
class Job:
    client_id: str
    job_id: str
    kind: str  # invoice-import | report
    started_by: str  # the user id of the person who started it
    created_at: datetime
    updated_at: datetime
    status: str = JobStatus.QUEUED
    done: int = 0
    total: int = 0
    title: str = ""  # what the job page shows as its heading (the file, the report)
    # the worker's own checkpoint and tallies (rows written, rejected rows so far)
    state: dict[str, Any] = field(default_factory=dict)
    result_name: str | None = None  # the file to download, in the jobs container
    result_type: str | None = None
    error: str | None = None
    etag: str | None = None
    # every client whose data the job reads or writes (its own client when empty): a job over
    # several clients (an agency's report of all its clients) is shown only to a person who
    # may read each of them, whichever client's partition it is kept in
    clients: tuple[str, ...] = ()
    # the language of the person who queued it: the file it makes speaks it (a row from
    # before jobs recorded it has none; the worker then writes English)
    lang: str = ""

    @property
    def covers(self) -> tuple[str, ...]:
        return self.clients or (self.client_id,)

    @property
    def running(self) -> bool:
        return self.status not in JobStatus.ENDED


def new_job_id(now: datetime) -> str:
    """Newest first in key order, unguessable by position."""
    millis = int(now.timestamp() * 1000)
    return f"{_NEWEST - millis:013d}{secrets.token_hex(6)}"


class JobRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    @staticmethod
    def _row(job: Job) -> Row:
        return Row(
            encode(job.client_id),
            job.job_id,
            {
                "Kind": job.kind,
                "StartedBy": job.started_by,
                "CreatedAt": job.created_at,
                "UpdatedAt": job.updated_at,
                "Status": job.status,
                "Done": job.done,
                "Total": job.total,
                "Title": job.title,
                "State": json.dumps(job.state, separators=(",", ":")),
                "ResultName": job.result_name,
                "ResultType": job.result_type,
                "Error": job.error,
                "Clients": json.dumps(list(job.covers), separators=(",", ":")),
                "Lang": job.lang,
            },
            job.etag,
        )

    @staticmethod
    def _job(row: Row) -> Job:
        d = row.data

        def when(value: Any) -> datetime:
            return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))

        return Job(
            client_id=decode(row.pk),
            job_id=row.rk,
            kind=str(d["Kind"]),
            started_by=str(d.get("StartedBy") or ""),
            created_at=when(d["CreatedAt"]),
            updated_at=when(d["UpdatedAt"]),
            status=str(d.get("Status") or JobStatus.QUEUED),
            done=int(d.get("Done") or 0),
            total=int(d.get("Total") or 0),
            title=str(d.get("Title") or ""),
            state=json.loads(d.get("State") or "{}"),
            result_name=d.get("ResultName"),
            result_type=d.get("ResultType"),
            error=d.get("Error"),
            etag=row.etag,
            clients=tuple(str(c) for c in json.loads(d.get("Clients") or "[]")),
            lang=str(d.get("Lang") or ""),
        )

    def add(self, job: Job) -> Job:
        stored = self.store.insert(JOBS, self._row(job))
        return replace(job, etag=stored.etag)

    def get(self, client_id: str, job_id: str) -> Job | None:
        row = self.store.get(JOBS, encode(client_id), job_id)
        return self._job(row) if row else None

    def save(self, job: Job) -> Job:
        """Write only when nobody wrote since ``job`` was read (PreconditionFailed if so)."""
        stored = self.store.replace(JOBS, self._row(job))
        return replace(job, etag=stored.etag)

    def latest(self, client_id: str, limit: int = 20) -> list[Job]:
        page = self.store.query(JOBS, pk=encode(client_id), page_size=limit)
        return [self._job(r) for r in page.rows[:limit]]
