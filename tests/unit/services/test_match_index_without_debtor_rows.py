"""perf26 (issues #13 and #19): the matching index without its ``d|debtor|invoice`` rows.

An open invoice wrote four index rows; the ``d|`` one repeated, for open invoices, the debtor's
own invoice rows (``Invoices``, ``i|debtor|``), which a statement window reads anyway. The
rows are written no more, and the three readers left (the one-line path's ``of_debtor``, a
payment plan's reference, a redone line's index check) read the debtor's invoice rows or the
invoice's own keys instead. An index built before (version 4) keeps its ``d|`` rows until the
first statement that meets its client deletes them; until then nothing reads them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from shared.adapters.tables.keys import encode
from shared.adapters.tables.match_index_repo import BUILT, MATCH_INDEX, VERSION
from shared.domain.records import AllocatedAmount, Payment, PaymentSource
from shared.domain.statements.matching import RANGE_CAP
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.ports.tables import Row, all_rows, prefix_range
from shared.services.statement_lookups import ClientLookups, PooledLookups
from shared.services.statements_redo import _repair_index
from tests.support.match_index import keep_index
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.plans.test_plan_reference_designates import _plan
from tests.unit.services.test_statement_window import (
    ACCOUNT,
    OTHER,
    PAID_ON,
    payments,
    service,
    setup,
    statement,
)


def _index_rows(world: Any, client_id: str) -> list[Row]:
    return list(all_rows(world.services.repos.store, MATCH_INDEX, pk=encode(client_id)))


def _debtor_rows(world: Any, client_id: str) -> list[str]:
    return [r.rk for r in _index_rows(world, client_id) if r.rk.startswith("d|")]


@contextmanager
def _ranges(store: Any) -> Iterator[list[tuple[str, Any]]]:
    """Every range read (table, row-key range) made inside."""
    seen: list[tuple[str, Any]] = []
    query = store.query

    def counted(table: str, *args: Any, **kw: Any) -> Any:
        seen.append((table, kw.get("rk_range")))
        return query(table, *args, **kw)

    store.query = counted
    try:
        yield seen
    finally:
        store.query = query


def _index_by_debtor(seen: list[tuple[str, Any]]) -> list[Any]:
    return [
        r for t, r in seen if t == MATCH_INDEX and isinstance(r, tuple) and r[0].startswith("d|")
    ]


def _client(world: Any, a: Any) -> Any:
    client_id = a.call("GET", "/v1/clients/C1").body["client_id"]
    found = world.services.repos.clients.get(client_id)
    assert found is not None
    return found[0]


def test_an_import_a_payment_and_a_credit_write_no_debtor_row(world: Any) -> None:
    """The import's rows (issue #19: 10 requests of every 1,000 invoices were the d| rows'),
    and every other maintainer of the index: a payment, a credit note."""
    a = setup(world)
    client = _client(world, a)
    keep_index(world.services.repos.store, client.client_id)  # a statement met the client
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F3", "D1", amount="30.00", invoice_date="2025-03-01", due_date="2025-04-01"),
    ]})  # fmt: skip
    f3 = {r.rk.split("|")[0] for r in _index_rows(world, client.client_id) if "F3" in r.rk}
    assert f3 == {"a", "t", "r"}  # the import's rows: amount, number tail, reference
    keys = {r.rk.split("|")[0] for r in _index_rows(world, client.client_id)}
    assert keys == {"a", "t", "r", "~built"}  # F1 and F2 as built, the marker
    assert _debtor_rows(world, client.client_id) == []
    world.services.payments.book(client, payment_id="p1", amount=5_000, received_on=PAID_ON,
                                 source=PaymentSource.BANK, invoice_numbers=["F2"])  # fmt: skip
    repos = world.services.repos
    f1 = repos.invoices.get(client.client_id, "F1")
    assert f1 is not None
    repos.invoices.save(f1.invoice.credit(), f1)  # staff credit F1: its rows deleted
    assert _debtor_rows(world, client.client_id) == []
    index = repos.invoices.match_index
    assert [i.open_amount for i in index.by_tail(client.client_id, "2")] == [25_000 - 5_000]
    assert index.by_tail(client.client_id, "1") == []


@pytest.mark.parametrize("pooled", [False, True])
def test_a_debtors_open_invoices_are_found_without_debtor_rows(world: Any, pooled: bool) -> None:
    """``ClientLookups.of_debtor`` (the one-line path, and a window's fallback): the debtor's
    open invoices only, with open amounts, references, due dates, his name and kind, in number
    order, at most a page (a debtor with more vetoes an automatic booking); no ``d|`` read."""
    a = setup(world)
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D3", name="Grote Klant BV",
                                                                   kind="b2b")]})  # fmt: skip
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row(f"G{n:03d}", "D3", amount=f"{100 + n}.00") for n in range(RANGE_CAP + 5)
    ]})  # fmt: skip
    client = _client(world, a)
    world.services.payments.book(client, payment_id="p1", amount=5_000, received_on=PAID_ON,
                                 source=PaymentSource.BANK, invoice_numbers=["G001"])  # fmt: skip
    whole = world.services.ledger.claim(client, "G000", PAID_ON).open.total
    world.services.payments.book(client, payment_id="p2", amount=whole, received_on=PAID_ON,
                                 source=PaymentSource.BANK, invoice_numbers=["G000"])  # fmt: skip
    repos = world.services.repos
    part = ClientLookups(repos, client, prefixed=pooled)
    lookups: Any = PooledLookups([part]) if pooled else part
    key = f"{client.client_id}\x1f" if pooled else ""
    with _ranges(repos.store) as seen:
        got = lookups.of_debtor(f"{key}D3")
        [f2] = lookups.of_debtor(f"{key}D2")
    assert _index_by_debtor(seen) == []
    assert len(got) == RANGE_CAP
    assert [i.number for i in got] == [f"{key}G{n:03d}" for n in range(1, RANGE_CAP + 1)]
    g001 = repos.invoices.get(client.client_id, "G001")
    assert g001 is not None and 0 < g001.invoice.open_amount < 10_100
    assert got[0].open_amount == g001.invoice.open_amount  # partly paid; G000 paid: not open
    assert {(i.debtor, i.debtor_name, i.debtor_kind) for i in got} == {
        (f"{key}D3", "Grote Klant BV", "b2b")
    }
    stored = repos.invoices.get(client.client_id, "F2")
    assert stored is not None
    assert (f2.number, f2.open_amount, f2.payment_reference, f2.due_date) == (
        f"{key}F2",
        25_000,
        stored.invoice.payment_reference,
        date(2025, 4, 1),
    )
    assert (f2.debtor_name, f2.debtor_kind) == ("Piet Bakker", "b2c")


def test_the_one_line_path_books_a_known_payer_without_debtor_rows(world: Any) -> None:
    """A line from a known payer's account, no reference, booked line by line (window 1): his
    debtor's open invoices from his invoice rows, booked by the rule "known payer" as before."""
    a = setup(world)
    repos = world.services.repos
    client_id = a.call("GET", "/v1/clients/C1").body["client_id"]
    repos.banking.learn_iban(client_id, OTHER, "D2")
    lines = [OutLine(PAID_ON, 25_000, "betaling", counterparty_iban=OTHER,
                     counterparty_name="Familie Bakker", end_to_end_id="N1")]  # fmt: skip
    data = write_mt940(ACCOUNT, lines, opening=0, opening_date=PAID_ON, statement_id="S11")
    with _ranges(repos.store) as seen:
        report = service(world, 1).ingest("agency-a/payer1.sta", data.encode())
    assert report.booked == 1
    [paid] = [p for p in payments(world) if p["amount"] == 25_000]
    assert [a["invoice_number"] for a in paid["allocations"]] == ["F2"]
    assert _index_by_debtor(seen) == []
    assert [r for t, r in seen if t == "Invoices" and r and r[0] == "i|D2|"]


def test_a_plans_reference_finds_its_open_invoices_without_debtor_rows(world: Any) -> None:
    """A payment plan's own betalingskenmerk names the plan's invoices that are still open
    (law14 F0): read from the debtor's invoice rows."""
    _, plan = _plan(world, auto_book=True, invoices=["F1", "F2"])
    repos = world.services.repos
    client_id = repos.clients.id_for_number("agency-a", "C1")
    found = repos.clients.get(client_id)
    assert found is not None
    lookups = ClientLookups(repos, found[0], prefixed=False)
    with _ranges(repos.store) as seen:
        hits = lookups.by_reference(plan["payment_reference"])
    assert _index_by_debtor(seen) == []
    assert [(i.number, i.open_amount, i.plan_reference) for i in hits] == [
        ("F1", 100_000, plan["payment_reference"]),
        ("F2", 20_000, plan["payment_reference"]),
    ]
    assert {i.debtor_name for i in hits} == {"Jan de Vries"}


@pytest.mark.parametrize("number", ["F2025-0007", "ABC"])  # with a number tail, and without
def test_a_redone_line_repairs_the_index_without_debtor_rows(world: Any, number: str) -> None:
    """A window died between the invoices and the index: the redelivery finds the invoice paid
    in part and the index as before the payment, and brings it to the invoice. The index's rows
    are found by the invoice's keys (its amount's before the payment too), not a ``d|`` read.
    "ABC" has no digits and no reference of its own here: its amount's row is all it has."""
    a = setup(world)
    keep_index(world.services.repos.store, _client(world, a).client_id)  # a statement met it
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row(number, "D2", amount="300.00", invoice_date="2025-03-01",
                    due_date="2025-04-01")]})  # fmt: skip
    client = _client(world, a)
    repos = world.services.repos
    cid = client.client_id
    stored = repos.invoices.get(cid, number)
    assert stored is not None
    if number == "ABC":  # no reference either: only the amount's key
        repos.invoices.save(replace(stored.invoice, payment_reference=None), stored)
        stored = repos.invoices.get(cid, number)
        assert stored is not None
        assert [r.rk.split("|")[0] for r in _index_rows(world, cid) if number in r.rk] == ["a"]
    part = stored.invoice.apply_payment("p9", 10_000)
    # the invoice written, the index not (the crash)
    repos.store.transact("Invoices", repos.invoices.write_ops(part, stored))
    index = repos.invoices.match_index
    assert [i.number for i in index.by_amount(cid, 30_000, 5)] == [number]  # stale
    payment = Payment(cid, "p9", "D2", 10_000, PAID_ON, PaymentSource.BANK,
                      allocations=(AllocatedAmount(number, "principal", 10_000),))  # fmt: skip
    with _ranges(repos.store) as seen:
        _repair_index(repos, cid, payment)
    assert _index_by_debtor(seen) == []
    assert index.by_amount(cid, 30_000, 5) == []
    assert [(i.number, i.open_amount) for i in index.by_amount(cid, 20_000, 5)] == [
        (number, 20_000)
    ]
    assert [i.open_amount for i in index.of_debtor(cid, "D2") if i.number == number] == [20_000]


