"""An entity-group transaction's body and answer, written and read as plain text.

Why: azure-data-tables builds a transaction as one ``HttpRequest`` per operation, copies them
(``deepcopy``), writes the multipart body through the e-mail package's generator and parses
the answer with its parser: about 19 ms of CPU for a statement window's transaction, half of
a booked statement line's CPU (perf18). The wire format is small and documented ("Performing
entity group transactions", Table service REST API): a ``multipart/mixed`` batch holding one
changeset, each operation an HTTP request in a part of its own, answered in the same order.

What is written is what the SDK writes (azure-data-tables 12.7, checked against its bytes):
the same request lines, part and request headers, and entities (each property with its
``@odata.type``, strings included; ints as Edm.Int64 in a string; datetimes in UTC with
microseconds and a ``Z``; booleans bare), JSON with ``json.dumps``'s defaults. The request is
sent by the lean client (:meth:`shared.adapters.tables.lean.LeanTableReader.post_batch`):
signed, counted, retried and traced as the SDK's pipeline did it.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from shared.adapters.tables.keys import checked
from shared.adapters.tables.url_quote import quoted
from shared.ports.tables import Op, OpKind

API_VERSION = "2019-02-02"
INT64_MAX = 2**63 - 1
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_BOUNDARY = re.compile(rb'boundary="?([^\s;"\r\n]+)"?', re.IGNORECASE)  # RFC 2046: may be quoted
_STATUS_LINE = re.compile(rb"HTTP/\d\.\d (\d{3})")


def _edm(name: str, value: Any, into: dict[str, Any]) -> None:
    """One property as ``_add_entity_properties`` gives it (``None`` is left out)."""
    kind = type(value)
    if kind is str:  # most properties: the plain types first, without the checks below
        into[name] = value
        into[f"{name}@odata.type"] = "Edm.String"
    elif kind is bool:
        into[name] = value
    elif kind is int:
        _int64(name, value, into)
    elif value is None:
        return
    elif isinstance(value, bool):
        into[name] = value
    elif isinstance(value, int):  # an IntEnum too: the store sent every int as Edm.Int64
        _int64(name, value, into)
    elif isinstance(value, Enum):  # a str enum: the SDK sends str(value), "Kind.B2B"
        into[name] = str(value)
        into[f"{name}@odata.type"] = "Edm.String"
    elif isinstance(value, float):
        raise TypeError(f"{name}: floats are not stored (money is integer cents)")
    elif isinstance(value, datetime):
        into[name] = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        into[f"{name}@odata.type"] = "Edm.DateTime"
    else:  # a str subclass too, as the SDK refused it
        raise TypeError(f"Type not supported when sending data to the service: {type(value)}.")


def _int64(name: str, value: int, into: dict[str, Any]) -> None:
    if not -INT64_MAX - 1 <= value <= INT64_MAX:
        raise TypeError(f"{value} is too large to be cast to type Edm.Int64.")
    into[name] = str(value)
    into[f"{name}@odata.type"] = "Edm.Int64"


def entity_json(op: Op) -> bytes:
    entity: dict[str, Any] = {}
    _edm("PartitionKey", checked(op.row.pk), entity)
    _edm("RowKey", checked(op.row.rk), entity)
    for name, value in op.row.data.items():
        _edm(name, value, entity)
    return json.dumps(entity).encode()


def _key(value: str) -> str:
    return quoted(value.replace("'", "''"))


def _request(op: Op, table_url: str, date: str) -> bytes:
    """One operation as its part's HTTP request, headers in the SDK's order."""
    pk, rk = _key(op.row.pk), _key(op.row.rk)
    entity_url = f"{table_url}(PartitionKey='{pk}',RowKey='{rk}')"
    common = f"x-ms-version: {API_VERSION}\r\nDataServiceVersion: 3.0\r\n"
    dated = f"x-ms-date: {date}\r\nDate: {date}\r\n"
    if op.kind is OpKind.DELETE:
        match = op.row.etag or "*"
        head = (
            f"DELETE {entity_url} HTTP/1.1\r\n{common}"
            f"Accept: application/json;odata=minimalmetadata\r\nIf-Match: {match}\r\n{dated}"
        )
        return f"{head}\r\n".encode()
    body = entity_json(op)
    sent = f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    if op.kind is OpKind.INSERT:
        head = (
            f"POST {table_url} HTTP/1.1\r\n{sent}{common}"
            f"Accept: application/json;odata=minimalmetadata\r\n{dated}"
        )
    elif op.kind is OpKind.UPSERT:
        head = f"PUT {entity_url} HTTP/1.1\r\n{sent}{common}Accept: application/json\r\n{dated}"
    else:  # REPLACE, under the row's ETag
        if op.row.etag is None:
            raise ValueError("replace needs an etag")
        head = (
            f"PUT {entity_url} HTTP/1.1\r\n{sent}{common}Accept: application/json\r\n"
            f"If-Match: {op.row.etag}\r\n{dated}"
        )
    return f"{head}\r\n".encode() + body


def changeset(ops: Sequence[Op], table_url: str, date: str) -> tuple[bytes, str]:
    """The batch body and its ``Content-Type``: one changeset of ``ops`` on ``table_url``
    (``scheme://host[/account]/Table``), ``date`` the request's ``x-ms-date``."""
    batch, change = f"batch_{uuid.uuid4()}", f"changeset_{uuid.uuid4()}"
    out = [
        f"--{batch}\r\nContent-Type: multipart/mixed; boundary={change}\r\n\r\n".encode(),
    ]
    for n, op in enumerate(ops):
        out.append(
            f"--{change}\r\nContent-Type: application/http\r\n"
            f"Content-Transfer-Encoding: binary\r\nContent-ID: {n}\r\n\r\n".encode()
        )
        out.append(_request(op, table_url, date))
        out.append(b"\r\n")
    out.append(f"--{change}--\r\n\r\n--{batch}--\r\n".encode())
    return b"".join(out), f"multipart/mixed; boundary={batch}"


@dataclass(frozen=True)
class Part:
    """One operation's answer."""

    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def error(self) -> tuple[str, str]:
        """(error code, message) as the SDK's ``_decode_error`` reads them: the
        ``x-ms-error-code`` header, else the body's ``odata.error``."""
        code = self.headers.get("x-ms-error-code", "")
        message = self.body.decode("utf-8", "replace")
        try:
            detail = json.loads(self.body)["odata.error"]
            code = detail.get("code") or code
            message = detail["message"]["value"]
        except (ValueError, KeyError, TypeError):
            pass
        return code, message


class UnreadableAnswer(ValueError):
    """A 202 whose body is no batch answer (a proxy's page, a cut-off body)."""


def _http_part(segment: bytes) -> Part:
    """A part's MIME headers, then the HTTP answer: status line, headers, body."""
    pieces = _BLANK_LINE.split(segment.lstrip(b"\r\n"), maxsplit=2)
    if len(pieces) < 2:
        raise UnreadableAnswer("a part without its answer")
    answer = pieces[1]
    rest = pieces[2] if len(pieces) > 2 else b""
    lines = answer.splitlines()
    status = _STATUS_LINE.match(lines[0]) if lines else None
    if status is None:
        raise UnreadableAnswer("a part without a status line")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.decode("latin-1").partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return Part(int(status.group(1)), headers, rest.rstrip(b"\r\n"))


def parts(content_type: str, body: bytes) -> list[Part]:
    """The answers of a 202 to :func:`changeset`, in the operations' order: every one when
    the changeset succeeded, the failed one alone when it did not. The service answers a
    changeset in a changeset of its own, and an error outside any operation as one part
    directly in the batch."""
    outer = _BOUNDARY.search(content_type.encode("latin-1"))
    if outer is None:
        raise UnreadableAnswer("a batch answer without its boundary")
    segments = body.split(b"--" + outer.group(1))
    if len(segments) < 3:
        raise UnreadableAnswer("a batch answer without its parts")
    first = segments[1]
    inner = _BOUNDARY.search(_BLANK_LINE.split(first.lstrip(b"\r\n"), maxsplit=1)[0])
    if inner is None:
        return [_http_part(first)]
    pieces = first.split(b"--" + inner.group(1))
    found = [_http_part(p) for p in pieces[1:] if not p.startswith(b"--")]
    if not found:
        raise UnreadableAnswer("a changeset answer without its parts")
    return found
