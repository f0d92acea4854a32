"""codereview15 F3: perf15's window answered "which invoices of this debtor are open" from all
his invoice rows (paid ones too, every page) and his own row, before knowing whether anything
was open. For a known payer with nothing open (120 invoices, all paid) a line read 362 rows and
2 point reads where the index's page of his open invoices read none. A debtor with a ledger (he
paid or was credited before: his history may be long) is asked of the index again when his
rows are more than a page (perf16: up to a page they answer and make his book, one read); a
debtor without one keeps perf15's saving (his invoice rows read once, for the answer and his
book). Since the index's version 5 (perf26: no ``d|`` rows) a debtor with more rows than a page
has them read page by page, kept for his book."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from shared.domain.records import PaymentSource
from shared.domain.statements.matching import MatchSettings
from shared.services.statement_lookups import ClientLookups
from shared.services.statements_window import StatementWindow
from tests.unit.api.conftest import debtor_row, invoice_row, make_world
from tests.unit.services.test_statement_window import PAID_ON, setup

PAID = 120


@contextmanager
def _counted(store: Any) -> Iterator[dict[str, list[Any]]]:
    seen: dict[str, list[Any]] = {"rows": [], "gets": []}
    query, get = store.query, store.get

    def q(table: str, *args: Any, **kw: Any) -> Any:
        page = query(table, *args, **kw)
        seen["rows"].append((table, len(page.rows)))
        return page

    def g(table: str, *args: Any, **kw: Any) -> Any:
        seen["gets"].append(table)
        return get(table, *args, **kw)

    store.query, store.get = q, g
    try:
        yield seen
    finally:
        store.query, store.get = query, get


def _world() -> tuple[Any, Any]:
    world = make_world()
    a = setup(world)
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D3", name="Oude Klant BV",
                                                                   kind="b2b")]})  # fmt: skip
    for start in range(0, PAID, 50):
        a.call("POST", "/v1/clients/C1/invoices", {"items": [
            invoice_row(f"H{n:04d}", "D3", amount="100.00", invoice_date="2025-03-01",
                        due_date="2025-04-01") for n in range(start, min(start + 50, PAID))
        ]})  # fmt: skip
    repos = world.services.repos
    found = repos.clients.get(a.call("GET", "/v1/clients/C1").body["client_id"])
    assert found is not None
    client = found[0]
    for n in range(PAID):  # his whole history paid
        world.services.payments.book(client, payment_id=f"p{n}", amount=10_000, received_on=PAID_ON,
                                     source=PaymentSource.BANK, invoice_numbers=[f"H{n:04d}"])  # fmt: skip
    return world, client


def _window(world: Any, client: Any, with_digest: bool) -> StatementWindow:
    digests = {}
    if with_digest:  # as the statement service hands it over, read before the claim
        ledger = world.services.payments.ledger.ledger
        digests = {client.client_id: ledger.ledger_debtors(client.client_id)}
    part = ClientLookups(world.services.repos, client, prefixed=False)
    return StatementWindow(
        cast(Any, world.services.statements), cast(Any, None), [client], cast(Any, None),
        part, MatchSettings(), cast(Any, None), lambda line, line_id: None,
        ledger_debtors=digests,
    )  # fmt: skip


def test_a_known_payer_with_nothing_open_costs_one_read_of_a_page_at_most() -> None:
    """perf16: his rows are read (the store's page of 1,000) to see whether anything is open:
    120 rows, so one request answers (nothing open), as the index's page did, with no point
    read and nothing of his ledger."""
    world, client = _world()
    for with_digest in (True, False):
        window = _window(world, client, with_digest)
        with _counted(world.services.repos.store) as seen:
            assert window.of_debtor("D3") == []
        assert seen["rows"] == [("Invoices", PAID)], seen
        # no digest handed over: the window reads it once (before any invoice rows)
        assert seen["gets"] == ([] if with_digest else ["Ledger"]), seen


def test_a_known_payer_with_more_than_a_page_has_his_rows_read_page_by_page() -> None:
    """More rows than a page (a store page of 50 here, 1,000 on Table Storage): perf16 dropped
    the page and asked the index's ``d|`` page; the index has no ``d|`` rows since its
    version 5 (perf26), so his rows are read page by page, kept for his book, his own row not
    read (nothing open)."""
    world, client = _world()
    store = world.services.repos.store
    query = store.query

    def paged(table: str, *args: Any, **kw: Any) -> Any:
        return query(table, *args, **{**kw, "page_size": min(kw.get("page_size", 1000), 50)})

    store.query = paged
    try:
        window = _window(world, client, with_digest=True)
        with _counted(store) as seen:
            assert window.of_debtor("D3") == []
    finally:
        store.query = query
    assert seen["rows"] == [("Invoices", 50), ("Invoices", 50), ("Invoices", 20)], seen
    assert seen["gets"] == [], seen
    assert len(window.invoice_rows[(client.client_id, "D3")]) == PAID  # kept for his book


def test_a_debtor_with_a_short_history_is_read_once_for_the_answer_and_his_book() -> None:
    """perf16: a debtor the ledger knows (he paid before) with fewer invoice rows than a page:
    the one read of them answers "which of his invoices are open" and makes his book; the
    index's ``d|`` page was read first and his rows again for the book (at scale 0.1 every
    such debtor a payer's account named: two range reads where one does)."""
    world, client = _world()
    world.services.payments.book(client, payment_id="part", amount=5_000, received_on=PAID_ON,
                                 source=PaymentSource.BANK, invoice_numbers=["F2"])  # fmt: skip
    window = _window(world, client, with_digest=True)
    with _counted(world.services.repos.store) as seen:
        [open_one] = window.of_debtor("D2")
        window._read_book(client, "D2", open_one)
    assert (open_one.number, open_one.open_amount) == ("F2", 20_000)
    assert open_one.debtor_name == "Piet Bakker"
    tables = [table for table, _ in seen["rows"]]
    assert "MatchIndex" not in tables, seen
    assert tables.count("Invoices") == 1, seen  # the answer's rows are the book's


def test_a_debtor_without_a_ledger_is_read_once_for_the_answer_and_his_book() -> None:
    world, client = _world()
    window = _window(world, client, with_digest=True)
    with _counted(world.services.repos.store) as seen:
        [open_one] = window.of_debtor("D2")
        window._read_book(client, "D2", open_one)
    assert (open_one.number, open_one.debtor_name) == ("F2", "Piet Bakker")
    # one read of his invoice rows serves both (perf15), the index not asked
    assert [table for table, _ in seen["rows"]] == ["Invoices"], seen
