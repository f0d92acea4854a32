"""``multipart/form-data`` bodies of the server-rendered pages (a file upload without script).

The standard library's e-mail parser reads the MIME parts; fields become the same
``{name: [values]}`` as an url-encoded form (so the CSRF check reads them alike), files are
kept apart with their name, declared type and bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP

MAX_FORM_BYTES = 12 * 1024 * 1024  # the largest upload a page takes (a 10 MiB PDF and fields)


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


def is_multipart(content_type: str | None) -> bool:
    return (content_type or "").lower().startswith("multipart/form-data")


def parse(content_type: str, body: bytes) -> tuple[dict[str, list[str]], dict[str, Upload]]:
    """The fields and the files of a multipart body; a body too large or not multipart gives
    nothing (the form then fails its CSRF check like any bad request)."""
    if len(body) > MAX_FORM_BYTES or not is_multipart(content_type):
        return {}, {}
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    fields: dict[str, list[str]] = {}
    files: dict[str, Upload] = {}
    if not message.is_multipart():
        return {}, {}
    for part in message.iter_parts():
        if not isinstance(part, Message):
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or not name:
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            if data or filename:
                files[name] = Upload(filename, part.get_content_type(), data)
            continue
        fields.setdefault(name, []).append(data.decode("utf-8", "replace"))
    return fields, files
