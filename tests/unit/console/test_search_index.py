"""The console's search index as the import keeps it: a debtor's keys carry the list's columns
(a page of found debtors reads no debtor), only what changed is written (an unchanged re-send
writes nothing, no read of the index either), keys that went away are deleted, an invoice's
payment writes nothing, and keys from the first version of the index (no columns) still work
and are rewritten once. Each starts from a client whose index a first search has built (since
perf28 the import keeps keys only for such a client: tests/unit/console/
test_search_keys_kept_lazily.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.adapters.tables.keys import encode
from shared.adapters.tables.search_repo import BUILT, CONSOLE_SEARCH
from shared.domain.records import PaymentSource
from shared.domain.search.keys import DebtorBy, InvoiceBy
from shared.ports.tables import Row
from tests.support.search_index import import_c1, keep_search, search_keys
from tests.unit.api.conftest import World, debtor_row, invoice_row
from tests.unit.people.conftest import Tenants


@pytest.fixture(autouse=True)
def searched(world: World, tenants: Tenants) -> None:
    """Both clients' indexes built by a first search before anything is imported."""
    keep_search(world.services.console_search, tenants.c1)
    keep_search(world.services.console_search, tenants.c2)


@pytest.fixture
def written(world: World, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many keys each index write wrote."""
    index = world.services.console_search.index
    counts: list[int] = []
    original = index.write

    def counting(client_id: str, entries: Any) -> int:
        counts.append(original(client_id, entries))
        return counts[-1]

    monkeypatch.setattr(index, "write", counting)
    return counts


def _no_debtor_reads(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("a debtor was read")

    monkeypatch.setattr(world.services.repos.debtors, "get_many", refuse)
    monkeypatch.setattr(world.services.repos.debtors, "get", refuse)


def test_a_page_of_found_debtors_reads_no_debtor(
    world: World, tenants: Tenants, monkeypatch
) -> None:
    row = debtor_row("D1", name="Bakkerij Jansen", kind="b2b")
    import_c1(world, [row, debtor_row("D2", name="Jan de Vries")])
    search = world.services.console_search
    search.ensure_built(tenants.c1)
    _no_debtor_reads(world, monkeypatch)
    (found,) = search.debtors(
        tenants.c1, "jansen bakk", DebtorBy.NAME, page_size=50, token=None
    ).items
    assert (found.number, found.name, found.kind.value) == ("D1", "Bakkerij Jansen", "b2b")
    assert found.emails == tuple(row.get("emails") or ()) and found.segment == "default"
    by_number = search.debtors(tenants.c1, "d2", DebtorBy.NUMBER, page_size=50, token=None).items
    assert [d.name for d in by_number] == ["Jan de Vries"]


def test_a_re_sent_import_writes_nothing_and_a_change_only_what_changed(
    world: World, tenants: Tenants, written: list[int]
) -> None:
    debtors = [debtor_row("D1", name="Bakkerij Jansen"), debtor_row("D2", name="Jan de Vries")]
    invoices = [invoice_row("F1", "D1", amount="121.00"), invoice_row("F2", "D2", amount="50.00")]
    import_c1(world, debtors, invoices)
    first = sum(written)
    assert first == (1 + 2) + (1 + 3) + 2 * 3  # number and words of each debtor; in, ia, ir
    written.clear()
    import_c1(world, debtors, invoices)  # at-least-once: the same request again
    assert sum(written) == 0
    # a new e-mail address is shown in the list: every key of that debtor carries it
    changed = dict(debtors[0], emails=["nieuw@bakkerij.example"])
    import_c1(world, [changed])
    assert sum(written) == 3
    keys = search_keys(world, tenants.c1)
    assert "nieuw@bakkerij.example" in keys[f"dw|bakkerij|{encode('D1')}"]["Emails"]


def test_keys_that_went_away_are_deleted(world: World, tenants: Tenants) -> None:
    import_c1(
        world,
        [debtor_row("D1", name="Bakkerij Jansen")],
        [invoice_row("F1", "D1", amount="121.00")],
    )
    import_c1(
        world,
        [debtor_row("D1", name="Broodhuis Jansen")],
        [invoice_row("F1", "D1", amount="99.00")],
    )
    keys = search_keys(world, tenants.c1)
    assert not [k for k in keys if k.startswith("dw|bakkerij|")]
    assert f"dw|broodhuis|{encode('D1')}" in keys and f"dw|jansen|{encode('D1')}" in keys
    assert not [k for k in keys if k.startswith("ia|000000000012100|")]
    search = world.services.console_search
    found = search.invoices(tenants.c1, "99,00", InvoiceBy.AMOUNT, page_size=50, token=None)
    assert [i.number for i in found.items] == ["F1"]
    assert (
        search.invoices(tenants.c1, "121,00", InvoiceBy.AMOUNT, page_size=50, token=None).items
        == []
    )


def test_a_payment_writes_no_key_and_the_list_shows_what_is_open_now(
    world: World, tenants: Tenants, written: list[int]
) -> None:
    import_c1(
        world,
        [debtor_row("D1", name="Bakkerij Jansen")],
        [invoice_row("F1", "D1", amount="121.00")],
    )
    written.clear()
    stored = world.services.repos.clients.get(tenants.c1)
    assert stored
    client = stored[0]
    world.services.payments.book(client, payment_id="p1", amount=12100, received_on=date(2025, 3, 2),
                                 source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    assert written == []
    (invoice,) = world.services.console_search.invoices(
        tenants.c1, "f1", InvoiceBy.NUMBER, page_size=50, token=None
    ).items
    assert invoice.open_amount < 12100  # read from the invoice, not from the index


def test_keys_of_the_first_version_are_read_through_and_rewritten_once(
    world: World, tenants: Tenants, monkeypatch
) -> None:
    import_c1(world, [debtor_row("D1", name="Bakkerij Jansen", kind="b2b")])
    store, pk = world.store, encode(tenants.c1)
    for rk in list(search_keys(world, tenants.c1)):  # as the first version left them
        store.delete(CONSOLE_SEARCH, pk, rk)
    store.upsert(CONSOLE_SEARCH, Row(pk, f"dw|bakkerij|{encode('D1')}", {"Number": "D1", "Name": "Bakkerij Jansen"}))  # fmt: skip
    store.upsert(CONSOLE_SEARCH, Row(pk, "~built", {"Built": True}))
    search = world.services.console_search
    # with the index marked built for this version, a key without columns reads the debtor
    store.upsert(CONSOLE_SEARCH, Row(pk, BUILT, {"Built": True}))
    (found,) = search.debtors(tenants.c1, "bakk", DebtorBy.NAME, page_size=50, token=None).items
    assert (found.name, found.kind.value) == ("Bakkerij Jansen", "b2b")
    # a client not yet built for this version is rebuilt once, with the columns
    store.delete(CONSOLE_SEARCH, pk, BUILT)
    search.ensure_built(tenants.c1)
    assert search_keys(world, tenants.c1)[f"dw|bakkerij|{encode('D1')}"]["Kind"] == "b2b"
    _no_debtor_reads(world, monkeypatch)
    (found,) = search.debtors(tenants.c1, "bakk", DebtorBy.NAME, page_size=50, token=None).items
    assert found.kind.value == "b2b"


def test_one_clients_search_never_finds_anothers(world: World, tenants: Tenants) -> None:
    import_c1(world, [debtor_row("D1", name="Bakkerij Jansen")])
    reply = world.agency_a.call(
        "POST", "/v1/clients/C2/debtors", {"items": [debtor_row("X1", name="Bakkerij Elders")]}
    )
    assert reply.status == 200  # fmt: skip
    found = world.services.console_search.debtors(
        tenants.c2, "bakk", DebtorBy.NAME, page_size=50, token=None
    )
    assert [d.number for d in found.items] == ["X1"]  # fmt: skip


def test_a_narrowed_search_pages_by_key_through_every_match_once(
    world: World, tenants: Tenants
) -> None:
    rows = [debtor_row(f"A{n:03d}", name=f"de Boer {n}") for n in range(150)]
    rows += [debtor_row(f"B{n:03d}", name=f"de Vries {n}") for n in range(0, 150, 2)]
    import_c1(world, rows)
    search = world.services.console_search
    seen: list[str] = []
    token: str | None = None
    for _ in range(10):
        page = search.debtors(tenants.c1, "de v", DebtorBy.NAME, page_size=20, token=token)
        assert len(page.items) <= 20 and all(d.name.startswith("de Vries") for d in page.items)
        seen += [d.number for d in page.items]
        token = page.next
        if token is None:
            break
    assert sorted(seen) == sorted(f"B{n:03d}" for n in range(0, 150, 2))  # each once
    # a token from elsewhere (another range, an edit) starts from the range's beginning
    again = search.debtors(tenants.c1, "de v", DebtorBy.NAME, page_size=20, token="dw|zzz|x")
    assert [d.number for d in again.items] == seen[:20]


def test_a_name_of_several_words_reads_the_narrowest_word_whole(
    world: World, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Among 700 "Debtor n", "debtor zwart" reads the five keys of "zwart" side by side with
    one page of "debtor", rather than scanning the 700 of "debtor" (the longer word) to the
    end, where the five sort: the longest word is not always the narrowest."""
    rows = [debtor_row(f"D{n:04d}", name=f"Debtor {n}") for n in range(1, 701)]
    rows += [debtor_row(f"D9{n:03d}", name=f"Debtor Zwart {n}") for n in range(1, 6)]
    import_c1(world, rows)
    search = world.services.console_search
    search.ensure_built(tenants.c1)
    _no_debtor_reads(world, monkeypatch)
    queries: list[int] = []
    query = world.store.query

    def counting(*args: Any, **kwargs: Any) -> Any:
        page = query(*args, **kwargs)
        queries.append(len(page.rows))
        return page

    monkeypatch.setattr(world.store, "query", counting)
    shown: list[str] = []
    token: str | None = None
    for _ in range(5):
        queries.clear()
        found = search.debtors(tenants.c1, "debtor zwart", DebtorBy.NAME, page_size=2, token=token)
        assert len(queries) <= 2  # the two words' ranges, side by side
        shown += [d.name for d in found.items]
        token = found.next
        if token is None:
            break
    assert shown == [f"Debtor Zwart {n}" for n in range(1, 6)]
    # one word alone is still its own range, scanned as before
    alone = search.debtors(tenants.c1, "debtor", DebtorBy.NAME, page_size=50, token=None)
    assert len(alone.items) == 50 and alone.next is not None
