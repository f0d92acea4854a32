"""Serving a file an outsider chose, an inbound mail's attachment, in the app's own origin.

Whoever mails the client's mailbox chooses the bytes and the content type the attachment is
kept with. The API and the console share one origin, so a ``text/html`` or ``image/svg+xml``
file a browser rendered would be a page of the app (attack33). A download is an attachment
already; besides, it is served as one of :data:`INERT` types (anything else as
``application/octet-stream``, parameters dropped: ``charset=utf-7``), nosniff, and under a
sandboxed CSP that runs nothing should a browser show it all the same. A declared type with a
line break never reaches a header.
"""

from __future__ import annotations

import re

OCTETS = "application/octet-stream"
# what a browser shows without running anything: documents it hands to a viewer, plain
# text and pictures (never SVG, which is a document with scripts)
INERT = frozenset(
    {
        "application/pdf", "text/plain", "text/csv", "image/png", "image/jpeg", "image/gif",
        "image/webp", "image/bmp", "image/tiff", "image/heic", "application/zip",
        "application/msword", "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
)  # fmt: skip
SANDBOX_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"
_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")


def served_type(declared: str | None) -> str:
    """The content type a sender's file is served with: its declared type when that is one
    of :data:`INERT` (lower case, without parameters), else ``application/octet-stream``."""
    kind = (declared or "").split(";", 1)[0].strip().lower()
    return kind if _TYPE.fullmatch(kind) and kind in INERT else OCTETS


def sender_file_headers(headers: dict[str, str]) -> dict[str, str]:
    """``headers`` of a sender's file's download with the sandboxed policy and nosniff (the
    console's page policy, if any, is replaced: a file is no page)."""
    return {
        **headers,
        "Content-Security-Policy": SANDBOX_POLICY,
        "X-Content-Type-Options": "nosniff",
    }
