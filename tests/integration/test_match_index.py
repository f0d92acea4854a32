"""The statement matching index on Azurite and in memory: maintained by every invoice write
(new, partly paid, paid, credited), repaired from a stale state, each lookup one request."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from shared.adapters.tables.debtor_open_invoices import read_open_of_debtor
from shared.domain.invoices import Invoice
from shared.domain.statements.matching import OpenInvoice
from tests.support.match_index import keep_index


def test_the_index_follows_every_write(repos):
    client = f"c{uuid.uuid4().hex[:8]}"
    keep_index(repos.store, client)  # a statement met the client: its index is kept
    inv = Invoice(client, "F2024-01483", "D1", date(2024, 1, 1), date(2024, 2, 1), 12_100,
                  payment_reference="5000056789012345")  # fmt: skip
    index = repos.invoices.match_index
    repos.invoices.save(inv, None)
    assert [i.number for i in index.by_tail(client, "1483")] == ["F2024-01483"]
    assert [i.number for i in index.by_reference(client, "5000056789012345")] == ["F2024-01483"]
    assert [i.open_amount for i in index.by_amount(client, 12_100, 5)] == [12_100]
    stored = repos.invoices.get(client, "F2024-01483")
    part = stored.invoice.apply_payment("p1", 2_100)
    repos.invoices.save(part, stored)
    assert index.by_amount(client, 12_100, 5) == []
    assert [i.open_amount for i in index.of_debtor(client, "D1")] == [10_000]
    stored = repos.invoices.get(client, "F2024-01483")
    repos.invoices.save(stored.invoice.credit(), stored)
    assert index.of_debtor(client, "D1") == []
    assert index.by_tail(client, "1483") == [] and index.by_amount(client, 10_000, 5) == []


def test_a_lookup_is_one_request_whatever_the_portfolio(repos):
    client = f"c{uuid.uuid4().hex[:8]}"
    keep_index(repos.store, client)  # a statement met the client: its index is kept
    for n in range(150):
        inv = Invoice(
            client, f"F{n:05d}", f"D{n % 7}", date(2024, 1, 1), date(2024, 2, 1), 1_000 + n
        )
        repos.invoices.save(inv, None)
    store = repos.store
    before = store.requests
    assert [i.number for i in repos.invoices.match_index.by_tail(client, "42")] == ["F00042"]
    # a debtor's open invoices: his invoice rows since the index's version 5 (perf26: no d|
    # rows), one range read as the d| page was (the debtor's row not asked: none on file)
    assert len(read_open_of_debtor(store, client, "D3", lambda: None)) == 21
    assert store.requests - before == 2


def test_a_stale_index_is_repaired(repos):
    client = f"c{uuid.uuid4().hex[:8]}"
    keep_index(repos.store, client)  # a statement met the client: its index is kept
    inv = Invoice(client, "F1", "D1", date(2024, 1, 1), date(2024, 2, 1), 5_000)
    repos.invoices.save(inv, None)
    index = repos.invoices.match_index
    # the invoice was paid but the index write was lost (a crash between the two)
    stored = repos.invoices.get(client, "F1")
    paid = stored.invoice.apply_payment("p1", 5_000)
    repos.invoices.store.transact("Invoices", repos.invoices.write_ops(paid, stored))
    assert [i.number for i in index.by_amount(client, 5_000, 5)] == ["F1"]  # stale
    stale = OpenInvoice("F1", "D1", "", 5_000)
    index.repair(client, [stale], [paid])
    assert index.by_amount(client, 5_000, 5) == [] and index.of_debtor(client, "D1") == []
    index.repair(client, [stale], [paid])  # twice: rows already gone is fine
    assert index.by_tail(client, "1") == []


def test_invoices_from_before_the_index_are_indexed_once(repos):
    client = f"c{uuid.uuid4().hex[:8]}"
    inv = Invoice(client, "F9", "D1", date(2024, 1, 1), date(2024, 2, 1), 7_700)
    repos.invoices.store.transact("Invoices", repos.invoices.write_ops(inv, None))  # no index
    index = repos.invoices.match_index
    assert index.by_amount(client, 7_700, 5) == []
    assert index.ensure_built(client, lambda: repos.invoices.open_invoices(client))
    assert [i.number for i in index.by_amount(client, 7_700, 5)] == ["F9"]
    assert not index.ensure_built(client, lambda: [])  # one point read from now on


def test_an_index_of_the_first_version_is_built_again_once_with_names_and_kinds(repos):
    """Version 2 rows carry the debtor's name and kind (no debtor read per candidate); an
    index built before keeps answering (no names: its debtors are read) until the first
    statement that meets its client writes it again, once."""
    from shared.domain.parties import Debtor, DebtorKind

    client = f"c{uuid.uuid4().hex[:8]}"
    inv = Invoice(client, "F7", "D1", date(2024, 1, 1), date(2024, 2, 1), 4_200)
    repos.invoices.store.transact("Invoices", repos.invoices.write_ops(inv, None))
    index = repos.invoices.match_index
    assert index.ensure_built(client, lambda: repos.invoices.open_invoices(client))  # version 1
    [old] = index.by_amount(client, 4_200, 5)
    assert old.debtor_kind is None and old.debtor_name == ""
    debtor = Debtor(client, "D1", DebtorKind.B2C, "Jan de Vries")
    assert not index.ensure_built(client, lambda: [])  # no debtors at hand: left as it is
    assert index.ensure_built(
        client, lambda: repos.invoices.open_invoices(client), lambda: [debtor]
    )
    [new] = index.by_amount(client, 4_200, 5)
    assert (new.debtor_name, new.debtor_kind) == ("Jan de Vries", "b2c")
    assert not index.ensure_built(client, lambda: [], lambda: [debtor])  # once
    # a write that has the debtor at hand writes its name and kind; one that has not reads
    # the debtor (version 3: every row carries them); a debtor not on file leaves them out
    stored = repos.invoices.get(client, "F7")
    part = stored.invoice.apply_payment("p1", 200)
    index.update(client, [(stored.invoice, part)], {"D1": debtor})
    assert [(i.open_amount, i.debtor_kind) for i in index.of_debtor(client, "D1")] == [
        (4_000, "b2c")
    ]
    index.update(client, [(part, part.apply_payment("p2", 1_000))])
    assert [(i.open_amount, i.debtor_kind) for i in index.of_debtor(client, "D1")] == [
        (3_000, None)
    ]
    repos.debtors.save(debtor, None)
    third = part.apply_payment("p2", 1_000)
    index.update(client, [(third, third.apply_payment("p3", 500))])
    assert [(i.open_amount, i.debtor_kind, i.debtor_name) for i in index.by_amount(
        client, 2_500, 5
    )] == [(2_500, "b2c", "Jan de Vries")]  # fmt: skip


def test_a_debtor_renamed_or_of_another_kind_has_its_open_rows_written_again(repos):
    """The rows are authoritative for the debtor's name and kind: a change of either writes
    the rows of the debtor's open invoices again (paid ones have none)."""
    from shared.domain.parties import Debtor, DebtorKind

    client = f"c{uuid.uuid4().hex[:8]}"
    keep_index(repos.store, client)  # a statement met the client: its index is kept
    before = Debtor(client, "D1", DebtorKind.B2C, "Jan de Vries")
    repos.debtors.save(before, None)
    open_ = Invoice(client, "F1", "D1", date(2024, 1, 1), date(2024, 2, 1), 4_200)
    paid = Invoice(client, "F2", "D1", date(2024, 1, 1), date(2024, 2, 1), 1_000)
    for inv in (open_, paid):
        repos.invoices.save(inv, None)
    repos.invoices.save(paid.apply_payment("p1", 1_000), repos.invoices.get(client, "F2"))
    index = repos.invoices.match_index
    assert [(i.number, i.debtor_kind) for i in index.of_debtor(client, "D1")] == [("F1", "b2c")]
    after = replace(before, kind=DebtorKind.B2B, name="De Vries Holding BV")
    index.debtor_changed(after, repos.invoices.for_debtor(client, "D1"))
    rows = (
        index.of_debtor(client, "D1")
        + index.by_amount(client, 4_200, 5)
        + index.by_tail(client, "1")
    )
    assert {(i.number, i.debtor_kind, i.debtor_name) for i in rows} == {
        ("F1", "b2b", "De Vries Holding BV")
    }


