"""The same contract against the in-memory fake and against Azurite: the fake may only be
used in unit tests because this suite proves it behaves like the real thing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.keys import InvalidKey
from shared.adapters.tables.memory import InMemoryTableStore
from shared.ports.tables import (
    Conflict,
    Op,
    OpKind,
    PreconditionFailed,
    Row,
    TableStore,
    TransactionFailed,
    prefix_range,
)


@pytest.fixture(params=["memory", "azurite"])
def store(request: pytest.FixtureRequest) -> Iterator[tuple[TableStore, str]]:
    table = "t" + uuid.uuid4().hex[:12]
    if request.param == "memory":
        s: TableStore = InMemoryTableStore()
    else:
        s = AzureTableStore.from_connection_string(request.getfixturevalue("storage_connection"))
    s.ensure_tables([table])
    yield s, table


def test_insert_get_and_conflict(store):
    s, t = store
    s.insert(t, Row("p", "a", {"amount": 5_000_000_000, "name": "x", "flag": True}))
    row = s.get(t, "p", "a")
    assert row is not None
    assert row.data["amount"] == 5_000_000_000 and row.data["flag"] is True
    assert row.etag
    with pytest.raises(Conflict):
        s.insert(t, Row("p", "a", {}))
    assert s.get(t, "p", "missing") is None


def test_replace_requires_matching_etag(store):
    s, t = store
    first = s.insert(t, Row("p", "a", {"v": 1}))
    second = s.replace(t, Row("p", "a", {"v": 2}, first.etag))
    with pytest.raises(PreconditionFailed):
        s.replace(t, Row("p", "a", {"v": 3}, first.etag))
    s.replace(t, Row("p", "a", {"v": 3}, second.etag))
    got = s.get(t, "p", "a")
    assert got is not None and got.data["v"] == 3


def test_none_values_are_dropped_on_replace(store):
    s, t = store
    s.upsert(t, Row("p", "a", {"v": 1, "note": "x"}))
    s.upsert(t, Row("p", "a", {"v": 1, "note": None}))
    got = s.get(t, "p", "a")
    assert got is not None and "note" not in got.data


def test_query_ranges_pages_and_filters(store):
    s, t = store
    ops = [
        Op(OpKind.UPSERT, Row("c1", f"d|{i:03d}", {"kind": "b2b" if i % 2 else "b2c"}))
        for i in range(25)
    ]
    s.transact(t, ops)
    s.insert(t, Row("c2", "d|000", {"kind": "b2c"}))
    seen: list[str] = []
    token = None
    while True:
        page = s.query(t, pk="c1", rk_range=prefix_range("d|"), page_size=10, continuation=token)
        seen += [r.rk for r in page.rows]
        token = page.continuation
        if not token:
            break
    assert seen == [f"d|{i:03d}" for i in range(25)]
    b2b = s.query(t, pk="c1", equals={"kind": "b2b"}).rows
    assert len(b2b) == 12
    ranged = s.query(t, pk_range=prefix_range("c"), rk_range=("d|000", "d|001")).rows
    assert [(r.pk, r.rk) for r in ranged] == [("c1", "d|000"), ("c2", "d|000")]


def test_get_many_reads_dense_and_sparse_keys(store):
    s, t = store
    s.transact(t, [Op(OpKind.INSERT, Row("p", f"k{i:02d}", {"i": i})) for i in range(40)])
    wanted = [f"k{i:02d}" for i in range(0, 40, 2)] + ["nope"]
    found = s.get_many(t, "p", wanted)
    assert sorted(found) == sorted(wanted[:-1])
    assert found["k10"].data["i"] == 10


def test_transaction_is_all_or_nothing(store):
    s, t = store
    s.insert(t, Row("p", "b", {}))
    with pytest.raises(TransactionFailed) as info:
        s.transact(t, [Op(OpKind.INSERT, Row("p", "a", {})), Op(OpKind.INSERT, Row("p", "b", {}))])
    assert isinstance(info.value.cause, Conflict)
    assert s.get(t, "p", "a") is None


def test_transaction_replace_with_stale_etag_fails(store):
    s, t = store
    first = s.insert(t, Row("p", "a", {"v": 1}))
    s.replace(t, Row("p", "a", {"v": 2}, first.etag))
    with pytest.raises(TransactionFailed) as info:
        s.transact(t, [Op(OpKind.REPLACE, Row("p", "a", {"v": 3}, first.etag))])
    assert isinstance(info.value.cause, PreconditionFailed)


def test_forbidden_key_characters_are_refused(store):
    s, t = store
    for bad in ("a/b", "a#b", "a?b", "a\\b", "a\x01b"):
        with pytest.raises(InvalidKey):
            s.insert(t, Row("p", bad, {}))


def test_floats_are_never_stored(store):
    s, t = store
    with pytest.raises(TypeError):
        s.insert(t, Row("p", "f", {"amount": 1.5}))


def test_get_many_falls_back_to_point_reads_for_sparse_keys(store):
    s, t = store
    rows = [Row("p", f"k{i:05d}", {"i": i}) for i in range(2500)]
    for start in range(0, len(rows), 100):
        s.transact(t, [Op(OpKind.INSERT, r) for r in rows[start : start + 100]])
    wanted = [f"k{i:05d}" for i in range(0, 2500, 125)] + ["k99999", "a"]
    found = s.get_many(t, "p", wanted)
    assert sorted(found) == sorted(wanted[:-2])


def test_cli_onboards_an_agency(storage_connection, monkeypatch, capsys):
    from shared import bootstrap
    from shared.cli.main import main

    monkeypatch.setenv("AzureWebJobsStorage", storage_connection)
    bootstrap.reset()
    try:
        assert main(["agency", "create", "cli-agency", "--name", "CLI", "--json"]) == 0
        out = __import__("json").loads(capsys.readouterr().out)
        assert bootstrap.services().access.authenticate(out["key"]) is not None
        assert main(["agency", "create", "cli-agency", "--name", "CLI"]) == 2
        assert main(["agency", "create", "x", "--name", "X", "--iban", "NL00"]) == 2
    finally:
        bootstrap.reset()


def test_deleting_a_row_that_is_not_there_is_no_error(store):
    """azure-data-tables' ``delete_entity`` answers a 404 with nothing (with an ETag too): a
    delete is done once the row is gone, whoever took it. Inside a transaction the service
    refuses the whole batch (ResourceNotFound), and a changed ETag is refused on its own."""
    s, t = store
    s.delete(t, "p", "never")
    first = s.insert(t, Row("p", "a", {"v": 1}))
    s.delete(t, "p", "a", first.etag)
    s.delete(t, "p", "a", first.etag)  # gone already: a retry of the delete
    assert s.get(t, "p", "a") is None
    second = s.insert(t, Row("p", "b", {"v": 1}))
    s.replace(t, Row("p", "b", {"v": 2}, second.etag))
    with pytest.raises(PreconditionFailed):
        s.delete(t, "p", "b", second.etag)
    s.insert(t, Row("p", "c", {}))
    with pytest.raises(TransactionFailed) as info:
        s.transact(t, [Op(OpKind.DELETE, Row("p", "c")), Op(OpKind.DELETE, Row("p", "never"))])
    assert isinstance(info.value.cause, PreconditionFailed)
    assert s.get(t, "p", "c") is not None
