"""An index of version 4 on Azurite and in memory: its ``d|`` rows (more than a page of them)
are deleted by the first build check with the debtors at hand and the marker set current; a
second check finds nothing to do (perf26). Since version 6 (perf31) such an index is built again
whole (an import that found no marker's copy wrote no rows), the ``d|`` rows deleted with the
other rows its read does not give."""

from __future__ import annotations

import uuid
from datetime import date

from shared.adapters.tables.keys import encode
from shared.adapters.tables.match_index_repo import BUILT, MATCH_INDEX, VERSION, index_rows
from shared.domain.invoices import Invoice
from shared.ports.tables import Op, OpKind, Row, all_rows, prefix_range

LEGACY = 1_050  # more than the store's page of 1,000: the drop follows its continuation


def test_a_version_4_index_loses_its_debtor_rows_once(repos):
    client = f"c{uuid.uuid4().hex[:8]}"
    pk = encode(client)
    invoices = [
        Invoice(client, f"F{n:05d}", f"D{n % 7}", date(2024, 1, 1), date(2024, 2, 1), 1_000 + n)
        for n in range(3)
    ]
    for inv in invoices:
        repos.invoices.save(inv, None)
    store = repos.store
    kept = {r.rk: r.data for r in all_rows(store, MATCH_INDEX, pk=pk)}
    legacy = [
        Op(OpKind.UPSERT, Row(pk, f"d|D{n % 7}|F{n:05d}", {"Number": f"F{n:05d}", "Open": 1}))
        for n in range(LEGACY)
    ]
    for start in range(0, LEGACY, 100):
        store.transact(MATCH_INDEX, legacy[start : start + 100])
    store.upsert(MATCH_INDEX, Row(pk, BUILT, {"Rows": len(kept) + LEGACY, "Version": 4}))
    index = repos.invoices.match_index
    read: list[int] = []

    def debtors():
        read.append(1)
        return []

    assert index.ensure_built(client, lambda: invoices, debtors) is True
    assert read == [1, 1]  # built again: every debtor read, and read back once written
    rows = {r.rk: r.data for r in all_rows(store, MATCH_INDEX, pk=pk)}
    marker = rows.pop(BUILT)
    wanted = {rk: row.data["Number"] for inv in invoices for rk, row in index_rows(inv).items()}
    assert {rk: data["Number"] for rk, data in rows.items()} == wanted
    assert (marker["Version"], marker["Rows"]) == (VERSION, len(wanted))
    assert not list(all_rows(store, MATCH_INDEX, pk=pk, rk_range=prefix_range("d|")))
    # built now: another check (another worker's process) reads the marker and stops there
    other = type(index)(store)
    assert other.ensure_built(client, lambda: invoices, debtors) is False
    assert index.drop_debtor_rows(client) == 0
