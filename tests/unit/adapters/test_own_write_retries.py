"""A write the storage client retried after its answer was lost (a reset after the request went
out, or a 503 the service answered after it had applied it) meets its own write: the store
tells it from another writer's by the stored row (ownwrite21), on the SDK's single-entity
writes and on the lean client's transactions, against a local Table service that applies
the write and then loses its answer."""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from azure.core.exceptions import ServiceResponseError

from shared.adapters.tables import own_write
from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.codec import put_json_parts
from shared.ports.tables import (
    Conflict,
    Op,
    OpKind,
    PreconditionFailed,
    Row,
    TransactionFailed,
)
from tests.support.stand_in import StandIn, serve
from tests.support.table_stand_in import TableStandIn, connection

DATA: dict[str, Any] = {
    "Name": "Bakkerij De Hoek \u00e9",
    "Cents": 5_000_000_000,
    "Flag": True,
    "At": datetime(2026, 12, 3, 8, 0, 1, 123456, tzinfo=UTC),
    "Blob": b"\x00\x01binary",
    **put_json_parts("Lines", ["x" * 40_000]),  # split over Lines and Lines_1
}

BATCHED = {k: v for k, v in DATA.items() if not isinstance(v, bytes)}  # a batch sends no binary


@pytest.fixture
def service() -> Iterator[tuple[TableStandIn, StandIn, AzureTableStore]]:
    tables = TableStandIn()
    with serve(tables) as http:
        store = AzureTableStore.from_connection_string(connection(http.url))
        store.reader._sleep = lambda _: None
        yield tables, http, store


def _seeded(tables: TableStandIn, data: dict[str, Any]) -> str:
    entity: dict[str, Any] = {"PartitionKey": "p", "RowKey": "r"}
    for name, value in data.items():
        if isinstance(value, int) and not isinstance(value, bool):
            entity[name], entity[f"{name}@odata.type"] = str(value), "Edm.Int64"
        elif isinstance(value, bytes):
            entity[name], entity[f"{name}@odata.type"] = b64encode(value).decode(), "Edm.Binary"
        elif isinstance(value, datetime):
            entity[name], entity[f"{name}@odata.type"] = value.isoformat(), "Edm.DateTime"
        else:
            entity[name] = value
    return tables.put("T", entity)


def _writes(http: StandIn) -> list[str]:
    return [r.method for r in http.received if r.method != "GET"]


def test_a_replace_retried_after_its_lost_answer_is_its_own(service: Any) -> None:
    tables, http, store = service
    etag = _seeded(tables, {"Name": "before"})
    tables.fates = ["lost"]
    written = store.replace("T", Row("p", "r", DATA, etag))
    assert _writes(http) == ["PUT", "PUT"]  # applied, answer lost, retried: a 412
    assert written.etag == tables.rows[("T", "p", "r")][1]
    assert store.get("T", "p", "r") == Row("p", "r", DATA, written.etag)


def test_a_first_attempts_412_stays_a_412_even_for_the_same_content(service: Any) -> None:
    tables, http, store = service
    stale = _seeded(tables, {"Name": "same"})
    _seeded(tables, {"Name": "same"})  # another worker wrote this very content
    with pytest.raises(PreconditionFailed):
        store.replace("T", Row("p", "r", {"Name": "same"}, stale))
    assert _writes(http) == ["PUT"]
    assert [r.method for r in http.received] == ["PUT"]  # not even looked at


def test_a_retried_replace_another_writer_overtook_stays_a_412(service: Any) -> None:
    tables, http, store = service
    etag = _seeded(tables, {"Name": "before"})
    tables.fates = ["overwritten"]
    with pytest.raises(PreconditionFailed):
        store.replace("T", Row("p", "r", {"Name": "mine"}, etag))
    assert _writes(http) == ["PUT", "PUT"]
    assert tables.rows[("T", "p", "r")][0]["Other"] == "another writer's"


def test_an_insert_retried_after_a_503_it_was_applied_under_is_its_own(service: Any) -> None:
    tables, http, store = service
    tables.fates = ["busy"]
    written = store.insert("T", Row("p", "r", DATA))
    assert _writes(http) == ["POST", "POST"]  # applied, 503, retried: a 409
    assert written.etag == tables.rows[("T", "p", "r")][1]


def test_an_insert_that_meets_another_row_stays_a_conflict(service: Any) -> None:
    tables, http, store = service
    _seeded(tables, {**DATA, "Name": "theirs"})
    tables.fates = ["busy"]  # the retry is the first to reach the service here
    with pytest.raises(Conflict):
        store.insert("T", Row("p", "r", DATA))
    with pytest.raises(Conflict):  # a first attempt's 409 is never looked at
        store.insert("T", Row("p", "r", {**DATA, "Name": "theirs"}))
    assert [r.method for r in http.received] == ["POST", "POST", "GET", "POST"]


