"""``inning backfill whatsapp-stop`` on Azurite (docs/operations.md "Upgrading: WhatsApp STOPs
from before"): a STOP on the contact log of a debtor whose consent a push gave back is recorded
with its day and the consent withdrawn; another client is not read; a second run changes
nothing."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, date, datetime

import pytest

from shared.adapters.tables.azure import AzureTableStore
from shared.cli.main import main
from shared.domain.parties import Client, Debtor, DebtorKind
from shared.domain.records import ContactEntry, ContactKind
from shared.services.repositories import Repositories
from tests.integration.test_ops_commands_azurite import store  # noqa: F401

STOPPED = datetime(2025, 11, 3, 9, 15, tzinfo=UTC)


def _client_with_old_stop(repos: Repositories, agency: str, number: str) -> str:
    client_id = f"ws{secrets.token_hex(6)}"
    repos.clients.save(Client(client_id, agency, number, f"Client {number}"), new=True)
    for debtor in ("D1", "D2"):  # D1 sent STOP; a push gave his consent back
        repos.debtors.save(Debtor(client_id, debtor, DebtorKind.B2C, "Jan", mobile="+31612345678",
                                  whatsapp_consent=True), None)  # fmt: skip
    repos.contacts.add(ContactEntry(
        client_id, "D1", f"{int(STOPPED.timestamp() * 1000):012x}x", STOPPED, ContactKind.NOTE,
        "WhatsApp opt-out received (STOP): no more WhatsApp messages", channel="whatsapp",
    ))  # fmt: skip
    return client_id


def test_the_command_records_a_stop_from_before_once(
    store: AzureTableStore,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    repos = Repositories.over(store)
    agency = f"ag{secrets.token_hex(4)}"
    mine = _client_with_old_stop(repos, agency, "K1")
    other = _client_with_old_stop(repos, agency, "K2")
    assert main(["backfill", "whatsapp-stop", "--agency", agency, "--client", "K1", "--json"]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert (report["client"], report["read"], report["recorded"], report["withdrawn"]) == (
        "K1", 2, ["D1"], ["D1"],
    )  # fmt: skip
    d1 = repos.debtors.get(mine, "D1")
    assert d1 is not None and d1[0].whatsapp_stopped_on == date(2025, 11, 3)
    assert not d1[0].whatsapp_consent
    untouched = repos.debtors.get(other, "D1")
    assert untouched is not None and untouched[0].whatsapp_stopped_on is None
    assert main(["backfill", "whatsapp-stop", "--agency", agency, "--client", "K1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["agency\tclient\tread\trecorded\twithdrawn", f"{agency}\tK1\t1\t0\t0"]
