"""A local Table service for the store's writes (point reads, PUT/POST/DELETE of one entity,
``$batch``), applying If-Match and insert conditions as the service does, whose answers a
test can lose after the write was applied (``fates``): ``"lost"`` (the connection closed
without an answer), ``"busy"`` (a 503, as the service's "OperationTimedOut" after it
applied), ``"overwritten"`` (lost, and another writer replaced the row meanwhile)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

from tests.support.stand_in import Received, Reply

ACCOUNT = "devstoreaccount1"
# Azurite's well-known development key (public, documented by Microsoft)
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
BATCH_TYPE = "multipart/mixed; boundary=batchresponse_1"
_KEYS = re.compile(r"/(\w+)\(PartitionKey='(.*)',RowKey='(.*)'\)$")
_PART = re.compile(rb"\r\n\r\n(\w+) (\S+) HTTP/1\.1\r\n(.*?)\r\n\r\n(.*)", re.S)


def connection(url: str) -> str:
    return (
        f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
        f"TableEndpoint={url}/{ACCOUNT};"
    )


def _error(status: int, code: str, message: str = "refused") -> Reply:
    body = {"odata.error": {"code": code, "message": {"value": message}}}
    return Reply(status, body, {"x-ms-error-code": code})


class TableStandIn:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str], tuple[dict[str, Any], str]] = {}
        self.fates: list[str] = []  # one for each write answered, in order
        self._n = 0

    def etag(self) -> str:
        self._n += 1
        return f"W/\"datetime'2026-12-03T07%3A00%3A{self._n:02d}Z'\""

    def put(self, table: str, entity: dict[str, Any]) -> str:
        """A row as another writer (or a test's setup) leaves it."""
        etag = self.etag()
        key = (table, entity["PartitionKey"], entity["RowKey"])
        self.rows[key] = ({k: v for k, v in entity.items() if not k.startswith("odata.")}, etag)
        return etag

    def __call__(self, received: Received) -> Reply:
        path = received.path.removeprefix(f"/{ACCOUNT}")
        if received.method == "GET":
            return self._get(path)
        if path == "/$batch":
            reply = self._batch(received.body)
        else:
            reply = self._write(received.method, path, received.headers, received.body)[0]
        fate = self.fates.pop(0) if self.fates else "answered"
        if fate == "busy":
            return _error(503, "OperationTimedOut", "may or may not have succeeded")
        if fate == "overwritten":
            for key, (entity, _) in list(self.rows.items()):
                self.put(key[0], {**entity, "Other": "another writer's"})
        if fate in ("lost", "overwritten"):
            return Reply(lost=True)
        return reply

    def _get(self, path: str) -> Reply:
        found = _KEYS.match(path)
        assert found is not None, path
        table, pk, rk = found.group(1), _key(found.group(2)), _key(found.group(3))
        stored = self.rows.get((table, pk, rk))
        if stored is None:
            return _error(404, "ResourceNotFound")
        entity, etag = stored
        # minimal metadata: a string's type left out, as the service leaves it out
        shown = {
            k: v for k, v in entity.items() if not (k.endswith("@odata.type") and v == "Edm.String")
        }
        shown["odata.etag"] = etag
        shown["Timestamp"] = "2026-12-03T07:00:00.0000000Z"
        return Reply(200, shown, {"ETag": etag})

    def _write(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        body: bytes,
        rows: dict[tuple[str, str, str], tuple[dict[str, Any], str]] | None = None,
    ) -> tuple[Reply, str | None]:
        rows = self.rows if rows is None else rows
        entity = json.loads(body) if body.strip() else {}
        found = _KEYS.match(path)
        if found is None:  # an insert: POST /Table
            key = (path.strip("/"), entity["PartitionKey"], entity["RowKey"])
        else:
            key = (found.group(1), _key(found.group(2)), _key(found.group(3)))
        stored = rows.get(key)
        match = headers.get("if-match")
        if method == "POST" and stored is not None:
            return _error(409, "EntityAlreadyExists"), None
        if method in ("PUT", "DELETE") and match is not None:
            if stored is None:
                return _error(404, "ResourceNotFound"), None
            if match != "*" and match != stored[1]:
                return _error(412, "UpdateConditionNotSatisfied"), None
        if method == "DELETE":
            if stored is None:
                return _error(404, "ResourceNotFound"), None
            del rows[key]
            return Reply(204), None
        etag = self.etag()
        rows[key] = ({**entity, "PartitionKey": key[1], "RowKey": key[2]}, etag)
        return Reply(204, None, {"ETag": etag}), etag

    def _batch(self, body: bytes) -> Reply:
        rows = dict(self.rows)
        answers: list[bytes] = []
        for n, chunk in enumerate(re.split(rb"--changeset_[0-9a-f-]+", body)[1:-1]):
            part = _PART.search(chunk)
            assert part is not None
            method, url = part.group(1).decode(), part.group(2).decode()
            headers: dict[str, str] = {}
            for line in part.group(3).decode().split("\r\n"):
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            path = "/" + url.split(f"/{ACCOUNT}/", 1)[1]
            reply, etag = self._write(method, path, headers, part.group(4).rstrip(b"\r\n"), rows)
            if reply.status >= 400:
                error = reply.body["odata.error"]
                error["message"]["value"] = f"{n}:{error['message']['value']}"
                return _batch_answer([_answer(n, reply.status, json.dumps(reply.body).encode())])
            answers.append(_answer(n, 204, b"", etag))
        self.rows = rows
        return _batch_answer(answers)


def _key(text: str) -> str:
    return unquote(text).replace("''", "'")


def _answer(n: int, status: int, body: bytes, etag: str | None = None) -> bytes:
    head = f"HTTP/1.1 {status} Status\r\nContent-ID: {n}\r\nContent-Type: application/json\r\n"
    if etag:
        head += f"ETag: {etag}\r\n"
    return (
        b"--changesetresponse_2\r\nContent-Type: application/http\r\n"
        b"Content-Transfer-Encoding: binary\r\n\r\n" + head.encode() + b"\r\n" + body + b"\r\n"
    )


def _batch_answer(parts: list[bytes]) -> Reply:
    body = (
        b"--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_2\r\n"
        b"\r\n" + b"".join(parts) + b"--changesetresponse_2--\r\n--batchresponse_1--\r\n"
    )
    return Reply(202, body, {"Content-Type": BATCH_TYPE})