def _legacy(world: Any, client_id: str) -> int:
    """Make the client's index as version 4 left it: a ``d|`` row beside each open invoice's
    rows (as version 4 wrote them: the same data) and a stale one of an invoice no longer open
    (a crash, or a writer of before), marked version 4."""
    store = world.services.repos.store
    pk = encode(client_id)
    rows = _index_rows(world, client_id)
    by_number = {r.data["Number"]: r for r in rows if r.rk != BUILT}
    legacy = [
        Row(pk, f"d|{encode(str(r.data['Debtor']))}|{encode(str(n))}", dict(r.data))
        for n, r in by_number.items()
    ]
    legacy.append(Row(pk, "d|D9|X-1", {**dict(legacy[0].data), "Number": "X-1", "Debtor": "D9"}))
    for row in legacy:
        store.upsert(MATCH_INDEX, row)
    count = len([r for r in rows if r.rk != BUILT]) + len(legacy)
    store.upsert(MATCH_INDEX, Row(pk, BUILT, {"Rows": count, "Version": 4}))
    return len(legacy)


def _outcome(world: Any) -> tuple[Any, ...]:
    data, _, _ = statement(world)
    report = service(world, 50).ingest("agency-a/legacy.sta", data)
    booked = sorted(
        (p["amount"], tuple(a["invoice_number"] for a in p["allocations"])) for p in payments(world)
    )
    return report.booked, report.suggested, report.unmatched, booked


