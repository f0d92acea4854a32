"""``inning backfill match-copies`` (matchcopy31) on both table stores: the rows read back
from Table Storage (amounts as 64-bit integers, dates, names and kinds, references absent
where none) must compare equal to the rows a build would write, or no index would ever be
copied; a version-6 import's skipped rows must still be seen. Then the command on Azurite."""

from __future__ import annotations

import json
import secrets
from datetime import date

import pytest

from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.invoices_repo import InvoiceRepository
from shared.adapters.tables.keys import encode
from shared.adapters.tables.match_index_repo import BUILT, MATCH_INDEX, VERSION
from shared.adapters.tables.parties_repo import debtor_to_row
from shared.adapters.tables.schema import DEBTORS, INVOICES
from shared.adapters.tables.search_repo import CONSOLE_SEARCH, MATCHED
from shared.cli.main import main
from shared.domain.invoices import Invoice
from shared.domain.parties import Client, Debtor, DebtorKind
from shared.ports.tables import Row, TableStore, all_rows
from shared.services.operations.match_copy_backfill import copy_match_marker
from shared.services.repositories import Repositories
from tests.support.match_index import keep_index

N = 30


def _client(repos: Repositories, agency: str = "ag1", number: str = "K1") -> str:
    client_id = f"mc{secrets.token_hex(6)}"
    repos.clients.save(Client(client_id, agency, number, f"Client {number}"), new=True)
    store = repos.store
    for d in range(3):
        kind = DebtorKind.B2B if d else DebtorKind.B2C
        store.upsert(DEBTORS, debtor_to_row(Debtor(client_id, f"D{d}", kind, f"Debiteur {d}")))
    for i in range(N):
        _write(store, _invoice(client_id, i))
    return client_id


def _write(store: TableStore, invoice: Invoice) -> None:
    """The invoice's rows, not its index rows: what an import that finds no copy writes
    (and any writer before the index is built)."""
    store.transact(INVOICES, InvoiceRepository(store).write_ops(invoice, None))


def _invoice(client_id: str, i: int) -> Invoice:
    # a reference on every other invoice: the rows of the others carry none
    reference = f"RF18 0000 0000 0000 0000 {i:04d}" if i % 2 else None
    return Invoice(
        client_id, f"F{i:03d}", f"D{i % 3}", date(2026, 1, 1), date(2026, 2, 1),
        10_000 + i, payment_reference=reference,
    )  # fmt: skip


def _version_5(store: TableStore, client_id: str) -> None:
    """Built and kept by workers of version 5: no copy."""
    marker = store.get(MATCH_INDEX, encode(client_id), BUILT)
    assert marker is not None
    store.upsert(MATCH_INDEX, Row(marker.pk, BUILT, {**marker.data, "Version": 5}))
    store.delete(CONSOLE_SEARCH, encode(client_id), MATCHED)


def test_rows_read_back_compare_equal_and_skipped_rows_do_not(repos: Repositories) -> None:
    store = repos.store
    kept, skipped = _client(repos, number="K1"), _client(repos, number="K2")
    for client_id in (kept, skipped):
        keep_index(store, client_id)
        _version_5(store, client_id)
    # an import of version 6 that found no copy: the invoice, not its rows
    _write(store, _invoice(skipped, N))
    rows = list(all_rows(store, MATCH_INDEX, pk=encode(kept), rk_range=("", "~")))
    assert len(rows) == N + N // 2 + N  # amount, tail, and reference where there is one
    assert {r.data.get("Kind") for r in rows} == {"b2b", "b2c"}
    done = copy_match_marker(repos, kept)
    assert (done.outcome, done.missing, done.stale, done.changed) == ("copied", 0, 0, 0)
    marker = store.get(MATCH_INDEX, encode(kept), BUILT)
    assert marker is not None and int(marker.data["Version"]) == VERSION
    assert copy_match_marker(repos, kept).outcome == "current"
    done = copy_match_marker(repos, skipped)
    assert (done.outcome, done.missing, done.stale, done.changed) == ("differs", 2, 0, 0)
    marker = store.get(MATCH_INDEX, encode(skipped), BUILT)
    assert marker is not None and int(marker.data["Version"]) == 5


def test_the_command_on_azurite(
    storage_connection: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AzureWebJobsStorage", storage_connection)
    monkeypatch.setenv("INNING_ENVIRONMENT", "local")
    store = AzureTableStore.from_connection_string(storage_connection)
    repos = Repositories.over(store)
    repos.ensure_tables()
    agency = f"ag{secrets.token_hex(4)}"
    client_id = _client(repos, agency, "K1")
    keep_index(store, client_id)
    _version_5(store, client_id)
    unbuilt = _client(repos, agency, "K2")
    report = {}
    for number in ("K1", "K2"):
        command = ["backfill", "match-copies", "--agency", agency, "--client", number, "--json"]
        assert main(command) == 0
        report[number] = json.loads(capsys.readouterr().out)[0]
    assert (report["K1"]["outcome"], report["K1"]["next_statement"]) == (
        "copied",
        "trusted as it is",
    )
    assert report["K2"]["outcome"] == "none"
    assert store.get(CONSOLE_SEARCH, encode(client_id), MATCHED) is not None
    assert store.get(CONSOLE_SEARCH, encode(unbuilt), MATCHED) is None
    assert main(["backfill", "match-copies", "--agency", agency, "--client", "K1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].split("\t") == [agency, "K1", "current", "0", "0", "0", "trusted as it is"]
