"""A write Azurite applied whose answer was lost on the way back (a proxy in front of it closes
the connection, or answers 503 as the service's "OperationTimedOut" would) is retried by the
storage client and meets itself: the store takes it for its own write (ownwrite21), and a
first attempt's refusal stays a refusal."""

from __future__ import annotations

import http.client
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.codec import put_json_parts
from shared.ports.tables import Op, OpKind, PreconditionFailed, Row
from tests.support.stand_in import Received, Reply, StandIn, serve

DATA: dict[str, Any] = {
    "Name": "Bakkerij De Hoek \u00e9",
    "Cents": 5_000_000_000,
    "Flag": True,
    "At": datetime(2026, 12, 3, 8, 0, 1, 123456, tzinfo=UTC),
    **put_json_parts("Lines", ["x" * 40_000]),  # split over Lines and Lines_1
}
_HOP = {"content-length", "transfer-encoding", "connection", "keep-alive", "date", "server"}


class _Relay:
    """Forwards each request to Azurite; a write's answer is replaced by the next fate."""

    def __init__(self, target: str) -> None:
        parts = urlsplit(target)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.fates: list[str] = []

    def __call__(self, received: Received) -> Reply:
        path = received.path
        if received.query:
            path += "?" + urlencode({k: v[0] for k, v in received.query.items()})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            headers = {k: v for k, v in received.headers.items() if k not in ("host", "connection")}
            conn.request(received.method, path, received.body or None, headers)
            answer = conn.getresponse()
            body = answer.read()
            kept = {
                "Content-Type" if k.lower() == "content-type" else k: v
                for k, v in answer.getheaders()
                if k.lower() not in _HOP
            }
        finally:
            conn.close()
        if received.method != "GET" and self.fates:
            fate = self.fates.pop(0)
            if fate == "lost":
                return Reply(lost=True)
            if fate == "busy":
                busy = {"odata.error": {"code": "OperationTimedOut", "message": {"value": "?"}}}
                return Reply(503, busy, {"x-ms-error-code": "OperationTimedOut"})
        return Reply(answer.status, body, kept)


@pytest.fixture
def relayed(storage_connection: str) -> Iterator[tuple[_Relay, StandIn, AzureTableStore, str]]:
    direct = AzureTableStore.from_connection_string(storage_connection)
    table = "ow" + uuid.uuid4().hex[:12]
    direct.ensure_tables([table])
    endpoint = next(p for p in storage_connection.split(";") if p.startswith("TableEndpoint="))
    target = endpoint.removeprefix("TableEndpoint=")
    relay = _Relay(target)
    with serve(relay) as http_side:
        account = urlsplit(target).path
        conn = storage_connection.replace(target, http_side.url + account)
        store = AzureTableStore.from_connection_string(conn)
        store.reader._sleep = lambda _: None
        yield relay, http_side, store, table


def _writes(http_side: StandIn) -> list[str]:
    return [r.method for r in http_side.received if r.method != "GET"]


def test_a_replace_insert_and_delete_that_met_themselves_on_azurite(relayed: Any) -> None:
    relay, http_side, store, table = relayed
    relay.fates = ["busy"]
    inserted = store.insert(table, Row("p", "r", {**DATA, "Blob": b"\x00\xffbinary"}))
    assert _writes(http_side) == ["POST", "POST"]  # applied, 503, retried: Azurite's 409
    relay.fates = ["lost"]
    replaced = store.replace(
        table, Row("p", "r", {**DATA, "Blob": b"\x01", "Cents": 7}, inserted.etag)
    )
    assert _writes(http_side)[2:] == ["PUT", "PUT"]  # applied, lost, retried: Azurite's 412
    stored = store.get(table, "p", "r")
    assert stored is not None and stored.etag == replaced.etag
    assert stored.data == {**DATA, "Blob": b"\x01", "Cents": 7}
    relay.fates = ["lost"]
    store.delete(table, "p", "r", replaced.etag)
    assert _writes(http_side)[4:] == ["DELETE", "DELETE"]
    assert store.get(table, "p", "r") is None


def test_a_first_attempts_412_on_azurite_stays_a_412(relayed: Any) -> None:
    _, http_side, store, table = relayed
    first = store.insert(table, Row("p", "r", {"Name": "same"}))
    store.replace(table, Row("p", "r", {"Name": "same"}, first.etag))  # another worker's
    with pytest.raises(PreconditionFailed):
        store.replace(table, Row("p", "r", {"Name": "same"}, first.etag))
    assert _writes(http_side)[2:] == ["PUT"]


def test_a_transaction_that_met_itself_on_azurite(relayed: Any) -> None:
    relay, http_side, store, table = relayed
    before = store.insert(table, Row("p", "r", {"Name": "before"}))
    store.insert(table, Row("p", "old", {}))
    relay.fates = ["busy"]
    ops = [
        Op(OpKind.INSERT, Row("p", "new", DATA)),
        Op(OpKind.REPLACE, Row("p", "r", {"Name": "replaced"}, before.etag)),
        Op(OpKind.DELETE, Row("p", "old", {}, None)),
    ]
    etags = store.transact(table, ops)
    assert _writes(http_side)[2:] == ["POST", "POST"]
    new, replaced = store.get(table, "p", "new"), store.get(table, "p", "r")
    assert new is not None and replaced is not None
    assert etags == [new.etag, replaced.etag, None]
    assert new.data == DATA and store.get(table, "p", "old") is None