def test_an_insert_whose_answer_was_lost_is_not_sent_again(service: Any) -> None:
    """A POST is not retried after it was sent (azure-core's policy): the lost answer is
    raised, as every handler's queue retries it."""
    tables, http, store = service
    tables.fates = ["lost"]
    with pytest.raises(ServiceResponseError):
        store.insert("T", Row("p", "r", DATA))
    assert _writes(http) == ["POST"]


def test_a_delete_retried_after_its_lost_answer_is_done(service: Any) -> None:
    tables, http, store = service
    etag = _seeded(tables, {"Name": "gone soon"})
    tables.fates = ["lost"]
    store.delete("T", "p", "r", etag)
    assert _writes(http) == ["DELETE", "DELETE"]  # the retry's 404: nothing left to delete
    assert ("T", "p", "r") not in tables.rows


def test_a_retried_delete_whose_row_another_writer_replaced_stays_a_412(service: Any) -> None:
    tables, http, store = service
    etag = _seeded(tables, {"Name": "kept"})
    other = _seeded(tables, {"Name": "rewritten"})
    tables.fates = ["busy"]  # refused (412) on the first attempt, answered 503: retried
    with pytest.raises(PreconditionFailed):
        store.delete("T", "p", "r", etag)
    assert [r.method for r in http.received] == ["DELETE", "DELETE", "GET"]  # the row is there
    assert tables.rows[("T", "p", "r")][1] == other


def _batch(etag: str) -> list[Op]:
    return [
        Op(OpKind.INSERT, Row("p", "new", BATCHED)),
        Op(OpKind.REPLACE, Row("p", "r", {"Name": "replaced", "Cents": 7}, etag)),
        Op(OpKind.DELETE, Row("p", "old", {}, None)),
        Op(OpKind.UPSERT, Row("p", "up", {"Name": "upserted"})),
    ]


def test_a_transaction_retried_after_a_503_it_was_applied_under_is_its_own(service: Any) -> None:
    tables, http, store = service
    etag = _seeded(tables, {"Name": "before"})
    tables.put("T", {"PartitionKey": "p", "RowKey": "old"})
    tables.fates = ["busy"]
    etags = store.transact("T", _batch(etag))
    assert _writes(http) == ["POST", "POST"]  # applied, 503, retried: the insert's 409
    rows = tables.rows
    assert etags == [
        rows[("T", "p", "new")][1],
        rows[("T", "p", "r")][1],
        None,
        rows[("T", "p", "up")][1],
    ]
    assert store.get("T", "p", "r") == Row("p", "r", {"Name": "replaced", "Cents": 7}, etags[1])


def test_a_retried_transaction_whose_rows_differ_stays_refused(service: Any) -> None:
    tables, http, store = service
    etag = _seeded(tables, {"Name": "before"})
    tables.put("T", {"PartitionKey": "p", "RowKey": "new", "Name": "theirs"})
    tables.fates = ["busy"]
    with pytest.raises(TransactionFailed) as raised:
        store.transact("T", _batch(etag))
    assert isinstance(raised.value.cause, Conflict)
    assert raised.value.index == 0
    assert [r.method for r in http.received] == ["POST", "POST", "GET"]


def test_a_first_attempts_refused_transaction_is_not_looked_at(service: Any) -> None:
    tables, http, store = service
    etag = _seeded(tables, {"Name": "before"})
    tables.put("T", {"PartitionKey": "p", "RowKey": "new", "Name": "x"})
    with pytest.raises(TransactionFailed):
        store.transact("T", [Op(OpKind.INSERT, Row("p", "new", {"Name": "x"})), *_batch(etag)[1:]])
    assert [r.method for r in http.received] == ["POST"]


def test_properties_compare_exactly_in_the_wires_terms() -> None:
    sent = {"N": "5", "N@odata.type": "Edm.Int64", "S": "x", "S@odata.type": "Edm.String"}
    assert own_write.same_row(sent, {"N": "5", "N@odata.type": "Edm.Int64", "S": "x"})
    assert not own_write.same_row(sent, {"N": 5, "S": "x"})  # an Int32
    assert not own_write.same_row(sent, {"N": "5", "S": "x"})  # a string of digits
    assert not own_write.same_row(sent, {"N": "5", "N@odata.type": "Edm.Int64"})  # one missing
    extra = {"N": "5", "N@odata.type": "Edm.Int64", "S": "x", "S_1": "y"}  # a part left over
    assert not own_write.same_row(sent, extra)
    assert not own_write.same_row({"B": True}, {"B": 1})
    when = {"At": "2026-12-03T08:00:01.123456Z", "At@odata.type": "Edm.DateTime"}
    assert own_write.same_row(when, {**when, "At": "2026-12-03T08:00:01.1234560Z"})
    assert not own_write.same_row(when, {**when, "At": "2026-12-03T08:00:01.123457Z"})
    blob = {"Y": "AAE=", "Y@odata.type": "Edm.Binary"}
    assert not own_write.same_row(blob, {"Y": "AAE=", "Y@odata.type": "Edm.String"})
    assert not own_write.same_row(sent, None)
