"""The matching index is never left as an earlier read had it (review failure3, finding 2): the
one-time build and an import's follow-ups write rows computed from a read made before, and
bring those another writer changed meanwhile to the stored version. On Azurite and in memory."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from shared.adapters.tables.keys import encode
from shared.adapters.tables.match_index_repo import BUILT, MATCH_INDEX, index_rows
from shared.domain.invoices import Invoice
from shared.domain.parties import Debtor, DebtorKind
from shared.services.repositories import Repositories
from tests.support.match_index import keep_index


def _index(repos: Repositories, client: str) -> dict[str, dict[str, object]]:
    rows = repos.invoices.store.query(MATCH_INDEX, pk=encode(client), page_size=1000).rows
    return {r.rk: _set(r.data) for r in rows if r.rk != BUILT}


def _set(data: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in data.items() if v is not None}  # storage keeps no nulls


def _expected(
    repos: Repositories, client: str, debtors: dict[str, Debtor]
) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for inv in repos.invoices.open_invoices(client):
        out |= {
            rk: _set(r.data) for rk, r in index_rows(inv, debtors.get(inv.debtor_number)).items()
        }
    return out


def test_the_build_settles_what_changed_between_its_read_and_its_write(repos: Repositories) -> None:
    client = f"c{uuid.uuid4().hex[:8]}"
    d1 = Debtor(client, "D1", DebtorKind.B2C, "Jan de Vries")
    d2 = Debtor(client, "D2", DebtorKind.B2B, "Bakker BV")
    for n, debtor, cents in [("F1", "D1", 10_100), ("F2", "D1", 20_200), ("F3", "D2", 30_300)]:
        repos.invoices.save(
            Invoice(client, n, debtor, date(2025, 1, 1), date(2025, 2, 1), cents), None
        )
    index = repos.invoices.match_index
    calls = {"invoices": 0, "debtors": 0}
    renamed = Debtor(client, "D2", DebtorKind.B2C, "P. Bakker")

    def open_invoices() -> list[Invoice]:
        read = repos.invoices.open_invoices(client)
        calls["invoices"] += 1
        if calls["invoices"] == 1:  # after the build's read, before its write:
            f1 = repos.invoices.get(client, "F1")
            assert f1 is not None
            repos.invoices.save(f1.invoice.credit(), f1)  # staff credit F1
            f2 = repos.invoices.get(client, "F2")
            assert f2 is not None
            repos.invoices.save(f2.invoice.apply_payment("p1", 200), f2)  # a part payment
            f3 = repos.invoices.get(client, "F3")
            assert f3 is not None
            index.debtor_changed(renamed, [f3.invoice])  # an import renames D2
        return read

    def debtors() -> list[Debtor]:
        calls["debtors"] += 1
        return [d1, d2] if calls["debtors"] == 1 else [d1, renamed]

    assert index.ensure_built(client, open_invoices, debtors)
    assert _index(repos, client) == _expected(repos, client, {"D1": d1, "D2": renamed})
    assert [i.open_amount for i in index.of_debtor(client, "D1")] == [20_000]
    assert [i.debtor_name for i in index.of_debtor(client, "D2")] == ["P. Bakker"]
    assert not index.ensure_built(client, open_invoices, debtors)  # once


def test_follow_ups_bring_moved_invoices_to_the_stored_version(repos: Repositories) -> None:
    """The import wrote F1 at 121.00 and F2 at 50.00; before its follow-ups, F1 was credited
    and F2 re-sent at 77.00 (each with its own index write). The follow-ups, computed from what
    the import wrote, end as the invoices are."""
    client = f"c{uuid.uuid4().hex[:8]}"
    keep_index(repos.store, client)  # a statement met the client: its index is kept
    debtor = Debtor(client, "D1", DebtorKind.B2C, "Jan de Vries")
    written = [
        Invoice(client, "F1", "D1", date(2025, 1, 1), date(2025, 2, 1), 12_100),
        Invoice(client, "F2", "D1", date(2025, 1, 1), date(2025, 2, 1), 5_000),
        Invoice(client, "F3", "D1", date(2025, 1, 1), date(2025, 2, 1), 3_000),
    ]
    ops = [op for inv in written for op in repos.invoices.write_ops(inv, None)]
    repos.invoices.write_many(client, ops)  # the import's chunk, follow-ups still to do
    f1 = repos.invoices.get(client, "F1")
    f2 = repos.invoices.get(client, "F2")
    assert f1 is not None and f2 is not None
    repos.invoices.save(f1.invoice.credit(), f1)
    repos.invoices.save(replace(f2.invoice, amount=7_700), f2)
    repos.invoices.follow_up(client, [(None, inv) for inv in written], {"D1": debtor})
    assert _index(repos, client) == _expected(repos, client, {"D1": debtor})
    assert sorted(i.open_amount for i in repos.invoices.match_index.of_debtor(client, "D1")) == [
        3_000,
        7_700,
    ]