def test_a_write_that_leaves_the_rows_as_they_are_reads_no_debtor(repos, monkeypatch):
    """Writers without the debtor at hand have the index read it, but only when the invoice's
    rows change (a dunning step, a note on the invoice: no read)."""
    from shared.domain.parties import Debtor, DebtorKind

    client = f"c{uuid.uuid4().hex[:8]}"
    keep_index(repos.store, client)  # a statement met the client: its index is kept
    repos.debtors.save(Debtor(client, "D1", DebtorKind.B2B, "Bakker BV"), None)
    inv = Invoice(client, "F1", "D1", date(2024, 1, 1), date(2024, 2, 1), 5_000)
    index = repos.invoices.match_index
    read: list[str] = []
    get_many = repos.store.get_many

    def counted(table, pk, rks):
        read.extend(rks if table == "Debtors" else [])
        return get_many(table, pk, rks)

    monkeypatch.setattr(repos.store, "get_many", counted)
    index.update(client, [(None, inv)])
    assert read == ["D1"]
    index.update(client, [(inv, replace(inv, description="reminder sent"))])
    assert read == ["D1"]  # the same rows: nothing read, nothing written
    index.update(client, [(inv, inv.apply_payment("p1", 1_000))])
    assert read == ["D1", "D1"]
    [row] = index.by_amount(client, 4_000, 5)
    assert (row.debtor_kind, row.debtor_name) == ("b2b", "Bakker BV")
