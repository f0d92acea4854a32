"""File uploads of the console: ``multipart/form-data`` parsed with the standard library's
MIME parser, within limits (the whole body, the number of parts, one file per field), before
anything else reads it. The shell reads the form's text fields (the CSRF token, the client)
through :func:`form_fields`; a page takes its files with :func:`files_of`.

A body over :data:`MAX_UPLOAD_BYTES` is not parsed at all: the form counts as empty (so the
CSRF check refuses it) and a page asking for its file hears :class:`UploadTooLarge`.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesParser

from shared.api.http import ApiRequest
from shared.api.pages import form

MAX_UPLOAD_BYTES = 4 * 1024 * 1024  # about 40,000 invoice rows; the API's own body limit
MAX_PARTS = 20


class UploadTooLarge(ValueError):
    pass


@dataclass(frozen=True)
class UploadedFile:
    field: str
    filename: str
    content_type: str
    data: bytes


def is_multipart(req: ApiRequest) -> bool:
    return (req.header("content-type") or "").lower().startswith("multipart/form-data")


def _parts(req: ApiRequest) -> list[Message]:
    if len(req.body) > MAX_UPLOAD_BYTES:
        raise UploadTooLarge(f"the upload is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB")
    head = f"Content-Type: {req.header('content-type')}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + req.body)
    if not message.is_multipart():
        return []
    parts = message.get_payload()
    return (
        [p for p in parts if isinstance(p, Message)][:MAX_PARTS] if isinstance(parts, list) else []
    )


def form_fields(req: ApiRequest) -> dict[str, list[str]]:
    """The text fields of a POST, whether url-encoded or multipart (files left out)."""
    if not is_multipart(req):
        return form(req)
    try:
        parts = _parts(req)
    except UploadTooLarge:
        return {}
    fields: dict[str, list[str]] = {}
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str) and part.get_filename() is None:
            raw = part.get_payload(decode=True)
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
            fields.setdefault(name, []).append(text[:10_000])
    return fields


def files_of(req: ApiRequest) -> dict[str, UploadedFile]:
    """The files of a multipart POST by field name (the first per field; empty ones left out)."""
    if not is_multipart(req):
        return {}
    found: dict[str, UploadedFile] = {}
    for part in _parts(req):
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        raw = part.get_payload(decode=True)
        if (
            isinstance(name, str)
            and filename
            and isinstance(raw, bytes)
            and raw
            and name not in found
        ):
            found[name] = UploadedFile(name, filename.replace("\\", "/").rsplit("/", 1)[-1][:120],
                                       part.get_content_type(), raw)  # fmt: skip
    return found
