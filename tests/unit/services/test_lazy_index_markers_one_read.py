"""perf31 (issue #19): an import learns whether the statement matching index and the console's
search keys are kept with one range read of the client's ``ConsoleSearch`` partition: the
index's build copies its marker there (``~matched``), next to the console's own markers. Before,
the import read the ``MatchIndex`` marker apart (31 storage requests of 1,000 new invoices, 30
now). The import trusts the copy's absence; so the index's readers trust a marker only beside
its copy: a restore that brings ``ConsoleSearch`` back from before the build leaves an index the
imports since did not keep, built again whole by the next statement."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.tables.keys import encode
from shared.adapters.tables.match_index_repo import BUILT, MATCH_INDEX, VERSION
from shared.adapters.tables.search_repo import CONSOLE_SEARCH, MATCHED
from shared.ports.tables import Row, all_rows
from tests.support.match_index import keep_index
from tests.unit.api.conftest import invoice_row
from tests.unit.services.test_statement_window import service, setup, statement

NEW = 120  # three chunks of the import: the markers are read once a request, not a chunk


def _client_id(world: Any) -> str:
    return str(world.agency_a.call("GET", "/v1/clients/C1").body["client_id"])


def _index(world: Any, client_id: str) -> dict[str, Row]:
    rows = all_rows(world.services.repos.store, MATCH_INDEX, pk=encode(client_id))
    return {r.rk: r for r in rows}


def _import(world: Any, *numbers: str) -> None:
    items = [
        invoice_row(n, "D1", amount="30.00", invoice_date="2025-03-01", due_date="2025-04-01")
        for n in numbers
    ]
    reply = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": items})
    assert reply.status == 200 and reply.body["created"] == len(numbers), reply.body


def _reads(world: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables of every read from now on (point, range and batched reads)."""
    reads: list[str] = []
    store = world.store
    for name in ("get", "query", "get_many"):
        method = getattr(store, name)

        def counted(table: str, *args: Any, _method: Any = method, **kwargs: Any) -> Any:
            reads.append(table)
            return _method(table, *args, **kwargs)

        monkeypatch.setattr(store, name, counted)
    return reads


def _marker_reads(reads: list[str]) -> tuple[int, int]:
    return reads.count(CONSOLE_SEARCH), reads.count(MATCH_INDEX)


def test_an_import_reads_both_markers_in_one_read(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client neither matched nor searched: one read of the console's partition for the
    request of 120 new invoices, none of the index's marker; the request's storage requests
    one fewer than the two reads cost."""
    setup(world)
    reads = _reads(world, monkeypatch)
    store = world.services.repos.store
    _import(world, *(f"N{i:04d}" for i in range(NEW)))
    assert _marker_reads(reads) == (1, 0)  # were (1, 1): a range read here, a point read there
    reads.clear()
    before = store.requests  # a second request: what the process keeps is kept (the caller's)
    _import(world, *(f"K{i:04d}" for i in range(NEW)))
    one_read = store.requests - before
    assert _marker_reads(reads) == (1, 0)
    assert _index(world, _client_id(world)) == {}
    # the same request with the index's marker read apart, as before perf31: one more
    monkeypatch.setattr(world.services.imports, "index_marks", None)
    before = store.requests
    _import(world, *(f"M{i:04d}" for i in range(NEW)))
    assert store.requests - before == one_read + 1


def test_a_matched_client_keeps_its_index_from_the_one_read(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's copy is what the import reads: a matched client's new invoices are indexed,
    still without a read of the index's marker."""
    setup(world)
    cid = _client_id(world)
    keep_index(world.services.repos.store, cid)  # a statement met the client (another worker)
    assert world.services.repos.store.get(CONSOLE_SEARCH, encode(cid), MATCHED) is not None
    reads = _reads(world, monkeypatch)
    _import(world, "F3")
    assert _marker_reads(reads)[1] == 0
    assert {rk.split("|")[0] for rk in _index(world, cid) if "F3" in rk} == {"a", "t", "r"}


def test_an_index_whose_copy_a_restore_lost_is_built_again(world: Any) -> None:
    """``ConsoleSearch`` restored from a night before the build (its export ran first): the
    marker is there, its copy is not. An import then writes no rows (it trusts the copy's
    absence), so the index is not readable, and the next statement builds it again whole,
    copy first: the import's invoice is found, and later imports keep their rows."""
    setup(world)
    cid = _client_id(world)
    store = world.services.repos.store
    keep_index(store, cid)
    store.delete(CONSOLE_SEARCH, encode(cid), MATCHED)  # the restore (the app was stopped)
    _import(world, "F3")
    assert not any("F3" in rk for rk in _index(world, cid))  # not kept, by the copy
    index = world.services.repos.invoices.match_index
    assert index.readable(cid) == (False, False)  # not trusted: its build is asked for
    data, _, _ = statement(world)
    report = service(world, 50).ingest("agency-a/day.sta", data)
    assert report.booked >= 2
    rows = _index(world, cid)
    assert {rk.split("|")[0] for rk in rows if "F3" in rk} == {"a", "t", "r"}
    assert rows[BUILT].data["Version"] == VERSION
    assert store.get(CONSOLE_SEARCH, encode(cid), MATCHED) is not None
    assert index.readable(cid) == (True, True)
    _import(world, "F4")
    assert {rk.split("|")[0] for rk in _index(world, cid) if "F4" in rk} == {"a", "t", "r"}


def test_a_copy_without_its_marker_is_no_built_index(world: Any) -> None:
    """The other way round (``MatchIndex`` restored from before the build): the copy makes the
    imports keep rows (harmless), the marker's absence makes the next statement build."""
    setup(world)
    cid = _client_id(world)
    store = world.services.repos.store
    keep_index(store, cid)
    store.delete(MATCH_INDEX, encode(cid), BUILT)
    _import(world, "F3")
    assert {rk.split("|")[0] for rk in _index(world, cid) if "F3" in rk} == {"a", "t", "r"}
    index = world.services.repos.invoices.match_index
    assert index.readable(cid) == (False, False)
    repos = world.services.repos
    assert index.ensure_built(cid, lambda: repos.invoices.open_invoices(cid), lambda: [])
    assert _index(world, cid)[BUILT].data["Version"] == VERSION


def test_an_index_built_before_the_copy_is_built_again(world: Any) -> None:
    """Version 5 (no copy): its client's imports since the deploy kept no rows; the next
    statement builds it again whole and marks it current."""
    setup(world)
    cid = _client_id(world)
    store = world.services.repos.store
    keep_index(store, cid)
    marker = _index(world, cid)[BUILT]
    store.upsert(MATCH_INDEX, Row(marker.pk, BUILT, {**marker.data, "Version": 5}))
    store.delete(CONSOLE_SEARCH, encode(cid), MATCHED)
    _import(world, "F3")
    assert not any("F3" in rk for rk in _index(world, cid))
    index = world.services.repos.invoices.match_index
    assert index.readable(cid) == (False, False)
    repos = world.services.repos
    assert index.ensure_built(cid, lambda: repos.invoices.open_invoices(cid), lambda: [])
    rows = _index(world, cid)
    assert {rk.split("|")[0] for rk in rows if "F3" in rk} == {"a", "t", "r"}
    assert rows[BUILT].data["Version"] == VERSION
