"""The ops commands on Azurite (README "Deploying to Azure").

``inning backfill prescription``: 250 invoices in three pages, a crash of the first run after
its first page's rows (before their progress), then the command as the engineer runs it
again: one row per open invoice, counts per client, another client untouched, a third run
writing nothing. ``inning mollie prune``: a kept credential past its retention."""

from __future__ import annotations

import json
import secrets
from collections import Counter
from datetime import date, timedelta

import pytest

from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.dunning_repo import SCHEDULE
from shared.adapters.tables.invoices_repo import invoice_to_row
from shared.adapters.tables.keys import encode
from shared.adapters.tables.schema import INVOICES
from shared.cli.main import main
from shared.clock import SystemClock
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.parties import Client
from shared.ports.tables import all_rows
from shared.services.operations.prescription_backfill import PrescriptionBackfill
from shared.services.repositories import Repositories
from tests.support.faults import FaultPlan, FaultyTableStore, SimulatedCrash

N = 250


@pytest.fixture
def store(storage_connection: str, monkeypatch: pytest.MonkeyPatch) -> AzureTableStore:
    monkeypatch.setenv("AzureWebJobsStorage", storage_connection)
    monkeypatch.setenv("INNING_ENVIRONMENT", "local")
    azure = AzureTableStore.from_connection_string(storage_connection)
    Repositories.over(azure).ensure_tables()
    return azure


def _client(store: AzureTableStore, agency: str, number: str) -> str:
    client_id = f"bf{secrets.token_hex(6)}"
    Repositories.over(store).clients.save(
        Client(client_id, agency, number, f"Client {number}"), new=True
    )
    return client_id


def _rows(store: AzureTableStore, client_id: str) -> list[str]:
    return [r.rk for r in all_rows(store, SCHEDULE, pk=encode(client_id), rk_range=(None, "~"))]


def test_the_command_finishes_a_backfill_that_crashed_halfway(
    store: AzureTableStore, capsys: pytest.CaptureFixture[str]
) -> None:
    agency = f"ag{secrets.token_hex(4)}"
    mine, other = _client(store, agency, "K1"), _client(store, agency, "K2")
    # the first page: the first 100 invoices in key order (debtor, number), the paid ones out
    keys = sorted((f"D{i % 37}|F{i:03d}", i) for i in range(N))
    first_page = sum(1 for _, i in keys[:100] if i % 10)
    for i in range(N):
        due = date(2024, 3, 15) if i % 2 else date(2026, 1, 1) + timedelta(days=i % 40)
        status = InvoiceStatus.PAID if i % 10 == 0 else InvoiceStatus.OPEN
        store.upsert(INVOICES, invoice_to_row(Invoice(
            mine, f"F{i:03d}", f"D{i % 37}", due - timedelta(days=30), due, 5000, status=status,
        )))  # fmt: skip
    store.upsert(INVOICES, invoice_to_row(Invoice(other, "G1", "D1", date(2024, 1, 1), date(2024, 2, 1), 100)))  # fmt: skip

    plan = FaultPlan()
    plan.rule(lambda op, table: op == "transact" and table == SCHEDULE, "crash_after")
    with pytest.raises(SimulatedCrash):  # the first page's rows land, its progress does not
        PrescriptionBackfill(FaultyTableStore(store, plan), SystemClock()).run(mine)
    assert len(_rows(store, mine)) == first_page

    assert main(["backfill", "prescription", "--agency", agency, "--client", "K1", "--json"]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert (report["client"], report["done"], report["closed"]) == ("K1", True, N // 10)
    rows = _rows(store, mine)
    assert Counter(rk.rsplit("|", 1)[1] for rk in rows).most_common(1)[0][1] == 1
    assert len(rows) == N - N // 10 == report["written"] + report["kept"]
    assert report["kept"] == first_page  # the crashed page, done again: its rows were there
    assert 0 < report["due_now"] < report["written"]  # the old claims, not the young ones
    assert _rows(store, other) == []

    assert main(["backfill", "prescription", "--agency", agency, "--client", "K1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("\t")[:3] == ["agency", "client", "written"]
    assert out[1].split("\t")[:3] == [agency, "K1", str(report["written"])]
    assert _rows(store, mine) == rows


def test_a_client_number_needs_its_agency(store: AzureTableStore) -> None:
    assert main(["backfill", "prescription", "--client", "K1"]) == 2
    assert main(["backfill", "prescription", "--agency", "nobody", "--client", "K1"]) == 2


def test_mollie_prune_deletes_a_kept_credential_past_retention_on_azurite(
    store: AzureTableStore, capsys: pytest.CaptureFixture[str]
) -> None:
    """``inning mollie prune`` (the nightly timer's sweep) against Azurite and the local
    secret table: a dry run changes nothing, the run deletes secret and row, once."""
    from datetime import UTC, datetime

    from shared.adapters.secrets.table_store import TableSecretStore
    from shared.adapters.tables.linked_accounts_repo import LinkedAccountRepository, MollieLink
    from shared.ports.secrets import client_secret_name

    agency = f"ag{secrets.token_hex(4)}"
    client_id = _client(store, agency, "K1")
    links, vault = LinkedAccountRepository(store), TableSecretStore(store)
    old = MollieLink(client_id, "api_key", None, None, True,
                     datetime(2023, 6, 1, tzinfo=UTC), account="a1b2c3d4e5f6")  # fmt: skip
    links.keep_mollie_account(old, kept_at=datetime(2024, 1, 2, tzinfo=UTC))
    name = client_secret_name(client_id, "mollie-key-a1b2c3d4e5f6")
    credential = "test_KeptCredentialOfTheClient000000"
    vault.set(name, credential)
    args = ["mollie", "prune", "--agency", agency, "--client", "K1", "--json"]

    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert [(d["account"], d["outcome"]) for d in json.loads(out)] == [("a1b2c3d4e5f6", "due")]
    assert vault.get(name) == credential and links.mollie_account(client_id, old.account)

    assert main(args) == 0
    out = capsys.readouterr().out
    (decided,) = json.loads(out)
    assert (decided["outcome"], decided["delete_from"]) == ("deleted", "2026-01-01T00:00:00+00:00")
    assert vault.get(name) is None and links.mollie_account(client_id, old.account) is None
    assert credential not in out
    assert main(args) == 0 and json.loads(capsys.readouterr().out) == []
