"""Seeding a benchmark's own Azurite quickly: entity-group transactions written as plain HTTP.

The Azure SDK spends about 0.4 ms of Python per entity building a batch (a pipeline request per
entity, then the multipart body), which makes 200,000 invoices (1.2 million rows with their
copies and matching-index rows) a half-hour seed on a shared machine. Here each batch is one
formatted multipart body signed with the account key (SharedKeyLite, as the Table service
documents it), sent over one keep-alive connection per thread. Only for seeding fresh data in
the benchmarks (inserts, values as :mod:`shared.adapters.tables.azure` writes them: ints as
Edm.Int64); the application never uses it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

from shared.adapters.tables.keys import checked
from shared.ports.tables import MAX_BATCH, Row


def _entity(row: Row) -> str:
    body: dict[str, Any] = {"PartitionKey": checked(row.pk), "RowKey": checked(row.rk)}
    for key, value in row.data.items():
        if value is None:
            continue
        if isinstance(value, bool | str):
            body[key] = value
        elif isinstance(value, int):
            body[key] = str(value)
            body[f"{key}@odata.type"] = "Edm.Int64"
        else:
            raise TypeError(f"{key}: {type(value).__name__} is not seeded raw")
    return json.dumps(body, separators=(",", ":"))


class RawBatchWriter:
    """Inserts rows in entity-group transactions of at most 100, one partition each."""

    def __init__(self, connection_string: str) -> None:
        parts = dict(p.split("=", 1) for p in connection_string.split(";") if "=" in p)
        self.account = parts["AccountName"]
        self.key = base64.b64decode(parts["AccountKey"])
        endpoint = urlsplit(parts["TableEndpoint"].rstrip("/"))
        self.host, self.port = endpoint.hostname or "127.0.0.1", endpoint.port or 80
        self.base = f"{endpoint.scheme}://{endpoint.netloc}{endpoint.path}"
        self.path = endpoint.path  # /devstoreaccount1 on Azurite
        self.requests = 0
        self.rows = 0
        self._lock = threading.Lock()
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            self._local.conn = conn
        return conn

    def _body(self, table: str, rows: Sequence[Row]) -> tuple[str, bytes]:
        batch, change = f"batch_{uuid.uuid4().hex}", f"changeset_{uuid.uuid4().hex}"
        out = [f"--{batch}\r\nContent-Type: multipart/mixed; boundary={change}\r\n\r\n"]
        for row in rows:
            out.append(
                f"--{change}\r\nContent-Type: application/http\r\n"
                "Content-Transfer-Encoding: binary\r\n\r\n"
                f"POST {self.base}/{table} HTTP/1.1\r\n"
                "Content-Type: application/json\r\nAccept: application/json;odata=nometadata\r\n"
                "Prefer: return-no-content\r\nDataServiceVersion: 3.0\r\n\r\n"
                f"{_entity(row)}\r\n"
            )
        out.append(f"--{change}--\r\n\r\n--{batch}--\r\n")
        return batch, "".join(out).encode()

    def insert(self, table: str, rows: Sequence[Row]) -> None:
        """One transaction: at most 100 new rows of one partition."""
        if len(rows) > MAX_BATCH or len({r.pk for r in rows}) != 1:
            raise ValueError("a transaction holds at most 100 rows of one partition")
        boundary, body = self._body(table, rows)
        resource = f"{self.path}/$batch"
        for attempt in range(5):
            date = formatdate(usegmt=True)
            signed = f"{date}\n/{self.account}{resource}".encode()
            signature = base64.b64encode(hmac.new(self.key, signed, hashlib.sha256).digest())
            headers = {
                "x-ms-date": date,
                "x-ms-version": "2019-02-02",
                "DataServiceVersion": "3.0",
                "MaxDataServiceVersion": "3.0;NetFx",
                "Accept": "application/json",
                "Content-Type": f"multipart/mixed; boundary={boundary}",
                "Authorization": f"SharedKeyLite {self.account}:{signature.decode()}",
            }
            conn = self._connection()
            try:
                conn.request("POST", resource, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read()
            except (OSError, http.client.HTTPException):
                # Azurite drops a keep-alive connection now and then under load
                conn.close()
                self._local.conn = None
                if attempt == 4:
                    raise
                time.sleep(0.5 * (attempt + 1))
                continue
            with self._lock:
                self.requests += 1
                self.rows += len(rows)
            if response.status != 202 or b"HTTP/1.1 4" in text or b"HTTP/1.1 5" in text:
                raise RuntimeError(f"batch into {table} refused: {text[:500]!r}")
            return

    def insert_all(self, table: str, rows: Iterable[Row], workers: int = 4) -> int:
        """Every row, grouped by partition into transactions, ``workers`` at a time."""
        by_pk: dict[str, list[Row]] = {}
        for row in rows:
            by_pk.setdefault(row.pk, []).append(row)
        batches = [
            part[i : i + MAX_BATCH]
            for part in by_pk.values()
            for i in range(0, len(part), MAX_BATCH)
        ]
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda b: self.insert(table, b), batches))
        return sum(len(b) for b in batches)
