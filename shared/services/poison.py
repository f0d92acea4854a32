"""Poison everywhere ends on a listed action list, and an operator can replay it from there.

Every queue the app consumes has a ``<queue>-poison`` queue where the host puts a message that
failed ``maxDequeueCount`` times (or could not be decoded at all); the blob trigger's is
``webjobs-blobtrigger-poison``. Draining one makes an action item of kind ``poison`` with:

- the queue it came from, the cause (the last exception a handler recorded for this very
  message, see :meth:`PoisonService.watch`), and a readable preview;
- the original message kept whole in the ``poison`` container, so the item can be replayed;
- on the right list: the client's when the message names a client that exists (a message
  job, a dunning run, a plan's installments, a usage month, a Mollie payment we know), the
  agency's when it names an agency (a statement blob, a settlement run), otherwise the
  platform list (``@_platform``, for the operator agency).

A message job whose record was claimed (INPROGRESS) when it died may have reached the
provider: its record becomes UNCERTAIN, never FAILED, and replaying the item does not send it
again (a person checks with the provider first). Only a record that never got past PENDING is
marked failed and reopened by a replay.

Without an operator agency (``INNING_OPERATOR_AGENCY``) nobody can read the platform list, so
a message that would land there is not drained: it stays on its poison queue, where the watch
timer's ``inning.queue.poison_depth`` keeps the ``poison-queue`` alert firing until an operator
sets the agency (docs/operations.md). A trigger-fed drain puts it back on its poison queue,
out of sight for an hour (:data:`KEEP_SECONDS`), since the host deletes what it delivered. Every
item written is counted (``inning.actions.poison`` by scope, the ``poison-platform`` alert).

Draining is idempotent: the item's id derives from the message id, so a drain that crashes
after writing the item and before deleting the message writes nothing twice. A drain never
fails on what it reads: undecodable bytes, broken JSON and names too long for a key all end up
on the platform list with their bytes kept.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from shared.adapters.tables.keys import InvalidKey, encode
from shared.clock import Clock
from shared.domain.messaging import OutboxStatus
from shared.domain.records import ActionItem, ActionStatus
from shared.domain.scopes import agency_scope, is_agency_scope
from shared.ports.files import FileStore
from shared.ports.queues import QueueSender
from shared.ports.tables import PreconditionFailed, Row, StorageError
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.repositories import Repositories
from shared.telemetry import metrics

log = logging.getLogger("inning.poison")
POISON_CONTAINER = "poison"
FAILURES = "QueueFailures"
PLATFORM_SCOPE = "@_platform"
BLOB_TRIGGER_POISON = "webjobs-blobtrigger-poison"
KIND = "poison"
POISON_DRAIN_FAILED = "poison drain failed"
_POISON_MARK = "ended in the poison queue"
_MAYBE_SENT = "was being sent when its job ended in the poison queue: it may have gone out"
PREVIEW = 2000
_RECENT_LIMIT = 1000
KEEP_SECONDS = 3600  # a message kept off an unread list waits this long before the next try
# causes this instance could not write (storage was down when the handler failed): the drain,
# often on the same instance once storage is back, still finds them
_recent_causes: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Replayed:
    """What a bulk replay did with one item."""

    scope: str
    action_id: str
    queue: str
    outcome: str  # replayed, would replay, left open: <why>

    def as_dict(self) -> dict[str, str]:
        return {"scope": self.scope, "action_id": self.action_id, "queue": self.queue,
                "outcome": self.outcome}  # fmt: skip


@dataclass(frozen=True)
class RawPoison:
    """A message as read straight off a poison queue (no decoding asked of the SDK)."""

    message_id: str
    inserted_at: datetime | None
    content: str


class PlatformListUnread(RuntimeError):
    """The message belongs on the platform list, and no operator agency can read it."""


class PoisonQueues(Protocol):
    """Reading poison queues directly: what the host cannot decode still gets drained."""

    def poison_queues(self) -> list[str]: ...

    def receive(self, queue: str, limit: int) -> list[tuple[RawPoison, str]]:
        """Messages with their pop receipt (leased for a few minutes)."""
        ...

    def delete(self, queue: str, message_id: str, pop_receipt: str) -> None: ...


def source_queue(poison_queue: str) -> str:
    if poison_queue == BLOB_TRIGGER_POISON:
        return "blob-trigger"
    return poison_queue.removesuffix("-poison")


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def decode_raw(content: str) -> tuple[bytes, bool]:
    """(body, readable): the base64 the host expects, else the raw text as it lies."""
    try:
        body = base64.b64decode(content.encode("ascii"), validate=True)
        body.decode("utf-8")
        return body, True
    except (ValueError, binascii.Error, UnicodeError):
        return content.encode("utf-8", "surrogatepass"), False


class PoisonService:
    def __init__(
        self,
        repos: Repositories,
        files: FileStore,
        queues: QueueSender,
        clock: Clock,
        *,
        platform_list: Callable[[], bool] = lambda: True,
    ) -> None:
        self.repos = repos
        self.files = files
        self.queues = queues
        self.clock = clock
        # False when no operator agency is set: the platform list has no reader (asked each
        # time: the setting is read once per process in Azure, but tests and the CLI change it)
        self.platform_list = platform_list

    # -- causes ------------------------------------------------------------------------------
    @contextmanager
    def watch(self, queue: str, body: bytes) -> Iterator[None]:
        """Around a queue handler: remember why it failed, for the poison item to say."""
        try:
            yield
        except Exception as exc:
            self.record_failure(queue, body, exc)
            raise

    def record_failure(self, queue: str, body: bytes, exc: BaseException) -> None:
        cause = f"{type(exc).__name__}: {exc}"[:1000]
        if len(_recent_causes) >= _RECENT_LIMIT:
            _recent_causes.pop(next(iter(_recent_causes)))
        _recent_causes[(queue[:200], body_digest(body))] = cause
        try:
            self.repos.store.upsert(
                FAILURES,
                Row(
                    encode(queue[:200]), body_digest(body), {"Cause": cause, "At": self.clock.now()}
                ),
            )
        except Exception:  # the handler's own failure is what must surface, not this one
            log.warning("could not record why a %s message failed", queue, exc_info=True)

    def _cause(self, queue: str, body: bytes) -> str | None:
        try:
            row = self.repos.store.get(FAILURES, encode(queue[:200]), body_digest(body))
        except (InvalidKey, StorageError):
            row = None
        if row is not None:
            return str(row.data.get("Cause"))
        return _recent_causes.get((queue[:200], body_digest(body)))

    # -- draining ----------------------------------------------------------------------------
    def drain(
        self,
        poison_queue: str,
        body: bytes,
        *,
        message_id: str | None = None,
        inserted_at: datetime | None = None,
        readable: bool = True,
    ) -> ActionItem:
        """The action item for one poison message (the same one when drained twice)."""
        source = source_queue(poison_queue)
        text: str | None = None
        if readable:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                readable = False
        job = _json(text)
        scope, detail = self._place(source, job)
        if scope == PLATFORM_SCOPE and not self.platform_list():
            raise PlatformListUnread(
                f"a {source} message belongs on the operator's list and INNING_OPERATOR_AGENCY "
                f"is not set: it stays on {poison_queue}"
            )
        failed = body
        if source == "blob-trigger" and "blob" in detail:  # the trigger knows the blob's name
            failed = f"{detail['container']}/{detail['blob']}".encode()
        cause = self._cause(source, failed) or (
            "the message could not be decoded (not base64 / UTF-8)"
            if not readable
            else "failed on every delivery (no cause was recorded)"
        )
        title = f"A {source} message failed repeatedly and was set aside: {cause}"
        if detail.get("state"):  # what the person must know first: it may have gone out
            title = f"Check whether it went out: {detail['state']}. {title}"
        when = inserted_at or self.clock.now()
        identity = message_id or body_digest(body)
        action_id = (
            f"{int(when.timestamp() * 1000):012x}p"
            + hashlib.sha256(f"{poison_queue}|{identity}".encode()).hexdigest()[:12]
        )
        blob = f"{encode(scope)}/{action_id}"
        self.files.put(POISON_CONTAINER, blob, body)
        preview = body.decode("utf-8", "replace")[:PREVIEW]
        item = ActionItem(
            scope, action_id, KIND,
            title[:500],
            self.clock.now(),
            debtor_number=_short(detail.get("debtor")),
            detail={
                **detail, "queue": source, "poison_queue": poison_queue, "cause": cause,
                "message_id": message_id, "readable": readable, "original": blob,
                "body": preview, "replayable": readable or source == "blob-trigger",
            },
        )  # fmt: skip
        if not self.repos.actions.add_once(item):
            found = self.repos.actions.get(scope, action_id)
            if found is not None:
                return found[0]
        log.warning("poison message from %s set aside on %s's action list", source, scope)
        metrics.count("inning.actions.poison", 1, scope=_scope_kind(scope), queue=source)
        return item

    def drain_delivered(
        self,
        poison_queue: str,
        body: bytes,
        *,
        message_id: str | None = None,
        inserted_at: datetime | None = None,
    ) -> ActionItem | None:
        """:meth:`drain` for a queue trigger on a poison queue. The host deletes a message its
        function took and moves one that fails to ``<queue>-poison-poison``, which nothing
        watches; a message with no list to go to is put back on its poison queue instead."""
        try:
            return self.drain(poison_queue, body, message_id=message_id, inserted_at=inserted_at)
        except PlatformListUnread as exc:
            log.error("%s (put back for %d s)", exc, KEEP_SECONDS)
            self.queues.send(poison_queue, body.decode("utf-8", "replace"),
                             delay_seconds=KEEP_SECONDS)  # fmt: skip
            return None

    def _place(self, source: str, job: Any) -> tuple[str, dict[str, Any]]:
        """Whose list: (scope, what the message says about itself)."""
        if not isinstance(job, dict):
            return PLATFORM_SCOPE, {}
        try:
            if source.startswith("send-") or source in _CLIENT_JOBS:
                return self._client_scope(job)
            if source in _AGENCY_JOBS:
                return self._agency_scope(job)
            if source == "mollie-webhook":
                return self._payment_scope(job)
            if source == "blob-trigger":
                return self._blob_scope(job)
        except (InvalidKey, StorageError, ValueError, TypeError, KeyError):
            log.warning("a poison message from %s names no client or agency", source)
        return PLATFORM_SCOPE, {}

    def _agency_scope(self, job: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """A job of one agency (a settlement run): the agency's own list."""
        agency_id = job.get("agency_id")
        detail: dict[str, Any] = {k: _short(job.get(k)) for k in ("date",) if job.get(k)}
        if not isinstance(agency_id, str) or not 0 < len(agency_id) <= 100:
            return PLATFORM_SCOPE, detail
        if self.repos.agencies.get(agency_id) is None:
            return PLATFORM_SCOPE, detail
        return agency_scope(agency_id), {**detail, "agency": agency_id}

    def _client_scope(self, job: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        client_id = job.get("client_id")
        detail: dict[str, Any] = {
            k: _short(job.get(k))
            for k in ("key", "date", "shard", "plan_id", "on", "month")
            if job.get(k) is not None
        }
        if not isinstance(client_id, str) or not client_id or len(client_id) > 100:
            return PLATFORM_SCOPE, detail
        if self.repos.clients.get(client_id) is None:
            return PLATFORM_SCOPE, detail
        key = job.get("key")
        if isinstance(key, str) and len(key) <= 400:
            detail.update(self._outbox_detail(client_id, key))
        return client_id, detail

    def _outbox_detail(self, client_id: str, key: str) -> dict[str, Any]:
        """A message job that died: a record that never left PENDING says failed (it is on the
        list); one that was claimed (the provider may have it) says uncertain, with why."""
        from shared.adapters.tables.messaging_repo import OutboxRepository

        outbox = OutboxRepository(self.repos.store)
        found = outbox.get(client_id, key)
        if found is None:
            return {}
        message, etag = found
        detail: dict[str, Any] = {
            "channel": message.channel.value, "debtor": message.debtor_number, "to": message.to,
            "status": message.status.value,
        }  # fmt: skip
        claimed = message.status is OutboxStatus.INPROGRESS or (
            message.status is OutboxStatus.UNCERTAIN
        )
        if claimed:
            detail["state"] = (
                f"the {message.channel.value} to debtor {message.debtor_number or '-'} "
                f"{_MAYBE_SENT}; check with the provider before sending it again"
            )
            detail["replay"] = "check first"
        if message.status is OutboxStatus.INPROGRESS:
            try:
                outbox.save(replace(message, status=OutboxStatus.UNCERTAIN, error=_MAYBE_SENT,
                                    updated_at=self.clock.now()), etag)  # fmt: skip
                detail["status"] = OutboxStatus.UNCERTAIN.value
            except PreconditionFailed:
                pass  # it moved on meanwhile; the item still shows the job
        elif not message.status.final:
            from shared.services.letter_undelivered import undo_costs_term

            # a 14-day letter that did not go out starts no costs term (art. 6:96 lid 6 BW;
            # failure7 #1): off before the record says failed (a crash between: redone)
            cleared = (
                undo_costs_term(self.repos, message) if message.key.startswith("dun|") else None
            )
            try:
                outbox.save(replace(message, status=OutboxStatus.FAILED, error=_POISON_MARK,
                                    updated_at=self.clock.now()), etag)  # fmt: skip
                detail["status"] = OutboxStatus.FAILED.value
            except PreconditionFailed:
                pass  # it moved on meanwhile; the item still shows the job
            if cleared is not None:
                detail["note"] = (
                    "the 14-day letter did not go out: no collection costs for "
                    f"{', '.join(message.invoice_numbers)} (the costs term is cleared) until "
                    "it is replayed and sent; its term then counts from the day it goes out"
                )
        try:
            from shared.services.messaging import CONTENT_CONTAINER, _content_name_of

            raw = self.files.get(CONTENT_CONTAINER, _content_name_of(message))
            content = json.loads(raw) if raw else {}
            detail.update(subject=str(content.get("subject", ""))[:500],
                          text=str(content.get("text", ""))[:PREVIEW])  # fmt: skip
        except (ValueError, StorageError, AttributeError):
            detail["content"] = "missing"
        return detail

    def _payment_scope(self, job: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        payment_id = job.get("id")
        if not isinstance(payment_id, str) or not 0 < len(payment_id) <= 100:
            return PLATFORM_SCOPE, {}
        detail: dict[str, Any] = {"payment_id": payment_id}
        row = self.repos.store.get("MolliePayments", encode(payment_id), "p")
        client_id = str(row.data.get("ClientId")) if row else ""
        if client_id and self.repos.clients.get(client_id) is not None:
            return client_id, detail
        return PLATFORM_SCOPE, detail

    def _blob_scope(self, job: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        container, name = job.get("ContainerName"), job.get("BlobName")
        if not isinstance(container, str) or not isinstance(name, str):
            return PLATFORM_SCOPE, {}
        detail: dict[str, Any] = {"container": container[:100], "blob": name[:400]}
        agency_id = name.split("/", 1)[0] if "/" in name else ""
        if 0 < len(agency_id) <= 100 and self.repos.agencies.get(agency_id) is not None:
            return agency_scope(agency_id), detail
        return PLATFORM_SCOPE, detail

    def sweep(self, reader: PoisonQueues, limit: int = 32) -> int:
        """Drain every poison queue straight from storage (what no trigger could decode, and
        queues whose trigger has no drain of its own). Each message is deleted only after
        its item is written."""
        drained = 0
        for queue in reader.poison_queues():
            for raw, receipt in reader.receive(queue, limit):
                body, readable = decode_raw(raw.content)
                try:
                    self.drain(queue, body, message_id=raw.message_id,
                               inserted_at=raw.inserted_at, readable=readable)  # fmt: skip
                except PlatformListUnread as exc:  # kept: its depth keeps the alert firing
                    log.error("%s", exc)
                    hold = getattr(reader, "hold", None)
                    if hold is not None:  # out of sight a while: it must not starve the rest
                        hold(queue, raw.message_id, receipt, KEEP_SECONDS)
                    continue
                except Exception:
                    log.exception(
                        "%s on %s; the message stays for the next sweep", POISON_DRAIN_FAILED, queue
                    )
                    continue
                reader.delete(queue, raw.message_id, receipt)
                drained += 1
        return drained

    # -- replaying ---------------------------------------------------------------------------
    def replay(self, scope: str, action_id: str, author: str) -> ActionItem:
        """Put the original message back where it came from, and resolve the item."""
        found = self.repos.actions.get(scope, action_id)
        if found is None or found[0].kind != KIND:
            raise NotFound(f"action {action_id} not found")
        item, etag = found
        if item.status is ActionStatus.RESOLVED:
            raise Invalid(
                f"action {action_id} is resolved already", field="status", code="action_resolved"
            )
        detail = item.detail
        original = self.files.get(POISON_CONTAINER, str(detail.get("original", "")))
        if original is None:
            raise Invalid(
                "the original message is no longer kept; it cannot be replayed",
                code="poison_original_gone",
            )
        source = str(detail.get("queue", ""))
        if source == "blob-trigger":
            self._replay_blob(original)
        elif not detail.get("readable"):
            raise Invalid(
                "the message could not be decoded; replaying it would fail again",
                code="poison_undecodable",
            )
        else:
            self._reopen_outbox(scope, detail)
            self.queues.send(source, original.decode("utf-8"))
        resolved = replace(item, status=ActionStatus.RESOLVED, resolved_at=self.clock.now(),
                           resolution=f"replayed onto {source} ({author})")  # fmt: skip
        try:
            self.repos.actions.save(resolved, etag or "")
        except PreconditionFailed as exc:
            raise ConflictingUpdate(f"action {action_id} changed meanwhile; reload it") from exc
        return resolved

    def replay_all(
        self,
        queues: frozenset[str] | None,
        author: str,
        *,
        since: datetime | None = None,
        dry_run: bool = False,
    ) -> list[Replayed]:
        """The operator's way back after an outage (ops6 #6): every open poison item, on every
        list (each client's, each agency's, the platform's), from ``queues`` (None: all) and
        set aside at or after ``since``, replayed as :meth:`replay` does one. The handlers are
        idempotent, so replaying twice books and sends nothing twice; an item that must not be
        replayed blindly (a message that may have gone out, one that could not be decoded)
        is left open with the reason."""
        done: list[Replayed] = []
        for scope in self._scopes():
            for item in self._open_items(scope):
                source = str(item.detail.get("queue", ""))
                if queues is not None and source not in queues:
                    continue
                if since is not None and item.created_at < since:
                    continue
                if dry_run:
                    done.append(Replayed(scope, item.action_id, source, "would replay"))
                    continue
                try:
                    self.replay(scope, item.action_id, author)
                except (Invalid, NotFound, ConflictingUpdate) as exc:
                    done.append(Replayed(scope, item.action_id, source, f"left open: {exc}"))
                    continue
                done.append(Replayed(scope, item.action_id, source, "replayed"))
        return done

    def _scopes(self) -> Iterator[str]:
        yield PLATFORM_SCOPE
        for agency_id in self.repos.agencies.ids():
            yield agency_scope(agency_id)
        for client in self.repos.clients.all():
            yield client.client_id

    def _open_items(self, scope: str) -> Iterator[ActionItem]:
        continuation: str | None = None
        while True:
            items, continuation = self.repos.actions.list(
                scope, status=ActionStatus.OPEN, kind=KIND, page_size=500,
                continuation=continuation,
            )  # fmt: skip
            yield from items
            if not continuation:
                return

    def _replay_blob(self, original: bytes) -> None:
        """A statement blob: writing it again (same bytes) announces it to the trigger again."""
        job = _json(original.decode("utf-8", "replace"))
        if not isinstance(job, dict):
            raise Invalid(
                "the blob trigger message is unreadable; it cannot be replayed",
                code="blob_message_unreadable",
            )
        container, name = str(job.get("ContainerName", "")), str(job.get("BlobName", ""))
        data = self.files.get(container, name) if container and name else None
        if data is None:
            raise Invalid(
                f"blob {container}/{name} is gone; upload the file again",
                code="blob_gone",
                params={"blob": f"{container}/{name}"},
            )
        self.files.put(container, name, data)

    def _reopen_outbox(self, scope: str, detail: dict[str, Any]) -> None:
        """A message job marked failed by its drain goes back to pending, or it would be ignored."""
        from shared.adapters.tables.messaging_repo import OutboxRepository

        key = detail.get("key")
        if not isinstance(key, str) or is_agency_scope(scope):
            return
        outbox = OutboxRepository(self.repos.store)
        found = outbox.get(scope, key)
        if found is None:
            return
        message, etag = found
        if message.status is OutboxStatus.UNCERTAIN:
            # replaying would not send it (the record is final) and must not: it may have gone
            raise Invalid(
                f"the {message.channel.value} to debtor {message.debtor_number or '-'} may have "
                "gone out already; check with the provider, then resolve this item, or send "
                "it again with POST …/actions/{id}/resend if it did not go out",
                field="status",
                code="send_uncertain",
                params={"channel": message.channel, "debtor": message.debtor_number or "-"},
            )
        if message.status is OutboxStatus.FAILED and message.error == _POISON_MARK:
            from shared.services.letter_undelivered import restore_costs_term

            # a 14-day letter goes out after all: the term its failure took off comes back
            # (the send dates it again for the day it leaves), then the record is pending
            restore_costs_term(self.repos, message)
            outbox.save(replace(message, status=OutboxStatus.PENDING, error=None,
                                updated_at=self.clock.now()), etag)  # fmt: skip


_CLIENT_JOBS = frozenset(
    {"dunning-run", "installments", "usage-month", "rate-restatement", "match-index-build"}
)  # carry client_id
_AGENCY_JOBS = frozenset({"settlement-run"})  # carries agency_id


def _json(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _scope_kind(scope: str) -> str:
    if scope == PLATFORM_SCOPE:
        return "platform"
    return "agency" if is_agency_scope(scope) else "client"


def _short(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)[:200]
