"""The lean reads against Azurite: what the SDK wrote reads back as the SDK read it (types,
etags, awkward keys), queries page with the service's continuation headers, and tokens the
SDK's pager handed out still continue where they left off."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import EdmType, EntityProperty

from shared.adapters.tables.azure import AzureTableStore, _token
from shared.ports.tables import Row, all_rows

pytestmark = pytest.mark.azurite


@pytest.fixture
def store(storage_connection):
    s = AzureTableStore.from_connection_string(storage_connection)
    table = "lean" + uuid.uuid4().hex[:12]
    s.ensure_tables([table])
    return s, table


def _sdk_view(entity):
    return {
        k: (v.value if isinstance(v, EntityProperty) else v)
        for k, v in entity.items()
        if k not in ("PartitionKey", "RowKey")
    }


def test_typed_properties_read_back_as_the_sdk_reads_them(store):
    s, table = store
    sdk = s._client(table)
    at = datetime(2026, 11, 30, 13, 0, 1, 234567, tzinfo=UTC)
    guid = uuid.UUID("c9da6455-213d-42c9-9a79-3e9149a57833")
    sdk.create_entity({
        "PartitionKey": "c1", "RowKey": "r1",
        "Cents": EntityProperty(12_100, EdmType.INT64),
        "Huge": EntityProperty(2**53 + 1, EdmType.INT64),
        "Small": 7, "Digits": "12100", "Paid": True, "At": at,
        "Blob": b"\x00\x01pdf", "Id": guid, "Rate": 1.5, "Text": "café 'quoted'",
    })  # fmt: skip
    row = s.get(table, "c1", "r1")
    assert row is not None
    assert row.data == _sdk_view(sdk.get_entity("c1", "r1"))
    assert row.data["Cents"] == 12_100 and row.data["Digits"] == "12100"
    assert row.data["At"] == at and row.data["Blob"] == b"\x00\x01pdf" and row.data["Id"] == guid
    assert row.etag == sdk.get_entity("c1", "r1").metadata["etag"]
    # the etag from a lean read guards a write through the SDK
    s.replace(table, Row("c1", "r1", {"Cents": 1}, row.etag))
    assert s.get(table, "c1", "r1").data == {"Cents": 1}  # type: ignore[union-attr]


def test_awkward_keys_read_back(store):
    s, table = store
    sdk = s._client(table)
    keys = [("O'Brien", "a|b c"), ("€uro", "100%&+=;$,:@!2f"), ("p", "'"), ("p", "(x)")]
    for pk, rk in keys:
        sdk.create_entity({"PartitionKey": pk, "RowKey": rk, "N": EntityProperty(1, EdmType.INT64)})
    for pk, rk in keys:
        row = s.get(table, pk, rk)
        assert row is not None and (row.pk, row.rk, row.data) == (pk, rk, {"N": 1})
    assert s.get(table, "O'Brien", "missing") is None
    found = s.get_many(table, "p", ["'", "(x)", "nope"])
    assert sorted(found) == ["'", "(x)"]
    assert [r.rk for r in all_rows(s, table, pk="O'Brien")] == ["a|b c"]


def test_queries_page_through_continuations_and_filter_on_types(store):
    s, table = store
    for i in range(7):
        s.insert(table, Row("p", f"r{i}", {"Odd": i % 2 == 1, "N": i, "Who": "O'Hara"}))
    s.insert(table, Row("q", "r0", {"Odd": True}))
    page = s.query(table, pk="p", page_size=3)
    assert [r.rk for r in page.rows] == ["r0", "r1", "r2"] and page.continuation
    rest = s.query(table, pk="p", page_size=3, continuation=page.continuation)
    assert [r.rk for r in rest.rows] == ["r3", "r4", "r5"]
    odd = [r.rk for r in all_rows(s, table, pk="p", equals={"Odd": True}, page_size=2)]
    assert odd == ["r1", "r3", "r5"]
    assert [r.rk for r in all_rows(s, table, pk="p", equals={"N": 4})] == ["r4"]
    assert len(list(all_rows(s, table, equals={"Who": "O'Hara"}))) == 7
    assert [r.pk for r in all_rows(s, table, pk_range=("q", "r"))] == ["q"]
    assert [r.rk for r in all_rows(s, table, pk="p", rk_range=("r2", "r4"))] == ["r2", "r3"]
    assert [r.rk for r in all_rows(s, table, page_size=5)][-1] == "r0"  # whole table, q last


def test_a_token_from_the_sdks_pager_continues_on_the_lean_reads(store):
    s, table = store
    for i in range(5):
        s.insert(table, Row("p", f"r{i}", {}))
    pager = s._client(table).query_entities("PartitionKey eq 'p'", results_per_page=2).by_page()
    next(pager)
    token = _token(pager.continuation_token)  # type: ignore[attr-defined]
    assert [r.rk for r in s.query(table, pk="p", page_size=2, continuation=token).rows] == [
        "r2",
        "r3",
    ]


def test_a_missing_table(store):
    s, _ = store
    assert s.get("nosuchtable1", "p", "r") is None
    with pytest.raises(ResourceNotFoundError):
        s.query("nosuchtable1", pk="p")


def test_every_lean_read_is_counted(store):
    s, table = store
    before = s.requests
    s.get(table, "p", "r")
    s.query(table, pk="p")
    assert s.requests - before == 2
