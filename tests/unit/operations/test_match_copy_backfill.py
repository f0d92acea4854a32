"""``inning backfill match-copies`` (matchcopy31): after the upgrade to index version 6
(perf31) an index built before has no copy of its marker in ``ConsoleSearch`` and its readers
build it again whole at the next statement. The backfill copies the marker, and marks the index
current, only where its rows are what a build would write now: a version-5 index its workers
kept, yes; one a version-6 import skipped (it found no copy, so it wrote no rows), no: that one
is left to the build, and the command says so. Idempotent: a second run finds it current."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.adapters.tables.keys import encode
from shared.adapters.tables.match_index_repo import (
    BUILDING,
    BUILT,
    MATCH_INDEX,
    VERSION,
    MatchIndexRepository,
)
from shared.adapters.tables.search_repo import CONSOLE_SEARCH, MATCHED
from shared.cli import app_settings
from shared.cli.main import main
from shared.ports.tables import Row, all_rows
from shared.services.operations.match_copy_backfill import THEN, copy_match_marker
from shared.services.statement_lookups import every_debtor
from tests.support.match_index import keep_index
from tests.unit.services.test_lazy_index_markers_one_read import _client_id, _import, _index
from tests.unit.services.test_statement_window import service, setup, statement


@pytest.fixture
def cid(world: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """A client whose index its statements built and whose imports kept (copy there), as
    the new version leaves it."""
    setup(world)
    monkeypatch.setattr(app_settings, "cli_services", lambda *_: world.services)
    client_id = _client_id(world)
    keep_index(world.services.repos.store, client_id)
    _import(world, "F3")  # kept: the index has its rows, as a worker of version 5 wrote them
    return client_id


def _as_built_by(world: Any, cid: str, version: int) -> None:
    """The index as a worker of ``version`` left it before the upgrade (no copy), met by
    the processes of the new version (nothing cached)."""
    store = world.services.repos.store
    _restart(world)
    marker = _index(world, cid)[BUILT]
    store.upsert(MATCH_INDEX, Row(marker.pk, BUILT, {**marker.data, "Version": version}))
    store.delete(CONSOLE_SEARCH, encode(cid), MATCHED)


def _restart(world: Any) -> None:
    """New processes (a deploy, or the app started after a restore): nothing cached."""
    index = world.services.repos.invoices.match_index
    index._kept.clear()
    index._built.clear()


def _trusted(world: Any, cid: str) -> tuple[bool, bool]:
    """What a worker that never met the client finds (its own repository: no cache)."""
    return MatchIndexRepository(world.services.repos.store).readable(cid)


def _copied(world: Any, cid: str) -> bool:
    return world.services.repos.store.get(CONSOLE_SEARCH, encode(cid), MATCHED) is not None


def test_a_version_5_index_its_workers_kept_is_copied_and_not_built_again(
    world: Any, cid: str
) -> None:
    _as_built_by(world, cid, 5)
    assert _trusted(world, cid) == (False, False)  # without the backfill: built again
    done = copy_match_marker(world.services.repos, cid)
    assert (done.outcome, done.missing, done.stale, done.changed) == ("copied", 0, 0, 0)
    assert done.then == "trusted as it is"
    rows = _index(world, cid)
    assert rows[BUILT].data["Version"] == VERSION
    assert rows[BUILT].data["Rows"] == len(rows) - 1
    assert _copied(world, cid)
    assert _trusted(world, cid) == (True, True)
    fresh = MatchIndexRepository(world.services.repos.store)
    repos = world.services.repos
    assert not fresh.ensure_built(cid, lambda: repos.invoices.open_invoices(cid), lambda: [])
    _import(world, "F4")  # the copy is read by the import: it keeps its rows
    assert {rk.split("|")[0] for rk in _index(world, cid) if "F4" in rk} == {"a", "t", "r"}


def test_a_second_run_finds_it_current_and_writes_nothing(world: Any, cid: str) -> None:
    _as_built_by(world, cid, 5)
    assert copy_match_marker(world.services.repos, cid).outcome == "copied"
    store = world.services.repos.store
    before = store.requests
    done = copy_match_marker(world.services.repos, cid)
    assert (done.outcome, done.then) == ("current", "trusted as it is")
    assert store.requests - before == 2  # the marker and its copy, read


def test_an_index_a_version_6_import_skipped_is_left_to_the_build(world: Any, cid: str) -> None:
    """The deploy ran before the backfill: an import of the new version found no copy and
    wrote no rows. The marker says built; the rows say otherwise: not blessed."""
    _as_built_by(world, cid, 5)
    _import(world, "F4")
    assert not any("F4" in rk for rk in _index(world, cid))
    done = copy_match_marker(world.services.repos, cid)
    assert (done.outcome, done.missing, done.stale, done.changed) == ("differs", 3, 0, 0)
    assert done.then == "built again whole"
    assert _index(world, cid)[BUILT].data["Version"] == 5
    assert _trusted(world, cid) == (False, False)
    data, _, _ = statement(world)  # the next statement builds it whole
    assert service(world, 50).ingest("agency-a/day.sta", data).booked >= 2
    rows = _index(world, cid)
    assert {rk.split("|")[0] for rk in rows if "F4" in rk} == {"a", "t", "r"}
    assert copy_match_marker(world.services.repos, cid).outcome == "current"


def test_changed_and_stale_rows_are_counted(world: Any, cid: str) -> None:
    """A row whose data a build would write otherwise, and a row it would delete."""
    _as_built_by(world, cid, 5)
    store = world.services.repos.store
    rows = _index(world, cid)
    rk = next(rk for rk in rows if rk.startswith("t|") and "F3" in rk)
    store.upsert(MATCH_INDEX, Row(rows[rk].pk, rk, {**rows[rk].data, "Name": "Iemand Anders"}))
    store.upsert(MATCH_INDEX, Row(encode(cid), "t|9999|GONE", {"Number": "GONE", "Open": 1}))
    done = copy_match_marker(world.services.repos, cid)
    assert (done.outcome, done.missing, done.stale, done.changed) == ("differs", 0, 1, 1)


def test_a_version_6_index_whose_copy_a_restore_lost(world: Any, cid: str) -> None:
    """Nothing imported since the restore: copied. An import since skipped its rows: the
    marker is lowered to 5 before the copy is written, so the copy never makes it trusted."""
    _as_built_by(world, cid, VERSION)
    assert copy_match_marker(world.services.repos, cid).outcome == "copied"
    assert _trusted(world, cid) == (True, True)
    world.services.repos.store.delete(CONSOLE_SEARCH, encode(cid), MATCHED)  # restored again
    _restart(world)
    _import(world, "F4")
    done = copy_match_marker(world.services.repos, cid)
    assert (done.outcome, done.missing) == ("differs", 3)
    assert _copied(world, cid)
    assert _index(world, cid)[BUILT].data["Version"] == 5
    assert _trusted(world, cid) == (False, False)


@pytest.mark.parametrize(
    ("version", "outcome", "then"),
    [
        (4, "earlier", "built again whole"),  # its d| rows and other rows: not today's shape
        (BUILDING, "unfinished", "built again whole"),
        (None, "none", "built when first needed"),
    ],
)
def test_indexes_it_leaves_as_they_are(
    world: Any, cid: str, version: int | None, outcome: str, then: str
) -> None:
    store = world.services.repos.store
    if version is None:
        store.delete(MATCH_INDEX, encode(cid), BUILT)
    else:
        _as_built_by(world, cid, version)
    before = _index(world, cid)
    done = copy_match_marker(world.services.repos, cid)
    assert (done.outcome, done.then) == (outcome, then)
    assert _index(world, cid) == before


def test_a_build_that_marks_during_the_check_is_left_as_it_is(world: Any, cid: str) -> None:
    """The marker is raised on its ETag: a statement's build that marked meanwhile wins and
    the command says to run it again."""
    _as_built_by(world, cid, 5)
    store = world.services.repos.store
    repos = world.services.repos

    def debtors_while_a_build_marks() -> list[Any]:
        marker = store.get(MATCH_INDEX, encode(cid), BUILT)
        assert marker is not None
        store.upsert(MATCH_INDEX, Row(marker.pk, BUILT, {**marker.data, "Rows": 1}))
        return list(every_debtor(repos, cid))

    index = MatchIndexRepository(store)
    load = lambda: repos.invoices.open_invoices(cid)  # noqa: E731
    done = index.adopt(cid, load, debtors_while_a_build_marks)
    assert (done.outcome, THEN[done.outcome]) == ("busy", "run the command again")
    assert _index(world, cid)[BUILT].data["Version"] == 5


def test_the_command_reports_each_client(
    world: Any, cid: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _as_built_by(world, cid, 5)
    assert main(["backfill", "match-copies", "--agency", "agency-a", "--json"]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert (report["agency"], report["client"], report["outcome"]) == ("agency-a", "C1", "copied")
    assert main(["backfill", "match-copies", "--agency", "agency-a", "--client", "C1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("\t")[:3] == ["agency", "client", "outcome"]
    assert out[1].split("\t") == ["agency-a", "C1", "current", "0", "0", "0", "trusted as it is"]
    assert all_rows(world.services.repos.store, CONSOLE_SEARCH, pk=encode(cid))
