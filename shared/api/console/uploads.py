"""File uploads of the console: ``multipart/form-data`` read by :mod:`shared.api.multipart`
(linear, the number of parts counted before anything is parsed) within limits, before
anything else reads it. The shell reads the form's text fields (the CSRF token, the client)
through :func:`form_fields`; a page takes its files with :func:`files_of`.

The limits are one story: a body over :data:`shared.api.multipart.MAX_FORM_BYTES` (a 10 MiB
invoice PDF and its fields) is refused by the shell with 413 before it is read; a page that
takes a smaller file (a CSV, a workbook, a bank statement: :data:`MAX_UPLOAD_BYTES`) hears
:class:`UploadTooLarge` from :func:`files_of` and says so on the page. Url-encoded forms of a
signed-in person are read up to :data:`MAX_SIGNED_FORM_BYTES` (a message template's HTML).
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.api import multipart
from shared.api.http import ApiRequest
from shared.api.multipart import MAX_PARTS as MAX_PARTS
from shared.api.pages import form
from shared.domain.reasons import CodedError

MAX_UPLOAD_BYTES = 4 * 1024 * 1024  # about 40,000 invoice rows; the API's own body limit
MAX_SIGNED_FORM_BYTES = 1024 * 1024
MAX_SIGNED_FORM_FIELDS = 1000


class UploadTooLarge(CodedError):
    """The upload is over the size the page takes; ``code`` says it in the page's language."""


@dataclass(frozen=True)
class UploadedFile:
    field: str
    filename: str
    content_type: str
    data: bytes


def is_multipart(req: ApiRequest) -> bool:
    return (req.header("content-type") or "").lower().startswith("multipart/form-data")


def form_fields(req: ApiRequest) -> dict[str, list[str]]:
    """The text fields of a signed-in person's POST, url-encoded or multipart (files left
    out); an unreadable body gives no fields (so the CSRF check refuses it)."""
    if not is_multipart(req):
        return form(req, max_bytes=MAX_SIGNED_FORM_BYTES, max_fields=MAX_SIGNED_FORM_FIELDS)
    fields: dict[str, list[str]] = {}
    for part in multipart.parts(req.header("content-type") or "", req.body) or []:
        if part.filename is None:
            text = part.data.decode("utf-8", "replace")
            fields.setdefault(part.name, []).append(text[:10_000])
    return fields


def files_of(req: ApiRequest, max_bytes: int = MAX_UPLOAD_BYTES) -> dict[str, UploadedFile]:
    """The files of a multipart POST by field name (the first per field; empty ones left
    out); UploadTooLarge when the body is over ``max_bytes``."""
    if not is_multipart(req):
        return {}
    if len(req.body) > max_bytes:
        limit = max_bytes // 1024 // 1024
        raise UploadTooLarge(
            f"the upload is larger than {limit} MB",
            code="upload_too_large",
            params={"limit": limit},
        )
    found: dict[str, UploadedFile] = {}
    for part in multipart.parts(req.header("content-type") or "", req.body) or []:
        filename = part.filename
        if filename and part.data and part.name not in found:
            found[part.name] = UploadedFile(
                part.name, filename.replace("\\", "/").rsplit("/", 1)[-1][:120],
                part.content_type, part.data,
            )  # fmt: skip
    return found
