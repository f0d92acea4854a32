"""Long work of the console (a large CSV import, a report over a year) through a queue, so a
page never waits for it: the page starts a job and shows where it is.

A job is a row (:mod:`shared.adapters.tables.console_jobs_repo`) plus its input blob
``console-jobs/inputs/<client id>/<job id>`` and its result blobs under
``console-jobs/<client id>/<job id>/``. The input (an upload's debtors' names, e-mail and postal
addresses) is deleted when the job ends, done or failed; a lifecycle rule on ``inputs/``
(infra/app/storage.bicep) deletes any left, a job never ended among them, a week old (attack17b
F4: kept for ever). The file to download stays under its own prefix, which no rule touches,
except an upload's: its rejected rows, the invoices it changed and the work files beside them
(the refused rows' names, addresses and amounts) live under ``console-jobs/rows/<client id>/
<job id>/`` and go 30 days after the job ended (:data:`ROWS_KEPT`: deleted when read after
that, and a lifecycle rule on ``rows/`` as backstop; AVG art. 5(1)(c, e)); the job's row and
its counts stay.
The queue message names only the client
and the job. The work is done in steps (a chunk of rows, a part of a report), and after each
step the job's checkpoint is saved with the ETag it was read with. So under at-least-once
delivery:

- a second delivery of a finished job does nothing;
- a delivery after a crash resumes at the last saved step (a step is itself idempotent: an
  invoice upsert by the client's numbers, a chunk's rejected rows written under the chunk's
  own name);
- two deliveries at once: the one that loses the ETag race stops, the other carries on.

A failing step is retried by the host (the message comes back); after the host's last try the
message lands in ``console-jobs-poison`` and the watch counts it. A worker that finds the input
itself unusable marks the job failed with the reason the person sees (nothing is retried).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from shared.adapters.tables.console_jobs_repo import Job, JobRepository, JobStatus, new_job_id
from shared.clock import Clock
from shared.ports.files import FileStore
from shared.ports.queues import QueueSender
from shared.ports.tables import PreconditionFailed
from shared.services.errors import ConflictingUpdate, NotFound

JOBS_QUEUE = "console-jobs"
JOBS_CONTAINER = "console-jobs"
STALLED = timedelta(minutes=10)  # a running job whose checkpoint is older than this is stuck
# A previewed upload waits for its confirm in a container of its own, ``<client id>/<token>``:
# it holds the debtors' names, e-mail addresses and addresses of the new-debtor columns, so it
# is kept only as long as a preview may be confirmed (attack17 F1: kept for ever, and a
# preview weeks old still booked). The confirm refuses one older than PREVIEW_KEPT (the person
# reads the file again: what the preview showed may no longer hold) and deletes it; the
# container's lifecycle rule (infra/app/storage.bicep) deletes every preview a day old, so
# one never confirmed is not kept either.
UPLOADS_CONTAINER = "upload-previews"
INPUTS = "inputs"  # the prefix of the jobs' inputs in JOBS_CONTAINER (its lifecycle rule's)
# the prefix of the files of jobs whose results name debtors (an upload's refused rows): kept
# ROWS_KEPT after the job ended, the lifecycle rule on it a backstop (console18)
ROWS = "rows"
ROWS_KEPT = timedelta(days=30)
PERSONAL_KINDS = frozenset({"invoice-import"})
PREVIEW_KEPT = timedelta(hours=1)
CLOCK_SKEW = timedelta(minutes=5)
NOT_QUEUED = "the job could not be queued (the storage was busy): start it again"

log = logging.getLogger(__name__)

# who is asking: may this person read the client with this id? A job is shown, downloaded and
# started again only for a person who may read every client it covers (see Job.clients)
Reader = Callable[[str], bool]


class JobInputError(Exception):
    """The job's input cannot be worked (the person is told why; no retry helps)."""


@dataclass(frozen=True)
class Step:
    """What one step did: how far the job now is, the worker's tallies, and (on the last
    step) the file to offer for download."""

    done: int
    total: int
    state: Mapping[str, object]
    finished: bool = False
    result: bytes | None = None
    result_name: str | None = None
    result_type: str | None = None


