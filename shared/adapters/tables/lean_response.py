"""The lean table reads' HTTP answer: :class:`http.client.HTTPResponse` with its header block
read without the e-mail package.

``http.client`` hands a response's header lines to ``email.parser`` (a feed parser, a policy,
a message object), which took a fifth of the portal overview's CPU (seven reads a page,
docs/performance.md, "perf19"). The lines are read with the limits and the end
rules ``http.client`` keeps (at most 100 fields of at most 65,536 bytes; an empty line or the
connection's end closes the block), and the status line, bodies (sized or chunked) and
keep-alive decisions stay the standard library's.
"""

from __future__ import annotations

import http.client
from typing import BinaryIO

MAX_LINE = 65536  # http.client's _MAXLINE
MAX_HEADERS = 100  # http.client's _MAXHEADERS


class Fields:
    """A response's header fields in the order received: as much of ``HTTPMessage`` as
    :class:`http.client.HTTPResponse` and the reader use (``get`` and ``get_all`` by a name in
    any case, ``items``)."""

    __slots__ = ("_fields",)

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        self._fields = fields

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first field of that name (as ``email.message.Message.get``)."""
        wanted = name.lower()
        for key, value in self._fields:
            if key.lower() == wanted:
                return value
        return default

    def get_all(self, name: str, failobj: list[str] | None = None) -> list[str] | None:
        wanted = name.lower()
        found = [value for key, value in self._fields if key.lower() == wanted]
        return found or failobj

    def items(self) -> list[tuple[str, str]]:
        return list(self._fields)


def read_fields(fp: BinaryIO) -> Fields:
    """The header block up to its empty line (or the end of the stream, as ``http.client``
    takes it). A line starting with a space or a tab continues the field before it (obsolete
    line folding, RFC 9112 5.2), joined by a space; a line without a colon is not a field."""
    fields: list[tuple[str, str]] = []
    while True:
        line = fp.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise http.client.LineTooLong("header line")
        if line in (b"\r\n", b"\n", b""):
            return Fields(fields)
        if len(fields) >= MAX_HEADERS:
            raise http.client.HTTPException(f"got more than {MAX_HEADERS} headers")
        text = line.decode("iso-8859-1").rstrip("\r\n")
        if text[:1] in (" ", "\t"):
            if fields:
                name, value = fields[-1]
                fields[-1] = (name, f"{value} {text.strip()}".strip())
            continue
        name, colon, value = text.partition(":")
        if colon:
            fields.append((name, value.strip(" \t")))


class LeanResponse(http.client.HTTPResponse):
    """``HTTPResponse.begin`` as in the standard library (3.11 to 3.13), the header block read
    by :func:`read_fields`."""

    def begin(self) -> None:
        if self.headers is not None:
            return
        while True:  # until a final answer: a 100 Continue's own header block is skipped
            version, status, reason = self._read_status()  # type: ignore[attr-defined]
            if status != http.client.CONTINUE:
                break
            read_fields(self.fp)
        self.code = self.status = status
        self.reason = reason.strip()
        if version in ("HTTP/1.0", "HTTP/0.9"):
            self.version = 10
        elif version.startswith("HTTP/1."):
            self.version = 11
        else:
            raise http.client.UnknownProtocol(version)
        self.headers = self.msg = read_fields(self.fp)  # type: ignore[assignment]
        encoding = self.headers.get("transfer-encoding")
        if encoding and encoding.lower() == "chunked":
            self.chunked = True  # type: ignore[assignment]
            self.chunk_left = None  # type: ignore[assignment]
        else:
            self.chunked = False  # type: ignore[assignment]
        self.will_close = self._check_close()  # type: ignore[attr-defined]
        self.length = None
        length = self.headers.get("content-length")
        if length and not self.chunked:
            try:
                self.length = int(length)
            except ValueError:
                self.length = None
            else:
                if self.length < 0:
                    self.length = None
        no_body = status in (http.client.NO_CONTENT, http.client.NOT_MODIFIED)
        if no_body or 100 <= status < 200 or self._method == "HEAD":  # type: ignore[attr-defined]
            self.length = 0
        if not self.will_close and not self.chunked and self.length is None:
            self.will_close = True
