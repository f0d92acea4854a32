"""settle28: a client's onboarding day (``OnboardedOn``) is backed up and restored with its
row, and a client row written before the day was kept restores as it was: none."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from azure.data.tables import TableServiceClient

from shared.adapters.tables import schema
from shared.adapters.tables.azure import AzureTableStore
from shared.cli.main import main
from shared.domain.parties import Client
from shared.services.repositories import Repositories


def test_the_onboarding_day_comes_back_with_the_client(
    storage_connection: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AzureWebJobsStorage", storage_connection)
    monkeypatch.setenv("INNING_ENVIRONMENT", "local")
    repos = Repositories.over(AzureTableStore.from_connection_string(storage_connection))
    repos.ensure_tables()
    taken_on = Client("cl-onb-1", "agency-onb", "ONB1", "Bakkerij", onboarded_on=date(2026, 11, 20))
    older = Client("cl-onb-2", "agency-onb", "ONB2", "Slagerij")  # no day: an older row
    repos.clients.save(taken_on, new=True)
    repos.clients.save(older, new=True)
    assert main(["backup", "--json"]) == 0
    capsys.readouterr()
    day = datetime.now(UTC).date()
    TableServiceClient.from_connection_string(storage_connection).delete_table(schema.CLIENTS)
    assert main(["restore", "--from", day.isoformat(), "--set", "parties", "--json"]) == 0
    again = Repositories.over(AzureTableStore.from_connection_string(storage_connection))
    first, second = again.clients.get("cl-onb-1"), again.clients.get("cl-onb-2")
    assert first is not None and first[0].onboarded_on == date(2026, 11, 20)
    assert second is not None and second[0].onboarded_on is None