def test_an_index_with_old_debtor_rows_books_the_same_and_loses_them(world: Any) -> None:
    """An index of version 4 (its ``d|`` rows, one of them stale) books the statement as a
    fresh one does; the first statement deletes the rows and marks the index current (its
    count of rows less the ``d|`` rows; since version 6, perf31, an index of an earlier
    version is built again whole: imports that found no marker's copy wrote no rows)."""
    from tests.unit.api.conftest import make_world

    fresh = make_world()
    setup(fresh)
    wanted = _outcome(fresh)

    a = setup(world)
    client_id = a.call("GET", "/v1/clients/C1").body["client_id"]
    world.services.repos.invoices.match_index.rebuild(
        client_id, world.services.repos.invoices.open_invoices(client_id), {}
    )
    legacy = _legacy(world, client_id)
    assert len(_debtor_rows(world, client_id)) == legacy == 3
    others = [r for r in _index_rows(world, client_id) if r.rk[0] in "atr"]
    store = world.services.repos.store
    got = _outcome(world)
    assert got == wanted
    assert got[0] >= 2  # it books
    assert _debtor_rows(world, client_id) == []
    marker = store.get(MATCH_INDEX, encode(client_id), BUILT)
    assert marker is not None and marker.data["Version"] == VERSION
    assert int(marker.data["Rows"]) == len(others)
    # the drop again (a second worker, a redelivery): nothing left, nothing fails
    assert world.services.repos.invoices.match_index.drop_debtor_rows(client_id) == 0


def test_only_debtor_rows_are_dropped(world: Any) -> None:
    a = setup(world)
    client_id = a.call("GET", "/v1/clients/C1").body["client_id"]
    keep_index(world.services.repos.store, client_id)  # a statement met the client
    _legacy(world, client_id)
    before = {r.rk for r in _index_rows(world, client_id) if not r.rk.startswith("d|")}
    index = world.services.repos.invoices.match_index
    assert index.drop_debtor_rows(client_id) == 3
    assert {r.rk for r in _index_rows(world, client_id)} == before
    pk = encode(client_id)
    assert not list(
        all_rows(world.services.repos.store, MATCH_INDEX, pk=pk, rk_range=prefix_range("d|"))
    )
