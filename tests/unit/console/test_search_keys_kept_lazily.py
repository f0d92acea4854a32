"""The console's search keys are kept only once a first search has built a client's index
(perf28, issue #19): before it, that build wrote every key again anyway, so the import's keys
were 30 of the 62 storage requests of 1,000 new invoices. The first search still finds what
was imported, never a key of a version since replaced, and an import landing during the build
keeps its own keys."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.tables.keys import encode
from shared.adapters.tables.search_repo import BEGUN, BUILT, CONSOLE_SEARCH, SearchIndexRepository
from shared.domain.search.keys import DebtorBy, InvoiceBy
from shared.ports.tables import Row
from tests.support.search_index import import_c1, search_keys
from tests.unit.api.conftest import World, debtor_row, invoice_row
from tests.unit.people.conftest import Tenants


def _numbers(found: Any) -> list[str]:
    return [item.number for item in found.items]


def test_an_import_for_a_client_never_searched_writes_no_key(
    world: World, tenants: Tenants
) -> None:
    import_c1(
        world,
        [debtor_row("D1", name="Bakkerij Jansen")],
        [invoice_row("F-2025/001", "D1", amount="121.00")],
    )
    assert search_keys(world, tenants.c1) == {}
    search = world.services.console_search
    found = search.invoices(tenants.c1, "f2025", InvoiceBy.NUMBER, page_size=50, token=None)
    assert _numbers(found) == ["F-2025/001"]  # the first search built the index
    keys = search_keys(world, tenants.c1)
    assert BUILT in keys and f"dw|bakkerij|{encode('D1')}" in keys
    # from then on the import keeps the keys itself
    import_c1(world, [debtor_row("D2", name="Jan de Vries")], [invoice_row("G-77", "D2")])
    assert f"in|g77|{encode('G-77')}" in search_keys(world, tenants.c1)
    vries = search.debtors(tenants.c1, "vries", DebtorBy.NAME, page_size=50, token=None)
    assert [d.name for d in vries.items] == ["Jan de Vries"]


def test_keys_of_a_version_replaced_before_the_first_search_are_not_found(
    world: World, tenants: Tenants
) -> None:
    """Keys written before perf28 (here: as the import then wrote them, marker or not) whose
    debtor or invoice changed before the first search: the build deletes them."""
    repo = world.services.console_search.index
    repo._kept.add(tenants.c1)  # the import as it was: keys for every client
    import_c1(
        world,
        [debtor_row("D1", name="Bakkerij Jansen")],
        [invoice_row("F1", "D1", amount="121.00")],
    )
    assert f"dw|bakkerij|{encode('D1')}" in search_keys(world, tenants.c1)
    repo._kept.discard(tenants.c1)  # perf28 deployed: not searched, not kept
    import_c1(
        world,
        [debtor_row("D1", name="Broodhuis Jansen")],
        [invoice_row("F1", "D1", amount="99.00")],
    )
    search = world.services.console_search
    assert search.debtors(tenants.c1, "bakk", DebtorBy.NAME, page_size=50, token=None).items == []
    (found,) = search.debtors(tenants.c1, "brood", DebtorBy.NAME, page_size=50, token=None).items
    assert found.name == "Broodhuis Jansen"
    keys = search_keys(world, tenants.c1)
    assert not [k for k in keys if k.startswith(("dw|bakkerij|", "ia|000000000012100|"))]
    assert _numbers(
        search.invoices(tenants.c1, "99,00", InvoiceBy.AMOUNT, page_size=50, token=None)
    ) == ["F1"]


def test_an_import_during_the_first_build_keeps_its_keys(
    world: World, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build has marked the client and read the invoices when an import (another worker:
    its own repository, nothing cached) lands: that import writes its keys, and the build
    neither misses nor deletes them."""
    import_c1(world, [debtor_row("D1", name="Bakkerij Jansen")], [invoice_row("F1", "D1")])
    search = world.services.console_search
    other = SearchIndexRepository(world.store)
    read_invoices = world.services.repos.invoices.list

    def listed_then_imported(*args: Any, **kwargs: Any) -> Any:
        page = read_invoices(*args, **kwargs)
        monkeypatch.setattr(world.services.repos.invoices, "list", read_invoices)
        monkeypatch.setattr(search, "index", other)  # the import runs on another worker
        import_c1(world, [debtor_row("D2", name="Jan de Vries")], [invoice_row("F2", "D2")])
        monkeypatch.setattr(search, "index", repo)
        return page

    repo = search.index
    monkeypatch.setattr(world.services.repos.invoices, "list", listed_then_imported)
    search.ensure_built(tenants.c1)
    keys = search_keys(world, tenants.c1)
    assert f"in|f2|{encode('F2')}" in keys and f"dw|vries|{encode('D2')}" in keys
    assert _numbers(
        search.invoices(tenants.c1, "f2", InvoiceBy.NUMBER, page_size=50, token=None)
    ) == ["F2"]


def test_a_client_never_searched_asks_for_the_marker_once_a_request(
    world: World, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not kept: one range read of the two markers a request (no key written); once a
    marker is seen (a build begun here or elsewhere), not read again by this process."""
    reads: list[str] = []
    query, get = world.store.query, world.store.get

    def counted_query(table: str, **kwargs: Any) -> Any:
        reads.append(table)
        return query(table, **kwargs)

    def counted_get(table: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(table)
        return get(table, *args, **kwargs)

    monkeypatch.setattr(world.store, "query", counted_query)
    monkeypatch.setattr(world.store, "get", counted_get)
    import_c1(world, [debtor_row("D1")], [invoice_row("F1", "D1")])  # two requests
    assert reads.count(CONSOLE_SEARCH) == 2 and search_keys(world, tenants.c1) == {}
    assert "MatchIndex" not in reads  # its marker's copy came with the same read (perf31)
    reads.clear()  # a change that moves no key (a description) does not ask
    import_c1(world, [debtor_row("D1")], [invoice_row("F1", "D1", description="Levering mei")])
    assert reads.count(CONSOLE_SEARCH) == 0
    world.store.upsert(CONSOLE_SEARCH, Row(encode(tenants.c1), BEGUN, {"Begun": True}))
    reads.clear()
    import_c1(world, [debtor_row("D2")], [invoice_row("F2", "D2")])
    import_c1(world, [debtor_row("D3")], [invoice_row("F3", "D3")])
    # seen once (by D2's request), then cached; each invoice request still reads the markers
    # once, for the matching index's copy (perf31: in place of that index's own marker)
    assert reads.count(CONSOLE_SEARCH) == 3 and "MatchIndex" not in reads
    assert f"in|f3|{encode('F3')}" in search_keys(world, tenants.c1)
    # the first version's marker alone is no kept index (its build has the columns to write)
    world.store.upsert(CONSOLE_SEARCH, Row(encode(tenants.c2), "~built", {"Built": True}))
    assert not SearchIndexRepository(world.store).kept(tenants.c2)