class JobWork(Protocol):
    """One kind of long work. ``step`` does the next piece after ``job.done`` (the
    checkpoint) and must be idempotent: a crash after the work but before the checkpoint
    makes it run again."""

    def step(self, job: Job, data: bytes, files: JobFiles) -> Step: ...


@dataclass(frozen=True)
class JobFiles:
    """The job's own blobs: input, partial outputs (by a name the step chooses), result."""

    files: FileStore
    client_id: str
    job_id: str
    area: str = ""  # "rows/": a job whose files name debtors (kept ROWS_KEPT)

    def name(self, part: str) -> str:
        return f"{self.area}{self.client_id}/{self.job_id}/{part}"

    def _before_area(self, part: str) -> str:
        """Where a job started before its files had their area kept them."""
        return f"{self.client_id}/{self.job_id}/{part}"

    def put(self, part: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.files.put(JOBS_CONTAINER, self.name(part), data, content_type=content_type)

    def get(self, part: str) -> bytes | None:
        data = self.files.get(JOBS_CONTAINER, self.name(part))
        if data is None and self.area:
            return self.files.get(JOBS_CONTAINER, self._before_area(part))
        return data

    @property
    def input_name(self) -> str:
        return f"{INPUTS}/{self.client_id}/{self.job_id}"

    def put_input(self, data: bytes) -> None:
        self.files.put(JOBS_CONTAINER, self.input_name, data)

    def get_input(self) -> bytes | None:
        """The job's input; a job started before the inputs had their prefix kept it beside
        its results (``<client>/<job>/input``)."""
        data = self.files.get(JOBS_CONTAINER, self.input_name)
        return data if data is not None else self.get("input")

    def drop_input(self) -> None:
        self.files.delete(JOBS_CONTAINER, self.input_name)
        self.files.delete(JOBS_CONTAINER, self.name("input"))
        self.files.delete(JOBS_CONTAINER, self._before_area("input"))

    def drop_all(self) -> None:
        """Every file of the job, its input too, where it is and where it was before."""
        self.drop_input()
        for prefix in {self.name(""), self._before_area("")}:
            for name in self.files.names(JOBS_CONTAINER, prefix):
                self.files.delete(JOBS_CONTAINER, name)


class ConsoleJobs:
    def __init__(
        self,
        jobs: JobRepository,
        files: FileStore,
        queues: QueueSender,
        clock: Clock,
        works: Mapping[str, Callable[[], JobWork]],
        max_steps: int = 10_000,
    ) -> None:
        self.jobs = jobs
        self.files = files
        self.queues = queues
        self.clock = clock
        self.works = works  # built on first use: a report job needs no import service
        self.max_steps = max_steps

    # -- starting and reading ------------------------------------------------------------
    def start(
        self,
        client_id: str,
        kind: str,
        started_by: str,
        data: bytes,
        *,
        total: int,
        title: str,
        clients: Sequence[str] = (),
        lang: str = "",
    ) -> Job:
        """Store the input, record the job, then queue it (the message only names it: a lost
        message leaves a queued job that :meth:`requeue` can send again). ``clients``: every
        client the job reads when more than its own (an agency's report of all its clients);
        ``lang``: the language of the person asking, which the file the job makes speaks."""
        if kind not in self.works:
            raise ValueError(f"no work of kind {kind!r}")
        now = self.clock.now()
        job_id = new_job_id(now)
        covered = tuple(dict.fromkeys(clients)) if clients else (client_id,)
        job = Job(client_id, job_id, kind, started_by, now, now, total=total, title=title,
                  clients=covered, lang=lang)  # fmt: skip
        self.files_of(job).put_input(data)
        job = self.jobs.add(job)
        try:
            self._send(job)
        except Exception:
            # the queue refused (503 ServerBusy after the SDK's retries, a reset): no message
            # will ever run the job, and it would show "running" until a requeue (failure26
            # F6). Ended as failed, its input gone; the person, told of the error, starts it
            # again. A send that did land despite the error finds the job ended: it does nothing.
            self._end(job, JobStatus.FAILED, error=NOT_QUEUED)
            log.warning("console job %s/%s (%s) not queued: failed", client_id, job_id, kind)
            raise
        return job

    def requeue(self, client_id: str, job_id: str, reads: Reader | None = None) -> Job:
        """Send a stalled job's message again (its message lost or in the poison queue): only
        a running job without progress for :data:`STALLED`, and once per stall (the requeue
        itself counts as progress). ConflictingUpdate otherwise: duplicate deliveries of a
        heavy job are the cost this refuses."""
        job = self.get(client_id, job_id, reads)
        if not self.stalled(job):
            # stands until the job has made no progress for STALLED: not a busy record
            raise ConflictingUpdate(
                "the job is not stalled", code="job_not_stalled", params={"job": job_id}
            )
        try:
            job = self.jobs.save(replace(job, updated_at=self.clock.now()))
        except PreconditionFailed:
            raise ConflictingUpdate("the job moved meanwhile") from None
        self._send(job)
        return job

    def files_of(self, job: Job) -> JobFiles:
        area = f"{ROWS}/" if job.kind in PERSONAL_KINDS else ""
        return JobFiles(self.files, job.client_id, job.job_id, area)

    def rows_kept_until(self, job: Job) -> datetime | None:
        """When an ended job's files that name debtors go (None: a job without such files,
        or one still running)."""
        if job.kind not in PERSONAL_KINDS or job.running:
            return None
        return job.updated_at + ROWS_KEPT

    def rows_gone(self, job: Job) -> bool:
        """The job's files that name debtors are past ROWS_KEPT: deleted now (the lifecycle
        rule deletes them in the platform's own time; a read never shows them longer)."""
        until = self.rows_kept_until(job)
        if until is None or self.clock.now() < until:
            return False
        self.files_of(job).drop_all()
        return True

    def stalled(self, job: Job) -> bool:
        return job.running and self.clock.now() - job.updated_at > STALLED

    def _send(self, job: Job) -> None:
        body = json.dumps({"client_id": job.client_id, "job_id": job.job_id})
        self.queues.send(JOBS_QUEUE, body)

    def get(self, client_id: str, job_id: str, reads: Reader | None = None) -> Job:
        """A job of this client; another client's job is not found (the key holds the client),
        nor is a job covering a client ``reads`` refuses."""
        job = self.jobs.get(client_id, job_id) if job_id else None
        if job is None or (reads is not None and not self.shown_to(job, reads)):
            raise NotFound("no such job")
        return job

    def latest(self, client_id: str, limit: int = 20, reads: Reader | None = None) -> list[Job]:
        jobs = self.jobs.latest(client_id, limit)
        return [j for j in jobs if reads is None or self.shown_to(j, reads)]

    def shown_to(self, job: Job, reads: Reader) -> bool:
        return all(c and reads(c) for c in self.covered(job))  # "": a client nobody knows

    def covered(self, job: Job) -> tuple[str, ...]:
        """The clients a job reads. A row written before jobs recorded them has none: a report
        names its clients in its input, anything else is its own client's."""
        if job.clients:
            return job.clients
        if job.kind == "report":
            data = self.files_of(job).get_input()
            try:
                named = json.loads(data or b"{}").get("clients")
            except (ValueError, AttributeError):
                named = None
            if not isinstance(named, list) or not named:
                return (job.client_id, "")  # unknown: nobody may read an empty client id
            return tuple(str(c) for c in named)
        return (job.client_id,)

    def result(
        self, client_id: str, job_id: str, reads: Reader | None = None
    ) -> tuple[bytes, str, str]:
        """The finished job's file: (data, file name, content type)."""
        job = self.get(client_id, job_id, reads)
        data = (
            self.files_of(job).get("result")
            if job.status == JobStatus.DONE and job.result_name and not self.rows_gone(job)
            else None
        )
        if data is None:
            raise NotFound("the job has no file (yet)")
        return data, job.result_name or "result", job.result_type or "application/octet-stream"

    def kept(self, job: Job, part: str) -> bytes | None:
        """A blob the job's work kept beside its file (a job already looked up with
        :meth:`get`, so under its own client); None once gone (:meth:`rows_gone`)."""
        return None if self.rows_gone(job) else self.files_of(job).get(part)

    # -- an upload waiting for the person's confirmation -----------------------------------
    def stash(self, client_id: str, data: bytes) -> str:
        """Keep a previewed upload until it is confirmed; the token finds it again, only for
        the same client (the client is part of the blob's name), for :data:`PREVIEW_KEPT`.
        The token starts with the stash's time (seconds, hex): its age is read from the blob's
        own name, which nobody but this method writes."""
        stamp = format(int(self.clock.now().timestamp()), "x")
        token = f"{stamp}-{secrets.token_urlsafe(18)}"
        self.files.put(UPLOADS_CONTAINER, f"{client_id}/{token}", data)
        return token

    def unstash(self, client_id: str, token: str) -> bytes:
        """The stashed upload; NotFound for an unknown token, one confirmed already, and one
        older than :data:`PREVIEW_KEPT` (deleted then). A token of a stash made before the
        stash kept its time (``console-jobs/<client>/uploads/``) is not found either."""
        if not token or not all(c.isalnum() or c in "-_" for c in token):
            raise NotFound("no such upload")
        stamp, _, _ = token.partition("-")
        try:
            stashed_at = datetime.fromtimestamp(int(stamp, 16), UTC)
        except (ValueError, OverflowError, OSError):
            raise NotFound("no such upload") from None
        age = self.clock.now() - stashed_at
        # (an instance's clock a little behind the one that stashed it is no forged time)
        if not -CLOCK_SKEW <= age <= PREVIEW_KEPT:
            self.forget(client_id, token)
            raise NotFound("the upload's preview expired")
        data = self.files.get(UPLOADS_CONTAINER, f"{client_id}/{token}")
        if data is None:
            raise NotFound("no such upload")
        return data

    def forget(self, client_id: str, token: str) -> None:
        self.files.delete(UPLOADS_CONTAINER, f"{client_id}/{token}")

    # -- the queue trigger -----------------------------------------------------------------
    def run_message(self, body: str | bytes) -> None:
        message = json.loads(body)
        self.run(str(message["client_id"]), str(message["job_id"]))

    def run(self, client_id: str, job_id: str) -> None:
        """Work the job to its end from its last checkpoint (see the module's docstring)."""
        job = self.jobs.get(client_id, job_id)
        if job is None:
            log.warning("console job %s/%s: no such job, message dropped", client_id, job_id)
            return
        files = self.files_of(job)
        if not job.running:
            files.drop_input()  # a redelivery of finished work (its end may have crashed before)
            return
        work = self.works[job.kind]()
        data = files.get_input()
        for _ in range(self.max_steps):
            if data is None:
                self._end(job, JobStatus.FAILED, error="the job's input is gone")
                return
            try:
                step = work.step(job, data, files)
            except JobInputError as exc:
                self._end(job, JobStatus.FAILED, error=str(exc))
                return
            if step.finished and step.result is not None:
                files.put("result", step.result, step.result_type or "application/octet-stream")
            updated = replace(
                job,
                status=JobStatus.DONE if step.finished else JobStatus.RUNNING,
                done=step.done,
                total=step.total,
                state=dict(step.state),
                updated_at=self.clock.now(),
                result_name=step.result_name if step.finished else job.result_name,
                result_type=step.result_type if step.finished else job.result_type,
            )
            try:
                job = self.jobs.save(updated)
            except PreconditionFailed:
                mine = self._own_save(updated)
                if mine is None:
                    # another delivery saved progress since we read: it carries on, we stop
                    log.info("console job %s/%s: another delivery is on it", client_id, job_id)
                    return
                job = mine
            if step.finished:
                files.drop_input()
                log.info("console job %s/%s (%s) done", client_id, job_id, job.kind)
                return
        raise RuntimeError(f"console job {job_id} did not finish in {self.max_steps} steps")

    def _own_save(self, saved: Job) -> Job | None:
        """The job as stored when it is this delivery's own checkpoint: a save applied whose
        answer was lost and whose retry met it (412) read as another delivery's; the message
        then ended with the job running and no delivery on it (failure20 C1: 2 of 3 steps for
        good, "stalled" on the page with nothing on the action list)."""
        again = self.jobs.get(saved.client_id, saved.job_id)
        if again is None:
            return None
        same = (again.status, again.done, again.state, again.updated_at)
        return again if same == (saved.status, saved.done, saved.state, saved.updated_at) else None

    def _end(self, job: Job, status: str, *, error: str) -> None:
        """A job failed for good (nothing retries it): its input goes with it."""
        try:
            self.jobs.save(replace(job, status=status, error=error, updated_at=self.clock.now()))
        except PreconditionFailed:
            return
        self.files_of(job).drop_input()
