"""``inning check stored-texts`` (leftover32) on Azurite: a client's footer, a debtor's name and
an invoice's number written before attack31's checks are listed (Table Storage's pages of
debtors and invoices read through), and nothing is written."""

from __future__ import annotations

import json
import secrets
from dataclasses import replace
from datetime import date

import pytest

from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.invoices_repo import InvoiceRepository
from shared.adapters.tables.parties_repo import debtor_to_row
from shared.adapters.tables.schema import DEBTORS, INVOICES
from shared.cli.main import main
from shared.domain.invoices import Invoice
from shared.domain.parties import Client, Debtor, DebtorKind, HouseStyle
from shared.services.repositories import Repositories


def test_the_command_on_azurite(
    storage_connection: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AzureWebJobsStorage", storage_connection)
    monkeypatch.setenv("INNING_ENVIRONMENT", "local")
    store = AzureTableStore.from_connection_string(storage_connection)
    repos = Repositories.over(store)
    repos.ensure_tables()
    agency, client_id = f"ag{secrets.token_hex(4)}", f"st{secrets.token_hex(6)}"
    client = Client(client_id, agency, "K1", "Client K1")
    style = HouseStyle(footer_text="Betaal via tikkie.me/pay")
    repos.clients.save(replace(client, house_style=style), new=True)
    for d, name in enumerate(("Debiteur 0", "Jansen www.betaal-snel.nl", "Gebr. de Vries")):
        store.upsert(DEBTORS, debtor_to_row(Debtor(client_id, f"D{d}", DebtorKind.B2C, name)))
    for number in ("F001", "FAC.NL.2024-001", "10.1.2.3:443/pay"):
        invoice = Invoice(client_id, number, "D0", date(2026, 1, 1), date(2026, 2, 1), 10_000)
        store.transact(INVOICES, InvoiceRepository(store).write_ops(invoice, None))
    command = ["check", "stored-texts", "--agency", agency, "--client", "K1", "--json"]
    assert main(command) == 0
    [report] = json.loads(capsys.readouterr().out)
    assert (report["client"], report["debtors"], report["invoices"]) == ("K1", 3, 3)
    found = [(f["kind"], f["id"], f["field"], f["code"]) for f in report["found"]]
    assert found == [
        ("client", "K1", "footer_text", "footer_foreign_link"),
        ("debtor", "D1", "name", None),
        ("invoice", "10.1.2.3:443/pay", "number", None),
    ], found
    stored = repos.clients.get(client_id)
    assert stored is not None and stored[0].house_style.footer_text == "Betaal via tikkie.me/pay"
