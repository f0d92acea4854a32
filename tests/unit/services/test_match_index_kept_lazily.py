"""perf27 (issue #19): the statement matching index is kept only for a client a statement (or a
reply quoting a betalingskenmerk) has met. Before, every import wrote three index rows an open
invoice for every client: 31 of the 93 storage requests of 1,000 new invoices. Now a client
without an index gets none written, the first statement builds it (marking the client before
it reads, so an import landing meanwhile indexes its own invoices), rows left by the writers
before perf27 are deleted by that build, and a reply quoting a kenmerk finds its debtor."""

from __future__ import annotations

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
from shared.domain.inbound.matching import Evidence
from shared.domain.inbound.text import split_reply
from shared.ports.tables import Row, all_rows
from shared.services.inbound.candidates import CandidateFinder, IndexPending
from tests.unit.api.conftest import invoice_row
from tests.unit.services.test_statement_window import (
    reference,
    service,
    setup,
    statement,
)


def _client_id(world: Any) -> str:
    return str(world.agency_a.call("GET", "/v1/clients/C1").body["client_id"])


def _index(world: Any, client_id: str) -> dict[str, Row]:
    rows = all_rows(world.services.repos.store, MATCH_INDEX, pk=encode(client_id))
    return {r.rk: r for r in rows}


def _import(world: Any, number: str, debtor: str, amount: str) -> None:
    reply = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row(number, debtor, amount=amount, invoice_date="2025-03-01",
                    due_date="2025-04-01"),
    ]})  # fmt: skip
    assert reply.status == 200 and reply.body["created"] == 1, reply.body


def test_an_import_of_a_client_no_statement_met_writes_no_index_rows(world: Any) -> None:
    setup(world)  # F1 and F2 imported, their debtors: no statement yet
    cid = _client_id(world)
    assert _index(world, cid) == {}
    store = world.services.repos.store
    before = store.requests
    _import(world, "F3", "D1", "30.00")
    first = store.requests - before
    assert _index(world, cid) == {}
    # a later import asks again (nothing cached while there is no index): one point read
    before = store.requests
    _import(world, "F4", "D2", "40.00")
    assert store.requests - before == first


def test_the_first_statement_builds_the_index_and_books(world: Any) -> None:
    setup(world)
    cid = _client_id(world)
    data, _, _ = statement(world)
    report = service(world, 50).ingest("agency-a/day.sta", data)
    assert (report.lines, report.booked, report.unmatched) == (4, 3, 1)
    marker = _index(world, cid)[BUILT]
    assert marker.data["Version"] == VERSION
    # from now on the import keeps the index: F3's own rows, written by the import
    _import(world, "F3", "D1", "30.00")
    assert {rk.split("|")[0] for rk in _index(world, cid) if "F3" in rk} == {"a", "t", "r"}


def test_an_import_during_the_first_build_indexes_its_own_invoices(world: Any) -> None:
    """The build marks the client, then reads the open invoices: an import between the two
    (after the mark, its invoices not in the build's read) writes its rows itself."""
    setup(world)
    cid = _client_id(world)
    repos = world.services.repos
    index = MatchIndexRepository(repos.store)  # another worker's: the import reads the mark
    read = repos.invoices.open_invoices

    reads: list[str] = []

    def import_then_read() -> Any:
        reads.append("read")
        if len(reads) > 1:  # the build's read-back (its settle) reads as it is
            return read(cid)
        _import(world, "F3", "D1", "30.00")  # lands after the mark, before the read
        return []  # the build's read saw none of them: F3's rows are the import's own

    assert index.ensure_built(cid, import_then_read, lambda: [])
    rows = _index(world, cid)
    assert {rk.split("|")[0] for rk in rows if "F3" in rk} == {"a", "t", "r"}
    assert rows[BUILT].data["Version"] == VERSION
    assert [i.number for i in read(cid)] == ["F1", "F2", "F3"]


def test_rows_left_before_perf27_are_deleted_by_the_first_build(world: Any) -> None:
    """Before perf27 every client's writers wrote index rows, with or without a build; a
    client without a marker has them no longer kept, so they may be stale: the first build
    deletes those its read does not give (a paid invoice's), keeps the others."""
    setup(world)
    cid = _client_id(world)
    pk = encode(cid)
    store = world.services.repos.store
    stale = Row(pk, f"a|{12_100:015d}|{encode('F9')}", {"Number": "F9", "Debtor": "D1",
                                                        "Open": 12_100})  # fmt: skip
    store.upsert(MATCH_INDEX, stale)
    repos = world.services.repos
    index = repos.invoices.match_index
    assert index.ensure_built(cid, lambda: repos.invoices.open_invoices(cid), lambda: [])
    rows = _index(world, cid)
    assert stale.rk not in rows
    assert {rows[rk].data["Number"] for rk in rows if rk != BUILT} == {"F1", "F2"}


def test_a_first_build_that_died_after_its_mark_is_built_again(world: Any) -> None:
    setup(world)
    cid = _client_id(world)
    repos = world.services.repos
    repos.store.upsert(MATCH_INDEX, Row(encode(cid), BUILT, {"Rows": 0, "Version": BUILDING}))
    index = repos.invoices.match_index
    assert index.kept(cid)  # begun: writers keep it
    assert index.ensure_built(cid, lambda: repos.invoices.open_invoices(cid), lambda: [])
    rows = _index(world, cid)
    assert rows[BUILT].data["Version"] == VERSION
    assert {rows[rk].data["Number"] for rk in rows if rk != BUILT} == {"F1", "F2"}


def test_a_reply_quoting_a_kenmerk_finds_its_debtor_without_a_statement(world: Any) -> None:
    """The inbound mailbox looks a betalingskenmerk up in the index: a client no statement
    met has it built then (before, every import wrote it), on its own queue since ops28."""
    from shared.services.match_index_ready import BUILD_QUEUE
    from shared.services.queue_jobs import build_match_index

    setup(world)
    cid = _client_id(world)
    kenmerk = reference(world, "F2")
    client = world.services.repos.clients.get(cid)[0]
    s = world.services
    finder = CandidateFinder(s.repos, s.messaging.outbox, s.clock, s.queues)
    text = split_reply(f"Goedemiddag,\n\nIk heb {kenmerk} gisteren betaald.\n")
    with pytest.raises(IndexPending):  # the build is asked for, not run here (ops28)
        finder.hits([client], "iemand@example.nl", {}, text, "betaling")
    for message in s.queues.take(BUILD_QUEUE):
        build_match_index(s, message.body.encode())
    hits = finder.hits([client], "iemand@example.nl", {}, text, "betaling")
    assert [(h.debtor_number, h.evidence) for h in hits if h.evidence is Evidence.REFERENCE] == [
        ("D2", Evidence.REFERENCE)
    ]


def test_a_statement_on_a_built_index_asks_for_it_once(world: Any) -> None:
    """The statement's build check reads the marker; its writers then ask no more (a second
    read of it a file was 0.05 requests a line in statement_small)."""
    setup(world)
    cid = _client_id(world)
    repos = world.services.repos
    MatchIndexRepository(repos.store).ensure_built(
        cid, lambda: repos.invoices.open_invoices(cid), lambda: []
    )  # another worker built it
    index = repos.invoices.match_index
    assert not index.ensure_built(cid, lambda: [], lambda: [])  # one read: built
    before = repos.store.requests
    assert index.kept(cid)
    assert repos.store.requests == before
