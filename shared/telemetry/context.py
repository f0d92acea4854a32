"""The operation an invocation belongs to, carried from an HTTP request or a timer through
every queue message it causes.

An operation id is a W3C trace id (32 hex digits). An invocation joins the trace the Functions
host started for it (``context.trace_context``), which for an HTTP request continues the
request's own ``traceparent`` header; a queue message carries the operation that queued it in
its JSON body under ``"traceparent"``, put there by the queue adapter (:func:`stamp`), and that
one wins (:func:`shared.telemetry.instrument.parent_for`). So a daily dunning run, the
per-client run it fans out and every message those runs send share one operation id, which is
Application Insights' ``operation_Id`` when telemetry is on (:mod:`shared.telemetry.instrument`).

Alongside it the context holds the ids a log line should carry: client, run, message and the
host's invocation id (which the host's own records for the invocation carry too)."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

TRACEPARENT_KEY = "traceparent"
_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
FIELDS = ("client_id", "run_id", "message_id", "invocation_id")


@dataclass(frozen=True)
class Operation:
    operation_id: str  # W3C trace id
    span_id: str  # this invocation's span (the parent of what it causes)
    name: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def traceparent(self) -> str:
        return f"00-{self.operation_id}-{self.span_id}-01"


_current: ContextVar[Operation | None] = ContextVar("inning_operation", default=None)


def current() -> Operation | None:
    return _current.get()


def new_span_id() -> str:
    return secrets.token_hex(8)


def parse_traceparent(text: str | None) -> tuple[str, str] | None:
    """(trace id, parent span id) of a valid W3C ``traceparent``; None otherwise (all-zero
    ids are invalid by the W3C spec)."""
    match = _TRACEPARENT.match((text or "").strip().lower())
    if not match or set(match.group(1)) == {"0"} or set(match.group(2)) == {"0"}:
        return None
    return match.group(1), match.group(2)


@contextmanager
def operation(
    name: str, traceparent: str | None = None, span_id: str | None = None, **fields: str
) -> Iterator[Operation]:
    """Run the block as (part of) an operation: the one ``traceparent`` names, or a new one."""
    parsed = parse_traceparent(traceparent)
    op = Operation(
        operation_id=parsed[0] if parsed else secrets.token_hex(16),
        span_id=span_id or new_span_id(),
        name=name,
        fields={k: v for k, v in fields.items() if v},
    )
    token = _current.set(op)
    try:
        yield op
    finally:
        _current.reset(token)


@contextmanager
def bind(**fields: str | None) -> Iterator[None]:
    """Add ids (client_id, run_id, message_id) to the current operation for the block."""
    op = _current.get()
    if op is None:
        with operation("adhoc", **{k: v for k, v in fields.items() if v}):
            yield
        return
    token = _current.set(
        replace(op, fields={**op.fields, **{k: v for k, v in fields.items() if v}})
    )
    try:
        yield
    finally:
        _current.reset(token)


def log_fields() -> dict[str, str]:
    """What every log line carries: operation id and whichever of client, run, message and
    invocation ids are known."""
    op = _current.get()
    if op is None:
        return {}
    return {"operation_id": op.operation_id, **op.fields}


def log_extra(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` for a log call's ``extra=``, less those the current operation already puts on
    every record: logging refuses to overwrite a record's attribute (a ``KeyError`` raised
    inside the caller, which lost a whole dunning run to the poison queue once)."""
    present = log_fields()
    return {k: v for k, v in fields.items() if k not in present}


def stamp(body: str) -> str:
    """A queue message body carrying the current operation. Only JSON objects are stamped
    (every Inning job is one); anything else, or a body already stamped, passes unchanged."""
    op = _current.get()
    if op is None or not body.startswith("{"):
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body
    if not isinstance(data, dict) or TRACEPARENT_KEY in data:
        return body
    data[TRACEPARENT_KEY] = op.traceparent
    return json.dumps(data, separators=(",", ":"))


def from_body(body: bytes | str) -> tuple[str | None, dict[str, str]]:
    """The ``traceparent`` a queue message carries and the ids it names (client, message)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, {}
    if not isinstance(data, dict):
        return None, {}
    ids = {}
    if isinstance(data.get("client_id"), str):
        ids["client_id"] = data["client_id"]
    if isinstance(data.get("key"), str):
        ids["message_id"] = data["key"]
    parent = data.get(TRACEPARENT_KEY)
    return (parent if isinstance(parent, str) else None), ids
