"""``multipart/form-data`` bodies of the server-rendered pages (a file upload without script).

Fields become the same ``{name: [values]}`` as an url-encoded form (so the CSRF check reads
them alike), files are kept apart with their name, declared type and bytes.

Read by a small parser of our own in one pass over the body, not by the standard library's
e-mail parser: that one builds a full MIME message with a registry-parsed header object per
part, about 1.5 ms of CPU a part, so a few MB of tiny parts posted to an anonymous form cost
a worker tens of seconds before any check could refuse them. Here the number of parts is
counted first (one ``bytes.count``) and a body with more than :data:`MAX_PARTS` is refused
unread; each part is then cut out with ``bytes.find`` and only its few header lines are looked
at, so the work is linear in the body and bounded by :data:`MAX_FORM_BYTES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

MAX_FILE_BYTES = 10 * 1024 * 1024  # the largest file a page takes: an invoice PDF (10 MiB)
MAX_FORM_BYTES = MAX_FILE_BYTES + 64 * 1024  # that file and the form's text fields
MAX_PARTS = 20  # no console form has more than a file and a handful of fields
MAX_HEAD_BYTES = 4096  # the header lines of one part
MAX_FIELD_CHARS = 10_000  # a text field of an upload form (a sheet name, a kind, the token)

_PARAM = re.compile(r';\s*([A-Za-z0-9_.*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)')


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Part:
    """One part of the body: a field (``filename`` None) or a file."""

    name: str
    filename: str | None
    content_type: str
    data: bytes


def is_multipart(content_type: str | None) -> bool:
    return (content_type or "").lower().startswith("multipart/form-data")


def params(header: str) -> dict[str, str]:
    """The ``; key=value`` parameters of a header (quoted or not; ``key*`` per RFC 5987)."""
    found: dict[str, str] = {}
    for key, raw in _PARAM.findall(header):
        key = key.lower()
        value = re.sub(r"\\(.)", r"\1", raw[1:-1]) if raw.startswith('"') else raw
        if key.endswith("*"):  # charset'language'percent-encoded
            charset, _, rest = value.partition("'")
            _, _, encoded = rest.partition("'")
            try:
                value = unquote(encoded, encoding=charset or "utf-8", errors="replace")
            except LookupError:
                continue
            key = key[:-1]
            found[key] = value  # the extended form wins over the plain one
            continue
        found.setdefault(key, value)
    return found


def boundary_of(content_type: str) -> bytes | None:
    boundary = params(content_type).get("boundary", "")
    # RFC 2046: 1 to 70 characters, no trailing space
    if not 0 < len(boundary) <= 70 or boundary.endswith(" ") or not boundary.isascii():
        return None
    return boundary.encode("ascii")


def parts(content_type: str, body: bytes) -> list[Part] | None:
    """The parts of a multipart body in order; None when the body is too large, has too many
    parts or is not multipart at all (nothing is parsed then)."""
    if len(body) > MAX_FORM_BYTES or not is_multipart(content_type):
        return None
    boundary = boundary_of(content_type)
    if boundary is None:
        return None
    delimiter = b"--" + boundary
    if body.count(delimiter) > MAX_PARTS + 1:  # every part opens with one, the end has one
        return None
    found: list[Part] = []
    at = body.find(delimiter)
    if at < 0:
        return found
    at += len(delimiter)
    while not body.startswith(b"--", at):  # "--boundary--" closes the body
        line_end = body.find(b"\r\n", at)  # after the delimiter: padding, then CRLF
        if line_end < 0:
            break
        start = line_end + 2
        end = body.find(b"\r\n" + delimiter, start)
        if end < 0:
            break  # a part never closed is dropped (a truncated upload)
        part = _part(body[start:end])
        if part is not None:
            found.append(part)
        at = end + 2 + len(delimiter)
    return found


def _part(raw: bytes) -> Part | None:
    head, sep, data = raw.partition(b"\r\n\r\n")
    if not sep:
        if not raw.startswith(b"\r\n"):
            return None
        head, data = b"", raw[2:]  # no header lines at all
    if len(head) > MAX_HEAD_BYTES:
        return None
    headers: dict[str, str] = {}
    for line in head.decode("utf-8", "replace").split("\r\n"):
        key, colon, value = line.partition(":")
        if colon:
            headers[key.strip().lower()] = value.strip()
    disposition = headers.get("content-disposition", "")
    if disposition.split(";", 1)[0].strip().lower() != "form-data":
        return None
    named = params(disposition)
    name = named.get("name")
    if not name:
        return None
    content_type = headers.get("content-type", "text/plain").split(";", 1)[0].strip().lower()
    return Part(name, named.get("filename"), content_type or "text/plain", data)


def parse(content_type: str, body: bytes) -> tuple[dict[str, list[str]], dict[str, Upload]]:
    """The fields and the files of a multipart body; a body too large, with too many parts
    or not multipart gives nothing (the form then fails its CSRF check like any bad
    request)."""
    found = parts(content_type, body)
    fields: dict[str, list[str]] = {}
    files: dict[str, Upload] = {}
    for part in found or []:
        if part.filename is not None:
            if part.data or part.filename:
                files[part.name] = Upload(part.filename, part.content_type, part.data)
            continue
        text = part.data.decode("utf-8", "replace")
        fields.setdefault(part.name, []).append(text[:MAX_FIELD_CHARS])
    return fields, files
